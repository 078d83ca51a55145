package shiftstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/report"
	"github.com/wxpos/wxpos/reportstore"
	"github.com/wxpos/wxpos/shift"
	"github.com/wxpos/wxpos/staff"
	"github.com/wxpos/wxpos/state"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/tz"
)

func dayOf(t time.Time) string { return t.In(tz.Shanghai).Format("20060102") }

// maxShiftDays bounds the days one shift's report walks.
const maxShiftDays = 31

// X computes shift no's report as the database stands, without changing
// anything: a closed shift's frozen report, or an open shift's live
// figures (expected cash included — for the manager; the closing cashier
// counts blind, Close).
func (b *Book) X(no uint64) (*shift.Report, error) {
	var r *shift.Report
	err := b.db.View(func(tx *storage.Tx) error {
		s, err := getShift(tx, no)
		if err != nil {
			return err
		}
		if s.Report != nil {
			r = s.Report
			return nil
		}
		r, err = compute(tx, s, b.now())
		return err
	})
	return r, err
}

// Close closes the open shift (交班) with the cash the closing person
// counted in the drawer, typed before the terminal shows what it
// expected: the shift's report with the expected cash and the variance
// comes back only now. by (the cashier signed in, or a manager) confirms
// with their PIN. With a handover the next cashier's PIN is checked too and
// their shift opens with h.FloatFen in the same commit; without one the
// till is left with nobody signed in. A variance is audited
// (shift.variance) beside the close.
func (b *Book) Close(ctx context.Context, by, pin string, countedFen int64, h *shift.Handover) (*shift.Shift, error) {
	if countedFen < 0 {
		return nil, fmt.Errorf("close shift: counted %d fen: %w", countedFen, shift.ErrBadAmount)
	}
	if h != nil && h.FloatFen < 0 {
		return nil, fmt.Errorf("close shift: float %d fen: %w", h.FloatFen, shift.ErrBadAmount)
	}
	sess, err := b.login(ctx, by, pin)
	if err != nil {
		return nil, err
	}
	var next staff.Session
	if h != nil {
		if next, err = b.login(ctx, h.Next, h.PIN); err != nil {
			return nil, &shift.HandoverError{Next: h.Next, Err: err}
		}
	}
	now := b.now()
	var s *shift.Shift
	err = b.db.Update(func(tx *storage.Tx) error {
		var err error
		s, err = closeTx(tx, sess, countedFen, now)
		if err != nil || h == nil {
			return err
		}
		n, err := openTx(tx, next, h.FloatFen, s.No, now)
		if err != nil {
			return err
		}
		s.HandedTo = n.No
		return putShift(tx, s)
	})
	if err != nil {
		return nil, fmt.Errorf("close shift: %w", err)
	}
	return s, nil
}

// closeTx closes the till's shift with the count, in tx.
func closeTx(tx *storage.Tx, sess staff.Session, countedFen int64, now time.Time) (*shift.Shift, error) {
	t, err := tx.Till()
	if err != nil {
		return nil, err
	}
	if t.Shift == 0 {
		return nil, shift.ErrNoShift
	}
	if !strings.EqualFold(t.Cashier, sess.Name) && sess.Role != staff.RoleManager {
		return nil, fmt.Errorf("%s closing %s's shift: %w", sess.Name, t.Cashier, shift.ErrWrongCashier)
	}
	s, err := getShift(tx, t.Shift)
	if err != nil {
		return nil, err
	}
	r, err := compute(tx, s, now)
	if err != nil {
		return nil, err
	}
	r.Counted, r.CountedFen = true, countedFen
	s.State, s.ClosedAt, s.ClosedBy, s.Report = shift.StateClosed, now, sess.Name, r
	if err := putShift(tx, s); err != nil {
		return nil, err
	}
	if err := tx.PutTill(storage.Till{}); err != nil {
		return nil, err
	}
	ref := fmt.Sprint(s.No)
	if v := r.VarianceFen(); v != 0 {
		if err := audit(tx, now, shift.KindVariance, ref, sess.Name, "", map[string]any{
			"cashier": s.Cashier, "expected_fen": r.ExpectedFen, "counted_fen": countedFen, "variance_fen": v}); err != nil {
			return nil, err
		}
	}
	return s, audit(tx, now, shift.KindClose, ref, sess.Name, "", map[string]any{
		"cashier": s.Cashier, "sales_fen": r.SalesFen(), "refunds_fen": r.RefundsFen(),
		"expected_fen": r.ExpectedFen, "counted_fen": countedFen, "variance_fen": r.VarianceFen()})
}

