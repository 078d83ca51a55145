package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/wxpos/wxpos/internal/csvout"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/recon"
	"github.com/wxpos/wxpos/recon/live"
	"github.com/wxpos/wxpos/reconstore"
	"github.com/wxpos/wxpos/replica"
	"github.com/wxpos/wxpos/report"
	"github.com/wxpos/wxpos/tz"
)

func newHQCmd(g *globalFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "hq",
		Short: "Head office: reports and lookups across every terminal, from the PostgreSQL replica",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newHQReportCmd(g), newHQMigrateCmd(g), newHQOrderCmd(g), newHQStatusCmd(g), newHQReconcileCmd(g), newHQCatalogCmd(g),
		newHQEnrolCmd(g), newHQRevokeCmd(g), newHQVerifyCmd(g), newHQRepairCmd(g))
	return cmd
}

// hqDay accepts yyyymmdd or yyyy-mm-dd; empty means today in Asia/Shanghai.
func hqDay(s string) (string, error) {
	if s == "" {
		return time.Now().In(tz.Shanghai).Format("20060102"), nil
	}
	d, err := tz.ParseDay(s)
	if err != nil {
		return "", Usagef("%v", err)
	}
	return d, nil
}

func newHQReportCmd(g *globalFlags) *cobra.Command {
	var (
		f               replicaFlags
		from, to, store string
		asCSV, training bool
		asJSON          bool
		out, by, xlsx   string
	)
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Sales and refunds per store, terminal, tender and day; open payments; replication positions",
		Long: "report aggregates the replicated orders and refunds with the Z report's rules: a sale counts on the\n" +
			"Asia/Shanghai day it was paid, a refund on the day it succeeded, under its sale's tender. Payments and\n" +
			"refunds not settled are listed, not counted. A terminal that has not replicated is missing: check the\n" +
			"replication lines at the end. What WeChat Pay announced (its notifications, recorded by wxpos notify serve)\n" +
			"about a payment or refund no terminal has replicated yet is listed on its own line, not in the total; once\n" +
			"the terminal's record arrives it counts there instead, never twice.",
		Args: cobra.NoArgs,
		RunE: f.run(g, func(ctx context.Context, cmd *cobra.Command, env *Env, pool *pgxpool.Pool, _ []string) error {
			fromDay, err := hqDay(from)
			if err != nil {
				return err
			}
			if to == "" {
				to = fromDay
			}
			toDay, err := hqDay(to)
			if err != nil {
				return err
			}
			if err := replica.RequireSchema(ctx, pool); err != nil {
				return err
			}
			q := replica.Query{From: fromDay, To: toDay, StoreID: store, Training: training}
			if by == "cashier" {
				return hqCashierReport(ctx, env, pool, q, asJSON, asCSV || xlsx != "")
			}
			if by != "" || xlsx != "" {
				return hqItemsReport(ctx, env, pool, q, by, itemsFlags{xlsx: xlsx, csv: csvTarget(asCSV, out)}, asJSON)
			}
			r, err := replica.Report(ctx, pool, q)
			if err != nil {
				return err
			}
			switch {
			case asJSON:
				return writeJSON(env.Stdout, hqInStoreZone(r))
			case asCSV:
				return writeHQCSV(env, r.CSVTables(csvout.LangFromEnv()), out)
			}
			w := env.Stdout
			if out != "" {
				file, err := os.Create(out)
				if err != nil {
					return err
				}
				defer file.Close()
				w = file
			}
			if err := r.WriteText(w, time.Now()); err != nil {
				return err
			}
			if out != "" {
				fmt.Fprintf(env.Stdout, "wrote %s\n", out)
			}
			return nil
		}),
	}
	f.bind(cmd.Flags())
	fs := cmd.Flags()
	fs.StringVar(&from, "from", "", "first `day` (yyyymmdd or yyyy-mm-dd; default today, Asia/Shanghai)")
	fs.StringVar(&to, "to", "", "last `day`, inclusive (default: --from)")
	fs.StringVar(&store, "store", "", "only this store `id` (default: the whole chain)")
	fs.BoolVar(&asCSV, "csv", false, "write CSV, one table per file: with --out PREFIX, PREFIX-sales.csv, PREFIX-open.csv, PREFIX-announced.csv and PREFIX-recon.csv (those with rows); without, the sales table on stdout")
	fs.BoolVar(&asJSON, "json", false, "print one JSON object: lines, open items, announced-only items, reconciliations, replication")
	fs.StringVar(&out, "out", "", "write to this `file` instead of stdout (with --csv: the files' name prefix)")
	fs.BoolVar(&training, "training", false, "include training-mode (sandbox) sales")
	fs.StringVar(&by, "by", "", "sales by `item` or category instead (every terminal's lines summed, as wxpos report items), or by cashier (their sales and refunds, and their shifts' cash counted against expected)")
	fs.StringVar(&xlsx, "xlsx", "", "with --by: write an xlsx workbook to `file`")
	return cmd
}

