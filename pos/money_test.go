package pos_test

import (
	"errors"
	"testing"

	"github.com/wxpos/wxpos/pos"
)

func TestParseYuan(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"12.34", 1234, true}, {"12.3", 1230, true}, {"12", 1200, true}, {"0.01", 1, true},
		{"0.10", 10, true}, {"10000000", 1_000_000_000, true},
		{"", 0, false}, {"0", 0, false}, {"0.00", 0, false}, {"12.345", 0, false}, {"12.", 0, false},
		{".5", 0, false}, {"-1", 0, false}, {"+1", 0, false}, {"1e3", 0, false}, {"1,000", 0, false},
		{" 1", 0, false}, {"01.00", 0, false}, {"10000000.01", 0, false}, {"99999999999", 0, false},
		{"1.2.3", 0, false}, {"１２", 0, false}, {"0x10", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := pos.ParseYuan(tc.in)
			if tc.ok != (err == nil) || got != tc.want {
				t.Fatalf("ParseYuan(%q) = %d, %v; want %d ok=%v", tc.in, got, err, tc.want, tc.ok)
			}
			if err != nil && !errors.Is(err, pos.ErrBadAmount) {
				t.Fatalf("error %v does not wrap ErrBadAmount", err)
			}
			if err == nil {
				if back, _ := pos.ParseYuan(pos.FormatYuan(got)); back != got {
					t.Fatalf("round trip %q → %d → %q → %d", tc.in, got, pos.FormatYuan(got), back)
				}
			}
		})
	}
}

func TestParseFen(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1", 1, true}, {"1234", 1234, true}, {"0", 0, false}, {"-5", 0, false}, {"1.0", 0, false}, {"007", 0, false}, {"", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := pos.ParseFen(tc.in)
			if tc.ok != (err == nil) || got != tc.want {
				t.Fatalf("ParseFen(%q) = %d, %v", tc.in, got, err)
			}
		})
	}
}

func TestFormatYuan(t *testing.T) {
	for fen, want := range map[int64]string{0: "0.00", 1: "0.01", 1234: "12.34", -5: "-0.05", 100000: "1000.00"} {
		if got := pos.FormatYuan(fen); got != want {
			t.Errorf("FormatYuan(%d) = %q, want %q", fen, got, want)
		}
	}
}

func FuzzParseYuan(f *testing.F) {
	for _, s := range []string{"12.34", "0.01", "1", "abc", "1.234"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fen, err := pos.ParseYuan(s)
		if err != nil {
			return
		}
		if fen <= 0 || fen > pos.MaxFen {
			t.Fatalf("%q → %d out of range", s, fen)
		}
		if back, err := pos.ParseYuan(pos.FormatYuan(fen)); err != nil || back != fen {
			t.Fatalf("%q → %d → %q → %d, %v", s, fen, pos.FormatYuan(fen), back, err)
		}
	})
}
