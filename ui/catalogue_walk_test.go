package ui

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
)

var (
	errPaperOut  = errors.New("escpos: write /dev/usb/lp0: paper out")
	wrapCodeUsed = fmt.Errorf("payment code …2153: %w", pos.ErrCodeUsed)
)

// shownTexts lists every text a user can read in o: labels, buttons,
// choices, hints and drawn text, skipping hidden objects and what the user
// typed into a field.
func shownTexts(o fyne.CanvasObject) []string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch v := o.(type) {
		case *widget.Label:
			out = append(out, v.Text)
		case *keyButton:
			out = append(out, v.Text)
		case *widget.Check:
			out = append(out, v.Text)
		case *keySelect:
			out = append(out, v.Options...)
			out = append(out, v.PlaceHolder)
		case *keyRadio:
			out = append(out, v.Options...)
		case *widget.Hyperlink:
			out = append(out, v.Text)
		case *widget.RichText:
			out = append(out, v.String())
		case *canvas.Text:
			out = append(out, v.Text)
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
		case *widget.Entry:
			out = append(out, v.PlaceHolder)
		case *keyEntry:
			out = append(out, v.PlaceHolder)
		case *keySelectEntry:
			out = append(out, v.PlaceHolder)
		case *widget.SelectEntry:
			out = append(out, v.PlaceHolder)
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(v).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return out
}

// windowTexts is shownTexts of the whole window: content and dialogs.
func (h *harness) windowTexts() []string {
	out := shownTexts(h.w.Canvas().Content())
	for _, o := range h.w.Canvas().Overlays().List() {
		out = append(out, shownTexts(o)...)
	}
	return out
}

