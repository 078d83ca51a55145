package counter

import (
	"github.com/wxpos/wxpos/custdisplay"
	"github.com/wxpos/wxpos/recon"
	"github.com/wxpos/wxpos/ui/view"
)

// Window is the back end of one cashier window, as the wiring
// (cli.Env.Window) builds it: main hands each part to the window as a ui
// Option. A nil part is not configured and gets no Option.
type Window struct {
	Checkout   *Checkout   // payments, today's sales, the status bar, unseen outcomes
	Manager    *Manager    // the manager screens; also keeps the language choice
	Reconciler *Reconciler // the daily bill's reconciliation screen
	// Codes are the serial scanner's reads (nil: keyboard-wedge scanner only).
	Codes <-chan string
	// Printer prints receipts and X/Z reports (nil: printer "none").
	Printer *DocPrinter
	// BillStatus and ReplicaStatus say how the background workers are
	// doing, for the status bar (ReplicaStatus nil: no [replica]).
	BillStatus    func() recon.Status
	ReplicaStatus func() view.ReplicaStatus
	// BackupStatus says how the scheduled backups are doing (nil: no
	// [backup] dir).
	BackupStatus func() view.BackupStatus
	// CatalogStatus says how the pull of head office's catalogue is doing
	// (nil: no [replica], or catalog.pull_every negative).
	CatalogStatus func() view.CatalogStatus
	// Customer plays the customer in training (nil: not the in-process
	// simulator).
	Customer *SandboxCustomer
	// Display is what faces the customer: the pole display is attached,
	// the window attaches the customer window (nil: no [display]).
	Display *custdisplay.Hub
	// Till is cashier sign-in, the lock and the shift close (交班).
	Till *Till
	// Items is the catalogue the sale screen sells from (scans, quick
	// keys, search); an empty catalogue leaves the keyed-amount sale.
	Items *Items
}
