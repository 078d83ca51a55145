package ui

import (
	"context"
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/pricing"
	"github.com/wxpos/wxpos/receipt"
)

// linesSale pays a sale of three lines — 2 × ¥5.00 water, 1.5 kg apples
// at ¥12.00/kg with 10 % off, a ¥30.00 towel — with 10 % off the sale
// (approved by the manager): 5620 less 562 = ¥50.58. Its lines' nets
// after their shares of the sale discount are 900, 1458 and 2700.
func linesSale(t testing.TB, w *mgrWorld, code int) *pos.Order {
	t.Helper()
	lines := []receipt.Line{
		{ItemID: "W1", Barcode: "6901234567892", Name: "Water", Qty: 2, UnitFen: 500},
		{ItemID: "A1", Name: "Apples", Unit: receipt.UnitKg, Qty: 1500, UnitFen: 1200,
			Discount: &receipt.Discount{Percent: 10, Reason: "ripe", By: "Li", ApprovedBy: "Wang"}},
		{ItemID: "T1", Name: "Towel", Qty: 1, UnitFen: 3000},
	}
	disc := &receipt.Discount{Percent: 10, Reason: "member", By: "Li", ApprovedBy: "Wang"}
	tot, err := pricing.Compute(lines, disc)
	if err != nil {
		t.Fatal(err)
	}
	o, err := w.core.PayScan(context.Background(), pos.Sale{AmountFen: tot.NetFen, Lines: lines, Discount: disc, Cashier: "Li"},
		postest.Code(postest.Success, code))
	if err != nil || o.State != pos.StatePaid || o.AmountFen != 5058 {
		t.Fatalf("sale %+v %v", o, err)
	}
	return o
}

// TestRefundScreenByLine: the manager gives back one water and half a
// kilo of apples; the amount shown is the lines' share of what was paid
// (450 + 1458×500/1500 = 486), what WeChat refunds and what the refund
// records; the lines left are offered next, a line all given back takes
// no quantity, and quantities beyond what is left or badly written are
// refused under the lines before any PIN.
func TestRefundScreenByLine(t *testing.T) {
	w := newMgrWorld(t)
	o := linesSale(t, w, 1)
	h := newHarness(t, WithLanguage(LangEN))
	h.term.ShowRefund(w.desk, o.OutTradeNo)
	s := screenAs[*refundScreen](h)
	h.waitFor("sale picked", func() bool { return s.sale != nil && s.fresh })
	if s.lines == nil || len(s.lines.qty) != 3 || !s.full.items[2].Visible() {
		t.Fatalf("no lines to give back: %+v", s.lines)
	}
	s.lines.qty[0].SetText("3")
	if s.full.Selected != s.lt(msgRefByLine) || !s.amount.Disabled() {
		t.Fatalf("a typed quantity left the refund %q (amount enabled %v)", s.full.Selected, !s.amount.Disabled())
	}
	s.reason.SetText("wrong size")
	test.Tap(s.submit)
	if !strings.Contains(s.lines.err.Text, "at most 2") || s.c.prompt != nil {
		t.Fatalf("three waters of two: %q (PIN asked %v)", s.lines.err.Text, s.c.prompt != nil)
	}
	s.lines.qty[0].SetText("1.5")
	if !strings.Contains(s.lines.err.Text, "Line 1: bad quantity") {
		t.Fatalf("1.5 pieces: %q", s.lines.err.Text)
	}
	s.lines.qty[0].SetText("1")
	s.lines.qty[1].SetText("0.5")
	if s.amount.Text != "9.36" || s.lines.err.Visible() {
		t.Fatalf("one water and 0.5 kg of apples show %q (error %q), want 9.36", s.amount.Text, s.lines.err.Text)
	}
	test.Tap(s.submit)
	answerPIN(h, s.c, "Wang", "2468")
	h.waitFor("refund success", func() bool { return strings.Contains(s.state.Text, h.term.mt(msgRefStSuccess)) })
	h.waitFor("the sale re-read", func() bool { return s.fresh && s.sale.RefundedFen == 936 })
	if got := w.gw.RefundedFen(o.OutTradeNo); got != 936 {
		t.Fatalf("WeChat refunded %d, want 936", got)
	}
	rs, _ := w.core.RefundsOf(o.OutTradeNo)
	if len(rs) != 1 || len(rs[0].Lines) != 2 || rs[0].Lines[0].Qty != 1 || rs[0].Lines[1].Qty != 500 ||
		rs[0].Lines[0].AmountFen != 450 || rs[0].Lines[1].AmountFen != 486 || rs[0].Lines[1].QtyText() != "0.500kg" {
		t.Fatalf("refunds %+v", rs)
	}
	if s.lines.any() || !rendersText(s.lines.box, "1 left") || !rendersText(s.lines.box, "1.000kg left") {
		t.Fatalf("after the refund the lines do not offer what is left")
	}
	s.lines.qty[0].SetText("1")
	s.reason.SetText("wrong size")
	test.Tap(s.submit)
	answerPIN(h, s.c, "Wang", "2468")
	h.waitFor("the second water", func() bool { return s.fresh && s.sale.RefundedFen == 936+450 })
	if s.lines.qty[0] != nil || !rendersText(s.lines.box, s.lt(msgRefLineAllBack)) {
		t.Fatal("the water, all given back, still takes a quantity")
	}
}

