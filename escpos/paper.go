package escpos

import (
	"fmt"
	"strconv"
	"strings"
)

// Paper is a roll width in millimetres.
type Paper int

// Roll widths in common use.
const (
	Paper58 Paper = 58
	Paper80 Paper = 80
)

// ParsePaper reads "58" or "80" (an optional "mm" suffix is allowed).
func ParsePaper(s string) (Paper, error) {
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(s), "mm"))
	if err != nil || (Paper(n) != Paper58 && Paper(n) != Paper80) {
		return 0, fmt.Errorf("%w: paper width %q (want 58 or 80)", ErrInvalidArgument, s)
	}
	return Paper(n), nil
}

// Columns is the number of normal-size (12×24 dot) half-width characters a
// line holds: 32 on 58 mm paper and 48 on 80 mm paper. Unknown widths give 0.
func (p Paper) Columns() int {
	switch p {
	case Paper58:
		return 32
	case Paper80:
		return 48
	}
	return 0
}

// String returns "58mm" or "80mm".
func (p Paper) String() string { return strconv.Itoa(int(p)) + "mm" }
