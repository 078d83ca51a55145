package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Fyne hands every key to the focused widget and to the window only when
// nothing has focus, so once Tab has moved focus to a stock button or select
// the window never hears Esc, an F-key or a scanner's digits: "Esc always
// back" broke the moment a cashier tabbed. The widgets below keep the keys
// they act on (Space, and a select's arrows) and give every other key back
// to the window's own handlers (the Terminal's classifier), as if nothing
// had focus. They need no Terminal: the canvas they are drawn on knows its
// handlers.

// passKey gives ev to the window o is drawn on, as an unfocused key.
func passKey(o fyne.CanvasObject, ev *fyne.KeyEvent) {
	if c := canvasOf(o); c != nil && c.OnTypedKey() != nil {
		c.OnTypedKey()(ev)
	}
}

// passRune is passKey for a typed character.
func passRune(o fyne.CanvasObject, r rune) {
	if c := canvasOf(o); c != nil && c.OnTypedRune() != nil {
		c.OnTypedRune()(r)
	}
}

// pickKey gives a select's or a table's own keys — space to open or pick,
// the arrows to move — to own, and every other key to the window.
func pickKey(o fyne.CanvasObject, ev *fyne.KeyEvent, own func(*fyne.KeyEvent)) {
	switch ev.Name {
	case fyne.KeySpace, fyne.KeyUp, fyne.KeyDown, fyne.KeyLeft, fyne.KeyRight:
		own(ev)
	default:
		passKey(o, ev)
	}
}

// pickRune is pickKey for a typed character: the space is the widget's.
func pickRune(o fyne.CanvasObject, r rune) {
	if r != ' ' {
		passRune(o, r)
	}
}

func canvasOf(o fyne.CanvasObject) fyne.Canvas {
	if a := fyne.CurrentApp(); a != nil {
		return a.Driver().CanvasForObject(o)
	}
	return nil
}

// keyButton is a Button that keeps Space (press) and passes other keys to
// the window.
type keyButton struct {
	widget.Button
}

// newButton is widget.NewButton whose focus does not swallow keys.
func newButton(label string, tapped func()) *keyButton {
	return newIconButton(label, nil, tapped)
}

// newIconButton is widget.NewButtonWithIcon whose focus does not swallow
// keys.
func newIconButton(label string, icon fyne.Resource, tapped func()) *keyButton {
	b := &keyButton{}
	b.Text, b.Icon, b.OnTapped = label, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey implements fyne.Focusable: Space presses, the rest is the
// window's.
func (b *keyButton) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeySpace {
		b.Button.TypedKey(ev)
		return
	}
	passKey(b, ev)
}

// TypedRune implements fyne.Focusable: characters are the window's (the
// space that comes with Space is the button's).
func (b *keyButton) TypedRune(r rune) {
	if r != ' ' {
		passRune(b, r)
	}
}

// FocusGained implements fyne.Focusable: the button is scrolled into sight.
func (b *keyButton) FocusGained() { b.Button.FocusGained(); reveal(b) }

// keySelect is a Select that keeps Space and the arrows (open, step) and
// passes other keys to the window.
type keySelect struct {
	widget.Select
}

func newSelect(options []string, changed func(string)) *keySelect {
	s := &keySelect{}
	s.Options, s.OnChanged = options, changed
	s.ExtendBaseWidget(s)
	return s
}

// TypedKey implements fyne.Focusable.
func (s *keySelect) TypedKey(ev *fyne.KeyEvent) { pickKey(s, ev, s.Select.TypedKey) }

// TypedRune implements fyne.Focusable.
func (s *keySelect) TypedRune(r rune) { pickRune(s, r) }

// FocusGained implements fyne.Focusable: the select is scrolled into sight.
func (s *keySelect) FocusGained() { s.Select.FocusGained(); reveal(s) }

// keyRadio is a radio group drawn as one low button per option (the radio
// icon, then the text), because Fyne's RadioGroup focuses items of its own
// that keep every key. Space on an option picks it; other keys are the
// window's.
type keyRadio struct {
	widget.BaseWidget
	Options    []string
	Selected   string
	Horizontal bool
	Required   bool // a picked option stays picked when pressed again
	OnChanged  func(string)

	items    []*keyButton
	disabled bool
}

func newRadio(options []string, changed func(string)) *keyRadio {
	r := &keyRadio{Options: options, OnChanged: changed}
	for _, o := range options {
		b := newIconButton(o, theme.RadioButtonIcon(), func() { r.tapped(o) })
		b.Importance = widget.LowImportance
		b.Alignment = widget.ButtonAlignLeading
		r.items = append(r.items, b)
	}
	r.ExtendBaseWidget(r)
	return r
}

func (r *keyRadio) tapped(o string) {
	if r.disabled {
		return
	}
	if o == r.Selected {
		if r.Required {
			return
		}
		o = ""
	}
	r.SetSelected(o)
}

// SetSelected picks option o ("" for none) and says so to OnChanged.
func (r *keyRadio) SetSelected(o string) {
	if o == r.Selected {
		return
	}
	r.Selected = o
	r.Refresh()
	if r.OnChanged != nil {
		r.OnChanged(o)
	}
}

// Refresh draws the picked option checked.
func (r *keyRadio) Refresh() {
	r.update()
	r.BaseWidget.Refresh()
}

func (r *keyRadio) update() {
	for i, b := range r.items {
		icon := theme.RadioButtonIcon()
		if r.Options[i] == r.Selected {
			icon = theme.RadioButtonCheckedIcon()
		}
		b.SetIcon(icon)
		if r.disabled {
			b.Disable()
		} else {
			b.Enable()
		}
	}
}

// Disable stops the options being picked.
func (r *keyRadio) Disable() { r.disabled = true; r.Refresh() }

// Enable lets the options be picked again.
func (r *keyRadio) Enable() { r.disabled = false; r.Refresh() }

// Disabled says whether the options can be picked.
func (r *keyRadio) Disabled() bool { return r.disabled }

// parts implements composite: the options.
func (r *keyRadio) parts() []fyne.CanvasObject {
	out := make([]fyne.CanvasObject, len(r.items))
	for i, b := range r.items {
		out[i] = b
	}
	return out
}

// CreateRenderer implements fyne.Widget.
func (r *keyRadio) CreateRenderer() fyne.WidgetRenderer {
	objs := make([]fyne.CanvasObject, len(r.items))
	for i, b := range r.items {
		objs[i] = b
	}
	var box *fyne.Container
	if r.Horizontal {
		box = container.New(layout.NewHBoxLayout(), objs...)
	} else {
		box = container.New(layout.NewVBoxLayout(), objs...)
	}
	r.update()
	return widget.NewSimpleRenderer(box)
}

// keyTable is a Table that keeps the keys that move and pick (arrows,
// Space) and passes other keys to the window.
type keyTable struct {
	widget.Table
}

func newTable(length func() (int, int), create func() fyne.CanvasObject, update func(widget.TableCellID, fyne.CanvasObject)) *keyTable {
	t := &keyTable{}
	t.Length, t.CreateCell, t.UpdateCell = length, create, update
	t.ExtendBaseWidget(t)
	return t
}

// TypedKey implements fyne.Focusable.
func (t *keyTable) TypedKey(ev *fyne.KeyEvent) { pickKey(t, ev, t.Table.TypedKey) }

// TypedRune implements fyne.Focusable.
func (t *keyTable) TypedRune(r rune) { pickRune(t, r) }

// FocusGained implements fyne.Focusable: the table is scrolled into sight.
func (t *keyTable) FocusGained() { t.Table.FocusGained(); reveal(t) }
