package scanner

import "testing"

func TestStateTable(t *testing.T) {
	tests := []struct {
		from, to State
		ok       bool
	}{
		{StateConnecting, StateConnected, true},
		{StateConnecting, StateDisconnected, true},
		{StateConnected, StateDisconnected, true},
		{StateDisconnected, StateConnected, true},
		{StateConnected, StateStopped, true},
		{StateDisconnected, StateDisconnected, true},
		{StateConnected, StateConnecting, false},
		{StateDisconnected, StateConnecting, false},
		{StateStopped, StateConnected, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.from)+"->"+string(tt.to), func(t *testing.T) {
			if got := tt.from.CanMove(tt.to); got != tt.ok {
				t.Fatalf("CanMove = %v, want %v", got, tt.ok)
			}
		})
	}
}
