//go:build !headless

package main

import (
	"context"
	"os"
	"runtime/debug"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"github.com/go-gl/glfw/v3.3/glfw"
	"github.com/spf13/cobra"

	"github.com/wxpos/wxpos/cli"
	"github.com/wxpos/wxpos/counter"
	_ "github.com/wxpos/wxpos/fynelocale" // before Fyne reads the locale: see its doc
	"github.com/wxpos/wxpos/pricing"
	"github.com/wxpos/wxpos/ui"
)

// handOff is the headless build's (headless.go): this build is the window.
func handOff(*cobra.Command, []string) {}

// runWindow is `wxpos` with no command: the cashier window.
func runWindow(ctx context.Context, env *cli.Env) error {
	if err := needDisplay(); err != nil {
		return err
	}
	// The window runs all day and is idle most of it, and most of its
	// live heap is parsed font data that never changes: a quarter of
	// that is ample room for a sale's garbage (the soak measured 6 MB
	// less RSS than at 50%, for one more short GC every few sales).
	// Cap the total too, unless the operator tuned either.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(25)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(128 << 20)
	}
	opts, err := windowOptions(ctx, env)
	if err != nil {
		return err
	}
	return ui.Run(ctx, app.NewWithID(cli.AppID), opts...)
}

// windowOptions is the cashier window for env: how it looks and behaves
// (from the configuration) and the back end it drives, which the wiring
// builds (cli.Env.Window, in cli/wiring.go).
func windowOptions(ctx context.Context, env *cli.Env) ([]ui.Option, error) {
	w, err := env.Window(ctx)
	if err != nil {
		return nil, err
	}
	cfg := env.Config
	opts := []ui.Option{
		ui.WithTraining(cfg.Training()),
		ui.WithLanguage(ui.Lang(cfg.UI.Locale)),
		ui.WithKiosk(cfg.UI.Kiosk),
		ui.WithMonitorEvents(watchMonitors),
		ui.WithScreens(screens()),
		ui.WithLogger(env.Logger),
		ui.WithAmountLimits(cfg.Payment.MaxAmount.Fen, cfg.Payment.ConfirmAbove.Fen),
		ui.WithLineLimits(pricing.Limits{MaxPercent: cfg.Payment.DiscountMaxPercent, MaxFen: cfg.Payment.DiscountMaxAmount.Fen},
			cfg.Payment.DeleteLineAbove.Fen),
	}
	if w.Display != nil {
		opts = append(opts, ui.WithCustomerDisplay(w.Display, customerWindow(env)))
	}
	return append(opts, backEnd(w, cfg.Staff.IdleLock.Duration)...), nil
}

// watchMonitors calls changed when GLFW (Fyne's window system library)
// sees a monitor connected or disconnected. GLFW calls its monitor
// callback on the main thread in the middle of its event poll; changed
// runs after it, queued like any UI work. The callback is registered from
// the UI loop, once GLFW is up.
func watchMonitors(changed func(connected bool)) {
	fyne.Do(func() {
		glfw.SetMonitorCallback(func(_ *glfw.Monitor, e glfw.PeripheralEvent) {
			connected := e == glfw.Connected
			fyne.Do(func() { changed(connected) })
		})
	})
}

// customerWindow is the customer window as [display] and [store] say. An
// idle image that cannot be read is left out, with a warning: the counter
// works without it.
func customerWindow(env *cli.Env) ui.CustomerWindow {
	c := env.Config.Display
	cw := ui.CustomerWindow{Open: c.CustomerWindow, Fullscreen: c.Fullscreen, Monitor: string(c.Monitor), StoreName: env.Config.Store.Name}
	if c.Image != "" {
		img, err := fyne.LoadResourceFromPath(c.Image)
		if err != nil {
			env.Logger.Warn("display.image not shown", "err", err)
		} else {
			cw.Image = img
		}
	}
	return cw
}

// backEnd hands each part of the window's back end to the window; a part
// that is not configured gets no Option.
func backEnd(w *counter.Window, idleLock time.Duration) []ui.Option {
	opts := []ui.Option{
		ui.WithCheckout(w.Checkout), ui.WithStatus(w.Checkout),
		ui.WithManager(w.Manager), ui.WithLanguageStore(w.Manager.SaveLanguage),
		ui.WithReconciler(w.Reconciler), ui.WithBillStatus(w.BillStatus),
	}
	if w.Till != nil {
		opts = append(opts, ui.WithTill(w.Till, idleLock))
	}
	if w.Codes != nil {
		opts = append(opts, ui.WithScanner(w.Codes))
	}
	if w.Items != nil {
		opts = append(opts, ui.WithCatalog(w.Items, w.Items.Rules()))
	}
	if w.Printer != nil {
		opts = append(opts, ui.WithPrinter(w.Printer))
	}
	if w.ReplicaStatus != nil {
		opts = append(opts, ui.WithReplicaStatus(w.ReplicaStatus))
	}
	if w.BackupStatus != nil {
		opts = append(opts, ui.WithBackupStatus(w.BackupStatus))
	}
	if w.CatalogStatus != nil {
		opts = append(opts, ui.WithCatalogStatus(w.CatalogStatus))
	}
	if w.Customer != nil {
		opts = append(opts, ui.WithCustomer(w.Customer))
	}
	return opts
}
