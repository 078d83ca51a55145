package reportstore

import (
	"fmt"

	"github.com/wxpos/wxpos/report"
	"github.com/wxpos/wxpos/state"
	"github.com/wxpos/wxpos/storage"
)

// MaxItemsDays is the longest range an items report covers.
const MaxItemsDays = 400

// Items is the items report of the business days from..to (yyyymmdd,
// inclusive), by item or by category, counted as the X/Z count them: a
// sale on its business day when PAID (not one adopted from another
// counter), a refund on the day it succeeded. categoryOf, when not nil,
// names the category of an item whose line was sold without one. It reads
// the days' indexes only (storage.Tx.SalesOnDay, RefundsOnDay).
func (b *DayBook) Items(from, to string, by report.ItemsBy, categoryOf func(itemID string) string) (*report.Items, error) {
	start, err := dayStart(from)
	if err != nil {
		return nil, err
	}
	end, err := dayStart(to)
	if err != nil {
		return nil, err
	}
	if end.Before(start) || end.Sub(start).Hours()/24 >= MaxItemsDays {
		return nil, fmt.Errorf("%s to %s: want a range of 1 to %d days: %w", from, to, MaxItemsDays, report.ErrBadDay)
	}
	ib := report.NewItemsBuilder(by)
	ib.CategoryOf = categoryOf
	err = b.db.View(func(tx *storage.Tx) error {
		for d := start; !d.After(end); d = d.AddDate(0, 0, 1) {
			if err := addItemsOfDay(ib, tx, report.DayOf(d)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ib.Build(&report.Items{From: from, To: to, StoreID: b.info.StoreID, TerminalID: b.info.TerminalID,
		Training: b.info.Training, TakenAt: b.now()}), nil
}

func addItemsOfDay(ib *report.ItemsBuilder, tx *storage.Tx, day string) error {
	sales, err := tx.SalesOnDay(day)
	if err != nil {
		return err
	}
	for _, o := range sales {
		if o.State == state.Paid && !o.Foreign && o.SaleDay() == day {
			ib.AddSale(o.Lines, o.Discount, o.AmountFen)
		}
	}
	refunds, err := tx.RefundsOnDay(day)
	if err != nil {
		return err
	}
	for _, rf := range refunds {
		if rf.State != state.RefundSuccess || rf.SettledDay() != day {
			continue
		}
		o, err := tx.GetOrder(rf.OutTradeNo)
		if err != nil {
			return fmt.Errorf("sale of refund %s: %w", rf.OutRefundNo, err)
		}
		ib.AddRefund(o.Lines, rf.Lines, rf.AmountFen)
	}
	return nil
}
