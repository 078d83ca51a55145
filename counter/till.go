package counter

import (
	"context"

	"github.com/wxpos/wxpos/shift"
	"github.com/wxpos/wxpos/shiftstore"
	"github.com/wxpos/wxpos/staffstore"
)

// Till is the window's cashier sign-in, lock and shift close (交班): the
// shift book on the terminal's database and the staff directory that
// checks PINs and reads staff cards. It satisfies ui.Till.
type Till struct {
	book *shiftstore.Book
	dir  *staffstore.Directory
}

// NewTill returns the till on book, with staff from dir.
func NewTill(book *shiftstore.Book, dir *staffstore.Directory) *Till {
	return &Till{book: book, dir: dir}
}

// Required reports whether sales need a cashier signed in: the terminal
// has staff (the payment core's rule, posstore).
func (t *Till) Required() (bool, error) {
	none, err := t.dir.NeedsSetup()
	return !none, err
}

// State is who is signed in now and the open shift.
func (t *Till) State() (shift.Till, error) { return t.book.Till() }

// Current is the open shift (shift.ErrNoShift when none).
func (t *Till) Current() (*shift.Shift, error) { return t.book.Current() }

// CardName is the user a staff card names.
func (t *Till) CardName(code string) (string, error) { return t.dir.CardName(code) }

// SignIn signs name in (a quick switch while a shift is open).
func (t *Till) SignIn(ctx context.Context, name, pin string) (shift.Till, error) {
	return t.book.SignIn(ctx, name, pin)
}

// Open signs name in and opens their shift with the float.
func (t *Till) Open(ctx context.Context, name, pin string, floatFen int64) (*shift.Shift, error) {
	return t.book.Open(ctx, name, pin, floatFen)
}

// Lock locks the till ("manual" or "idle").
func (t *Till) Lock(reason string) error { return t.book.Lock(reason) }

// Unlock unlocks the till: the cashier's PIN or a manager's.
func (t *Till) Unlock(ctx context.Context, name, pin string) (shift.Till, error) {
	return t.book.Unlock(ctx, name, pin)
}

// SignOut signs the cashier out; the shift stays open.
func (t *Till) SignOut() error { return t.book.SignOut() }

// X is shift no's report as it stands.
func (t *Till) X(no uint64) (*shift.Report, error) { return t.book.X(no) }

// Close closes the open shift with the blind count, and hands over.
func (t *Till) Close(ctx context.Context, by, pin string, countedFen int64, h *shift.Handover) (*shift.Shift, error) {
	return t.book.Close(ctx, by, pin, countedFen, h)
}

// Cashier is who is signed in ("" nobody, or on error): the manager
// screens' actor.
func (t *Till) Cashier() string {
	tl, err := t.book.Till()
	if err != nil {
		return ""
	}
	return tl.Cashier
}
