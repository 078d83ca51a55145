package ui

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	products "github.com/wxpos/wxpos/catalog"
	"github.com/wxpos/wxpos/shift"
	"github.com/wxpos/wxpos/staff"
	"github.com/wxpos/wxpos/tz"
)

// formWidth is the width of the sign-in and lock forms: wide enough for a
// name and a PIN typed on a touch screen, narrow enough to read as a form.
const formWidth = 460

// widthAtLeast lays its objects out in a stack at least w wide.
type widthAtLeast float32

func (w widthAtLeast) MinSize(objects []fyne.CanvasObject) fyne.Size {
	s := layout.NewStackLayout().MinSize(objects)
	return fyne.NewSize(max(s.Width, float32(w)), s.Height)
}

func (w widthAtLeast) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	layout.NewStackLayout().Layout(objects, size)
}

// centred is content at least formWidth wide, in the middle of the screen.
func centred(content fyne.CanvasObject) fyne.CanvasObject {
	return container.NewCenter(container.New(widthAtLeast(formWidth), content))
}

// signInScreen is the cashier sign-in (收银员登录): name and PIN, or a staff
// card scanned into it (the name fills in, the PIN is still asked), and
// the float counted into the drawer when no shift is open (the sign-in
// opens the shift). With a shift open it is a quick switch: the shift
// stays open and the new cashier's sales count in it.
//
// Keys: Enter moves name ▸ PIN ▸ float and signs in; F10 opens the manager
// menu (the day and Z reports need no cashier).
type signInScreen struct {
	t                 *Terminal
	name, pin, float  *keyEntry
	nameErr, pinErr   *widget.Label
	info, message     *widget.Label
	floatBox, form    *fyne.Container
	page              *fyne.Container // the card and the shift's line, laid out again when the float shows
	submitBtn, mgrBtn *keyButton
	state             shift.Till
	loaded, busy      bool
	root              fyne.CanvasObject
}

func newSignInScreen(t *Terminal, name string) *signInScreen {
	s := &signInScreen{t: t, name: newKeyEntry(t), pin: newKeyPasswordEntry(t), float: newKeyEntry(t),
		nameErr: newFieldError(), pinErr: newFieldError(), info: widget.NewLabel(""), message: newFieldError()}
	s.info.Wrapping = fyne.TextWrapWord
	s.name.SetText(name)
	s.name.SetPlaceHolder(t.cat.T(msgTillName))
	s.pin.SetPlaceHolder(t.cat.T(msgTillPIN))
	s.float.SetPlaceHolder("0.00")
	s.submitBtn = newIconButton(t.cat.T(msgTillSignIn), theme.LoginIcon(), s.submit)
	s.submitBtn.Importance = widget.HighImportance
	s.mgrBtn = newIconButton(t.cat.T(msgSaleManager), theme.AccountIcon(), s.manager)
	if t.opt.manager == nil {
		s.mgrBtn.Hide()
	}
	s.floatBox = container.NewVBox(widget.NewLabel(t.cat.T(msgTillFloat)), s.float)
	s.floatBox.Hide()
	s.form = container.NewVBox(
		widget.NewLabel(t.cat.T(msgTillName)), s.name, s.nameErr,
		widget.NewLabel(t.cat.T(msgTillPIN)), s.pin, s.pinErr,
		s.floatBox, s.message, s.submitBtn)
	card := widget.NewCard(t.cat.T(msgTillSignInTitle), t.cat.T(msgTillSignInHint), s.form)
	s.page = container.NewVBox(centred(card), centred(s.info))
	s.root = container.NewPadded(container.NewBorder(nil,
		container.NewHBox(layout.NewSpacer(), s.mgrBtn), nil, nil, container.NewVScroll(s.page)))
	s.name.OnSubmitted = func(string) { t.w.Canvas().Focus(s.pin) }
	s.pin.OnSubmitted = func(string) {
		if s.floatBox.Visible() {
			t.w.Canvas().Focus(s.float)
			return
		}
		s.submit()
	}
	s.float.OnSubmitted = func(string) { s.submit() }
	return s
}

func (s *signInScreen) view() fyne.CanvasObject { return s.root }

func (s *signInScreen) start(ctx context.Context) {
	t := s.t
	if s.name.Text == "" {
		t.w.Canvas().Focus(s.name)
	} else {
		t.w.Canvas().Focus(s.pin)
	}
	till := t.opt.till
	t.async(ctx, func(context.Context) func() {
		st, err := till.State()
		var cur *shift.Shift
		if err == nil && st.Shift != 0 {
			cur, err = till.Current()
		}
		return func() {
			if err != nil && !errors.Is(err, shift.ErrNoShift) {
				setLine(s.form, s.message, t.errorText(err))
				return
			}
			s.loaded, s.state = true, st
			s.describe(cur)
		}
	})
}

