package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// settingsScreen holds the cashier-level settings: the UI language. The
// manager settings come with their own issue.
type settingsScreen struct {
	t    *Terminal
	lang *keyRadio
	back *keyButton
}

func newSettingsScreen(t *Terminal) *settingsScreen {
	c := t.cat
	zh, en := c.T(msgLangZH), c.T(msgLangEN)
	s := &settingsScreen{t: t}
	s.lang = newRadio([]string{zh, en}, nil)
	if t.Language() == LangEN {
		s.lang.SetSelected(en)
	} else {
		s.lang.SetSelected(zh)
	}
	s.lang.OnChanged = func(v string) {
		switch v {
		case en:
			t.chooseLanguage(LangEN)
		case zh:
			t.chooseLanguage(LangZH)
		}
	}
	s.back = newIconButton(c.T(msgCommonBack), theme.NavigateBackIcon(), t.showSale)
	return s
}

// chooseLanguage switches the UI language and, when a store is connected,
// keeps the choice for the next start (off the UI goroutine; a failure is
// shown, the switch itself stays).
func (t *Terminal) chooseLanguage(l Lang) {
	t.SetLanguage(l)
	save := t.opt.saveLang
	if save == nil {
		return
	}
	t.async(t.ctx, func(ctx context.Context) func() {
		if err := save(ctx, l); err != nil {
			return func() { dialog.ShowInformation(t.cat.T(msgSettingsTitle), t.errorTextOr(msgSettingsNotKept, err), t.w) }
		}
		return nil
	})
}

func (s *settingsScreen) view() fyne.CanvasObject {
	c := s.t.cat
	return container.NewPadded(container.NewVBox(
		widget.NewLabelWithStyle(c.T(msgSettingsTitle), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		widget.NewCard("", c.T(msgSettingsLanguage), s.lang),
		s.back,
	))
}

func (s *settingsScreen) typedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		s.t.showSale()
	}
}
