package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/skip2/go-qrcode"
	"github.com/spf13/cobra"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/tz"
)

// paymentJSON is the one object pay, query, refund (and each line of
// orders) print with --json.
type paymentJSON struct {
	OutTradeNo    string `json:"out_trade_no"`
	OutRefundNo   string `json:"out_refund_no,omitempty"`
	State         string `json:"state"`
	TransactionID string `json:"transaction_id"`
	RefundID      string `json:"refund_id,omitempty"`
	AmountFen     int64  `json:"amount_fen"`
	ReceiptNo     string `json:"receipt_no"`
	ErrorCode     string `json:"error_code"`
	Message       string `json:"message"`
	Tender        string `json:"tender,omitempty"`     // orders: wechat_scan, wechat_qr, cash …
	CreatedAt     string `json:"created_at,omitempty"` // RFC 3339, store's zone
	PaidAt        string `json:"paid_at,omitempty"`    // orders: when the money moved; refunds: succeeded
	Training      bool   `json:"training"`             // a training sale: not real money
	Cashier       string `json:"cashier,omitempty"`    // who was signed in at the till
	// CouponFen is what WeChat coupons paid of amount_fen; PayerFen what
	// the customer paid (orders) or gets back (refunds). Only with coupons.
	CouponFen int64 `json:"coupon_fen,omitempty"`
	PayerFen  int64 `json:"payer_fen,omitempty"`
}

// orderJSON reports an order. Anything not final is "UNKNOWN" for
// scripts, the message says which step it is at; CONFLICT (the number is
// another payment's, never paid) is reported as itself.
func orderJSON(o *pos.Order) paymentJSON {
	j := paymentJSON{OutTradeNo: o.OutTradeNo, State: string(o.State), TransactionID: o.TransactionID,
		AmountFen: o.AmountFen, ReceiptNo: o.ReceiptNo, ErrorCode: o.ErrorCode, Message: o.Message,
		Tender: string(o.Tender), CreatedAt: tz.RFC3339(o.CreatedAt), PaidAt: tz.RFC3339(o.PaidAt), Training: o.Training,
		Cashier: o.Cashier}
	if !o.State.Terminal() && o.State != pos.StateConflict {
		j.State = string(pos.StateUnknown)
		j.Message = stepText(o.State)
	}
	if o.Forced && j.Message == "" {
		j.Message = "forced by " + o.ForcedBy + ": " + o.ForceReason
	}
	if o.CouponFen != 0 {
		j.CouponFen, j.PayerFen = o.CouponFen, o.PayerFen()
	}
	return j
}

func stepText(s pos.State) string {
	switch s {
	case pos.StateReversing:
		return "reversal queued: the payment will be returned to the customer if it went through"
	case pos.StateClosing:
		return "close queued"
	case pos.StateWaitingPassword:
		return "customer is entering the password"
	case pos.StateShowingQR:
		return "QR shown, not paid yet"
	}
	return "checking with WeChat (" + string(s) + ")"
}

func refundJSON(r *pos.Refund) paymentJSON {
	j := paymentJSON{OutTradeNo: r.OutTradeNo, OutRefundNo: r.OutRefundNo, State: string(r.State),
		TransactionID: r.TransactionID, RefundID: r.RefundID, AmountFen: r.AmountFen, ReceiptNo: r.ReceiptNo,
		ErrorCode: r.ErrorCode, Message: r.Message, CreatedAt: tz.RFC3339(r.CreatedAt), PaidAt: tz.RFC3339(r.SuccessAt),
		Training: r.Training, Cashier: r.Cashier}
	if r.State == pos.RefundSubmitted {
		j.State = string(pos.RefundProcessing)
		j.Message = "queued: will be sent with the same out_refund_no"
	}
	if r.CouponFen != 0 {
		j.CouponFen, j.PayerFen = r.CouponFen, r.PayerFen()
	}
	return j
}

// orderExit maps an order to the exit status: 0 paid, 3 definitely not,
// 4 not known yet.
func orderExit(o *pos.Order) int {
	switch {
	case o.State == pos.StatePaid:
		return ExitOK
	case o.State.Terminal(), o.State == pos.StateConflict: // a conflict is never paid
		return ExitDeclined
	}
	return ExitUnknown
}

func refundExit(r *pos.Refund) int {
	switch r.State {
	case pos.RefundSuccess:
		return ExitOK
	case pos.RefundClosed, pos.RefundAbnormal:
		return ExitDeclined
	}
	return ExitUnknown
}

