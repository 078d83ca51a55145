package cli_test

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/cli"
	"github.com/wxpos/wxpos/tz"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// runInZone runs `wxpos ARGS…` as a child process whose local zone is
// zone (TZ), so output that follows the machine's zone instead of the
// store's shows; the parent's time.Local is left alone.
func runInZone(t *testing.T, zone string, args ...string) (int, string) {
	t.Helper()
	code, out, _ := runInZoneWith(t, zone, "", args...)
	return code, out
}

// runInZoneWith is runInZone with stdin, returning stderr too.
func runInZoneWith(t *testing.T, zone, stdin string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), childEnv+"=1", "TZ="+zone)
	cmd.Stdin = strings.NewReader(stdin)
	var errb strings.Builder
	cmd.Stderr = &errb
	out, err := outputOf(t, cmd, false)
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, string(out), errb.String()
	case errors.As(err, &ee):
		return ee.ExitCode(), string(out), errb.String()
	}
	t.Fatalf("%v: %v", args, err)
	return 0, "", ""
}

// bannered checks that text output opens and closes with the training
// banner.
func bannered(t *testing.T, what, out string) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) < 3 || lines[0] != cli.TrainingBanner || lines[len(lines)-1] != cli.TrainingBanner {
		t.Errorf("%s: text does not open and close with %q:\n%s", what, cli.TrainingBanner, out)
	}
}

