package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/wxpos/wxpos/config"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/recon"
	"github.com/wxpos/wxpos/recon/live"
	"github.com/wxpos/wxpos/reconstore"
	"github.com/wxpos/wxpos/wechat/bill"
)

func newBillCmd(g *globalFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bill",
		Short: "Download or inspect WeChat daily trade bills (对账单)",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newBillFetchCmd(g), newBillImportCmd(g))
	return cmd
}

// billFetchJSON is what bill fetch --json prints.
type billFetchJSON struct {
	Day    string        `json:"day"` // yyyy-mm-dd
	NoBill bool          `json:"no_bill"`
	Bytes  int64         `json:"bytes"` // of the plain bill
	SHA1   string        `json:"sha1,omitempty"`
	Result *recon.Result `json:"reconciliation"`
}

func newBillFetchCmd(g *globalFlags) *cobra.Command {
	var dayFlag string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "fetch",
		Short: "Download a day's bill, store it and reconcile the day",
		Long: "fetch downloads the ALL trade bill of --day (default: yesterday, Asia/Shanghai) from WeChat Pay\n" +
			"(v3 tradebill or v2 downloadbill, or the sandbox in training mode), checks it reads to the end with a\n" +
			"matching summary, stores it compressed in the terminal database and reconciles the day.\n" +
			"Bills exist from about 10:00 the next day and for three months.",
		Args: cobra.NoArgs,
		RunE: g.withEnv(func(cmd *cobra.Command, env *Env, _ []string) error {
			day, err := billDay(dayFlag)
			if err != nil {
				return err
			}
			desk, err := reconDesk(env)
			if err != nil {
				return err
			}
			client, err := billClient(cmd.Context(), env)
			if err != nil {
				return err
			}
			f := &recon.Fetcher{Desk: desk, Source: live.Source{Client: client}, Logger: env.Logger}
			res, err := f.FetchDay(cmd.Context(), day, "cli")
			if err != nil {
				return err
			}
			_, info, _ := desk.Book.Bill(day)
			if asJSON {
				j := billFetchJSON{Day: day.Dashed(), Result: inStoreZone(res)}
				if info != nil {
					j.NoBill, j.Bytes, j.SHA1 = info.NoBill, info.Size, info.SHA1
				}
				return writeJSON(env.Stdout, j)
			}
			if info != nil && info.NoBill {
				fmt.Fprintf(env.Stdout, env.says("%s: WeChat has no bill (no trade that day)\n", "%s：微信没有该日账单（当日无交易）\n"), day.Dashed())
			} else if info != nil {
				fmt.Fprintf(env.Stdout, env.says("%s: bill stored (%d bytes, sha1 %s)\n", "%s：账单已保存（%d 字节，sha1 %s）\n"), day.Dashed(), info.Size, info.SHA1)
			}
			return printResult(env, res)
		}),
	}
	cmd.Flags().StringVar(&dayFlag, "day", "", "bill `day` as 2026-11-25 (default: yesterday)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object: the bill stored and the day's reconciliation")
	return cmd
}

