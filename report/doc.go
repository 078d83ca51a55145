// Package report is the terminal's business days and their X and Z
// reports as values: Session, Report, Move, the day states and the errors.
// Package reportstore keeps them on the terminal's database and computes
// the reports; the window reads these values without linking it.
//
// A day is a calendar day in Asia/Shanghai (yyyymmdd), the same day WeChat
// Pay's daily bill uses, so a Z report and the bill of its day can be
// reconciled line for line. The manager opens the day with a float (备用金),
// records cash put in or paid out with a reason, reads X reports at any
// time (nothing changes), and closes the day with a Z report. Closing
// computes the report, numbers it from the terminal's own sequence
// (1, 2, 3 … with no gaps: the number is taken in the commit that stores
// the report) and freezes it with the session. A closed day refuses every
// change; its Z is read back, never recomputed, so a reprint is identical.
//
// Figures come from what the payment core stores (storage orders, refunds,
// receipts), read through the per-day indexes so a report costs the same
// after a year of trading as on the first day. A sale counts on its
// business day: the day it was paid, or — when that day's Z has already
// been taken — the next day still open (a sale at 23:00 after the Z of D
// belongs to D+1; the Z of D stays exact, and an X of D still matches it).
// A refund likewise, on the day it succeeded. The business day is fixed on
// the record in the commit that records the money (storage.Tx.BusinessDay),
// and printed on the receipt when it is not the receipt's date. Payments
// and refunds not settled when the report is taken are listed as pending
// and kept out of the money;
// abnormal refunds are listed for the merchant console. Expected cash is
// float + cash sales − cash refunds + cash in − cash out; the difference
// is counted minus expected (positive: over, 长款; negative: short, 短款).
//
// Sessions are stored by reportstore, which appends an audit event for
// opening, cash movements and closing (day.open, day.cash_in,
// day.cash_out, day.close). Who may do what is decided by the caller
// (package staff); the book records the names it is given.
package report
