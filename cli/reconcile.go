package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wxpos/wxpos/internal/csvout"
	"github.com/wxpos/wxpos/recon"
	"github.com/wxpos/wxpos/recon/live"
	"github.com/wxpos/wxpos/tz"
)

func newReconcileCmd(g *globalFlags) *cobra.Command {
	var dayFlag, resolveID, action, note, actor string
	var asJSON, noFetch bool
	cmd := &cobra.Command{
		Use:   "reconcile",
		Short: "Reconcile a day: the WeChat bill against this terminal's sales and refunds",
		Long: "reconcile compares the stored WeChat bill of --day (default: yesterday, Asia/Shanghai) with this\n" +
			"terminal's records by out_trade_no / out_refund_no and prints the categories (matched, amount\n" +
			"mismatch, local only, WeChat only, status mismatch, other terminal), the day totals side by side\n" +
			"per tender, the fees, and every difference with what to do. A bill not stored yet is fetched first\n" +
			"(unless --no-fetch). Resolutions made earlier (on the reconciliation screen) are kept. When the\n" +
			"day's fund-flow bill has been checked (the fetch does it), the basic account's check follows:\n" +
			"each payment credited its settlement less its fee, each refund debited its 退款金额 less the fee\n" +
			"given back (--json: fund_flow).\n\n" +
			"--resolve ID --action query|explain|record_sale [--note TEXT] works on one difference of a\n" +
			"reconciled day (ids are printed with the differences); refunds need a manager's PIN and are\n" +
			"done on the reconciliation screen.",
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
			var res *recon.Result
			if resolveID != "" {
				if actor == "" {
					actor = "cli"
				}
				res, err = resolveCLI(cmd.Context(), env, desk, day, resolveID, recon.Action(action), note, actor)
				if err != nil {
					return err
				}
			} else if !desk.Book.HasBill(day) && !noFetch {
				client, err := billClient(cmd.Context(), env)
				if err != nil {
					return err
				}
				f := &recon.Fetcher{Desk: desk, Source: live.Source{Client: client}, Logger: env.Logger}
				res, err = f.FetchDay(cmd.Context(), day, "cli")
				if err != nil {
					return err
				}
			} else {
				res, err = desk.Reconcile(day, "cli")
				if errors.Is(err, recon.ErrNoBill) {
					return fmt.Errorf("%w: run `wxpos bill fetch --day %s` or `wxpos bill import FILE --save`", err, day.Dashed())
				}
				if err != nil {
					return err
				}
			}
			ff, err := desk.Book.FundFlow(day)
			if err != nil && !errors.Is(err, recon.ErrNoFundFlow) {
				return err
			}
			if asJSON {
				return writeJSON(env.Stdout, withFundFlow{inStoreZone(res), ff})
			}
			if err := printResult(env, res); err != nil || ff == nil {
				return err
			}
			fmt.Fprintln(env.Stdout)
			return printFundFlow(env, ff)
		}),
	}
	cmd.Flags().StringVar(&dayFlag, "day", "", "`day` to reconcile, as 2026-11-25 (default: yesterday)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON")
	cmd.Flags().BoolVar(&noFetch, "no-fetch", false, "use only a stored bill; never download")
	cmd.Flags().StringVar(&resolveID, "resolve", "", "resolve the difference with this `id`")
	cmd.Flags().StringVar(&action, "action", "", "with --resolve: query, explain or record_sale")
	cmd.Flags().StringVar(&note, "note", "", "with --resolve: why (required for explain and record_sale)")
	cmd.Flags().StringVar(&actor, "as", "", "with --resolve: who resolves it, for the audit trail")
	return cmd
}

// resolveCLI applies one resolution to a stored reconciliation.
func resolveCLI(ctx context.Context, env *Env, desk *recon.Desk, day recon.Day, id string, a recon.Action, note, actor string) (*recon.Result, error) {
	switch a {
	case recon.ActionQuery:
		client, err := billClient(ctx, env)
		if err != nil {
			return nil, err
		}
		desk.Operator = &live.Operator{Client: client}
		res, ans, err := desk.Query(ctx, day, id, actor)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(env.Stdout, "%s: %s\n", id, ans)
		return res, nil
	case recon.ActionExplain:
		return desk.Explain(day, id, actor, note)
	case recon.ActionRecordSale:
		if strings.TrimSpace(note) == "" {
			return nil, Usagef("--action record_sale needs --note")
		}
		term, err := env.Terminal(ctx)
		if err != nil {
			return nil, err
		}
		desk.Sales = live.Recorder{Terminal: term}
		return desk.RecordSale(day, id, actor, note)
	case recon.ActionRefund:
		return nil, Usagef("refunds need a manager's PIN: use the reconciliation screen")
	}
	return nil, Usagef("--action %q: want query, explain or record_sale", a)
}

// inStoreZone is r with its times in the store's zone, as --json shows
// every time.
func inStoreZone(r *recon.Result) *recon.Result {
	c := *r
	c.At = c.At.In(tz.Shanghai)
	c.Differences = slices.Clone(r.Differences)
	for i := range c.Differences {
		d := &c.Differences[i]
		d.Time = d.Time.In(tz.Shanghai)
		if d.Resolution != nil {
			res := *d.Resolution
			res.At = res.At.In(tz.Shanghai)
			d.Resolution = &res
		}
	}
	return &c
}

// withFundFlow is reconcile's JSON: the result, and the day's fund-flow
// check when one is stored.
type withFundFlow struct {
	*recon.Result
	FundFlow *recon.FundFlowCheck `json:"fund_flow,omitempty"`
}

// printFundFlow writes a fund-flow check for people, in the terminal's
// ui.locale.
func printFundFlow(env *Env, c *recon.FundFlowCheck) error {
	lang, err := reportLang("", env.Config.UI.Locale)
	if err != nil {
		return err
	}
	return recon.WriteFundFlowText(env.Stdout, c, lang)
}

// says picks the words of a line of reconciliation output in the
// terminal's ui.locale.
func (e *Env) says(en, zh string) string {
	if csvout.LangOf(e.Config.UI.Locale) == csvout.Chinese {
		return zh
	}
	return en
}

// printResult writes a reconciliation for people, in the terminal's
// ui.locale as the reconciliation screen shows it.
func printResult(env *Env, r *recon.Result) error {
	lang, err := reportLang("", env.Config.UI.Locale)
	if err != nil {
		return err
	}
	return recon.WriteText(env.Stdout, r, lang)
}
