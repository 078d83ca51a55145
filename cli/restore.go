package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/posstore"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/tz"
)

func newRestoreCmd(g *globalFlags) *cobra.Command {
	var timeout time.Duration
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "restore FILE",
		Short: "Put a backup back as the terminal database, then settle its open orders with WeChat",
		Long: "restore checks FILE (a `wxpos backup`: a database file, or in training mode the zip with the\n" +
			"simulator's state) and refuses a damaged file, another program's file or one written by a newer\n" +
			"wxpos, or one holding the other books (training vs live), without changing anything. It refuses\n" +
			"while another wxpos holds the database. Otherwise it\n" +
			"keeps the current database beside it as wxpos.db.before-restore-<time> (never deleted), installs\n" +
			"the backup in one rename, gives it a new epoch so new order numbers never repeat one WeChat has\n" +
			"seen (receipt numbers gain the restore generation, e.g. S01-T01-1-000124), and then runs recovery\n" +
			"as `wxpos recover` does, so an order the backup knows as open is settled with WeChat.\n" +
			"Sales taken after the backup was made are not in it: they exist only at WeChat and in its daily\n" +
			"bill, and `wxpos reconcile` lists them.\n" +
			"In training mode the simulator's state in the backup is installed unless the simulator here is\n" +
			"the same merchant and has seen at least as much (WeChat does not forget payments either).\n" +
			"Exit status: 0 restored and every open order settled, 4 restored but some still open (run\n" +
			"`wxpos recover`), 1 refused or failed (nothing changed unless it says so), 2 bad usage.\n" +
			"--json prints one object instead: what was restored, where the old database is, the new epoch\n" +
			"and generation, the orders open at the backup and the recovery that followed.",
		Example: "  wxpos restore /media/usb/wxpos-2026-12-01.db",
		Args:    cobra.ExactArgs(1),
		RunE: g.withEnv(func(cmd *cobra.Command, env *Env, args []string) error {
			return runRestore(cmd.Context(), env, args[0], timeout, asJSON)
		}),
	}
	cmd.Flags().DurationVar(&timeout, "timeout", time.Minute, "how long recovery may take after the restore")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}

// restoreJSON is what restore --json prints.
type restoreJSON struct {
	File         string       `json:"file"`
	Database     string       `json:"database"`
	Orders       int          `json:"orders"`
	LastActivity string       `json:"last_activity,omitempty"` // RFC 3339, store's zone
	Aside        string       `json:"aside,omitempty"`         // where the replaced database is kept
	Epoch        string       `json:"epoch"`
	Generation   uint64       `json:"generation"`
	Training     bool         `json:"training"`
	SandboxNote  string       `json:"sandbox_note,omitempty"`
	OpenAtBackup []openJSON   `json:"open_at_backup"`
	Recovery     recoveryJSON `json:"recovery"`
}

// openJSON is an order open at the backup, with its state after recovery.
type openJSON struct {
	OutTradeNo string `json:"out_trade_no"`
	AmountFen  int64  `json:"amount_fen"`
	State      string `json:"state"`
}

func runRestore(ctx context.Context, env *Env, src string, timeout time.Duration, asJSON bool) error {
	res, sandboxNote, err := restoreFrom(env, src)
	if err != nil {
		return err
	}
	w := env.Stdout
	j := restoreJSON{File: src, Database: env.DBPath(), Orders: res.Backup.Orders, LastActivity: tz.RFC3339(res.Backup.LastActivity),
		Aside: res.Aside, Epoch: res.Lineage.Epoch, Generation: res.Lineage.Generation, Training: env.Config.Training(),
		SandboxNote: sandboxNote, OpenAtBackup: []openJSON{}}
	if asJSON {
		w = io.Discard // the one object at the end says it all
	}
	tellRestored(w, env, src, res, sandboxNote)
	rec, err := settleOpenAtBackup(ctx, env, w, timeout, &j)
	if err != nil {
		return err
	}
	printRecovery(w, rec)
	if asJSON {
		j.Recovery = toRecoveryJSON(rec)
		if err := writeJSON(env.Stdout, j); err != nil {
			return err
		}
	}
	if rec.Unresolved > 0 || rec.Outbox > 0 {
		fmt.Fprintln(w, "some orders are still open: run `wxpos recover` until it reports none")
		return &ExitError{Code: ExitUnknown}
	}
	return nil
}

