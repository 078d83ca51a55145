package cli

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/wxpos/wxpos/replica"
)

func newHQVerifyCmd(g *globalFlags) *cobra.Command {
	var (
		f           replicaFlags
		store, term string
		asJSON      bool
	)
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check every replicated event against its terminal's chain hash: altered, deleted or foreign rows, by store, terminal and sequence",
		Long: "verify reads each terminal's replicated events in sequence and checks each against the chain hash its\n" +
			"terminal computed (the hash of the event before it and of its own content): a row altered, deleted or\n" +
			"inserted in a terminal's sequence is named with its store, terminal and sequence. Exit status 1 when\n" +
			"anything is found. A terminal's rows that are not its own are removed with wxpos hq repair; the\n" +
			"terminal then pushes its log again.",
		Args: cobra.NoArgs,
		RunE: f.run(g, func(ctx context.Context, cmd *cobra.Command, env *Env, pool *pgxpool.Pool, _ []string) error {
			check, err := replica.Verify(ctx, pool, store, term)
			if err != nil {
				return err
			}
			if asJSON {
				err = writeJSON(env.Stdout, check)
			} else {
				err = printChainCheck(env, check)
			}
			if err == nil && len(check.Problems) > 0 {
				return &ExitError{Code: ExitFailure, Err: fmt.Errorf("hq verify: %d problems found", len(check.Problems))}
			}
			return err
		}),
	}
	f.bind(cmd.Flags())
	cmd.Flags().StringVar(&store, "store", "", "only this store `id`")
	cmd.Flags().StringVar(&term, "terminal", "", "only this terminal `id` (with --store)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object: terminals, events, unchained, problems")
	return cmd
}

func printChainCheck(env *Env, check *replica.ChainCheck) error {
	for _, p := range check.Problems {
		if _, err := fmt.Fprintln(env.Stdout, p); err != nil {
			return err
		}
	}
	line := fmt.Sprintf("%d terminals, %d events checked: ", check.Terminals, check.Events)
	if len(check.Problems) == 0 {
		line += "every chain intact"
	} else {
		line += fmt.Sprintf("%d problems", len(check.Problems))
	}
	if check.Unchained > 0 {
		line += fmt.Sprintf(" (%d events pushed by a wxpos before the chain: covered by the first chained event after them)", check.Unchained)
	}
	_, err := fmt.Fprintln(env.Stdout, line)
	return err
}

func newHQRepairCmd(g *globalFlags) *cobra.Command {
	var f replicaFlags
	cmd := &cobra.Command{
		Use:   "repair STORE TERMINAL",
		Short: "Remove every row a terminal replicated (its events, orders, refunds, position) so that it pushes its own log again",
		Long: "repair is the way out when rows that are not a terminal's own sit in its sequence (its replication\n" +
			"stopped with 'not this terminal's'; wxpos hq verify names them): with the admin's login it removes the\n" +
			"terminal's events, the orders and refunds it numbered and its position in one transaction, and the\n" +
			"terminal, still running, pushes its whole log again by itself. Until it has, the report lacks its\n" +
			"figures and lists what WeChat announced for them. If hq verify finds the terminal's chain intact and\n" +
			"the terminal's database is the one behind (restored from an older backup), restore its newest backup\n" +
			"instead: those rows are its own.",
		Args: cobra.ExactArgs(2),
		RunE: f.run(g, func(ctx context.Context, cmd *cobra.Command, env *Env, pool *pgxpool.Pool, args []string) error {
			r, err := replica.Repair(ctx, pool, args[0], args[1])
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(env.Stdout, "removed %s/%s: %d events, %d orders, %d refunds, %d shifts; the terminal pushes its log again at its next attempt\n",
				args[0], args[1], r.Events, r.Orders, r.Refunds, r.Shifts)
			return err
		}),
	}
	f.bind(cmd.Flags())
	return cmd
}
