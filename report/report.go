package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/storage"
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

func dayStart(day string) (time.Time, error) {
	t, err := time.ParseInLocation("20060102", day, tz.Shanghai)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q: %w", day, ErrBadDay)
	}
	return t, nil
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

const sessionVersion = 1

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
}

// NetFen is sales minus refunds over all tenders.
func (r *Report) NetFen() int64 { _, _, n := r.Totals(); return n }

// Info is what every report prints about the terminal.
type Info struct {
	StoreName, StoreID, TerminalID string
	Training                       bool
}

// Options configures a DayBook. The zero value uses the defaults.
type Options struct {
	Now func() time.Time // zero: time.Now
}

// DayBook keeps the day sessions of one terminal and computes their reports
// from the orders, refunds and receipts the payment core stores.
type DayBook struct {
	db   *storage.Store
	info Info
	now  func() time.Time
}

// Book is the old name of DayBook.
//
// Deprecated: use DayBook (recon's book of bills is recon.BillBook).
type Book = DayBook

// New returns the book on db.
func New(db *storage.Store, info Info, o *Options) *DayBook {
	b := &DayBook{db: db, info: info, now: time.Now}
	if o != nil && o.Now != nil {
		b.now = o.Now
	}
	return b
}

// Today is the current business day.
func (b *DayBook) Today() string { return DayOf(b.now()) }

// BusinessDay returns the business day a sale taken now is booked on: the
// calendar day while it is open, else (after its Z) the first day after it
// that is not closed.
func (b *Book) BusinessDay() (string, error) {
	var day string
	err := b.db.View(func(tx *storage.Tx) error {
		var err error
		day, err = tx.BusinessDay(b.Today())
		return err
	})
	return day, err
}

func sessionKey(day string) string { return "day/" + day }
func zKey(no int64) string         { return fmt.Sprintf("z/%010d", no) }

func getSession(tx *storage.Tx, day string) (*Session, error) {
	var s Session
	err := tx.Get(storage.BucketSessions, sessionKey(day), &s)
	if errors.Is(err, storage.ErrNotFound) {
		return &Session{Day: day}, nil
	}
	return &s, err
}

func putSession(tx *storage.Tx, s *Session) error {
	s.V = sessionVersion
	return tx.Put(storage.BucketSessions, sessionKey(s.Day), s)
}

func audit(tx *storage.Tx, at time.Time, kind, day, by, reason string, data any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return err
	}
	_, err = tx.AppendEvent(storage.Event{Time: at, Kind: kind, Ref: day, Actor: by, Reason: reason, Data: raw})
	return err
}

// Audit event kinds this package writes.
const (
	KindDayOpen  = "day.open"
	KindCashIn   = "day.cash_in"
	KindCashOut  = "day.cash_out"
	KindDayClose = "day.close" // Data: z_no, net, expected, counted
)

// Session returns the session of day (State StateNone if never opened).
func (b *DayBook) Session(day string) (*Session, error) {
	if _, err := dayStart(day); err != nil {
		return nil, err
	}
	var s *Session
	err := b.db.View(func(tx *storage.Tx) error {
		var err error
		s, err = getSession(tx, day)
		return err
	})
	return s, err
}

// Open starts day with an opening float (备用金) counted into the drawer.
func (b *DayBook) Open(day, by string, floatFen int64) (*Session, error) {
	if _, err := dayStart(day); err != nil {
		return nil, err
	}
	if floatFen < 0 {
		return nil, fmt.Errorf("opening float %d fen: %w", floatFen, ErrBadAmount)
	}
	now := b.now()
	var s *Session
	err := b.db.Update(func(tx *storage.Tx) error {
		var err error
		if s, err = getSession(tx, day); err != nil {
			return err
		}
		switch s.State {
		case StateClosed:
			return ErrDayClosed
		case StateOpen:
			return ErrAlreadyOpen
		}
		s.State, s.OpenedAt, s.OpenedBy, s.OpeningFloatFen = StateOpen, now, by, floatFen
		if err := putSession(tx, s); err != nil {
			return err
		}
		return audit(tx, now, KindDayOpen, day, by, "", map[string]int64{"float_fen": floatFen})
	})
	if err != nil {
		return nil, fmt.Errorf("open day %s: %w", day, err)
	}
	return s, nil
}

// Move records cash put into (CashIn) or taken out of (CashOut) the drawer
// on an open day. approvedBy names the manager who approved a payout.
func (b *DayBook) Move(day string, m Move) error {
	if m.AmountFen <= 0 {
		return fmt.Errorf("cash %s %d fen: %w", m.Kind, m.AmountFen, ErrBadAmount)
	}
	if m.Kind != CashIn && m.Kind != CashOut {
		return fmt.Errorf("cash movement %q: %w", m.Kind, ErrBadAmount)
	}
	if strings.TrimSpace(m.Reason) == "" {
		return fmt.Errorf("cash %s: %w", m.Kind, ErrNoReason)
	}
	m.At = b.now()
	kind := KindCashIn
	if m.Kind == CashOut {
		kind = KindCashOut
	}
	err := b.db.Update(func(tx *storage.Tx) error {
		s, err := getSession(tx, day)
		if err != nil {
			return err
		}
		switch s.State {
		case StateClosed:
			return ErrDayClosed
		case StateNone:
			return ErrNotOpen
		}
		s.Moves = append(s.Moves, m)
		if err := putSession(tx, s); err != nil {
			return err
		}
		return audit(tx, m.At, kind, day, m.By, m.Reason, map[string]any{"amount_fen": m.AmountFen, "approved_by": m.ApprovedBy})
	})
	if err != nil {
		return fmt.Errorf("cash %s on %s: %w", m.Kind, day, err)
	}
	return nil
}