func newBillImportCmd(g *globalFlags) *cobra.Command {
	var asJSON, save bool
	var dayFlag string
	var maxMB int
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Read a bill downloaded elsewhere: rows, totals, summary check",
		Long: "import reads a trade bill file (plain or gzip; v2 or v3; ALL, SUCCESS or REFUND; the historic\n" +
			"24-column or the current 27+-column headers; CRLF, BOM and full-width punctuation are fine) and\n" +
			"prints its row count, totals computed from the rows and whether the summary row matches them.\n" +
			"With --save it is also stored as the bill of its day and the day is reconciled.\n\n" +
			"--json prints one object: bill_type, columns, rows, summary_rows_declared, settled_total_fen,\n" +
			"refund_total_fen, fee_total_yuan, summary_matches.\n" +
			"Exit status: 0 parsed and the summary matches; 1 parsed but the summary does not match;\n" +
			"2 malformed (the line and column are on stderr) or refused: larger than --max-size-mb once\n" +
			"decompressed, or a gzip file expanding more than 100:1 (a gzip bomb). The file is read as a stream.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if maxMB < 1 {
				return Usagef("--max-size-mb: must be at least 1, got %d", maxMB)
			}
			lim := bill.Limits{MaxSize: int64(maxMB) << 20}
			rep, err := inspectBillFile(args[0], lim)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				if err := enc.Encode(rep); err != nil {
					return err
				}
			} else {
				printReport(out, args[0], rep)
			}
			if !rep.SummaryMatches {
				if !asJSON {
					return &ExitError{Code: ExitFailure, Err: fmt.Errorf("%s: %w", args[0], rep.Mismatch)}
				}
				return &ExitError{Code: ExitFailure}
			}
			if !save {
				return nil
			}
			return g.withEnv(func(cmd *cobra.Command, env *Env, _ []string) error {
				return saveImported(env, args[0], lim, rep, dayFlag, asJSON)
			})(cmd, args)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object (for scripts)")
	cmd.Flags().BoolVar(&save, "save", false, "store the bill as its day's bill and reconcile the day")
	cmd.Flags().StringVar(&dayFlag, "day", "", "with --save: the bill `day` (default: the day of its rows)")
	cmd.Flags().IntVar(&maxMB, "max-size-mb", config.DefaultBillMaxSizeMB,
		"refuse a bill larger than this many `MB` once decompressed (as bill.max_size_mb)")
	return cmd
}

// inspectBillFile reads a bill file as a stream (gunzipped when gzip,
// within lim) and reports on it. A file that cannot be opened exits 1; one
// that is not a readable bill, a gzip bomb among them, exits 2 (malformed).
func inspectBillFile(path string, lim bill.Limits) (*live.Report, error) {
	r, closeFile, err := openBillFile(path, lim)
	if err != nil {
		return nil, err
	}
	defer closeFile()
	rep, err := live.InspectReader(r)
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("%s: %w", path, err)}
	}
	return rep, nil
}

// openBillFile opens a bill file for reading as plain text within lim.
func openBillFile(path string, lim bill.Limits) (io.Reader, func(), error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, &ExitError{Code: ExitFailure, Err: err}
	}
	r, err := bill.Decompress(f, lim)
	if err != nil {
		f.Close()
		return nil, nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("%s: %w: %w", path, live.ErrMalformed, err)}
	}
	return r, func() { f.Close() }, nil
}

func printReport(w io.Writer, name string, r *live.Report) {
	layout := "current"
	if r.Legacy {
		layout = "legacy"
	}
	fmt.Fprintf(w, "%s: %s bill, %s layout, %d columns\n", name, r.BillType, layout, r.Columns)
	if r.FirstDay != "" {
		span := r.FirstDay.Dashed()
		if r.LastDay != r.FirstDay {
			span += " … " + r.LastDay.Dashed()
		}
		fmt.Fprintf(w, "days:          %s\n", span)
	}
	fmt.Fprintf(w, "rows:          %d (summary declares %d)\n", r.Rows, r.SummaryRowsDeclared)
	fmt.Fprintf(w, "settled total: %s yuan (%d fen)\n", receipt.Yuan(r.SettledTotalFen), r.SettledTotalFen)
	fmt.Fprintf(w, "refund total:  %s yuan (%d fen)\n", receipt.Yuan(r.RefundTotalFen), r.RefundTotalFen)
	fmt.Fprintf(w, "fee total:     %s yuan (rounded to the fen)\n", receipt.Yuan(r.FeeTotalFen()))
	if r.SummaryMatches {
		fmt.Fprintln(w, "summary:       matches the rows")
	} else {
		fmt.Fprintln(w, "summary:       DOES NOT MATCH the rows")
	}
}

