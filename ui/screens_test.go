package ui

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/report"
	"github.com/wxpos/wxpos/tz"
)

// largestText returns the size of the largest text drawn under o, leaving
// out the texts in except.
func largestText(o fyne.CanvasObject, except ...*canvas.Text) float32 {
	var max float32
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if !o.Visible() {
			return
		}
		switch v := o.(type) {
		case *canvas.Text:
			if v.Text != "" && v.TextSize > max && !slices.Contains(except, v) {
				max = v.TextSize
			}
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(v).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return max
}

// TestWhatMattersIsLargest: the password countdown, "payment failed", the
// change and the amount paid are each the largest text on their screen.
func TestWhatMattersIsLargest(t *testing.T) {
	tests := []struct {
		name  string
		steps func(h *harness) (screen fyne.CanvasObject, news *canvas.Text, want string)
		// as large as the news, by design: the change beside the paid amount
		also func(h *harness) *canvas.Text
	}{
		{"password countdown", func(h *harness) (fyne.CanvasObject, *canvas.Text, string) {
			s := startScan(t, h, "12.50", goodCode)
			h.fake.emit(h.fake.last(), Update{State: StateWaitingPassword, Deadline: time.Now().Add(25 * time.Second)})
			h.waitFor("password", func() bool { return s.state == StateWaitingPassword })
			return s.view(), s.headline, "秒"
		}, nil},
		{"payment failed", func(h *harness) (fyne.CanvasObject, *canvas.Text, string) {
			s := startScan(t, h, "12.50", goodCode)
			h.fake.emit(h.fake.last(), Update{State: StateFailed, Reason: ReasonNotEnough})
			h.waitFor("failed", func() bool { return s.state == StateFailed })
			if s.headline.Color != theme.Color(theme.ColorNameError) {
				t.Errorf("failure drawn in %v, not the error colour", s.headline.Color)
			}
			return s.view(), s.headline, zh(msgCommonFailed)
		}, nil},
		{"change", func(h *harness) (fyne.CanvasObject, *canvas.Text, string) {
			h.typeText("12.5")
			h.key(fyne.KeyF3)
			h.typeText("100")
			s := screenAs[*cashScreen](h)
			return s.view(), s.change.amount, "¥87.50"
		}, nil},
		{"amount paid", func(h *harness) (fyne.CanvasObject, *canvas.Text, string) {
			h.typeText("12.5")
			h.key(fyne.KeyF3)
			h.typeText("100")
			h.key(fyne.KeyReturn)
			h.waitFor("receipt", onScreen[*receiptScreen](h))
			s := screenAs[*receiptScreen](h)
			if !s.change.Visible() || s.change.Text() != "¥87.50" || s.change.amount.TextSize != s.paid.amount.TextSize {
				t.Errorf("change on the receipt: visible %v %q size %v", s.change.Visible(), s.change.Text(), s.change.amount.TextSize)
			}
			return s.root, s.paid.amount, "¥12.50"
		}, func(h *harness) *canvas.Text { return screenAs[*receiptScreen](h).change.amount }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			view, news, want := tt.steps(h)
			if !news.Visible() || !strings.Contains(news.Text, want) {
				t.Fatalf("shows %q (visible %v), want %q", news.Text, news.Visible(), want)
			}
			except := []*canvas.Text{news}
			if tt.also != nil {
				except = append(except, tt.also(h))
			}
			if got := largestText(view, except...); news.TextSize <= got || news.TextSize < themeSize(sizeNameHero) {
				t.Errorf("%q drawn at %v, other text on the screen at %v", news.Text, news.TextSize, got)
			}
		})
	}
}

// TestBusinessDayShown: after the Z report the sale screen's status bar
// says which business day sales now go to; before it, nothing. The day
// screen always says it.
func TestBusinessDayShown(t *testing.T) {
	w := newMgrWorld(t)
	h := newHarness(t, WithManager(w.desk))
	book := w.desk.Days()
	today := book.Today()
	h.drain()
	if got := h.term.bar.BusinessDay(); got != "" {
		t.Fatalf("before the Z the bar says %q", got)
	}
	if _, err := book.Open(today, "Wang", 0); err != nil {
		t.Fatal(err)
	}
	w.endShift(t)
	if _, err := book.Close(today, "Wang", nil); err != nil {
		t.Fatal(err)
	}
	next, _ := time.ParseInLocation("20060102", today, tz.Shanghai)
	next = next.AddDate(0, 0, 1)
	h.key(fyne.KeyEscape) // back to a fresh sale screen
	h.term.showSale()
	h.waitFor("business day in the bar", func() bool {
		return strings.Contains(h.term.bar.BusinessDay(), next.Format("01-02"))
	})
	w.nextShift(t)
	o, err := w.core.PayCash(context.Background(), pos.Sale{AmountFen: 100}, 100)
	if err != nil || o.BusinessDay != next.Format("20060102") {
		t.Fatalf("the bar says %s, the sale went to %s (%v)", next.Format("01-02"), o.BusinessDay, err)
	}

	c := &console{t: h.term, m: w.desk}
	h.term.show(newDayScreen(c))
	s := screenAs[*dayScreen](h)
	h.waitFor("day screen's business day", func() bool { return strings.Contains(s.bizDay.Text, next.Format("2006-01-02")) })
}

