package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/replica"
)

type refundFlags struct {
	amount  amountFlags
	lines   []string // --line N:QTY
	full    bool
	reason  string
	manager string
	json    bool
	wait    time.Duration
}

func newRefundCmd(g *globalFlags) *cobra.Command {
	var f refundFlags
	cmd := &cobra.Command{
		Use:   "refund NO",
		Short: "Refund all or part of a paid sale (manager PIN on stdin)",
		Long: "refund returns --amount yuan (or --fen, or --full: what is left) of the sale NO to the customer.\n" +
			"A manager approves it: --manager names them and their PIN is read from standard input (one line).\n" +
			"NO may be a sale taken at another counter: it is confirmed with WeChat (and looked up in the\n" +
			"[replica] PostgreSQL server when configured, for where it was taken and its refunds elsewhere),\n" +
			"recorded here as a foreign sale (never counted in this terminal's reports), then refunded.\n" +
			"Local limits are checked before anything is sent: the refunds of a sale never exceed what was paid,\n" +
			"at most 50 per sale, within a year of payment. A refund WeChat has accepted is followed until\n" +
			"SUCCESS, CLOSED or ABNORMAL for up to --wait; offline, it stays queued with its number.\n" +
			"Exit status: 0 refunded, 3 definitely not, 4 still processing, 2 bad usage, input or approval.",
		Example: "  echo 2468 | wxpos refund PS01-T01-K7QZ2M-00000042 --amount 1.00 --reason 退货 --manager Wang",
		Args:    cobra.ExactArgs(1),
		RunE: g.withEnv(func(cmd *cobra.Command, env *Env, args []string) error {
			return runRefund(cmd, env, args[0], f)
		}),
	}
	f.amount.add(cmd, "refund amount")
	fl := cmd.Flags()
	fl.BoolVar(&f.full, "full", false, "refund everything not refunded yet")
	fl.StringArrayVar(&f.lines, "line", nil, "give back `N:QTY` of the sale's line N (1 = first; QTY pieces, or grams of a weighed line); "+
		"repeat for several lines; the amount is the lines' share of what was paid")
	fl.StringVar(&f.reason, "reason", "", "why (shown to the customer, ≤ 80 characters)")
	fl.StringVar(&f.manager, "manager", "", "the approving manager's `name` (PIN on stdin)")
	fl.BoolVar(&f.json, "json", false, "print one JSON object")
	fl.DurationVar(&f.wait, "wait", 30*time.Second, "how long to follow the refund before returning")
	return cmd
}

func runRefund(cmd *cobra.Command, env *Env, no string, f refundFlags) error {
	if f.manager == "" {
		return Usagef("refund: --manager is required")
	}
	if len([]rune(f.reason)) > 80 {
		return Usagef("refund: --reason: at most 80 characters")
	}
	var lines []receipt.RefundLine
	if len(f.lines) > 0 {
		if f.full || f.amount.yuan != "" || f.amount.fen != "" {
			return Usagef("refund: --line and an amount or --full exclude each other")
		}
		var err error
		if lines, err = parseRefundLines(f.lines); err != nil {
			return err
		}
	}
	if err := needManager(env); err != nil {
		return err
	}
	ctx := cmd.Context()
	term, err := env.Terminal(ctx)
	if err != nil {
		return err
	}
	defer showProgress(ctx, term, cmd.ErrOrStderr())()
	finder, err := SaleFinder(ctx, env)
	if err != nil {
		// A refund of this terminal's own sale never needs the replica.
		fmt.Fprintf(cmd.ErrOrStderr(), "warning: %v: sales of other counters are confirmed with WeChat alone\n", err)
		finder = nil
	}
	var fen int64
	if len(f.lines) > 0 {
		// Priced by the core from the sale's lines.
	} else if f.full {
		if f.amount.yuan != "" || f.amount.fen != "" {
			return Usagef("refund: --full and an amount exclude each other")
		}
		l, err := term.LookupSale(ctx, no, finder)
		switch {
		case errors.Is(err, pos.ErrNotFound):
			return Usagef("refund: no sale %q on this terminal, in the replica or at WeChat", no)
		case errors.Is(err, pos.ErrNotPaid):
			return Usagef("refund: %v", err)
		case err != nil:
			return err
		}
		fen = l.LeftFen()
		if fen <= 0 {
			return Usagef("refund: nothing left to refund on %s", no)
		}
	} else if fen, err = f.amount.parse("refund"); err != nil {
		return err
	}
	pin, err := newPins(cmd.InOrStdin(), cmd.ErrOrStderr()).next("PIN of " + f.manager + ": ")
	if err != nil {
		return Usagef("refund: %v", err)
	}
	// A sale of another counter is confirmed with WeChat and recorded here
	// as a foreign sale first (pos.Terminal.RefundAny).
	r, err := term.RefundAny(ctx, pos.RefundOrder{OutTradeNo: no, AmountFen: fen, Lines: lines, Reason: f.reason,
		Approval: pos.Approval{User: f.manager, Credential: pin}}, finder)
	switch {
	case errors.Is(err, pos.ErrNotFound), errors.Is(err, pos.ErrRefundLimit), errors.Is(err, pos.ErrNotPaid),
		errors.Is(err, pos.ErrBadAmount), errors.Is(err, pos.ErrNotAuthorised), errors.Is(err, pos.ErrBusy),
		errors.Is(err, pos.ErrBadRequest):
		return Usagef("refund: %v", err)
	case err != nil && r == nil:
		return err
	}
	r = waitRefund(ctx, term, r, f.wait)
	if err := printRefund(cmd.OutOrStdout(), f.json, r); err != nil {
		return err
	}
	if o, err := term.Order(no); err == nil && o.Foreign && !f.json {
		where := "another counter"
		if o.OriginTerminalID != "" {
			where += " (" + o.OriginStoreID + "/" + o.OriginTerminalID + ")"
		}
		fmt.Fprintf(cmd.OutOrStdout(), "  sale taken at %s: recorded here for refunds only, not as a sale of this terminal\n", where)
	}
	return exitFor(refundExit(r))
}

