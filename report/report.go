package report

import (
	"errors"
	"fmt"
	"time"

	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/tz"
)

// Sentinel errors. Callers compare with errors.Is.
var (
	// ErrDayClosed is returned for any change to a day whose Z report has
	// been taken: a closed day is immutable.
	ErrDayClosed = errors.New("day is closed")
	// ErrNotOpen is returned for cash movements on a day that was never
	// opened.
	ErrNotOpen = errors.New("day is not open")
	// ErrAlreadyOpen is returned by Open on an open day.
	ErrAlreadyOpen = errors.New("day is already open")
	// ErrBadDay is returned for a day that is not yyyymmdd.
	ErrBadDay = errors.New("day must be yyyymmdd")
	// ErrBadAmount is returned for a negative float or a cash movement that
	// is not positive.
	ErrBadAmount = errors.New("bad amount")
	// ErrNoReason is returned for a cash movement without a reason.
	ErrNoReason = errors.New("a reason is required")
	// ErrShiftOpen is returned by a day close while a cashier's shift is
	// open: the shift is closed (交班) first.
	ErrShiftOpen = errors.New("a cashier's shift is open: close it first (交班)")
	// ErrNoZ is returned when a Z report does not exist.
	ErrNoZ = errors.New("no such Z report")
)

// DayOf returns the business day (yyyymmdd, Asia/Shanghai) of t.
func DayOf(t time.Time) string { return t.In(tz.Shanghai).Format("20060102") }

// ParseDay accepts yyyymmdd or yyyy-mm-dd and returns yyyymmdd.
func ParseDay(s string) (string, error) {
	d, err := tz.ParseDay(s)
	if err != nil {
		return "", fmt.Errorf("%w: %w", err, ErrBadDay)
	}
	return d, nil
}

// MoveKind says whether cash went into or out of the drawer.
type MoveKind string

// Cash movements.
const (
	CashIn  MoveKind = "in"
	CashOut MoveKind = "out"
)

// Move is one cash movement that is not a sale: change added, a payout.
type Move struct {
	Kind       MoveKind  `json:"kind"`
	AmountFen  int64     `json:"amount_fen"`
	Reason     string    `json:"reason"`
	By         string    `json:"by"`
	ApprovedBy string    `json:"approved_by,omitempty"`
	At         time.Time `json:"at"`
	// Shift is the shift open at the till when the cash moved (0: none,
	// or a move from before shifts); the store sets it.
	Shift uint64 `json:"shift,omitempty"`
}

// State is a day session's state, persisted as these strings.
type State string

// Day states.
const (
	StateNone   State = ""       // never opened
	StateOpen   State = "OPEN"   // trading
	StateClosed State = "CLOSED" // Z taken; immutable
)

// Session is one business day of one terminal (bucket sessions, key
// "day/yyyymmdd").
type Session struct {
	V               int       `json:"v"`
	Day             string    `json:"day"`
	State           State     `json:"state"`
	OpenedAt        time.Time `json:"opened_at"`
	OpenedBy        string    `json:"opened_by"`
	OpeningFloatFen int64     `json:"opening_float_fen"`
	Moves           []Move    `json:"moves,omitempty"`
	ClosedAt        time.Time `json:"closed_at,omitzero"`
	ClosedBy        string    `json:"closed_by,omitempty"`
	// Z is the report frozen at closing; never recomputed.
	Z *Report `json:"z,omitempty"`
}

// Pending is a payment or refund not settled when the report was taken. Its
// money is not in the totals.
type Pending struct {
	Kind      string         `json:"kind"` // "order" or "refund"
	No        string         `json:"no"`   // out_trade_no or out_refund_no
	Tender    receipt.Tender `json:"tender"`
	State     string         `json:"state"`
	AmountFen int64          `json:"amount_fen"`
	CreatedAt time.Time      `json:"created_at"`
}

// Report is an X or Z report: the printable receipt.DayReport plus what the
// screen and the CSV show besides.
type Report struct {
	receipt.DayReport
	Day         string    `json:"day"` // yyyymmdd
	CashInFen   int64     `json:"cash_in_fen"`
	CashOutFen  int64     `json:"cash_out_fen"`
	Moves       []Move    `json:"moves,omitempty"`
	Pending     []Pending `json:"pending,omitempty"`
	Abnormal    []Pending `json:"abnormal,omitempty"` // refunds stuck at WeChat (handle in the merchant console)
	HourlyFen   [24]int64 `json:"hourly_fen"`         // sales by hour of payment, Asia/Shanghai
	HourlyCount [24]int64 `json:"hourly_count"`
	ClosedDay   bool      `json:"closed_day,omitempty"` // an X taken after the Z: live figures, the Z stands
	// Shifts is the day's money by the cashiers' shift it counted in
	// (Shift 0: outside any shift, from before shifts), in shift order:
	// the day's totals are their sums.
	Shifts []ShiftPart `json:"shifts,omitempty"`
}

// ShiftPart is what one shift added to a day.
type ShiftPart struct {
	Shift         uint64 `json:"shift"`
	SaleCount     int64  `json:"sale_count"`
	SaleFen       int64  `json:"sale_fen"`
	RefundCount   int64  `json:"refund_count"`
	RefundFen     int64  `json:"refund_fen"`
	CashSaleFen   int64  `json:"cash_sale_fen"`
	CashRefundFen int64  `json:"cash_refund_fen"`
}

// Part returns r's line of shift no, adding it in shift order.
func (r *Report) Part(no uint64) *ShiftPart {
	i := 0
	for i < len(r.Shifts) && r.Shifts[i].Shift < no {
		i++
	}
	if i == len(r.Shifts) || r.Shifts[i].Shift != no {
		r.Shifts = append(r.Shifts[:i], append([]ShiftPart{{Shift: no}}, r.Shifts[i:]...)...)
	}
	return &r.Shifts[i]
}

// TenderOrder is the order tenders appear in on every report; all three
// are always listed, zero or not, so reports compare line by line.
var TenderOrder = []receipt.Tender{receipt.TenderCash, receipt.TenderWeChatScan, receipt.TenderWeChatQR}

// NetFen is sales minus refunds over all tenders.
func (r *Report) NetFen() int64 { _, _, n := r.Totals(); return n }

// Info is what every report prints about the terminal.
type Info struct {
	StoreName, StoreID, TerminalID string
	Training                       bool
}

// Audit event kinds this package writes.
const (
	KindDayOpen  = "day.open"
	KindCashIn   = "day.cash_in"
	KindCashOut  = "day.cash_out"
	KindDayClose = "day.close" // Data: z_no, net, expected, counted
)

// ZSummary is one line of the list of past Z reports.
type ZSummary struct {
	No       int64
	Day      string
	ClosedAt time.Time
	NetFen   int64
	DiffFen  int64
}
