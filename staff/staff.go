package staff

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/tz"
)

// Role is what a user may do. Roles are persisted as these strings.
type Role string

// Roles.
const (
	RoleCashier Role = "cashier"
	RoleManager Role = "manager"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleCashier || r == RoleManager }

// Sentinel errors. Callers compare with errors.Is.
var (
	// ErrBadPIN is returned when the name or the PIN is wrong. The two are
	// not told apart, so a guesser learns nothing about which names exist.
	ErrBadPIN = errors.New("wrong name or PIN")
	// ErrLocked is returned (inside a *LockedError) while a user is locked
	// out after too many wrong PINs.
	ErrLocked = errors.New("locked after too many wrong PINs")
	// ErrDisabled is returned for a user a manager has disabled.
	ErrDisabled = errors.New("user disabled")
	// ErrForbidden is returned when a user's role does not allow an action.
	ErrForbidden = errors.New("role does not allow this action")
	// ErrSetupDone is returned by Setup once any user exists.
	ErrSetupDone = errors.New("first manager already set up")
	// ErrNoUsers is returned by Login before Setup has run.
	ErrNoUsers = errors.New("no users yet: set up the first manager")
	// ErrWeakPIN is returned for a PIN that is not 4–12 digits or is trivially
	// guessable (one repeated digit, a straight run like 1234).
	ErrWeakPIN = errors.New("PIN must be 4–12 digits and not a repeat or a run")
	// ErrBadName is returned for an empty, overlong or control-character name.
	ErrBadName = errors.New("name must be 1–32 printable characters")
	// ErrExists is returned by Add for a name already taken.
	ErrExists = errors.New("user already exists")
	// ErrNotFound is returned for a user that does not exist.
	ErrNotFound = errors.New("no such user")
	// ErrLastManager is returned when a change would leave no active manager.
	ErrLastManager = errors.New("the last manager cannot be removed or demoted")
)

// LockedError says until when a user is locked out.
type LockedError struct {
	Name  string
	Until time.Time
}

func (e *LockedError) Error() string {
	// The store's clock, whatever the machine's zone or the zone the time
	// was stored in (UTC).
	return fmt.Sprintf("%s: %v until %s", e.Name, ErrLocked, tz.Clock(e.Until))
}

// Is makes errors.Is(err, ErrLocked) match.
func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// User is one member of staff as stored in the users bucket (key: the
// name folded to lower case). The PIN is kept only as an argon2id hash.
type User struct {
	V           int       `json:"v"`
	Name        string    `json:"name"`
	Role        Role      `json:"role"`
	PINHash     string    `json:"pin_hash"`
	Failed      int       `json:"failed"`                 // wrong PINs since the last right one (attempts are counted before the check)
	LockedUntil time.Time `json:"locked_until,omitzero"`  // no attempts accepted before this
	Disabled    bool      `json:"disabled,omitempty"`     // cannot log in or approve
	CreatedAt   time.Time `json:"created_at"`             //
	CreatedBy   string    `json:"created_by,omitempty"`   //
	LastLoginAt time.Time `json:"last_login_at,omitzero"` //
}

const userVersion = 1

// Locked reports whether u refuses PIN attempts at now.
func (u *User) Locked(now time.Time) bool { return now.Before(u.LockedUntil) }

// Policy is the lockout rule: after MaxAttempts wrong PINs in a row the
// user is locked for LockFor. The count is stored with the user, so a
// restart does not reset it.
type Policy struct {
	MaxAttempts int
	LockFor     time.Duration
}

// DefaultPolicy locks a user for 15 minutes after 5 wrong PINs.
var DefaultPolicy = Policy{MaxAttempts: 5, LockFor: 15 * time.Minute}

// Options configures a Directory. The zero value uses the defaults.
type Options struct {
	Params Params           // zero: DefaultParams
	Policy Policy           // zero: DefaultPolicy
	Now    func() time.Time // zero: time.Now
}

// Directory is the staff list of one terminal, kept in its database. It is
// safe for concurrent use.
type Directory struct {
	db     *storage.Store
	params Params
	policy Policy
	now    func() time.Time

	dummyOnce sync.Once
	dummy     string // hash checked for unknown names, so they take as long as known ones
}

// New returns the directory on db.
func New(db *storage.Store, o *Options) *Directory {
	d := &Directory{db: db, params: DefaultParams, policy: DefaultPolicy, now: time.Now}
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
func (d *Directory) Policy() Policy { return d.policy }

func userKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// CheckName validates a user name.
func CheckName(name string) error {
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > 32 {
		return ErrBadName
	}
	for _, r := range name {
		if !unicode.IsPrint(r) {
			return ErrBadName
		}
	}
	return nil
}

// CheckPIN validates a new PIN: 4–12 ASCII digits, not one digit repeated
// and not a straight ascending or descending run.
func CheckPIN(pin string) error {
	if len(pin) < 4 || len(pin) > 12 {
		return ErrWeakPIN
	}
	same, up, down := true, true, true
	for i := 0; i < len(pin); i++ {
		if pin[i] < '0' || pin[i] > '9' {
			return ErrWeakPIN
		}
		if i > 0 {
			same = same && pin[i] == pin[i-1]
			up = up && pin[i] == pin[i-1]+1
			down = down && pin[i]+1 == pin[i-1]
		}
	}
	if same || up || down {
		return ErrWeakPIN
	}
	return nil
}

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

func getUser(tx *storage.Tx, name string) (*User, error) {
	var u User
	if err := tx.Get(storage.BucketUsers, userKey(name), &u); err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return nil, fmt.Errorf("user %q: %w", name, ErrNotFound)
		}
		return nil, err
	}
	return &u, nil
}