// exitFor turns a status into the command's error (nil for 0).
func exitFor(code int) error {
	if code == ExitOK {
		return nil
	}
	return &ExitError{Code: code}
}

// printOrder prints one order: its JSON object, or its text between the
// training banners of a training sale.
func printOrder(w io.Writer, asJSON bool, o *pos.Order) error {
	if asJSON {
		return writeJSON(w, orderJSON(o))
	}
	return withBanner(w, o.Training, func(w io.Writer) error { return orderText(w, o) })
}

func orderText(w io.Writer, o *pos.Order) error {
	fmt.Fprintf(w, "%s  %s  ¥%s  %s  %s\n", o.OutTradeNo, o.State, pos.FormatYuan(o.AmountFen), o.Tender,
		tz.Stamp(o.CreatedAt))
	if o.TransactionID != "" {
		fmt.Fprintf(w, "  transaction %s\n", o.TransactionID)
	}
	if o.ReceiptNo != "" {
		fmt.Fprintf(w, "  receipt %s\n", o.ReceiptNo)
	}
	if o.CouponFen != 0 {
		fmt.Fprintf(w, "  WeChat coupon ¥%s (merchant-funded ¥%s): customer paid ¥%s, WeChat settles ¥%s\n",
			pos.FormatYuan(o.CouponFen), pos.FormatYuan(o.MerchantCouponFen), pos.FormatYuan(o.PayerFen()), pos.FormatYuan(o.SettledFen()))
	}
	if o.ErrorCode != "" || o.Message != "" {
		fmt.Fprintf(w, "  %s %s\n", o.ErrorCode, o.Message)
	}
	if !o.State.Terminal() {
		fmt.Fprintf(w, "  %s\n", stepText(o.State))
	}
	if o.Forced {
		fmt.Fprintf(w, "  forced by %s: %s\n", o.ForcedBy, o.ForceReason)
	}
	return nil
}

// amountFlags are --amount (yuan) and --fen, exactly one required.
type amountFlags struct {
	yuan string
	fen  string
}

func (a *amountFlags) add(cmd *cobra.Command, what string) {
	cmd.Flags().StringVar(&a.yuan, "amount", "", what+" in `yuan`, at most two decimals (12.34)")
	cmd.Flags().StringVar(&a.fen, "fen", "", what+" in `fen` (1234)")
}

func (a *amountFlags) parse(cmd string) (int64, error) {
	switch {
	case a.yuan != "" && a.fen != "":
		return 0, Usagef("%s: give --amount or --fen, not both", cmd)
	case a.yuan != "":
		fen, err := pos.ParseYuan(a.yuan)
		if err != nil {
			return 0, Usagef("%s: --amount: %v", cmd, err)
		}
		return fen, nil
	case a.fen != "":
		fen, err := pos.ParseFen(a.fen)
		if err != nil {
			return 0, Usagef("%s: --fen: %v", cmd, err)
		}
		return fen, nil
	}
	return 0, Usagef("%s: --amount or --fen is required", cmd)
}

type payFlags struct {
	amount amountFlags
	code   string
	qr     bool
	json   bool
	desc   string
	wait   time.Duration
}

func newPayCmd(g *globalFlags) *cobra.Command {
	var f payFlags
	cmd := &cobra.Command{
		Use:   "pay",
		Short: "Take a WeChat payment: scan a payment code or show a QR",
		Long: "pay takes one payment of --amount yuan (or --fen) through the payment core, exactly as the\n" +
			"cashier window does. --code is the customer's 18-digit payment code (付款码); --qr shows a Native\n" +
			"QR code in the terminal and waits until it is paid, expires, or Ctrl-C closes it.\n" +
			"Exit status: 0 paid, 3 definitely not paid, 4 still unknown (the recovery worker and\n" +
			"`wxpos recover` keep resolving it), 2 bad usage or input.",
		Example: "  wxpos pay --amount 12.34 --code 130001123456789012\n  wxpos pay --fen 1234 --qr --json",
		Args:    cobra.NoArgs,
		RunE: g.withEnv(func(cmd *cobra.Command, env *Env, _ []string) error {
			return runPay(cmd, env, f)
		}),
	}
	f.amount.add(cmd, "amount")
	fl := cmd.Flags()
	fl.StringVar(&f.code, "code", "", "the customer's payment `code` (18 digits, 10–15…)")
	fl.BoolVar(&f.qr, "qr", false, "show a Native QR code instead and wait for it")
	fl.BoolVar(&f.json, "json", false, "print one JSON object")
	fl.StringVar(&f.desc, "description", "", "what the customer sees on WeChat (default: the store name)")
	fl.DurationVar(&f.wait, "wait", time.Minute, "after the payment flow, how long to wait for a queued reverse/close or an unknown outcome to resolve")
	return cmd
}

