package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/tz"
)

// TenderOrder is the order tenders appear in on every report; all three
// are always listed, zero or not, so reports compare line by line.
var TenderOrder = []receipt.Tender{receipt.TenderCash, receipt.TenderWeChatScan, receipt.TenderWeChatQR}

func tenderIndex(t receipt.Tender) int {
	for i, x := range TenderOrder {
		if x == t {
			return i
		}
	}
	return -1
}

// compute builds the report of session s as the database stands in tx.
//
// What counts on a day is what its receipts say: a sale on the day its
// payment completed (Order.PaidAt, the sale receipt's time), a refund on the
// day it succeeded (Refund.SuccessAt, the refund receipt's time), both in
// Asia/Shanghai. Orders are found through the per-day index of the report
// day and the LookbackDays before it. Payments and refunds still open are
// listed as pending and left out of the money.
func (b *Book) compute(tx *storage.Tx, s *Session, now time.Time) (*Report, error) {
	start, err := dayStart(s.Day)
	if err != nil {
		return nil, err
	}
	end := start.AddDate(0, 0, 1)
	r := &Report{Day: s.Day}
	r.StoreName, r.StoreID, r.TerminalID, r.Training = b.info.StoreName, b.info.StoreID, b.info.TerminalID, b.info.Training
	r.OpenedAt, r.TakenAt, r.OpeningFloatFen = s.OpenedAt, now, s.OpeningFloatFen
	r.Tenders = make([]receipt.TenderSummary, len(TenderOrder))
	for i, t := range TenderOrder {
		r.Tenders[i].Tender = t
	}
	add := func(t receipt.Tender) *receipt.TenderSummary {
		i := tenderIndex(t)
		if i < 0 {
			r.Tenders = append(r.Tenders, receipt.TenderSummary{Tender: t})
			return &r.Tenders[len(r.Tenders)-1]
		}
		return &r.Tenders[i]
	}

	dates := isoDates(start)
	for d := 0; d <= LookbackDays; d++ {
		err := eachOrderOnDay(tx, start.AddDate(0, 0, -d).Format("20060102"), func(v []byte) bool {
			return bytes.Contains(v, []byte(`"state":"PAID"`)) && containsAny(v, `"paid_at":"`, dates)
		}, func(o *storage.Order) {
			if o.State != statePaid || o.PaidAt.Before(start) || !o.PaidAt.Before(end) {
				return
			}
			ts := add(receipt.Tender(o.Tender))
			ts.SaleCount++
			ts.SaleFen += o.AmountFen
			h := o.PaidAt.In(tz.Shanghai).Hour()
			r.HourlyFen[h] += o.AmountFen
			r.HourlyCount[h]++
		})
		if err != nil {
			return nil, err
		}
	}

	err = tx.ForEach(storage.BucketRefunds, "", func(k string, v []byte) error {
		if strings.HasPrefix(k, "~") { // storage's per-order index
			return nil
		}
		// Settled refunds of other days are most of the bucket: skip them
		// without decoding (see mayMatter).
		if !mayMatter(v, `"success_at":"`, dates) {
			return nil
		}
		var rf storage.Refund
		if err := json.Unmarshal(v, &rf); err != nil {
			return fmt.Errorf("refund %s: %w", k, err)
		}
		switch {
		case rf.State == refundSuccess:
			if rf.SuccessAt.Before(start) || !rf.SuccessAt.Before(end) {
				return nil
			}
			tender, err := saleTender(tx, rf.OutTradeNo)
			if err != nil {
				return err
			}
			ts := add(tender)
			ts.RefundCount++
			ts.RefundFen += rf.AmountFen
		case rf.State == refundClosed:
		case rf.State == refundAbnormal:
			if !rf.CreatedAt.Before(start) && rf.CreatedAt.Before(end) {
				tender, _ := saleTender(tx, rf.OutTradeNo)
				r.Abnormal = append(r.Abnormal, Pending{Kind: "refund", No: rf.OutRefundNo, Tender: tender,
					State: rf.State, AmountFen: rf.AmountFen, CreatedAt: rf.CreatedAt})
			}
		default: // NEW/SUBMITTED/PROCESSING: not settled
			if rf.CreatedAt.Before(end) {
				tender, _ := saleTender(tx, rf.OutTradeNo)
				r.Pending = append(r.Pending, Pending{Kind: "refund", No: rf.OutRefundNo, Tender: tender,
					State: rf.State, AmountFen: rf.AmountFen, CreatedAt: rf.CreatedAt})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}

	open, err := tx.OpenOrders()
	if err != nil {
		return nil, err
	}
	for _, o := range open {
		if o.CreatedAt.Before(end) {
			r.Pending = append(r.Pending, Pending{Kind: "order", No: o.OutTradeNo, Tender: receipt.Tender(o.Tender),
				State: o.State, AmountFen: o.AmountFen, CreatedAt: o.CreatedAt})
		}
	}
	sort.SliceStable(r.Pending, func(i, j int) bool { return r.Pending[i].CreatedAt.Before(r.Pending[j].CreatedAt) })
	r.PendingCount = int64(len(r.Pending))

	r.Moves = append([]Move(nil), s.Moves...)
	for _, m := range s.Moves {
		if m.Kind == CashIn {
			r.CashInFen += m.AmountFen
		} else {
			r.CashOutFen += m.AmountFen
		}
	}
	cash := r.Tenders[tenderIndex(receipt.TenderCash)]
	r.ExpectedCashFen = s.OpeningFloatFen + cash.SaleFen - cash.RefundFen + r.CashInFen - r.CashOutFen
	return r, nil
}

func saleTender(tx *storage.Tx, outTradeNo string) (receipt.Tender, error) {
	o, err := tx.GetOrder(outTradeNo)
	if err != nil {
		return "", fmt.Errorf("sale of refund: %w", err)
	}
	return receipt.Tender(o.Tender), nil
}

// isoDates returns the calendar dates (yyyy-mm-dd) on which an instant of
// the Shanghai day starting at start can be written in any UTC offset from
// −12:00 to +14:00: the day before, the day, the day after.
func isoDates(start time.Time) []string {
	return []string{
		start.AddDate(0, 0, -1).Format(time.DateOnly),
		start.Format(time.DateOnly),
		start.AddDate(0, 0, 1).Format(time.DateOnly),
	}
}

// containsAny reports whether v contains key followed by one of dates, as
// encoding/json writes a time.Time field (RFC 3339 in the value's zone).
// It is only a prefilter: whatever passes is decoded and checked exactly.
func containsAny(v []byte, key string, dates []string) bool {
	for _, d := range dates {
		if bytes.Contains(v, []byte(key+d)) {
			return true
		}
	}
	return false
}

// mayMatter reports whether a stored refund could matter to the report:
// anything not settled (decoded and sorted out exactly), or a settled one
// whose success time could fall on the day. A record in a layout this
// prefilter does not recognise is decoded, never skipped: the state test
// must match before anything is skipped.
func mayMatter(v []byte, key string, dates []string) bool {
	if bytes.Contains(v, []byte(`"state":"CLOSED"`)) {
		return false
	}
	if bytes.Contains(v, []byte(`"state":"SUCCESS"`)) {
		return containsAny(v, key, dates)
	}
	return true
}

// eachOrderOnDay calls fn for the orders in the day index of day whose
// stored bytes pass keep. Only those are decoded.
func eachOrderOnDay(tx *storage.Tx, day string, keep func([]byte) bool, fn func(*storage.Order)) error {
	var nos []string
	err := tx.ForEach(storage.BucketOrdersByDay, day+"/", func(k string, _ []byte) error {
		nos = append(nos, k[len(day)+1:])
		return nil
	})
	if err != nil {
		return err
	}
	for _, no := range nos {
		v, err := tx.GetRaw(storage.BucketOrders, no)
		if err != nil {
			return fmt.Errorf("day index %s/%s: %w", day, no, err)
		}
		if !keep(v) {
			continue
		}
		var o storage.Order
		if err := json.Unmarshal(v, &o); err != nil {
			return fmt.Errorf("order %s: %w", no, err)
		}
		fn(&o)
	}
	return nil
}
