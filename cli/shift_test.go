package cli_test

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestShiftCommands: a cashier added with `staff add` signs in with
// `shift open`, `shift status` names them and hides the expected cash, and
// `shift close` takes the blind count and only then prints the variance.
func TestShiftCommands(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	steps := []struct {
		name, stdin string
		args        []string
		code        int
		out         string
	}{
		{"setup", "2468\n2468\n", []string{"staff", "setup", "Wang"}, 0, "manager Wang created"},
		{"add cashier", "2468\n3579\n", []string{"staff", "add", "alice", "--manager", "Wang", "--role", "cashier"}, 0, "cashier alice added"},
		{"nobody", "", []string{"shift", "status"}, 0, "nobody signed in; no shift open"},
		{"no cashier flag", "", []string{"shift", "open"}, 2, ""},
		{"wrong PIN", "1111\n", []string{"shift", "open", "--cashier", "alice"}, 1, ""},
		{"open", "3579\n", []string{"shift", "open", "--cashier", "alice", "--float", "100"}, 0, "shift 1 open: alice signed in, float ¥100.00"},
		{"twice", "3579\n", []string{"shift", "open", "--cashier", "alice"}, 1, ""},
		{"status", "", []string{"shift", "status"}, 0, "alice signed in since"},
		{"status json has no expected", "", []string{"shift", "status", "--json"}, 0, `"float_fen":10000`},
		{"z refused while open", "2468\n", []string{"report", "z", "--close", "--manager", "Wang"}, 1, ""},
		{"close short", "3579\n", []string{"shift", "close", "--by", "alice", "--counted", "99.50"}, 0, "counted ¥99.50  expected ¥100.00  variance ¥-0.50  <-- VARIANCE"},
		{"closed", "", []string{"shift", "status"}, 0, "nobody signed in; no shift open"},
		{"audited", "", []string{"staff", "audit", "--kind", "shift."}, 0, "shift.variance"},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			code, stdout, stderr := runIn(t, s.stdin, append([]string{"--data", data}, s.args...)...)
			if code != s.code || !strings.Contains(stdout, s.out) {
				t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s", code, s.code, stdout, stderr)
			}
			if strings.Contains(s.name, "no expected") && strings.Contains(stdout, "expected") {
				t.Errorf("status shows the expected cash: %s", stdout)
			}
		})
	}
}

// TestPayRefusedWithoutCashier: once the terminal has staff, `wxpos pay`
// is refused before any call to WeChat while nobody is signed in, says
// how to sign in, and sells under the cashier once one is.
func TestPayRefusedWithoutCashier(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	run := func(stdin string, args ...string) (int, string, string) {
		return runIn(t, stdin, append([]string{"--data", data}, args...)...)
	}
	for _, s := range [][]string{{"2468\n2468\n", "staff", "setup", "Wang"}, {"2468\n3579\n", "staff", "add", "alice", "--manager", "Wang", "--role", "cashier"}} {
		if code, _, stderr := run(s[0], s[1:]...); code != 0 {
			t.Fatalf("%v: exit %d: %s", s[1:], code, stderr)
		}
	}
	code, stdout, stderr := run("", "pay", "--amount", "1.00", "--code", "130001000000000001")
	if code != 1 || !strings.Contains(stderr, "nobody is signed in") || !strings.Contains(stderr, "wxpos shift open") {
		t.Fatalf("pay with nobody signed in: exit %d (want 1)\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if _, stdout, _ := run("", "orders", "--json"); strings.Contains(stdout, "out_trade_no") {
		t.Fatalf("the refused sale left an order: %s", stdout)
	}
	if code, _, stderr := run("3579\n", "shift", "open", "--cashier", "alice"); code != 0 {
		t.Fatalf("shift open: exit %d: %s", code, stderr)
	}
	code, stdout, stderr = run("", "pay", "--amount", "1.00", "--code", "130001000000000001", "--json")
	if code != 0 || !strings.Contains(stdout, `"cashier":"alice"`) {
		t.Fatalf("pay with alice signed in: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
}
