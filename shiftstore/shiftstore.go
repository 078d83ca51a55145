// Package shiftstore keeps who is signed in at the till and the cashiers'
// shifts (package shift) on the terminal's bbolt database: sign-in by PIN
// (through the staff directory), quick switch, lock and unlock, shift open
// with a float and close (交班) with a blind count and a handover.
//
// The till is storage's record (storage.Till, read by the payment core in
// the commit of every new sale); the shifts live beside it in the shifts
// bucket as "shift/<number>" (JSON, with a "v" version field), numbered
// from the "shift" sequence. Every change is one commit with its audit
// event; PINs are checked before it, never inside a transaction.
package shiftstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/wxpos/wxpos/shift"
	"github.com/wxpos/wxpos/staff"
	"github.com/wxpos/wxpos/storage"
)

const shiftVersion = 1

// Checker checks a PIN and says who it is (staffstore.Directory.Login).
type Checker interface {
	Login(ctx context.Context, name, pin string) (staff.Session, error)
}

// Options configures a Book. The zero value uses the defaults.
type Options struct {
	Now func() time.Time // zero: time.Now
}

// Book is the till and the shifts of one terminal.
type Book struct {
	db    *storage.Store
	staff Checker
	now   func() time.Time
}

// New returns the book on db; PINs are checked by staff.
func New(db *storage.Store, staff Checker, o *Options) *Book {
	b := &Book{db: db, staff: staff, now: time.Now}
	if o != nil && o.Now != nil {
		b.now = o.Now
	}
	return b
}

func shiftKey(no uint64) string { return fmt.Sprintf("shift/%010d", no) }

func getShift(tx *storage.Tx, no uint64) (*shift.Shift, error) {
	var s shift.Shift
	if err := tx.Get(storage.BucketShifts, shiftKey(no), &s); err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return nil, fmt.Errorf("shift %d: %w", no, shift.ErrNotFound)
		}
		return nil, err
	}
	return &s, nil
}

// Get returns shift no as tx holds it (ErrNotFound when there is none):
// for readers of the terminal's database inside a transaction of theirs,
// such as replication, which copies the shifts its events name.
func Get(tx *storage.Tx, no uint64) (*shift.Shift, error) { return getShift(tx, no) }

func putShift(tx *storage.Tx, s *shift.Shift) error {
	s.V = shiftVersion
	return tx.Put(storage.BucketShifts, shiftKey(s.No), s)
}

func audit(tx *storage.Tx, at time.Time, kind, ref, by, reason string, data any) error {
	var raw json.RawMessage
	if data != nil {
		var err error
		if raw, err = json.Marshal(data); err != nil {
			return err
		}
	}
	_, err := tx.AppendEvent(storage.Event{Time: at, Kind: kind, Ref: ref, Actor: by, Reason: reason, Data: raw})
	return err
}

func tillOf(t storage.Till) shift.Till {
	return shift.Till{Cashier: t.Cashier, Since: t.Since, Locked: t.Locked, LockedAt: t.LockedAt, Shift: t.Shift}
}

// Till returns who is signed in now and the open shift.
func (b *Book) Till() (shift.Till, error) {
	var t storage.Till
	err := b.db.View(func(tx *storage.Tx) error {
		var err error
		t, err = tx.Till()
		return err
	})
	return tillOf(t), err
}

// Current returns the open shift, or ErrNoShift. Its expected cash is not
// in it: the count at the close is blind.
func (b *Book) Current() (*shift.Shift, error) {
	var s *shift.Shift
	err := b.db.View(func(tx *storage.Tx) error {
		t, err := tx.Till()
		if err != nil {
			return err
		}
		if t.Shift == 0 {
			return shift.ErrNoShift
		}
		s, err = getShift(tx, t.Shift)
		return err
	})
	return s, err
}

// Shift returns shift no.
func (b *Book) Shift(no uint64) (*shift.Shift, error) {
	var s *shift.Shift
	err := b.db.View(func(tx *storage.Tx) error {
		var err error
		s, err = getShift(tx, no)
		return err
	})
	return s, err
}

// Shifts returns every shift, oldest first.
func (b *Book) Shifts() ([]shift.Shift, error) {
	var out []shift.Shift
	err := b.db.View(func(tx *storage.Tx) error {
		return tx.ForEach(storage.BucketShifts, "shift/", func(_ string, v []byte) error {
			var s shift.Shift
			if err := json.Unmarshal(v, &s); err != nil {
				return fmt.Errorf("decode shift: %w", err)
			}
			out = append(out, s)
			return nil
		})
	})
	return out, err
}

// login checks name's PIN outside any transaction.
func (b *Book) login(ctx context.Context, name, pin string) (staff.Session, error) {
	if b.staff == nil {
		return staff.Session{}, fmt.Errorf("sign in %s: no staff directory: %w", name, staff.ErrBadPIN)
	}
	return b.staff.Login(ctx, name, pin)
}