// csvTarget is where --csv writes an items report: --out, else stdout.
func csvTarget(asCSV bool, out string) string {
	switch {
	case !asCSV:
		return ""
	case out != "":
		return out
	}
	return "-"
}

// hqItemsReport is hq report --by item|category.
func hqItemsReport(ctx context.Context, env *Env, pool *pgxpool.Pool, q replica.Query, by string, f itemsFlags, asJSON bool) error {
	b, err := report.ParseItemsBy(by)
	if err != nil {
		return Usagef("hq report: --by: %v", err)
	}
	it, err := replica.ItemReport(ctx, pool, q, b)
	if err != nil {
		return err
	}
	it.TakenAt = it.TakenAt.In(tz.Shanghai)
	return writeItems(env, it, f, asJSON, csvout.LangFromEnv())
}

// hqCashierReport is hq report --by cashier: text, or --json.
func hqCashierReport(ctx context.Context, env *Env, pool *pgxpool.Pool, q replica.Query, asJSON, tabular bool) error {
	if tabular {
		return Usagef("hq report --by cashier: text or --json (no --csv or --xlsx)")
	}
	r, err := replica.ReportByCashier(ctx, pool, q)
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(env.Stdout, r.InZone(tz.Shanghai))
	}
	return r.InZone(tz.Shanghai).WriteText(env.Stdout)
}

// hqInStoreZone puts r's times in the store's zone, as --json shows every
// time (the database hands them back in UTC).
func hqInStoreZone(r *replica.HQReport) *replica.HQReport {
	r.TakenAt = r.TakenAt.In(tz.Shanghai)
	for i := range r.Open {
		r.Open[i].CreatedAt = r.Open[i].CreatedAt.In(tz.Shanghai)
	}
	for i := range r.Announced {
		r.Announced[i].At = r.Announced[i].At.In(tz.Shanghai)
	}
	for i := range r.Terminals {
		t := &r.Terminals[i]
		t.LastPushAt, t.OldestPendingAt = t.LastPushAt.In(tz.Shanghai), t.OldestPendingAt.In(tz.Shanghai)
	}
	for i := range r.Recon {
		r.Recon[i].At = r.Recon[i].At.In(tz.Shanghai)
	}
	return r
}

// writeHQCSV writes each table of the HQ report as a CSV file of its own:
// PREFIX-<table>.csv next to each other, or without a prefix the sales
// table on stdout (a stream holds one table) and a note on stderr naming
// what was left out.
func writeHQCSV(env *Env, tables []replica.CSVTable, prefix string) error {
	if prefix == "" {
		if len(tables) > 1 {
			var rest []string
			for _, t := range tables[1:] {
				rest = append(rest, t.Name)
			}
			fmt.Fprintf(env.Stderr, "hq report: stdout has the sales table only; give --out PREFIX for the %s tables too\n", strings.Join(rest, " and "))
		}
		return tables[0].Write(env.Stdout)
	}
	for _, t := range tables {
		name := prefix + "-" + t.Name + ".csv"
		if err := writeFileWith(name, t.Write); err != nil {
			return fmt.Errorf("hq report: %s: %w", name, err)
		}
		fmt.Fprintf(env.Stdout, "wrote %s\n", name)
	}
	return nil
}

