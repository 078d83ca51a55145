package pos

import (
	"fmt"

	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/state"
)

// State is the persisted state of a sale's payment. It is package state's
// Order, the one type the records and their readers share: the states are
// spelled there only, and converted nowhere (storage.Order.State has this
// type). pos owns what they mean: the transition tables below.
type State = state.Order

// Payment states. The scan, QR and cash flows each use a subset, fixed by
// their transition tables below (what each means: package state).
const (
	StateNew             = state.New
	StateSubmitting      = state.Submitting
	StateWaitingPassword = state.WaitingPassword
	StateUnknown         = state.Unknown
	StateReversing       = state.Reversing
	StateReversed        = state.Reversed
	StateCreating        = state.Creating
	StateShowingQR       = state.ShowingQR
	StateClosing         = state.Closing
	StateClosed          = state.Closed
	StatePaid            = state.Paid
	StateFailed          = state.Failed
	StateConflict        = state.Conflict
)

// RefundState is the persisted state of a refund: package state's Refund.
type RefundState = state.Refund

// Refund states (docs/DESIGN.md §4): NEW ▶ SUBMITTED ▶ PROCESSING ▶ SUCCESS | CLOSED | ABNORMAL.
const (
	RefundNew        = state.RefundNew
	RefundSubmitted  = state.RefundSubmitted
	RefundProcessing = state.RefundProcessing
	RefundSuccess    = state.RefundSuccess
	RefundClosed     = state.RefundClosed
	RefundAbnormal   = state.RefundAbnormal
)

// Flow names a state machine.
type Flow string

// The payment flows, one per tender, plus refunds.
const (
	FlowScan   Flow = "scan"
	FlowQR     Flow = "qr"
	FlowCash   Flow = "cash"
	FlowRefund Flow = "refund"
	// FlowBill is not a tender: it holds the corrections a manager makes
	// from the daily WeChat bill (BillTable).
	FlowBill Flow = "bill"
)

// FlowOf returns the payment flow that drives a sale paid with tender.
func FlowOf(t receipt.Tender) (Flow, error) {
	switch t {
	case receipt.TenderWeChatScan:
		return FlowScan, nil
	case receipt.TenderWeChatQR:
		return FlowQR, nil
	case receipt.TenderCash:
		return FlowCash, nil
	}
	return "", fmt.Errorf("tender %q: %w", t, ErrBadRequest)
}

// AnyState is either machine's state: a payment's (State) or a
// refund's (RefundState).
type AnyState interface {
	State | RefundState
	Terminal() bool
}

// Edge is one allowed move of a state machine and why it happens: S is
// State for the payment flows, RefundState for refunds.
type Edge[S AnyState] struct {
	From, To S
	Why      string
}

// Table lists the allowed moves of one flow. It is the single source of
// truth: Terminal.move refuses anything not listed here.
type Table[S AnyState] []Edge[S]

// Allows reports whether from → to is listed.
func (t Table[S]) Allows(from, to S) bool {
	for _, e := range t {
		if e.From == from && e.To == to {
			return true
		}
	}
	return false
}

func edge(from, to State, why string) Edge[State] { return Edge[State]{from, to, why} }
func redge(from, to RefundState, why string) Edge[RefundState] {
	return Edge[RefundState]{from, to, why}
}

// ScanTable is the micropay/codepay state machine of docs/DESIGN.md §4.
var ScanTable = Table[State]{
	edge(StateNew, StateSubmitting, "persist before codepay/micropay"),
	edge(StateSubmitting, StatePaid, "paid at once"),
	edge(StateSubmitting, StateWaitingPassword, "USERPAYING"),
	edge(StateSubmitting, StateFailed, "definite failure (NOTENOUGH, AUTHCODEEXPIRE, …)"),
	edge(StateSubmitting, StateUnknown, "network error, timeout, SYSTEMERROR, BANKERROR, crash"),
	edge(StateWaitingPassword, StatePaid, "query: SUCCESS"),
	edge(StateWaitingPassword, StateFailed, "query: PAYERROR/CLOSED"),
	edge(StateWaitingPassword, StateReversing, "wait timed out or cashier cancelled"),
	edge(StateWaitingPassword, StateReversed, "query: REVOKED"),
	edge(StateWaitingPassword, StateUnknown, "no answer by the end of the wait"),
	edge(StateUnknown, StatePaid, "query: SUCCESS, or manager force-paid"),
	edge(StateUnknown, StateFailed, "query: PAYERROR/CLOSED"),
	edge(StateUnknown, StateWaitingPassword, "query: USERPAYING within the wait window"),
	edge(StateUnknown, StateReversing, "query: not paid after the wait window, cashier cancel, or manager force-void"),
	edge(StateUnknown, StateReversed, "query: REVOKED"),
	edge(StateReversing, StateReversed, "reverse succeeded"),
	edge(StateReversing, StateFailed, "reverse: order never reached WeChat"),
	edge(StateReversing, StatePaid, "reverse refused definitively and query says SUCCESS"),
	// A number that belongs to another payment (a restored or second database):
	// never accepted as this sale's state, never reversed.
	edge(StateWaitingPassword, StateConflict, "query: the order under this number is another payment"),
	edge(StateUnknown, StateConflict, "query: the order under this number is another payment"),
	edge(StateReversing, StateConflict, "reverse refused, query: the order under this number is another payment"),
	edge(StateSubmitting, StateConflict, "pay answered with another payment's order"),
	edge(StateConflict, StateFailed, "manager acknowledged: not paid, the number is another payment's"),
}

