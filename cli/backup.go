package cli

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/wxpos/wxpos/autobackup"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/tz"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

func newBackupCmd(g *globalFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "backup FILE",
		Short: "Write a consistent copy of the terminal database",
		Long: "backup writes a consistent copy of the terminal database to FILE (a temporary file, synced, then renamed)\n" +
			"inside one read transaction, so it never waits for writers. With a merchant configured the copy is\n" +
			"a complete wxpos database. In training mode (the embedded simulator) FILE is a zip of the database\n" +
			"(wxpos.db) and the simulator's state (sandbox/credentials.json, sandbox/ledger.db), so that a\n" +
			"restored training terminal finds its payments and never sees a transaction id twice.\n" +
			"Get it back with `wxpos restore FILE`.\n" +
			"While the cashier window is open it writes the backup (the window holds the database).\n" +
			"The window also backs up on its own every day with [backup] dir, at and keep in the config.",
		Args: cobra.ExactArgs(1),
		RunE: g.withEnv(func(cmd *cobra.Command, env *Env, args []string) error {
			path, n, what, err := env.backup(env.file(args[0]))
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(env.Stdout, struct {
					Database string `json:"database"`
					File     string `json:"file"`
					Bytes    int64  `json:"bytes"`
					Training bool   `json:"training"`
					Zip      bool   `json:"zip"` // with the embedded simulator's state
				}{path, args[0], n, env.Config.Training(), env.trainingSandboxDir() != ""})
			}
			_, err = fmt.Fprintf(env.Stdout, "backed up %s (%s) to %s (%d bytes)\n", path, what, args[0], n)
			return err
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object: the database, the file written and its size")
	return cmd
}

// backup writes the backup `wxpos backup` writes to dst: the database, or
// in training on the embedded simulator a zip of it and the simulator's
// state. It returns the database's path, the size and what was saved.
func (e *Env) backup(dst string) (db string, n int64, what string, err error) {
	s, err := e.Store()
	if err != nil {
		return "", 0, "", err
	}
	what = "the database"
	if dir := e.trainingSandboxDir(); dir != "" {
		n, err = writeTrainingBackup(s, dir, e.liveSandbox(), dst)
		what = "the training database and simulator"
	} else {
		n, err = s.BackupFile(dst)
	}
	return s.Path(), n, what, err
}

// liveSandbox is the training simulator this process runs, nil when it
// has started none.
func (e *Env) liveSandbox() *sandbox.Server {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.wechat == nil {
		return nil
	}
	return e.wechat.Sandbox
}

// auditBackup checks a backup this terminal wrote as restore would check
// it: a whole, undamaged wxpos database of this terminal's books (inside
// the zip, for training).
func (e *Env) auditBackup(path string) error {
	db := path
	if e.trainingSandboxDir() != "" {
		dir, err := os.MkdirTemp(e.DataDir, ".wxpos-audit-*")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		if db, _, err = unpackTrainingBackup(path, dir); err != nil {
			return err
		}
	}
	info, err := storage.CheckBackup(db)
	if err != nil {
		return err
	}
	if info.Mode != "" && info.Mode != e.mode() {
		return fmt.Errorf("%w: it holds %s books, this terminal %s", storage.ErrModeMismatch, info.Mode, e.mode())
	}
	return nil
}

// ScheduleBackups starts the daily backups of [backup] in the window
// process, for as long as ctx lives, and returns their status for the
// manager's status bar; nil when no backup directory is configured.
func ScheduleBackups(ctx context.Context, env *Env) func() autobackup.Status {
	s := env.backupScheduler()
	if s == nil {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Run(ctx)
	}()
	// Before the database closes: a backup under way finishes first.
	env.OnClose(func() error { cancel(); <-done; return nil })
	return s.Status
}

// backupScheduler is the scheduler [backup] asks for, not started; nil
// without a backup directory.
func (e *Env) backupScheduler() *autobackup.Scheduler {
	c := e.Config.Backup
	if c.Dir == "" {
		return nil
	}
	at, _ := time.Parse("15:04", c.At) // validated by config
	ext := ".db"
	if e.trainingSandboxDir() != "" {
		ext = ".zip"
	}
	return &autobackup.Scheduler{
		Dir:  c.Dir,
		At:   time.Duration(at.Hour())*time.Hour + time.Duration(at.Minute())*time.Minute,
		Zone: tz.Shanghai,
		Keep: c.Keep,
		Ext:  ext,
		Write: func(_ context.Context, path string) error {
			_, _, _, err := e.backup(path)
			return err
		},
		Audit:  e.auditBackup,
		Logger: e.Logger,
	}
}
