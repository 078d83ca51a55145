package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/wxpos/wxpos/replica"
)

func newHQEnrolCmd(g *globalFlags) *cobra.Command {
	var (
		f                replicaFlags
		reader, receiver string
		pwFile           string
		asJSON           bool
	)
	cmd := &cobra.Command{
		Use:   "enrol STORE TERMINAL | --reader NAME | --receiver NAME",
		Short: "Create the PostgreSQL login of one terminal, a read-only head-office reader or a notification receiver",
		Long: "enrol runs with the admin's DSN (the role that owns the schema and runs wxpos hq migrate, with CREATEROLE).\n" +
			"A terminal's login inserts its own events and writes its own orders and refunds; it reads its store's\n" +
			"(a refund at another counter) and nothing of another store; it can neither update nor delete an event.\n" +
			"A reader reads everything and writes nothing; a receiver records WeChat Pay's notifications.\n" +
			"The password is shown once: written to --password-file (created, mode 0600) or, with --json, printed.\n" +
			"Only a SCRAM verifier of it goes to the server.",
		Args: func(cmd *cobra.Command, args []string) error {
			if reader != "" || receiver != "" {
				return cobra.NoArgs(cmd, args)
			}
			return cobra.ExactArgs(2)(cmd, args)
		},
		RunE: f.run(g, func(ctx context.Context, cmd *cobra.Command, env *Env, pool *pgxpool.Pool, args []string) error {
			if reader != "" && receiver != "" {
				return Usagef("--reader and --receiver: one login at a time")
			}
			if !asJSON && pwFile == "" {
				return Usagef("say where the password goes: --password-file FILE (created, mode 0600) or --json (printed once)")
			}
			if pwFile != "" {
				// Refused before the role exists: a password nobody can read is a role nobody can use.
				if _, err := os.Stat(pwFile); !errors.Is(err, fs.ErrNotExist) {
					return Usagef("--password-file %s exists already: enrolment never overwrites a password", pwFile)
				}
			}
			l, err := enrolLogin(ctx, pool, reader, receiver, args)
			if err != nil {
				return err
			}
			if pwFile != "" {
				if err := writeSecret(pwFile, l.Password+"\n"); err != nil {
					_ = replica.Revoke(context.WithoutCancel(ctx), pool, l.Role)
					return fmt.Errorf("password file: %w (the login was removed again)", err)
				}
			}
			if asJSON {
				out := *l
				if pwFile != "" {
					out.Password = "" // it is in the file
				}
				return writeJSON(env.Stdout, out)
			}
			_, err = fmt.Fprintf(env.Stdout, "enrolled %s (%s); password in %s\n"+
				"its config: [replica] dsn = \"postgres://%s@HOST/DATABASE?sslmode=verify-full\", password_file = \"%s\"\n",
				l.Role, l.Kind, pwFile, l.Role, pwFile)
			return err
		}),
	}
	f.bind(cmd.Flags())
	fs := cmd.Flags()
	fs.StringVar(&reader, "reader", "", "a read-only login `NAME` for head office's reports (role <database>_r_NAME)")
	fs.StringVar(&receiver, "receiver", "", "a notification receiver's login `NAME` (role <database>_n_NAME)")
	fs.StringVar(&pwFile, "password-file", "", "write the new password to this `file` (created with mode 0600; never overwritten)")
	fs.BoolVar(&asJSON, "json", false, "print one JSON object: role, kind, ids and (without --password-file) the password")
	return cmd
}

func enrolLogin(ctx context.Context, pool *pgxpool.Pool, reader, receiver string, args []string) (*replica.Login, error) {
	switch {
	case reader != "":
		return replica.EnrolReader(ctx, pool, reader)
	case receiver != "":
		return replica.EnrolReceiver(ctx, pool, receiver)
	}
	return replica.EnrolTerminal(ctx, pool, args[0], args[1])
}

// writeSecret creates path (never replacing a file) readable by its owner
// only, and writes s.
func writeSecret(path, s string) error {
	file, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := file.WriteString(s); err != nil {
		file.Close()
		os.Remove(path)
		return err
	}
	return file.Close()
}

func newHQRevokeCmd(g *globalFlags) *cobra.Command {
	var f replicaFlags
	cmd := &cobra.Command{
		Use:   "revoke ROLE",
		Short: "Remove an enrolled login: it sees and writes nothing from then on; what it replicated stays",
		Args:  cobra.ExactArgs(1),
		RunE: f.run(g, func(ctx context.Context, cmd *cobra.Command, env *Env, pool *pgxpool.Pool, args []string) error {
			if err := replica.Revoke(ctx, pool, args[0]); err != nil {
				return err
			}
			_, err := fmt.Fprintf(env.Stdout, "revoked %s\n", args[0])
			return err
		}),
	}
	f.bind(cmd.Flags())
	return cmd
}
