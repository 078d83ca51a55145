package ident

import (
	"math"
	"regexp"
	"testing"
)

// TestSameAsThePatterns holds each check to the regular expression it
// replaced, on hand-picked edges and on every string of up to three bytes
// over an alphabet that straddles each class's borders.
func TestSameAsThePatterns(t *testing.T) {
	tests := []struct {
		pattern string
		check   func(string) bool
	}{
		{`^[0-9A-Za-z]{1,6}$`, func(s string) bool { return Run(s, 1, 6, Alnum) }},
		{`^[0-9A-Za-z]{1,8}$`, func(s string) bool { return Run(s, 1, 8, Alnum) }},
		{`^[0-9A-Za-z]{1,16}$`, func(s string) bool { return Run(s, 1, 16, Alnum) }},
		{`^[0-9]{8,10}$`, func(s string) bool { return Run(s, 8, 10, Digit) }},
		{`^[0-9A-Za-z_-]{6,32}$`, func(s string) bool { return Run(s, 6, 32, Or(Alnum, Bytes("_-"))) }},
		{`^[0-9A-Za-z_\-|*]+$`, func(s string) bool { return Run(s, 1, math.MaxInt, Or(Alnum, Bytes("_-|*"))) }},
		{`^[0-9A-Za-z_\-|*@]+$`, func(s string) bool { return Run(s, 1, math.MaxInt, Or(Alnum, Bytes("_-|*@"))) }},
		{`^wx[0-9a-f]{16}$`, func(s string) bool { return len(s) > 2 && s[:2] == "wx" && Run(s[2:], 16, 16, LowerHex) }},
		{`^[a-z]+$`, func(s string) bool { return Run(s, 1, math.MaxInt, Lower) }},
		{`^1[0-5][0-9]{16}$`, PaymentCode},
	}
	edges := []string{"", "0", "9", "a", "z", "A", "Z", "_", "-", "|", "*", "@", " ", "/", ":", "`", "{", "[", "é", "\x00", "\xff",
		"abcdef", "abcdefg", "1234567", "12345678", "1234567890", "12345678901", "wx0123456789abcdef", "wx0123456789abcdeF",
		"wx0123456789abcde", "wx0123456789abcdeg", "wx0123456789abcdef0", "130001123456789012", "100001123456789012", "150001123456789012",
		"160001123456789012", "090001123456789012", "13000112345678901", "1300011234567890123", "13000112345678901a",
		"130001123456789012\n", "abc\n", "0123456789abcdefghijklmnopqrstuv", "0123456789abcdefghijklmnopqrstuvw"}
	alphabet := "09afgzAFGZ_-|*@/:`{[ \n\xc3"
	var all []string
	all = append(all, edges...)
	for _, a := range alphabet {
		all = append(all, string(a))
		for _, b := range alphabet {
			all = append(all, string(a)+string(b))
			for _, c := range alphabet {
				all = append(all, string(a)+string(b)+string(c))
			}
		}
	}
	for _, tc := range tests {
		t.Run(tc.pattern, func(t *testing.T) {
			re := regexp.MustCompile(tc.pattern)
			for _, s := range all {
				if got, want := tc.check(s), re.MatchString(s); got != want {
					t.Errorf("%q: %v, the pattern says %v", s, got, want)
				}
			}
		})
	}
}

// FuzzPaymentCode compares PaymentCode with the pattern it replaced.
func FuzzPaymentCode(f *testing.F) {
	re := regexp.MustCompile(`^1[0-5][0-9]{16}$`)
	for _, s := range []string{"130001123456789012", "160001123456789012", "1300011234567890123", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if PaymentCode(s) != re.MatchString(s) {
			t.Fatalf("%q: %v, the pattern says %v", s, PaymentCode(s), re.MatchString(s))
		}
	})
}
