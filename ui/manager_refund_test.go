package ui

import (
	"context"
	"errors"
	"github.com/wxpos/wxpos/counter"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/posstore"
	"github.com/wxpos/wxpos/storage/storagetest"
)

// TestRefundScreenOtherCounter: the manager at this counter (T1) types the
// number of a sale taken at counter T2 (its own database, the same
// merchant); the screen finds it, says it is from another counter, and
// refunds it.
func TestRefundScreenOtherCounter(t *testing.T) {
	tests := []struct {
		name   string
		finder bool
		where  string // in English
	}{
		{"WeChat alone", false, "another counter"},
		{"with the replica", true, "another counter S1/T2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newMgrWorld(t)
			ctx := context.Background()
			other, err := pos.New(posstore.New(storagetest.Open(t)), w.gw, pos.Config{StoreID: "S1", TerminalID: "T2",
				Clock: postest.NewAutoClock(time.Now())})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { other.Close() })
			sale, err := other.PayScan(ctx, pos.Sale{AmountFen: 1800}, postest.Code(postest.Success, 7))
			if err != nil || sale.State != pos.StatePaid {
				t.Fatalf("sale at T2: %v %v", sale, err)
			}
			if tc.finder {
				w.cfg.Finder = pos.SaleFinderFunc(func(_ context.Context, no string) (*pos.RemoteSale, error) {
					o, err := other.Order(no)
					if err != nil {
						return nil, err
					}
					return &pos.RemoteSale{StoreID: "S1", TerminalID: "T2", Tender: o.Tender, State: o.State,
						AmountFen: o.AmountFen, TransactionID: o.TransactionID, PaidAt: o.PaidAt}, nil
				})
				w.desk = counter.NewManager(w.cfg)
			}
			h := newHarness(t, WithLanguage(LangEN))
			h.term.ShowRefund(w.desk, sale.OutTradeNo)
			s := screenAs[*refundScreen](h)
			h.waitFor("sale picked", func() bool { return s.sale != nil && s.fresh })
			if !s.sale.Foreign || s.left() != 1800 {
				t.Fatalf("row %+v", s.sale)
			}
			label := s.results.Objects[0].(*keyButton).Text
			if !strings.HasSuffix(label, tc.where) {
				t.Errorf("result %q does not end with %q", label, tc.where)
			}
			if !rendersText(s.detail, tc.where) {
				t.Errorf("detail does not show %q", tc.where)
			}
			if _, err := w.core.Order(sale.OutTradeNo); !errors.Is(err, pos.ErrNotFound) {
				t.Fatalf("finding the sale recorded it: %v", err)
			}
			s.reason.SetText("wrong size")
			test.Tap(s.submit)
			answerPIN(h, s.c, "Wang", "2468")
			h.waitFor("refund success", func() bool { return strings.Contains(s.state.Text, h.term.mt(msgRefStSuccess)) })
			h.waitFor("the sale re-read", func() bool { return s.fresh })
			if got := w.gw.RefundedFen(sale.OutTradeNo); got != 1800 {
				t.Errorf("WeChat refunded %d", got)
			}
			o, err := w.core.Order(sale.OutTradeNo)
			if err != nil || !o.Foreign {
				t.Fatalf("recorded %+v %v", o, err)
			}
			if s.left() != 0 || !s.submit.Disabled() {
				t.Errorf("after the refund: left %d, submit enabled %v", s.left(), !s.submit.Disabled())
			}
		})
	}
}

func TestRefundScreenNotFoundAnywhere(t *testing.T) {
	w := newMgrWorld(t)
	h := newHarness(t, WithLanguage(LangEN))
	h.term.ShowRefund(w.desk, "PS1-T9-00000001")
	s := screenAs[*refundScreen](h)
	h.waitFor("no sale", func() bool { return rendersText(s.results, h.term.mt(msgRefNone)) })
	if s.sale != nil {
		t.Fatalf("picked %+v", s.sale)
	}
}

// rendersText reports whether a label or button under o shows text.
func rendersText(o fyne.CanvasObject, text string) bool {
	switch v := o.(type) {
	case *widget.Label:
		return strings.Contains(v.Text, text)
	case *keyButton:
		return strings.Contains(v.Text, text)
	case *widget.Card:
		return v.Content != nil && rendersText(v.Content, text)
	case *fyne.Container:
		for _, c := range v.Objects {
			if rendersText(c, text) {
				return true
			}
		}
	}
	return false
}

