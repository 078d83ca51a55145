package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
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

// windowCommands lists the commands the window answers; pathArgs and
// pathFlags name the file arguments the CLI makes absolute first (the
// window runs in another directory).
var windowCommands = map[string]struct {
	serving   serving
	pathArgs  bool
	pathFlags []string
}{
	"orders":  {serving: served},
	"query":   {serving: served},
	"report":  {serving: served, pathFlags: []string{"out"}},
	"backup":  {serving: served, pathArgs: true},
	"recover": {serving: served},
	"doctor":  {serving: served},
	"pay":     {serving: moneyRefused},
	"refund":  {serving: moneyRefused},
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
	name := cmd.Name()
	wc, ok := windowCommands[name]
	if !ok || cmd.Parent() != cmd.Root() {
		return false, nil
	}
	args, err := windowArgs(cmd, wc.pathArgs, wc.pathFlags)
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
	req := localapi.Request{Args: args, Terminal: isTerminal(cmd.ErrOrStderr())}
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
// arguments, file names made absolute.
func windowArgs(cmd *cobra.Command, pathArgs bool, pathFlags []string) ([]string, error) {
	out := []string{cmd.Name()}
	var err error
	local := cmd.LocalFlags()
	cmd.Flags().Visit(func(f *pflag.Flag) { // the flags set (LocalFlags is a copy that records none)
		if local.Lookup(f.Name) == nil {
			return
		}
		v := f.Value.String()
		if contains(pathFlags, f.Name) && v != "" {
			if v, err = filepath.Abs(v); err != nil {
				return
			}
		}
		out = append(out, "--"+f.Name+"="+v)
	})
	if err != nil {
		return nil, err
	}
	out = append(out, "--")
	for _, a := range cmd.Flags().Args() {
		if pathArgs {
			if a, err = filepath.Abs(a); err != nil {
				return nil, err
			}
		}
		out = append(out, a)
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
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
	switch windowCommands[name].serving {
	case served:
		root := newRoot(func(context.Context, *Env) error { return errors.New("the window is already open") }, e)
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
