package staffstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/wxpos/wxpos/staff"
	"github.com/wxpos/wxpos/storage"
)

const userVersion = 1

// Options configures a Directory. The zero value uses the defaults.
type Options struct {
	Params Params           // zero: DefaultParams
	Policy staff.Policy     // zero: staff.DefaultPolicy
	Now    func() time.Time // zero: time.Now
}

// Directory is the staff list of one terminal, kept in its database. It is
// safe for concurrent use.
type Directory struct {
	db     *storage.Store
	params Params
	policy staff.Policy
	now    func() time.Time

	dummyOnce sync.Once
	dummy     string // hash checked for unknown names, so they take as long as known ones
}

// New returns the directory on db.
func New(db *storage.Store, o *Options) *Directory {
	d := &Directory{db: db, params: DefaultParams, policy: staff.DefaultPolicy, now: time.Now}
	if o != nil {
		if o.Params.Time != 0 {
			d.params = o.Params
		}
		if o.Policy.MaxAttempts > 0 {
			d.policy = o.Policy
		}
		if o.Now != nil {
			d.now = o.Now
		}
	}
	return d
}

// Policy returns the lockout policy in force.
func (d *Directory) Policy() staff.Policy { return d.policy }

func userKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// event appends an audit event with Data encoded as JSON.
func event(tx *storage.Tx, at time.Time, kind, ref, actor, reason string, data any) (uint64, error) {
	e := storage.Event{Time: at, Kind: kind, Ref: ref, Actor: actor, Reason: reason}
	if data != nil {
		raw, err := json.Marshal(data)
		if err != nil {
			return 0, fmt.Errorf("event %s: %w", kind, err)
		}
		e.Data = raw
	}
	return tx.AppendEvent(e)
}

func getUser(tx *storage.Tx, name string) (*staff.User, error) {
	var u staff.User
	if err := tx.Get(storage.BucketUsers, userKey(name), &u); err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return nil, fmt.Errorf("user %q: %w", name, staff.ErrNotFound)
		}
		return nil, err
	}
	return &u, nil
}

func putUser(tx *storage.Tx, u *staff.User) error {
	u.V = userVersion
	return tx.Put(storage.BucketUsers, userKey(u.Name), u)
}

func countUsers(tx *storage.Tx) (all, managers int, err error) {
	err = tx.ForEach(storage.BucketUsers, "", func(_ string, v []byte) error {
		var u staff.User
		if err := json.Unmarshal(v, &u); err != nil {
			return fmt.Errorf("decode user: %w", err)
		}
		all++
		if u.Role == staff.RoleManager && !u.Disabled {
			managers++
		}
		return nil
	})
	return all, managers, err
}

// NeedsSetup reports whether the terminal has no users yet, so the first
// manager must be created before anyone can log in.
func (d *Directory) NeedsSetup() (bool, error) {
	var n int
	err := d.db.View(func(tx *storage.Tx) error {
		var err error
		n, _, err = countUsers(tx)
		return err
	})
	return n == 0, err
}