// TestRefundScreenStatePerOrder is issue 17 part 4: what the detail shows
// belongs to the sale picked — never the amount, reason or "refund
// succeeded" of the previous one; a sale with a refund in progress says so
// instead of a button that does nothing; a fully refunded sale picked from
// a list made before its refund offers nothing rather than its full amount.
func TestRefundScreenStatePerOrder(t *testing.T) {
	w := newMgrWorld(t)
	ctx := context.Background()
	var nos []string
	for i, fen := range []int64{2500, 1000} {
		o, err := w.core.PayScan(ctx, pos.Sale{AmountFen: fen, Cashier: "Li"}, postest.Code(postest.Success, 10+i))
		if err != nil || o.State != pos.StatePaid {
			t.Fatalf("sale %v %v", o, err)
		}
		nos = append(nos, o.OutTradeNo)
	}
	a, b := nos[0], nos[1]
	h := newHarness(t, WithLanguage(LangEN))
	h.term.ShowRefund(w.desk, "")
	s := screenAs[*refundScreen](h)
	h.waitFor("both sales listed", func() bool { return len(s.results.Objects) == 2 })
	pickRow := func(no string) {
		t.Helper()
		for _, o := range s.results.Objects {
			if btn, ok := o.(*keyButton); ok && strings.HasPrefix(btn.Text, no) {
				test.Tap(btn)
				h.waitFor("sale "+no+" re-read", func() bool { return s.sale != nil && s.sale.OutTradeNo == no && s.fresh })
				return
			}
		}
		t.Fatalf("no row for %s", no)
	}

	// A form half filled for A is not B's.
	pickRow(a)
	s.full.SetSelected(h.term.mt(msgRefPartial))
	s.amount.SetText("3.00")
	s.reason.SetText("changed mind")
	pickRow(b)
	if s.amount.Text != "10.00" || s.reason.Text != "" || s.full.Selected != h.term.mt(msgRefFull) {
		t.Errorf("B's form after A's: amount %q reason %q %q", s.amount.Text, s.reason.Text, s.full.Selected)
	}

	// Refund A in full.
	pickRow(a)
	if s.amount.Text != "25.00" {
		t.Fatalf("A offers %q, want 25.00", s.amount.Text)
	}
	s.reason.SetText("wrong size")
	test.Tap(s.submit)
	answerPIN(h, s.c, "Wang", "2468")
	success := h.term.mt(msgRefState, h.term.mt(msgRefStSuccess))
	h.waitFor("A refunded", func() bool { return s.state.Text == success && s.fresh })

	// B shows B: its own amount, no reason, no outcome, refundable.
	pickRow(b)
	if s.amount.Text != "10.00" || s.reason.Text != "" || s.state.Text != "" || s.explain.Text != "" || s.submit.Disabled() {
		t.Errorf("B shows amount %q reason %q state %q explain %q, submit enabled %v; want 10.00 and a clean form",
			s.amount.Text, s.reason.Text, s.state.Text, s.explain.Text, !s.submit.Disabled())
	}

	// A again, from the list made before its refund: nothing left, no offer.
	pickRow(a)
	if s.left() != 0 || s.amount.Text != "" || !s.submit.Disabled() || s.state.Text != success {
		t.Errorf("refunded A: left %d amount %q submit enabled %v state %q", s.left(), s.amount.Text, !s.submit.Disabled(), s.state.Text)
	}

	// B's refund is accepted but its answer lost: it stays in progress.
	w.gw.Inject(postest.OpRefund, postest.DropAfter)
	pickRow(b)
	s.reason.SetText("broken")
	test.Tap(s.submit)
	answerPIN(h, s.c, "Wang", "2468")
	h.waitFor("B in progress", func() bool {
		p := s.progress[b]
		return p != nil && p.busy && p.state == pos.RefundSubmitted && w.gw.Calls(postest.OpRefund) == 2
	})
	if !s.submit.Disabled() || !strings.Contains(s.state.Text, h.term.mt(msgRefStSubmitted)) {
		t.Errorf("B in progress: submit enabled %v, state %q", !s.submit.Disabled(), s.state.Text)
	}
	s.ask() // what a key or a stale tap would do
	if s.explain.Text != s.rt(msgRefBusy) {
		t.Errorf("asking again while in progress: explain %q", s.explain.Text)
	}
	pickRow(a)
	if s.state.Text != success {
		t.Errorf("A shows state %q while B is in progress, want its own %q", s.state.Text, success)
	}
}

