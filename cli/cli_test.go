package cli_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/wxpos/wxpos/cli"
	"github.com/wxpos/wxpos/storage"
)

// run executes the command line args with a UI runner that must not be
// reached, and returns the exit status and both outputs.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	root := cli.NewRoot(func(context.Context, *cli.Env) error {
		t.Fatal("the UI was started")
		return nil
	})
	var out, errb bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetArgs(args)
	code := cli.Execute(context.Background(), root)
	return code, out.String(), errb.String()
}

func TestVersion(t *testing.T) {
	code, out, _ := run(t, "version")
	if code != 0 || !strings.HasPrefix(out, "wxpos "+cli.Version+"\n") {
		t.Fatalf("code %d, out %q", code, out)
	}
	// What -ldflags -X sets is printed as it is.
	commit, date := cli.Commit, cli.BuildDate
	t.Cleanup(func() { cli.Commit, cli.BuildDate = commit, date })
	cli.Commit, cli.BuildDate = "0123456789abcdef0123456789abcdef01234567", "2026-12-05T17:00:00Z"
	_, out, _ = run(t, "version")
	for _, want := range []string{
		"\ncommit 0123456789abcdef0123456789abcdef01234567\n",
		"\nbuilt 2026-12-05T17:00:00Z\n",
		"\n" + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + "\n",
		fmt.Sprintf("\ndatabase schema %d ", storage.SchemaVersion),
	} {
		if !strings.Contains(out, want) {
			t.Errorf("version printed %q, want a line %q", out, want)
		}
	}
}

func TestUsageErrorExits2(t *testing.T) {
	code, _, errOut := run(t, "backup")
	if code != cli.ExitUsage && code != cli.ExitFailure {
		t.Fatalf("backup without FILE: code %d", code)
	}
	if !strings.Contains(errOut, "arg") {
		t.Errorf("stderr %q does not explain the missing argument", errOut)
	}
}

func TestBadConfigStopsBeforeAnything(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.toml")
	os.WriteFile(cfg, []byte("[wechat]\nmode = \"v5\"\n"), 0o600)
	data := filepath.Join(dir, "data")
	code, _, errOut := run(t, "--config", cfg, "--data", data, "backup", filepath.Join(dir, "b.db"))
	if code != cli.ExitFailure || !strings.Contains(errOut, "wechat.mode") {
		t.Fatalf("code %d, stderr %q", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(data, "wxpos.db")); err == nil {
		t.Error("a database was created although the config is invalid")
	}
}

func TestBackupRoundTrip(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	// Put something in the terminal database first.
	os.MkdirAll(data, 0o700)
	s, err := storage.Open(filepath.Join(data, "wxpos.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Update(func(tx *storage.Tx) error {
		return tx.Put(storage.BucketOrders, "S1T100000001", map[string]any{"amount_fen": 1, "training": true}) // a training sale: no config below
	})
	s.Close()

	dst := filepath.Join(dir, "copy", "backup.zip")
	os.MkdirAll(filepath.Dir(dst), 0o700)
	setConfigHome(t, filepath.Join(dir, "xdg")) // no config file: training mode
	code, out, errOut := run(t, "--data", data, "backup", dst)
	if code != 0 {
		t.Fatalf("code %d: %s", code, errOut)
	}
	if !strings.Contains(out, dst) {
		t.Errorf("stdout %q does not name the backup", out)
	}
	// Training mode: a zip of the database and the simulator's state.
	db := unzipDB(t, dst)
	b, err := storage.Open(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.View(func(tx *storage.Tx) error {
		if !tx.Has(storage.BucketOrders, "S1T100000001") {
			t.Error("backup lacks the order")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// unzipDB extracts wxpos.db from a training backup into a temporary file.
func unzipDB(t *testing.T, zipPath string) string {
	t.Helper()
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatalf("a training backup is a zip: %v", err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name != "wxpos.db" {
			continue
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		data, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(t.TempDir(), "wxpos.db")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Fatal("the zip holds no wxpos.db")
	return ""
}
