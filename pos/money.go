package pos

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/wxpos/wxpos/receipt"
)

// MaxFen is the largest amount the terminal accepts for one sale or refund:
// ¥10,000,000.00. It keeps every sum far from int64 overflow.
const MaxFen int64 = 1_000_000_000

// ParseYuan parses an amount in yuan with at most two decimals ("12",
// "12.3", "12.34", "0.01") into fen, exactly. Signs, exponents, thousands
// separators, spaces, more than two decimals and zero are errors wrapping
// ErrBadAmount: an amount is never rounded.
func ParseYuan(s string) (int64, error) {
	bad := func(why string) (int64, error) {
		return 0, fmt.Errorf("amount %q: %s: %w", s, why, ErrBadAmount)
	}
	if s == "" {
		return bad("empty")
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" {
		return bad("no digits before the decimal point")
	}
	if hasDot && (frac == "" || len(frac) > 2) {
		return bad("want at most two decimals")
	}
	if !allDigits(whole) || !allDigits(frac) {
		return bad("only digits and one decimal point")
	}
	if len(whole) > 1 && whole[0] == '0' {
		return bad("leading zero")
	}
	if len(whole) > 10 {
		return bad("too large")
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return bad("too large")
	}
	var f int64
	if frac != "" {
		f, _ = strconv.ParseInt(frac, 10, 64)
		if len(frac) == 1 {
			f *= 10
		}
	}
	fen := w*100 + f
	return checkFen(s, fen)
}

// ParseFen parses a whole number of fen ("1234"), with the same limits as
// ParseYuan.
func ParseFen(s string) (int64, error) {
	if s == "" || !allDigits(s) || len(s) > 12 || (len(s) > 1 && s[0] == '0') {
		return 0, fmt.Errorf("amount %q: want a whole number of fen: %w", s, ErrBadAmount)
	}
	fen, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("amount %q: %w", s, ErrBadAmount)
	}
	return checkFen(s, fen)
}

func checkFen(s string, fen int64) (int64, error) {
	switch {
	case fen <= 0:
		return 0, fmt.Errorf("amount %q: must be more than zero: %w", s, ErrBadAmount)
	case fen > MaxFen:
		return 0, fmt.Errorf("amount %q: more than %s: %w", s, FormatYuan(MaxFen), ErrBadAmount)
	}
	return fen, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// FormatYuan renders fen as yuan with exactly two decimals ("12.34",
// "-0.05"), the inverse of ParseYuan. It is receipt.Yuan, the one formatter.
func FormatYuan(fen int64) string { return receipt.Yuan(fen) }
