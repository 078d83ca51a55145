package shift

import (
	"errors"
	"time"

	"github.com/wxpos/wxpos/receipt"
)

// Sentinel errors. Callers compare with errors.Is.
var (
	// ErrNotSignedIn is returned for what needs a cashier at the till when
	// nobody is signed in.
	ErrNotSignedIn = errors.New("no cashier signed in")
	// ErrLocked is returned while the till is locked, for what needs it
	// unlocked.
	ErrLocked = errors.New("till locked")
	// ErrNoShift is returned when a shift is needed and none is open.
	ErrNoShift = errors.New("no shift open")
	// ErrShiftOpen is returned when a shift is opened while one is, or a
	// day is closed while one is.
	ErrShiftOpen = errors.New("a shift is open: close it first (交班)")
	// ErrBadAmount is returned for a negative float or count.
	ErrBadAmount = errors.New("amount must be 0 or more fen")
	// ErrNotFound is returned for a shift that does not exist.
	ErrNotFound = errors.New("no such shift")
	// ErrWrongCashier is returned when an unlock or a close is asked by
	// someone who is neither the cashier signed in nor a manager.
	ErrWrongCashier = errors.New("only the cashier signed in or a manager may do this")
)

// HandoverError is a close refused because the next cashier's sign-in
// failed (unknown name, wrong PIN, locked out): the shift stays open and
// the screen points at the next cashier's fields, not the closer's.
type HandoverError struct {
	Next string
	Err  error
}

func (e *HandoverError) Error() string { return "handover to " + e.Next + ": " + e.Err.Error() }

func (e *HandoverError) Unwrap() error { return e.Err }

// State is a shift's state, persisted as these strings.
type State string

// Shift states.
const (
	StateOpen   State = "OPEN"
	StateClosed State = "CLOSED"
)

// Till is who is signed in at the terminal now.
type Till struct {
	Cashier  string    // "" nobody
	Since    time.Time //
	Locked   bool      // signed in, screen locked: no sales until a PIN
	LockedAt time.Time //
	Shift    uint64    // the open shift, 0 none
}

// SignedIn reports whether a cashier may sell now.
func (t Till) SignedIn() bool { return t.Cashier != "" && !t.Locked }

// Shift is one cashier's shift at the drawer (bucket shifts, key
// "shift/<number>"). The expected cash is not stored until the close: a
// shift still open has only its float and its count to come.
type Shift struct {
	V        int       `json:"v"`
	No       uint64    `json:"no"`
	Cashier  string    `json:"cashier"` // whose shift (the cashier who opened it)
	State    State     `json:"state"`
	Day      string    `json:"day"` // business day it opened on (yyyymmdd)
	OpenedAt time.Time `json:"opened_at"`
	FloatFen int64     `json:"float_fen"` // counted into the drawer at the start
	// HandedFrom is the shift whose close opened this one (a handover).
	HandedFrom uint64    `json:"handed_from,omitempty"`
	ClosedAt   time.Time `json:"closed_at,omitzero"`
	ClosedBy   string    `json:"closed_by,omitempty"`
	// Report is frozen at the close; never recomputed.
	Report *Report `json:"report,omitempty"`
	// HandedTo is the next shift opened by this one's close, 0 if none.
	HandedTo uint64 `json:"handed_to,omitempty"`
}

// CashierLine is what one cashier sold and refunded in a shift.
type CashierLine struct {
	Cashier     string `json:"cashier"` // "—" for records from before sign-in
	SaleCount   int64  `json:"sale_count"`
	SaleFen     int64  `json:"sale_fen"`
	RefundCount int64  `json:"refund_count"`
	RefundFen   int64  `json:"refund_fen"`
}

// NoCashier names the cashier of a record from before sign-in.
const NoCashier = "—"

// Report is a shift's X report: its money by tender and by cashier, the
// drawer's expected cash and, once counted, the variance.
type Report struct {
	No          uint64                  `json:"no"`
	Cashier     string                  `json:"cashier"`
	OpenedAt    time.Time               `json:"opened_at"`
	TakenAt     time.Time               `json:"taken_at"`
	Days        []string                `json:"days"` // business days its money counted on
	FloatFen    int64                   `json:"float_fen"`
	Tenders     []receipt.TenderSummary `json:"tenders"`
	ByCashier   []CashierLine           `json:"by_cashier"`
	CashInFen   int64                   `json:"cash_in_fen"`
	CashOutFen  int64                   `json:"cash_out_fen"`
	ExpectedFen int64                   `json:"expected_fen"` // float + cash sales − cash refunds + in − out
	Counted     bool                    `json:"counted"`
	CountedFen  int64                   `json:"counted_fen"`
}

// VarianceFen is counted − expected: negative is cash missing. 0 before
// the count.
func (r *Report) VarianceFen() int64 {
	if !r.Counted {
		return 0
	}
	return r.CountedFen - r.ExpectedFen
}

// SalesFen and RefundsFen are the shift's totals over every tender.
func (r *Report) SalesFen() (n int64) {
	for _, t := range r.Tenders {
		n += t.SaleFen
	}
	return n
}

// RefundsFen is the refunds over every tender.
func (r *Report) RefundsFen() (n int64) {
	for _, t := range r.Tenders {
		n += t.RefundFen
	}
	return n
}

// Handover opens the next cashier's shift in the commit that closes this
// one: Next must sign in with their PIN, FloatFen stays in the drawer as
// the next shift's float.
type Handover struct {
	Next     string
	PIN      string
	FloatFen int64
}

// Audit event kinds this package's store writes (storage.Event.Kind).
const (
	KindSignIn   = "till.sign_in"
	KindSignOut  = "till.sign_out"
	KindSwitch   = "till.switch" // another cashier signed in, the shift stays open
	KindLock     = "till.lock"   // Reason: "idle" or "manual"
	KindUnlock   = "till.unlock"
	KindOpen     = "shift.open"     // Data: float_fen
	KindClose    = "shift.close"    // Data: counted, expected, variance, sales, refunds
	KindVariance = "shift.variance" // counted ≠ expected: Data: variance_fen
)