// X computes the report of day so far without changing anything. On a
// closed day it shows the live figures with ClosedDay set; the Z stands.
func (b *DayBook) X(day, operator string) (*Report, error) {
	if _, err := dayStart(day); err != nil {
		return nil, err
	}
	var r *Report
	err := b.db.View(func(tx *storage.Tx) error {
		s, err := getSession(tx, day)
		if err != nil {
			return err
		}
		r, err = b.compute(tx, s, b.now())
		if err != nil {
			return err
		}
		r.Kind, r.Operator, r.ClosedDay = receipt.ReportX, operator, s.State == StateClosed
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("X report %s: %w", day, err)
	}
	return r, nil
}

// Close takes the Z report of day: it computes the report, numbers it from
// the terminal's Z sequence and freezes it with the session, all in one
// commit. counted is the cash the manager counted in the drawer (nil: not
// counted). A day that was never opened is closed with a float of 0.
// Afterwards the day refuses every change.
func (b *DayBook) Close(day, by string, counted *int64) (*Report, error) {
	if _, err := dayStart(day); err != nil {
		return nil, err
	}
	if counted != nil && *counted < 0 {
		return nil, fmt.Errorf("counted cash %d fen: %w", *counted, ErrBadAmount)
	}
	now := b.now()
	var r *Report
	err := b.db.Update(func(tx *storage.Tx) error {
		var err error
		r, err = b.closeTx(tx, day, by, counted, now)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("close day %s: %w", day, err)
	}
	return r, nil
}

// closeTx is the transaction of Close.
func (b *DayBook) closeTx(tx *storage.Tx, day, by string, counted *int64, now time.Time) (*Report, error) {
	s, err := getSession(tx, day)
	if err != nil {
		return nil, err
	}
	if s.State == StateClosed {
		return nil, ErrDayClosed
	}
	// A day nobody opened still gets its Z (float 0), so every trading day
	// is numbered and closed.
	r, err := b.compute(tx, s, now)
	if err != nil {
		return nil, err
	}
	seq, err := tx.NextSeq("z_report")
	if err != nil {
		return nil, err
	}
	r.Kind, r.ZNo, r.Operator = receipt.ReportZ, int64(seq), by
	if counted != nil {
		r.CashCounted, r.CountedCashFen = true, *counted
	}
	s.State, s.ClosedAt, s.ClosedBy, s.Z = StateClosed, now, by, r
	if err := putSession(tx, s); err != nil {
		return nil, err
	}
	if err := tx.PutRaw(storage.BucketSessions, zKey(r.ZNo), []byte(day)); err != nil {
		return nil, err
	}
	// From this commit on, money recorded on this day goes to the next.
	if err := tx.CloseDay(day); err != nil {
		return nil, err
	}
	return r, audit(tx, now, KindDayClose, day, by, "", map[string]any{
		"z_no": r.ZNo, "net_fen": r.NetFen(), "expected_cash_fen": r.ExpectedCashFen,
		"counted": r.CashCounted, "counted_cash_fen": r.CountedCashFen, "diff_fen": r.CashDiffFen(),
		"pending": len(r.Pending)})
}

// Z returns the frozen Z report of a closed day, or ErrNoZ.
func (b *DayBook) Z(day string) (*Report, error) {
	s, err := b.Session(day)
	if err != nil {
		return nil, err
	}
	if s.Z == nil {
		return nil, fmt.Errorf("day %s: %w", day, ErrNoZ)
	}
	return s.Z, nil
}

// ZByNo returns Z report number no, for reprints.
func (b *DayBook) ZByNo(no int64) (*Report, error) {
	var day string
	err := b.db.View(func(tx *storage.Tx) error {
		v, err := tx.GetRaw(storage.BucketSessions, zKey(no))
		if errors.Is(err, storage.ErrNotFound) {
			return fmt.Errorf("Z %d: %w", no, ErrNoZ)
		}
		day = string(v)
		return err
	})
	if err != nil {
		return nil, err
	}
	return b.Z(day)
}

// ZSummary is one line of the list of past Z reports.
type ZSummary struct {
	No       int64
	Day      string
	ClosedAt time.Time
	NetFen   int64
	DiffFen  int64
}

// Zs lists the Z reports, newest first, at most limit (0: all).
func (b *DayBook) Zs(limit int) ([]ZSummary, error) {
	var days []string
	err := b.db.View(func(tx *storage.Tx) error {
		return tx.ForEach(storage.BucketSessions, "z/", func(_ string, v []byte) error {
			days = append(days, string(v))
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	sort.Sort(sort.Reverse(sort.StringSlice(days)))
	var out []ZSummary
	for _, d := range days {
		if limit > 0 && len(out) >= limit {
			break
		}
		z, err := b.Z(d)
		if err != nil {
			return nil, err
		}
		out = append(out, ZSummary{No: z.ZNo, Day: d, ClosedAt: z.TakenAt, NetFen: z.NetFen(), DiffFen: z.CashDiffFen()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].No > out[j].No })
	return out, nil
}