// parseRefundLines reads --line N:QTY values (N from 1).
func parseRefundLines(vals []string) ([]receipt.RefundLine, error) {
	out := make([]receipt.RefundLine, 0, len(vals))
	for _, v := range vals {
		n, q, ok := strings.Cut(v, ":")
		line, err1 := strconv.Atoi(n)
		qty, err2 := strconv.ParseInt(q, 10, 64)
		if !ok || err1 != nil || err2 != nil || line < 1 || qty < 1 {
			return nil, Usagef("refund: --line %q: want N:QTY, the line's number from 1 and a quantity from 1", v)
		}
		out = append(out, receipt.RefundLine{Line: line - 1, Qty: qty})
	}
	return out, nil
}

// waitRefund follows a refund until final or d passes.
func waitRefund(ctx context.Context, term *pos.Terminal, r *pos.Refund, d time.Duration) *pos.Refund {
	if r.State.Terminal() || d <= 0 {
		return r
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	events := term.Subscribe(ctx)
	if cur, err := term.RefundRecord(r.OutRefundNo); err == nil {
		r = cur
	}
	for !r.State.Terminal() {
		select {
		case e, ok := <-events:
			if !ok {
				return r
			}
			if e.Refund != nil && e.Ref == r.OutRefundNo {
				r = e.Refund
			}
		case <-ctx.Done():
			return r
		}
	}
	return r
}

// ReplicaFinder is the pos.SaleFinder on the store's PostgreSQL replica:
// a sale from any terminal that has replicated, with every replicated
// refund of it.
type ReplicaFinder struct {
	DB replica.Querier
}

var _ pos.SaleFinder = ReplicaFinder{}

// FindSale implements pos.SaleFinder; a sale the replica does not have is
// an error wrapping pos.ErrNotFound.
func (f ReplicaFinder) FindSale(ctx context.Context, outTradeNo string) (*pos.RemoteSale, error) {
	ro, err := replica.FindOrder(ctx, f.DB, outTradeNo)
	if errors.Is(err, replica.ErrNotFound) {
		return nil, fmt.Errorf("%w: %w", pos.ErrNotFound, err)
	}
	if err != nil {
		return nil, err
	}
	o := ro.Order
	rs := &pos.RemoteSale{StoreID: ro.StoreID, TerminalID: ro.TerminalID, Tender: receipt.Tender(o.Tender),
		State: o.State, AmountFen: o.AmountFen, TransactionID: o.TransactionID, PaidAt: o.PaidAt}
	for _, r := range ro.Refunds {
		rs.Refunds = append(rs.Refunds, pos.RemoteRefund{OutRefundNo: r.OutRefundNo, State: r.State, AmountFen: r.AmountFen})
	}
	return rs, nil
}

// SaleFinder returns the finder on the [replica] server of env's config,
// or nil when none is configured. Its connection pool connects on first
// use (a server that is down costs a refund at most pos.Config's
// FinderTimeout) and closes with env.
func SaleFinder(ctx context.Context, env *Env) (pos.SaleFinder, error) {
	rc := ReplicaConfig(env.Config.Replica)
	if !rc.Enabled() {
		return nil, nil
	}
	pool, err := replica.Connect(ctx, rc)
	if err != nil {
		return nil, fmt.Errorf("replica: %w", err)
	}
	env.OnClose(func() error { pool.Close(); return nil })
	return ReplicaFinder{DB: pool}, nil
}
