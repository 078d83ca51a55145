package cli

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/tz"
)

func newOrdersCmd(g *globalFlags) *cobra.Command {
	var (
		day    string
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "orders",
		Short: "List the orders of a day, unresolved ones included",
		Long: "orders lists every order this terminal created on --day (Asia/Shanghai), in number order,\n" +
			"with its state — including ones still being resolved. --json prints one object per line.",
		Example: "  wxpos orders --day 2026-11-25 --json",
		Args:    cobra.NoArgs,
		RunE: g.withEnv(func(cmd *cobra.Command, env *Env, _ []string) error {
			d := pos.DayOf(time.Now())
			if day != "" {
				var err error
				if d, err = tz.ParseDay(day); err != nil {
					return Usagef("orders: --day: %v", err)
				}
			}
			st, err := env.Store()
			if err != nil {
				return err
			}
			orders, err := pos.NewBoltStore(st).OrdersOnDay(d)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			var paid, open int
			var total int64
			for _, o := range orders {
				if o.State == pos.StatePaid {
					paid++
					total += o.AmountFen
				}
				if !o.State.Terminal() {
					open++
				}
				if asJSON {
					if err := json.NewEncoder(w).Encode(orderJSON(o)); err != nil {
						return err
					}
					continue
				}
				fmt.Fprintf(w, "%s  %-16s %12s  %-11s %s %s\n", o.OutTradeNo, o.State, pos.FormatYuan(o.AmountFen),
					o.Tender, o.CreatedAt.In(tz.Shanghai).Format("15:04:05"), o.ErrorCode)
			}
			if !asJSON {
				fmt.Fprintf(w, "%d orders, %d paid (¥%s), %d unresolved\n", len(orders), paid, pos.FormatYuan(total), open)
			}
			return nil
		}),
	}
	cmd.Flags().StringVar(&day, "day", "", "`day` as YYYY-MM-DD (default: today, Asia/Shanghai)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "one JSON object per line")
	return cmd
}
