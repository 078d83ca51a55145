package cli

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/wxpos/wxpos/staffstore"
)

// pins reads PINs. From a terminal it prompts on stderr and reads without
// echo, so nobody behind the manager reads the PIN off the screen; from a
// pipe or a file it reads one line per PIN without a prompt, for scripts.
type pins struct {
	r      *bufio.Reader
	tty    *os.File // standard input when it is a terminal, else nil
	prompt io.Writer
}

func newPins(in io.Reader, prompt io.Writer) *pins {
	p := &pins{r: bufio.NewReader(in), prompt: prompt}
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.tty = f
	}
	return p
}

// next reads one PIN, asking for it with prompt on a terminal.
func (p *pins) next(prompt string) (string, error) {
	if p.tty != nil {
		fmt.Fprint(p.prompt, prompt)
		b, err := term.ReadPassword(int(p.tty.Fd()))
		fmt.Fprintln(p.prompt)
		if err != nil {
			return "", fmt.Errorf("reading a PIN from the terminal: %w", err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	line, err := p.r.ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("reading a PIN from standard input (one per line): %w", err)
	}
	return strings.TrimSpace(line), nil
}

// needManager stops a command that needs a manager's PIN on books without
// any user, pointing to staff setup instead of asking for a PIN no one has
// (which would end in "wrong name or PIN").
func needManager(env *Env) error {
	db, err := env.Store()
	if err != nil {
		return err
	}
	none, err := staffstore.New(db, nil).NeedsSetup()
	if err != nil {
		return err
	}
	if none {
		return fmt.Errorf("no manager on this terminal's %s books yet: create one first with wxpos staff setup NAME", env.mode())
	}
	return nil
}
