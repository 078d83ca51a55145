package catalog

import (
	"errors"
	"fmt"
	"strings"

	"github.com/wxpos/wxpos/receipt"
)

// ErrBadPrice is matched by every error ParsePrice returns.
var ErrBadPrice = errors.New("bad price")

// ParsePrice reads a price in yuan with at most two decimals ("12",
// "12.5", "12.50", "0") into fen, exactly: no floats, no rounding.
// "12.555", signs, exponents, separators and spaces are refused, and so is
// anything above MaxPrice.
func ParsePrice(s string) (int64, error) {
	bad := func(why string) (int64, error) {
		return 0, fmt.Errorf("%w %q: %s", ErrBadPrice, truncate(s), why)
	}
	whole, frac, dot := strings.Cut(s, ".")
	switch {
	case whole == "":
		return bad("no digits before the decimal point")
	case dot && frac == "":
		return bad("no digits after the decimal point")
	case len(frac) > 2:
		return bad("more than two decimals (the fen is the smallest unit)")
	case !digits(whole) || !digits(frac):
		return bad("only digits and one decimal point")
	case len(whole) > 1 && whole[0] == '0':
		return bad("leading zero")
	case len(whole) > 7:
		return bad("more than " + Yuan(MaxPrice) + " yuan")
	}
	fen := number(whole)*100 + number(frac)*pow10(2-len(frac))
	if fen > MaxPrice {
		return bad("more than " + Yuan(MaxPrice) + " yuan")
	}
	return fen, nil
}

// Yuan formats fen as yuan with two decimals, the inverse of ParsePrice.
func Yuan(fen int64) string { return receipt.Yuan(fen) }
