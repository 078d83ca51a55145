package state_test

import (
	"testing"

	"github.com/wxpos/wxpos/state"
)

// TestFinalStates checks the final states of docs/DESIGN.md §4: a payment
// ends PAID, FAILED, REVERSED or CLOSED (CONFLICT waits for a manager); a
// refund ends SUCCESS, CLOSED or ABNORMAL, and only a closed or unsent one
// holds no money against its sale.
func TestFinalStates(t *testing.T) {
	orders := map[state.Order]bool{
		state.New: false, state.Submitting: false, state.WaitingPassword: false, state.Unknown: false,
		state.Reversing: false, state.Reversed: true, state.Creating: false, state.ShowingQR: false,
		state.Closing: false, state.Closed: true, state.Paid: true, state.Failed: true, state.Conflict: false,
	}
	for s, final := range orders {
		if s.Terminal() != final {
			t.Errorf("%s.Terminal() = %v, want %v", s, s.Terminal(), final)
		}
	}
	refunds := []struct {
		s            state.Refund
		final, holds bool
	}{
		{state.RefundNew, false, false},
		{state.RefundSubmitted, false, true},
		{state.RefundProcessing, false, true},
		{state.RefundSuccess, true, true},
		{state.RefundClosed, true, false},
		{state.RefundAbnormal, true, true},
	}
	for _, r := range refunds {
		if r.s.Terminal() != r.final || r.s.Holds() != r.holds {
			t.Errorf("%s: Terminal %v Holds %v, want %v %v", r.s, r.s.Terminal(), r.s.Holds(), r.final, r.holds)
		}
	}
}
