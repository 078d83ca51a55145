package view

import (
	"errors"
	"time"

	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/state"
)

// State is a payment state as the payment core reports it (DESIGN §4):
// package state's Order, the type the core and the records use.
type State = state.Order

// States the screens render.
const (
	StateNew             = state.New
	StateSubmitting      = state.Submitting
	StateWaitingPassword = state.WaitingPassword
	StateUnknown         = state.Unknown
	StateReversing       = state.Reversing
	StateReversed        = state.Reversed
	StatePaid            = state.Paid
	StateFailed          = state.Failed
	StateCreating        = state.Creating
	StateShowingQR       = state.ShowingQR
	StateClosing         = state.Closing
	StateClosed          = state.Closed
	StateConflict        = state.Conflict // the number is another payment's: not paid
)

// Final reports whether s ends a payment on the cashier's screen: a final
// state, or CONFLICT (not paid; it waits for a manager, not the cashier).
func Final(s State) bool {
	return s.Terminal() || s == StateConflict
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
	Lines []receipt.Line
	// Discount is the discount on the whole sale (with Lines only).
	Discount *receipt.Discount
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
	// Notified: WeChat's verified notification says the customer paid this
	// amount; the sale is not PAID until the query confirming it answers.
	Notified bool
}

// Record is one sale as history lists it.
type Record struct {
	OutTradeNo    string
	TransactionID string
	ReceiptNo     string // set once the sale is paid
	Tender        receipt.Tender
	AmountFen     int64
	State         State
	Time          time.Time
	// Reason says why a payment failed, was reversed or closed.
	Reason Reason
	// RefundedFen is the money already returned; RefundableFen what may
	// still be refunded (0 unless paid).
	RefundedFen   int64
	RefundableFen int64
}

// HistoryQuery asks for the sales of the last Days days (1: today) that
// Text names: an amount in yuan, the last four digits of the transaction
// id or payment code, a sequence number or part of the order or receipt
// number; empty Text names every sale.
type HistoryQuery struct {
	Text string
	Days int
}

// HistoryPage is the answer to a HistoryQuery, newest first.
type HistoryPage struct {
	Records []Record
	// Truncated is true when more sales matched than the page holds.
	Truncated bool
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

// Scenario is a sandbox payment code with a known outcome, for training.
// Name is the sandbox's scenario name ("notenough"); the panel shows its
// translation when the catalogue has one, else the name.
type Scenario struct {
	Code string
	Name string
}

// Outcome is a payment the core settled without the cashier seeing it: the
// window was closed while the customer paid, or the cashier had moved on
// from a payment in doubt.
type Outcome struct {
	OutTradeNo string
	State      State
	AmountFen  int64
	ReceiptNo  string
	Time       time.Time
}

// ErrNotLive is returned by Cancel for a payment this window is not driving
// (e.g. one left UNKNOWN before a restart: the recovery worker owns it).
var ErrNotLive = errors.New("payment not in progress on this terminal")
