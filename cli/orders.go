package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/posstore"
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
			"with its state — including ones still being resolved — tender and time (store's zone).\n" +
			"--json prints one object: the day, \"training\", the orders and the counts.",
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
			orders, err := posstore.New(st).OrdersOnDay(d)
			if err != nil {
				return err
			}
			return printOrders(cmd.OutOrStdout(), asJSON, env.Config.Training(), d, orders)
		}),
	}
	cmd.Flags().StringVar(&day, "day", "", "`day` as YYYY-MM-DD or YYYYMMDD (default: today, Asia/Shanghai)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}

// ordersJSON is what orders --json prints.
type ordersJSON struct {
	Day        string        `json:"day"` // yyyy-mm-dd, Asia/Shanghai
	Training   bool          `json:"training"`
	Orders     []paymentJSON `json:"orders"`
	Count      int           `json:"count"`
	Paid       int           `json:"paid"`
	PaidFen    int64         `json:"paid_fen"`
	Unresolved int           `json:"unresolved"`
}

// printOrders prints the orders of day (yyyymmdd): a table under a header
// with a summary line, or one JSON object.
func printOrders(w io.Writer, asJSON, training bool, day string, orders []*pos.Order) error {
	j := ordersJSON{Day: day[:4] + "-" + day[4:6] + "-" + day[6:], Training: training, Orders: []paymentJSON{}, Count: len(orders)}
	for _, o := range orders {
		if o.State == pos.StatePaid {
			j.Paid++
			j.PaidFen += o.AmountFen
		}
		if !o.State.Terminal() {
			j.Unresolved++
		}
		j.Orders = append(j.Orders, orderJSON(o))
	}
	if asJSON {
		return writeJSON(w, j)
	}
	return withBanner(w, training, func(w io.Writer) error {
		fmt.Fprintf(w, "%-28s %-16s %12s  %-11s %-8s %s\n", "OUT_TRADE_NO", "STATE", "AMOUNT", "TENDER", "TIME", "ERROR")
		for _, o := range orders {
			fmt.Fprintf(w, "%-28s %-16s %12s  %-11s %-8s %s\n", o.OutTradeNo, o.State, pos.FormatYuan(o.AmountFen),
				o.Tender, tz.Clock(o.CreatedAt), o.ErrorCode)
		}
		_, err := fmt.Fprintf(w, "%s: %d orders, %d paid (¥%s), %d unresolved (times Asia/Shanghai)\n",
			j.Day, j.Count, j.Paid, pos.FormatYuan(j.PaidFen), j.Unresolved)
		return err
	})
}