func putUser(tx *storage.Tx, u *User) error {
	u.V = userVersion
	return tx.Put(storage.BucketUsers, userKey(u.Name), u)
}

func countUsers(tx *storage.Tx) (all, managers int, err error) {
	err = tx.ForEach(storage.BucketUsers, "", func(_ string, v []byte) error {
		var u User
		if err := json.Unmarshal(v, &u); err != nil {
			return fmt.Errorf("decode user: %w", err)
		}
		all++
		if u.Role == RoleManager && !u.Disabled {
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
func (d *Directory) Setup(ctx context.Context, name, pin string) (*User, error) {
	if err := CheckName(name); err != nil {
		return nil, err
	}
	if err := CheckPIN(pin); err != nil {
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
	u := &User{Name: strings.TrimSpace(name), Role: RoleManager, PINHash: h, CreatedAt: now, CreatedBy: "setup"}
	err = d.db.Update(func(tx *storage.Tx) error {
		n, _, err := countUsers(tx)
		if err != nil {
			return err
		}
		if n > 0 {
			return ErrSetupDone
		}
		if err := putUser(tx, u); err != nil {
			return err
		}
		_, err = event(tx, now, KindSetup, u.Name, u.Name, "", map[string]string{"role": string(u.Role)})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("setup: %w", err)
	}
	return u, nil
}

// Add creates a user. by must be an active manager's session.
func (d *Directory) Add(ctx context.Context, by Session, name string, role Role, pin string) (*User, error) {
	if err := by.require(ActionStaff); err != nil {
		return nil, err
	}
	if err := CheckName(name); err != nil {
		return nil, err
	}
	if !role.Valid() {
		return nil, fmt.Errorf("role %q: %w", role, ErrForbidden)
	}
	if err := CheckPIN(pin); err != nil {
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
	u := &User{Name: strings.TrimSpace(name), Role: role, PINHash: h, CreatedAt: now, CreatedBy: by.Name}
	err = d.db.Update(func(tx *storage.Tx) error {
		if tx.Has(storage.BucketUsers, userKey(name)) {
			return fmt.Errorf("user %q: %w", name, ErrExists)
		}
		if err := putUser(tx, u); err != nil {
			return err
		}
		_, err := event(tx, now, KindUserAdded, u.Name, by.Name, "", map[string]string{"role": string(role)})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("add user: %w", err)
	}
	return u, nil
}

// Get returns the user name.
func (d *Directory) Get(name string) (*User, error) {
	var u *User
	err := d.db.View(func(tx *storage.Tx) error {
		var err error
		u, err = getUser(tx, name)
		return err
	})
	return u, err
}

// List returns every user in name order, PIN hashes blanked.
func (d *Directory) List() ([]User, error) {
	var out []User
	err := d.db.View(func(tx *storage.Tx) error {
		return tx.ForEach(storage.BucketUsers, "", func(_ string, v []byte) error {
			var u User
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

// Change is an edit of one user by a manager; nil fields stay as they are.
type Change struct {
	Role     *Role
	Disabled *bool
	PIN      *string // a new PIN (also clears the lockout)
	Unlock   bool    // clear the wrong-PIN count and lockout
}

// Update applies c to user name. by must be a manager; a change that would
// leave no active manager fails with ErrLastManager.
func (d *Directory) Update(ctx context.Context, by Session, name string, c Change) error {
	if err := by.require(ActionStaff); err != nil {
		return err
	}
	var newHash string
	if c.PIN != nil {
		if err := CheckPIN(*c.PIN); err != nil {
			return err
		}
		h, err := hashPIN(*c.PIN, d.params)
		if err != nil {
			return err
		}
		newHash = h
	}
	if c.Role != nil && !c.Role.Valid() {
		return fmt.Errorf("role %q: %w", *c.Role, ErrForbidden)
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
		wasManager := u.Role == RoleManager && !u.Disabled
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
		if wasManager && (u.Role != RoleManager || u.Disabled) {
			_, managers, err := countUsers(tx)
			if err != nil {
				return err
			}
			if managers <= 1 {
				return ErrLastManager
			}
		}
		if err := putUser(tx, u); err != nil {
			return err
		}
		_, err = event(tx, now, KindUserChanged, u.Name, by.Name, strings.Join(what, ","), nil)
		return err
	})
	if err != nil {
		return fmt.Errorf("update user %s: %w", name, err)
	}
	return nil
}
