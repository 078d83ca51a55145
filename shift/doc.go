// Package shift is the cashier's side of the till as values: who is
// signed in (Till), a cashier's shift (交班: Shift, State), its report
// (Report, per cashier) and the errors. Package shiftstore keeps them on
// the terminal's database; the window reads these values without linking
// it.
//
// A sign-in belongs to the terminal, not to a process: it is stored, so
// the window and `wxpos pay` see the same cashier, and a restart keeps it
// (a locked till stays locked). The payment core refuses sales and
// refunds while nobody is signed in or the till is locked
// (pos.ErrNotSignedIn), checked in the commit that records them.
//
// A shift is the drawer's time with one cashier: opened with a float
// counted into the drawer, closed (交班) with a blind count — the cashier
// types what the drawer holds before the terminal says what it expected,
// so the count cannot be fitted to the figure. The close computes the
// shift's report (sales and refunds counted in the shift, by tender and
// by cashier; cash in and out), the expected cash, the variance (counted
// − expected, audited as "shift.variance" when not 0) and, on a
// handover, opens the next cashier's shift with the float left in the
// drawer — all in one commit, so a crash leaves the shift either open or
// closed and handed over, never half. A quick switch signs another
// cashier in without closing the shift (their sales carry their name and
// count in the same drawer).
//
// A sale counts in the shift open when it is recorded PAID, a refund when
// it succeeds (the payment core stamps Order.Shift and Refund.Shift in
// that commit, as it fixes the business day); the manager's Z stays per
// day and lists the shifts its money came from (reportstore), and cannot
// be taken while a shift is open.
//
// Head office: the shift events replicate with the rest of the log, and
// with them each shift's record as the terminal has it (package replica,
// table shifts), which wxpos hq report --by cashier reads.
//
// Upgrade: a terminal from before sign-in has nobody signed in. Any active
// user — a manager included — signs in with their PIN and opens the first
// shift, so a store that updates mid-day is not locked out; sales in
// flight when it updated finish in recovery, which needs no cashier.
package shift
