package ui

import (
	"context"

	"github.com/wxpos/wxpos/receipt"
)

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
	// History lists the sales q asks for, newest first.
	History(ctx context.Context, q HistoryQuery) (HistoryPage, error)
	// Receipt returns the receipt of the paid sale outTradeNo (reprints).
	Receipt(ctx context.Context, outTradeNo string) (receipt.Receipt, error)
}

// Printer prints a receipt; reprint marks the copy as a reprint.
type Printer interface {
	Print(ctx context.Context, r receipt.Receipt, reprint bool) error
}

// StatusFeed delivers status changes until ctx ends.
type StatusFeed interface {
	Status(ctx context.Context) <-chan Status
}

// Customer plays the customer's side on the sandbox in training mode.
type Customer interface {
	// PayNative pays the Native order outTradeNo as a customer would.
	PayNative(ctx context.Context, outTradeNo string) error
	// Scenarios lists payment codes with documented outcomes.
	Scenarios() []Scenario
}
