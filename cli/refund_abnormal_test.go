package cli_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wxpos/wxpos/cli"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// TestRefundAbnormal: a refund of a sale whose customer's card was closed
// ends ABNORMAL; refund-abnormal settles it to the customer's other card
// (PIN, card number and name on stdin, never in the output) and recovery
// finishes it SUCCESS, against `wxpos sandbox --tls` acting as WeChat Pay.
func TestRefundAbnormal(t *testing.T) {
	setConfigHome(t, t.TempDir())
	profile, _ := tlsSandbox(t)
	data := filepath.Join(t.TempDir(), "data")
	wx := func(args ...string) []string {
		return append([]string{"--sandbox-profile", profile, "--data", data}, args...)
	}
	sim := func(args ...string) {
		t.Helper()
		if code, out, errOut := run(t, append([]string{"--sandbox-profile", profile}, args...)...); code != 0 {
			t.Fatalf("%v: exit %d %s %s", args, code, out, errOut)
		}
	}
	var paid payOut
	code, out, errOut := run(t, wx("pay", "--fen", "4200", "--code", sandbox.NewCode(sandbox.ScenarioRefundAbnormal), "--json")...)
	if code != 0 || json.Unmarshal([]byte(out), &paid) != nil || paid.State != "PAID" {
		t.Fatalf("pay: exit %d %q %s", code, out, errOut)
	}
	if code, out, errOut := runIn(t, "2468\n2468\n", wx("staff", "setup", "boss")...); code != 0 {
		t.Fatalf("staff setup: exit %d %s %s", code, out, errOut)
	}
	if code, out, errOut := runIn(t, "2468\n", wx("shift", "open", "--cashier", "boss")...); code != 0 {
		t.Fatalf("shift open: exit %d %s %s", code, out, errOut)
	}
	code, out, errOut = runIn(t, "2468\n", wx("refund", paid.OutTradeNo, "--fen", "1200", "--reason", "退货", "--manager", "boss", "--wait", "0", "--json")...)
	var rf struct {
		OutRefundNo string `json:"out_refund_no"`
		State       string `json:"state"`
	}
	if json.Unmarshal([]byte(out), &rf) != nil || rf.OutRefundNo == "" {
		t.Fatalf("refund: exit %d %q %s", code, out, errOut)
	}
	sim("training", "clock", "advance", "2m")
	if code, out, errOut := run(t, wx("recover")...); code != 0 {
		t.Fatalf("recover: exit %d %s %s", code, out, errOut)
	}
	if code, out, _ := run(t, wx("query", rf.OutRefundNo)...); !strings.Contains(out, "ABNORMAL") {
		t.Fatalf("refund after recovery: exit %d %s", code, out)
	}

	if code, _, errOut := runIn(t, "2468\n", wx("refund-abnormal", rf.OutRefundNo, "--to", "card", "--bank", "CMB_CREDIT", "--manager", "boss")...); code != cli.ExitUsage {
		t.Fatalf("a credit card: exit %d %s", code, errOut)
	}
	code, out, errOut = runIn(t, "2468\n6222 0202 0011 2345 678\n张三\n", wx("refund-abnormal", rf.OutRefundNo, "--to", "card", "--bank", "ICBC_DEBIT", "--manager", "boss", "--wait", "0")...)
	if code != cli.ExitUnknown || !strings.Contains(out, "PROCESSING") {
		t.Fatalf("settle: exit %d %q %s", code, out, errOut)
	}
	if strings.Contains(out+errOut, "6222") || strings.Contains(out+errOut, "张三") {
		t.Fatalf("the card or the name in the output: %s %s", out, errOut)
	}
	sim("training", "clock", "advance", "2m")
	if code, out, errOut := run(t, wx("recover")...); code != 0 {
		t.Fatalf("recover: exit %d %s %s", code, out, errOut)
	}
	if code, out, _ := run(t, wx("query", rf.OutRefundNo)...); !strings.Contains(out, "SUCCESS") {
		t.Fatalf("refund after the settlement: exit %d %s", code, out)
	}
}