// restoreFrom puts the backup src in place of the database (a training
// backup's zip also brings the simulator's ledger back) and returns what
// was restored and what the simulator's state says. On an error nothing
// was changed.
func restoreFrom(env *Env, src string) (*storage.Restored, string, error) {
	if _, err := os.Stat(src); err != nil {
		return nil, "", fmt.Errorf("restore: %w", err)
	}
	db, sandboxFrom := src, ""
	zipped, err := isZip(src)
	if err != nil {
		return nil, "", fmt.Errorf("restore: %w", err)
	}
	training := env.trainingSandboxDir()
	if zipped {
		if training == "" {
			return nil, "", fmt.Errorf("restore %s: a training backup (it holds the training simulator's ledger) cannot be restored on a terminal configured for a merchant or an external sandbox; nothing was changed", src)
		}
		dir, err := os.MkdirTemp(env.DataDir, ".wxpos-restore-unpack-*")
		if err != nil {
			return nil, "", fmt.Errorf("restore: %w", err)
		}
		defer os.RemoveAll(dir)
		if db, sandboxFrom, err = unpackTrainingBackup(src, dir); err != nil {
			return nil, "", fmt.Errorf("restore: %w; nothing was changed", err)
		}
	}
	now := time.Now()
	var sandboxNote string
	opts := &storage.RestoreOptions{Now: func() time.Time { return now }, Mode: env.mode()}
	if sandboxFrom != "" {
		opts.WhileLocked = func() error {
			var err error
			sandboxNote, err = installSandboxState(training, sandboxFrom, now)
			return err
		}
	}
	res, err := storage.Restore(env.DBPath(), db, opts)
	switch {
	case errors.Is(err, storage.ErrLocked):
		return nil, "", fmt.Errorf("%w: close the cashier window (or the other wxpos command) and run restore again; nothing was changed", err)
	case errors.Is(err, storage.ErrModeMismatch):
		return nil, "", fmt.Errorf("%w; nothing was changed. Training and live books never mix: restore a training backup with the training configuration, a live one with the merchant's", err)
	case err != nil:
		return nil, "", fmt.Errorf("%w; nothing was changed", err)
	}
	return res, sandboxNote, nil
}

// settleOpenAtBackup runs recovery on the restored database for at most
// timeout and lists the orders that were open at the backup with the
// state each is in now (in j too).
func settleOpenAtBackup(ctx context.Context, env *Env, w io.Writer, timeout time.Duration, j *restoreJSON) (pos.RecoveryResult, error) {
	st, err := env.Store()
	if err != nil {
		return pos.RecoveryResult{}, fmt.Errorf("the backup is restored, but cannot be opened: %w", err)
	}
	open, err := posstore.New(st).OpenOrders()
	if err != nil {
		return pos.RecoveryResult{}, fmt.Errorf("the backup is restored, but its open orders cannot be read: %w; run `wxpos recover`", err)
	}
	fmt.Fprintf(w, "settling the %d orders open at the backup with WeChat…\n", len(open))
	term, err := env.Terminal(ctx)
	if err != nil {
		return pos.RecoveryResult{}, fmt.Errorf("the backup is restored, but recovery could not start: %w; run `wxpos recover`", err)
	}
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	rec, err := term.Recover(rctx)
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return rec, fmt.Errorf("the backup is restored, but recovery failed: %w; run `wxpos recover`", err)
	}
	for _, o := range open {
		if cur, err := term.Order(o.OutTradeNo); err == nil {
			o = cur
		}
		fmt.Fprintf(w, "open at the backup: %s  ¥%s  → %s\n", o.OutTradeNo, pos.FormatYuan(o.AmountFen), o.State)
		j.OpenAtBackup = append(j.OpenAtBackup, openJSON{o.OutTradeNo, o.AmountFen, string(o.State)})
	}
	return rec, nil
}

// tellRestored says in plain words what happened and what is missing.
func tellRestored(w io.Writer, env *Env, src string, res *storage.Restored, sandboxNote string) {
	fmt.Fprintf(w, "restored %s as %s: %d orders", src, env.DBPath(), res.Backup.Orders)
	since := ""
	if t := res.Backup.LastActivity; !t.IsZero() {
		since = tz.Date(t)
		fmt.Fprintf(w, ", last activity %s", tz.Stamp(t))
	}
	fmt.Fprintln(w, ".")
	if res.Aside != "" {
		fmt.Fprintf(w, "the database used until now is kept, unchanged, as %s\n", res.Aside)
	}
	if sandboxNote != "" {
		fmt.Fprintln(w, sandboxNote+".")
	}
	fmt.Fprintf(w, "new order numbers carry the new epoch %s; receipt numbers now carry restore generation %d (%s-%s-%d-NNNNNN), so none repeats one already printed.\n",
		res.Lineage.Epoch, res.Lineage.Generation, env.Config.Store.ID, env.Config.Store.TerminalID, res.Lineage.Generation)
	fmt.Fprintln(w, "IMPORTANT: sales taken after this backup was made are not in the restored database.")
	fmt.Fprintln(w, "The money for them is safe at WeChat, but it is recorded only there and in WeChat's daily bill.")
	if since != "" {
		fmt.Fprintf(w, "Download the bill and run `wxpos reconcile --day DAY` for every day from %s to today: it lists those sales.\n", since)
	} else {
		fmt.Fprintln(w, "Download the bill and run `wxpos reconcile --day DAY` for every day since the backup: it lists those sales.")
	}
}
