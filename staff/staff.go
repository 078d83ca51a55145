package staff

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

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

// Change is an edit of one user by a manager; nil fields stay as they are.
type Change struct {
	Role     *Role
	Disabled *bool
	PIN      *string // a new PIN (also clears the lockout)
	Unlock   bool    // clear the wrong-PIN count and lockout
}
