package cli

import (
	"context"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"

	"github.com/wxpos/wxpos/localapi"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/tz"
)

// isTerminal reports whether w is a terminal (a person watching).
func isTerminal(w io.Writer) bool {
	if o, ok := w.(localapi.Output); ok {
		return o.Terminal() // a command the window runs for a CLI at a terminal
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// showProgress prints every state change of the payment core on w — the
// customer typing the password, a refund accepted then processed, an
// order recovery settled — while a command waits, so a person at a
// terminal sees why it waits. Off a terminal it prints nothing: scripts
// and --json output stay clean. stop ends it and waits for the last line.
func showProgress(ctx context.Context, t *pos.Terminal, w io.Writer) (stop func()) {
	if !isTerminal(w) {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	events := t.Subscribe(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for e := range events {
			if e.From == "" && e.To == "" {
				continue // queue length only
			}
			line := fmt.Sprintf("%s  %s  %s → %s", tz.Clock(e.Time), e.Ref, e.From, e.To)
			if e.Reason != "" {
				line += "  (" + e.Reason + ")"
			}
			fmt.Fprintln(w, line)
		}
	}()
	return func() { cancel(); <-done }
}
