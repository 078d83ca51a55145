package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/wxpos/wxpos/config"
	"github.com/wxpos/wxpos/replica"
	"github.com/wxpos/wxpos/tz"
)

// replicaFlags are the PostgreSQL connection flags shared by replicate and
// hq; without --dsn the [replica] section of config.toml applies.
type replicaFlags struct {
	dsn, passwordFile, caFile, certFile, keyFile string
	timeout                                      time.Duration
}

func (f *replicaFlags) bind(fs *pflag.FlagSet) {
	fs.StringVar(&f.dsn, "dsn", "", "PostgreSQL `DSN` without a password, e.g. postgres://wxpos@hq.example.com/wxpos?sslmode=verify-full")
	fs.StringVar(&f.passwordFile, "dsn-password-file", "", "`file` holding the PostgreSQL password (default: PGPASSFILE or ~/.pgpass)")
	fs.StringVar(&f.caFile, "dsn-ca-file", "", "PEM `file` of the CA of the server certificate: TLS required and verified")
	fs.StringVar(&f.certFile, "dsn-cert-file", "", "client certificate `file` (PEM), optional")
	fs.StringVar(&f.keyFile, "dsn-key-file", "", "client key `file` (PEM), optional")
	fs.DurationVar(&f.timeout, "timeout", time.Minute, "deadline of the whole command's database work (not of replicate without --once)")
}

// config is the connection to use: the [replica] section with each flag
// given overriding its key; --dsn names another server, so with it nothing
// of the section applies.
func (f *replicaFlags) config(env *Env) replica.Config {
	c := ReplicaConfig(env.Config.Replica)
	if f.dsn != "" {
		c = replica.Config{DSN: f.dsn}
	}
	for _, o := range []struct {
		flag string
		key  *string
	}{
		{f.passwordFile, &c.PasswordFile}, {f.caFile, &c.CAFile}, {f.certFile, &c.CertFile}, {f.keyFile, &c.KeyFile},
	} {
		if o.flag != "" {
			*o.key = o.flag
		}
	}
	return c
}

func (f *replicaFlags) connect(ctx context.Context, env *Env) (*pgxpool.Pool, error) {
	return f.open(ctx, env, replica.Connect)
}

// open is connect through connect (replica.Connect, or ConnectWorker for
// a replication worker's single connection).
func (f *replicaFlags) open(ctx context.Context, env *Env, connect func(context.Context, replica.Config) (*pgxpool.Pool, error)) (*pgxpool.Pool, error) {
	c := f.config(env)
	if c.DSN == "" {
		return nil, Usagef("no PostgreSQL server: pass --dsn or set [replica] dsn in the config")
	}
	if st, err := c.TLS(); err == nil && st.OptIn {
		fmt.Fprintf(env.Stderr, "warning: PostgreSQL: %s\n", st)
	}
	return connect(ctx, c)
}

// run wraps a head-office command body: the environment, a deadline of
// --timeout for all its database work, and a pool closed afterwards. The
// pool connects on first use, so flag errors still come first.
func (f *replicaFlags) run(g *globalFlags, fn func(ctx context.Context, cmd *cobra.Command, env *Env, pool *pgxpool.Pool, args []string) error) func(*cobra.Command, []string) error {
	return g.withEnv(func(cmd *cobra.Command, env *Env, args []string) error {
		ctx, cancel := context.WithTimeout(cmd.Context(), f.timeout)
		defer cancel()
		pool, err := f.connect(ctx, env)
		if err != nil {
			return err
		}
		defer pool.Close()
		return fn(ctx, cmd, env, pool, args)
	})
}

// ReplicaConfig maps the config file's [replica] section to replica.Config.
func ReplicaConfig(r config.Replica) replica.Config {
	return replica.Config{DSN: r.DSN, PasswordFile: r.PasswordFile, CAFile: r.CAFile,
		CertFile: r.CertFile, KeyFile: r.KeyFile, ServerName: r.ServerName, InsecureTLS: r.InsecureTLS}
}

