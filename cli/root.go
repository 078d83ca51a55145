// Package cli holds the wxpos command line: the root command, global flags and
// the subcommands. main only builds the root and runs it.
//
// It is also where the terminal is put together: cli/wiring.go builds every
// part once per process as a method of Env (the database, the WeChat
// connection, the payment core, the scanner, the printer, replication, the
// bill worker) and, for the window, Env.Window, the back end the screens
// drive (package counter). A new device belongs there.
package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
)

// AppID is the application id used by Fyne for preferences and storage.
const AppID = "io.github.wxpos"

// Version is the release version, set at build time with -ldflags "-X".
var Version = "0.1.0-dev"

// UIRunner starts the graphical terminal. main supplies it so that only main
// creates the Fyne app.
type UIRunner func(ctx context.Context, env *Env) error

// Exit codes: one table for every command (README, "Exit status").
const (
	ExitOK       = 0 // done; paid; refunded; all checks passed
	ExitFailure  = 1 // could not do it: configuration, database, network, a doctor finding, no display
	ExitUsage    = 2 // bad command line or input: unknown command or flag, wrong arguments, a malformed value
	ExitDeclined = 3 // definitely not paid / not refunded: WeChat Pay refused it
	ExitUnknown  = 4 // not known yet: still open, the recovery worker keeps resolving it
)

// ExitError carries a specific exit status out of a subcommand.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

type globalFlags struct {
	config         string
	dataDir        string
	sandboxProfile string
	verbose        bool

	// served is the cashier window's environment when this command tree
	// runs a command for a CLI (Serve); nil in a CLI of its own.
	served *Env
}

// NewRoot builds the wxpos command tree. Running it without a subcommand
// starts the UI through runUI.
func NewRoot(runUI UIRunner) *cobra.Command { return newRoot(runUI, nil) }

// newRoot builds the tree; with served set, its commands run on the
// window's environment (Serve).
func newRoot(runUI UIRunner, served *Env) *cobra.Command {
	g := globalFlags{served: served}
	root := &cobra.Command{
		Use:           "wxpos",
		Short:         "WeChat Pay point-of-sale terminal",
		Long:          "wxpos is a point-of-sale terminal for WeChat Pay (micropay/codepay and Native QR) and cash.\nWithout a subcommand it opens the cashier window; with no merchant configured it runs in training mode on the embedded sandbox.",
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			env, err := g.open(cmd)
			if err != nil {
				return err
			}
			defer env.Close()
			return runUI(cmd.Context(), env)
		},
	}
	root.Version = Version
	root.SetVersionTemplate("wxpos {{.Version}}\n")
	pf := root.PersistentFlags()
	pf.StringVar(&g.config, "config", "", "config `file` (default: <user config dir>/wxpos/config.toml)")
	pf.StringVar(&g.dataDir, "data", "", "data `dir`ectory (default: from config, else <user config dir>/wxpos/data)")
	pf.StringVar(&g.sandboxProfile, "sandbox-profile", "", "use the external wxpos sandbox described by this profile `file`")

	pf.BoolVarP(&g.verbose, "verbose", "v", false, "also print info-level log lines on stderr")

	root.AddCommand(
		newVersionCmd(),
		newScannerCmd(&g),
		newBackupCmd(&g), newRestoreCmd(&g),
		newPrintCmd(&g),
		newReportCmd(&g),
		newStaffCmd(&g), newShiftCmd(&g),
		newDoctorCmd(&g),
		newBillCmd(&g),
		newReconcileCmd(&g),
		newPayCmd(&g), newQueryCmd(&g), newRefundCmd(&g), newRefundAbnormalCmd(&g), newOrdersCmd(&g), newRecoverCmd(&g),
		newSandboxCmd(), newTrainingCmd(&g),
		newReplicateCmd(&g), newHQCmd(&g),
		newNotifyCmd(&g),
		newCatalogCmd(&g),
	)
	usageErrors(root)
	return root
}

// usageErrors makes cobra's own complaints — an unknown flag or command, a
// wrong number of arguments — usage errors (exit 2) in the whole tree.
func usageErrors(c *cobra.Command) {
	c.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	if args := c.Args; args != nil {
		c.Args = func(cmd *cobra.Command, a []string) error {
			if err := args(cmd, a); err != nil {
				return usageError{err}
			}
			return nil
		}
	}
	if !c.Runnable() && c.HasSubCommands() {
		// A group (hq, staff …) prints its help; a subcommand it does not
		// have is a usage error, not that help with status 0.
		c.RunE = func(cmd *cobra.Command, a []string) error {
			if len(a) > 0 {
				return usageError{fmt.Errorf("unknown command %q for %q", a[0], cmd.CommandPath())}
			}
			return cmd.Help()
		}
	}
	for _, sub := range c.Commands() {
		usageErrors(sub)
	}
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit, build date and database schema",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprint(cmd.OutOrStdout(), ReadBuild())
			return err
		},
	}
}

// Execute runs root and maps its error to a process exit status: usage
// errors are 2, an *ExitError keeps its code, anything else is 1.
func Execute(ctx context.Context, root *cobra.Command) int {
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		if ee.Err != nil {
			fmt.Fprintln(root.ErrOrStderr(), "wxpos:", ee.Err)
		}
		return ee.Code
	}
	fmt.Fprintln(root.ErrOrStderr(), "wxpos:", err)
	if isUsageError(err) {
		return ExitUsage
	}
	return ExitFailure
}

// usageError marks bad command-line input (exit status 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// Usagef returns an error that makes the process exit with status 2.
func Usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

func isUsageError(err error) bool {
	var u usageError
	return errors.As(err, &u)
}
