package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// scannerGap is the time between two keys typed by a keyboard-wedge
// scanner (xdotool type --delay 4 at the counter's test rig).
const scannerGap = 4 * time.Millisecond

// wedgeScan types text the way a keyboard-wedge scanner does: a pause,
// then every character a few ms apart and Enter.
func (h *harness) wedgeScan(text string) {
	h.wait(time.Second)
	r := []rune(text)
	h.typeAt(0, string(r[:1]))
	h.typeAt(scannerGap, string(r[1:])+"\n")
}

// TestWedgeScanOnSaleScreen is issue 17's blocker: key 36, scan a code
// without F1. The code must never reach the amount; it starts scan-pay
// with the keyed ¥36.00.
func TestWedgeScanOnSaleScreen(t *testing.T) {
	h := newHarness(t)
	h.typeText("36")
	sale := screenAs[*saleScreen](h)
	if got := sale.total.Text(); got != "¥36.00" {
		t.Fatalf("keyed total %q, want ¥36.00", got)
	}
	h.wedgeScan(goodCode)

	sc := screenAs[*scanScreen](h)
	h.waitFor("payment to start", func() bool { return h.fake.count() == 1 })
	codes, _, _, _ := h.fake.snapshot()
	if len(codes) != 1 || codes[0] != goodCode {
		t.Fatalf("codes sent %q, want [%s]", codes, goodCode)
	}
	if got := h.fake.sales[h.fake.last()].TotalFen; got != 3600 {
		t.Errorf("charged %d fen, want 3600", got)
	}
	if got := sc.amount.Text(); got != "¥36.00" {
		t.Errorf("scan screen shows %q, want ¥36.00", got)
	}
	if got := h.term.draft.input.Text(); got != "36" {
		t.Errorf("keyed amount became %q, want 36", got)
	}
}

func TestWedgeScanWithoutAmountAsksForOne(t *testing.T) {
	h := newHarness(t)
	h.wedgeScan(goodCode)
	s := screenAs[*saleScreen](h)
	if s.hint.Text != zh(msgSaleScanNoAmount) || s.hint.Importance != widget.DangerImportance {
		t.Errorf("hint %q (importance %v), want the scan-without-amount warning", s.hint.Text, s.hint.Importance)
	}
	if got := s.total.Text(); got != "¥0.00" {
		t.Errorf("total %q, want ¥0.00", got)
	}
	if n := h.fake.count(); n != 0 {
		t.Errorf("%d payments started, want none", n)
	}
}

func TestWedgeBurstNotACodeLeavesAmount(t *testing.T) {
	tests := []struct {
		name, scanned string
		want          msg // the hint: not a payment code, or another wallet's
	}{
		{"a product barcode", "6901234567890", msgSaleNotCode},
		{"an Alipay payment code", "281234567890123456", msgSaleOnlyWeChat},
		{"a UnionPay payment code", "6212345678901234567", msgSaleOnlyWeChat},
		{"a code with a keyed digit before it", "5" + goodCode[1:], msgSaleNotCode},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.typeText("36")
			h.wedgeScan(tc.scanned)
			s := screenAs[*saleScreen](h)
			if got := s.total.Text(); got != "¥36.00" {
				t.Errorf("total %q after the burst, want ¥36.00", got)
			}
			want := zh(tc.want)
			if tc.want == msgSaleNotCode {
				want = zh(msgSaleNotCode, shortScan(tc.scanned))
			}
			if s.hint.Text != want {
				t.Errorf("hint %q, want %q", s.hint.Text, want)
			}
			if n := h.fake.count(); n != 0 {
				t.Errorf("%d payments started, want none", n)
			}
		})
	}
}

// A scanner without an Enter suffix: the code is taken when input goes
// quiet, and the digits still never reach the amount.
func TestWedgeScanWithoutSuffix(t *testing.T) {
	h := newHarness(t)
	h.typeText("8")
	h.wait(time.Second)
	h.typeAt(0, goodCode[:1])
	h.typeAt(scannerGap, goodCode[1:])
	if got := screenAs[*saleScreen](h).total.Text(); got != "¥8.00" {
		t.Fatalf("total %q while the scan is held, want ¥8.00", got)
	}
	h.quiet()
	screenAs[*scanScreen](h)
	h.waitFor("payment to start", func() bool { return h.fake.count() == 1 })
	if got := h.fake.sales[h.fake.last()].TotalFen; got != 800 {
		t.Errorf("charged %d fen, want 800", got)
	}
}