// writeFileWith creates name (0600) and writes it with write.
func writeFileWith(name string, write func(io.Writer) error) error {
	f, err := os.OpenFile(name, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func newHQMigrateCmd(g *globalFlags) *cobra.Command {
	var (
		f      replicaFlags
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Create or upgrade the replica's schema (the admin role, which owns it)",
		Args:  cobra.NoArgs,
		RunE: f.run(g, func(ctx context.Context, cmd *cobra.Command, env *Env, pool *pgxpool.Pool, _ []string) error {
			applied, err := replica.Migrate(ctx, pool)
			if err != nil {
				return err
			}
			v, err := replica.SchemaVersion(ctx, pool)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(env.Stdout, struct {
					Applied []int `json:"applied"`
					Version int   `json:"version"`
				}{append([]int{}, applied...), v})
			}
			if len(applied) == 0 {
				_, err = fmt.Fprintf(env.Stdout, "schema up to date at version %d\n", v)
				return err
			}
			_, err = fmt.Fprintf(env.Stdout, "applied %v; schema at version %d\n", applied, v)
			return err
		}),
	}
	f.bind(cmd.Flags())
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object: the migrations applied and the schema version")
	return cmd
}

func newHQOrderCmd(g *globalFlags) *cobra.Command {
	var (
		f      replicaFlags
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "order OUT_TRADE_NO",
		Short: "Find a sale taken at any terminal, with its refunds and what may still be refunded",
		Args:  cobra.ExactArgs(1),
		RunE: f.run(g, func(ctx context.Context, cmd *cobra.Command, env *Env, pool *pgxpool.Pool, args []string) error {
			ro, err := replica.FindOrder(ctx, pool, args[0])
			if errors.Is(err, replica.ErrNotFound) {
				return &ExitError{Code: ExitFailure, Err: fmt.Errorf("%w (not replicated yet? ask WeChat: wxpos query %s)", err, args[0])}
			}
			if err != nil {
				return err
			}
			o := ro.Order
			if asJSON {
				return writeJSON(env.Stdout, hqOrderJSON(ro))
			}
			var b strings.Builder
			fmt.Fprintf(&b, "%s  taken at %s/%s  %s  %s  ¥%s\n", o.OutTradeNo, ro.StoreID, ro.TerminalID, o.Tender, o.State, receipt.Yuan(o.AmountFen))
			if !o.PaidAt.IsZero() {
				fmt.Fprintf(&b, "paid %s  transaction %s\n", tz.Stamp(o.PaidAt), o.TransactionID)
			}
			for _, r := range ro.Refunds {
				fmt.Fprintf(&b, "refund %s  %s  ¥%s  %s\n", r.OutRefundNo, r.State, receipt.Yuan(r.AmountFen), tz.Stamp(r.CreatedAt))
			}
			fmt.Fprintf(&b, "refundable (as replicated): ¥%s\n", receipt.Yuan(ro.RefundableFen()))
			_, err = fmt.Fprint(env.Stdout, b.String())
			return err
		}),
	}
	f.bind(cmd.Flags())
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object: the sale, its refunds and what may still be refunded")
	return cmd
}

func newHQStatusCmd(g *globalFlags) *cobra.Command {
	var (
		f     replicaFlags
		store string
	)
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "How far each terminal has replicated, and whether its newest events keep their chain (foreign, deleted, altered rows)",
		Args:  cobra.NoArgs,
		RunE: f.run(g, func(ctx context.Context, cmd *cobra.Command, env *Env, pool *pgxpool.Pool, _ []string) error {
			ts, err := replica.Terminals(ctx, pool, store)
			if err != nil {
				return err
			}
			problems, err := replica.CheckHeads(ctx, pool, store)
			if err != nil {
				return err
			}
			if asJSON {
				j := struct {
					Terminals []hqTerminalJSON       `json:"terminals"`
					Problems  []replica.ChainProblem `json:"problems"`
				}{[]hqTerminalJSON{}, problems}
				for _, t := range ts {
					j.Terminals = append(j.Terminals, hqTerminalJSON{t.StoreID, t.TerminalID, t.PushedSeq, t.LocalSeq,
						tz.RFC3339(t.LastPushAt), tz.RFC3339(t.OldestPendingAt)})
				}
				if err := writeJSON(env.Stdout, j); err != nil {
					return err
				}
				return chainProblemsExit(problems)
			}
			now := time.Now()
			for _, t := range ts {
				line := fmt.Sprintf("%s/%s  pushed %d of %d  last push %s ago", t.StoreID, t.TerminalID, t.PushedSeq, t.LocalSeq,
					now.Sub(t.LastPushAt).Round(time.Second))
				if !t.OldestPendingAt.IsZero() {
					line += fmt.Sprintf("  oldest waiting since %s", tz.Stamp(t.OldestPendingAt))
				}
				if _, err := fmt.Fprintln(env.Stdout, line); err != nil {
					return err
				}
			}
			for _, p := range problems {
				if _, err := fmt.Fprintln(env.Stdout, "BROKEN", p); err != nil {
					return err
				}
			}
			if len(problems) > 0 {
				if _, err := fmt.Fprintln(env.Stdout, "the newest events are checked here; wxpos hq verify checks every one"); err != nil {
					return err
				}
			}
			return chainProblemsExit(problems)
		}),
	}
	f.bind(cmd.Flags())
	cmd.Flags().StringVar(&store, "store", "", "only this store `id`")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object: each terminal's replication position and the chain problems found")
	return cmd
}