// QRTable is the Native (QR) state machine of docs/DESIGN.md §4.
var QRTable = Table[State]{
	edge(StateNew, StateCreating, "persist before native prepay/unifiedorder"),
	edge(StateCreating, StateShowingQR, "code_url received"),
	edge(StateCreating, StateFailed, "prepay refused definitively"),
	edge(StateCreating, StateUnknown, "network error, timeout, SYSTEMERROR, crash"),
	edge(StateShowingQR, StatePaid, "query: SUCCESS"),
	edge(StateShowingQR, StateClosing, "expired or cashier cancelled"),
	edge(StateShowingQR, StateClosed, "query: CLOSED"),
	edge(StateShowingQR, StateUnknown, "crash while showing: query first"),
	edge(StateUnknown, StatePaid, "query: SUCCESS, or manager force-paid"),
	edge(StateUnknown, StateClosing, "query: not paid, or manager force-void"),
	edge(StateUnknown, StateClosed, "query: CLOSED"),
	edge(StateUnknown, StateFailed, "query: PAYERROR"),
	edge(StateClosing, StateClosed, "close succeeded"),
	edge(StateClosing, StatePaid, "close answered ORDERPAID"),
	// A number that belongs to another payment: never accepted, never closed.
	edge(StateShowingQR, StateConflict, "query: the order under this number is another payment"),
	edge(StateUnknown, StateConflict, "query: the order under this number is another payment"),
	edge(StateClosing, StateConflict, "close, query: the order under this number is another payment"),
	edge(StateConflict, StateFailed, "manager acknowledged: not paid, the number is another payment's"),
}

// CashTable is the cash flow: paid locally, change computed.
var CashTable = Table[State]{
	edge(StateNew, StatePaid, "cash tendered ≥ amount"),
}

// RefundTable is the refund state machine of docs/DESIGN.md §4.
var RefundTable = Table[RefundState]{
	redge(RefundNew, RefundSubmitted, "authorised, limits checked, persisted and queued"),
	redge(RefundNew, RefundSuccess, "cash sale: paid back from the drawer"),
	redge(RefundSubmitted, RefundProcessing, "accepted by WeChat"),
	redge(RefundSubmitted, RefundSuccess, "accepted and already done"),
	redge(RefundSubmitted, RefundClosed, "refused definitively"),
	redge(RefundSubmitted, RefundAbnormal, "accepted as abnormal"),
	redge(RefundProcessing, RefundSuccess, "refund query: SUCCESS"),
	redge(RefundProcessing, RefundClosed, "refund query: CLOSED"),
	redge(RefundProcessing, RefundAbnormal, "refund query: ABNORMAL"),
}

// BillTable lists the corrections reconciliation may make to an order
// (Terminal.RecordBillSale): WeChat's daily bill shows the money arrived,
// so the order becomes PAID, with its audit event and receipt. They are
// not moves of the payment flows, whose final states stay final: only a
// manager working through a reconciliation difference makes them.
var BillTable = Table[State]{
	edge(StateNew, StatePaid, "bill: a payment with this terminal's number and no local record (lost with a crash or a restored backup), recorded by a manager"),
	edge(StateFailed, StatePaid, "bill: the money arrived for an order recorded FAILED, recorded by a manager"),
	edge(StateReversed, StatePaid, "bill: the money arrived for an order recorded REVERSED, recorded by a manager"),
	edge(StateClosed, StatePaid, "bill: the money arrived for an order recorded CLOSED, recorded by a manager"),
}

// TableOf returns the transition table of payment flow f (nil for
// FlowRefund, whose states are a refund's: RefundTable).
func TableOf(f Flow) Table[State] {
	switch f {
	case FlowScan:
		return ScanTable
	case FlowQR:
		return QRTable
	case FlowCash:
		return CashTable
	case FlowBill:
		return BillTable
	}
	return nil
}

// TransitionError is returned when a move is not in the flow's table, or
// when the stored record is no longer in the state the caller saw.
type TransitionError struct {
	Flow     Flow
	Ref      string
	From, To string
	Stale    bool   // the record moved on concurrently (another worker got there first)
	Stored   string // with Stale: the state actually stored ("" if none)
}

// Error implements error.
func (e *TransitionError) Error() string {
	if e.Stale {
		return fmt.Sprintf("%s %s: %s → %s: stored state is %q, not %s", e.Flow, e.Ref, e.From, e.To, e.Stored, e.From)
	}
	return fmt.Sprintf("%s %s: transition %s → %s not allowed", e.Flow, e.Ref, e.From, e.To)
}

// Is makes errors.Is(err, ErrInvalidTransition) match.
func (e *TransitionError) Is(target error) bool { return target == ErrInvalidTransition }