// TestRefundScreenByLineStale: while the screen shows a sale, the same
// water is given back elsewhere (the command line, on the same terminal's
// core); the screen's refund of it is refused by the core, not sent, and
// WeChat refunds the water once.
func TestRefundScreenByLineStale(t *testing.T) {
	w := newMgrWorld(t)
	o := linesSale(t, w, 2)
	h := newHarness(t, WithLanguage(LangEN))
	h.term.ShowRefund(w.desk, o.OutTradeNo)
	s := screenAs[*refundScreen](h)
	h.waitFor("sale picked", func() bool { return s.sale != nil && s.fresh })
	if _, err := w.core.Refund(context.Background(), pos.RefundOrder{OutTradeNo: o.OutTradeNo, Reason: "cli",
		Lines: []receipt.RefundLine{{Line: 0, Qty: 2}}, Approval: pos.Approval{User: "Wang", Credential: "2468"}}); err != nil {
		t.Fatal(err)
	}
	s.lines.qty[0].SetText("2")
	s.reason.SetText("wrong size")
	test.Tap(s.submit)
	answerPIN(h, s.c, "Wang", "2468")
	h.waitFor("refusal", func() bool { return s.explain.Text != "" && !s.anyBusy() })
	if got := w.gw.RefundedFen(o.OutTradeNo); got != 900 {
		t.Fatalf("WeChat refunded %d, want the two waters once (900)", got)
	}
	if _, err := w.core.Refund(context.Background(), pos.RefundOrder{OutTradeNo: o.OutTradeNo, Reason: "cli",
		Lines: []receipt.RefundLine{{Line: 0, Qty: 1}}, Approval: pos.Approval{User: "Wang", Credential: "2468"}}); !errors.Is(err, pos.ErrRefundLimit) {
		t.Fatalf("a third water: %v", err)
	}
}

func TestParseQty(t *testing.T) {
	tests := []struct {
		in      string
		weighed bool
		want    int64
		ok      bool
	}{
		{"2", false, 2, true},
		{"0", false, 0, true},
		{"1.5", false, 0, false},
		{"-1", false, 0, false},
		{"0.5", true, 500, true},
		{"1.536", true, 1536, true},
		{".25", true, 250, true},
		{"2", true, 2000, true},
		{"1.5361", true, 0, false},
		{"1,5", true, 0, false},
		{".", true, 0, false},
		{"-0.5", true, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := parseQty(tc.in, tc.weighed)
			if ok != tc.ok || (ok && got != tc.want) {
				t.Fatalf("parseQty(%q, %v) = %d, %v; want %d, %v", tc.in, tc.weighed, got, ok, tc.want, tc.ok)
			}
		})
	}
}
