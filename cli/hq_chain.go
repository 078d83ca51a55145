package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/wxpos/wxpos/internal/ident"
	"github.com/wxpos/wxpos/replica"
)

func newHQVerifyCmd(g *globalFlags) *cobra.Command {
	var (
		f               replicaFlags
		store, term, cp string
		asJSON, full    bool
	)
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check the replicated events against their terminal's chain hash: altered, deleted or foreign rows, by store, terminal and sequence",
		Long: "verify reads each terminal's replicated events in sequence and checks each against the chain hash its\n" +
			"terminal computed (the hash of the event before it and of its own content): a row altered, deleted or\n" +
			"inserted in a terminal's sequence is named with its store, terminal and sequence. Exit status 1 when\n" +
			"anything is found. A terminal's rows that are not its own are removed with wxpos hq repair --from N;\n" +
			"the terminal then pushes its log again from there.\n" +
			"It remembers, in --checkpoint, each terminal's newest event found intact and its chain hash, and the\n" +
			"next run reads only the events after it (that event must be unchanged: a rewrite of the chain before\n" +
			"it is found). --full reads every event again, which also finds an older row edited with its chain\n" +
			"hashes left alone: run it now and then, with a --timeout that fits the chain (about 11 s a million events).",
		Args: cobra.NoArgs,
		RunE: f.run(g, func(ctx context.Context, cmd *cobra.Command, env *Env, pool *pgxpool.Pool, _ []string) error {
			if cp == "" {
				cp = defaultCheckpointFile(env, pool)
			}
			var cps replica.Checkpoints
			if !full {
				var err error
				if cps, err = readCheckpoints(cp); err != nil {
					return err
				}
			}
			check, err := replica.VerifyFrom(ctx, pool, store, term, cps)
			if err != nil {
				return err
			}
			if err := writeCheckpoints(cp, check.Checkpoints); err != nil {
				return err
			}
			if asJSON {
				err = writeJSON(env.Stdout, check)
			} else {
				err = printChainCheck(env, check, cp)
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
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object: terminals, events, skipped, unchained, problems, uncovered")
	cmd.Flags().BoolVar(&full, "full", false, "read every event again, not only those after each terminal's checkpoint")
	cmd.Flags().StringVar(&cp, "checkpoint", "", "`file` of the terminals' checkpoints (default: hq-verify-HOST-PORT-DATABASE.json in the data directory)")
	return cmd
}

// defaultCheckpointFile is hq verify's checkpoint file for the database
// pool is connected to, in the data directory: kept on head office's
// machine, out of reach of whoever can write to PostgreSQL.
func defaultCheckpointFile(env *Env, pool *pgxpool.Pool) string {
	c := pool.Config().ConnConfig
	name := "hq-verify-" + safeName(c.Host) + "-" + strconv.Itoa(int(c.Port)) + "-" + safeName(c.Database) + ".json"
	return filepath.Join(env.DataDir, name)
}

// safeName keeps the letters, digits, dots and dashes of s.
func safeName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !ident.Alnum(c) && c != '.' && c != '-' {
			b[i] = '_'
		}
	}
	return string(b)
}

// checkpointFile is the checkpoint file's content.
type checkpointFile struct {
	Terminals replica.Checkpoints `json:"terminals"`
}

func readCheckpoints(path string) (replica.Checkpoints, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("hq verify: %w", err)
	}
	var f checkpointFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("hq verify: checkpoint file %s: %w (remove it, or run with --full)", path, err)
	}
	return f.Terminals, nil
}

// writeCheckpoints replaces the checkpoint file (a new file renamed over
// the old one).
func writeCheckpoints(path string, cps replica.Checkpoints) error {
	data, err := json.MarshalIndent(checkpointFile{Terminals: cps}, "", " ")
	if err == nil {
		err = os.MkdirAll(filepath.Dir(path), 0o700)
	}
	if err == nil {
		tmp := path + ".tmp"
		if err = os.WriteFile(tmp, append(data, '\n'), 0o600); err == nil {
			err = os.Rename(tmp, path)
		}
	}
	if err != nil {
		return fmt.Errorf("hq verify: checkpoint file: %w", err)
	}
	return nil
}

