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
			"inside one read transaction, so it never waits for writers. The copy is a complete wxpos database:\n" +
			"put it in a directory as wxpos.db and pass that directory with --data to use it.\n" +
			"The cashier window holds the database while it runs; run backup when it is closed.",
		Args: cobra.ExactArgs(1),
		RunE: g.withEnv(func(cmd *cobra.Command, env *Env, args []string) error {
			s, err := env.Store()
			if err != nil {
				return err
			}
			n, err := s.BackupFile(args[0])
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(env.Stdout, "backed up %s to %s (%d bytes)\n", s.Path(), args[0], n)
			return err
		}),
	}
}
