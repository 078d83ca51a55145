package recon_test

import (
	"testing"

	"github.com/wxpos/wxpos/recon"
)

// TestTerminalOwnsBothNumberFormats: a bill row without device_info is this
// terminal's by its number's prefix, in the format before epochs and in
// the current one, and never another till's.
func TestTerminalOwnsBothNumberFormats(t *testing.T) {
	term := recon.TerminalOf("S1", "T1")
	tests := []struct {
		no   string
		want bool
	}{
		{"PS1-T1-00000042", true},
		{"PS1-T1-K7QZ2M-00000042", true},
		{"PS1-T10-K7QZ2M-00000042", false},
		{"PS1-T2-00000042", false},
		{"PS11-T1-K7QZ2M-00000042", false},
	}
	for _, tc := range tests {
		t.Run(tc.no, func(t *testing.T) {
			if got := term.Owns(&recon.Row{OutTradeNo: tc.no}); got != tc.want {
				t.Errorf("Owns(%s) = %v, want %v", tc.no, got, tc.want)
			}
		})
	}
}
