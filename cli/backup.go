package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newBackupCmd(g *globalFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "backup FILE",
		Short: "Write a consistent copy of the terminal database",
		Long: "backup writes a consistent copy of the terminal database to FILE (a temporary file, synced, then renamed)\n" +
			"inside one read transaction, so it never waits for writers. With a merchant configured the copy is\n" +
			"a complete wxpos database. In training mode (the embedded simulator) FILE is a zip of the database\n" +
			"(wxpos.db) and the simulator's state (sandbox/credentials.json, sandbox/ledger.json), so that a\n" +
			"restored training terminal finds its payments and never sees a transaction id twice.\n" +
			"Get it back with `wxpos restore FILE`.\n" +
			"The cashier window holds the database while it runs; run backup when it is closed.",
		Args: cobra.ExactArgs(1),
		RunE: g.withEnv(func(cmd *cobra.Command, env *Env, args []string) error {
			s, err := env.Store()
			if err != nil {
				return err
			}
			var n int64
			what := "the database"
			if dir := env.trainingSandboxDir(); dir != "" {
				n, err = writeTrainingBackup(s, dir, args[0])
				what = "the training database and simulator"
			} else {
				n, err = s.BackupFile(args[0])
			}
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(env.Stdout, "backed up %s (%s) to %s (%d bytes)\n", s.Path(), what, args[0], n)
			return err
		}),
	}
}
