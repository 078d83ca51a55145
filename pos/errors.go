package pos

import (
	"errors"

	"github.com/wxpos/wxpos/internal/diskfull"
)

// Sentinel errors of the payment core. Callers compare with errors.Is.
var (
	// ErrInvalidTransition is returned when a state change is not in the
	// flow's table or the record moved on concurrently (see TransitionError).
	ErrInvalidTransition = errors.New("invalid state transition")
	// ErrBadRequest is returned for a sale, tender or refund that can never
	// be sent: zero amount, bad payment code, unknown tender.
	ErrBadRequest = errors.New("bad request")
	// ErrBadAmount is returned by ParseYuan and ParseFen for anything that is
	// not an exact, positive amount with at most two decimals.
	ErrBadAmount = errors.New("bad amount")
	// ErrCodeUsed is returned when a payment code that was already submitted
	// by this terminal is scanned again. A code is good for one payment.
	ErrCodeUsed = errors.New("payment code already used")
	// ErrNotFound is returned when an order, refund or receipt does not exist.
	ErrNotFound = errors.New("not found")
	// ErrQRUnavailable is returned by BeginQR when the gateway cannot create
	// QR (Native) orders at all — a live terminal without the notify_url
	// WeChat requires with every one (QRChecker). Nothing is numbered or
	// recorded; scan and cash payments are unaffected.
	ErrQRUnavailable = errors.New("QR payments unavailable")
	// ErrBusy is returned when an order is being driven by another flow
	// (the cashier's screen or the recovery worker) right now.
	ErrBusy = errors.New("order busy")
	// ErrRefundLimit is returned when a refund breaks a local limit: more
	// than the paid amount in total, more than 50 refunds, or older than a year.
	ErrRefundLimit = errors.New("refund limit")
	// ErrNotAuthorised is returned when the Authorizer refuses an action.
	ErrNotAuthorised = errors.New("not authorised")
	// ErrNotPaid is returned when a refund is asked for a sale that is not PAID.
	ErrNotPaid = errors.New("order not paid")
	// ErrNotSignedIn is returned when a sale or a refund is asked while no
	// cashier is signed in at the till, the till is locked, or the sale
	// names another cashier than the one signed in. The store checks it in
	// the commit that would record the sale, so nothing is numbered, sent
	// or recorded.
	ErrNotSignedIn = errors.New("no cashier signed in at this till")
	// ErrClosed is returned by a Terminal after Close.
	ErrClosed = errors.New("terminal closed")
	// ErrDiskFull is returned when the disk under the database is too full
	// to record a payment's outcome: by BeginScan, BeginQR and Refund
	// before any call to WeChat, and inside a *NotRecordedError when a
	// commit after WeChat's answer failed anyway. It is the sentinel
	// storage wraps too (package diskfull), so one errors.Is finds a full
	// disk whichever package met it (a PIN check, a day close): the window
	// tests for this one only.
	ErrDiskFull = diskfull.ErrDiskFull
)

// NotRecordedError is returned when WeChat answered (or was asked) and the
// outcome could not be written: the database still holds the state before
// the call, which `wxpos recover` (or the recovery worker, once the
// commit succeeds again) resolves by asking WeChat. Paid says the answer
// was money received; the cashier must not take the payment again.
type NotRecordedError struct {
	Ref  string // out_trade_no or out_refund_no
	From string // the state the database still holds
	To   string // the state that could not be written
	Paid bool   // WeChat said the money moved (PAID, refund SUCCESS)
	Err  error
}

// Error implements error.
func (e *NotRecordedError) Error() string {
	what := "WeChat's answer (" + e.To + ")"
	if e.Paid {
		what = "paid at WeChat"
		if e.To == string(RefundSuccess) {
			what = "refunded at WeChat"
		}
	}
	fix := "run `wxpos recover`"
	if errors.Is(e.Err, ErrDiskFull) {
		fix = "free space and run `wxpos recover`"
	}
	return e.Ref + ": " + what + ", not recorded — " + fix + ": " + e.Err.Error()
}

// Unwrap returns the store's error.
func (e *NotRecordedError) Unwrap() error { return e.Err }

// Gateway errors. A Gateway reports definite refusals with *DeclineError and
// the special cases below; every other error means the outcome is unknown
// (transport failure, timeout, 5xx, SYSTEMERROR, unverifiable response) and
// the payment core queries before doing anything else.
var (
	// ErrOrderNotExist is returned by Query, Reverse and Close when WeChat has
	// no order with that out_trade_no (or by QueryRefund for a refund).
	ErrOrderNotExist = errors.New("order does not exist at WeChat")
	// ErrOrderPaid is returned by Close when the order was paid meanwhile.
	ErrOrderPaid = errors.New("order already paid")
	// ErrOutTradeNoUsed is returned by PayScan and CreateQR when WeChat
	// already has an order under this out_trade_no with other parameters
	// (OUT_TRADE_NO_USED). This request moved no money; whose the existing
	// order is, only a query can tell.
	ErrOutTradeNoUsed = errors.New("order number already used at WeChat with other parameters")
)

// ErrTradeConflict is returned when WeChat's order under a number is not
// the sale this terminal (or the replica) knows under it: another payment
// owns the number. Nothing is recorded as paid from it.
var ErrTradeConflict = errors.New("this order number belongs to another payment")

// DeclineError is a definite business refusal from WeChat: the operation
// did not happen and will not happen. Code is WeChat's error code.
type DeclineError struct {
	Code    string
	Message string
}

// Error implements error.
func (e *DeclineError) Error() string {
	if e.Message == "" {
		return "declined: " + e.Code
	}
	return "declined: " + e.Code + ": " + e.Message
}

// IsDefinite reports whether err says for certain that the operation did not
// take place (a *DeclineError or ErrOrderNotExist). Anything else, including
// nil-less transport errors, leaves the outcome unknown.
func IsDefinite(err error) bool {
	var d *DeclineError
	return errors.As(err, &d) || errors.Is(err, ErrOrderNotExist)
}

// declineCode returns the WeChat code of a definite error, if any.
func declineCode(err error) (code, msg string) {
	var d *DeclineError
	if errors.As(err, &d) {
		return d.Code, d.Message
	}
	if errors.Is(err, ErrOrderNotExist) {
		return "ORDER_NOT_EXIST", "order does not exist at WeChat"
	}
	return "", ""
}