func printChainCheck(env *Env, check *replica.ChainCheck, cp string) error {
	var lines []string
	first := map[string]replica.ChainProblem{}
	var order []string
	for _, p := range check.Problems {
		lines = append(lines, p.String())
		k := p.StoreID + "/" + p.TerminalID
		if q, ok := first[k]; !ok || p.Seq < q.Seq {
			if !ok {
				order = append(order, k)
			}
			first[k] = p
		}
	}
	for _, k := range order {
		p := first[k]
		lines = append(lines, fmt.Sprintf("to repair %s: wxpos hq repair %s %s --from %d (the admin's login); the terminal pushes its log again from event %d",
			k, p.StoreID, p.TerminalID, p.Seq, p.Seq))
	}
	for _, u := range check.Uncovered {
		lines = append(lines, fmt.Sprintf("%s/%s events %d–%d carry no chain hash and no chained event follows them (a wxpos before the chain pushed them): "+
			"nothing vouches for them until the terminal pushes with this version", u.StoreID, u.TerminalID, u.Seq, u.Last))
	}
	line := fmt.Sprintf("%d terminals, %d events checked", check.Terminals, check.Events)
	if check.Skipped > 0 {
		line += fmt.Sprintf(" (%d before the checkpoints in %s not read again: --full reads them)", check.Skipped, cp)
	}
	line += ": "
	if len(check.Problems) == 0 {
		line += "every chain intact"
	} else {
		line += fmt.Sprintf("%d problems", len(check.Problems))
	}
	if check.Unchained > 0 {
		line += fmt.Sprintf(" (%d events pushed by a wxpos before the chain: covered by the first chained event after them)", check.Unchained)
	}
	for _, l := range append(lines, line) {
		if _, err := fmt.Fprintln(env.Stdout, l); err != nil {
			return err
		}
	}
	return nil
}

func newHQRepairCmd(g *globalFlags) *cobra.Command {
	var (
		f    replicaFlags
		from int64
	)
	cmd := &cobra.Command{
		Use:   "repair STORE TERMINAL",
		Short: "Remove a terminal's replicated rows (from an event on, or all) so that it pushes its own log again",
		Long: "repair is the way out when rows that are not a terminal's own sit in its sequence (its replication\n" +
			"stopped with 'not this terminal's') or hq verify finds one altered or missing: with the admin's login\n" +
			"it removes, in one transaction, the terminal's events from --from N on (the first event hq verify\n" +
			"names), the orders and refunds it numbered that no earlier event of its names, and moves its position\n" +
			"back; the terminal, still running, pushes its log again from there by itself. Without --from it\n" +
			"removes all the terminal's rows and its position. Until it has pushed again, the report lacks those\n" +
			"figures and lists what WeChat announced for them. An order or refund edited at head office is put\n" +
			"right only when the terminal pushes it again (a repair from an event that names it, or without --from).\n" +
			"If hq verify finds the terminal's chain intact and the terminal's database is the one behind (restored\n" +
			"from an older backup), restore its newest backup instead: those rows are its own.",
		Args: cobra.ExactArgs(2),
		RunE: f.run(g, func(ctx context.Context, cmd *cobra.Command, env *Env, pool *pgxpool.Pool, args []string) error {
			r, err := replica.RepairFrom(ctx, pool, args[0], args[1], from)
			if err != nil {
				return err
			}
			what := "removed " + args[0] + "/" + args[1]
			if from > 1 {
				what += fmt.Sprintf(" from event %d", from)
			}
			_, err = fmt.Fprintf(env.Stdout, "%s: %d events, %d orders, %d refunds, %d shifts; the terminal pushes its log again at its next attempt\n",
				what, r.Events, r.Orders, r.Refunds, r.Shifts)
			return err
		}),
	}
	f.bind(cmd.Flags())
	cmd.Flags().Int64Var(&from, "from", 1, "remove the terminal's events from this `sequence` on (hq verify's first problem); 1: all its rows")
	return cmd
}
