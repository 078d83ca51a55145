package reportstore

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/report"
	"github.com/wxpos/wxpos/storage"
)

// This file is the test world: days of orders, refunds and receipts written
// the way the payment core writes them (storage records with pos's state
// strings, an immutable receipt for every PAID sale and SUCCESS refund),
// and an oracle that sums receipts on its own.

var tenders = []string{string(receipt.TenderCash), string(receipt.TenderWeChatScan), string(receipt.TenderWeChatQR)}

// GenDay writes n random sales created on day (yyyymmdd) and their refunds.
// seq numbers receipts and must be shared across calls on one database.
func GenDay(tb testing.TB, db *storage.Store, rng *rand.Rand, day string, n int, seq *int) {
	tb.Helper()
	start, err := dayStart(day)
	if err != nil {
		tb.Fatal(err)
	}
	err = db.Update(func(tx *storage.Tx) error {
		for i := range n {
			created := start.Add(time.Duration(rng.Int64N(int64(24 * time.Hour))))
			o := &storage.Order{
				OutTradeNo: fmt.Sprintf("PS1-T1-%s%05d", day, i), Tender: tenders[rng.IntN(3)],
				AmountFen: 1 + rng.Int64N(50000), CreatedAt: created, UpdatedAt: created, Day: report.DayOf(created),
			}
			switch p := rng.IntN(100); {
			case p < 78:
				o.State, o.PaidAt = "PAID", created.Add(time.Duration(rng.Int64N(int64(90*time.Second))))
			case p < 82: // left UNKNOWN, resolved up to two days later
				o.State, o.PaidAt = "PAID", created.Add(time.Duration(rng.Int64N(int64(48*time.Hour))))
			case p < 87:
				o.State = "FAILED"
			case p < 91:
				o.State = "CLOSED"
			case p < 94:
				o.State = "REVERSED"
			case p < 98:
				o.State, o.Open = "UNKNOWN", true
			default:
				o.State, o.Open = "WAITING_PASSWORD", true
			}
			if o.State == "PAID" {
				*seq++
				r := &receipt.Receipt{No: fmt.Sprintf("%08d", *seq), Kind: receipt.KindSale, Time: o.PaidAt,
					TotalFen: o.AmountFen, Tender: receipt.Tender(o.Tender), OutTradeNo: o.OutTradeNo}
				if err := tx.PutReceipt(r); err != nil {
					return err
				}
				o.ReceiptNo = r.No
			}
			if err := tx.PutOrder(o); err != nil {
				return err
			}
			if o.State != "PAID" || rng.IntN(100) >= 12 {
				continue
			}
			left := o.AmountFen
			for j := range 1 + rng.IntN(2) {
				if left == 0 {
					break
				}
				created := o.PaidAt.Add(time.Duration(rng.Int64N(int64(30 * time.Hour))))
				rf := &storage.Refund{OutRefundNo: fmt.Sprintf("R%s-%d", o.OutTradeNo[1:], j), OutTradeNo: o.OutTradeNo,
					AmountFen: 1 + rng.Int64N(left), TotalFen: o.AmountFen, CreatedAt: created, UpdatedAt: created}
				switch p := rng.IntN(100); {
				case p < 70:
					rf.State, rf.SuccessAt = "SUCCESS", created.Add(time.Duration(rng.Int64N(int64(72*time.Hour))))
				case p < 85:
					rf.State, rf.Open = "PROCESSING", true
				case p < 95:
					rf.State = "CLOSED"
				default:
					rf.State = "ABNORMAL"
				}
				if rf.State != "CLOSED" {
					left -= rf.AmountFen
				}
				if rf.State == "SUCCESS" {
					*seq++
					r := &receipt.Receipt{No: fmt.Sprintf("%08d", *seq), Kind: receipt.KindRefund, Time: rf.SuccessAt,
						TotalFen: o.AmountFen, Tender: receipt.Tender(o.Tender), OutTradeNo: o.OutTradeNo,
						OutRefundNo: rf.OutRefundNo, RefundFen: rf.AmountFen}
					if err := tx.PutReceipt(r); err != nil {
						return err
					}
					rf.ReceiptNo = r.No
				}
				if err := tx.PutRefund(rf); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// SumReceipts is the oracle: per tender, the sale and refund receipts dated
// on day, read straight from the receipts bucket.
func SumReceipts(tb testing.TB, db *storage.Store, day string) map[receipt.Tender]receipt.TenderSummary {
	tb.Helper()
	out := map[receipt.Tender]receipt.TenderSummary{}
	err := db.View(func(tx *storage.Tx) error {
		return tx.ForEach(storage.BucketReceipts, "", func(k string, _ []byte) error {
			r, err := tx.GetReceipt(k)
			if err != nil {
				return err
			}
			if report.DayOf(r.Time) != day {
				return nil
			}
			s := out[r.Tender]
			s.Tender = r.Tender
			if r.Kind == receipt.KindSale {
				s.SaleCount++
				s.SaleFen += r.TotalFen
			} else {
				s.RefundCount++
				s.RefundFen += r.RefundFen
			}
			out[r.Tender] = s
			return nil
		})
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// OpenBefore counts open orders and refunds created before the end of day.
func OpenBefore(tb testing.TB, db *storage.Store, day string) int {
	tb.Helper()
	start, _ := dayStart(day)
	end := start.AddDate(0, 0, 1)
	n := 0
	db.View(func(tx *storage.Tx) error {
		os, _ := tx.OpenOrders()
		for _, o := range os {
			if o.CreatedAt.Before(end) {
				n++
			}
		}
		rs, _ := tx.OpenRefunds()
		for _, r := range rs {
			if r.CreatedAt.Before(end) {
				n++
			}
		}
		return nil
	})
	return n
}
