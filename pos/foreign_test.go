package pos_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/posstore"
	"github.com/wxpos/wxpos/report"
	"github.com/wxpos/wxpos/reportstore"
	"github.com/wxpos/wxpos/storage"
)

// counterB is a second terminal of the same store on its own database,
// sharing a's WeChat merchant and clock.
func counterB(a *rig) *rig {
	a.t.Helper()
	b := &rig{t: a.t, clk: a.clk, gw: a.gw, cfg: a.cfg}
	b.cfg.TerminalID = "T02"
	b.db = openDB(a.t)
	b.store = posstore.New(b.db)
	b.term = b.newTerminal(b.store, b.gw)
	return b
}

// remoteOf is what a replica of a's database would say about sale no.
func remoteOf(t *testing.T, a *rig, no string) *pos.RemoteSale {
	t.Helper()
	o, err := a.term.Order(no)
	if err != nil {
		t.Fatal(err)
	}
	rs := &pos.RemoteSale{StoreID: a.cfg.StoreID, TerminalID: a.cfg.TerminalID, Tender: o.Tender, State: o.State,
		AmountFen: o.AmountFen, TransactionID: o.TransactionID, PaidAt: o.PaidAt}
	refunds, err := a.term.RefundsOf(no)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range refunds {
		rs.Refunds = append(rs.Refunds, pos.RemoteRefund{OutRefundNo: r.OutRefundNo, State: r.State, AmountFen: r.AmountFen})
	}
	return rs
}

// finderOf is a fake replica holding a's database as it stands when asked.
func finderOf(t *testing.T, a *rig) pos.SaleFinder {
	return pos.SaleFinderFunc(func(_ context.Context, no string) (*pos.RemoteSale, error) {
		if _, err := a.term.Order(no); errors.Is(err, pos.ErrNotFound) {
			return nil, fmt.Errorf("replica: %w", pos.ErrNotFound)
		}
		return remoteOf(t, a, no), nil
	})
}

var errReplicaDown = errors.New("replica: connection refused")

func TestRefundAnyForeign(t *testing.T) {
	ctx := context.Background()
	down := pos.SaleFinderFunc(func(context.Context, string) (*pos.RemoteSale, error) { return nil, errReplicaDown })
	tests := []struct {
		name   string
		finder func(a *rig) pos.SaleFinder
		origin string // want OriginTerminalID
	}{
		{"without a finder: WeChat alone", func(*rig) pos.SaleFinder { return nil }, ""},
		{"with the replica", func(a *rig) pos.SaleFinder { return finderOf(t, a) }, "T01"},
		{"replica down: WeChat alone", func(*rig) pos.SaleFinder { return down }, ""},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := newRig(t, true)
			b := counterB(a)
			o := paidScan(t, a, 1200, 100+i)
			f := tc.finder(a)

			if _, err := b.term.Order(o.OutTradeNo); !errors.Is(err, pos.ErrNotFound) {
				t.Fatalf("counter B has the sale before the refund: %v", err)
			}
			l, err := b.term.LookupSale(ctx, o.OutTradeNo, f)
			if err != nil {
				t.Fatal(err)
			}
			if l.Stored || !l.Order.Foreign || l.Order.AmountFen != 1200 || l.LeftFen() != 1200 {
				t.Fatalf("lookup %+v order %+v", l, l.Order)
			}
			if _, err := b.term.Order(o.OutTradeNo); !errors.Is(err, pos.ErrNotFound) {
				t.Fatalf("a lookup recorded the sale: %v", err)
			}

			rf, err := b.term.RefundAny(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, AmountFen: 500, Reason: "退货", Approval: manager}, f)
			if err != nil {
				t.Fatal(err)
			}
			if rf.State == pos.RefundProcessing {
				b.recover()
				rf, _ = b.term.RefundRecord(rf.OutRefundNo)
			}
			if rf.State != pos.RefundSuccess || rf.TotalFen != 1200 || rf.TransactionID != o.TransactionID {
				t.Fatalf("refund %+v", rf)
			}
			if got := a.gw.RefundedFen(o.OutTradeNo); got != 500 {
				t.Errorf("WeChat refunded %d, want 500", got)
			}
			fo, err := b.term.Order(o.OutTradeNo)
			if err != nil {
				t.Fatal(err)
			}
			if !fo.Foreign || fo.IsSale() || fo.OriginTerminalID != tc.origin || fo.ReceiptNo != "" || fo.State != pos.StatePaid {
				t.Errorf("foreign record %+v", fo)
			}
			if day, _ := b.term.OrdersOnDay(pos.DayOf(t0)); len(day) != 0 {
				t.Errorf("foreign sale in the day index: %d orders", len(day))
			}
			// The adoption is audited: one event naming the manager.
			var adopt []storage.Event
			b.db.View(func(tx *storage.Tx) error {
				return tx.Events(1, func(e storage.Event) (bool, error) {
					if e.Kind == string(pos.EventAdopt) {
						adopt = append(adopt, e)
					}
					return true, nil
				})
			})
			if len(adopt) != 1 || adopt[0].Actor != "manager" || adopt[0].Ref != o.OutTradeNo {
				t.Errorf("adoption events %+v", adopt)
			}
			// A second refund at B uses the stored record: no second adoption.
			if _, err := b.term.RefundAny(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, AmountFen: 700, Approval: manager}, f); err != nil {
				t.Fatal(err)
			}
			if _, err := b.term.RefundAny(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, AmountFen: 1, Approval: manager}, f); !errors.Is(err, pos.ErrRefundLimit) {
				t.Fatalf("over-refund at B: %v", err)
			}
		})
	}
}

