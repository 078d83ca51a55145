// Package counter is the facade between the cashier window and the back
// end: everything the screens drive that is not drawing. It adapts the
// payment core (pos.Terminal), the staff directory, the day book (report),
// reconciliation (recon), the configuration file (config.Save) and, in
// training mode, the simulator to the interfaces package ui declares, and
// builds the values of package ui/view the screens show.
//
//   - Checkout: payments, today's sales, the status bar and unseen outcomes,
//     from the core's event stream (ScanCodes feeds it the serial scanner).
//   - Manager: refunds, payments in doubt, day sessions, settings, the audit
//     trail and the cash drawer.
//   - Reconciler: the daily bill's reconciliation screen.
//   - DocPrinter: receipts and X/Z reports laid out for the printer.
//   - SandboxCustomer: the training customer on the in-process simulator.
//   - ReplicaStatus: replication's health without PostgreSQL's types.
//   - Window.Display: the customer display's hub (package custdisplay),
//     which the wiring builds and attaches the pole display to.
//
// The window imports none of this: the wiring (cli.Env.Window) builds the
// facade as a Window and main hands its parts in through ui's Options, so
// ui links no replication driver or simulator and opens no database, and a
// screen test may use a fake in its place. Nothing here
// opens a database transaction itself; every read and write goes through
// the domain packages, which own their transactions.
package counter
