package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/wxpos/wxpos/pos"
)

func newQueryCmd(g *globalFlags) *cobra.Command {
	var (
		asJSON bool
		wait   time.Duration
	)
	cmd := &cobra.Command{
		Use:   "query NO",
		Short: "Show an order (out_trade_no) or a refund (out_refund_no)",
		Long: "query prints the terminal's record of an order or refund. One that is not settled yet is\n" +
			"worked on by the recovery worker (it queries WeChat) for up to --wait before printing.\n" +
			"Exit status: 0 paid/refunded, 3 definitely not, 4 still unknown, 2 no such number.",
		Example: "  wxpos query PS01-T01-K7QZ2M-00000042 --json",
		Args:    cobra.ExactArgs(1),
		RunE: g.withEnv(func(cmd *cobra.Command, env *Env, args []string) error {
			ctx := cmd.Context()
			term, err := env.Terminal(ctx)
			if err != nil {
				return err
			}
			no, out := args[0], cmd.OutOrStdout()
			if r, err := term.RefundRecord(no); err == nil {
				r = waitRefund(ctx, term, r, wait)
				if err := printRefund(out, asJSON, r); err != nil {
					return err
				}
				return exitFor(refundExit(r))
			}
			o, err := term.Order(no)
			if errors.Is(err, pos.ErrNotFound) {
				return Usagef("query: no order or refund %q on this terminal", no)
			}
			if err != nil {
				return err
			}
			if !o.State.Terminal() && wait > 0 {
				o = waitFinal(ctx, term, o, wait)
			}
			if err := printOrder(out, asJSON, o); err != nil {
				return err
			}
			return exitFor(orderExit(o))
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	cmd.Flags().DurationVar(&wait, "wait", 10*time.Second, "how long to let an unsettled record resolve first")
	return cmd
}

func printRefund(w interface{ Write([]byte) (int, error) }, asJSON bool, r *pos.Refund) error {
	if asJSON {
		return json.NewEncoder(w).Encode(refundJSON(r))
	}
	fmt.Fprintf(w, "%s  refund %s  ¥%s of %s\n", r.OutRefundNo, r.State, pos.FormatYuan(r.AmountFen), r.OutTradeNo)
	if r.RefundID != "" {
		fmt.Fprintf(w, "  refund id %s\n", r.RefundID)
	}
	if r.ReceiptNo != "" {
		fmt.Fprintf(w, "  receipt %s\n", r.ReceiptNo)
	}
	if r.AuthorisedBy != "" {
		fmt.Fprintf(w, "  authorised by %s: %s\n", r.AuthorisedBy, r.Reason)
	}
	if r.ErrorCode != "" || r.Message != "" {
		fmt.Fprintf(w, "  %s %s\n", r.ErrorCode, r.Message)
	}
	return nil
}
