package cli_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wxpos/wxpos/wechat/sandbox"
)

// TestHQVerifyAndRepair: a row altered at head office is named by hq
// verify, a foreign row after the terminal's by hq status and doctor too;
// the terminal's replicate says what and how to repair, hq repair --from
// removes its rows from the first one verify names (without --from, all),
// and the next replicate pushes its log again. A second hq verify reads
// only the events after its checkpoints; --full reads them all.
func TestHQVerifyAndRepair(t *testing.T) {
	pool, dsn := newReplicaPool(t) // not migrated: the test migrates
	setConfigHome(t, t.TempDir())
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(cfg, []byte("[replica]\ndsn = \""+dsn+"\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	base := []string{"--config", cfg, "--data", filepath.Join(dir, "data")}
	cmd := func(want int, args ...string) string {
		t.Helper()
		code, out, errOut := run(t, append(base, args...)...)
		if code != want {
			t.Fatalf("%v: exit %d, want %d\n%s\n%s", args, code, want, out, errOut)
		}
		return out + errOut
	}
	for range 3 {
		cmd(0, "pay", "--amount", "3.00", "--code", sandbox.NewCode(sandbox.ScenarioSuccess))
	}
	// A terminal does not migrate (#26: only the admin does).
	if out := cmd(1, "replicate", "--once"); !strings.Contains(out, "the admin runs wxpos hq migrate") {
		t.Errorf("replicate --once into an empty database: %s", out)
	}
	var table *string
	if err := pool.QueryRow(context.Background(), `SELECT to_regclass('events')::text`).Scan(&table); err != nil || table != nil {
		t.Errorf("replicate created the schema: events is %v (%v)", table, err)
	}
	cmd(0, "hq", "migrate")
	cmd(0, "replicate", "--once")
	if out := cmd(0, "hq", "verify"); !strings.Contains(out, "every chain intact") {
		t.Errorf("hq verify on a clean replica: %s", out)
	}
	var st struct {
		Terminals []struct {
			StoreID    string `json:"store_id"`
			TerminalID string `json:"terminal_id"`
			PushedSeq  int64  `json:"pushed_seq"`
		} `json:"terminals"`
	}
	if err := json.Unmarshal([]byte(cmd(0, "hq", "status", "--json")), &st); err != nil || len(st.Terminals) != 1 {
		t.Fatalf("hq status --json: %+v %v", st, err)
	}
	s, term, head := st.Terminals[0].StoreID, st.Terminals[0].TerminalID, st.Terminals[0].PushedSeq
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `UPDATE events SET reason = 'edited' WHERE store_id = $1 AND terminal_id = $2 AND seq = 2`, s, term); err != nil {
		t.Fatal(err)
	}
	// The second run reads only what its checkpoint has not seen: an old
	// row edited with its chain hash left alone is for --full to find.
	if out := cmd(0, "hq", "verify"); !strings.Contains(out, "0 events checked") || !strings.Contains(out, "not read again") {
		t.Errorf("hq verify after its checkpoint: %s", out)
	}
	if out := cmd(1, "hq", "verify", "--full"); !strings.Contains(out, s+"/"+term+" event 2 altered") ||
		!strings.Contains(out, "wxpos hq repair "+s+" "+term+" --from 2") {
		t.Errorf("hq verify --full after an edit: %s", out)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO events (store_id, terminal_id, seq, at, kind, digest) VALUES ($1, $2, $3, now(), 'x', '\x00')`,
		s, term, head+1); err != nil {
		t.Fatal(err)
	}
	if out := cmd(1, "hq", "status"); !strings.Contains(out, "BROKEN "+s+"/"+term+" event") || !strings.Contains(out, "foreign") {
		t.Errorf("hq status after a foreign row: %s", out)
	}
	if out := cmd(1, "doctor"); !strings.Contains(out, "wxpos hq repair "+s+" "+term) {
		t.Errorf("doctor after a foreign row does not say how to repair:\n%s", out)
	}
	cmd(0, "pay", "--amount", "4.00", "--code", sandbox.NewCode(sandbox.ScenarioSuccess))
	if out := cmd(1, "replicate", "--once"); !strings.Contains(out, "not this terminal's") || !strings.Contains(out, "wxpos hq repair "+s+" "+term) {
		t.Errorf("replicate into a foreign row: %s", out)
	}
	if out := cmd(0, "hq", "repair", s, term, "--from", "2"); !strings.Contains(out, "removed "+s+"/"+term+" from event 2") {
		t.Errorf("hq repair --from 2: %s", out)
	}
	cmd(0, "replicate", "--once")
	for _, full := range []string{"--full", "--full=false"} {
		if out := cmd(0, "hq", "verify", full); !strings.Contains(out, "every chain intact") {
			t.Errorf("hq verify %s after the repair: %s", full, out)
		}
	}
	if out := cmd(0, "hq", "repair", s, term); !strings.Contains(out, "removed "+s+"/"+term+":") {
		t.Errorf("hq repair: %s", out)
	}
	cmd(0, "replicate", "--once")
	if out := cmd(0, "hq", "verify"); !strings.Contains(out, "every chain intact") {
		t.Errorf("hq verify after the whole repair: %s", out)
	}
}
