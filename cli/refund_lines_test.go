package cli_test

import (
	"strings"
	"testing"
)

// TestRefundLineFlags: --line N:QTY is refused, before any PIN is read or
// anything is opened, when malformed or beside an amount or --full.
func TestRefundLineFlags(t *testing.T) {
	data := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"line 0", []string{"--line", "0:1"}, "N:QTY"},
		{"no quantity", []string{"--line", "2"}, "N:QTY"},
		{"zero quantity", []string{"--line", "2:0"}, "N:QTY"},
		{"with an amount", []string{"--line", "1:1", "--fen", "100"}, "exclude"},
		{"with full", []string{"--line", "1:1", "--full"}, "exclude"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"--data", data, "refund", "PS1-T1-00000001", "--manager", "Wang"}, tc.args...)
			code, _, errOut := runIn(t, "2468\n", args...)
			if code != 2 || !strings.Contains(errOut, tc.want) {
				t.Fatalf("exit %d, %q; want 2 and %q", code, errOut, tc.want)
			}
		})
	}
}