func TestRefundAnyLimitsAcrossCounters(t *testing.T) {
	ctx := context.Background()
	a := newRig(t, true)
	b := counterB(a)
	o := paidScan(t, a, 1000, 200)
	// Counter A refunds 600 itself.
	if _, err := a.term.Refund(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, AmountFen: 600, Approval: manager}); err != nil {
		t.Fatal(err)
	}
	f := finderOf(t, a)
	l, err := b.term.LookupSale(ctx, o.OutTradeNo, f)
	if err != nil {
		t.Fatal(err)
	}
	if l.RefundedFen != 600 || l.LeftFen() != 400 || l.Refunds != 1 {
		t.Fatalf("lookup at B: refunded %d left %d count %d", l.RefundedFen, l.LeftFen(), l.Refunds)
	}
	tests := []struct {
		name string
		fen  int64
		want error
	}{
		{"more than what A left", 401, pos.ErrRefundLimit},
		{"what A left", 400, nil},
		{"nothing more", 1, pos.ErrRefundLimit},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := b.term.RefundAny(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, AmountFen: tc.fen, Approval: manager}, f)
			if !errors.Is(err, tc.want) && !(tc.want == nil && err == nil) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
		})
	}
	if got := a.gw.RefundedFen(o.OutTradeNo); got != 1000 {
		t.Errorf("WeChat refunded %d, want 1000", got)
	}
	// B's own refund, once replicated back, is not counted twice.
	l, err = b.term.LookupSale(ctx, o.OutTradeNo, pos.SaleFinderFunc(func(ctx context.Context, no string) (*pos.RemoteSale, error) {
		rs := remoteOf(t, a, no)
		mine, _ := b.term.RefundsOf(no)
		for _, r := range mine {
			rs.Refunds = append(rs.Refunds, pos.RemoteRefund{OutRefundNo: r.OutRefundNo, State: r.State, AmountFen: r.AmountFen})
		}
		return rs, nil
	}))
	if err != nil || l.RefundedFen != 1000 || l.Refunds != 2 {
		t.Fatalf("lookup after: %+v %v", l, err)
	}
}

func TestRefundAnyWithoutReplicaWeChatGuards(t *testing.T) {
	// Without the replica B cannot know what A refunded: its local check
	// lets the refund through and WeChat refuses it (CLOSED, no money).
	ctx := context.Background()
	a := newRig(t, true)
	b := counterB(a)
	o := paidScan(t, a, 1000, 300)
	if _, err := a.term.Refund(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, AmountFen: 800, Approval: manager}); err != nil {
		t.Fatal(err)
	}
	rf, err := b.term.RefundAny(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, AmountFen: 500, Approval: manager}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rf.State != pos.RefundClosed {
		t.Fatalf("refund beyond what is left: %s", rf.State)
	}
	if got := a.gw.RefundedFen(o.OutTradeNo); got != 800 {
		t.Errorf("WeChat refunded %d, want 800", got)
	}
}

func TestRefundAnyRefused(t *testing.T) {
	ctx := context.Background()
	a := newRig(t, true)
	b := counterB(a)
	paid := paidScan(t, a, 900, 400)
	// The unpaid QR must exist at WeChat before counter B asks about it:
	// BeginQR returns before the prepay call, so wait for SHOWING_QR.
	showing, stopWatching := context.WithTimeout(ctx, 30*time.Second)
	defer stopWatching()
	events := a.term.Subscribe(showing)
	unpaid, err := a.term.BeginQR(ctx, sale(300))
	if err != nil {
		t.Fatal(err)
	}
	unpaidNo := unpaid.OutTradeNo()
	for shown := false; !shown; {
		ev, ok := <-events
		if !ok {
			t.Fatalf("QR %s never reached SHOWING_QR", unpaidNo)
		}
		shown = ev.Ref == unpaidNo && ev.To == string(pos.StateShowingQR)
	}
	cash, err := a.term.PayCash(ctx, sale(300), 500)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		no     string
		finder pos.SaleFinder
		ap     pos.Approval
		want   error
	}{
		{"unknown everywhere", "PS01-T01-77777777", nil, manager, pos.ErrNotFound},
		{"not paid at WeChat", unpaidNo, nil, manager, pos.ErrNotPaid},
		{"cash at another counter", cash.OutTradeNo, finderOf(t, a), manager, pos.ErrBadRequest},
		{"no manager", paid.OutTradeNo, nil, pos.Approval{User: "alice"}, pos.ErrNotAuthorised},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := b.term.RefundAny(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: tc.no, AmountFen: 100, Approval: tc.ap}, tc.finder)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
			if _, err := b.term.Order(tc.no); !errors.Is(err, pos.ErrNotFound) {
				t.Errorf("refused refund recorded the sale: %v", err)
			}
		})
	}
	t.Run("WeChat unreachable", func(t *testing.T) {
		a.gw.SetDown(true)
		defer a.gw.SetDown(false)
		_, err := b.term.RefundAny(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: paid.OutTradeNo, AmountFen: 100, Approval: manager}, finderOf(t, a))
		if err == nil || errors.Is(err, pos.ErrNotFound) {
			t.Fatalf("err %v, want a network error", err)
		}
		if _, err := b.term.Order(paid.OutTradeNo); !errors.Is(err, pos.ErrNotFound) {
			t.Errorf("unconfirmed sale recorded: %v", err)
		}
	})
	if n := a.gw.Calls(postest.OpRefund); n != 0 {
		t.Errorf("%d refunds sent", n)
	}
}

