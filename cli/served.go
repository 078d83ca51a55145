package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/wxpos/wxpos/localapi"
)

// serving says what the window does with a command a CLI sends it while
// it holds the database.
type serving int

const (
	notServed    serving = iota // the CLI says the database is in use, as before
	served                      // the window runs it and streams its output
	moneyRefused                // it moves money: only the till does that while the window is open
)

// windowCommands says what the window does with each command. A command
// it serves names its files with Env.file: relative to the CLI's
// directory, not the window's.
var windowCommands = map[string]serving{
	"orders":  served,
	"query":   served,
	"report":  served,
	"backup":  served,
	"recover": served,
	"doctor":  served,
	"pay":     moneyRefused,
	"refund":  moneyRefused,
}

// errMoneyRefused explains why pay and refund are not run by the window.
func errMoneyRefused(name string) error {
	return fmt.Errorf("%s is not served while the cashier window is open (it moves money, and the window's cashier "+
		"may be taking a payment): close the window or use the till", name)
}

// forwardBase is the deadline of a forwarded command, plus its own
// --timeout and --wait when it has them.
const forwardBase = 2 * time.Minute

// forward sends cmd to the cashier window that holds dataDir, when one
// answers on its socket, and reports done with the command's outcome: the
// same output and exit status as a run here. done is false when no window
// answers (the command runs here) or cmd is not one the window serves.
func forward(cmd *cobra.Command, dataDir string) (done bool, err error) {
	if _, ok := windowCommands[cmd.Name()]; !ok || cmd.Parent() != cmd.Root() {
		return false, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return true, err
	}
	limit := forwardBase
	for _, f := range []string{"timeout", "wait"} {
		if d, err := cmd.Flags().GetDuration(f); err == nil {
			limit += d
		}
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), limit)
	defer cancel()
	req := localapi.Request{Args: windowArgs(cmd), Dir: wd, Terminal: isTerminal(cmd.ErrOrStderr())}
	code, err := localapi.Do(ctx, localapi.SocketPath(dataDir), req, cmd.OutOrStdout(), cmd.ErrOrStderr())
	switch {
	case errors.Is(err, localapi.ErrNoServer), errors.Is(err, localapi.ErrPathTooLong):
		return false, nil
	case err != nil:
		return true, err
	case code != ExitOK:
		return true, &ExitError{Code: code} // the window printed why
	}
	return true, nil
}

// windowArgs is cmd's command line for the window: the subcommand, the
// flags given (global ones left out: the window's own apply) and the
// arguments.
func windowArgs(cmd *cobra.Command) []string {
	out := []string{cmd.Name()}
	local := cmd.LocalFlags()
	cmd.Flags().Visit(func(f *pflag.Flag) { // the flags set (LocalFlags is a copy that records none)
		if local.Lookup(f.Name) != nil {
			out = append(out, "--"+f.Name+"="+f.Value.String())
		}
	})
	return append(append(out, "--"), cmd.Flags().Args()...)
}

// Serve makes the cashier window answer the CLI on the data directory's
// socket (package localapi) until env closes: orders, query, report,
// backup, recover and doctor run here on the window's database and print
// what they would print in a CLI of their own; pay and refund are refused.
// A window that cannot serve (a socket path too long, say) still opens;
// the CLI then says the database is in use, as before.
func Serve(env *Env) {
	srv, err := localapi.Serve(localapi.SocketPath(env.DataDir), env.runForCLI, localapi.Options{Logger: env.Logger})
	if err != nil {
		env.Logger.Warn("the CLI cannot reach this window (it says the database is in use)", "err", err)
		return
	}
	env.OnClose(srv.Close)
}

// runForCLI runs one command a CLI sent, with the same command code as a
// CLI of its own, and returns its exit status.
func (e *Env) runForCLI(ctx context.Context, req localapi.Request, stdout, stderr io.Writer) int {
	name := ""
	if len(req.Args) > 0 {
		name = req.Args[0]
	}
	var err error
	switch windowCommands[name] {
	case served:
		root := newRoot(func(context.Context, *Env) error { return errors.New("the window is already open") }, e.forClient(req.Dir))
		root.SetArgs(req.Args)
		root.SetOut(stdout)
		root.SetErr(stderr)
		root.SetIn(strings.NewReader(""))
		return Execute(ctx, root)
	case moneyRefused:
		err = errMoneyRefused(name)
	default:
		err = fmt.Errorf("%q is not served while the cashier window is open: close the window first", name)
	}
	fmt.Fprintln(stderr, "wxpos:", err)
	return ExitFailure
}