// compute is shift s's report as tx stands at now: the sales recorded
// PAID and the refunds recorded SUCCESS in it (Order.Shift, Refund.Shift)
// on each business day from the one it opened on to today's, and the
// cash moved while it was open.
func compute(tx *storage.Tx, s *shift.Shift, now time.Time) (*shift.Report, error) {
	r := &shift.Report{No: s.No, Cashier: s.Cashier, OpenedAt: s.OpenedAt, TakenAt: now, FloatFen: s.FloatFen}
	r.Tenders = make([]receipt.TenderSummary, len(report.TenderOrder))
	for i, t := range report.TenderOrder {
		r.Tenders[i].Tender = t
	}
	last, err := tx.BusinessDay(dayOf(now))
	if err != nil {
		return nil, err
	}
	by := map[string]*shift.CashierLine{}
	line := func(name string) *shift.CashierLine {
		if name == "" {
			name = shift.NoCashier
		}
		if by[name] == nil {
			by[name] = &shift.CashierLine{Cashier: name}
		}
		return by[name]
	}
	day := s.Day
	for range maxShiftDays {
		if err := addDay(tx, r, s.No, day, line); err != nil {
			return nil, err
		}
		if day >= last {
			break
		}
		d, err := time.ParseInLocation("20060102", day, tz.Shanghai)
		if err != nil {
			return nil, err
		}
		day = d.AddDate(0, 0, 1).Format("20060102")
	}
	for _, l := range by {
		r.ByCashier = append(r.ByCashier, *l)
	}
	slices.SortFunc(r.ByCashier, func(a, b shift.CashierLine) int { return strings.Compare(a.Cashier, b.Cashier) })
	cash := r.Tenders[0] // report.TenderOrder starts with cash
	r.ExpectedFen = s.FloatFen + cash.SaleFen - cash.RefundFen + r.CashInFen - r.CashOutFen
	return r, nil
}

// addDay adds shift no's money of business day to r.
func addDay(tx *storage.Tx, r *shift.Report, no uint64, day string, line func(string) *shift.CashierLine) error {
	sales, err := tx.SalesOnDay(day)
	if err != nil {
		return err
	}
	counted := false
	for _, o := range sales {
		if o.State != state.Paid || o.Foreign || o.Shift != no || o.SaleDay() != day {
			continue
		}
		ts := tender(r, o.Tender)
		ts.SaleCount++
		ts.SaleFen += o.AmountFen
		l := line(o.Cashier)
		l.SaleCount++
		l.SaleFen += o.AmountFen
		counted = true
	}
	refunds, err := tx.RefundsOnDay(day)
	if err != nil {
		return err
	}
	for _, rf := range refunds {
		if rf.State != state.RefundSuccess || rf.Shift != no || rf.SettledDay() != day {
			continue
		}
		o, err := tx.GetOrder(rf.OutTradeNo)
		if err != nil {
			return fmt.Errorf("sale of refund %s: %w", rf.OutRefundNo, err)
		}
		ts := tender(r, o.Tender)
		ts.RefundCount++
		ts.RefundFen += rf.AmountFen
		l := line(rf.Cashier)
		l.RefundCount++
		l.RefundFen += rf.AmountFen
		counted = true
	}
	moves, err := reportstore.ShiftMoves(tx, day, no)
	if err != nil {
		return err
	}
	for _, m := range moves {
		if m.Kind == report.CashIn {
			r.CashInFen += m.AmountFen
		} else {
			r.CashOutFen += m.AmountFen
		}
	}
	if counted || len(moves) > 0 {
		r.Days = append(r.Days, day)
	}
	return nil
}

// tender is r's line of tender t, added when t is not a listed one.
func tender(r *shift.Report, t string) *receipt.TenderSummary {
	for i := range r.Tenders {
		if string(r.Tenders[i].Tender) == t {
			return &r.Tenders[i]
		}
	}
	r.Tenders = append(r.Tenders, receipt.TenderSummary{Tender: receipt.Tender(t)})
	return &r.Tenders[len(r.Tenders)-1]
}
