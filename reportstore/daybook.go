// Package reportstore keeps the terminal's business days (report.Session)
// on its bbolt database and computes their X and Z reports from what the
// payment core stores. It lives apart from report so that what reads
// report's values and errors (the window) does not link the database.
//
// Sessions live in the sessions bucket: "day/yyyymmdd" → report.Session
// (JSON, with a "v" version field) and "z/<number>" → day; closing also
// marks the day closed in storage (Tx.CloseDay) in the same commit.
// Opening, cash movements and closing each append an audit event
// (report.KindDayOpen, KindCashIn, KindCashOut, KindDayClose).
package reportstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/report"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/tz"
)

func dayStart(day string) (time.Time, error) {
	t, err := time.ParseInLocation("20060102", day, tz.Shanghai)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q: %w", day, report.ErrBadDay)
	}
	return t, nil
}

const sessionVersion = 1

// Options configures a DayBook. The zero value uses the defaults.
type Options struct {
	Now func() time.Time // zero: time.Now
}

// DayBook keeps the day sessions of one terminal and computes their reports
// from the orders, refunds and receipts the payment core stores.
type DayBook struct {
	db   *storage.Store
	info report.Info
	now  func() time.Time
}

// New returns the book on db.
func New(db *storage.Store, info report.Info, o *Options) *DayBook {
	b := &DayBook{db: db, info: info, now: time.Now}
	if o != nil && o.Now != nil {
		b.now = o.Now
	}
	return b
}

// Today is the current business day.
func (b *DayBook) Today() string { return report.DayOf(b.now()) }