// chainProblemsExit is exit status 1 when the chain check found anything.
func chainProblemsExit(problems []replica.ChainProblem) error {
	if len(problems) == 0 {
		return nil
	}
	return &ExitError{Code: ExitFailure, Err: fmt.Errorf("%d terminals' replicated events break their chain (wxpos hq verify names every row)", len(problems))}
}

// hqTerminalJSON is one terminal in hq status --json.
type hqTerminalJSON struct {
	StoreID         string `json:"store_id"`
	TerminalID      string `json:"terminal_id"`
	PushedSeq       int64  `json:"pushed_seq"`
	LocalSeq        int64  `json:"local_seq"`
	LastPushAt      string `json:"last_push_at"`                // RFC 3339, store's zone
	OldestPendingAt string `json:"oldest_pending_at,omitempty"` // "" when nothing waited
}

// hqOrderJSON is hq order --json: the sale as replicated, where it was
// taken, its refunds and what may still be refunded.
func hqOrderJSON(ro *replica.RemoteOrder) any {
	type refund struct {
		OutRefundNo string `json:"out_refund_no"`
		State       string `json:"state"`
		AmountFen   int64  `json:"amount_fen"`
		CreatedAt   string `json:"created_at"`
	}
	o := ro.Order
	j := struct {
		OutTradeNo    string   `json:"out_trade_no"`
		StoreID       string   `json:"store_id"`
		TerminalID    string   `json:"terminal_id"`
		Tender        string   `json:"tender"`
		State         string   `json:"state"`
		AmountFen     int64    `json:"amount_fen"`
		TransactionID string   `json:"transaction_id,omitempty"`
		PaidAt        string   `json:"paid_at,omitempty"`
		Refunds       []refund `json:"refunds"`
		RefundableFen int64    `json:"refundable_fen"`
		Training      bool     `json:"training"`
	}{OutTradeNo: o.OutTradeNo, StoreID: ro.StoreID, TerminalID: ro.TerminalID, Tender: string(o.Tender), State: string(o.State),
		AmountFen: o.AmountFen, TransactionID: o.TransactionID, PaidAt: tz.RFC3339(o.PaidAt), Refunds: []refund{},
		RefundableFen: ro.RefundableFen(), Training: o.Training}
	for _, r := range ro.Refunds {
		j.Refunds = append(j.Refunds, refund{r.OutRefundNo, string(r.State), r.AmountFen, tz.RFC3339(r.CreatedAt)})
	}
	return j
}

