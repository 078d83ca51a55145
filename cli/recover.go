package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"github.com/wxpos/wxpos/pos"
)

func newRecoverCmd(g *globalFlags) *cobra.Command {
	var (
		timeout time.Duration
		asJSON  bool
	)
	cmd := &cobra.Command{
		Use:   "recover",
		Short: "Resolve every open order and queued call, or give up after --timeout",
		Long: "recover runs the recovery worker until every order left open (UNKNOWN, interrupted by a crash,\n" +
			"waiting for a reverse or close) and every queued reverse, close and refund is settled with\n" +
			"WeChat, or --timeout passes. It prints what it resolved and what is left.\n" +
			"Exit status: 0 all resolved, 4 some still open.",
		Example: "  wxpos recover --timeout 2m",
		Args:    cobra.NoArgs,
		RunE: g.withEnv(func(cmd *cobra.Command, env *Env, _ []string) error {
			env.foreground = true // this command is the worker: what it settles, it counts
			term, err := env.Terminal(cmd.Context())
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			stop := showProgress(ctx, term, cmd.ErrOrStderr())
			res, err := term.Recover(ctx)
			stop()
			if err != nil && !errors.Is(err, context.DeadlineExceeded) {
				return err
			}
			w := cmd.OutOrStdout()
			if asJSON {
				if err := writeJSON(w, toRecoveryJSON(res)); err != nil {
					return err
				}
			} else {
				printRecovery(w, res)
			}
			if res.Unresolved > 0 || res.Outbox > 0 {
				return &ExitError{Code: ExitUnknown}
			}
			return nil
		}),
	}
	cmd.Flags().DurationVar(&timeout, "timeout", time.Minute, "give up after this long")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}

// recoveryJSON is a recovery pass as recover --json and restore --json
// print it.
type recoveryJSON struct {
	Resolved   map[string]int `json:"resolved"`
	Unresolved int            `json:"unresolved"`
	Outbox     int            `json:"outbox"`
	Conflicts  int            `json:"conflicts"`
}

func toRecoveryJSON(res pos.RecoveryResult) recoveryJSON {
	j := recoveryJSON{res.Resolved, res.Unresolved, res.Outbox, res.Conflicts}
	if j.Resolved == nil {
		j.Resolved = map[string]int{}
	}
	return j
}

// printRecovery lists what a recovery pass resolved and what is left.
func printRecovery(w io.Writer, res pos.RecoveryResult) {
	states := make([]string, 0, len(res.Resolved))
	for s := range res.Resolved {
		states = append(states, s)
	}
	sort.Strings(states)
	for _, s := range states {
		fmt.Fprintf(w, "resolved %-18s %d\n", s, res.Resolved[s])
	}
	fmt.Fprintf(w, "unresolved %d, outbox %d\n", res.Unresolved, res.Outbox)
	if res.Conflicts > 0 {
		fmt.Fprintf(w, "conflicts %d: the order number belongs to another payment at WeChat; not paid — a manager must look (payments in doubt)\n", res.Conflicts)
	}
}
