// Package staff is the terminal's users, their roles and the rules for who
// may do what, as values: Role, Action and the permission table
// (Role.Allows), Session, Request and Approval, the audit Filter, the
// errors. Package staffstore keeps the users and their PINs on the
// terminal's database; the window reads these values without linking it.
//
// Users are cashiers or managers (Role). Permissions are one table
// (Role.Allows): refunds, force paid/void, closing the day, paying cash
// out, settings and staff need a manager. A cashier is elevated for one
// action by a manager typing their PIN (a supervisor override,
// staffstore.Directory.Authorize); the approval is written to the audit
// trail as an "override" event naming both people, a right PIN for a role
// that may not approve as "override.denied".
//
// Lockout: after Policy.MaxAttempts wrong PINs in a row a user is locked
// for Policy.LockFor (LockedError). An unknown name gives the same
// ErrBadPIN as a wrong PIN, so names cannot be probed.
package staff
