package ui

import "testing"

func TestFormatFen(t *testing.T) {
	tests := []struct {
		name string
		fen  int64
		want string
	}{
		{"zero", 0, "¥0.00"},
		{"one fen", 1, "¥0.01"},
		{"ten fen", 10, "¥0.10"},
		{"yuan and fen", 1234, "¥12.34"},
		{"negative", -250, "-¥2.50"},
		{"large", 99_999_999, "¥999999.99"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := formatFen(tt.fen); got != tt.want {
				t.Errorf("formatFen(%d) = %q, want %q", tt.fen, got, tt.want)
			}
		})
	}
}

func TestAmountInput(t *testing.T) {
	tests := []struct {
		name     string
		keys     []string
		wantText string
		wantFen  int64
	}{
		{"digits", []string{"1", "2"}, "12", 1200},
		{"decimals", []string{"1", "2", ".", "3", "4"}, "12.34", 1234},
		{"third decimal ignored", []string{"1", ".", "2", "3", "4"}, "1.23", 123},
		{"second point ignored", []string{"1", ".", ".", "5"}, "1.5", 150},
		{"leading point", []string{".", "5"}, "0.5", 50},
		{"leading zeros collapse", []string{"0", "0", "7"}, "7", 700},
		{"backspace", []string{"1", "2", "\b"}, "1", 100},
		{"backspace on empty", []string{"\b"}, "", 0},
		{"cap", []string{"9", "9", "9", "9", "9", "9", "9"}, "999999", 99_999_900},
		{"letters ignored", []string{"a", "1"}, "1", 100},
		{"nine fen exactly", []string{"0", ".", "0", "9"}, "0.09", 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a amountInput
			for _, k := range tt.keys {
				a.Press(k)
			}
			if a.Text() != tt.wantText || a.Fen() != tt.wantFen {
				t.Errorf("got %q/%d, want %q/%d", a.Text(), a.Fen(), tt.wantText, tt.wantFen)
			}
		})
	}
}

// TestFeeYuan: a bill fee (thousandths of a fen) is shown as money, two
// decimals, never the bill's five ("¥0.30000").
func TestFeeYuan(t *testing.T) {
	tests := []struct {
		name  string
		milli int64
		want  string
	}{
		{"whole fen", 30000, "¥0.30"},
		{"rounds down below half", 29499, "¥0.29"},
		{"half rounds away from zero", 29500, "¥0.30"},
		{"tiny fee", 72, "¥0.00"},
		{"refund fee", -100000, "-¥1.00"},
		{"negative half", -1500, "-¥0.02"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := feeYuan(tt.milli); got != tt.want {
				t.Errorf("feeYuan(%d) = %q, want %q", tt.milli, got, tt.want)
			}
		})
	}
}