// On the scan screen a wedge scan is submitted as one code.
func TestWedgeScanOnScanScreen(t *testing.T) {
	h := newHarness(t)
	h.typeText("12")
	h.key(fyne.KeyF1)
	screenAs[*scanScreen](h)
	h.wedgeScan("6901234567890")
	sc := screenAs[*scanScreen](h)
	if want := zh(msgScanNotCode, "6901234567890"); sc.reason.Text != want {
		t.Errorf("reason %q, want %q", sc.reason.Text, want)
	}
	h.wedgeScan(goodCode)
	h.waitFor("payment to start", func() bool { return h.fake.count() == 1 })
	if codes, _, _, _ := h.fake.snapshot(); codes[0] != goodCode {
		t.Errorf("code sent %q", codes[0])
	}
}

func TestAmountCeiling(t *testing.T) {
	h := newHarness(t, WithAmountLimits(10_000, 5_000)) // ¥100, confirm above ¥50
	h.typeText("100")
	h.typeText("1")
	s := screenAs[*saleScreen](h)
	if got := s.total.Text(); got != "¥100.00" {
		t.Errorf("total %q, want ¥100.00 (the digit past the ceiling refused)", got)
	}
	if want := zh(msgSaleOverMax, "¥1001.00", "¥100.00"); s.hint.Text != want {
		t.Errorf("hint %q, want %q", s.hint.Text, want)
	}
	// Item lines count too: the next line may only take what is left.
	h.key(fyne.KeyEscape)
	h.typeText("60+50")
	if got := s.total.Text(); got != "¥65.00" {
		t.Errorf("total %q, want ¥65.00 (60 + 5, the 0 refused)", got)
	}
	if n := h.fake.count(); n != 0 {
		t.Errorf("%d payments started", n)
	}
}

func TestLargeAmountConfirm(t *testing.T) {
	t.Run("keyed then Enter twice", func(t *testing.T) {
		h := newHarness(t, WithAmountLimits(0, 5_000))
		h.typeText("60")
		h.key(fyne.KeyReturn)
		s := screenAs[*saleScreen](h)
		if want := zh(msgSaleConfirm, "¥60.00"); s.hint.Text != want {
			t.Fatalf("hint %q, want %q", s.hint.Text, want)
		}
		h.key(fyne.KeyReturn)
		screenAs[*scanScreen](h)
	})
	t.Run("Esc goes back and keeps the amount", func(t *testing.T) {
		h := newHarness(t, WithAmountLimits(0, 5_000))
		h.typeText("60")
		h.key(fyne.KeyF2)
		h.key(fyne.KeyEscape)
		s := screenAs[*saleScreen](h)
		if s.total.Text() != "¥60.00" || s.hint.Text != zh(msgSaleHint) {
			t.Errorf("total %q hint %q", s.total.Text(), s.hint.Text)
		}
		h.key(fyne.KeyF2)
		screenAs[*saleScreen](h) // asks again
	})
	t.Run("a changed amount asks again", func(t *testing.T) {
		h := newHarness(t, WithAmountLimits(0, 5_000))
		h.typeText("60")
		h.key(fyne.KeyF3)
		h.typeText("0")
		h.key(fyne.KeyF3)
		s := screenAs[*saleScreen](h)
		if want := zh(msgSaleConfirm, "¥600.00"); s.hint.Text != want {
			t.Errorf("hint %q, want %q", s.hint.Text, want)
		}
	})
	t.Run("a scanned code waits for the confirmation", func(t *testing.T) {
		h := newHarness(t, WithAmountLimits(0, 5_000))
		h.typeText("60")
		h.wedgeScan(goodCode)
		s := screenAs[*saleScreen](h)
		if !strings.Contains(s.hint.Text, "¥60.00") || h.fake.count() != 0 {
			t.Fatalf("hint %q, %d payments: want a confirmation first", s.hint.Text, h.fake.count())
		}
		h.key(fyne.KeyReturn)
		screenAs[*scanScreen](h)
		h.waitFor("payment to start", func() bool { return h.fake.count() == 1 })
		if codes, _, _, _ := h.fake.snapshot(); codes[0] != goodCode {
			t.Errorf("code sent %q", codes[0])
		}
	})
}
