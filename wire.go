package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/wxpos/wxpos/cli"
	"github.com/wxpos/wxpos/config"
	"github.com/wxpos/wxpos/counter"
	"github.com/wxpos/wxpos/escpos"
	"github.com/wxpos/wxpos/replica"
	"github.com/wxpos/wxpos/report"
	"github.com/wxpos/wxpos/scanner"
	"github.com/wxpos/wxpos/staff"
	"github.com/wxpos/wxpos/ui"
)

// uiOptions connects the cashier window to the payment core, the configured
// scanner and printer, and in training mode to the simulated customer.
func uiOptions(ctx context.Context, env *cli.Env) ([]ui.Option, error) {
	term, err := env.Terminal(ctx)
	if err != nil {
		return nil, err
	}
	wc, err := env.WeChat(ctx)
	if err != nil {
		return nil, err
	}
	cfg := env.Config
	training := cfg.Training()
	opts := []ui.Option{ui.WithTraining(training), ui.WithLanguage(ui.Lang(cfg.UI.Locale)), ui.WithLogger(env.Logger),
		ui.WithAmountLimits(cfg.Payment.MaxAmount.Fen, cfg.Payment.ConfirmAbove.Fen)}

	var status counter.ScannerStatus
	if cfg.Scanner.Port != "" {
		sc, err := startScanner(ctx, env)
		if err != nil {
			return nil, err
		}
		status = sc
		opts = append(opts, ui.WithScanner(counter.ScanCodes(ctx, sc.Scans())))
	}

	checkout := counter.NewCheckout(term, training, status)
	opts = append(opts, ui.WithCheckout(checkout), ui.WithStatus(checkout))

	printer, drawer, err := receiptPrinter(env)
	if err != nil {
		return nil, err
	}
	if printer != nil {
		opts = append(opts, ui.WithPrinter(printer))
	}

	st, err := env.Store()
	if err != nil {
		return nil, err
	}
	exports := filepath.Join(env.DataDir, "exports")
	if err := os.MkdirAll(exports, 0o700); err != nil {
		return nil, fmt.Errorf("exports directory: %w", err)
	}
	finder, err := cli.SaleFinder(ctx, env) // [replica]: sales of other counters for refunds; nil without
	if err != nil {
		return nil, err
	}
	mgr := counter.NewManager(counter.ManagerConfig{
		Core:  term,
		Staff: staff.New(st, nil),
		Book: report.New(st, report.Info{
			StoreName: cfg.Store.Name, StoreID: cfg.Store.ID, TerminalID: cfg.Store.TerminalID, Training: training,
		}, nil),
		DB:        st,
		Config:    env.Saved,
		ExportDir: exports,
		CheckKeys: checkKeys,
		Finder:    finder,
		Drawer:    drawer,
	})
	opts = append(opts, ui.WithManager(mgr), ui.WithLanguageStore(mgr.SaveLanguage))

	// The daily bill: fetched after bill.fetch_after and reconciled in the
	// background for as long as the window is open.
	desk, err := env.ReconDesk(ctx)
	if err != nil {
		return nil, err
	}
	fetcher, err := env.BillFetcher(ctx, desk, nil)
	if err != nil {
		return nil, err
	}
	go fetcher.Run(ctx)
	opts = append(opts,
		ui.WithReconciler(counter.NewReconciler(desk, fetcher, "terminal "+cfg.Store.TerminalID)),
		ui.WithBillStatus(fetcher.Status))

	rw, err := startReplication(ctx, env)
	if err != nil {
		return nil, err
	}
	if rw != nil {
		opts = append(opts, ui.WithReplicaStatus(func() ui.ReplicaStatus { return counter.ReplicaStatus(rw.Status()) }))
	}
	if wc.Sandbox != nil {
		opts = append(opts, ui.WithCustomer(counter.NewSandboxCustomer(wc.Sandbox, term.Order)))
	}
	cli.Serve(env) // the CLI's orders, report, backup … run here while the window holds the database
	if backups := cli.ScheduleBackups(ctx, env); backups != nil {
		opts = append(opts, ui.WithBackupStatus(func() ui.BackupStatus { return counter.BackupStatus(backups()) }))
	}
	return opts, nil
}

// startScanner opens the serial scanner; it keeps reconnecting in the
// background, so an unplugged scanner at start-up is not an error.
func startScanner(ctx context.Context, env *cli.Env) (*scanner.Scanner, error) {
	c := env.Config.Scanner
	cfg, err := cli.ScannerConfig(c)
	if err != nil {
		return nil, fmt.Errorf("scanner: %w", err)
	}
	sc, err := scanner.Start(ctx, cfg, scanner.WithLogger(env.Logger))
	if err != nil {
		return nil, fmt.Errorf("scanner %s: %w", c.Port, err)
	}
	env.OnClose(sc.Close)
	return sc, nil
}

// checkKeys runs the doctor's key-file checks for the settings screen.
func checkKeys(w config.WeChat) []ui.KeyFinding {
	var out []ui.KeyFinding
	for _, f := range cli.CheckKeyFiles(w, time.Now()) {
		out = append(out, ui.KeyFinding{Level: string(f.Level), Topic: f.Topic, Detail: f.Detail, Fix: f.Fix})
	}
	return out
}

// receiptPrinter is the configured ESC/POS printer for receipts and X/Z
// reports, and the cash drawer wired to it; both nil for printer "none".
func receiptPrinter(env *cli.Env) (ui.Printer, counter.Drawer, error) {
	c := env.Config.Printer
	if c.Target == "none" {
		return nil, nil, nil
	}
	target, err := escpos.ParseTarget(c.Target)
	if err != nil {
		return nil, nil, fmt.Errorf("printer.target: %w", err)
	}
	paper, err := escpos.ParsePaper(strconv.Itoa(c.Width))
	if err != nil {
		return nil, nil, fmt.Errorf("printer.width: %w", err)
	}
	p := &escpos.Printer{Target: target, Screen: io.Discard}
	return counter.DocPrinter{Sink: p, Cols: paper.Columns()}, p, nil
}

// startReplication pushes the terminal's events to the store's PostgreSQL
// when [replica] is configured. The pool connects lazily and the worker
// retries with backoff, so a server that is down never delays a payment.
func startReplication(ctx context.Context, env *cli.Env) (*replica.Worker, error) {
	rc := cli.ReplicaConfig(env.Config.Replica)
	if !rc.Enabled() {
		return nil, nil
	}
	st, err := env.Store()
	if err != nil {
		return nil, err
	}
	term, err := env.Terminal(ctx)
	if err != nil {
		return nil, err
	}
	pool, err := replica.Connect(ctx, rc)
	if err != nil {
		return nil, fmt.Errorf("replica: %w", err)
	}
	env.OnClose(func() error { pool.Close(); return nil })
	w, err := replica.NewWorker(st, pool, replica.Options{
		StoreID: env.Config.Store.ID, TerminalID: env.Config.Store.TerminalID, Logger: env.Logger,
	})
	if err != nil {
		return nil, fmt.Errorf("replica: %w", err)
	}
	go func() {
		mctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if _, err := replica.Migrate(mctx, pool); err != nil {
			env.Logger.Warn("replica schema not ready; the worker keeps retrying", "err", err)
		}
	}()
	go w.Run(ctx)
	go func() {
		for range term.Subscribe(ctx) {
			w.Kick()
		}
	}()
	return w, nil
}