func runPay(cmd *cobra.Command, env *Env, f payFlags) error {
	fen, err := f.amount.parse("pay")
	if err != nil {
		return err
	}
	if (f.code == "") == !f.qr {
		return Usagef("pay: give exactly one of --code and --qr")
	}
	if f.code != "" && !pos.ValidCode(f.code) {
		return Usagef("pay: --code: not a WeChat payment code (18 digits starting 10–15)")
	}
	ctx := cmd.Context()
	term, err := env.Terminal(ctx)
	if err != nil {
		return err
	}
	defer showProgress(ctx, term, cmd.ErrOrStderr())()
	sale := pos.Sale{AmountFen: fen, Description: f.desc} // the cashier signed in at the till (wxpos shift open)
	var p *pos.Payment
	if f.qr {
		p, err = term.BeginQR(ctx, sale)
	} else {
		p, err = term.BeginScan(ctx, sale, f.code)
	}
	switch {
	case errors.Is(err, pos.ErrCodeUsed), errors.Is(err, pos.ErrBadRequest), errors.Is(err, pos.ErrBadAmount):
		return Usagef("pay: %v", err)
	case err != nil:
		return err
	}
	out, errw := cmd.OutOrStdout(), cmd.ErrOrStderr()
	if f.qr {
		showQR(ctx, term, p, errw, out, f.json)
	}
	// Ctrl-C while waiting cancels: a scan waiting for the password is
	// reversed, a QR is closed. The result is then awaited without ctx.
	o, err := p.Wait(ctx)
	if err != nil && ctx.Err() != nil {
		p.Cancel()
		fmt.Fprintln(errw, "cancelling…")
		o, err = p.Wait(context.Background())
	}
	if err != nil && o == nil {
		return err
	}
	if !o.State.Terminal() && f.wait > 0 {
		fmt.Fprintf(errw, "%s is %s: %s; waiting up to %s…\n", o.OutTradeNo, o.State, stepText(o.State), f.wait)
		o = waitFinal(context.Background(), term, o, f.wait)
	}
	if err := printOrder(out, f.json, o); err != nil {
		return err
	}
	return exitFor(orderExit(o))
}

// showQR waits for the code_url and draws it. The QR goes to stdout, or to
// stderr when stdout carries JSON.
func showQR(ctx context.Context, term *pos.Terminal, p *pos.Payment, errw, out io.Writer, asJSON bool) {
	sub, cancel := context.WithCancel(ctx)
	defer cancel()
	events := term.Subscribe(sub)
	o := p.Order()
	for o.State == pos.StateCreating {
		select {
		case e, ok := <-events:
			if !ok {
				return
			}
			if e.Order != nil && e.Ref == p.OutTradeNo() {
				o = e.Order
			}
		case <-p.Done():
			o = p.Order()
		}
	}
	if o.State != pos.StateShowingQR {
		return
	}
	w := out
	if asJSON {
		w = errw
	}
	if q, err := qrcode.New(o.CodeURL, qrcode.Medium); err == nil {
		fmt.Fprint(w, q.ToSmallString(false))
	}
	fmt.Fprintf(w, "%s  ¥%s  %s\nscan with WeChat before %s (Ctrl-C closes the order)\n",
		o.OutTradeNo, pos.FormatYuan(o.AmountFen), o.CodeURL, tz.Clock(o.ExpiresAt))
}

// waitFinal follows the event stream until order o is final or d passes,
// and returns the latest stored record.
func waitFinal(ctx context.Context, term *pos.Terminal, o *pos.Order, d time.Duration) *pos.Order {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	events := term.Subscribe(ctx)
	if cur, err := term.Order(o.OutTradeNo); err == nil {
		o = cur
	}
	for !o.State.Terminal() {
		select {
		case e, ok := <-events:
			if !ok {
				return o
			}
			if e.Order != nil && e.Ref == o.OutTradeNo {
				o = e.Order
			}
		case <-ctx.Done():
			return o
		}
	}
	return o
}
