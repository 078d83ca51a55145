package ui

import (
	"reflect"
	"testing"
	"time"
)

// keystroke is one synthetic key for the classifier: a rune, Enter when r
// is '\n', another key when r is 0, or the flush timer's check when r is
// check — at gap after the previous one. busy says the window was busy for
// that gap: no flush timer ran in it, as when a slow frame holds the
// driver's event loop and keys queue behind it.
type keystroke struct {
	gap  time.Duration
	r    rune
	busy bool
}

// check is the keystroke that stands for a flush timer running late.
const check rune = -1

// typed spreads s over keystrokes gap apart; '\n' is Enter.
func typed(gap time.Duration, s string) []keystroke {
	ks := make([]keystroke, 0, len(s))
	for _, r := range s {
		ks = append(ks, keystroke{gap: gap, r: r})
	}
	return ks
}

// stalled is s arriving after the window was busy for gap: the first key
// gap after the previous one, the rest in the same event poll.
func stalled(gap time.Duration, s string) []keystroke {
	ks := typed(0, s)
	for i := range ks {
		ks[i].busy = true
	}
	ks[0].gap = gap
	return ks
}

// feed runs keys through a classifier starting at t0 in a window whose
// flush timer runs on time whenever it is not busy, then lets the input go
// quiet; it returns every group in order.
func feed(keys ...[]keystroke) []classified {
	var k keyBurst
	at := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	var out []classified
	idle := func(until time.Time) {
		for {
			pending, due := k.Pending()
			if !pending || due.After(until) {
				return
			}
			out = append(out, k.Flush(due)...)
		}
	}
	for _, ks := range keys {
		for _, s := range ks {
			if !s.busy {
				idle(at.Add(s.gap))
			}
			at = at.Add(s.gap)
			switch s.r {
			case '\n':
				out = append(out, k.Enter()...)
			case 0:
				out = append(out, k.Key()...)
			case check:
				out = append(out, k.Flush(at)...)
			default:
				k.Rune(at, s.r)
			}
		}
	}
	if pending, due := k.Pending(); pending {
		out = append(out, k.Flush(due.Add(-time.Nanosecond))...) // not yet quiet: nothing
	}
	idle(at.Add(time.Hour))
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
			[][]keystroke{typed(human, code[:1]), typed(scanner, code[1:]), {{gap: scanner}}},
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
		{"a window busy between a scan's first and second characters does not split it",
			[][]keystroke{typed(human, "36"), typed(human, "6"), stalled(60*time.Millisecond, "901234567890\n")},
			[]classified{{kind: inputTyped, runes: []rune("3")}, {kind: inputTyped, runes: []rune("6")}, {kind: inputNotCode, text: "6901234567890"}}},
		{"a window busy for seconds after a scan's first character does not split it either",
			[][]keystroke{typed(human, code[:1]), stalled(3*time.Second, code[1:]+"\n")},
			[]classified{{kind: inputCode, text: code}}},
		{"a flush check that runs late waits for the keys queued behind it",
			[][]keystroke{typed(human, "6"), {{gap: 75 * time.Millisecond, r: check, busy: true}}, stalled(0, "901234567890\n")},
			[]classified{{kind: inputNotCode, text: "6901234567890"}}},
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

// TestKeyBurstHoldsAPersonsKeyBriefly: a key alone is delivered one burst
// window and one event poll after it was typed when the window is on time,
// and within maxHold when it never is.
func TestKeyBurstHoldsAPersonsKeyBriefly(t *testing.T) {
	t0 := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	var k keyBurst
	k.Rune(t0, '5')
	if got := k.Flush(t0.Add(burstGap)); got != nil {
		t.Fatalf("released at the first quiet check: %+v", got)
	}
	if _, due := k.Pending(); !due.Equal(t0.Add(burstGap + pollGap)) {
		t.Fatalf("second check due at +%v, want +%v", due.Sub(t0), burstGap+pollGap)
	}
	want := []classified{{kind: inputTyped, runes: []rune("5")}}
	if got := k.Flush(t0.Add(burstGap + pollGap)); !reflect.DeepEqual(got, want) {
		t.Fatalf("on-time second check: got %+v, want %+v", got, want)
	}

	// Every check late by a frame: the key still goes, at maxHold.
	k.Rune(t0, '7')
	at := t0
	for i := 0; ; i++ {
		_, due := k.Pending()
		at = due.Add(lateGap + time.Millisecond)
		if got := k.Flush(at); got != nil {
			if !reflect.DeepEqual(got, []classified{{kind: inputTyped, runes: []rune("7")}}) {
				t.Fatalf("got %+v", got)
			}
			break
		}
		if i > 100 {
			t.Fatal("a window that is never on time holds the key for ever")
		}
	}
	if held := at.Sub(t0); held < maxHold || held > maxHold+burstGap+pollGap+lateGap {
		t.Errorf("held %v with every check late, want just past %v", held, maxHold)
	}
}
