package ui

import (
	"context"
	"errors"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/wxpos/wxpos/shift"
	"github.com/wxpos/wxpos/staff"
	"github.com/wxpos/wxpos/tz"
)

// shiftScreen is the cashier's shift (班次, F11 on the sale screen): its X
// report as it stands — per tender and per cashier, cash in and out, never
// the drawer's expected cash — and the close (交班) with a blind count: the
// cashier types what the drawer holds, confirms with their PIN (or a
// manager's), and only then sees what was expected and the variance,
// highlighted when not 0. A handover names the next cashier, their PIN and
// the float left in the drawer: their shift opens in the same commit.
//
// Keys: Enter moves through the fields and closes; F8 locks, F2 switches
// cashier without closing, Esc goes back to the sale.
type shiftScreen struct {
	t                                 *Terminal
	cur                               *shift.Shift
	count, by, byPIN, next, nextPIN   *keyEntry
	float                             *keyEntry
	countErr, pinErr, nextErr, status *widget.Label
	form, report, body                *fyne.Container
	title                             *widget.Label
	closeBtn, lockBtn, switchBtn      *keyButton
	backBtn                           *keyButton
	busy, closed                      bool
	root                              fyne.CanvasObject
}

func newShiftScreen(t *Terminal) *shiftScreen {
	s := &shiftScreen{t: t, count: newKeyEntry(t), by: newKeyEntry(t), byPIN: newKeyPasswordEntry(t),
		next: newKeyEntry(t), nextPIN: newKeyPasswordEntry(t), float: newKeyEntry(t),
		countErr: newFieldError(), pinErr: newFieldError(), nextErr: newFieldError(), status: newFieldError(),
		report: container.NewVBox(), body: container.NewStack(), title: widget.NewLabel("")}
	s.title.TextStyle = fyne.TextStyle{Bold: true}
	s.title.Wrapping = fyne.TextWrapWord
	s.by.SetText(t.till.state.Cashier)
	s.count.SetPlaceHolder("0.00")
	s.float.SetPlaceHolder("0.00")
	s.next.SetPlaceHolder(t.cat.T(msgShiftNextHint))
	s.closeBtn = newIconButton(t.cat.T(msgShiftClose), theme.ConfirmIcon(), s.submit)
	s.closeBtn.Importance = widget.HighImportance
	s.lockBtn = newIconButton(t.cat.T(msgTillLock), theme.VisibilityOffIcon(), func() { t.lockTill("manual") })
	s.switchBtn = newIconButton(t.cat.T(msgTillSwitch), theme.AccountIcon(), func() { t.showSignIn("") })
	s.backBtn = newIconButton(t.cat.T(msgCommonBack), theme.NavigateBackIcon(), t.showSale)
	s.form = container.NewVBox(
		widget.NewLabelWithStyle(t.cat.T(msgShiftCountTitle), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		wrapped(t.cat.T(msgShiftCount)), s.count, s.countErr,
		wrapped(t.cat.T(msgShiftBy)), container.NewGridWithColumns(2, s.by, s.byPIN), s.pinErr,
		widget.NewLabelWithStyle(t.cat.T(msgShiftHandover), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewGridWithColumns(2, s.next, s.nextPIN), s.nextErr,
		wrapped(t.cat.T(msgShiftFloatLeft)), s.float,
		s.status, s.closeBtn)
	s.chain()
	s.showForm()
	footer := container.NewHBox(s.backBtn, layout.NewSpacer(), s.switchBtn, s.lockBtn)
	s.root = container.NewPadded(container.NewBorder(
		container.NewVBox(heading(t.cat.T(msgShiftTitle)), s.title), footer, nil, nil, s.body))
	return s
}

// wrapped is a label that wraps instead of widening the screen.
func wrapped(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// chain makes Enter walk the form: count ▸ name ▸ PIN ▸ next cashier ▸
// their PIN ▸ float ▸ close.
func (s *shiftScreen) chain() {
	c := s.t.w.Canvas()
	s.count.OnSubmitted = func(string) { c.Focus(s.byPIN) }
	s.by.OnSubmitted = func(string) { c.Focus(s.byPIN) }
	s.byPIN.OnSubmitted = func(string) { c.Focus(s.next) }
	s.next.OnSubmitted = func(string) {
		if strings.TrimSpace(s.next.Text) == "" {
			s.submit()
			return
		}
		c.Focus(s.nextPIN)
	}
	s.nextPIN.OnSubmitted = func(string) { c.Focus(s.float) }
	s.float.OnSubmitted = func(string) { s.submit() }
}

func (s *shiftScreen) showForm() {
	split := container.NewHSplit(container.NewVScroll(s.report), container.NewVScroll(s.form))
	split.Offset = 0.5
	s.body.Objects = []fyne.CanvasObject{split}
	s.body.Refresh()
}

func (s *shiftScreen) view() fyne.CanvasObject { return s.root }

func (s *shiftScreen) start(ctx context.Context) {
	t := s.t
	if !s.closed {
		t.w.Canvas().Focus(s.count)
	}
	till := t.opt.till
	t.async(ctx, func(context.Context) func() {
		cur, err := till.Current()
		var rep *shift.Report
		if err == nil {
			rep, err = till.X(cur.No)
		}
		return func() {
			if s.closed {
				return
			}
			if err != nil {
				s.title.SetText(t.errorText(err))
				s.closeBtn.Disable()
				return
			}
			s.cur = cur
			s.title.SetText(t.cat.T(msgShiftInfo, cur.No, cur.Cashier, cur.OpenedAt.In(tz.Shanghai).Format("01-02 15:04"), formatFen(cur.FloatFen)))
			s.fillReport(rep)
		}
	})
}

// reportRow is one line of a report: a caption left, its figure right.
func reportRow(left, right string) fyne.CanvasObject {
	return container.NewBorder(nil, nil, widget.NewLabel(left), widget.NewLabel(right))
}

// fillReport lays out a shift's X report, without the expected cash: that
// is shown only after the blind count (countSummary).
func (s *shiftScreen) fillReport(r *shift.Report) {
	t := s.t
	row := reportRow
	objs := []fyne.CanvasObject{widget.NewLabelWithStyle(t.cat.T(msgShiftX), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})}
	for _, ts := range r.Tenders {
		objs = append(objs, row(t.cat.T(tenderMsg(ts.Tender)),
			t.cat.T(msgShiftSalesRefunds, ts.SaleCount, formatFen(ts.SaleFen), ts.RefundCount, formatFen(ts.RefundFen))))
	}
	objs = append(objs, row(t.cat.T(msgShiftTotal), t.cat.T(msgShiftNet, formatFen(r.SalesFen()-r.RefundsFen()))),
		widget.NewSeparator(),
		widget.NewLabelWithStyle(t.cat.T(msgShiftByCashier), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for _, c := range r.ByCashier {
		objs = append(objs, row(c.Cashier, t.cat.T(msgShiftSalesRefunds, c.SaleCount, formatFen(c.SaleFen), c.RefundCount, formatFen(c.RefundFen))))
	}
	objs = append(objs, widget.NewSeparator(),
		row(t.cat.T(msgShiftFloat), formatFen(r.FloatFen)),
		row(t.cat.T(msgShiftCashIn), formatFen(r.CashInFen)),
		row(t.cat.T(msgShiftCashOut), formatFen(r.CashOutFen)))
	s.report.Objects = objs
	s.report.Refresh()
}

// countSummary is the outcome of a blind count — expected, counted and the
// variance band — shown above the closed shift's report, where the
// manager's eye lands first: a short drawer is the news of a close.
func countSummary(t *Terminal, r *shift.Report) fyne.CanvasObject {
	return container.NewVBox(
		reportRow(t.cat.T(msgShiftExpected), formatFen(r.ExpectedFen)),
		reportRow(t.cat.T(msgShiftCounted), formatFen(r.CountedFen)),
		varianceRow(t, r.VarianceFen()),
		widget.NewSeparator())
}

// varianceRow is the variance, on a coloured band when the drawer is short
// (red) or over (amber), green when it matches.
func varianceRow(t *Terminal, v int64) fyne.CanvasObject {
	bg, text := color.Color(colorWeChatGreen), t.cat.T(msgShiftBalanced)
	switch {
	case v < 0:
		bg, text = colorDanger, t.cat.T(msgShiftShort, formatFen(-v))
	case v > 0:
		bg, text = colorWarning, t.cat.T(msgShiftOver, formatFen(v))
	}
	label := canvas.NewText(t.cat.T(msgShiftVariance)+"  "+text, color.White)
	label.TextStyle = fyne.TextStyle{Bold: true}
	label.TextSize = theme.TextSubHeadingSize()
	return container.NewStack(canvas.NewRectangle(bg), container.NewPadded(label))
}

// submit closes the shift with the blind count (and the handover).
func (s *shiftScreen) submit() {
	t := s.t
	if s.busy || s.closed || s.cur == nil {
		return
	}
	counted, ok := parseYuan(strings.TrimSpace(s.count.Text))
	if !ok || strings.TrimSpace(s.count.Text) == "" {
		s.say(s.countErr, t.cat.T(msgShiftNeedCount))
		t.w.Canvas().Focus(s.count)
		return
	}
	var h *shift.Handover
	if next := strings.TrimSpace(s.next.Text); next != "" {
		f, ok := parseYuan(strings.TrimSpace(s.float.Text))
		if !ok {
			s.say(s.status, t.cat.T(msgErrBadAmount))
			return
		}
		h = &shift.Handover{Next: next, PIN: s.nextPIN.Text, FloatFen: f}
	}
	by, pin := strings.TrimSpace(s.by.Text), s.byPIN.Text
	s.busy = true
	s.closeBtn.Disable()
	s.say(nil, "")
	till := t.opt.till
	t.async(t.ctx, func(ctx context.Context) func() {
		sh, err := till.Close(ctx, by, pin, counted, h)
		var st shift.Till
		if err == nil {
			st, err = till.State()
		}
		return func() { s.closedWith(sh, st, h != nil, err) }
	})
}

func (s *shiftScreen) closedWith(sh *shift.Shift, st shift.Till, handed bool, err error) {
	t := s.t
	s.busy = false
	if err != nil {
		s.closeBtn.Enable()
		s.byPIN.SetText("")
		s.nextPIN.SetText("")
		l := s.status
		switch {
		case errors.As(err, new(*shift.HandoverError)):
			l = s.nextErr
		case errors.Is(err, staff.ErrBadPIN), errors.Is(err, staff.ErrNotFound), errors.Is(err, shift.ErrWrongCashier),
			errors.As(err, new(*staff.LockedError)):
			l = s.pinErr
		}
		s.say(l, t.errorText(err))
		return
	}
	s.closed = true
	t.till.state = st
	s.fillReport(sh.Report)
	done := newIconButton(t.cat.T(msgShiftDone), theme.ConfirmIcon(), func() { s.finish(handed, st) })
	done.Importance = widget.HighImportance
	note := t.cat.T(msgShiftClosedNoNext)
	if handed {
		note = t.cat.T(msgShiftHandedTo, st.Cashier)
	}
	s.title.SetText(t.cat.T(msgShiftClosedInfo, sh.No, sh.Cashier) + "  " + note)
	s.body.Objects = []fyne.CanvasObject{container.NewBorder(countSummary(t, sh.Report), done, nil, nil, container.NewVScroll(s.report))}
	s.body.Refresh()
	s.lockBtn.Hide()
	s.switchBtn.Hide()
	s.backBtn.Hide()
	t.w.Canvas().Unfocus()
}

// finish leaves the closed shift: the next cashier sells, or the till
// waits for a sign-in.
func (s *shiftScreen) finish(handed bool, st shift.Till) {
	if handed {
		s.t.signedIn(st)
		return
	}
	s.t.showSignIn("")
}

// say shows text under field l (nil: clears them all).
func (s *shiftScreen) say(l *widget.Label, text string) {
	for _, x := range []*widget.Label{s.countErr, s.pinErr, s.nextErr, s.status} {
		setLine(s.form, x, "")
	}
	if l != nil {
		setLine(s.form, l, text)
	}
}

func (s *shiftScreen) typedKey(ev *fyne.KeyEvent) {
	switch {
	case s.closed && (ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter):
		s.finish(s.t.till.state.Cashier != "", s.t.till.state)
	case s.closed:
	case ev.Name == fyne.KeyEscape:
		s.t.showSale()
	case ev.Name == fyne.KeyF8:
		s.lockBtn.OnTapped()
	case ev.Name == fyne.KeyF2:
		s.switchBtn.OnTapped()
	case ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter:
		s.submit()
	}
}
