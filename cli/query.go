package cli

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/wxpos/wxpos/pos"
)

func newQueryCmd(g *globalFlags) *cobra.Command {
	var (
		asJSON, remote bool
		wait           time.Duration
	)
	cmd := &cobra.Command{
		Use:   "query NO",
		Short: "Show an order (out_trade_no) or a refund (out_refund_no)",
		Long: "query prints the terminal's record of an order or refund. One that is not settled yet is\n" +
			"worked on by the recovery worker (it queries WeChat) for up to --wait before printing.\n" +
			"With --remote it asks WeChat for the order as WeChat has it, beside this terminal's record,\n" +
			"and changes nothing.\n" +
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
			if remote {
				return queryRemote(cmd, term, no, asJSON, env.Config.Training())
			}
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
	cmd.Flags().BoolVar(&remote, "remote", false, "ask WeChat for the order (out_trade_no) as WeChat has it")
	cmd.Flags().DurationVar(&wait, "wait", 10*time.Second, "how long to let an unsettled record resolve first")
	return cmd
}

// printRefund prints one refund: its JSON object, or its text between the
// training banners of a training refund.
func printRefund(w io.Writer, asJSON bool, r *pos.Refund) error {
	if asJSON {
		return writeJSON(w, refundJSON(r))
	}
	return withBanner(w, r.Training, func(w io.Writer) error { return refundText(w, r) })
}

func refundText(w io.Writer, r *pos.Refund) error {
	fmt.Fprintf(w, "%s  refund %s  ¥%s of %s\n", r.OutRefundNo, r.State, pos.FormatYuan(r.AmountFen), r.OutTradeNo)
	if r.RefundID != "" {
		fmt.Fprintf(w, "  refund id %s\n", r.RefundID)
	}
	if r.ReceiptNo != "" {
		fmt.Fprintf(w, "  receipt %s\n", r.ReceiptNo)
	}
	if r.CouponFen != 0 {
		fmt.Fprintf(w, "  ¥%s goes back to the WeChat coupon: the customer gets ¥%s\n", pos.FormatYuan(r.CouponFen), pos.FormatYuan(r.PayerFen()))
	}
	if r.AuthorisedBy != "" {
		fmt.Fprintf(w, "  authorised by %s: %s\n", r.AuthorisedBy, r.Reason)
	}
	for _, l := range r.Lines {
		fmt.Fprintf(w, "  line %d %s ×%d  ¥%s\n", l.Line+1, l.Name, l.Qty, pos.FormatYuan(l.AmountFen))
	}
	if r.ErrorCode != "" || r.Message != "" {
		fmt.Fprintf(w, "  %s %s\n", r.ErrorCode, r.Message)
	}
	return nil
}

// remoteJSON is WeChat's view of an order beside this terminal's record.
type remoteJSON struct {
	OutTradeNo    string `json:"out_trade_no"`
	TradeState    string `json:"trade_state"` // WeChat's; NOT_EXIST when WeChat has no such order
	AmountFen     int64  `json:"amount_fen"`
	TransactionID string `json:"transaction_id,omitempty"`
	LocalState    string `json:"local_state,omitempty"` // this terminal's, "" when it has no record
	LocalFen      int64  `json:"local_fen,omitempty"`
	Training      bool   `json:"training"` // asked of the training simulator
}

// queryRemote prints WeChat's answer for order no: exit 0 paid at WeChat,
// 4 not paid yet, 3 closed, reversed, failed or unknown to WeChat, 1 when
// WeChat could not be asked.
func queryRemote(cmd *cobra.Command, term *pos.Terminal, no string, asJSON, training bool) error {
	r := remoteJSON{OutTradeNo: no, Training: training}
	if o, err := term.Order(no); err == nil {
		r.LocalState, r.LocalFen = string(o.State), o.AmountFen
	}
	tr, err := term.RemoteTrade(cmd.Context(), no)
	switch {
	case errors.Is(err, pos.ErrOrderNotExist):
		r.TradeState = "NOT_EXIST"
	case err != nil:
		return fmt.Errorf("query --remote %s: WeChat could not be asked: %w", no, err)
	default:
		r.TradeState, r.AmountFen, r.TransactionID = string(tr.Status), tr.AmountFen, tr.TransactionID
	}
	w := cmd.OutOrStdout()
	if asJSON {
		if err := writeJSON(w, r); err != nil {
			return err
		}
	} else if err := withBanner(w, training, func(w io.Writer) error { return remoteText(w, r) }); err != nil {
		return err
	}
	switch {
	case err != nil: // no such order
		return exitFor(ExitDeclined)
	case tr.Status.Paid():
		return nil
	case tr.Status == pos.TradeNotPay || tr.Status == pos.TradeUserPaying:
		return exitFor(ExitUnknown) // may still be paid
	}
	return exitFor(ExitDeclined)
}

func remoteText(w io.Writer, r remoteJSON) error {
	fmt.Fprintf(w, "%s  at WeChat: %s", r.OutTradeNo, r.TradeState)
	if r.TradeState != "NOT_EXIST" {
		fmt.Fprintf(w, "  ¥%s", pos.FormatYuan(r.AmountFen))
	}
	if r.TransactionID != "" {
		fmt.Fprintf(w, "  transaction %s", r.TransactionID)
	}
	fmt.Fprintln(w)
	if r.LocalState == "" {
		_, err := fmt.Fprintln(w, "  this terminal has no record of it")
		return err
	}
	_, err := fmt.Fprintf(w, "  this terminal: %s  ¥%s\n", r.LocalState, pos.FormatYuan(r.LocalFen))
	return err
}
