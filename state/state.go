// Package state names the persisted states of an order's payment and of a
// refund: the one typed vocabulary the payment core (package pos, which
// owns the transitions), the records (package storage) and every reader
// (report, recon, replica, the screens) share. It is a leaf so that
// storage can type its records without knowing the state machines.
//
// States are stored as these strings; never renumber or rename one
// (docs/DESIGN.md §4). This is the only place a state is spelled: a check
// in storage's tests (TestStatesSpelledOnce) fails on a state written as a
// string literal anywhere else.
package state

// Order is the persisted state of a sale's payment. The scan, QR and cash
// flows each use a subset, fixed by pos's transition tables.
type Order string

// Payment states.
const (
	New             Order = "NEW"              // in memory only: never persisted
	Submitting      Order = "SUBMITTING"       // scan: persisted before codepay/micropay is sent
	WaitingPassword Order = "WAITING_PASSWORD" // scan: USERPAYING, polling query
	Unknown         Order = "UNKNOWN"          // outcome not known: query before anything else
	Reversing       Order = "REVERSING"        // scan: reverse queued/being sent
	Reversed        Order = "REVERSED"         // scan: reversed (closed or refunded by WeChat)
	Creating        Order = "CREATING"         // QR: persisted before native prepay is sent
	ShowingQR       Order = "SHOWING_QR"       // QR: code_url shown, polling query
	Closing         Order = "CLOSING"          // QR: close queued/being sent
	Closed          Order = "CLOSED"           // QR: closed unpaid
	Paid            Order = "PAID"             // money received: the sale is complete
	Failed          Order = "FAILED"           // definitely not paid
	// Conflict: WeChat's order under this number is another payment
	// (amount, attach tag or trade type differ). Never paid; it waits, out
	// of recovery's hands, for a manager to acknowledge it (→ FAILED).
	Conflict Order = "CONFLICT"
)

// Terminal reports whether s is final: nothing more will happen to the order.
func (s Order) Terminal() bool {
	switch s {
	case Paid, Failed, Reversed, Closed:
		return true
	}
	return false
}

// Refund is the persisted state of a refund.
type Refund string

// Refund states (docs/DESIGN.md §4): NEW ▶ SUBMITTED ▶ PROCESSING ▶ SUCCESS | CLOSED | ABNORMAL.
// A refund WeChat rejects outright (e.g. merchant balance too low) ends
// CLOSED with the error code kept on the record.
const (
	RefundNew        Refund = "NEW"        // in memory only
	RefundSubmitted  Refund = "SUBMITTED"  // persisted and queued; the request may or may not have arrived
	RefundProcessing Refund = "PROCESSING" // accepted by WeChat, not yet done
	RefundSuccess    Refund = "SUCCESS"    // money returned
	RefundClosed     Refund = "CLOSED"     // closed or rejected: no money moved
	RefundAbnormal   Refund = "ABNORMAL"   // stuck at WeChat (card frozen…): handle in the merchant console
)

// Terminal reports whether r is final.
func (r Refund) Terminal() bool {
	return r == RefundSuccess || r == RefundClosed || r == RefundAbnormal
}

// Holds reports whether a refund in state r reserves its amount against the
// sale: everything except a closed refund counts toward "sum ≤ paid".
func (r Refund) Holds() bool { return r != RefundClosed && r != RefundNew }
