package pos_test

import (
	"errors"
	"testing"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/receipt"
)

func TestApplyRefusesStaleState(t *testing.T) {
	r := newRig(t, true)
	o := &pos.Order{OutTradeNo: "PS01-T01-00000099", Tender: receipt.TenderWeChatScan, State: pos.StateSubmitting, AmountFen: 1, CreatedAt: t0}
	ev := pos.Event{Kind: pos.EventOrder, Ref: o.OutTradeNo}
	if err := r.store.Apply(&pos.Change{Order: o, OrderFrom: pos.StateNew, Event: ev}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		from pos.State
	}{
		{"create again", pos.StateNew},
		{"from a state it is not in", pos.StateUnknown},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := *o
			n.State = pos.StatePaid
			err := r.store.Apply(&pos.Change{Order: &n, OrderFrom: tc.from, Event: ev})
			var te *pos.TransitionError
			if !errors.As(err, &te) || !te.Stale || te.Stored != string(pos.StateSubmitting) || !errors.Is(err, pos.ErrInvalidTransition) {
				t.Fatalf("err %v, want a stale TransitionError", err)
			}
			if cur, _ := r.store.Order(o.OutTradeNo); cur.State != pos.StateSubmitting {
				t.Fatalf("stored state changed to %s", cur.State)
			}
		})
	}
}