// TestDayScreenVarianceAndFieldErrors: the Z's cash difference carries its
// sign and colour (short red, over orange); a bad amount is said under its
// own field in the error colour, not in the line at the bottom.
func TestDayScreenVarianceAndFieldErrors(t *testing.T) {
	tests := []struct {
		name    string
		counted int64
		want    string
		imp     widget.Importance
	}{
		{"short", 900, "-¥1.00", widget.DangerImportance},
		{"over", 1150, "+¥1.50", widget.WarningImportance},
		{"balanced", 1000, "¥0.00", widget.SuccessImportance},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newMgrWorld(t)
			book := w.desk.Days()
			if _, err := book.Open(book.Today(), "Wang", 1000); err != nil {
				t.Fatal(err)
			}
			counted := tt.counted
			w.endShift(t)
			if _, err := book.Close(book.Today(), "Wang", &counted); err != nil {
				t.Fatal(err)
			}
			h := newHarness(t)
			h.term.show(newDayScreen(&console{t: h.term, m: w.desk}))
			s := screenAs[*dayScreen](h)
			h.waitFor("Z", func() bool { return s.rep.r != nil && s.rep.r.CashCounted })
			if !s.rep.variance.Visible() || len(s.rep.variance.Objects) != 1 {
				t.Fatal("no variance line")
			}
			row := s.rep.variance.Objects[0].(*fyne.Container)
			v := row.Objects[1].(*widget.Label)
			if v.Text != tt.want || v.Importance != tt.imp {
				t.Errorf("variance %q importance %v, want %q %v", v.Text, v.Importance, tt.want, tt.imp)
			}
		})
	}

	t.Run("field errors", func(t *testing.T) {
		w := newMgrWorld(t)
		h := newHarness(t)
		h.term.show(newDayScreen(&console{t: h.term, m: w.desk}))
		s := screenAs[*dayScreen](h)
		h.waitFor("session", func() bool { return s.session != nil })
		s.float.SetText("12.345")
		test.Tap(s.openBtn)
		if !s.floatErr.Visible() || s.floatErr.Text != h.term.mt(msgRefBadAmount) || s.floatErr.Importance != widget.DangerImportance {
			t.Errorf("float error %q visible %v", s.floatErr.Text, s.floatErr.Visible())
		}
		if s.message.Text != "" {
			t.Errorf("error also at the bottom: %q", s.message.Text)
		}
		s.float.SetText("100")
		test.Tap(s.openBtn)
		if s.floatErr.Visible() {
			t.Error("float error still shown after a good amount")
		}
		h.waitFor("opened", func() bool { return s.session.State == report.StateOpen })
		s.moveAmt.SetText("5")
		test.Tap(s.inBtn)
		if s.moveErr.Text != h.term.mt(msgRefNeedReason) || !s.moveErr.Visible() {
			t.Errorf("missing reason said as %q", s.moveErr.Text)
		}
	})
}

// TestFirstRunFormErrorsAtTheField: PINs that differ are said under the
// second PIN, a weak PIN under the first, both in the error colour, and
// not in the line at the bottom of the screen.
func TestFirstRunFormErrorsAtTheField(t *testing.T) {
	desk, _ := newSetupDesk(t)
	h := newHarness(t, WithManager(desk))
	h.key(fyne.KeyF10)
	home := screenAs[*managerHome](h)
	h.waitFor("setup form focused", func() bool { return h.focused() != nil })
	h.typeText("Wang\n2468\n2469\n")
	if !home.againErr.Visible() || home.againErr.Text != h.term.mt(msgMgrPINsDiffer) || home.againErr.Importance != widget.DangerImportance {
		t.Fatalf("PINs differ said as %q (visible %v)", home.againErr.Text, home.againErr.Visible())
	}
	if home.message.Text != "" || home.pinErr.Visible() {
		t.Errorf("also said at the bottom %q / under the first PIN %q", home.message.Text, home.pinErr.Text)
	}

	h2 := newHarness(t, WithManager(desk))
	h2.key(fyne.KeyF10)
	home2 := screenAs[*managerHome](h2)
	h2.waitFor("setup form focused", func() bool { return h2.focused() != nil })
	h2.typeText("Wang\n1234\n1234\n")
	h2.waitFor("weak PIN under the PIN", func() bool { return home2.pinErr.Visible() })
	if home2.pinErr.Text != h2.term.mt(msgMgrWeakPIN) || home2.againErr.Visible() || home2.message.Text != "" {
		t.Errorf("weak PIN: pin %q, again %q, bottom %q", home2.pinErr.Text, home2.againErr.Text, home2.message.Text)
	}
}
