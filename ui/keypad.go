package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// keypadKeys is the touch keypad layout, row by row; "\b" is backspace.
var keypadKeys = []string{
	"7", "8", "9",
	"4", "5", "6",
	"1", "2", "3",
	".", "0", "\b",
}

// Keypad is a touch numeric keypad: digits, a decimal point and backspace.
// Each tap calls OnKey with the same key strings amountInput understands.
type Keypad struct {
	widget.BaseWidget

	// OnKey is called on the UI goroutine with "0"–"9", "." or "\b".
	OnKey func(key string)

	buttons map[string]*keyButton
}

// NewKeypad returns a keypad that reports taps to onKey.
func NewKeypad(onKey func(key string)) *Keypad {
	k := &Keypad{OnKey: onKey, buttons: make(map[string]*keyButton, len(keypadKeys))}
	for _, key := range keypadKeys {
		key := key
		label, icon := key, fyne.Resource(nil)
		if key == "\b" {
			label, icon = "", theme.ContentUndoIcon()
		}
		b := newIconButton(label, icon, func() {
			if k.OnKey != nil {
				k.OnKey(key)
			}
		})
		k.buttons[key] = b
	}
	k.ExtendBaseWidget(k)
	return k
}

// Button returns the button for key, for tests and focus handling.
func (k *Keypad) Button(key string) *keyButton { return k.buttons[key] }

// parts implements composite: the keys.
func (k *Keypad) parts() []fyne.CanvasObject {
	out := make([]fyne.CanvasObject, 0, len(k.buttons))
	for _, b := range k.buttons {
		out = append(out, b)
	}
	return out
}

// CreateRenderer lays the keys out in a 3×4 grid of tall buttons; it is part
// of the fyne.Widget interface.
func (k *Keypad) CreateRenderer() fyne.WidgetRenderer {
	cells := make([]fyne.CanvasObject, 0, len(keypadKeys))
	for _, key := range keypadKeys {
		cells = append(cells, container.NewGridWrap(fyne.NewSize(88, 64), k.buttons[key]))
	}
	return widget.NewSimpleRenderer(container.NewGridWithColumns(3, cells...))
}
