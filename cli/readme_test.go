package cli_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/wxpos/wxpos/cli"
)

// TestREADMECommandTable: every command and subcommand has a row in the
// README's command table ("| `wxpos staff add …` |"), so a new command is
// documented where people look first.
func TestREADMECommandTable(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, l := range strings.Split(string(readme), "\n") {
		if strings.HasPrefix(l, "| `wxpos") {
			cell, _, _ := strings.Cut(l[1:], " |")
			rows = append(rows, cell)
		}
	}
	root := cli.NewRoot(func(context.Context, *cli.Env) error { return nil })
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if !sub.IsAvailableCommand() || sub.Name() == "help" || sub.Name() == "completion" {
				continue
			}
			path := sub.CommandPath() // "wxpos staff add"
			found := false
			for _, r := range rows {
				// A row may name several commands: "`wxpos bill fetch …` / `wxpos bill import …`",
				// or the siblings after the first: "`wxpos training code` / `pay-qr` / `clock`".
				if strings.Contains(r, "`"+path+" ") || strings.Contains(r, "`"+path+"`") ||
					strings.Contains(r, "`"+c.CommandPath()+" ") && (strings.Contains(r, "`"+sub.Name()+" ") || strings.Contains(r, "`"+sub.Name()+"`")) {
					found = true
				}
			}
			if !found {
				t.Errorf("README's command table has no row for %s", path)
			}
			walk(sub)
		}
	}
	walk(root)
}
