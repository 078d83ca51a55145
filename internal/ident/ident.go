// Package ident checks the shape of identifiers — store and terminal ids,
// merchant numbers, order numbers, payment codes, file names — byte by byte
// instead of with regular expressions.
//
// Every wxpos command is a process of its own, and a package-level
// regexp.MustCompile runs in every one of them before main, used or not:
// the dozen patterns this replaces cost a CLI payment some 100 KB of fresh
// heap at start (issue #18, finding 13). TestNoRegexpAtInit keeps it so.
//
// All checks are ASCII-only, as the patterns they replace were.
package ident

// Class is a set of bytes.
type Class func(b byte) bool

// Digit is [0-9].
func Digit(b byte) bool { return '0' <= b && b <= '9' }

// Alnum is [0-9A-Za-z].
func Alnum(b byte) bool { return Digit(b) || 'A' <= b && b <= 'Z' || 'a' <= b && b <= 'z' }

// LowerHex is [0-9a-f].
func LowerHex(b byte) bool { return Digit(b) || 'a' <= b && b <= 'f' }

// Lower is [a-z].
func Lower(b byte) bool { return 'a' <= b && b <= 'z' }

// Or is the union of classes.
func Or(cs ...Class) Class {
	return func(b byte) bool {
		for _, c := range cs {
			if c(b) {
				return true
			}
		}
		return false
	}
}

// Bytes is the class of the bytes in set.
func Bytes(set string) Class {
	return func(b byte) bool {
		for i := range len(set) {
			if set[i] == b {
				return true
			}
		}
		return false
	}
}

// Run reports whether s is min to max bytes, each in c: the pattern
// ^c{min,max}$.
func Run(s string, min, max int, c Class) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for i := range len(s) {
		if !c(s[i]) {
			return false
		}
	}
	return true
}

// PaymentCodeLen is the length of a WeChat payment code (付款码).
const PaymentCodeLen = 18

// PaymentCode reports whether s looks like a WeChat payment code: 18
// digits starting 10–15, ^1[0-5][0-9]{16}$. It is WeChat's side of the
// rule, for the simulator; the till decides what a scan is with
// catalog.Classify alone, and catalog's fuzz test holds both the same.
func PaymentCode(s string) bool {
	return len(s) == PaymentCodeLen && s[0] == '1' && '0' <= s[1] && s[1] <= '5' && Run(s[2:], 16, 16, Digit)
}
