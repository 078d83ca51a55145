package staffstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/wxpos/wxpos/staff"
	"github.com/wxpos/wxpos/storage"
)

// checkResult is what a finished PIN check writes in its own transaction.
type checkResult func(tx *storage.Tx, u *staff.User, now time.Time) error

// verify checks name's PIN. The attempt is counted before the slow hash
// runs (one commit), so concurrent guesses cannot exceed the policy and a
// crash mid-check counts as a wrong PIN; a right PIN clears the count in
// the commit that also runs onOK. The hash never runs inside a
// transaction, so it cannot stall the payment core's writes.
func (d *Directory) verify(ctx context.Context, name, pin, purpose string, onOK checkResult) (*staff.User, error) {
	hash, known, err := d.countAttempt(name, purpose)
	if err != nil {
		return nil, fmt.Errorf("%s %q: %w", purpose, name, err)
	}
	if !known {
		d.burn(pin) // as slow as a real check
		return nil, fmt.Errorf("%s %q: %w", purpose, name, staff.ErrBadPIN)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ok, rehash, err := checkPIN(hash, pin, d.params)
	if err != nil {
		return nil, fmt.Errorf("%s %q: %w", purpose, name, err)
	}
	var newHash string
	if rehash {
		if h, err := hashPIN(pin, d.params); err == nil {
			newHash = h
		}
	}
	out, locked, err := d.settleAttempt(name, purpose, ok, hash, newHash, onOK)
	switch {
	case err != nil:
		return nil, fmt.Errorf("%s %q: %w", purpose, name, err)
	case locked != nil:
		return nil, fmt.Errorf("%s: %w: %w", purpose, staff.ErrBadPIN, locked)
	case !ok:
		return nil, fmt.Errorf("%s %q: %w", purpose, name, staff.ErrBadPIN)
	}
	out.PINHash = ""
	return out, nil
}

// countAttempt commits one more attempt on name's PIN, locking the user
// provisionally when it is the last one the policy allows, and returns the
// PIN hash to check. An unknown name is audited (without the name) and
// reported as !known, not as an error, so that commit stands.
func (d *Directory) countAttempt(name, purpose string) (hash string, known bool, err error) {
	now := d.now()
	err = d.db.Update(func(tx *storage.Tx) error {
		u, err := getUser(tx, name)
		if errors.Is(err, staff.ErrNotFound) {
			// Committed (not returned as an error, which would roll it
			// back). The typed name is not recorded: people type PINs into
			// the name field by mistake, and the trail must never hold one.
			_, err := event(tx, now, staff.KindUnknownUser, "", "", purpose, nil)
			return err
		}
		if err != nil {
			return err
		}
		if u.Disabled {
			return staff.ErrDisabled
		}
		if u.Locked(now) {
			return &staff.LockedError{Name: u.Name, Until: u.LockedUntil}
		}
		if !u.LockedUntil.IsZero() { // a lock that has run out starts a fresh count
			u.Failed, u.LockedUntil = 0, time.Time{}
		}
		u.Failed++
		if u.Failed >= d.policy.MaxAttempts {
			// Provisional: lifted below if this last attempt is right.
			u.LockedUntil = now.Add(d.policy.LockFor)
		}
		hash, known = u.PINHash, true
		return putUser(tx, u)
	})
	return hash, known, err
}

// settleAttempt commits the outcome of a PIN check: a wrong PIN is
// audited (and the lockout, when the count reached it, returned); a right
// one clears the count, lifts the provisional lock, stores newHash when
// the PIN was rehashed (unless the PIN changed meanwhile: its hash is no
// longer hash) and runs onOK in the same commit.
func (d *Directory) settleAttempt(name, purpose string, ok bool, hash, newHash string, onOK checkResult) (*staff.User, *staff.LockedError, error) {
	done := d.now()
	var out *staff.User
	var locked *staff.LockedError
	err := d.db.Update(func(tx *storage.Tx) error {
		u, err := getUser(tx, name)
		if err != nil {
			return err
		}
		if !ok {
			if _, err := event(tx, done, staff.KindPINFailed, u.Name, u.Name, purpose, map[string]int{"failed": u.Failed}); err != nil {
				return err
			}
			if u.Locked(done) {
				locked = &staff.LockedError{Name: u.Name, Until: u.LockedUntil}
				_, err := event(tx, done, staff.KindLockedOut, u.Name, u.Name, purpose, map[string]any{"until": u.LockedUntil, "failed": u.Failed})
				return err
			}
			return nil
		}
		u.Failed, u.LockedUntil = 0, time.Time{}
		if newHash != "" && u.PINHash == hash {
			u.PINHash = newHash
		}
		if onOK != nil {
			if err := onOK(tx, u, done); err != nil {
				return err
			}
		}
		out = u
		return putUser(tx, u)
	})
	return out, locked, err
}

// burn spends the time of one PIN check on a fixed dummy hash.
func (d *Directory) burn(pin string) {
	d.dummyOnce.Do(func() { d.dummy, _ = hashPIN("dummy-pin", d.params) })
	_, _, _ = checkPIN(d.dummy, pin, d.params)
}

// Login checks name's PIN and returns a session. Wrong PINs are counted and
// lock the user out per the Policy; the result is in the audit trail.
func (d *Directory) Login(ctx context.Context, name, pin string) (staff.Session, error) {
	if setup, err := d.NeedsSetup(); err != nil {
		return staff.Session{}, err
	} else if setup {
		return staff.Session{}, staff.ErrNoUsers
	}
	u, err := d.verify(ctx, name, pin, "login", func(tx *storage.Tx, u *staff.User, now time.Time) error {
		u.LastLoginAt = now
		_, err := event(tx, now, staff.KindLogin, u.Name, u.Name, "", map[string]string{"role": string(u.Role)})
		return err
	})
	if err != nil {
		return staff.Session{}, err
	}
	return staff.Session{Name: u.Name, Role: u.Role, Since: u.LastLoginAt}, nil
}

// Logout records the end of a session.
func (d *Directory) Logout(s staff.Session) error {
	return d.db.Update(func(tx *storage.Tx) error {
		_, err := event(tx, d.now(), staff.KindLogout, s.Name, s.Name, "", nil)
		return err
	})
}

// ChangeOwnPIN replaces a user's PIN after checking the old one.
func (d *Directory) ChangeOwnPIN(ctx context.Context, name, oldPIN, newPIN string) error {
	if err := staff.CheckPIN(newPIN); err != nil {
		return err
	}
	h, err := hashPIN(newPIN, d.params)
	if err != nil {
		return err
	}
	_, err = d.verify(ctx, name, oldPIN, "change PIN", func(tx *storage.Tx, u *staff.User, now time.Time) error {
		u.PINHash = h
		_, err := event(tx, now, staff.KindPINChanged, u.Name, u.Name, "", nil)
		return err
	})
	return err
}

// Request asks for one action to be approved by a PIN: a cashier's action
// elevated in place by a manager ("manager PIN for this one action"), or a
// overrideData is the Data of an override or denied event.
type overrideData struct {
	Action    staff.Action `json:"action"`
	Actor     string       `json:"actor"`
	Approver  string       `json:"approver"`
	AmountFen int64        `json:"amount_fen,omitempty"`
}

// Authorize approves r if the approver's PIN is right and the approver's
// role allows the action. Wrong PINs count toward the approver's lockout.
// The approval (or a refusal by role) is written to the audit trail with
// both names: Actor is the approver, Data holds the action, the requesting
// actor and the approver.
func (d *Directory) Authorize(ctx context.Context, r staff.Request) (staff.Approval, error) {
	if r.Actor == "" {
		r.Actor = r.Approver
	}
	var ap staff.Approval
	denied := false
	_, err := d.verify(ctx, r.Approver, r.PIN, string(r.Action), func(tx *storage.Tx, u *staff.User, now time.Time) error {
		data := overrideData{Action: r.Action, Actor: r.Actor, Approver: u.Name, AmountFen: r.AmountFen}
		if !u.Role.Allows(r.Action) || u.Disabled {
			// The PIN was right (the count is cleared), but the role may not
			// approve this: the refusal is on record too.
			denied = true
			_, err := event(tx, now, staff.KindDenied, r.Ref, u.Name, r.Reason, data)
			return err
		}
		seq, err := event(tx, now, staff.KindOverride, r.Ref, u.Name, r.Reason, data)
		ap = staff.Approval{Action: r.Action, Actor: r.Actor, Approver: u.Name, Ref: r.Ref, At: now, EventSeq: seq}
		return err
	})
	if err != nil {
		return staff.Approval{}, err
	}
	if denied {
		return staff.Approval{}, fmt.Errorf("%s by %s for %s: %w", r.Action, r.Approver, r.Actor, staff.ErrForbidden)
	}
	return ap, nil
}

// Check verifies r's PIN and that the approver's role allows the action,
// without recording an approval: a screen calls it to keep its PIN prompt
// open on a wrong PIN before handing the PIN to the payment core, whose
// own Authorize call writes the override. Wrong PINs count and are
// recorded as usual.
func (d *Directory) Check(ctx context.Context, r staff.Request) error {
	forbidden := false
	_, err := d.verify(ctx, r.Approver, r.PIN, string(r.Action), func(_ *storage.Tx, u *staff.User, _ time.Time) error {
		forbidden = !u.Role.Allows(r.Action)
		return nil
	})
	if err != nil {
		return err
	}
	if forbidden {
		return fmt.Errorf("%s by %s: %w", r.Action, r.Approver, staff.ErrForbidden)
	}
	return nil
}