func newReplicateCmd(g *globalFlags) *cobra.Command {
	var (
		f       replicaFlags
		once    bool
		migrate bool
		asJSON  bool
	)
	cmd := &cobra.Command{
		Use:   "replicate",
		Short: "Push this terminal's events to the store's PostgreSQL replica",
		Long: "replicate pushes the terminal's append-only event log, and the orders and refunds it names, to PostgreSQL:\n" +
			"in order, in batches, exactly once, resuming where the server stopped. Without --once it keeps running,\n" +
			"retrying with backoff while the server is down, until interrupted.\n" +
			"The cashier window holds the database while it runs (and replicates itself when configured);\n" +
			"run this when it is closed, e.g. to catch a terminal up.",
		Args: cobra.NoArgs,
		RunE: g.withEnv(func(cmd *cobra.Command, env *Env, _ []string) error {
			pool, err := f.open(cmd.Context(), env, replica.ConnectWorker) // the worker's one connection
			if err != nil {
				return err
			}
			defer pool.Close()
			schema := func(ctx context.Context) error {
				sctx, cancel := context.WithTimeout(ctx, f.timeout)
				defer cancel()
				if migrate {
					_, err := replica.Migrate(sctx, pool)
					return err
				}
				return replica.RequireSchema(sctx, pool)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			if once {
				err = schema(ctx)
			} else {
				// Running for good, it waits for a server that is down at
				// start as it does for one that goes down later.
				err = untilReachable(ctx, env.Stderr, schema)
			}
			if err != nil {
				return err
			}
			db, err := env.Store()
			if err != nil {
				return err
			}
			w, err := replica.NewWorker(db, pool, replica.Options{StoreID: env.Config.Store.ID,
				TerminalID: env.Config.Store.TerminalID, Logger: env.Logger})
			if err != nil {
				return err
			}
			if once {
				return syncOnce(ctx, env, w, f.timeout, asJSON)
			}
			fmt.Fprintf(env.Stdout, "replicating %s/%s; Ctrl-C to stop\n", env.Config.Store.ID, env.Config.Store.TerminalID)
			err = w.Run(ctx)
			st := w.Status()
			fmt.Fprintf(env.Stdout, "%d events pushed; %s\n", st.Pushed, st.Summary(time.Now()))
			return err
		}),
	}
	f.bind(cmd.Flags())
	cmd.Flags().BoolVar(&once, "once", false, "push what is there now and exit")
	cmd.Flags().BoolVar(&asJSON, "json", false, "with --once: print one JSON object (pushed, pending, positions, error)")
	cmd.Flags().BoolVar(&migrate, "migrate", false, "apply pending schema migrations first (only with the admin's login; a terminal's cannot)")
	return cmd
}

// syncOnce pushes what the log holds now (replicate --once), within
// timeout, and says how it went: one line, or with asJSON one object.
func syncOnce(ctx context.Context, env *Env, w *replica.Worker, timeout time.Duration, asJSON bool) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	err := w.Sync(ctx)
	st := w.Status()
	if asJSON {
		if jerr := writeJSON(env.Stdout, replicationJSON(st, err)); jerr != nil {
			return jerr
		}
		if err != nil {
			return &ExitError{Code: ExitFailure} // said in the object
		}
		return nil
	}
	fmt.Fprintf(env.Stdout, "%s/%s: %d new events pushed, %s\n", st.StoreID, st.TerminalID, st.Pushed, st.Summary(time.Now()))
	return err
}

// untilReachable runs step until it succeeds, retrying with backoff (1 s
// doubling to a minute) and one line on w per failure, until ctx ends. An
// error that no retry can fix (a schema of another version, a bad
// configuration) is returned at once.
func untilReachable(ctx context.Context, w io.Writer, step func(context.Context) error) error {
	wait := time.Second
	for {
		err := step(ctx)
		if err == nil || ctx.Err() != nil || errors.Is(err, replica.ErrSchemaTooNew) ||
			errors.Is(err, replica.ErrSchemaTooOld) || errors.Is(err, replica.ErrBadConfig) {
			return err
		}
		fmt.Fprintf(w, "PostgreSQL not reachable (%v); retrying in %s\n", err, wait)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return ctx.Err()
		}
		wait = min(2*wait, time.Minute)
	}
}

// replicationJSON is replicate --once --json: what was pushed and where
// replication stands.
func replicationJSON(st replica.Status, err error) any {
	j := struct {
		StoreID         string `json:"store_id"`
		TerminalID      string `json:"terminal_id"`
		Pushed          uint64 `json:"pushed"`
		Pending         uint64 `json:"pending"`
		LocalSeq        uint64 `json:"local_seq"`
		PushedSeq       uint64 `json:"pushed_seq"`
		OldestPendingAt string `json:"oldest_pending_at,omitempty"` // RFC 3339, store's zone
		Error           string `json:"error,omitempty"`
	}{st.StoreID, st.TerminalID, st.Pushed, st.Pending, st.LocalSeq, st.PushedSeq, tz.RFC3339(st.OldestPendingAt), ""}
	if err != nil {
		j.Error = err.Error()
	}
	return j
}
