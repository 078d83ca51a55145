package reportstore

import (
	"fmt"
	"sort"
	"time"

	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/report"
	"github.com/wxpos/wxpos/state"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/tz"
)

func tenderIndex(t receipt.Tender) int {
	for i, x := range report.TenderOrder {
		if x == t {
			return i
		}
	}
	return -1
}

// compute builds the report of session s as the database stands in tx.
//
// What counts on a day is the money recorded on its business day: a sale
// on the day it was paid, a refund on the day it succeeded (Asia/Shanghai)
// — or, when that day's Z had already been taken, the next open day, so a
// Z stays exact (storage.Tx.BusinessDay). The records come from the day's
// indexes (storage.Tx.SalesOnDay, RefundsOnDay), so the cost follows the
// day's trade, not the history. Payments and refunds still open are listed
// as pending and left out of the money.
func (b *DayBook) compute(tx *storage.Tx, s *report.Session, now time.Time) (*report.Report, error) {
	start, err := dayStart(s.Day)
	if err != nil {
		return nil, err
	}
	end := start.AddDate(0, 0, 1)
	r := b.blank(s, now)
	if err := addSales(r, tx, s.Day); err != nil {
		return nil, err
	}
	if err := addRefunds(r, tx, s.Day, start, end); err != nil {
		return nil, err
	}
	if err := addPending(r, tx, end); err != nil {
		return nil, err
	}
	addMoves(r, s)
	return r, nil
}

// blank is the report of session s taken at now, before any money: every
// tender of TenderOrder listed at zero.
func (b *DayBook) blank(s *report.Session, now time.Time) *report.Report {
	r := &report.Report{Day: s.Day}
	r.BusinessDay = s.Day
	r.StoreName, r.StoreID, r.TerminalID, r.Training = b.info.StoreName, b.info.StoreID, b.info.TerminalID, b.info.Training
	r.OpenedAt, r.TakenAt, r.OpeningFloatFen = s.OpenedAt, now, s.OpeningFloatFen
	r.Tenders = make([]receipt.TenderSummary, len(report.TenderOrder))
	for i, t := range report.TenderOrder {
		r.Tenders[i].Tender = t
	}
	return r
}

// tenderLine is the summary line of t, added after TenderOrder's when t is
// not one of them.
func tenderLine(r *report.Report, t receipt.Tender) *receipt.TenderSummary {
	i := tenderIndex(t)
	if i < 0 {
		r.Tenders = append(r.Tenders, receipt.TenderSummary{Tender: t})
		return &r.Tenders[len(r.Tenders)-1]
	}
	return &r.Tenders[i]
}

// addSales counts the day's paid sales by tender and by hour. A sale
// adopted from another counter (Foreign) is that counter's.
func addSales(r *report.Report, tx *storage.Tx, day string) error {
	sales, err := tx.SalesOnDay(day)
	if err != nil {
		return err
	}
	for _, o := range sales {
		if o.State != state.Paid || o.Foreign || o.SaleDay() != day {
			continue
		}
		ts := tenderLine(r, receipt.Tender(o.Tender))
		ts.SaleCount++
		ts.SaleFen += o.AmountFen
		p := r.Part(o.Shift)
		p.SaleCount++
		p.SaleFen += o.AmountFen
		if receipt.Tender(o.Tender) == receipt.TenderCash {
			p.CashSaleFen += o.AmountFen
		}
		gross, off := grossOf(o)
		r.GrossFen += gross
		r.DiscountFen += off
		ts.CouponFen += o.CouponFen
		ts.MerchantCouponFen += o.MerchantCouponFen
		h := o.PaidAt.In(tz.Shanghai).Hour()
		r.HourlyFen[h] += o.AmountFen
		r.HourlyCount[h]++
	}
	return nil
}

// grossOf is a sale's gross and discounts: from its lines as sold when it
// has them, else its amount and nothing off.
func grossOf(o *storage.Order) (gross, off int64) {
	if len(o.Lines) == 0 {
		return o.AmountFen, 0
	}
	for _, l := range o.Lines {
		gross += l.TotalFen
		if l.Discount != nil {
			gross += l.Discount.AmountFen
			off += l.Discount.AmountFen
		}
	}
	if o.Discount != nil {
		off += o.Discount.AmountFen
	}
	return gross, off
}