// Setup creates the first manager. It fails with ErrSetupDone once any user
// exists, so it cannot be used to add a manager behind the others' backs.
func (d *Directory) Setup(ctx context.Context, name, pin string) (*staff.User, error) {
	if err := staff.CheckName(name); err != nil {
		return nil, err
	}
	if err := staff.CheckPIN(pin); err != nil {
		return nil, err
	}
	h, err := hashPIN(pin, d.params)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	now := d.now()
	u := &staff.User{Name: strings.TrimSpace(name), Role: staff.RoleManager, PINHash: h, CreatedAt: now, CreatedBy: "setup"}
	err = d.db.Update(func(tx *storage.Tx) error {
		n, _, err := countUsers(tx)
		if err != nil {
			return err
		}
		if n > 0 {
			return staff.ErrSetupDone
		}
		if err := putUser(tx, u); err != nil {
			return err
		}
		_, err = event(tx, now, staff.KindSetup, u.Name, u.Name, "", map[string]string{"role": string(u.Role)})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("setup: %w", err)
	}
	return u, nil
}

// Add creates a user. by must be an active manager's session.
func (d *Directory) Add(ctx context.Context, by staff.Session, name string, role staff.Role, pin string) (*staff.User, error) {
	if err := by.Require(staff.ActionStaff); err != nil {
		return nil, err
	}
	if err := staff.CheckName(name); err != nil {
		return nil, err
	}
	if !role.Valid() {
		return nil, fmt.Errorf("role %q: %w", role, staff.ErrForbidden)
	}
	if err := staff.CheckPIN(pin); err != nil {
		return nil, err
	}
	h, err := hashPIN(pin, d.params)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	now := d.now()
	u := &staff.User{Name: strings.TrimSpace(name), Role: role, PINHash: h, CreatedAt: now, CreatedBy: by.Name}
	err = d.db.Update(func(tx *storage.Tx) error {
		if tx.Has(storage.BucketUsers, userKey(name)) {
			return fmt.Errorf("user %q: %w", name, staff.ErrExists)
		}
		if err := putUser(tx, u); err != nil {
			return err
		}
		_, err := event(tx, now, staff.KindUserAdded, u.Name, by.Name, "", map[string]string{"role": string(role)})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("add user: %w", err)
	}
	return u, nil
}

// Get returns the user name.
func (d *Directory) Get(name string) (*staff.User, error) {
	var u *staff.User
	err := d.db.View(func(tx *storage.Tx) error {
		var err error
		u, err = getUser(tx, name)
		return err
	})
	return u, err
}

// List returns every user in name order, PIN hashes blanked.
func (d *Directory) List() ([]staff.User, error) {
	var out []staff.User
	err := d.db.View(func(tx *storage.Tx) error {
		return tx.ForEach(storage.BucketUsers, "", func(_ string, v []byte) error {
			var u staff.User
			if err := json.Unmarshal(v, &u); err != nil {
				return fmt.Errorf("decode user: %w", err)
			}
			u.PINHash = ""
			out = append(out, u)
			return nil
		})
	})
	return out, err
}

// Update applies c to user name. by must be a manager; a change that would
// leave no active manager fails with ErrLastManager.
func (d *Directory) Update(ctx context.Context, by staff.Session, name string, c staff.Change) error {
	if err := by.Require(staff.ActionStaff); err != nil {
		return err
	}
	var newHash string
	if c.PIN != nil {
		if err := staff.CheckPIN(*c.PIN); err != nil {
			return err
		}
		h, err := hashPIN(*c.PIN, d.params)
		if err != nil {
			return err
		}
		newHash = h
	}
	if c.Role != nil && !c.Role.Valid() {
		return fmt.Errorf("role %q: %w", *c.Role, staff.ErrForbidden)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	now := d.now()
	err := d.db.Update(func(tx *storage.Tx) error {
		u, err := getUser(tx, name)
		if err != nil {
			return err
		}
		wasManager := u.Role == staff.RoleManager && !u.Disabled
		var what []string
		if c.Role != nil && *c.Role != u.Role {
			u.Role = *c.Role
			what = append(what, "role="+string(u.Role))
		}
		if c.Disabled != nil && *c.Disabled != u.Disabled {
			u.Disabled = *c.Disabled
			what = append(what, fmt.Sprintf("disabled=%t", u.Disabled))
		}
		if newHash != "" {
			u.PINHash = newHash
			what = append(what, "pin")
		}
		if newHash != "" || c.Unlock {
			u.Failed, u.LockedUntil = 0, time.Time{}
			what = append(what, "unlocked")
		}
		if wasManager && (u.Role != staff.RoleManager || u.Disabled) {
			_, managers, err := countUsers(tx)
			if err != nil {
				return err
			}
			if managers <= 1 {
				return staff.ErrLastManager
			}
		}
		if err := putUser(tx, u); err != nil {
			return err
		}
		_, err = event(tx, now, staff.KindUserChanged, u.Name, by.Name, strings.Join(what, ","), nil)
		return err
	})
	if err != nil {
		return fmt.Errorf("update user %s: %w", name, err)
	}
	return nil
}
