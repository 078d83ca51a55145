package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/wxpos/wxpos/config"
	"github.com/wxpos/wxpos/scanner"
	"github.com/wxpos/wxpos/tz"
)

// newScannerCmd builds `wxpos scanner`: hardware checks for the barcode scanner.
func newScannerCmd(g *globalFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "scanner",
		Short: "Check the payment-code barcode scanner",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newScannerListCmd(), newScannerTestCmd(g))
	return cmd
}

func newScannerListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List candidate serial ports",
		Long: "List the serial ports present on this machine. On Linux prefer a /dev/serial/by-id/ name:\n" +
			"it stays the same when the scanner is plugged into another USB socket.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ports, err := scanner.ListPorts()
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if len(ports) == 0 {
				_, err := fmt.Fprintln(out, "no serial ports found (a keyboard-wedge scanner needs none)")
				return err
			}
			for _, p := range ports {
				line := p.Path
				if p.Target != "" {
					line += " -> " + p.Target
				}
				if _, err := fmt.Fprintf(out, "%-60s %s\n", line, p.Note); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

type scannerTestFlags struct {
	cfg      scanner.Config
	parity   string
	suffix   string
	count    int
	keyboard bool
}

func newScannerTestCmd(g *globalFlags) *cobra.Command {
	var f scannerTestFlags
	cmd := &cobra.Command{
		Use:   "test",
		Short: "Print each scan with its verdict until Ctrl-C",
		Long: "Open the scanner and print every code it reads with the verdict the till would give\n" +
			"(WeChat Pay code, product barcode, partial read, Alipay…). Codes are shown by their\n" +
			"last 4 characters only. Unplug and replug the scanner to see the reconnect.\n" +
			"With --keyboard, scan into this terminal instead (keyboard-wedge scanners).\n" +
			"Settings not given as flags come from the [scanner] section of the config file.",
		Args: cobra.NoArgs,
		RunE: g.withEnv(func(cmd *cobra.Command, env *Env, _ []string) error {
			cfg, err := f.resolve(cmd, env)
			if err != nil {
				return err
			}
			if f.keyboard {
				return keyboardTest(cmd.Context(), cmd.InOrStdin(), env.Stdout, cfg, f.count)
			}
			return serialTest(cmd.Context(), env, cfg, f.count)
		}),
	}
	fl := cmd.Flags()
	fl.StringVar(&f.cfg.Port, "port", "", "serial port (default: the only one `wxpos scanner list` shows)")
	fl.IntVar(&f.cfg.Baud, "baud", scanner.DefaultBaud, "baud rate")
	fl.IntVar(&f.cfg.DataBits, "data-bits", 8, "data bits (5-8)")
	fl.StringVar(&f.parity, "parity", "none", "parity: none, odd, even")
	fl.IntVar(&f.cfg.StopBits, "stop-bits", 1, "stop bits: 1 or 2")
	fl.StringVar(&f.suffix, "suffix", "any", "end of code: any, cr, lf, crlf, none")
	fl.StringVar(&f.cfg.Prefix, "prefix", "", "fixed prefix the scanner sends, removed")
	fl.BoolVar(&f.cfg.StripAIM, "strip-aim", false, "remove AIM identifiers such as ]Q1")
	fl.IntVar(&f.cfg.MaxLen, "max-len", scanner.DefaultMaxLen, "longest accepted code")
	fl.IntVar(&f.count, "count", 0, "stop after this many scans (0: until Ctrl-C)")
	fl.BoolVar(&f.keyboard, "keyboard", false, "read a keyboard-wedge scanner typing into this terminal")
	return cmd
}

// resolve starts from the config file's [scanner] section and applies the
// flags the user gave.
func (f *scannerTestFlags) resolve(cmd *cobra.Command, env *Env) (scanner.Config, error) {
	cfg, err := ScannerConfig(env.Config.Scanner)
	if err != nil {
		return cfg, err
	}
	fl := cmd.Flags()
	if fl.Changed("port") {
		cfg.Port = f.cfg.Port
	}
	if fl.Changed("baud") {
		cfg.Baud = f.cfg.Baud
	}
	if fl.Changed("data-bits") {
		cfg.DataBits = f.cfg.DataBits
	}
	if fl.Changed("stop-bits") {
		cfg.StopBits = f.cfg.StopBits
	}
	if fl.Changed("parity") {
		if cfg.Parity, err = scanner.ParseParity(f.parity); err != nil {
			return cfg, Usagef("--parity: %v", err)
		}
	}
	if fl.Changed("suffix") {
		if cfg.Suffix, err = scanner.ParseSuffix(f.suffix); err != nil {
			return cfg, Usagef("--suffix: %v", err)
		}
	}
	cfg.Prefix, cfg.StripAIM, cfg.MaxLen = f.cfg.Prefix, f.cfg.StripAIM, f.cfg.MaxLen
	if cfg.Port == "" && !f.keyboard {
		if cfg.Port, err = onlyPort(); err != nil {
			return cfg, err
		}
	}
	return cfg, nil
}

// ScannerConfig maps the config file's [scanner] section to scanner.Config.
func ScannerConfig(c config.Scanner) (scanner.Config, error) {
	parity, err := scanner.ParseParity(c.Parity)
	if err != nil {
		return scanner.Config{}, err
	}
	suffix, err := scanner.ParseSuffix(c.Suffix)
	if err != nil {
		return scanner.Config{}, err
	}
	return scanner.Config{
		Port: c.Port, Baud: c.Baud, Parity: parity, StopBits: c.StopBits, Suffix: suffix,
		Prefix: c.Prefix, StripAIM: c.StripAIM, MaxLen: c.MaxLen,
	}, nil
}

func serialTest(ctx context.Context, env *Env, cfg scanner.Config, count int) error {
	out := env.Stdout
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sc, err := scanner.Start(ctx, cfg) // status lines below replace the log
	if err != nil {
		if errors.Is(err, scanner.ErrConfig) {
			return Usagef("%v", err)
		}
		return err
	}
	defer sc.Close()

	statuses := make(chan scanner.Status, 16)
	unsubscribe := sc.Subscribe(func(st scanner.Status) {
		select {
		case statuses <- st:
		default: // the printer is behind; a later status follows
		}
	})
	defer unsubscribe()

	fmt.Fprintf(out, "reading %s at %d baud, suffix %s; scan codes now (Ctrl-C to stop)\n", cfg.Port, cfg.WithDefaults().Baud, cfg.WithDefaults().Suffix)
	n := 0
	var shown scanner.Status
	for {
		select {
		case <-ctx.Done():
			return nil
		case st := <-statuses:
			// Retries tick on every attempt; show only what changed.
			if st.State != shown.State || fmt.Sprint(st.Err) != fmt.Sprint(shown.Err) {
				printStatus(out, st)
				shown = st
			}
		case s, ok := <-sc.Scans():
			if !ok {
				return nil
			}
			printScan(out, s)
			if n++; count > 0 && n >= count {
				return nil
			}
		}
	}
}

func onlyPort() (string, error) {
	ports, err := scanner.ListPorts()
	if err != nil {
		return "", err
	}
	switch len(ports) {
	case 0:
		return "", Usagef("no serial port found; give --port, or use --keyboard for a keyboard-wedge scanner")
	case 1:
		return ports[0].Path, nil
	}
	names := make([]string, len(ports))
	for i, p := range ports {
		names[i] = p.Path
	}
	return "", Usagef("several serial ports, choose one with --port: %s", strings.Join(names, ", "))
}

// keyboardTest validates lines typed (or "typed" by a wedge scanner) on in.
// The line reader cannot be interrupted while it waits on a terminal; it
// ends with the process, which is all a CLI command needs.
func keyboardTest(ctx context.Context, in io.Reader, out io.Writer, cfg scanner.Config, count int) error {
	w := scanner.NewWedge(cfg)
	lines := make(chan string)
	go func() {
		defer close(lines)
		br := bufio.NewScanner(in)
		for br.Scan() {
			select {
			case lines <- br.Text():
			case <-ctx.Done():
				return
			}
		}
	}()
	fmt.Fprintln(out, "scan into this terminal (Ctrl-D or Ctrl-C to stop)")
	n := 0
	for {
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok {
				return nil
			}
			for _, r := range line {
				w.TypeRune(r)
			}
			s, ok := w.Enter()
			if !ok {
				continue
			}
			printScan(out, s)
			if n++; count > 0 && n >= count {
				return nil
			}
		}
	}
}