var (
	catalogueOnce sync.Once
	cataloguePats []*regexp.Regexp
	verbPat       = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z]`)
)

// catalogueEntry reports whether text is a catalogue entry in either
// language, with any arguments filled in: %d a number, %s anything.
func catalogueEntry(text string) bool {
	catalogueOnce.Do(func() {
		for _, table := range catalogue {
			for _, tr := range table {
				for _, s := range []string{tr.zh, tr.en} {
					var b strings.Builder
					b.WriteString("^")
					last := 0
					for _, loc := range verbPat.FindAllStringIndex(s, -1) {
						b.WriteString(regexp.QuoteMeta(s[last:loc[0]]))
						if strings.HasSuffix(s[loc[0]:loc[1]], "d") {
							b.WriteString(`-?[0-9]+`)
						} else {
							b.WriteString(`(?s:.*)`)
						}
						last = loc[1]
					}
					b.WriteString(regexp.QuoteMeta(s[last:]) + "$")
					cataloguePats = append(cataloguePats, regexp.MustCompile(b.String()))
				}
			}
		}
	})
	for _, p := range cataloguePats {
		if p.MatchString(text) {
			return true
		}
	}
	return false
}

// dataText is text that is data, not a message: an amount, a number, a
// time, an order or receipt number — no word of any language in it.
var dataText = regexp.MustCompile(`^([0-9A-Z¥.,:;/+\-–—_ ()#×%…•·=]*|[0-9]+ mm)$`)

// internalWords are what the domain's errors say; none may reach a screen.
var internalWords = []string{"declined:", "payment code already used", "transport:", "not recorded —", "wechat:", "invalid state transition", "order busy", "refund limit", "disk full:", "wrong name or PIN", "paper out"}

// assertCatalogue fails for any text on the window that is neither a
// catalogue entry nor data; names are data the test put there (people).
func (h *harness) assertCatalogue(t *testing.T, where string, names ...string) {
	t.Helper()
	names = append(names, "Test store", "Test")
	var parts []string
	for _, s := range h.windowTexts() {
		// A row lists columns two spaces apart (number, amount, tender…),
		// a label may hold lines: each must be an entry or data.
		for _, line := range strings.Split(s, "\n") {
			if catalogueEntry(strings.TrimSpace(line)) {
				parts = append(parts, line)
				continue
			}
			parts = append(parts, strings.Split(line, "  ")...)
		}
	}
	for _, s := range parts {
		s = strings.TrimSpace(s)
		if s == "" || dataText.MatchString(s) || catalogueEntry(s) || containsName(names, s) {
			for _, w := range internalWords {
				if strings.Contains(s, w) {
					t.Errorf("%s: internal error text on screen: %q", where, s)
				}
			}
			continue
		}
		t.Errorf("%s (%s): %q is not a catalogue entry", where, h.term.cat.lang, s)
	}
}

func containsName(names []string, s string) bool {
	for _, n := range names {
		if s == n {
			return true
		}
	}
	return false
}

// TestCashierScreensSayOnlyCatalogue walks the cashier's screens through
// success and each failure the screens render, in both languages, and
// fails on any text that is not a catalogue entry (or data).
func TestCashierScreensSayOnlyCatalogue(t *testing.T) {
	for _, lang := range []Lang{LangZH, LangEN} {
		t.Run(string(lang), func(t *testing.T) {
			var f *fakeCheckout
			h := newHarness(t, WithLanguage(lang), WithTraining(true), func(o *options) { o.customer = fakeCustomer{f} })
			f = h.fake
			h.assertCatalogue(t, "sale, empty")
			h.typeText("12.5")
			h.assertCatalogue(t, "sale, keyed")
			h.key(fyne.KeyF3)
			h.typeText("2")
			h.assertCatalogue(t, "cash, short")
			h.wedgeScan(goodCode)
			h.assertCatalogue(t, "cash, scan offered")
			h.key(fyne.KeyEscape)
			h.assertCatalogue(t, "cash, scan dropped")
			h.typeText("0")
			h.key(fyne.KeyReturn)
			h.waitFor("receipt", onScreen[*receiptScreen](h))
			h.assertCatalogue(t, "cash receipt")
			h.print.err = errPaperOut
			h.key(fyne.KeyF6)
			r := screenAs[*receiptScreen](h)
			h.waitFor("print failure", func() bool { return !r.busy && r.printMsg.Text != "" })
			h.assertCatalogue(t, "print failure")
			h.key(fyne.KeyReturn)

			h.typeText("5")
			h.key(fyne.KeyF1)
			h.wedgeScan(goodCode)
			s := screenAs[*scanScreen](h)
			h.waitFor("payment", func() bool { return h.term.pay != nil && h.term.pay.outTradeNo != "" })
			h.assertCatalogue(t, "scan, submitting")
			no := h.fake.last()
			h.fake.emit(no, Update{State: StateWaitingPassword, Deadline: h.clock.Now().Add(30e9)})
			h.waitFor("password", func() bool { return s.state == StateWaitingPassword })
			h.assertCatalogue(t, "scan, password")
			h.fake.emit(no, Update{State: StateFailed, Reason: ReasonNotEnough})
			h.waitFor("failed", func() bool { return s.phase == scanDone })
			h.assertCatalogue(t, "scan, insufficient funds")
			h.key(fyne.KeyEscape)
			h.key(fyne.KeyEscape)

			h.fake.payErr = wrapCodeUsed
			h.typeText("5")
			h.key(fyne.KeyF1)
			h.wedgeScan(goodCode)
			s = screenAs[*scanScreen](h)
			h.waitFor("refused", func() bool { return s.phase == scanDone })
			h.assertCatalogue(t, "scan, code used")
			h.fake.payErr = nil
			h.key(fyne.KeyEscape)
			h.key(fyne.KeyEscape)

			h.typeText("6")
			h.key(fyne.KeyF1)
			h.wedgeScan(goodCode)
			h.waitFor("payment", func() bool { return h.term.pay != nil && h.term.pay.outTradeNo != "" })
			h.fake.emit(h.fake.last(), Update{State: StateUnknown})
			h.waitFor("unknown", onScreen[*unknownScreen](h))
			h.assertCatalogue(t, "unknown")
			h.key(fyne.KeyF8)

			h.typeText("7")
			h.key(fyne.KeyF2)
			q := screenAs[*qrScreen](h)
			h.waitFor("order", func() bool { return h.term.pay != nil && h.term.pay.outTradeNo != "" })
			h.fake.emit(h.fake.last(), Update{State: StateShowingQR, CodeURL: "weixin://wxpay/bizpayurl?pr=Ab12Cd3", Deadline: time.Now().Add(time.Minute)})
			h.waitFor("QR", func() bool { return q.state == StateShowingQR })
			h.assertCatalogue(t, "QR shown")
			h.key(fyne.KeyEscape)
			h.waitFor("closed", func() bool { return q.state == StateClosed })
			h.assertCatalogue(t, "QR closed")
			h.key(fyne.KeyEscape)

			h.key(fyne.KeyF5)
			h.waitFor("history", func() bool { return len(h.windowTexts()) > 0 })
			h.drain()
			h.assertCatalogue(t, "history")
			h.key(fyne.KeyEscape)
			h.key(fyne.KeyF9)
			h.assertCatalogue(t, "settings")
		})
	}
}

// TestManagerFailuresSayOnlyCatalogue: a wrong PIN until locked out, a
// refund refused for being too much, and the manager screens, in both
// languages, say nothing that is not a catalogue entry.
func TestManagerFailuresSayOnlyCatalogue(t *testing.T) {
	for _, lang := range []Lang{LangZH, LangEN} {
		t.Run(string(lang), func(t *testing.T) {
			w := newMgrWorld(t)
			sale, err := w.core.PayScan(context.Background(), pos.Sale{AmountFen: 2500, Cashier: "Li"}, postest.Code(postest.Success, 3))
			if err != nil {
				t.Fatal(err)
			}
			h := newHarness(t, WithLanguage(lang), WithManager(w.desk))
			h.key(fyne.KeyF10)
			home := screenAs[*managerHome](h)
			h.waitFor("menu", func() bool { return len(home.tiles) > 0 })
			h.assertCatalogue(t, "manager menu")
			for _, key := range []string{"2", "3", "4"} {
				h.typeText(key)
				h.drain()
				h.assertCatalogue(t, "tile "+key, "Wang")
				h.key(fyne.KeyEscape)
			}

			h.term.ShowRefund(w.desk, sale.OutTradeNo)
			s := screenAs[*refundScreen](h)
			h.waitFor("sale picked", func() bool { return s.sale != nil && s.fresh })
			s.full.SetSelected(h.term.mt(msgRefPartial))
			s.amount.SetText("30.00")
			s.reason.SetText("x")
			test.Tap(s.submit)
			h.assertCatalogue(t, "refund: too much", "x")
			s.amount.SetText("10.00")
			test.Tap(s.submit)
			locked := h.term.mt(msgMgrLocked, "")
			locked = locked[:strings.Index(locked, " ")]
			for i := 0; i < 10 && !strings.HasPrefix(s.c.prompt.pinErr.Text, locked); i++ {
				answerPIN(h, s.c, "Wang", "0000")
				h.waitFor("answer", func() bool { return s.c.prompt.pinErr.Visible() })
				h.assertCatalogue(t, "refund: wrong PIN", "x", "Wang")
			}
			if st := s.c.prompt.pinErr.Text; !strings.HasPrefix(st, locked) {
				t.Fatalf("never locked out: %q", st)
			}
		})
	}
}
