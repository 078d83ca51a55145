package custdisplay

import (
	"context"
	"testing"
	"time"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/receipt"
)

// recorder is a sink that hands every frame it draws to a channel.
type recorder chan Frame

func (r recorder) Show(ctx context.Context, f Frame) error {
	select {
	case r <- f:
	case <-ctx.Done():
	}
	return nil
}

// stuck is a sink that never finishes a frame until its context ends: a
// serial line that does not drain.
type stuck struct{ entered chan struct{} }

func (s stuck) Show(ctx context.Context, _ Frame) error {
	select {
	case s.entered <- struct{}{}:
	default:
	}
	<-ctx.Done()
	return ctx.Err()
}

// waitMode reads frames until one shows mode.
func waitMode(t *testing.T, r recorder, mode Mode) Frame {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case f := <-r:
			if f.Mode == mode {
				return f
			}
		case <-timeout:
			t.Fatalf("no %q frame", mode)
		}
	}
}

// TestHubNeverWaitsOnASink: a sink stuck on one frame costs the cashier
// nothing, and the other sink still gets the newest frame.
func TestHubNeverWaitsOnASink(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rec, st := make(recorder), stuck{entered: make(chan struct{}, 1)}
	events := make(chan pos.Event)
	h := NewHub(time.Hour, nil)
	h.Run(ctx, events)
	h.Attach(ctx, st)
	h.Attach(ctx, rec)
	waitMode(t, rec, ModeIdle)
	<-st.entered // the stuck sink holds the idle frame
	for i := range 1000 {
		h.Keyed(Sale{TotalFen: int64(i + 1)})
	}
	// The recorder may lag but ends on the newest sale.
	deadline := time.After(10 * time.Second)
	for {
		select {
		case f := <-rec:
			if f.TotalFen == 1000 {
				return
			}
		case <-deadline:
			t.Fatal("the newest frame never reached the sink that keeps up")
		}
	}
}

// TestHubHoldsAResult: the result stays until the hold is over, then the
// display goes back to what is keyed (here nothing: idle).
func TestHubHoldsAResult(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rec := make(recorder, 16)
	events := make(chan pos.Event)
	h := NewHub(20*time.Millisecond, nil)
	h.Run(ctx, events)
	h.Attach(ctx, rec)
	h.Keyed(twoLines)
	waitMode(t, rec, ModeSale)
	o := &pos.Order{OutTradeNo: "C1", Tender: receipt.TenderCash, State: pos.StatePaid, AmountFen: 1250, TenderedFen: 2000, ChangeFen: 750}
	events <- pos.Event{Kind: pos.EventOrder, From: string(pos.StateNew), To: string(pos.StatePaid), Order: o}
	f := waitMode(t, rec, ModeChange)
	if f.ChangeFen != 750 {
		t.Errorf("change %d, want 750", f.ChangeFen)
	}
	h.Keyed(Sale{}) // the cashier's next sale, still empty (TestModelFlows: the result stays)
	waitMode(t, rec, ModeIdle)
}
