package catalog

import (
	"strings"
	"unicode"
)

// Initials returns the pinyin initials of name, lower case, for the
// cashier's search: "可口可乐 330ml" → "kkkl330ml". A Latin letter or a
// digit stands for itself; other runes (spaces, punctuation, an
// ideograph outside U+4E00–U+9FFF or without a reading) are left out.
// A character with several readings gets the most common one (乐 → l).
func Initials(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= initialsFirst && int(r-initialsFirst) < len(initials):
			if c := initials[r-initialsFirst]; c != '_' {
				b.WriteByte(c)
			}
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}
