package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wxpos/wxpos/replica"
)

// TestHQCSVOneTablePerFile: hq report --csv writes each table to a file of
// its own named by the --out prefix; without --out, stdout carries the
// sales table alone and stderr says what was left out.
func TestHQCSVOneTablePerFile(t *testing.T) {
	table := func(name string) replica.CSVTable {
		return replica.CSVTable{Name: name, Write: func(w io.Writer) error {
			_, err := fmt.Fprintf(w, "header of %s\n", name)
			return err
		}}
	}
	tables := []replica.CSVTable{table("sales"), table("open"), table("recon")}

	var out, errb bytes.Buffer
	env := &Env{Stdout: &out, Stderr: &errb}
	prefix := filepath.Join(t.TempDir(), "hq-20261125")
	if err := writeHQCSV(env, tables, prefix); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"sales", "open", "recon"} {
		file := prefix + "-" + name + ".csv"
		b, err := os.ReadFile(file)
		if err != nil || string(b) != "header of "+name+"\n" {
			t.Errorf("%s: %q, %v; want the %s table alone", file, b, err, name)
		}
		if !strings.Contains(out.String(), file) {
			t.Errorf("stdout %q does not name %s", out.String(), file)
		}
	}

	out.Reset()
	if err := writeHQCSV(env, tables, ""); err != nil {
		t.Fatal(err)
	}
	if out.String() != "header of sales\n" || !strings.Contains(errb.String(), "open and recon") {
		t.Errorf("without --out: stdout %q, stderr %q; want the sales table and a note naming open and recon", out.String(), errb.String())
	}
}
