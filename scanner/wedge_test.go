package scanner

import (
	"strings"
	"testing"
)

func TestWedge(t *testing.T) {
	type step struct {
		typed     string // runes typed; '\b' is Backspace, '\x1d' presses Enter
		wantCode  string
		wantOK    bool   // a Scan came out
		wantValid bool   // and it is a WeChat code
		reason    Reason // when not valid
	}
	tests := []struct {
		name  string
		cfg   Config
		steps []step
	}{
		{"scanner types code and enter", Config{}, []step{{typed: codeA + "\x1d", wantCode: codeA, wantOK: true, wantValid: true}}},
		{"CR rune acts as enter", Config{}, []step{{typed: codeA + "\r", wantCode: codeA, wantOK: true, wantValid: true}}},
		{"full-width digits from IME", Config{}, []step{{typed: "１３４５６７８９０１２３４５６７８９\x1d", wantCode: codeA, wantOK: true, wantValid: true}}},
		{"ideographic space trimmed", Config{}, []step{{typed: "\u3000" + codeA + "\u3000\x1d", wantCode: codeA, wantOK: true, wantValid: true}}},
		{"backspace fixes a typo", Config{}, []step{{typed: "1345678901234567899\b\x1d", wantCode: codeA, wantOK: true, wantValid: true}}},
		{"backspace on multibyte", Config{}, []step{{typed: "二\b" + codeA + "\x1d", wantCode: codeA, wantOK: true, wantValid: true}}},
		{"backspace on empty", Config{}, []step{{typed: "\b\b" + codeA + "\x1d", wantCode: codeA, wantOK: true, wantValid: true}}},
		{"empty enter gives nothing", Config{}, []step{{typed: "\x1d"}, {typed: "  \x1d"}}},
		{"product barcode", Config{}, []step{{typed: "6901234567892\x1d", wantCode: "6901234567892", wantOK: true, reason: ReasonProductBarcode}}},
		{"partial", Config{}, []step{{typed: "13456\x1d", wantCode: "13456", wantOK: true, reason: ReasonPartialRead}}},
		{"aim stripped", Config{StripAIM: true}, []step{{typed: "]C0" + codeA + "\x1d", wantCode: codeA, wantOK: true, wantValid: true}}},
		{"over-long capped", Config{MaxLen: 20}, []step{{typed: strings.Repeat("1", 100) + "\x1d", wantCode: strings.Repeat("1", 20), wantOK: true, reason: ReasonTooLong}}},
		{"two codes in a row", Config{}, []step{
			{typed: codeA + "\x1d", wantCode: codeA, wantOK: true, wantValid: true},
			{typed: codeB + "\x1d", wantCode: codeB, wantOK: true, wantValid: true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := NewWedge(tt.cfg)
			for i, st := range tt.steps {
				var sc Scan
				var ok bool
				for _, r := range st.typed {
					switch r {
					case '\b':
						w.Backspace()
					case '\x1d':
						sc, ok = w.Enter()
					default:
						if s, done := w.TypeRune(r); done {
							sc, ok = s, done
						}
					}
				}
				if ok != st.wantOK {
					t.Fatalf("step %d: got scan %v, want one %v", i, ok, st.wantOK)
				}
				if !ok {
					continue
				}
				if sc.Code != st.wantCode || sc.OK() != st.wantValid || sc.Reason() != st.reason || sc.Source != SourceKeyboard {
					t.Fatalf("step %d: scan %q ok=%v reason=%q source=%q", i, sc.Code, sc.OK(), sc.Reason(), sc.Source)
				}
				if w.Len() != 0 {
					t.Fatalf("step %d: %d bytes left after Enter", i, w.Len())
				}
			}
		})
	}
}

func TestWedgeReset(t *testing.T) {
	w := NewWedge(Config{})
	for _, r := range "13456" {
		w.TypeRune(r)
	}
	if w.Len() != 5 {
		t.Fatalf("Len = %d", w.Len())
	}
	w.Reset()
	for _, r := range codeB {
		w.TypeRune(r)
	}
	if sc, ok := w.Enter(); !ok || sc.Code != codeB {
		t.Fatalf("after Reset got %q", sc.Code)
	}
}
