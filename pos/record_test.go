package pos_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/storage"
)

// TestBillTableOnlyRecordsMoney checks reconciliation's corrections: each
// one ends PAID, starts where no money was recorded (no record, or a final
// state without money), and says why.
func TestBillTableOnlyRecordsMoney(t *testing.T) {
	noMoney := map[pos.State]bool{"NEW": true, "FAILED": true, "REVERSED": true, "CLOSED": true}
	if len(pos.BillTable) == 0 || pos.TableOf(pos.FlowBill) == nil {
		t.Fatal("no bill table")
	}
	for _, e := range pos.BillTable {
		if e.To != pos.StatePaid || !noMoney[e.From] || e.Why == "" {
			t.Errorf("bill edge %s → %s (%q): want a no-money state → PAID with a reason", e.From, e.To, e.Why)
		}
	}
	for _, from := range []pos.State{"PAID", "UNKNOWN", "SUBMITTING", "SHOWING_QR", "REVERSING", "CLOSING"} {
		if pos.BillTable.Allows(from, "PAID") {
			t.Errorf("bill table allows %s → PAID", from)
		}
	}
}

// recordedEvents reads the order.recorded events of the audit trail.
func recordedEvents(t *testing.T, db *storage.Store) []storage.Event {
	t.Helper()
	var out []storage.Event
	err := db.View(func(tx *storage.Tx) error {
		return tx.Events(1, func(e storage.Event) (bool, error) {
			if e.Kind == string(pos.EventRecord) {
				out = append(out, e)
			}
			return true, nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRecordBillSale(t *testing.T) {
	paidAt := t0.Add(3 * time.Hour)
	tests := []struct {
		name    string
		prepare func(r *rig) string // returns the out_trade_no; "" to use a new one
		from    pos.State
	}{
		{name: "no local record", from: pos.StateNew},
		{name: "recorded failed", from: pos.StateFailed, prepare: func(r *rig) string {
			o, err := r.term.PayScan(context.Background(), sale(1500), postest.Code(postest.NotEnough, 1))
			if err != nil && o == nil {
				r.t.Fatal(err)
			}
			return o.OutTradeNo
		}},
		{name: "recorded reversed", from: pos.StateReversed, prepare: func(r *rig) string {
			p, err := r.term.BeginScan(context.Background(), sale(1500), postest.Code(postest.UserPayingTimeout, 2))
			if err != nil {
				r.t.Fatal(err)
			}
			return r.wait(p).OutTradeNo
		}},
		{name: "recorded closed", from: pos.StateClosed, prepare: func(r *rig) string {
			p, err := r.term.BeginQR(context.Background(), sale(1500))
			if err != nil {
				r.t.Fatal(err)
			}
			p.Cancel()
			return r.wait(p).OutTradeNo
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, true)
			no := "PS01-T01-LOST0001"
			var before *pos.Order
			if tc.prepare != nil {
				no = tc.prepare(r)
				var err error
				if before, err = r.term.Order(no); err != nil || before.State != tc.from {
					t.Fatalf("prepared order %+v, %v: want %s", before, err, tc.from)
				}
			}
			ev := collect(t, r.term)
			attach := "" // the bill's 商户数据包 is the tag the payment was made with
			if before != nil {
				attach = before.Attach
				// The same number and amount under another sale's tag is another
				// payment (a restored or second database): never this sale's.
				_, err := r.term.RecordBillSale(pos.BillSale{OutTradeNo: no, Tender: receipt.TenderWeChatQR, AmountFen: 1500,
					TransactionID: "4200000009", Attach: "wxpos:ANOTHERSALEANOTHERSALEAB", PaidAt: paidAt, Note: "x"}, "boss")
				if !errors.Is(err, pos.ErrTradeConflict) {
					t.Fatalf("a payment with another sale's tag: %v, want ErrTradeConflict", err)
				}
			}
			o, err := r.term.RecordBillSale(pos.BillSale{OutTradeNo: no, Tender: receipt.TenderWeChatQR, AmountFen: 1500,
				TransactionID: "4200000001", Attach: attach, PaidAt: paidAt, Note: "lost in a crash", Ref: "wechat_only/order/" + no}, "boss")
			if err != nil {
				t.Fatal(err)
			}
			stored, err := r.term.Order(no)
			if err != nil {
				t.Fatal(err)
			}
			if stored.State != pos.StatePaid || stored.AmountFen != 1500 || stored.TransactionID != "4200000001" ||
				!stored.PaidAt.Equal(paidAt) || stored.ReceiptNo == "" || o.ReceiptNo != stored.ReceiptNo {
				t.Fatalf("recorded order %+v", stored)
			}
			if before != nil && (!stored.CreatedAt.Equal(before.CreatedAt) || stored.Cashier != before.Cashier || stored.Tender != before.Tender) {
				t.Fatalf("the sale's own facts changed: before %+v after %+v", before, stored)
			}
			rc, err := r.term.Receipt(stored.ReceiptNo)
			if err != nil || rc.Kind != receipt.KindSale || rc.TotalFen != 1500 || rc.OutTradeNo != no || rc.TransactionID != "4200000001" {
				t.Fatalf("receipt %+v, %v", rc, err)
			}
			evs := recordedEvents(t, r.db)
			if len(evs) != 1 || evs[0].Ref != no || evs[0].Actor != "boss" || evs[0].From != string(tc.from) || evs[0].To != "PAID" {
				t.Fatalf("audit events %+v", evs)
			}
			var data struct {
				AmountFen     int64  `json:"amount_fen"`
				TransactionID string `json:"transaction_id"`
			}
			if err := json.Unmarshal(evs[0].Data, &data); err != nil || data.AmountFen != 1500 || data.TransactionID != "4200000001" {
				t.Fatalf("event data %s: %v", evs[0].Data, err)
			}
			if p := ev.path(no, 1); len(p) == 0 || p[len(p)-1] != "PAID" {
				t.Fatalf("published path %v", p)
			}
			if day, err := r.term.OrdersOnDay(pos.DayOf(stored.CreatedAt)); err != nil || !hasOrder(day, no) {
				t.Fatalf("not in its day's sales: %v", err)
			}
		})
	}
}

func hasOrder(os []*pos.Order, no string) bool {
	for _, o := range os {
		if o.OutTradeNo == no {
			return true
		}
	}
	return false
}

func TestRecordBillSaleRefused(t *testing.T) {
	r := newRig(t, true)
	paid, err := r.term.PayScan(context.Background(), sale(800), postest.Code(postest.Success, 1))
	if err != nil {
		t.Fatal(err)
	}
	failed, _ := r.term.PayScan(context.Background(), sale(700), postest.Code(postest.NotEnough, 3))
	if failed == nil || failed.State != pos.StateFailed {
		t.Fatalf("declined payment %+v, want FAILED", failed)
	}
	r.gw.SetDown(true)
	unknown, _ := r.term.PayScan(context.Background(), sale(900), postest.Code(postest.Success, 2))
	if unknown == nil || unknown.State != pos.StateUnknown {
		t.Fatalf("offline payment %+v, want UNKNOWN", unknown)
	}
	ok := pos.BillSale{OutTradeNo: "PS01-T01-LOST0002", Tender: receipt.TenderWeChatScan, AmountFen: 100, Note: "x"}
	with := func(f func(*pos.BillSale)) pos.BillSale { s := ok; f(&s); return s }
	tests := []struct {
		name  string
		s     pos.BillSale
		actor string
		want  error
	}{
		{"already paid", with(func(s *pos.BillSale) { s.OutTradeNo = paid.OutTradeNo }), "boss", pos.ErrInvalidTransition},
		{"still in doubt", with(func(s *pos.BillSale) { s.OutTradeNo = unknown.OutTradeNo }), "boss", pos.ErrInvalidTransition},
		{"another payment under a failed sale's number", with(func(s *pos.BillSale) { s.OutTradeNo = failed.OutTradeNo; s.AmountFen = 5 }),
			"boss", pos.ErrTradeConflict},
		{"cash", with(func(s *pos.BillSale) { s.Tender = receipt.TenderCash }), "boss", pos.ErrBadRequest},
		{"no amount", with(func(s *pos.BillSale) { s.AmountFen = 0 }), "boss", pos.ErrBadAmount},
		{"coupon above the amount", with(func(s *pos.BillSale) { s.CouponFen = 101 }), "boss", pos.ErrBadAmount},
		{"merchant-funded above the coupon", with(func(s *pos.BillSale) { s.CouponFen, s.MerchantCouponFen = 10, 11 }), "boss", pos.ErrBadAmount},
		{"negative coupon", with(func(s *pos.BillSale) { s.CouponFen = -1 }), "boss", pos.ErrBadAmount},
		{"no number", with(func(s *pos.BillSale) { s.OutTradeNo = "" }), "boss", pos.ErrBadRequest},
		{"nobody", ok, " ", pos.ErrBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := r.term.RecordBillSale(tc.s, tc.actor); !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
		})
	}
	if evs := recordedEvents(t, r.db); len(evs) != 0 {
		t.Fatalf("refusals audited as recorded: %+v", evs)
	}
	for _, o := range []*pos.Order{paid, unknown, failed} {
		if got, err := r.term.Order(o.OutTradeNo); err != nil || got.State != o.State || got.AmountFen != o.AmountFen {
			t.Fatalf("refused record changed %s: %+v, %v", o.OutTradeNo, got, err)
		}
	}
}