// BusinessDay returns the business day a sale taken now is booked on: the
// calendar day while it is open, else (after its Z) the first day after it
// that is not closed.
func (b *DayBook) BusinessDay() (string, error) {
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

func getSession(tx *storage.Tx, day string) (*report.Session, error) {
	var s report.Session
	err := tx.Get(storage.BucketSessions, sessionKey(day), &s)
	if errors.Is(err, storage.ErrNotFound) {
		return &report.Session{Day: day}, nil
	}
	return &s, err
}

func putSession(tx *storage.Tx, s *report.Session) error {
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

// Session returns the session of day (State StateNone if never opened).
func (b *DayBook) Session(day string) (*report.Session, error) {
	if _, err := dayStart(day); err != nil {
		return nil, err
	}
	var s *report.Session
	err := b.db.View(func(tx *storage.Tx) error {
		var err error
		s, err = getSession(tx, day)
		return err
	})
	return s, err
}

// Open starts day with an opening float (备用金) counted into the drawer.
func (b *DayBook) Open(day, by string, floatFen int64) (*report.Session, error) {
	if _, err := dayStart(day); err != nil {
		return nil, err
	}
	if floatFen < 0 {
		return nil, fmt.Errorf("opening float %d fen: %w", floatFen, report.ErrBadAmount)
	}
	now := b.now()
	var s *report.Session
	err := b.db.Update(func(tx *storage.Tx) error {
		var err error
		if s, err = getSession(tx, day); err != nil {
			return err
		}
		switch s.State {
		case report.StateClosed:
			return report.ErrDayClosed
		case report.StateOpen:
			return report.ErrAlreadyOpen
		}
		s.State, s.OpenedAt, s.OpenedBy, s.OpeningFloatFen = report.StateOpen, now, by, floatFen
		if err := putSession(tx, s); err != nil {
			return err
		}
		return audit(tx, now, report.KindDayOpen, day, by, "", map[string]int64{"float_fen": floatFen})
	})
	if err != nil {
		return nil, fmt.Errorf("open day %s: %w", day, err)
	}
	return s, nil
}

// Move records cash put into (CashIn) or taken out of (CashOut) the drawer
// on an open day. approvedBy names the manager who approved a payout.
func (b *DayBook) Move(day string, m report.Move) error {
	if m.AmountFen <= 0 {
		return fmt.Errorf("cash %s %d fen: %w", m.Kind, m.AmountFen, report.ErrBadAmount)
	}
	if m.Kind != report.CashIn && m.Kind != report.CashOut {
		return fmt.Errorf("cash movement %q: %w", m.Kind, report.ErrBadAmount)
	}
	if strings.TrimSpace(m.Reason) == "" {
		return fmt.Errorf("cash %s: %w", m.Kind, report.ErrNoReason)
	}
	m.At = b.now()
	kind := report.KindCashIn
	if m.Kind == report.CashOut {
		kind = report.KindCashOut
	}
	err := b.db.Update(func(tx *storage.Tx) error {
		s, err := getSession(tx, day)
		if err != nil {
			return err
		}
		switch s.State {
		case report.StateClosed:
			return report.ErrDayClosed
		case report.StateNone:
			return report.ErrNotOpen
		}
		till, err := tx.Till()
		if err != nil {
			return err
		}
		m.Shift = till.Shift
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

// ShiftMoves returns the cash movements of day made in shift no, read in
// tx (the shift's close computes its drawer in its own commit).
func ShiftMoves(tx *storage.Tx, day string, no uint64) ([]report.Move, error) {
	s, err := getSession(tx, day)
	if err != nil {
		return nil, err
	}
	var out []report.Move
	for _, m := range s.Moves {
		if m.Shift == no {
			out = append(out, m)
		}
	}
	return out, nil
}

// X computes the report of day so far without changing anything. On a
// closed day it shows the live figures with ClosedDay set; the Z stands.
func (b *DayBook) X(day, operator string) (*report.Report, error) {
	if _, err := dayStart(day); err != nil {
		return nil, err
	}
	var r *report.Report
	err := b.db.View(func(tx *storage.Tx) error {
		s, err := getSession(tx, day)
		if err != nil {
			return err
		}
		r, err = b.compute(tx, s, b.now())
		if err != nil {
			return err
		}
		r.Kind, r.Operator, r.ClosedDay = receipt.ReportX, operator, s.State == report.StateClosed
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
func (b *DayBook) Close(day, by string, counted *int64) (*report.Report, error) {
	if _, err := dayStart(day); err != nil {
		return nil, err
	}
	if counted != nil && *counted < 0 {
		return nil, fmt.Errorf("counted cash %d fen: %w", *counted, report.ErrBadAmount)
	}
	now := b.now()
	var r *report.Report
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
func (b *DayBook) closeTx(tx *storage.Tx, day, by string, counted *int64, now time.Time) (*report.Report, error) {
	s, err := getSession(tx, day)
	if err != nil {
		return nil, err
	}
	if s.State == report.StateClosed {
		return nil, report.ErrDayClosed
	}
	// The Z sums the day's shifts: one still open would go on adding to a
	// closed day's drawer.
	if till, err := tx.Till(); err != nil {
		return nil, err
	} else if till.Shift != 0 {
		return nil, fmt.Errorf("shift %d of %s: %w", till.Shift, till.Cashier, report.ErrShiftOpen)
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
	s.State, s.ClosedAt, s.ClosedBy, s.Z = report.StateClosed, now, by, r
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
	return r, audit(tx, now, report.KindDayClose, day, by, "", map[string]any{
		"z_no": r.ZNo, "net_fen": r.NetFen(), "expected_cash_fen": r.ExpectedCashFen,
		"counted": r.CashCounted, "counted_cash_fen": r.CountedCashFen, "diff_fen": r.CashDiffFen(),
		"pending": len(r.Pending)})
}

// Z returns the frozen Z report of a closed day, or ErrNoZ.
func (b *DayBook) Z(day string) (*report.Report, error) {
	s, err := b.Session(day)
	if err != nil {
		return nil, err
	}
	if s.Z == nil {
		return nil, fmt.Errorf("day %s: %w", day, report.ErrNoZ)
	}
	return s.Z, nil
}

// ZByNo returns Z report number no, for reprints.
func (b *DayBook) ZByNo(no int64) (*report.Report, error) {
	var day string
	err := b.db.View(func(tx *storage.Tx) error {
		v, err := tx.GetRaw(storage.BucketSessions, zKey(no))
		if errors.Is(err, storage.ErrNotFound) {
			return fmt.Errorf("Z %d: %w", no, report.ErrNoZ)
		}
		day = string(v)
		return err
	})
	if err != nil {
		return nil, err
	}
	return b.Z(day)
}

// Zs lists the Z reports, newest first, at most limit (0: all).
func (b *DayBook) Zs(limit int) ([]report.ZSummary, error) {
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
	var out []report.ZSummary
	for _, d := range days {
		if limit > 0 && len(out) >= limit {
			break
		}
		z, err := b.Z(d)
		if err != nil {
			return nil, err
		}
		out = append(out, report.ZSummary{No: z.ZNo, Day: d, ClosedAt: z.TakenAt, NetFen: z.NetFen(), DiffFen: z.CashDiffFen()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].No > out[j].No })
	return out, nil
}
