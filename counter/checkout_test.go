package counter

import (
	"context"
	"testing"
	"time"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/scanner"
)

var _ Core = (*pos.Terminal)(nil)

func TestScanCodes(t *testing.T) {
	tests := []struct {
		name string
		scan scanner.Scan
		want bool
	}{
		{"fresh code", scanner.Scan{Code: "134567890123456789", At: time.Now()}, true},
		{"no timestamp", scanner.Scan{Code: "134567890123456789"}, true},
		{"invalid read still reaches the screen", scanner.Scan{Code: "6901234567892", At: time.Now()}, true},
		{"stale code dropped", scanner.Scan{Code: "134567890123456789", At: time.Now().Add(-time.Minute)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			in := make(chan scanner.Scan, 1)
			out := ScanCodes(ctx, in)
			in <- tt.scan
			close(in)
			code, ok := <-out
			if ok != tt.want || (ok && code != tt.scan.Code) {
				t.Errorf("got %q, %v; want forwarded=%v", code, ok, tt.want)
			}
		})
	}
}

func TestNetworkFrom(t *testing.T) {
	tests := []struct {
		to        pos.State
		ok, known bool
	}{
		{pos.StateUnknown, false, true},
		{pos.StatePaid, true, true},
		{pos.StateWaitingPassword, true, true},
		{pos.StateSubmitting, false, false},
		{pos.StateReversing, false, false},
		{pos.StateConflict, true, true},
	}
	for _, tt := range tests {
		t.Run(string(tt.to), func(t *testing.T) {
			ok, known := networkFrom(tt.to)
			if ok != tt.ok || known != tt.known {
				t.Errorf("networkFrom(%s) = %v, %v", tt.to, ok, known)
			}
		})
	}
}
