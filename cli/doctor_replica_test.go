package cli_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/wxpos/wxpos/cli"
	"github.com/wxpos/wxpos/replica"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// TestDoctorReplication: with [replica] dsn set, doctor reports the events
// waiting for PostgreSQL, and "up to date" once replicate has pushed them.
func TestDoctorReplication(t *testing.T) {
	_, dsn := replicaPool(t)
	setConfigHome(t, t.TempDir())
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(cfg, []byte("[replica]\ndsn = \""+dsn+"\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	base := []string{"--config", cfg, "--data", data}
	if code, out, errOut := run(t, append(base, "pay", "--amount", "3.00", "--code", sandbox.NewCode(sandbox.ScenarioSuccess))...); code != 0 {
		t.Fatalf("pay: exit %d\n%s\n%s", code, out, errOut)
	}
	line := regexp.MustCompile(`(?m)^(\w+)\s+replication\s+(.*)$`)
	doctor := func() (level, detail string) {
		t.Helper()
		_, out, _ := run(t, append(base, "doctor", "--url", "")...)
		m := line.FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("no replication line in:\n%s", out)
		}
		return m[1], m[2]
	}
	// How it reaches the server: on this machine, so TLS does not matter.
	_, out, _ := run(t, append(base, "doctor", "--url", "")...)
	if m := regexp.MustCompile(`(?m)^(\w+)\s+replica TLS\s+(.*)$`).FindStringSubmatch(out); m == nil || m[1] != "OK" || !strings.Contains(m[2], "local: 127.0.0.1") {
		t.Errorf("replica TLS line %q in:\n%s", m, out)
	}
	tests := []struct {
		name   string
		before []string // command run first
		level  string
		detail string
	}{
		{"events waiting", nil, "OK", "waiting"},
		{"after replicate --once", []string{"replicate", "--once"}, "OK", "up to date"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.before != nil {
				if code, out, errOut := run(t, append(base, tc.before...)...); code != 0 {
					t.Fatalf("%v: exit %d\n%s\n%s", tc.before, code, out, errOut)
				}
			}
			level, detail := doctor()
			if level != tc.level || !strings.Contains(detail, tc.detail) {
				t.Fatalf("replication %s %q, want %s …%s…", level, detail, tc.level, tc.detail)
			}
		})
	}
}

// TestReplicaTLSFinding: doctor says how the terminal reaches a remote
// server — OK verified, WARN while insecure_tls accepts less, FAIL for a
// weak sslmode without it.
func TestReplicaTLSFinding(t *testing.T) {
	for _, tc := range []struct {
		cfg    replica.Config
		level  cli.Level
		ok     bool
		detail string
	}{
		{replica.Config{DSN: "postgres://u@db.example.com/db"}, cli.LevelOK, true, "verified TLS to db.example.com"},
		{replica.Config{DSN: "postgres://u@db.example.com/db?sslmode=require", InsecureTLS: true}, cli.LevelWarn, true, "INSECURE"},
		{replica.Config{DSN: "postgres://u@db.example.com/db?sslmode=disable"}, cli.LevelFail, false, "insecure_tls"},
	} {
		f, ok := cli.ReplicaTLSFinding(tc.cfg)
		if f.Level != tc.level || ok != tc.ok || !strings.Contains(f.Detail, tc.detail) {
			t.Errorf("%s: %v %v %q, want %v %v …%s…", tc.cfg.DSN, f.Level, ok, f.Detail, tc.level, tc.ok, tc.detail)
		}
	}
}

// TestInsecureTLSWarnsOnEveryCommand: toward a server on another machine
// without verified TLS, a head-office command refuses to connect unless
// [replica] insecure_tls accepts the risk — and then says so on stderr
// each time, before it connects. 192.0.2.1 (TEST-NET-1) is never this
// machine; the connection then fails (refused, or the deadline).
func TestInsecureTLSWarnsOnEveryCommand(t *testing.T) {
	setConfigHome(t, t.TempDir())
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.toml")
	const section = "[replica]\ndsn = \"postgres://wxpos@192.0.2.1/wxpos?sslmode=disable&connect_timeout=1\"\n"
	for _, tc := range []struct {
		name, extra, stderr string
		warned              bool
	}{
		{"refused without the opt-in", "", "insecure_tls", false},
		{"warned with it", "insecure_tls = true\n", "INSECURE, accepted by insecure_tls", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(cfg, []byte(section+tc.extra), 0o600); err != nil {
				t.Fatal(err)
			}
			code, _, errOut := run(t, "--config", cfg, "--data", filepath.Join(dir, "data"), "hq", "status", "--timeout", "2s")
			if code == 0 || !strings.Contains(errOut, tc.stderr) || strings.Contains(errOut, "warning: PostgreSQL:") != tc.warned {
				t.Fatalf("exit %d, stderr:\n%s\nwant a failure saying %q (warning shown: %v)", code, errOut, tc.stderr, tc.warned)
			}
		})
	}
}
