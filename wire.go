package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/wxpos/wxpos/cli"
	"github.com/wxpos/wxpos/escpos"
	"github.com/wxpos/wxpos/scanner"
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
	opts := []ui.Option{ui.WithTraining(training), ui.WithLanguage(ui.Lang(cfg.UI.Locale))}

	var status ui.ScannerStatus
	if cfg.Scanner.Port != "" {
		sc, err := startScanner(ctx, env)
		if err != nil {
			return nil, err
		}
		status = sc
		opts = append(opts, ui.WithScanner(scanCodes(ctx, sc)))
	}

	checkout := ui.NewPosCheckout(term, training, status)
	opts = append(opts, ui.WithCheckout(checkout), ui.WithStatus(checkout))

	if p, err := receiptPrinter(env); err != nil {
		return nil, err
	} else if p != nil {
		opts = append(opts, ui.WithPrinter(p))
	}
	if wc.Sandbox != nil {
		opts = append(opts, ui.WithCustomer(ui.NewSandboxCustomer(wc.Sandbox, term.Order)))
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

// scanCodes forwards every scan's value to the window, which explains codes
// that are not WeChat payment codes to the cashier.
func scanCodes(ctx context.Context, sc *scanner.Scanner) <-chan string {
	out := make(chan string)
	go func() {
		defer close(out)
		for {
			select {
			case <-ctx.Done():
				return
			case s, ok := <-sc.Scans():
				if !ok {
					return
				}
				select {
				case out <- s.Code:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out
}

func receiptPrinter(env *cli.Env) (*escpos.ReceiptPrinter, error) {
	c := env.Config.Printer
	if c.Target == "none" {
		return nil, nil
	}
	target, err := escpos.ParseTarget(c.Target)
	if err != nil {
		return nil, fmt.Errorf("printer.target: %w", err)
	}
	paper, err := escpos.ParsePaper(strconv.Itoa(c.Width))
	if err != nil {
		return nil, fmt.Errorf("printer.width: %w", err)
	}
	return &escpos.ReceiptPrinter{Printer: &escpos.Printer{Target: target}, Paper: paper}, nil
}
