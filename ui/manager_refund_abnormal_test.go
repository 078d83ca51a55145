package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
)

var abnormalCodes = 40

// abnormalSale pays a sale of fen and refunds part of it; the customer's
// card was closed meanwhile, so the refund ends ABNORMAL. It returns the
// sale's number.
func abnormalSale(t testing.TB, w *mgrWorld, fen, refund int64) string {
	t.Helper()
	ctx := context.Background()
	abnormalCodes++
	o, err := w.core.PayScan(ctx, pos.Sale{AmountFen: fen, Cashier: "Li"}, postest.Code(postest.Success, abnormalCodes))
	if err != nil || o.State != pos.StatePaid {
		t.Fatalf("sale %v %v", o, err)
	}
	w.gw.RefundFinal = pos.RefundStatusAbnormal
	defer func() { w.gw.RefundFinal = "" }()
	r, err := w.core.Refund(ctx, pos.RefundOrder{OutTradeNo: o.OutTradeNo, AmountFen: refund, Reason: "退货",
		Approval: pos.Approval{User: "Wang", Credential: "2468"}})
	if err != nil || r.State != pos.RefundAbnormal {
		t.Fatalf("refund %+v %v, want ABNORMAL", r, err)
	}
	return o.OutTradeNo
}

// TestRefundScreenSettlesAbnormal: a sale with an ABNORMAL refund shows
// the form to settle it; the card details are checked under their fields,
// a manager's PIN is asked, the core settles it and the screen follows the
// refund to SUCCESS and says where the money went.
func TestRefundScreenSettlesAbnormal(t *testing.T) {
	for _, tc := range []struct {
		name  string
		store bool
		lang  Lang
	}{{"to the customer's card", false, LangEN}, {"back to the store", true, LangZH}} {
		t.Run(tc.name, func(t *testing.T) {
			w := newMgrWorld(t)
			no := abnormalSale(t, w, 4200, 1200)
			h := newHarness(t, WithLanguage(tc.lang))
			h.term.ShowRefund(w.desk, no)
			s := screenAs[*refundScreen](h)
			h.waitFor("abnormal form", func() bool { return s.sale != nil && s.fresh && s.abn != nil })
			f := s.abn
			rs, _ := w.core.RefundsOf(no)
			if len(rs) != 1 || !rendersText(f.box, rs[0].OutRefundNo) {
				t.Fatalf("the form does not name refund %v", rs)
			}
			if tc.store {
				f.to.Selected = s.at(msgAbnToStore)
				f.layout()
				if f.cardItems.Visible() || !f.storeHint.Visible() {
					t.Fatal("store: the card fields show, or the hint does not")
				}
			} else {
				test.Tap(f.submit)
				if !f.bankErr.Visible() || f.bankErr.Text != s.at(msgAbnNeedBank) {
					t.Fatalf("no bank: %q", f.bankErr.Text)
				}
				f.bank.SetSelected(bankLabel(pos.AbnormalBankTypes[4])) // ICBC
				f.account.SetText("6222 0202")
				test.Tap(f.submit)
				if !f.accountErr.Visible() || f.bankErr.Visible() {
					t.Fatalf("short card number: %q", f.accountErr.Text)
				}
				f.account.SetText("6222 0202 0011 2345 678")
				f.name.SetText("张三")
			}
			test.Tap(f.submit)
			answerPIN(h, s.c, "Wang", "2468")
			want := s.at(msgAbnDoneCard, rs[0].OutRefundNo, formatFen(1200))
			if tc.store {
				want = s.at(msgAbnDoneStore, rs[0].OutRefundNo, formatFen(1200))
			}
			h.waitFor("settled", func() bool { return s.explain.Text == want })
			if r, _ := w.core.RefundRecord(rs[0].OutRefundNo); r.State != pos.RefundSuccess {
				t.Fatalf("refund %s", r.State)
			}
			h.waitFor("the sale re-read", func() bool { return s.fresh && s.abn == nil })
			if strings.Contains(f.account.Text, "6222") {
				t.Error("the card number stayed on the screen")
			}
		})
	}
}
