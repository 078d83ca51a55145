package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/wxpos/wxpos/staff"
)

// TestScanNeverLandsInAField is the rest of issue 17 part 1: whichever text
// field has focus, a customer's payment code scanned at scanner speed never
// becomes its text (a name, a PIN, a reason, the audit trail); the screen
// either uses it or says it was not used.
func TestScanNeverLandsInAField(t *testing.T) {
	w := newMgrWorld(t)
	notHere := func(h *harness) string { return h.term.outcomes.note }
	tests := []struct {
		name string
		open func(h *harness, c *console) classifiedField
		// said is the text that must tell the cashier what became of the scan.
		said func(h *harness) string
		want msg
	}{
		{"history search", func(h *harness, c *console) classifiedField {
			h.key(fyne.KeyF5)
			return (screenAs[*historyScreen](h).search)
		}, notHere, msgScanNotHere},
		{"audit who", func(h *harness, c *console) classifiedField {
			s := newAuditScreen(c)
			h.term.show(s)
			return (s.who)
		}, notHere, msgScanNotHere},
		{"day reason", func(h *harness, c *console) classifiedField {
			s := newDayScreen(c)
			h.term.show(s)
			return (s.moveWhy)
		}, notHere, msgScanNotHere},
		{"force reason", func(h *harness, c *console) classifiedField {
			s := newForceScreen(c)
			h.term.show(s)
			return (s.reason)
		}, notHere, msgScanNotHere},
		{"settings store name", func(h *harness, c *console) classifiedField {
			s := newManagerSettings(c, "Wang")
			h.term.show(s)
			return (s.storeName)
		}, func(h *harness) string { return screenAs[*managerSettings](h).scanResult.Text }, msgSetScanOK},
		{"refund search", func(h *harness, c *console) classifiedField {
			s := newRefundScreen(c)
			h.term.show(s)
			return (s.search)
		}, func(h *harness) string { return screenAs[*refundScreen](h).message.Text }, msgRefScannedPayCode},
		{"PIN prompt", func(h *harness, c *console) classifiedField {
			h.term.show(newDayScreen(c))
			c.askPIN(staff.ActionDayClose, "20261126", 0, func(staff.Approval) { h.t.Error("approved by a scan") })
			return (c.prompt.pin)
		}, notHere, msgScanNotHere},
	}
	for _, lang := range []Lang{LangZH, LangEN} {
		for _, tt := range tests {
			t.Run(string(lang)+"/"+tt.name, func(t *testing.T) {
				h := newHarness(t, WithLanguage(lang))
				c := &console{t: h.term, m: w.desk}
				f := tt.open(h, c)
				if r, ok := h.term.cur.(*refundScreen); ok {
					h.waitFor("sales listed", func() bool { return r.message.Text != h.term.mt(msgMgrLoading) })
				}
				h.drain()
				h.w.Canvas().Focus(f)
				f.entry().SetText("")
				h.typeText("ab")
				if got := f.entry().Text; got != "ab" {
					t.Fatalf("typed by hand: %q, want ab", got)
				}
				h.wedgeScan(goodCode)
				h.drain()
				if got := f.entry().Text; got != "ab" {
					t.Errorf("after a scan the field holds %q, want ab", got)
				}
				want := h.term.cat.T(tt.want)
				if tt.want == msgSetScanOK {
					want = h.term.cat.T(tt.want, "••••••••••••••6789")
				}
				if got := tt.said(h); got != want {
					t.Errorf("the cashier reads %q, want %q", got, want)
				}
				if n := h.fake.count(); n != 0 {
					t.Errorf("%d payments started", n)
				}
			})
		}
	}
}

// TestFastTypingStillReachesAField: a burst that is not a payment code
// (a fast typist, a receipt number) is text for the focused field.
func TestFastTypingStillReachesAField(t *testing.T) {
	w := newMgrWorld(t)
	h := newHarness(t)
	c := &console{t: h.term, m: w.desk}
	s := newAuditScreen(c)
	h.term.show(s)
	h.drain()
	h.w.Canvas().Focus(s.who)
	h.wedgeScan("Wang")
	h.quiet()
	if s.who.Text != "Wang" {
		t.Errorf("who %q, want Wang", s.who.Text)
	}
}

// TestCashScreenScanOffersScanPay: a payment code scanned on the cash
// screen is not dropped and not charged by itself: F1 charges it by scan
// for the same amount, Esc says it was not used.
func TestCashScreenScanOffersScanPay(t *testing.T) {
	for _, lang := range []Lang{LangZH, LangEN} {
		t.Run(string(lang)+"/F1 charges it", func(t *testing.T) {
			h := newHarness(t, WithLanguage(lang))
			h.typeText("12.5")
			h.key(fyne.KeyF3)
			cs := screenAs[*cashScreen](h)
			h.typeText("2")
			h.wedgeScan(goodCode)
			if n := h.fake.count(); n != 0 {
				t.Fatalf("%d payments started by the scan alone", n)
			}
			if want := h.term.cat.T(msgCashScanOffer, "¥12.50"); cs.short.Text != want || !cs.scanBtn.Visible() {
				t.Fatalf("cash screen says %q (button shown %v), want %q", cs.short.Text, cs.scanBtn.Visible(), want)
			}
			if got := cs.input.Fen(); got != 200 {
				t.Errorf("tendered %d fen after the scan, want the keyed 200", got)
			}
			h.key(fyne.KeyF1)
			screenAs[*scanScreen](h)
			h.waitFor("payment", func() bool { return h.fake.count() == 1 })
			codes, _, _, cash := h.fake.snapshot()
			if len(codes) != 1 || codes[0] != goodCode || len(cash) != 0 {
				t.Errorf("codes %v, cash %v: want the scanned code charged and no cash", codes, cash)
			}
			if got := h.fake.sales[h.fake.last()].TotalFen; got != 1250 {
				t.Errorf("charged %d fen, want 1250", got)
			}
		})
		t.Run(string(lang)+"/Esc drops it", func(t *testing.T) {
			h := newHarness(t, WithLanguage(lang))
			h.typeText("12.5")
			h.key(fyne.KeyF3)
			cs := screenAs[*cashScreen](h)
			h.wedgeScan(goodCode)
			h.key(fyne.KeyEscape)
			if want := h.term.cat.T(msgCashScanDropped); cs.short.Text != want || cs.scanBtn.Visible() {
				t.Errorf("after Esc: %q (button %v), want %q", cs.short.Text, cs.scanBtn.Visible(), want)
			}
			screenAs[*cashScreen](h)
			h.key(fyne.KeyF1)
			if n := h.fake.count(); n != 0 || !strings.Contains(cs.short.Text, want(h, msgCashScanDropped)) {
				t.Errorf("F1 after Esc: %d payments, %q", n, cs.short.Text)
			}
			h.key(fyne.KeyEscape)
			screenAs[*saleScreen](h)
		})
	}
}

func want(h *harness, m msg) string { return h.term.cat.T(m) }