func newHQReconcileCmd(g *globalFlags) *cobra.Command {
	var (
		f                       replicaFlags
		dayFlag, store, billFn  string
		chain, asJSON, training bool
	)
	cmd := &cobra.Command{
		Use:   "reconcile",
		Short: "Reconcile the merchant's WeChat bill against every terminal of a store (--store) or the chain (--chain)",
		Long: "reconcile compares one day's WeChat bill, which covers the whole merchant number, with the replicated\n" +
			"orders and refunds of all terminals of --store ID, or of every store with --chain. The bill is the plain\n" +
			"CSV in --bill FILE, or else the one this terminal's database holds (wxpos bill fetch). Nothing is\n" +
			"stored: differences are worked through at the terminal that made the sale (wxpos reconcile).\n" +
			"A terminal that has not replicated its day shows up as WeChat-only rows: see wxpos hq status. A row\n" +
			"WeChat also announced (a notification recorded by wxpos notify serve) is marked so, and advised not to\n" +
			"be refunded or recorded again: its sale exists, at a terminal that has not replicated it.",
		Args: cobra.NoArgs,
		RunE: f.run(g, func(ctx context.Context, cmd *cobra.Command, env *Env, pool *pgxpool.Pool, _ []string) error {
			if chain == (store != "") {
				return Usagef("give exactly one of --store ID and --chain")
			}
			d := dayFlag
			if d == "" {
				d = time.Now().In(tz.Shanghai).AddDate(0, 0, -1).Format("20060102")
			}
			day, err := recon.ParseDay(d)
			if err != nil {
				return Usagef("--day: %v", err)
			}
			var bill io.Reader
			if billFn != "" {
				file, err := os.Open(billFn)
				if err != nil {
					return err
				}
				defer file.Close()
				bill = file
			} else {
				db, err := env.Store()
				if err != nil {
					return err
				}
				plain, info, err := reconstore.NewBillBook(db, nil).OpenBill(day)
				if err != nil {
					return fmt.Errorf("%w: pass --bill FILE or run wxpos bill fetch --day %s", err, day.Dashed())
				}
				bill = plain
				if info.NoBill {
					bill = strings.NewReader("")
				}
			}
			rows, err := live.Parse(bill)
			if err != nil {
				return fmt.Errorf("bill of %s: %w", day, err)
			}
			res, err := replica.ReconcileMerchant(ctx, pool, day, store, training, rows)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(env.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(res)
			}
			return printMerchantResult(env.Stdout, res, store)
		}),
	}
	f.bind(cmd.Flags())
	fs := cmd.Flags()
	fs.StringVar(&dayFlag, "day", "", "`day` (yyyymmdd or yyyy-mm-dd; default yesterday, Asia/Shanghai)")
	fs.StringVar(&store, "store", "", "reconcile the terminals of this store `id`")
	fs.BoolVar(&chain, "chain", false, "reconcile every store of the merchant")
	fs.BoolVar(&training, "training", false, "include training-mode (sandbox) sales, as against the simulator's bill")
	fs.StringVar(&billFn, "bill", "", "plain bill CSV `file` as WeChat serves it (default: the one stored in this terminal)")
	fs.BoolVar(&asJSON, "json", false, "print the result as JSON")
	return cmd
}

func printMerchantResult(w io.Writer, res *recon.Result, store string) error {
	scope := "chain"
	if store != "" {
		scope = "store " + store
	}
	var b strings.Builder
	fmt.Fprintf(&b, "reconciliation %s, %s: %d bill rows\n", res.Day.Dashed(), scope, res.BillRows)
	for _, k := range recon.Kinds {
		fmt.Fprintf(&b, "  %-16s %6d\n", k, res.Counts[k])
	}
	fmt.Fprintf(&b, "%-12s %6s %12s %6s %12s\n", "tender", "local", "yuan", "bill", "yuan")
	for _, t := range res.Totals {
		if !t.InBill && t.LocalCount == 0 {
			continue
		}
		fmt.Fprintf(&b, "%-12s %6d %12s %6d %12s\n", t.Tender, t.LocalCount, receipt.Yuan(t.LocalFen), t.BillCount, receipt.Yuan(t.BillFen))
	}
	if len(res.Differences) == 0 {
		b.WriteString("no differences\n")
	}
	announced := 0
	for _, d := range res.Differences {
		if d.Kind == recon.KindWeChatOnly && d.Announced != "" {
			announced++
		}
	}
	if announced > 0 {
		fmt.Fprintf(&b, "%d WeChat-only rows were announced by WeChat: their terminals have not replicated them yet\n", announced)
	}
	for _, d := range res.Differences {
		no := d.OutTradeNo
		if d.OutRefundNo != "" {
			no += " / " + d.OutRefundNo
		}
		announced := ""
		if d.Announced != "" {
			announced = "  WeChat announced " + d.Announced
		}
		fmt.Fprintf(&b, "%s  %s  local %s %s  bill %s %s%s\n    %s\n", d.Kind, no, d.LocalState, receipt.Yuan(d.LocalFen),
			d.BillState, receipt.Yuan(d.BillFen), announced, d.Advice)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
