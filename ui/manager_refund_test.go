package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
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
			other, err := pos.New(pos.NewBoltStore(storagetest.Open(t)), w.gw, pos.Config{StoreID: "S1", TerminalID: "T2",
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
				w.desk.c.Finder = pos.SaleFinderFunc(func(_ context.Context, no string) (*pos.RemoteSale, error) {
					o, err := other.Order(no)
					if err != nil {
						return nil, err
					}
					return &pos.RemoteSale{StoreID: "S1", TerminalID: "T2", Tender: o.Tender, State: o.State,
						AmountFen: o.AmountFen, TransactionID: o.TransactionID, PaidAt: o.PaidAt}, nil
				})
			}
			h := newHarness(t, WithLanguage(LangEN))
			h.term.ShowRefund(w.desk, sale.OutTradeNo)
			s := screenAs[*refundScreen](h)
			h.waitFor("sale picked", func() bool { return s.sale != nil })
			if !s.sale.Foreign || s.left() != 1800 {
				t.Fatalf("row %+v", s.sale)
			}
			label := s.results.Objects[0].(*widget.Button).Text
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
	case *widget.Button:
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
