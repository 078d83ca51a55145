// Package staffstore keeps the terminal's users (staff.User) and their
// PINs on its bbolt database, checks PINs and approvals, and reads and
// exports the audit trail. It lives apart from staff so that what reads
// staff's values and errors (the window) does not link the database.
//
// A PIN is stored only as an argon2id hash in PHC string form
// ("$argon2id$v=19$m=…,t=…,p=…$salt$key"), with a random 16-byte salt per
// hash and the cost parameters inside it, so DefaultParams can be raised
// later: a hash made with weaker parameters is replaced at the next
// successful check. Derived keys are compared in constant time.
//
// Lockout: every PIN attempt is counted in the user's record before the
// hash is checked (its own commit), and a right PIN clears the count. After
// staff.Policy.MaxAttempts wrong PINs in a row the user is locked for
// Policy.LockFor. The count lives in the database, so restarting the
// terminal does not reset it, and two guesses at once cannot get past the
// limit. An unknown name takes as long as a known one and gives the same
// staff.ErrBadPIN, so names cannot be probed.
//
// A cashier is elevated for one action by a manager typing their PIN
// (Directory.Authorize, a supervisor override); the approval is written to
// the audit trail as an "override" event naming both people. The payment
// core calls Authorize through a small interface of its own
// (PaymentAuthorizer).
//
// The first manager is created by Setup, which only works on a terminal
// with no users. Trail and WriteCSV read and export the audit trail (the
// storage event log) for the manager's viewer.
//
// Hashing never runs inside a database transaction: a check costs
// ~100 ms of CPU and must not hold the writer lock the payment core needs.
package staffstore
