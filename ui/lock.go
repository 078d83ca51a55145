package ui

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/wxpos/wxpos/shift"
	"github.com/wxpos/wxpos/staff"
)

// lockScreen is the locked till (锁屏), by hand (F8) or after idle: the
// cashier stays signed in, nothing is sold until their PIN — or a
// manager's, typed under the manager's name — unlocks it. Another cashier
// takes over with 换人 (F2) or their staff card: a quick switch, the shift
// stays open. The sale being keyed waits for the unlock.
type lockScreen struct {
	t                    *Terminal
	name, pin            *keyEntry
	pinErr, message      *widget.Label
	who                  *widget.Label
	form                 *fyne.Container
	unlockBtn, switchBtn *keyButton
	busy                 bool
	page                 *fyne.Container // laid out again when a line shows
	root                 fyne.CanvasObject
}

func newLockScreen(t *Terminal) *lockScreen {
	s := &lockScreen{t: t, name: newKeyEntry(t), pin: newKeyPasswordEntry(t),
		pinErr: newFieldError(), message: newFieldError(), who: widget.NewLabel("")}
	st := t.till.state
	s.name.SetText(st.Cashier)
	s.pin.SetPlaceHolder(t.cat.T(msgTillPIN))
	s.who.TextStyle = fyne.TextStyle{Bold: true}
	s.who.Alignment = fyne.TextAlignCenter
	s.who.SetText(t.cat.T(msgTillLockedBy, st.Cashier))
	s.unlockBtn = newIconButton(t.cat.T(msgTillUnlock), theme.ConfirmIcon(), s.unlock)
	s.unlockBtn.Importance = widget.HighImportance
	s.switchBtn = newIconButton(t.cat.T(msgTillSwitch), theme.AccountIcon(), func() { t.showSignIn("") })
	s.form = container.NewVBox(
		widget.NewLabel(t.cat.T(msgTillName)), s.name,
		widget.NewLabel(t.cat.T(msgTillPIN)), s.pin, s.pinErr, s.message,
		container.NewGridWithColumns(2, s.switchBtn, s.unlockBtn))
	icon := widget.NewIcon(theme.VisibilityOffIcon())
	card := widget.NewCard(t.cat.T(msgTillLockedTitle), t.cat.T(msgTillLockedHint), s.form)
	s.page = container.NewVBox(
		centred(container.NewVBox(container.NewCenter(container.NewGridWrap(fyne.NewSize(64, 64), icon)), s.who)),
		centred(card))
	s.root = container.NewPadded(container.NewVScroll(s.page))
	s.name.OnSubmitted = func(string) { t.w.Canvas().Focus(s.pin) }
	s.pin.OnSubmitted = func(string) { s.unlock() }
	return s
}

func (s *lockScreen) view() fyne.CanvasObject { return s.root }

func (s *lockScreen) start(context.Context) { s.t.w.Canvas().Focus(s.pin) }

// unlock checks the PIN off the UI goroutine and goes back to the sale.
func (s *lockScreen) unlock() {
	t := s.t
	if s.busy {
		return
	}
	name, pin := strings.TrimSpace(s.name.Text), s.pin.Text
	s.busy = true
	s.unlockBtn.Disable()
	till := t.opt.till
	t.async(t.ctx, func(ctx context.Context) func() {
		st, err := till.Unlock(ctx, name, pin)
		return func() {
			s.busy = false
			s.unlockBtn.Enable()
			if err != nil {
				s.pin.SetText("")
				l := s.message
				if errors.Is(err, staff.ErrBadPIN) || errors.Is(err, staff.ErrNotFound) || errors.As(err, new(*staff.LockedError)) {
					l = s.pinErr
				}
				text := t.errorText(err)
				if errors.Is(err, shift.ErrWrongCashier) {
					text = t.cat.T(msgTillWrongCashier, t.till.state.Cashier)
				}
				s.say(l, text)
				t.w.Canvas().Focus(s.pin)
				return
			}
			t.signedIn(st)
		}
	})
}

// notACode takes a staff card: the cashier's own fills the name, another
// one's opens the sign-in for them (a quick switch).
func (s *lockScreen) notACode(text string) {
	t := s.t
	t.readStaffCard(text, func(m msg) { s.say(s.message, t.cat.T(m)) }, func(name string) {
		if !strings.EqualFold(name, t.till.state.Cashier) {
			t.showSignIn(name)
			return
		}
		s.name.SetText(name)
		t.w.Canvas().Focus(s.pin)
	})
}

func (s *lockScreen) scanned(code string) { s.notACode(code) }

func (s *lockScreen) typedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyF2:
		s.switchBtn.OnTapped()
	case fyne.KeyReturn, fyne.KeyEnter:
		s.unlock()
	}
}

// say shows text under field l, clears the other line and lays the card
// out again for its new height.
func (s *lockScreen) say(l *widget.Label, text string) {
	for _, x := range []*widget.Label{s.pinErr, s.message} {
		setLine(s.form, x, "")
	}
	setLine(s.form, l, text)
	for _, o := range s.page.Objects {
		o.(*fyne.Container).Refresh()
	}
	s.page.Refresh()
}
