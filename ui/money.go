package ui

import (
	"strconv"
	"strings"
)

// maxAmountFen caps a keyed amount (¥999,999.99): larger is a typing slip.
const maxAmountFen = 99_999_999

// formatFen renders fen as yuan with two decimals, e.g. 1234 → "¥12.34".
// Integer arithmetic only.
func formatFen(fen int64) string {
	sign := ""
	if fen < 0 {
		sign = "-"
		fen = -fen
	}
	return sign + "¥" + strconv.FormatInt(fen/100, 10) + "." + twoDigits(fen%100)
}

// formatSignedFen is formatFen with a "+" on a positive amount, for a
// difference whose sign is the news (cash over or short).
func formatSignedFen(fen int64) string {
	if fen > 0 {
		return "+" + formatFen(fen)
	}
	return formatFen(fen)
}

func twoDigits(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

// amountInput is the amount a cashier is keying: digits, at most one decimal
// point and at most two decimals. It never holds a float.
type amountInput struct {
	text string
}

// Press applies one key: a digit, ".", or backspace ("\b"). It reports whether
// the input changed; keys that would make the amount invalid are ignored.
func (a *amountInput) Press(key string) bool {
	switch {
	case key == "\b":
		if a.text == "" {
			return false
		}
		a.text = a.text[:len(a.text)-1]
		return true
	case key == ".":
		if strings.Contains(a.text, ".") {
			return false
		}
		if a.text == "" {
			a.text = "0"
		}
		a.text += "."
		return true
	case len(key) == 1 && key[0] >= '0' && key[0] <= '9':
		next := a.text + key
		if next == "00" || (a.text == "0" && key != ".") {
			next = key // no leading zeros
		}
		if i := strings.IndexByte(next, '.'); i >= 0 && len(next)-i-1 > 2 {
			return false
		}
		if fen, ok := parseYuan(next); !ok || fen > maxAmountFen {
			return false
		}
		a.text = next
		return true
	}
	return false
}

// Fen returns the keyed amount in fen (0 when empty).
func (a *amountInput) Fen() int64 {
	fen, _ := parseYuan(a.text)
	return fen
}

// Text returns what was keyed, for display.
func (a *amountInput) Text() string { return a.text }

// Clear empties the input.
func (a *amountInput) Clear() { a.text = "" }

// parseYuan parses "12", "12.", "12.3" or "12.34" into fen exactly.
func parseYuan(s string) (int64, bool) {
	if s == "" {
		return 0, true
	}
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 || len(whole) > 9 {
		return 0, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	if whole == "" {
		whole = "0"
	}
	y, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || y < 0 {
		return 0, false
	}
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil || f < 0 {
		return 0, false
	}
	return y*100 + f, true
}

// amountLimits bound what a sale may charge: above maxFen nothing is
// charged, above confirmAboveFen the cashier confirms the amount first (a
// slipped finger or a code typed into the amount is caught before the
// customer pays it).
type amountLimits struct {
	maxFen          int64
	confirmAboveFen int64
}

// Defaults of amountLimits: ¥50,000 and ¥2,000.
const (
	defaultMaxFen          = 5_000_000
	defaultConfirmAboveFen = 200_000
)

func (l amountLimits) withDefaults() amountLimits {
	if l.maxFen <= 0 {
		l.maxFen = defaultMaxFen
	}
	l.maxFen = min(l.maxFen, maxAmountFen)
	if l.confirmAboveFen <= 0 {
		l.confirmAboveFen = defaultConfirmAboveFen
	}
	return l
}