// addRefunds counts the refunds settled on the day under their sale's
// tender, and lists the ABNORMAL ones made that day [start, end).
func addRefunds(r *report.Report, tx *storage.Tx, day string, start, end time.Time) error {
	refunds, err := tx.RefundsOnDay(day)
	if err != nil {
		return err
	}
	for _, rf := range refunds {
		switch {
		case rf.State == state.RefundSuccess && rf.SettledDay() == day:
			tender, err := saleTender(tx, rf.OutTradeNo)
			if err != nil {
				return err
			}
			ts := tenderLine(r, tender)
			ts.RefundCount++
			ts.RefundFen += rf.AmountFen
			p := r.Part(rf.Shift)
			p.RefundCount++
			p.RefundFen += rf.AmountFen
			if tender == receipt.TenderCash {
				p.CashRefundFen += rf.AmountFen
			}
			ts.CouponFen -= rf.CouponFen
			ts.MerchantCouponFen -= rf.MerchantCouponFen
			r.Returned = receipt.AddReturned(r.Returned, rf.Lines)
		case rf.State == state.RefundAbnormal && !rf.CreatedAt.Before(start) && rf.CreatedAt.Before(end):
			tender, _ := saleTender(tx, rf.OutTradeNo)
			r.Abnormal = append(r.Abnormal, report.Pending{Kind: "refund", No: rf.OutRefundNo, Tender: tender,
				State: string(rf.State), AmountFen: rf.AmountFen, CreatedAt: rf.CreatedAt})
		}
	}
	return nil
}

// addPending lists the refunds and payments still open that began before
// end, oldest first: their money is in no total.
func addPending(r *report.Report, tx *storage.Tx, end time.Time) error {
	openRefunds, err := tx.OpenRefunds()
	if err != nil {
		return err
	}
	for _, rf := range openRefunds { // NEW/SUBMITTED/PROCESSING: not settled
		if rf.CreatedAt.Before(end) {
			tender, _ := saleTender(tx, rf.OutTradeNo)
			r.Pending = append(r.Pending, report.Pending{Kind: "refund", No: rf.OutRefundNo, Tender: tender,
				State: string(rf.State), AmountFen: rf.AmountFen, CreatedAt: rf.CreatedAt})
		}
	}
	open, err := tx.OpenOrders()
	if err != nil {
		return err
	}
	for _, o := range open {
		if o.CreatedAt.Before(end) {
			r.Pending = append(r.Pending, report.Pending{Kind: "order", No: o.OutTradeNo, Tender: receipt.Tender(o.Tender),
				State: string(o.State), AmountFen: o.AmountFen, CreatedAt: o.CreatedAt})
		}
	}
	sort.SliceStable(r.Pending, func(i, j int) bool { return r.Pending[i].CreatedAt.Before(r.Pending[j].CreatedAt) })
	r.PendingCount = int64(len(r.Pending))
	return nil
}

// addMoves adds the session's cash in and out, and the cash the drawer
// should hold: the float, plus cash sales, less cash refunds, plus in,
// less out.
func addMoves(r *report.Report, s *report.Session) {
	r.Moves = append([]report.Move(nil), s.Moves...)
	for _, m := range s.Moves {
		if m.Kind == report.CashIn {
			r.CashInFen += m.AmountFen
		} else {
			r.CashOutFen += m.AmountFen
		}
	}
	cash := r.Tenders[tenderIndex(receipt.TenderCash)]
	r.ExpectedCashFen = s.OpeningFloatFen + cash.SaleFen - cash.RefundFen + r.CashInFen - r.CashOutFen
}

func saleTender(tx *storage.Tx, outTradeNo string) (receipt.Tender, error) {
	o, err := tx.GetOrder(outTradeNo)
	if err != nil {
		return "", fmt.Errorf("sale of refund: %w", err)
	}
	return receipt.Tender(o.Tender), nil
}
