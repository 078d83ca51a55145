// Package autobackup runs the terminal's scheduled backups inside the
// cashier window: every day at a set time (the store's zone) it writes a
// backup into a directory with the same code as `wxpos backup`, audits the
// file it wrote, and then keeps only the newest few. A backup missed while
// the window was closed runs as soon as it opens.
//
// It never touches a payment: the write is a read transaction beside the
// payment core, on its own goroutine; a failure is a Status (for the
// manager's status bar) and a retry, never an error in anyone's way.
//
// The backup files are named wxpos-YYYYMMDD-HHMM.<ext> (the slot's time
// in the zone), so their names sort by age; only files of that shape are
// ever pruned.
package autobackup