// describe says which shift a sign-in joins, or asks for the float of a
// new one.
func (s *signInScreen) describe(cur *shift.Shift) {
	t := s.t
	showIf(s.floatBox, cur == nil)
	s.relayout()
	if cur == nil {
		s.info.SetText(t.cat.T(msgTillNoShift))
		return
	}
	s.info.SetText(t.cat.T(msgTillShiftOpen, cur.No, cur.Cashier, cur.OpenedAt.In(tz.Shanghai).Format("15:04"), formatFen(cur.FloatFen)))
}

// submit signs the cashier in: Open with the float when no shift is open,
// else SignIn (a quick switch).
func (s *signInScreen) submit() {
	t := s.t
	if s.busy || !s.loaded {
		return
	}
	name, pin := strings.TrimSpace(s.name.Text), s.pin.Text
	if name == "" {
		s.say(s.nameErr, t.cat.T(msgTillNeedName))
		t.w.Canvas().Focus(s.name)
		return
	}
	floatFen, ok := parseYuan(strings.TrimSpace(s.float.Text))
	if !ok {
		s.say(s.message, t.cat.T(msgErrBadAmount))
		return
	}
	open := s.floatBox.Visible()
	s.busy = true
	s.submitBtn.Disable()
	till := t.opt.till
	t.async(t.ctx, func(ctx context.Context) func() {
		var st shift.Till
		var err error
		if open {
			_, err = till.Open(ctx, name, pin, floatFen)
		} else {
			_, err = till.SignIn(ctx, name, pin)
		}
		if err == nil {
			st, err = till.State()
		}
		return func() { s.done(st, err) }
	})
}

func (s *signInScreen) done(st shift.Till, err error) {
	t := s.t
	s.busy = false
	s.submitBtn.Enable()
	if err != nil {
		s.pin.SetText("")
		l := s.message
		switch {
		case errors.Is(err, staff.ErrDisabled):
			l = s.nameErr
		case errors.Is(err, staff.ErrBadPIN), errors.Is(err, staff.ErrNotFound), errors.As(err, new(*staff.LockedError)):
			l = s.pinErr
		case errors.Is(err, shift.ErrShiftOpen):
			s.start(t.ctx) // someone opened a shift meanwhile: join it
		}
		s.say(l, t.errorText(err))
		t.w.Canvas().Focus(s.pin)
		return
	}
	t.signedIn(st)
}

// say shows text under field l and clears the other lines.
func (s *signInScreen) say(l *widget.Label, text string) {
	for _, x := range []*widget.Label{s.nameErr, s.pinErr, s.message} {
		setLine(s.form, x, "")
	}
	if l != nil {
		setLine(s.form, l, text)
	}
	s.relayout()
}

// relayout lays the card out again for a line shown or hidden in it: the
// centring containers keep the old height otherwise.
func (s *signInScreen) relayout() {
	s.form.Refresh()
	for _, o := range s.page.Objects {
		o.(*fyne.Container).Refresh()
	}
	s.page.Refresh()
}

// manager opens the manager menu; Esc there comes back here through the
// till check.
func (s *signInScreen) manager() {
	if s.t.opt.manager != nil {
		s.t.ShowManager(s.t.opt.manager)
	}
}

// scanned and notACode take a staff card: its holder's name fills in and
// the PIN is asked. Anything else scanned here is said, never sold.
func (s *signInScreen) scanned(code string) { s.notACode(code) }

func (s *signInScreen) notACode(text string) {
	t := s.t
	refuse := func(m msg) {
		l := s.message
		if m == msgTillUnknownCard {
			l = s.nameErr
		}
		s.say(l, t.cat.T(m))
	}
	t.readStaffCard(text, refuse, func(name string) {
		s.name.SetText(name)
		s.say(nil, "")
		t.w.Canvas().Focus(s.pin)
	})
}

// readStaffCard looks up the holder of a staff card scanned on the sign-in
// or lock screen: found gets their name on the UI goroutine; refuse gets
// msgTillNotCard for anything else scanned, msgTillUnknownCard for a card
// no active user holds.
func (t *Terminal) readStaffCard(text string, refuse func(msg), found func(name string)) {
	c := products.Classify(strings.TrimSpace(text))
	if c.Kind != products.KindStaffCard {
		refuse(msgTillNotCard)
		return
	}
	till := t.opt.till
	t.async(t.ctx, func(context.Context) func() {
		name, err := till.CardName(c.Key)
		return func() {
			if err != nil {
				refuse(msgTillUnknownCard)
				return
			}
			found(name)
		}
	})
}

func (s *signInScreen) typedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyF10:
		s.manager()
	case fyne.KeyReturn, fyne.KeyEnter:
		s.submit()
	}
}