func saveImported(env *Env, name string, lim bill.Limits, rep *live.Report, dayFlag string, quiet bool) error {
	day := rep.FirstDay
	if dayFlag != "" {
		d, err := recon.ParseDay(dayFlag)
		if err != nil {
			return Usagef("--day: %v", err)
		}
		day = d
	} else if rep.FirstDay != rep.LastDay {
		return Usagef("%s spans %s to %s: say which day it is with --day", name, rep.FirstDay.Dashed(), rep.LastDay.Dashed())
	}
	if !day.Valid() {
		return Usagef("%s has no rows: say which day it is with --day", name)
	}
	desk, err := reconDesk(env)
	if err != nil {
		return err
	}
	// Read a second time, as a stream: only the compressed copy the book
	// stores is ever in memory.
	r, closeFile, err := openBillFile(name, lim)
	if err != nil {
		return err
	}
	err = desk.Book.SaveBillFrom(day, r, recon.BillInfo{Source: "import:" + filepath.Base(name)}, "cli")
	closeFile()
	if err != nil {
		return err
	}
	res, err := desk.Reconcile(day, "cli")
	if err != nil {
		return err
	}
	if quiet {
		return nil
	}
	fmt.Fprintf(env.Stdout, env.says("stored as the bill of %s\n", "已保存为 %s 的账单\n"), day.Dashed())
	return printResult(env, res)
}

// billDay parses --day, defaulting to yesterday in Asia/Shanghai.
func billDay(s string) (recon.Day, error) {
	if s == "" {
		return recon.DayOf(time.Now()).Add(-1), nil
	}
	d, err := recon.ParseDay(s)
	if err != nil {
		return "", Usagef("--day: %v", err)
	}
	return d, nil
}

// reconDesk is reconciliation on the terminal database for this store's till.
func reconDesk(env *Env) (*recon.Desk, error) {
	s, err := env.Store()
	if err != nil {
		return nil, err
	}
	return &recon.Desk{
		Book:     reconstore.NewBillBook(s, nil),
		Terminal: recon.TerminalOf(env.Config.Store.ID, env.Config.Store.TerminalID),
		Parse:    live.Parse,
	}, nil
}

// billClient is the WeChat client of the configured mode (the
// environment's connection: real v3/v2, external sandbox profile, or the
// embedded training sandbox).
func billClient(ctx context.Context, env *Env) (live.Client, error) {
	w, err := env.WeChat(ctx)
	if err != nil {
		return nil, err
	}
	if w.V3 != nil {
		return w.V3, nil
	}
	if w.V2 != nil {
		return w.V2, nil
	}
	return nil, fmt.Errorf("wechat.mode %q: no client", w.Mode)
}

// ReconDesk is reconciliation on this environment with its actions
// connected: queries through the WeChat client, refunds through the payment
// core (which checks the approving manager's PIN), sales recorded through
// the payment core. For the reconciliation screen:
// ui.NewReconciler(desk, fetcher, actor).
func (e *Env) ReconDesk(ctx context.Context) (*recon.Desk, error) {
	desk, err := reconDesk(e)
	if err != nil {
		return nil, err
	}
	client, err := billClient(ctx, e)
	if err != nil {
		return nil, err
	}
	term, err := e.Terminal(ctx)
	if err != nil {
		return nil, err
	}
	desk.Operator = &live.Operator{Client: client, Terminal: term}
	desk.Sales = live.Recorder{Terminal: term}
	return desk, nil
}

// BillFetcher is the daily bill worker of this environment (fetch after
// bill.fetch_after, Asia/Shanghai; catch up within three months). Run it
// with go f.Run(ctx); onStatus (may be nil) receives its status for the
// status bar, from the worker goroutine.
func (e *Env) BillFetcher(ctx context.Context, desk *recon.Desk, onStatus func(recon.Status)) (*recon.Fetcher, error) {
	after, err := recon.ParseFetchAfter(e.Config.Bill.FetchAfter)
	if err != nil {
		return nil, err
	}
	client, err := billClient(ctx, e)
	if err != nil {
		return nil, err
	}
	return &recon.Fetcher{Desk: desk, Source: live.Source{Client: client}, FetchAfter: after,
		Logger: e.Logger, OnStatus: onStatus}, nil
}