// TestTrainingOutput: pay, query, orders and report of a training terminal
// say so (a banner first and last in text, "training": true in JSON);
// orders has a header and its JSON carries tender and time, in the store's
// zone whatever the process's zone.
func TestTrainingOutput(t *testing.T) {
	setConfigHome(t, t.TempDir()) // no config file: training mode
	data := t.TempDir()

	code, out, errOut := run(t, "--data", data, "pay", "--fen", "1234", "--code", sandbox.NewCode(sandbox.ScenarioSuccess))
	if code != 0 {
		t.Fatalf("pay: exit %d %s", code, errOut)
	}
	bannered(t, "pay", out)
	no := strings.Fields(strings.Split(out, "\n")[1])[0]

	code, out, _ = run(t, "--data", data, "pay", "--fen", "500", "--code", sandbox.NewCode(sandbox.ScenarioSuccess), "--json")
	var p struct {
		Training  bool   `json:"training"`
		Tender    string `json:"tender"`
		CreatedAt string `json:"created_at"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &p) != nil || !p.Training {
		t.Fatalf("pay --json: exit %d %q, want \"training\": true", code, out)
	}

	code, out, _ = run(t, "--data", data, "query", no)
	if code != 0 {
		t.Fatalf("query: exit %d", code)
	}
	bannered(t, "query", out)

	// In a process on New York time: times are still the store's.
	code, out = runInZone(t, "America/New_York", "--data", data, "orders")
	if code != 0 {
		t.Fatalf("orders: exit %d", code)
	}
	bannered(t, "orders", out)
	lines := strings.Split(out, "\n")
	if h := strings.Fields(lines[1]); len(h) < 5 || h[0] != "OUT_TRADE_NO" || h[4] != "TIME" {
		t.Errorf("orders: no header under the banner: %q", lines[1])
	}

	code, out = runInZone(t, "America/New_York", "--data", data, "orders", "--json")
	var list struct {
		Day      string `json:"day"`
		Training bool   `json:"training"`
		Orders   []struct {
			OutTradeNo string `json:"out_trade_no"`
			Tender     string `json:"tender"`
			CreatedAt  string `json:"created_at"`
			PaidAt     string `json:"paid_at"`
			Training   bool   `json:"training"`
		} `json:"orders"`
		Count   int   `json:"count"`
		PaidFen int64 `json:"paid_fen"`
	}
	if code != 0 {
		t.Fatalf("orders --json: exit %d", code)
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("orders --json is not one JSON object: %v\n%s", err, out)
	}
	if !list.Training || list.Count != 2 || len(list.Orders) != 2 || list.PaidFen != 1734 {
		t.Fatalf("orders --json: %+v", list)
	}
	today := time.Now().In(tz.Shanghai)
	if list.Day != today.Format(time.DateOnly) {
		t.Errorf("orders day %s, want %s (Asia/Shanghai)", list.Day, today.Format(time.DateOnly))
	}
	for _, o := range list.Orders {
		at, err := time.Parse(time.RFC3339, o.CreatedAt)
		if err != nil || !strings.HasSuffix(o.CreatedAt, "+08:00") || time.Since(at) > time.Minute || at.After(time.Now()) {
			t.Errorf("order %s created_at %q: want RFC 3339 in +08:00, just now", o.OutTradeNo, o.CreatedAt)
		}
		if o.Tender != "wechat_scan" || o.PaidAt == "" || !o.Training {
			t.Errorf("order %+v: want tender wechat_scan, paid_at and training", o)
		}
	}
	// The text shows the same clock time as the JSON: the store's, not EST.
	created, _ := time.Parse(time.RFC3339, list.Orders[0].CreatedAt)
	if !strings.Contains(lines[2], created.Format(time.TimeOnly)) {
		t.Errorf("orders text %q does not show %s (Asia/Shanghai)", lines[2], created.Format(time.TimeOnly))
	}

	code, out, _ = run(t, "--data", data, "report", "x")
	if code != 0 {
		t.Fatalf("report x: exit %d", code)
	}
	bannered(t, "report x", out)
	code, out, _ = run(t, "--data", data, "report", "x", "--json")
	var rep struct {
		Training bool `json:"training"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || !rep.Training {
		t.Fatalf("report x --json: exit %d, want \"training\": true in %q", code, out)
	}
}

// TestJSONOutputIsOneObject: doctor and backup --json print one JSON object
// on stdout and nothing else; doctor's exit status agrees with its "ok".
func TestJSONOutputIsOneObject(t *testing.T) {
	setConfigHome(t, t.TempDir()) // no config file: training mode
	data := t.TempDir()

	code, out, errOut := run(t, "--data", data, "doctor", "--json", "--timeout", "2s")
	var doc struct {
		OK       bool `json:"ok"`
		Fails    int  `json:"fails"`
		Findings []struct {
			Level, Topic, Detail string
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Findings) == 0 {
		t.Fatalf("doctor --json: %v\nstdout %q\nstderr %s", err, out, errOut)
	}
	if doc.OK != (code == 0) || doc.OK != (doc.Fails == 0) {
		t.Errorf("doctor --json: exit %d with ok=%v, %d fails", code, doc.OK, doc.Fails)
	}
	for _, f := range doc.Findings {
		if f.Level != "ok" && f.Level != "info" && f.Level != "warn" && f.Level != "fail" {
			t.Errorf("finding %+v: level not one of ok, info, warn, fail", f)
		}
	}

	dst := filepath.Join(t.TempDir(), "b.zip")
	code, out, errOut = run(t, "--data", data, "backup", dst, "--json")
	var b struct {
		File     string `json:"file"`
		Bytes    int64  `json:"bytes"`
		Training bool   `json:"training"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &b) != nil || b.File != dst || b.Bytes == 0 || !b.Training {
		t.Fatalf("backup --json: exit %d %q %s", code, out, errOut)
	}
	if st, err := os.Stat(dst); err != nil || st.Size() != b.Bytes {
		t.Errorf("backup says %d bytes; the file: %v %v", b.Bytes, st, err)
	}
}

// TestReportLanguage: report labels follow ui.locale (zh-CN by default),
// and --lang overrides it, for text and CSV alike.
func TestReportLanguage(t *testing.T) {
	setConfigHome(t, t.TempDir())
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if code, _, errOut := run(t, "--data", data, "pay", "--fen", "100", "--code", sandbox.NewCode(sandbox.ScenarioSuccess)); code != 0 {
		t.Fatalf("pay: %s", errOut)
	}
	en := filepath.Join(dir, "en.toml")
	if err := os.WriteFile(en, []byte("[wechat]\nmode = \"sandbox\"\n[ui]\nlocale = \"en\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		args    []string
		want    []string
		notWant string
	}{
		{"default zh text", []string{"report", "x"}, []string{"支付方式", "净额"}, "Net"},
		{"--lang en text", []string{"report", "x", "--lang", "en"}, []string{"Tender", "Net", "WeChat Pay (code)"}, "净额"},
		{"ui.locale en", []string{"--config", en, "report", "x"}, []string{"Tender", "Net"}, "净额"},
		{"ui.locale en, --lang zh", []string{"--config", en, "report", "x", "--lang", "zh"}, []string{"净额"}, "Net "},
		{"default zh csv", []string{"report", "x", "--format", "csv"}, []string{"部分"}, "section"},
		{"ui.locale en csv", []string{"--config", en, "report", "x", "--format", "csv"}, []string{"section"}, "部分"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := run(t, append([]string{"--data", data}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if strings.Contains(out, tc.notWant) {
				t.Errorf("output has %q:\n%s", tc.notWant, out)
			}
		})
	}
	if code, _, _ := run(t, "--data", data, "report", "x", "--lang", "fr"); code != cli.ExitUsage {
		t.Errorf("--lang fr: exit %d, want 2", code)
	}
}

// oneJSONObject decodes out as exactly one JSON object and nothing else.
func oneJSONObject(t *testing.T, what, out string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("%s --json: not a JSON object: %v\n%s", what, err, out)
	}
	if rest, _ := io.ReadAll(dec.Buffered()); strings.TrimSpace(string(rest)) != "" || dec.More() {
		t.Fatalf("%s --json: more than one object on stdout:\n%s", what, out)
	}
	return m
}

// TestEveryScriptCommandPrintsOneJSONObject: every command a script may read
// takes --json and prints one JSON object on stdout, nothing else (prompts
// and progress go to stderr), with snake_case keys.
func TestEveryScriptCommandPrintsOneJSONObject(t *testing.T) {
	setConfigHome(t, t.TempDir()) // no config file: training mode
	data := t.TempDir()
	backup := filepath.Join(t.TempDir(), "b.zip")
	var paid string
	today := time.Now().In(tz.Shanghai).Format(time.DateOnly)
	steps := []struct {
		name  string
		stdin string
		args  []string
		check func(t *testing.T, m map[string]any)
	}{
		{"staff setup", "2580\n2580\n", []string{"staff", "setup", "boss"}, func(t *testing.T, m map[string]any) {
			if m["name"] != "boss" || m["role"] != "manager" || m["created"] != true {
				t.Errorf("staff setup --json: %v", m)
			}
		}},
		{"staff add", "2580\n1357\n", []string{"staff", "add", "ann", "--manager", "boss"}, func(t *testing.T, m map[string]any) {
			if m["name"] != "ann" || m["role"] != "cashier" {
				t.Errorf("staff add --json: %v", m)
			}
		}},
		{"staff unlock", "2580\n", []string{"staff", "unlock", "ann", "--manager", "boss"}, func(t *testing.T, m map[string]any) {
			if m["name"] != "ann" || m["unlocked"] != true {
				t.Errorf("staff unlock --json: %v", m)
			}
		}},
		{"staff list", "", []string{"staff", "list"}, nil},
		{"staff audit", "", []string{"staff", "audit"}, func(t *testing.T, m map[string]any) {
			ev, _ := m["events"].([]any)
			if len(ev) == 0 || !strings.HasSuffix(ev[0].(map[string]any)["time"].(string), "+08:00") {
				t.Errorf("staff audit --json: want events with times in +08:00: %v", m)
			}
		}},
		{"shift open", "2580\n", []string{"shift", "open", "--cashier", "boss"}, nil},
		{"pay", "", []string{"pay", "--fen", "1234", "--code", sandbox.NewCode(sandbox.ScenarioSuccess)}, func(t *testing.T, m map[string]any) {
			paid, _ = m["out_trade_no"].(string)
		}},
		{"query", "", nil, nil}, // args filled in once pay has answered
		{"orders", "", []string{"orders"}, nil},
		{"report x", "", []string{"report", "x"}, nil},
		{"recover", "", []string{"recover", "--timeout", "5s"}, nil},
		{"backup", "", []string{"backup", backup}, nil},
		// Today's bill is ready at 10:00 tomorrow (Asia/Shanghai): 34 h
		// after any time of today is past that, whatever the hour the
		// test runs at (30 h was not, from 00:00 to 04:00).
		{"training clock", "", []string{"training", "clock", "advance", "36h"}, nil},
		{"bill fetch", "", []string{"bill", "fetch", "--day", today}, nil},
		{"reconcile", "", []string{"reconcile", "--day", today, "--no-fetch"}, func(t *testing.T, m map[string]any) {
			if m["bill_rows"] != float64(1) {
				t.Errorf("reconcile --json: want the one bill row: %v", m)
			}
		}},
		{"restore", "", []string{"restore", backup}, func(t *testing.T, m map[string]any) {
			if m["file"] != backup || m["training"] != true {
				t.Errorf("restore --json: %v", m)
			}
		}},
	}
	for _, s := range steps {
		args := s.args
		if s.name == "query" {
			args = []string{"query", paid}
		}
		code, out, errOut := runIn(t, s.stdin, append(append([]string{"--data", data}, args...), "--json")...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s\n%s", s.name, code, errOut, out)
		}
		m := oneJSONObject(t, s.name, out)
		for k := range m {
			if k != strings.ToLower(k) {
				t.Errorf("%s --json: key %q is not snake_case", s.name, k)
			}
		}
		if s.check != nil {
			s.check(t, m)
		}
	}
}

// TestLockoutAndReportInStoreZoneOnUTCMachine: on a machine set to UTC, a
// PIN lockout says until when on the store's clock (it said the stored UTC
// time), in the error and in staff list, and the X report's time is the
// store's too.
func TestLockoutAndReportInStoreZoneOnUTCMachine(t *testing.T) {
	setConfigHome(t, t.TempDir()) // no config file: training mode
	data := t.TempDir()
	if code, _, errOut := runInZoneWith(t, "UTC", "2580\n2580\n", "--data", data, "staff", "setup", "boss"); code != 0 {
		t.Fatalf("staff setup: exit %d: %s", code, errOut)
	}
	var lockMsg string
	for i := 0; i < 6 && !strings.Contains(lockMsg, "locked"); i++ {
		_, _, lockMsg = runInZoneWith(t, "UTC", "9999\n", "--data", data, "staff", "unlock", "boss", "--manager", "boss")
	}
	_, out, _ := runInZoneWith(t, "UTC", "", "--data", data, "staff", "list", "--json")
	var list struct {
		Users []struct {
			LockedUntil string `json:"locked_until"`
		} `json:"users"`
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list.Users) != 1 {
		t.Fatalf("staff list --json: %v\n%s", err, out)
	}
	until, err := time.Parse(time.RFC3339, list.Users[0].LockedUntil)
	if err != nil || !strings.HasSuffix(list.Users[0].LockedUntil, "+08:00") || until.Before(time.Now()) {
		t.Fatalf("locked_until %q: want a time to come, in +08:00 (%v)", list.Users[0].LockedUntil, err)
	}
	clock := until.Format(time.TimeOnly) // the store's wall clock: the value is in +08:00
	if !strings.Contains(lockMsg, "until "+clock) || strings.Contains(lockMsg, until.UTC().Format("15:04")) {
		t.Errorf("lockout message %q: want until %s (Asia/Shanghai), not UTC", lockMsg, clock)
	}
	_, out, _ = runInZoneWith(t, "UTC", "", "--data", data, "staff", "list")
	if !strings.Contains(out, "locked until "+clock) {
		t.Errorf("staff list:\n%s\nwant locked until %s (Asia/Shanghai)", out, clock)
	}

	before := time.Now()
	code, out, errOut := runInZoneWith(t, "UTC", "", "--data", data, "report", "x", "--lang", "en")
	after := time.Now()
	if code != 0 {
		t.Fatalf("report x: exit %d: %s", code, errOut)
	}
	var taken string
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) == 3 && f[0] == "Taken" {
			taken = f[1] + " " + f[2]
		}
	}
	if taken != tz.Stamp(before) && taken != tz.Stamp(after) && !(taken > tz.Stamp(before) && taken < tz.Stamp(after)) {
		t.Errorf("report x taken %q: want the store's time, between %s and %s\n%s", taken, tz.Stamp(before), tz.Stamp(after), out)
	}
}