func printScan(out io.Writer, s scanner.Scan) {
	verdict := "OK      WeChat Pay payment code"
	if !s.OK() {
		verdict = fmt.Sprintf("REJECT  %s: %s", s.Reason(), s.Reason().Hint())
	}
	var notes []string
	if s.AIM != "" {
		notes = append(notes, "AIM "+s.AIM)
	}
	if s.Unterminated {
		notes = append(notes, "no suffix received: set --suffix none or program the scanner to send CR/LF")
	}
	extra := ""
	if len(notes) > 0 {
		extra = "  [" + strings.Join(notes, "; ") + "]"
	}
	fmt.Fprintf(out, "%s  %-8s %3d chars  %s%s\n", tz.Clock(s.At), scanner.Mask(s.Code), len(s.Code), verdict, extra)
}

func printStatus(out io.Writer, st scanner.Status) {
	fmt.Fprintf(out, "%s  %s\n", tz.Clock(time.Now()), st)
	switch {
	case st.Err == nil:
	case errors.Is(st.Err, fs.ErrPermission):
		fmt.Fprintln(out, "          hint: no permission; on Linux add this user to the dialout group and log in again")
	case errors.Is(st.Err, fs.ErrNotExist):
		fmt.Fprintln(out, "          hint: no such device yet; plug the scanner in or see `wxpos scanner list`")
	}
}