// A wedge scan while the refund amount has focus is taken as a scanned
// code (it searches), never typed into the amount; a person's keys still
// reach the field.
func TestRefundAmountFieldIgnoresWedgeScan(t *testing.T) {
	w := newMgrWorld(t)
	sale, err := w.core.PayScan(context.Background(), pos.Sale{AmountFen: 2500, Cashier: "Li"}, postest.Code(postest.Success, 30))
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, WithLanguage(LangEN))
	h.term.ShowRefund(w.desk, sale.OutTradeNo)
	s := screenAs[*refundScreen](h)
	h.waitFor("sale picked", func() bool { return s.sale != nil && s.fresh })
	h.w.Canvas().Focus(s.amount)
	s.amount.SetText("")
	h.typeText("12")
	if s.amount.Text != "12" {
		t.Fatalf("typed by hand: amount %q, want 12", s.amount.Text)
	}
	h.wedgeScan(goodCode)
	if s.amount.Text != "12" {
		t.Errorf("after a wedge scan the amount is %q, want 12", s.amount.Text)
	}
	if s.search.Text == goodCode || s.message.Text != h.term.mt(msgRefScannedPayCode) {
		t.Errorf("search %q, message %q: want the payment code refused, not searched", s.search.Text, s.message.Text)
	}
}

// TestRefundErrorsAtTheField: what is wrong with the amount is said under
// the amount, a missing reason under the reason, one at a time, in the
// error colour and the catalogue's words; nothing of it at the bottom of
// the screen or in the outcome line; picking another sale starts clean.
func TestRefundErrorsAtTheField(t *testing.T) {
	w := newMgrWorld(t)
	ctx := context.Background()
	var nos []string
	for i, fen := range []int64{2500, 900} {
		sale, err := w.core.PayScan(ctx, pos.Sale{AmountFen: fen, Cashier: "Li"}, postest.Code(postest.Success, 40+i))
		if err != nil || sale.State != pos.StatePaid {
			t.Fatalf("sale %v %v", sale, err)
		}
		nos = append(nos, sale.OutTradeNo)
	}
	h := newHarness(t, WithLanguage(LangEN))
	h.term.ShowRefund(w.desk, nos[0])
	s := screenAs[*refundScreen](h)
	h.waitFor("sale picked", func() bool { return s.sale != nil && s.fresh })

	only := func(what string, l *widget.Label, want string) {
		t.Helper()
		for _, x := range []*widget.Label{s.amountErr, s.reasonErr, s.searchErr} {
			if x == l {
				if !x.Visible() || x.Text != want || x.Importance != widget.DangerImportance {
					t.Errorf("%s: under the field %q (shown %v), want %q in the error colour", what, x.Text, x.Visible(), want)
				}
			} else if x.Visible() {
				t.Errorf("%s: another field says %q", what, x.Text)
			}
		}
		if s.message.Text != "" || s.explain.Text != "" {
			t.Errorf("%s: also said at the bottom %q / in the outcome line %q", what, s.message.Text, s.explain.Text)
		}
		if got, need := s.form.Size().Height, s.form.MinSize().Height; got < need {
			t.Errorf("%s: the form was not laid out again: %.0f px high, needs %.0f (the reason field is pushed out)", what, got, need)
		}
		if s.c.prompt != nil {
			t.Fatalf("%s: the PIN was asked for", what)
		}
	}
	s.amount.SetText("30.00")
	s.reason.SetText("wrong size")
	test.Tap(s.submit)
	only("more than is left", s.amountErr, h.term.mt(msgRefTooMuch, "¥25.00"))
	s.amount.SetText("12.3.4")
	test.Tap(s.submit)
	only("not an amount", s.amountErr, h.term.mt(msgRefBadAmount))
	s.amount.SetText("10.00")
	s.reason.SetText("")
	test.Tap(s.submit)
	only("no reason", s.reasonErr, h.term.mt(msgRefNeedReason))

	s.search.SetText(nos[1])
	s.find()
	h.waitFor("the other sale", func() bool { return s.sale != nil && s.sale.OutTradeNo == nos[1] && s.fresh })
	only("another sale", nil, "")
}
