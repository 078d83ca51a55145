package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/wxpos/wxpos/internal/csvout"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/report"
	"github.com/wxpos/wxpos/reportstore"
	"github.com/wxpos/wxpos/staff"
	"github.com/wxpos/wxpos/staffstore"
)

type reportFlags struct {
	day     string
	format  string
	json    bool
	lang    string
	out     string
	width   int
	zNo     int64
	close   bool
	counted string
	manager string
	items   itemsFlags
}

func newReportCmd(g *globalFlags) *cobra.Command {
	var f reportFlags
	cmd := &cobra.Command{
		Use:   "report x|z|items",
		Short: "Print the X (running) or Z (closing) report of a day, or sales by item or category",
		Long: "report x prints the day's figures so far; nothing changes.\n" +
			"report z prints the Z report of a closed day exactly as it was taken (a reprint), or with --no\n" +
			"the Z report of that number. report z --close closes the day: it asks for the manager's PIN on\n" +
			"standard input (one line), takes the Z report and makes the day immutable.\n" +
			"Days are Asia/Shanghai calendar days; the default is today. --format csv writes a spreadsheet\n" +
			"(amounts in fen and yuan), json the full report.\n" +
			"report items sums the sales of --from..--to by item (--by category: by category) with the X/Z's rules:\n" +
			"quantity, gross, discounts (a line's own and its share of the sale's), net, and what refunds gave back;\n" +
			"--csv FILE or --xlsx FILE writes it as a table (--csv - to standard output), --json as one object.",
		Example: "  wxpos report x\n  wxpos report z --day 2026-11-25 --format csv --out z.csv\n" +
			"  echo 2468 | wxpos report z --close --counted 1520.50 --manager Wang\n" +
			"  wxpos report items --from 2026-11-01 --to 2026-11-30 --by category --xlsx nov.xlsx",
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"x", "z", "items"},
		RunE: g.withEnv(func(cmd *cobra.Command, env *Env, args []string) error {
			if args[0] == "items" {
				return runItemsReport(env, f)
			}
			if f.items != (itemsFlags{}) {
				return Usagef("report %s: --from, --to, --by, --csv and --xlsx are for report items", args[0])
			}
			return runReport(cmd, env, args[0], f)
		}),
	}
	fl := cmd.Flags()
	fl.StringVar(&f.day, "day", "", "business `day` as YYYY-MM-DD (default: today, Asia/Shanghai)")
	fl.StringVar(&f.format, "format", "text", "output `format`: text, csv or json")
	fl.BoolVar(&f.json, "json", false, "print one JSON object (--format json)")
	fl.StringVar(&f.lang, "lang", "", "labels of text and CSV: `zh` or en (default: the config's ui.locale)")
	fl.StringVarP(&f.out, "out", "o", "", "write to `file` instead of standard output")
	fl.IntVar(&f.width, "width", 0, "text width in `mm` of paper: 58 or 80 (default: the printer's)")
	fl.Int64Var(&f.zNo, "no", 0, "z: reprint the Z report with this `number`")
	fl.BoolVar(&f.close, "close", false, "z: close the day (needs --manager and the PIN on stdin)")
	fl.StringVar(&f.counted, "counted", "", "z --close: cash counted in the drawer, in `yuan` (omit if not counted)")
	fl.StringVar(&f.manager, "manager", "", "z --close: the manager `name` whose PIN is on stdin")
	bindItemsFlags(fl, &f.items)
	return cmd
}

func bindItemsFlags(fl *pflag.FlagSet, f *itemsFlags) {
	fl.StringVar(&f.from, "from", "", "items: first business `day` (YYYY-MM-DD or yyyymmdd; default today)")
	fl.StringVar(&f.to, "to", "", "items: last `day`, inclusive (default: --from)")
	fl.StringVar(&f.by, "by", "", "items: group by item (default) or category")
	fl.StringVar(&f.csv, "csv", "", "items: write CSV to `file` (- for standard output)")
	fl.StringVar(&f.xlsx, "xlsx", "", "items: write an xlsx workbook to `file`")
}

func runReport(cmd *cobra.Command, env *Env, kind string, f reportFlags) error {
	lang, err := checkReportFlags(kind, &f, env.Config.UI.Locale)
	if err != nil {
		return err
	}
	db, err := env.Store()
	if err != nil {
		return err
	}
	cfg := env.Config
	book := reportstore.New(db, report.Info{StoreName: cfg.Store.Name, StoreID: cfg.Store.ID,
		TerminalID: cfg.Store.TerminalID, Training: cfg.Training()}, nil)
	day := book.Today()
	if f.day != "" {
		if day, err = report.ParseDay(f.day); err != nil {
			return Usagef("report: --day: %v", err)
		}
	}
	var r *report.Report
	reprint := false
	switch {
	case kind == "x":
		r, err = book.X(day, "cli")
	case f.close:
		if r, err = closeDay(cmd, env, staffstore.New(db, nil), book, day, f); err != nil {
			return err
		}
	case f.zNo != 0:
		r, err = book.ZByNo(f.zNo)
		reprint = true
	default:
		r, err = book.Z(day)
		reprint = true
	}
	if err != nil {
		if kind == "z" && !f.close {
			return fmt.Errorf("%w (close the day first: wxpos report z --close, or the manager screen)", err)
		}
		return err
	}
	return writeReportOut(env, r, f, lang, reportCols(f.width, cfg.Printer.Width), reprint)
}