// SignIn signs name in at the till after checking the PIN. With a shift
// open it is a quick switch: the shift stays open and name's sales count
// in it. Without one the caller opens a shift next (Open does both).
func (b *Book) SignIn(ctx context.Context, name, pin string) (shift.Till, error) {
	sess, err := b.login(ctx, name, pin)
	if err != nil {
		return shift.Till{}, err
	}
	now := b.now()
	var t storage.Till
	err = b.db.Update(func(tx *storage.Tx) error {
		if t, err = tx.Till(); err != nil {
			return err
		}
		kind := shift.KindSignIn
		if t.Shift != 0 && t.Cashier != "" && !strings.EqualFold(t.Cashier, sess.Name) {
			kind = shift.KindSwitch
		}
		prev := t.Cashier
		t.Cashier, t.Role, t.Since, t.Locked, t.LockedAt = sess.Name, string(sess.Role), now, false, time.Time{}
		if err := tx.PutTill(t); err != nil {
			return err
		}
		return audit(tx, now, kind, sess.Name, sess.Name, "", map[string]any{"shift": t.Shift, "from": prev})
	})
	if err != nil {
		return shift.Till{}, fmt.Errorf("sign in %s: %w", name, err)
	}
	return tillOf(t), nil
}

// Open signs name in and opens their shift with floatFen counted into the
// drawer, in one commit. A shift already open is ErrShiftOpen.
func (b *Book) Open(ctx context.Context, name, pin string, floatFen int64) (*shift.Shift, error) {
	if floatFen < 0 {
		return nil, fmt.Errorf("open shift: float %d fen: %w", floatFen, shift.ErrBadAmount)
	}
	sess, err := b.login(ctx, name, pin)
	if err != nil {
		return nil, err
	}
	now := b.now()
	var s *shift.Shift
	err = b.db.Update(func(tx *storage.Tx) error {
		t, err := tx.Till()
		if err != nil {
			return err
		}
		if t.Shift != 0 {
			return fmt.Errorf("shift %d of %s: %w", t.Shift, t.Cashier, shift.ErrShiftOpen)
		}
		s, err = openTx(tx, sess, floatFen, 0, now)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("open shift: %w", err)
	}
	return s, nil
}

// openTx opens a shift for sess and signs them in at the till.
func openTx(tx *storage.Tx, sess staff.Session, floatFen int64, from uint64, now time.Time) (*shift.Shift, error) {
	no, err := tx.NextSeq("shift")
	if err != nil {
		return nil, err
	}
	day, err := tx.BusinessDay(dayOf(now))
	if err != nil {
		return nil, err
	}
	s := &shift.Shift{No: no, Cashier: sess.Name, State: shift.StateOpen, Day: day, OpenedAt: now, FloatFen: floatFen, HandedFrom: from}
	if err := putShift(tx, s); err != nil {
		return nil, err
	}
	t := storage.Till{Cashier: sess.Name, Role: string(sess.Role), Since: now, Shift: no}
	if err := tx.PutTill(t); err != nil {
		return nil, err
	}
	return s, audit(tx, now, shift.KindOpen, fmt.Sprint(no), sess.Name, "", map[string]any{"float_fen": floatFen, "handed_from": from})
}

// SignOut signs the cashier out; an open shift stays open for the next
// sign-in (a break), and the drawer with it.
func (b *Book) SignOut() error {
	now := b.now()
	return b.db.Update(func(tx *storage.Tx) error {
		t, err := tx.Till()
		if err != nil {
			return err
		}
		if t.Cashier == "" {
			return shift.ErrNotSignedIn
		}
		who := t.Cashier
		t.Cashier, t.Role, t.Locked, t.LockedAt = "", "", false, time.Time{}
		if err := tx.PutTill(t); err != nil {
			return err
		}
		return audit(tx, now, shift.KindSignOut, who, who, "", map[string]any{"shift": t.Shift})
	})
}

// Lock locks the till (reason "manual" or "idle"): the cashier stays
// signed in, nothing is sold until a PIN unlocks it. Locking a locked
// till does nothing.
func (b *Book) Lock(reason string) error {
	now := b.now()
	return b.db.Update(func(tx *storage.Tx) error {
		t, err := tx.Till()
		if err != nil {
			return err
		}
		if t.Cashier == "" {
			return shift.ErrNotSignedIn
		}
		if t.Locked {
			return nil
		}
		t.Locked, t.LockedAt = true, now
		if err := tx.PutTill(t); err != nil {
			return err
		}
		return audit(tx, now, shift.KindLock, t.Cashier, t.Cashier, reason, nil)
	})
}

// Unlock unlocks the till with the PIN of the cashier signed in or of a
// manager (who leaves the cashier signed in). Anyone else is refused with
// ErrWrongCashier: they sign in instead (a quick switch).
func (b *Book) Unlock(ctx context.Context, name, pin string) (shift.Till, error) {
	sess, err := b.login(ctx, name, pin)
	if err != nil {
		return shift.Till{}, err
	}
	now := b.now()
	var t storage.Till
	err = b.db.Update(func(tx *storage.Tx) error {
		if t, err = tx.Till(); err != nil {
			return err
		}
		if t.Cashier == "" {
			return shift.ErrNotSignedIn
		}
		if !strings.EqualFold(t.Cashier, sess.Name) && sess.Role != staff.RoleManager {
			return fmt.Errorf("%s unlocking %s's till: %w", sess.Name, t.Cashier, shift.ErrWrongCashier)
		}
		t.Locked, t.LockedAt = false, time.Time{}
		if err := tx.PutTill(t); err != nil {
			return err
		}
		return audit(tx, now, shift.KindUnlock, t.Cashier, sess.Name, "", nil)
	})
	if err != nil {
		return shift.Till{}, fmt.Errorf("unlock: %w", err)
	}
	return tillOf(t), nil
}
