package staff

import (
	"fmt"
	"time"
)

// Audit event kinds this package writes (storage.Event.Kind).
const (
	KindSetup       = "user.setup"        // first manager created
	KindUserAdded   = "user.added"        // a manager added a user
	KindUserChanged = "user.changed"      // role, PIN, disabled, unlock
	KindLogin       = "user.login"        // PIN accepted at login
	KindLogout      = "user.logout"       //
	KindPINFailed   = "user.pin_failed"   // wrong PIN (login or approval)
	KindLockedOut   = "user.locked"       // too many wrong PINs
	KindOverride    = "override"          // an action approved with a PIN; Data names both people
	KindDenied      = "override.denied"   // right PIN, but the role may not approve the action
	KindPINChanged  = "user.pin_changed"  // a user changed their own PIN
	KindSettings    = "settings.changed"  // written by the settings screen
	KindUnknownUser = "user.unknown_name" // a PIN was tried for a name that does not exist
)

// Action is something that needs a given role.
type Action string

// Actions that need a manager. Anything not listed is open to cashiers.
const (
	ActionRefund    Action = "refund"
	ActionForcePaid Action = "force_paid"
	ActionForceVoid Action = "force_void"
	ActionDayOpen   Action = "day_open"
	ActionDayClose  Action = "day_close"
	ActionCashOut   Action = "cash_out"
	ActionSettings  Action = "settings"
	ActionStaff     Action = "staff"
	ActionSale      Action = "sale"
	ActionCashIn    Action = "cash_in"
	ActionXReport   Action = "x_report"
	ActionDrawer    Action = "open_drawer" // open the cash drawer without a sale
	// ActionDiscount approves a discount or a lowered price above what a
	// cashier may give alone; ActionDeleteLine deleting a line from a sale
	// once paying began or above the configured value.
	ActionDiscount   Action = "discount"
	ActionDeleteLine Action = "delete_line"
	// ActionCatalog changes the catalogue: items and prices (import).
	ActionCatalog Action = "catalog"
	// ActionAbnormalRefund settles a refund WeChat could not pay back
	// (pos.ActionAbnormalRefund).
	ActionAbnormalRefund Action = "abnormal_refund"
	// ActionQuit closes the window of a till in kiosk mode ([ui] kiosk).
	ActionQuit Action = "quit_kiosk"
)

// required lists the role each action needs; the permission table.
var required = map[Action]Role{
	ActionSale:           RoleCashier,
	ActionCashIn:         RoleCashier,
	ActionXReport:        RoleCashier,
	ActionDayOpen:        RoleCashier,
	ActionRefund:         RoleManager,
	ActionForcePaid:      RoleManager,
	ActionForceVoid:      RoleManager,
	ActionDayClose:       RoleManager,
	ActionCashOut:        RoleManager,
	ActionSettings:       RoleManager,
	ActionStaff:          RoleManager,
	ActionDrawer:         RoleManager,
	ActionDiscount:       RoleManager,
	ActionCatalog:        RoleManager,
	ActionDeleteLine:     RoleManager,
	ActionAbnormalRefund: RoleManager,
	ActionQuit:           RoleManager,
}

// Allows reports whether role r may perform a by itself. Unknown actions
// need a manager.
func (r Role) Allows(a Action) bool {
	need, ok := required[a]
	if !ok {
		need = RoleManager
	}
	return r == RoleManager || (r == RoleCashier && need == RoleCashier)
}

// Session is a logged-in user. It is a value: the UI keeps the current one.
type Session struct {
	Name  string
	Role  Role
	Since time.Time
}

// Require returns an error wrapping ErrForbidden unless the session may
// perform a without an override.
func (s Session) Require(a Action) error {
	if s.Name == "" || !s.Role.Allows(a) {
		return fmt.Errorf("%s by %q (%s): %w", a, s.Name, s.Role, ErrForbidden)
	}
	return nil
}

// Can reports whether the session may perform a without an override.
func (s Session) Can(a Action) bool { return s.Require(a) == nil }

// manager confirming their own action.
type Request struct {
	Action    Action
	Actor     string // who is logged in and asks (may equal Approver)
	Approver  string // whose PIN is entered
	PIN       string
	Ref       string // what it is about: out_trade_no, out_refund_no, day …
	AmountFen int64  // for refunds
	Reason    string
}

// Approval is a granted Request, as written to the audit trail.
type Approval struct {
	Action   Action
	Actor    string
	Approver string
	Ref      string
	At       time.Time
	EventSeq uint64 // the "override" event in the audit trail
}
