package ui

import (
	"context"
	"time"

	"github.com/wxpos/wxpos/receipt"
)

// State is a payment state as the payment core reports it (DESIGN §4). The
// values are the persisted strings of package pos.
type State string

// States the screens render.
const (
	StateNew             State = "NEW"
	StateSubmitting      State = "SUBMITTING"
	StateWaitingPassword State = "WAITING_PASSWORD"
	StateUnknown         State = "UNKNOWN"
	StateReversing       State = "REVERSING"
	StateReversed        State = "REVERSED"
	StatePaid            State = "PAID"
	StateFailed          State = "FAILED"
	StateCreating        State = "CREATING"
	StateShowingQR       State = "SHOWING_QR"
	StateClosing         State = "CLOSING"
	StateClosed          State = "CLOSED"
	StateConflict        State = "CONFLICT" // the number is another payment's: not paid
)

// Final reports whether s ends a payment.
func (s State) Final() bool {
	switch s {
	case StatePaid, StateFailed, StateReversed, StateClosed, StateConflict:
		return true
	}
	return false
}

// Reason says in WeChat's words why a payment failed or was reversed, e.g.
// "NOTENOUGH" or "AUTHCODEEXPIRE"; the screens turn it into plain words.
type Reason string

// Reasons the screens explain specifically; any other is shown generically.
const (
	ReasonNotEnough       Reason = "NOTENOUGH"
	ReasonCodeExpired     Reason = "AUTHCODEEXPIRE"
	ReasonCodeError       Reason = "AUTH_CODE_ERROR"
	ReasonCodeInvalid     Reason = "AUTH_CODE_INVALID"
	ReasonCardNotUsable   Reason = "NOTSUPORTCARD"
	ReasonPasswordTimeout Reason = "PASSWORD_TIMEOUT"
	ReasonDeclined        Reason = "TRADE_ERROR"
	ReasonExpired         Reason = "EXPIRED"        // a QR order closed at its expiry
	ReasonConflict        Reason = "TRADE_CONFLICT" // the order number belongs to another payment
	ReasonNotRecorded     Reason = "NOT_RECORDED"   // WeChat answered, the disk could not take it
)

// Sale is what the cashier keyed: optional item lines and the total in fen.
type Sale struct {
	Lines    []receipt.Line
	TotalFen int64
}

// Update is one step of a WeChat payment as the core reports it.
type Update struct {
	OutTradeNo string
	State      State
	AmountFen  int64
	// Deadline is when the core stops waiting: for the customer's password
	// in WAITING_PASSWORD, the QR code's expiry in SHOWING_QR.
	Deadline time.Time
	// CodeURL is the Native code_url to draw as a QR code (SHOWING_QR).
	CodeURL string
	// Reason explains FAILED, REVERSED and CLOSED.
	Reason Reason
	// Receipt is set when State is PAID.
	Receipt *receipt.Receipt
}

// Record is one of today's sales as history lists it.
type Record struct {
	OutTradeNo    string
	TransactionID string
	Tender        receipt.Tender
	AmountFen     int64
	State         State
	Time          time.Time
	// Receipt is set once the sale is paid.
	Receipt *receipt.Receipt
}

// Checkout is the part of the payment core the cashier screens drive. The
// screens call it only from goroutines they own, never from a Fyne callback,
// so its methods may block on the network.
type Checkout interface {
	// PayScan charges the customer's scanned payment code. The channel
	// delivers each state of the payment and is closed after a final one.
	PayScan(ctx context.Context, sale Sale, authCode string) (<-chan Update, error)
	// PayQR creates a Native order; its updates carry the code_url and the
	// expiry, then the outcome.
	PayQR(ctx context.Context, sale Sale) (<-chan Update, error)
	// PayCash records a cash sale and returns its receipt.
	PayCash(ctx context.Context, sale Sale, tenderedFen int64) (receipt.Receipt, error)
	// Cancel stops a payment in progress: a scan waiting for the password
	// is reversed, a QR order is closed. The outcome arrives as updates.
	Cancel(ctx context.Context, outTradeNo string) error
	// Recheck asks WeChat about an UNKNOWN payment now, without waiting
	// for the recovery worker's next turn.
	Recheck(ctx context.Context, outTradeNo string) error
	// Today lists today's sales, newest first.
	Today(ctx context.Context) ([]Record, error)
}

// Printer prints a receipt; reprint marks the copy as a reprint.
type Printer interface {
	Print(ctx context.Context, r receipt.Receipt, reprint bool) error
}

// Status is what the status bar shows.
type Status struct {
	// NetworkOK is false when the last WeChat call failed in transport.
	NetworkOK bool
	// ScannerConnected is true while the serial scanner is attached.
	ScannerConnected bool
	// KeyboardScanner is true when no serial scanner is configured: codes
	// come from a keyboard-wedge scanner typing into the window.
	KeyboardScanner bool
	// Pending counts payments in doubt plus queued outbox work.
	Pending int
	// Training is true when payments go to the sandbox, not to WeChat.
	Training bool
}

// StatusFeed delivers status changes until ctx ends.
type StatusFeed interface {
	Status(ctx context.Context) <-chan Status
}

// Scenario is a sandbox payment code with a known outcome, for training.
// Name is the sandbox's scenario name ("notenough"); the panel shows its
// translation when the catalogue has one, else the name.
type Scenario struct {
	Code string
	Name string
}

// Customer plays the customer's side on the sandbox in training mode.
type Customer interface {
	// PayNative pays the Native order outTradeNo as a customer would.
	PayNative(ctx context.Context, outTradeNo string) error
	// Scenarios lists payment codes with documented outcomes.
	Scenarios() []Scenario
}
