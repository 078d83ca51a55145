package main

import (
	"context"

	"github.com/wxpos/wxpos/cli"
	"github.com/wxpos/wxpos/counter"
	"github.com/wxpos/wxpos/pricing"
	"github.com/wxpos/wxpos/ui"
)

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
		ui.WithLogger(env.Logger),
		ui.WithAmountLimits(cfg.Payment.MaxAmount.Fen, cfg.Payment.ConfirmAbove.Fen),
		ui.WithLineLimits(pricing.Limits{MaxPercent: cfg.Payment.DiscountMaxPercent, MaxFen: cfg.Payment.DiscountMaxAmount.Fen},
			cfg.Payment.DeleteLineAbove.Fen),
	}
	return append(opts, backEnd(w)...), nil
}

// backEnd hands each part of the window's back end to the window; a part
// that is not configured gets no Option.
func backEnd(w *counter.Window) []ui.Option {
	opts := []ui.Option{
		ui.WithCheckout(w.Checkout), ui.WithStatus(w.Checkout),
		ui.WithManager(w.Manager), ui.WithLanguageStore(w.Manager.SaveLanguage),
		ui.WithReconciler(w.Reconciler), ui.WithBillStatus(w.BillStatus),
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
	if w.Customer != nil {
		opts = append(opts, ui.WithCustomer(w.Customer))
	}
	return opts
}
