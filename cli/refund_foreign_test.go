package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wxpos/wxpos/cli"
	"github.com/wxpos/wxpos/paygate/gatetest"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// runIn is run with stdin (PINs).
func runIn(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	root := cli.NewRoot(func(context.Context, *cli.Env) error {
		t.Fatal("the UI was started")
		return nil
	})
	var out, errb bytes.Buffer
	root.SetIn(strings.NewReader(stdin))
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetArgs(args)
	code := cli.Execute(context.Background(), root)
	return code, out.String(), errb.String()
}

// TestRefundCommandOtherCounter: `wxpos refund NO` on counter T02 refunds
// a sale taken with `wxpos pay` on counter T01 — two data directories, one
// sandbox merchant — with and without the [replica] server.
func TestRefundCommandOtherCounter(t *testing.T) {
	tests := []struct {
		name    string
		replica bool
		where   string
	}{
		{"WeChat alone", false, "sale taken at another counter:"},
		{"with the replica", true, "sale taken at another counter (S01/T01)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			setConfigHome(t, t.TempDir())
			sb, err := sandbox.New(sandbox.Options{Credentials: gatetest.Credentials(t), RefundDelay: -1}) // refunds succeed at once
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(sb)
			t.Cleanup(srv.Close)
			dir := t.TempDir()
			profile := filepath.Join(dir, "profile.json")
			if err := sb.Profile(srv.URL).WriteFile(profile); err != nil {
				t.Fatal(err)
			}
			replicaSection := ""
			if tc.replica {
				_, dsn := replicaPool(t)
				replicaSection = "[replica]\ndsn = \"" + dsn + "\"\n"
			}
			counter := func(id string) []string {
				cfg := filepath.Join(dir, id+".toml")
				text := "[store]\nid = \"S01\"\nterminal_id = \"" + id + "\"\n\n[wechat]\nmode = \"sandbox\"\nsandbox_profile = '" + profile + "'\n\n" + replicaSection
				if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
					t.Fatal(err)
				}
				return []string{"--config", cfg, "--data", filepath.Join(dir, id)}
			}
			a, b := counter("T01"), counter("T02")
			code, out, errOut := runIn(t, "", append(a, "pay", "--amount", "8.80", "--code", sandbox.NewCode(sandbox.ScenarioSuccess), "--json")...)
			if code != 0 {
				t.Fatalf("pay at T01: exit %d\n%s\n%s", code, out, errOut)
			}
			var paid payOut
			if err := json.Unmarshal([]byte(out), &paid); err != nil || paid.State != "PAID" {
				t.Fatalf("pay at T01: %q %v", out, err)
			}
			if tc.replica {
				if code, out, errOut := runIn(t, "", append(a, "replicate", "--once")...); code != 0 {
					t.Fatalf("replicate T01: exit %d\n%s\n%s", code, out, errOut)
				}
			}
			if code, out, errOut := runIn(t, "2468\n2468\n", append(b, "staff", "setup", "Wang")...); code != 0 {
				t.Fatalf("staff setup at T02: exit %d\n%s\n%s", code, out, errOut)
			}
			if code, out, errOut := runIn(t, "2468\n", append(b, "shift", "open", "--cashier", "Wang")...); code != 0 {
				t.Fatalf("shift open at T02: exit %d\n%s\n%s", code, out, errOut)
			}
			code, out, errOut = runIn(t, "2468\n", append(b, "refund", paid.OutTradeNo, "--full", "--reason", "退货", "--manager", "Wang")...)
			if code != 0 || !strings.Contains(out, "SUCCESS") || !strings.Contains(out, tc.where) {
				t.Fatalf("refund at T02: exit %d\n%s\n%s", code, out, errOut)
			}
			for _, o := range sb.Ledger().Orders {
				if o.OutTradeNo == paid.OutTradeNo && o.RefundedFen != 880 {
					t.Errorf("sandbox refunded %d fen, want 880", o.RefundedFen)
				}
			}
			// Nothing is left to refund, and T02's day has no sale.
			if code, out, _ := runIn(t, "2468\n", append(b, "refund", paid.OutTradeNo, "--fen", "1", "--manager", "Wang")...); code == 0 {
				t.Errorf("second refund accepted:\n%s", out)
			}
			if code, out, _ := runIn(t, "", append(b, "orders", "--json")...); code != 0 || strings.Contains(out, paid.OutTradeNo) {
				t.Errorf("T02 lists the other counter's sale as its own (exit %d):\n%s", code, out)
			}
		})
	}
}
