package pos_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// A terminal that polls slowly (its QR's next poll an hour away) is told
// by the notification's hint that its QR was paid, while WeChat's query
// API fails (500, three times): it does not fall back to its hour but
// follows the announced order, querying again with a short backoff
// (RetryMin, doubling), and shows the sale PAID as soon as a query
// confirms it — seconds of the terminal's clock, not the poll's hour nor
// the QR's 10-minute deadline.
func TestHintFollowsAnnouncedQRWhileQueriesFail(t *testing.T) {
	for _, gen := range gens {
		t.Run(gen, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			s := newSandboxRig(t, gen, false, nil)
			s.cfg.QRPollMin, s.cfg.QRPollMax = time.Hour, time.Hour
			s.term = s.newTerminal(s.store, s.env.Gateway)
			p, err := s.term.BeginQR(ctx, sale(2500))
			if err != nil {
				t.Fatal(err)
			}
			if !s.clk.WaitForWaiter(ctx.Done()) { // the first poll found it unpaid; the next is an hour away
				t.Fatal("the QR never waited for its next poll")
			}
			if err := s.env.Sandbox.PayNative(p.Order().CodeURL); err != nil {
				t.Fatal(err)
			}
			s.env.Sandbox.AddFault(sandbox.Fault{Path: pathsOf(gen, p.OutTradeNo()).query, Status: 500, Count: 3})
			start := s.clk.Now()
			stale := s.clk.Waiters() // the hour's poll, which the hint cuts short (its timer stays listed)
			if err := s.term.Hint(p.OutTradeNo()); err != nil {
				t.Fatal(err)
			}
			// Each time the terminal waits again (a new timer beside the
			// stale one), move its clock to that wait's end.
			for settled := false; !settled; {
				select {
				case <-p.Done():
					settled = true
				case <-ctx.Done():
					t.Fatalf("not settled: %+v", p.Order())
				case <-time.After(time.Millisecond):
					if s.clk.Waiters() > stale {
						s.clk.AdvanceNext()
					}
				}
			}
			took := s.clk.Now().Sub(start)
			if o := p.Order(); o.State != pos.StatePaid || o.TransactionID == "" {
				t.Fatalf("state %s %q, want PAID with WeChat's transaction id", o.State, o.TransactionID)
			}
			if took < 2*time.Second || took > time.Minute {
				t.Errorf("settled %v of the terminal's clock after the hint, want the few seconds of three retries", took)
			}
		})
	}
}

// Notified: a payment notice for an open sale, for its amount, is
// published (EventNotified, no order snapshot) before the query that
// settles the sale; while WeChat's query API fails the sale stays as it
// was — only a query moves it — and then goes PAID. A notice naming
// another amount, or not paid, or a number this terminal does not have,
// is published as nothing.
func TestNotifiedPublishesBeforeTheQuerySettles(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s := newSandboxRig(t, "v3", false, nil)
	s.cfg.QRPollMin, s.cfg.QRPollMax = time.Hour, time.Hour
	s.term = s.newTerminal(s.store, s.env.Gateway)
	events := s.term.Subscribe(ctx)
	p, err := s.term.BeginQR(ctx, sale(2500))
	if err != nil {
		t.Fatal(err)
	}
	if !s.clk.WaitForWaiter(ctx.Done()) {
		t.Fatal("the QR never waited for its next poll")
	}
	if err := s.env.Sandbox.PayNative(p.Order().CodeURL); err != nil {
		t.Fatal(err)
	}
	no := p.OutTradeNo()
	s.env.Sandbox.AddFault(sandbox.Fault{Path: pathsOf("v3", no).query, Status: 500, Count: 1000})
	for _, n := range []pos.Notice{
		{Ref: no, Paid: true, TotalFen: 2499},  // not this sale's amount
		{Ref: no, Paid: false, TotalFen: 2500}, // not a payment
		{Ref: "PS99-T99-NOT-OURS", Paid: true, TotalFen: 2500},
		{Ref: no, Paid: true, TotalFen: 2500}, // this one
	} {
		if err := s.term.Notified(n); err != nil {
			t.Fatal(err)
		}
	}
	var notified []pos.Event
	for len(notified) == 0 {
		select {
		case e := <-events:
			if e.Kind == pos.EventNotified {
				notified = append(notified, e)
			}
		case <-ctx.Done():
			t.Fatal("no EventNotified")
		}
	}
	if e := notified[0]; e.Ref != no || !strings.Contains(e.Reason, pos.FormatYuan(2500)) || e.Order != nil || e.Refund != nil || e.From != "" || e.To != "" {
		t.Errorf("EventNotified %+v: want the sale's number and no snapshot or transition", e)
	}
	if o, err := s.term.Order(no); err != nil || o.State.Terminal() {
		t.Fatalf("the sale is %v (%v) on the notification alone, its query failing", o.State, err)
	}
	s.env.Sandbox.ClearFaults()
	go s.clk.RunUntil(p.Done())
	if o, err := p.Wait(ctx); err != nil || o.State != pos.StatePaid {
		t.Fatalf("after the query works: %v %v, want PAID", o, err)
	}
	for {
		select {
		case e := <-events:
			if e.Kind == pos.EventNotified {
				t.Fatalf("a second EventNotified %+v: the other notices published something", e)
			}
		default:
			return
		}
	}
}
