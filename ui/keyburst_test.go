package ui

import (
	"reflect"
	"testing"
	"time"
)

// keystroke is one synthetic key for the classifier: a rune, or Enter when
// r is '\n', or another key when r is 0, typed gap after the previous one.
type keystroke struct {
	gap time.Duration
	r   rune
}

// typed spreads s over keystrokes gap apart; '\n' is Enter.
func typed(gap time.Duration, s string) []keystroke {
	ks := make([]keystroke, 0, len(s))
	for _, r := range s {
		ks = append(ks, keystroke{gap, r})
	}
	return ks
}

// feed runs keys through a classifier starting at t0, then lets the input
// go quiet and flushes; it returns every group in order.
func feed(keys ...[]keystroke) []classified {
	var k keyBurst
	at := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	var out []classified
	for _, ks := range keys {
		for _, s := range ks {
			at = at.Add(s.gap)
			switch s.r {
			case '\n':
				out = append(out, k.Enter(at)...)
			case 0:
				out = append(out, k.Key()...)
			default:
				out = append(out, k.Rune(at, s.r)...)
			}
		}
	}
	if pending, due := k.Pending(); pending {
		out = append(out, k.Flush(due.Add(-time.Nanosecond))...) // not yet quiet: nothing
		out = append(out, k.Flush(due)...)
	}
	return out
}

func TestKeyBurst(t *testing.T) {
	const code = "134567890123456789"
	human := 150 * time.Millisecond
	scanner := 4 * time.Millisecond
	tests := []struct {
		name string
		keys [][]keystroke
		want []classified
	}{
		{"a person keys digits one at a time",
			[][]keystroke{typed(human, "36")},
			[]classified{{kind: inputTyped, runes: []rune("3")}, {kind: inputTyped, runes: []rune("6")}}},
		{"a person keys an amount and Enter",
			[][]keystroke{typed(human, "5\n")},
			[]classified{{kind: inputTyped, runes: []rune("5")}, {kind: inputTyped, enter: true}}},
		{"a scanner types a payment code and Enter after a keyed amount",
			[][]keystroke{typed(human, "36"), typed(human, code[:1]), typed(scanner, code[1:]+"\n")},
			[]classified{{kind: inputTyped, runes: []rune("3")}, {kind: inputTyped, runes: []rune("6")}, {kind: inputCode, text: code}}},
		{"a scanner without a suffix: the code is recognised when the input goes quiet",
			[][]keystroke{typed(human, code[:1]), typed(scanner, code[1:])},
			[]classified{{kind: inputCode, text: code}}},
		{"a scanner at 30 ms per character is still a scanner",
			[][]keystroke{typed(human, code[:1]), typed(30*time.Millisecond, code[1:]+"\n")},
			[]classified{{kind: inputCode, text: code}}},
		{"a burst that is not a payment code is reported, not typed",
			[][]keystroke{typed(human, "6"), typed(scanner, "901234567890\n")},
			[]classified{{kind: inputNotCode, text: "6901234567890"}}},
		{"an amount keyed just before a scan spoils the code but still never types it",
			[][]keystroke{typed(human, "5"), typed(scanner, code+"\n")},
			[]classified{{kind: inputNotCode, text: "5" + code}}},
		{"a rolled pair of keys is a person",
			[][]keystroke{typed(human, "1"), typed(20*time.Millisecond, "2")},
			[]classified{{kind: inputTyped, runes: []rune("12")}}},
		{"a rolled pair and a quick Enter are a person",
			[][]keystroke{typed(human, "1"), typed(20*time.Millisecond, "2\n")},
			[]classified{{kind: inputTyped, runes: []rune("12"), enter: true}}},
		{"another key ends a burst at once",
			[][]keystroke{typed(human, code[:1]), typed(scanner, code[1:]), {{scanner, 0}}},
			[]classified{{kind: inputCode, text: code}}},
		{"a stall of the window in the middle of a scan does not split it",
			[][]keystroke{typed(human, "36"), typed(human, code[:1]), typed(scanner, code[1:7]), typed(120*time.Millisecond, code[7:8]), typed(scanner, code[8:]+"\n")},
			[]classified{{kind: inputTyped, runes: []rune("3")}, {kind: inputTyped, runes: []rune("6")}, {kind: inputCode, text: code}}},
		{"a stall after a scan's first two characters types neither into the amount",
			[][]keystroke{typed(human, code[:1]), typed(scanner, code[1:2]), typed(120*time.Millisecond, code[2:3]), typed(scanner, code[3:]+"\n")},
			[]classified{{kind: inputCode, text: code}}},
		{"a stall just before the scanner's Enter keeps the Enter in the scan",
			[][]keystroke{typed(human, code[:1]), typed(scanner, code[1:]), typed(120*time.Millisecond, "\n")},
			[]classified{{kind: inputCode, text: code}}},
		{"two scans a second apart stay two",
			[][]keystroke{typed(human, "6"), typed(scanner, "901234567890\n"), typed(time.Second, code[:1]), typed(scanner, code[1:]+"\n")},
			[]classified{{kind: inputNotCode, text: "6901234567890"}, {kind: inputCode, text: code}}},
		{"a name typed fast is a person, not a scan",
			[][]keystroke{typed(30*time.Millisecond, "alice\n")},
			[]classified{{kind: inputTyped, runes: []rune("alice"), enter: true}}},
		{"an input method committing a four-character name at once is a person",
			[][]keystroke{typed(human, "欧"), typed(0, "阳小明")},
			[]classified{{kind: inputTyped, runes: []rune("欧阳小明")}}},
		{"a staff card scanned is a scan",
			[][]keystroke{typed(human, "W"), typed(scanner, "XS-0a1b2c3d4e\n")},
			[]classified{{kind: inputNotCode, text: "WXS-0a1b2c3d4e"}}},
		{"Enter long after digits is a key of its own",
			[][]keystroke{typed(human, "12"), typed(time.Second, "\n")},
			[]classified{{kind: inputTyped, runes: []rune("1")}, {kind: inputTyped, runes: []rune("2")}, {kind: inputTyped, enter: true}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := feed(tc.keys...)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}