// checkReportFlags refuses flags that do not go together (--json is
// --format json) and returns the labels' language.
func checkReportFlags(kind string, f *reportFlags, locale string) (csvout.Lang, error) {
	if kind != "x" && kind != "z" {
		return 0, Usagef("report: want x or z, got %q", kind)
	}
	if f.json {
		if f.format != "text" && f.format != "json" {
			return 0, Usagef("report: --json and --format %s: give one", f.format)
		}
		f.format = "json"
	}
	lang, err := reportLang(f.lang, locale)
	if err != nil {
		return 0, err
	}
	if f.format != "text" && f.format != "csv" && f.format != "json" {
		return 0, Usagef("report: --format must be text, csv or json, got %q", f.format)
	}
	if kind == "x" && (f.close || f.zNo != 0) {
		return 0, Usagef("report x: --close and --no are for z")
	}
	return lang, nil
}

// closeDay takes the Z report of day (report z --close): the manager named
// by --manager approves with the PIN on stdin.
func closeDay(cmd *cobra.Command, env *Env, dir *staffstore.Directory, book *reportstore.DayBook, day string, f reportFlags) (*report.Report, error) {
	if env.window != nil {
		return nil, fmt.Errorf("report z --close is not served while the cashier window is open: close the day on its manager screen, or close the window first")
	}
	if f.manager == "" {
		return nil, Usagef("report z --close: --manager is required")
	}
	var counted *int64
	if f.counted != "" {
		fen, err := parseCounted(f.counted)
		if err != nil {
			return nil, Usagef("report z --close: --counted: %v", err)
		}
		counted = &fen
	}
	if err := needManager(env); err != nil {
		return nil, err
	}
	pin, err := newPins(cmd.InOrStdin(), cmd.ErrOrStderr()).next("PIN of " + f.manager + ": ")
	if err != nil {
		return nil, fmt.Errorf("report z --close: %w", err)
	}
	if _, err := dir.Authorize(cmd.Context(), staff.Request{Action: staff.ActionDayClose, Approver: f.manager,
		PIN: pin, Ref: day, Reason: "Z report from the command line"}); err != nil {
		return nil, &ExitError{Code: ExitFailure, Err: fmt.Errorf("close day %s: %w", day, err)}
	}
	return book.Close(day, f.manager, counted)
}

// writeReportOut writes r to standard output, or to --out and says so.
func writeReportOut(env *Env, r *report.Report, f reportFlags, lang csvout.Lang, cols int, reprint bool) error {
	w := env.Stdout
	if f.out != "" {
		file, err := os.OpenFile(env.file(f.out), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		defer file.Close()
		w = file
	}
	if err := writeReport(w, r, f.format, lang, cols, reprint); err != nil {
		return err
	}
	if f.out == "" {
		return nil
	}
	_, err := fmt.Fprintf(env.Stdout, "wrote %s report of %s to %s\n", r.Kind, r.Day, f.out)
	return err
}

func reportCols(flagMM, cfgMM int) int {
	mm := flagMM
	if mm == 0 {
		mm = cfgMM
	}
	if mm == 80 {
		return 48
	}
	return 32
}

func writeReport(w io.Writer, r *report.Report, format string, lang csvout.Lang, cols int, reprint bool) error {
	switch format {
	case "csv":
		return report.WriteCSV(w, r, lang)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	txt, err := report.TextIn(r, cols, reprint, lang)
	if err != nil {
		return err
	}
	return withBanner(w, r.Training, func(w io.Writer) error {
		_, err := io.WriteString(w, txt)
		return err
	})
}

// parseCounted parses counted cash in yuan; unlike a sale amount, zero is
// a valid count.
func parseCounted(s string) (int64, error) {
	if s == "0" || s == "0.0" || s == "0.00" {
		return 0, nil
	}
	return pos.ParseYuan(s)
}

// reportLang is the language of a report's labels: --lang, else the
// terminal's ui.locale (zh-CN or en), as the window shows it.
func reportLang(flag, locale string) (csvout.Lang, error) {
	switch flag {
	case "":
		return csvout.LangOf(locale), nil
	case "zh", "zh-CN":
		return csvout.Chinese, nil
	case "en":
		return csvout.English, nil
	}
	return 0, Usagef("report: --lang must be zh or en, got %q", flag)
}
