package cli

import (
	"bytes"
	"testing"
)

// clientOutput is what the window hands a served command: it knows
// whether the CLI's standard error is a terminal.
type clientOutput struct {
	bytes.Buffer
	terminal bool
}

func (c *clientOutput) Terminal() bool { return c.terminal }

func TestIsTerminalAsksTheClient(t *testing.T) {
	if !isTerminal(&clientOutput{terminal: true}) {
		t.Error("a served command whose CLI runs at a terminal prints no progress")
	}
	if isTerminal(&clientOutput{}) || isTerminal(&bytes.Buffer{}) {
		t.Error("progress lines would reach a script's output")
	}
}
