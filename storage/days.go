package storage

import (
	"fmt"
	"time"

	"github.com/wxpos/wxpos/tz"
)

// Business days.
//
// A sale counts on one business day and a refund on one, fixed in the
// transaction that records the money (Order.BusinessDay, Refund.BusinessDay):
// the calendar day (Asia/Shanghai) of the payment or refund, or — when
// that day's Z report has been taken — the first day after it that is
// still open. The Z report marks its day closed (CloseDay) in its own
// commit, and bbolt runs one writer at a time, so a payment recorded after
// the Z can never land in the closed day and the Z stays exact.
//
// The index buckets sales_by_day and refunds_by_day let a day's report read
// that day's records only, whatever the history.

// DayOf returns the calendar day (yyyymmdd, Asia/Shanghai) of t.
func DayOf(t time.Time) string { return t.In(tz.Shanghai).Format("20060102") }

// SaleDay is the business day the sale counts on: BusinessDay, or for a
// record written before business days existed, the day it was paid. Empty
// when it has not been paid.
func (o *Order) SaleDay() string {
	switch {
	case o.BusinessDay != "":
		return o.BusinessDay
	case o.PaidAt.IsZero():
		return ""
	}
	return DayOf(o.PaidAt)
}

// SettledDay is the business day the refund counts on: BusinessDay, or
// for an older record, the day it succeeded. Empty when it has not.
func (r *Refund) SettledDay() string {
	switch {
	case r.BusinessDay != "":
		return r.BusinessDay
	case r.SuccessAt.IsZero():
		return ""
	}
	return DayOf(r.SuccessAt)
}

// CloseDay marks day (yyyymmdd) closed: from this commit on, BusinessDay
// never returns it. The Z report calls it in the commit that freezes the Z.
func (t *Tx) CloseDay(day string) error {
	if _, err := time.Parse("20060102", day); err != nil {
		return fmt.Errorf("close day %q: want yyyymmdd", day)
	}
	return t.PutRaw(BucketClosedDays, day, []byte{})
}

// DayClosed reports whether day has been closed by CloseDay.
func (t *Tx) DayClosed(day string) bool { return t.Has(BucketClosedDays, day) }

// maxDaysAhead bounds the walk of BusinessDay: no terminal closes a year of
// days ahead; a database that did is refused rather than looped over.
const maxDaysAhead = 366

// BusinessDay returns the business day that money moved on calendar day
// (yyyymmdd) belongs to: day itself while it is open, else the first
// following day that is not closed.
func (t *Tx) BusinessDay(day string) (string, error) {
	d, err := time.ParseInLocation("20060102", day, tz.Shanghai)
	if err != nil {
		return "", fmt.Errorf("business day of %q: want yyyymmdd", day)
	}
	for range maxDaysAhead {
		if !t.DayClosed(day) {
			return day, nil
		}
		d = d.AddDate(0, 0, 1)
		day = d.Format("20060102")
	}
	return "", fmt.Errorf("business day: %d days after %s are closed", maxDaysAhead, d.Format("20060102"))
}

// dayIndexKey is the key of record no in a by-day index.
func dayIndexKey(day, no string) string { return day + "/" + no }

// SalesOnDay returns the orders indexed as sales of business day (yyyymmdd),
// in out_trade_no order. The index is written when a sale is paid; the
// caller checks State (a record only ever gains entries).
func (t *Tx) SalesOnDay(day string) ([]*Order, error) {
	return onDay(t, BucketSalesByDay, day, t.GetOrder)
}

// RefundsOnDay returns the refunds created on day or counted on it as
// their business day, in out_refund_no order, each once.
func (t *Tx) RefundsOnDay(day string) ([]*Refund, error) {
	return onDay(t, BucketRefundsByDay, day, t.GetRefund)
}

func onDay[R any](t *Tx, b Bucket, day string, get func(string) (*R, error)) ([]*R, error) {
	var keys []string
	err := t.ForEach(b, day+"/", func(k string, _ []byte) error {
		keys = append(keys, k[len(day)+1:])
		return nil
	})
	if err != nil {
		return nil, err
	}
	return records(keys, get, func(k string) string { return fmt.Sprintf("%s %s/%s", b, day, k) })
}

// records reads the record behind each key an index listed; an error names
// the index entry (where) that points at a missing or unreadable record.
func records[R any](keys []string, get func(string) (*R, error), where func(key string) string) ([]*R, error) {
	out := make([]*R, 0, len(keys))
	for _, k := range keys {
		r, err := get(k)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where(k), err)
		}
		out = append(out, r)
	}
	return out, nil
}
