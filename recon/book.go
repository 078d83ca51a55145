package recon

import (
	"errors"
	"io"
	"time"

	"github.com/wxpos/wxpos/pos"
)

// ErrNoBill is returned when no bill of the day has been stored yet.
var ErrNoBill = errors.New("no bill stored for this day")

// ErrNoResult is returned when a day has not been reconciled yet.
var ErrNoResult = errors.New("day not reconciled")

// ErrNoFundFlow is returned when a day's fund flow has not been checked.
var ErrNoFundFlow = errors.New("fund flow not checked")

// ErrUnknownDifference is returned by Resolve for an id the day's result
// does not list.
var ErrUnknownDifference = errors.New("no such difference")

// ErrAlreadyResolved is returned by Resolve for a difference that already
// has a resolution.
var ErrAlreadyResolved = errors.New("difference already resolved")

// Event kinds reconciliation writes to the audit trail.
const (
	EventBillStored = "bill.stored"
	EventReconRun   = "recon.run"
	EventResolve    = "recon.resolve"
	EventQuery      = "recon.query"
	// EventFundFlow is a day's fund-flow check stored (FundFlowCheck).
	EventFundFlow = "recon.fundflow"
	// EventRecordSale is written by the payment core when it records a
	// WeChat-only payment as a sale (SaleRecorder).
	EventRecordSale = "order.recorded"
)

// BillInfo describes a stored bill (bucket bills, key "info/<day>").
type BillInfo struct {
	V      int       `json:"v"`
	Day    Day       `json:"day"`
	Source string    `json:"source"` // "v3", "v2", "sandbox", "import:<file>"
	SHA1   string    `json:"sha1"`   // of the plain text
	Size   int64     `json:"size"`   // plain bytes
	At     time.Time `json:"at"`
	// NoBill is true when WeChat said there is no bill for the day (no
	// trade at all): reconciliation then runs against an empty bill.
	NoBill bool `json:"no_bill,omitempty"`
}

// FetchStatus is the fetch worker's state of one day (bucket recon, key
// "fetch/<day>").
type FetchStatus struct {
	V        int       `json:"v"`
	Day      Day       `json:"day"`
	Attempts int       `json:"attempts"`
	LastAt   time.Time `json:"last_at"`
	LastErr  string    `json:"last_error,omitempty"`
	NextAt   time.Time `json:"next_at,omitzero"`
	// NotReady is true when the last answer was "not generated yet".
	NotReady bool `json:"not_ready,omitempty"`
	// Refusals counts WeChat's refusals of the bill in a row (ErrRefused);
	// another answer sets it back to zero.
	Refusals int `json:"refusals,omitempty"`
}

// DaySummary is one line of the list of reconciled days.
type DaySummary struct {
	Day         Day          `json:"day"`
	Counts      map[Kind]int `json:"counts"`
	Differences int          `json:"differences"`
	Open        int          `json:"open"`
	At          time.Time    `json:"at"`
}

// Balanced reports whether every difference of the day is resolved.
func (s DaySummary) Balanced() bool { return s.Open == 0 }

// BillStore keeps a terminal's bills, reconciliation results, resolutions
// and fetch attempts, and reads the local records a bill is reconciled
// against; reconstore.BillBook keeps them on the terminal database. Desk
// and Fetcher work through it, so this package links no database.
type BillStore interface {
	// SaveBill stores the plain text of day's bill, replacing any earlier
	// copy. A nil plain with info.NoBill records "no bill that day".
	SaveBill(day Day, plain []byte, info BillInfo, actor string) error
	// SaveBillFrom is SaveBill reading the plain text from r as it is
	// compressed; an error reading r stores nothing.
	SaveBillFrom(day Day, r io.Reader, info BillInfo, actor string) error
	// Bill returns the stored bill of day as plain text, or ErrNoBill.
	Bill(day Day) ([]byte, *BillInfo, error)
	// OpenBill returns a reader of day's stored bill, or ErrNoBill.
	OpenBill(day Day) (io.Reader, *BillInfo, error)
	// HasBill reports whether day's bill (or "no bill") is stored.
	HasBill(day Day) bool
	// SaveResult stores res as day's reconciliation, carrying over the
	// resolutions of differences still present.
	SaveResult(res *Result, actor string) error
	// Result returns day's stored reconciliation, or ErrNoResult.
	Result(day Day) (*Result, error)
	// Days lists reconciled days, newest first.
	Days() ([]DaySummary, error)
	// Resolve records how a difference was resolved and returns the
	// updated result.
	Resolve(day Day, id string, r Resolution) (*Result, error)
	// NoteQuery records the outcome of a "query now" on a difference.
	NoteQuery(day Day, id, outcome, actor string) error
	// SaveFundFlow stores c as its day's fund-flow check, replacing any
	// earlier one.
	SaveFundFlow(c *FundFlowCheck, actor string) error
	// FundFlow returns day's stored fund-flow check, or ErrNoFundFlow.
	FundFlow(day Day) (*FundFlowCheck, error)
	// SetFetchStatus records a fetch attempt of day.
	SetFetchStatus(st FetchStatus) error
	// FetchStatusOf returns the recorded fetch attempts of day.
	FetchStatusOf(day Day) FetchStatus
	// LocalDay reads the terminal's records that may appear on day's bill.
	LocalDay(day Day) (*Records, error)
	// FirstSaleDay is the day of the terminal's first order (false: none).
	FirstSaleDay() (Day, bool, error)
	// OrderState is the local state of order outTradeNo.
	OrderState(outTradeNo string) (pos.State, error)
}