// TestRefundAnyRefusesAnotherPayment: when the sale the counters know
// under a number is not the order WeChat has under it (another amount or
// transaction id: the number was reused by a restored or second database),
// the refund is refused as a conflict, nothing is recorded and no refund
// is sent: it would return another customer's money.
func TestRefundAnyRefusesAnotherPayment(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		alter func(*pos.RemoteSale)
	}{
		{"other amount", func(rs *pos.RemoteSale) { rs.AmountFen = 5000 }},
		{"other transaction", func(rs *pos.RemoteSale) { rs.TransactionID = "4200000000000000000000000001" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newRig(t, true)
			b := counterB(a)
			o := paidScan(t, a, 1000, 500)
			other := pos.SaleFinderFunc(func(_ context.Context, no string) (*pos.RemoteSale, error) {
				rs := remoteOf(t, a, no)
				tc.alter(rs)
				return rs, nil
			})
			if _, err := b.term.RefundAny(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, AmountFen: 100, Approval: manager}, other); !errors.Is(err, pos.ErrTradeConflict) {
				t.Fatalf("refund of another payment's number: %v, want ErrTradeConflict", err)
			}
			if _, err := b.term.Order(o.OutTradeNo); !errors.Is(err, pos.ErrNotFound) {
				t.Errorf("conflicting sale recorded: %v", err)
			}
			if n := a.gw.Calls(postest.OpRefund); n != 0 {
				t.Errorf("%d refunds sent", n)
			}
			// The replica's own view agrees with WeChat: the refund goes through.
			if _, err := b.term.RefundAny(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, AmountFen: 100, Approval: manager}, finderOf(t, a)); err != nil {
				t.Fatalf("refund with a matching replica: %v", err)
			}
		})
	}
}

// TestForeignSaleNotInReports: a sale adopted from another counter is not
// one of this terminal's sales; the refund made here is this terminal's.
func TestForeignSaleNotInReports(t *testing.T) {
	ctx := context.Background()
	a := newRig(t, true)
	b := counterB(a)
	o := paidScan(t, a, 1500, 600)
	own := paidScan(t, b, 200, 601)
	rf, err := b.term.RefundAny(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: o.OutTradeNo, AmountFen: 1500, Approval: manager}, finderOf(t, a))
	if err != nil {
		t.Fatal(err)
	}
	if rf.State != pos.RefundSuccess {
		b.recover()
		if rf, _ = b.term.RefundRecord(rf.OutRefundNo); rf.State != pos.RefundSuccess {
			t.Fatalf("refund %s", rf.State)
		}
	}
	day := pos.DayOf(t0)
	tests := []struct {
		name               string
		r                  *rig
		sales, refunds     int64
		saleFen, refundFen int64
	}{
		{"counter A counts the sale", a, 1, 0, 1500, 0},
		{"counter B counts its own sale and the refund it made", b, 1, 1, own.AmountFen, 1500},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			book := reportstore.New(tc.r.db, report.Info{StoreID: "S01", TerminalID: tc.r.cfg.TerminalID}, &reportstore.Options{Now: tc.r.clk.Now})
			rep, err := book.X(day, "manager")
			if err != nil {
				t.Fatal(err)
			}
			sales, refunds, _ := rep.Totals()
			if sales.SaleCount != tc.sales || sales.SaleFen != tc.saleFen || refunds.RefundCount != tc.refunds || refunds.RefundFen != tc.refundFen {
				t.Errorf("sales %d/%d fen, refunds %d/%d fen; want %d/%d, %d/%d", sales.SaleCount, sales.SaleFen,
					refunds.RefundCount, refunds.RefundFen, tc.sales, tc.saleFen, tc.refunds, tc.refundFen)
			}
		})
	}
}
