package cli

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/wxpos/wxpos/pos"
)

type abnormalFlags struct {
	to      string
	bank    string
	manager string
	json    bool
	wait    time.Duration
}

func newRefundAbnormalCmd(g *globalFlags) *cobra.Command {
	var f abnormalFlags
	var banks []string
	for _, b := range pos.AbnormalBankTypes {
		banks = append(banks, b.Code+" "+b.Name)
	}
	cmd := &cobra.Command{
		Use:   "refund-abnormal REFUND_NO",
		Short: "Settle a refund WeChat could not pay back (ABNORMAL): to the customer's other card or the store",
		Long: "refund-abnormal settles the ABNORMAL refund REFUND_NO (the customer's card was closed or frozen):\n" +
			"--to card pays it to the customer's other debit card (--bank, one of the list below), --to store\n" +
			"returns the money to the store's bank account, and the store repays the customer in person.\n" +
			"A manager approves it: --manager names them; standard input gives their PIN, then, for --to card,\n" +
			"the card number and the card holder's name, one line each (not echoed on a terminal; never on the\n" +
			"command line, never stored: the audit trail keeps the bank and the last four digits).\n" +
			"The refund is followed until SUCCESS for up to --wait. API v3 only.\n" +
			"Banks: " + strings.Join(banks, ", ") + ".\n" +
			"Exit status: 0 refunded, 3 refused (ABNORMAL again), 4 still processing, 2 bad usage, input or approval.",
		Example: "  printf '2468\\n6222020200112345678\\n张三\\n' | wxpos refund-abnormal RS01-T01-K7QZ2M-00000007 --to card --bank ICBC_DEBIT --manager Wang\n" +
			"  echo 2468 | wxpos refund-abnormal RS01-T01-K7QZ2M-00000007 --to store --manager Wang",
		Args: cobra.ExactArgs(1),
		RunE: g.withEnv(func(cmd *cobra.Command, env *Env, args []string) error {
			return runRefundAbnormal(cmd, env, args[0], f)
		}),
	}
	fl := cmd.Flags()
	fl.StringVar(&f.to, "to", "", "where the money goes: `card` (the customer's other debit card) or store")
	fl.StringVar(&f.bank, "bank", "", "the card's bank, e.g. ICBC_DEBIT (--to card)")
	fl.StringVar(&f.manager, "manager", "", "the approving manager's `name` (PIN on stdin)")
	fl.BoolVar(&f.json, "json", false, "print one JSON object")
	fl.DurationVar(&f.wait, "wait", 30*time.Second, "how long to follow the refund before returning")
	return cmd
}

func runRefundAbnormal(cmd *cobra.Command, env *Env, no string, f abnormalFlags) error {
	s := pos.AbnormalSettlement{OutRefundNo: no}
	switch f.to {
	case "card":
		s.To, s.BankType = pos.AbnormalToCustomerCard, f.bank
	case "store":
		if f.bank != "" {
			return Usagef("refund-abnormal: --bank is for --to card")
		}
		s.To = pos.AbnormalToMerchant
	default:
		return Usagef("refund-abnormal: --to card or --to store is required")
	}
	if f.manager == "" {
		return Usagef("refund-abnormal: --manager is required")
	}
	if err := needManager(env); err != nil {
		return err
	}
	in := newPins(cmd.InOrStdin(), cmd.ErrOrStderr())
	pin, err := in.next("PIN of " + f.manager + ": ")
	if err != nil {
		return Usagef("refund-abnormal: %v", err)
	}
	s.Approval = pos.Approval{User: f.manager, Credential: pin}
	if s.To == pos.AbnormalToCustomerCard {
		if s.BankAccount, err = in.next("card number: "); err != nil {
			return Usagef("refund-abnormal: the card number: %v", err)
		}
		s.BankAccount = strings.ReplaceAll(s.BankAccount, " ", "")
		if s.RealName, err = in.next("card holder's name: "); err != nil {
			return Usagef("refund-abnormal: the card holder's name: %v", err)
		}
	}
	ctx := cmd.Context()
	term, err := env.Terminal(ctx)
	if err != nil {
		return err
	}
	defer showProgress(ctx, term, cmd.ErrOrStderr())()
	r, err := term.SettleAbnormalRefund(ctx, s)
	switch {
	case errors.Is(err, pos.ErrNotFound), errors.Is(err, pos.ErrNotAbnormal), errors.Is(err, pos.ErrBadSettlement),
		errors.Is(err, pos.ErrAbnormalUnsupported), errors.Is(err, pos.ErrNotAuthorised), errors.Is(err, pos.ErrBusy):
		return Usagef("refund-abnormal: %v", err)
	case err != nil && r == nil:
		return err
	case err != nil:
		cmd.PrintErrf("refund-abnormal: %v\n", err)
	}
	r = waitRefund(ctx, term, r, f.wait)
	if err := printRefund(cmd.OutOrStdout(), f.json, r); err != nil {
		return err
	}
	if r.State == pos.RefundSuccess && s.To == pos.AbnormalToMerchant && !f.json {
		fmt.Fprintln(cmd.OutOrStdout(), "  the money went back to the store's bank account: repay the customer in person")
	}
	return exitFor(refundExit(r))
}
