package cli

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/wxpos/wxpos/config"
	"github.com/wxpos/wxpos/pos"
)

func trainingEnv(t *testing.T, dataDir string) *Env {
	t.Helper()
	var buf bytes.Buffer
	e := &Env{Config: config.Default(), DataDir: dataDir, Logger: slog.New(slog.NewTextHandler(&buf, nil)), Stdout: &buf, Stderr: &buf}
	t.Cleanup(func() { e.Close() })
	return e
}

// TestTrainingMode_RealPathAcrossRestarts pays through the embedded sandbox
// over HTTP with the real client, then reopens everything from the same data
// directory: the sandbox keeps its keys and ledger, so the order still
// queries as paid and its payment code is still refused as used.
func TestTrainingMode_RealPathAcrossRestarts(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dir := t.TempDir()

	e := trainingEnv(t, dir)
	term, err := e.Terminal(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := e.WeChat(ctx)
	if w.Sandbox == nil || w.V3 == nil || w.Profile == nil {
		t.Fatalf("training mode did not start the embedded sandbox with a v3 client: %+v", w)
	}
	code := w.Profile.ScenarioCodes["success"]
	o, err := term.PayScan(ctx, pos.Sale{AmountFen: 1234}, code)
	if err != nil {
		t.Fatal(err)
	}
	if o.State != pos.StatePaid {
		t.Fatalf("state %s, want PAID", o.State)
	}
	no := o.OutTradeNo
	mchid := w.Profile.MchID
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}

	e2 := trainingEnv(t, dir)
	w2, err := e2.WeChat(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if w2.Profile.MchID != mchid {
		t.Errorf("sandbox identity changed across restarts: %s → %s", mchid, w2.Profile.MchID)
	}
	tx, err := w2.V3.QueryByOutTradeNo(ctx, no)
	if err != nil {
		t.Fatal(err)
	}
	if !tx.Paid() || tx.Total != 1234 {
		t.Errorf("sandbox after restart: %s %d", tx.State, tx.Total)
	}
	st, err := e2.Store()
	if err != nil {
		t.Fatal(err)
	}
	if st.Path() != filepath.Join(dir, "wxpos.db") {
		t.Errorf("db at %s", st.Path())
	}
}

// A command-line override applies to this run only: the configuration a
// settings screen saves back is the file's.
func TestSavedConfigLeavesOutFlagOverrides(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir) // the user config dir: Linux…
	t.Setenv("AppData", dir)         // …and Windows
	g := &globalFlags{dataDir: filepath.Join(dir, "data"), sandboxProfile: filepath.Join(dir, "profile.json")}
	env, err := g.open(&cobra.Command{})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	if env.Config.WeChat.SandboxProfile == "" {
		t.Error("the override did not reach the running configuration")
	}
	if env.Saved.WeChat.SandboxProfile != "" {
		t.Errorf("the override leaked into the saved configuration: %q", env.Saved.WeChat.SandboxProfile)
	}
}
