package receipt

import (
	"strings"

	"golang.org/x/text/width"
)

// RuneWidth is the number of columns r takes on a receipt: 2 for East Asian
// wide and fullwidth characters (汉字, ，, ￥) and also for East Asian
// ambiguous ones (—, ·, ×, Greek, Cyrillic), because a printer in Chinese
// mode prints their GBK double-byte form as a full 24-dot glyph; 1 for
// everything else. Layouts never contain control characters (they are
// replaced by '?', which takes one column, so they count 1 here too).
func RuneWidth(r rune) int {
	if r < 0x80 {
		return 1
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth, width.EastAsianAmbiguous:
		return 2
	}
	return 1
}

// StringWidth is the number of columns s takes (the sum of RuneWidth).
func StringWidth(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < 0x80 {
			n++
			continue
		}
		for _, r := range s[i:] {
			n += RuneWidth(r)
		}
		return n
	}
	return n
}

// clean makes user text printable on one line: tabs and line breaks become
// spaces, other control characters become '?'.
func clean(s string) string {
	ok := true
	for _, r := range s {
		if r < 0x20 || r == 0x7F || (r >= 0x80 && r < 0xA0) {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case r < 0x20 || r == 0x7F || (r >= 0x80 && r < 0xA0):
			return '?'
		}
		return r
	}, s)
}

// Wrap splits s into pieces at most w columns wide without splitting a
// character; a character wider than w gets a piece of its own. It does not
// look for word boundaries: receipts are mostly Chinese.
func Wrap(s string, w int) []string { return wrap(clean(s), w) }

func wrap(s string, w int) []string {
	if StringWidth(s) <= w {
		return []string{s}
	}
	var out []string
	start, col := 0, 0
	var prev rune
	for i, r := range s {
		rw := RuneWidth(r)
		if col+rw > w && i > start {
			cut := i
			// Inside a Latin word: break after the last space instead.
			if isWordRune(r) && isWordRune(prev) {
				if sp := strings.LastIndexByte(s[start:i], ' '); sp > 0 {
					cut = start + sp + 1
				}
			}
			out = append(out, strings.TrimRight(s[start:cut], " "))
			for cut < i && s[cut] == ' ' {
				cut++
			}
			start, col = cut, StringWidth(s[cut:i])
			if r == ' ' && start == i {
				start += 1 // no continuation line starts with a space
				prev = r
				continue
			}
		}
		col += rw
		prev = r
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

func isWordRune(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '.' || r == ','
}

func padRight(s string, w int) string {
	if n := w - StringWidth(s); n > 0 {
		return s + strings.Repeat(" ", n)
	}
	return s
}

func padLeft(s string, w int) string {
	if n := w - StringWidth(s); n > 0 {
		return strings.Repeat(" ", n) + s
	}
	return s
}
