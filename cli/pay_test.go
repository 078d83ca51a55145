package cli_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/cli"
	"github.com/wxpos/wxpos/tz"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

type payOut struct {
	OutTradeNo    string `json:"out_trade_no"`
	State         string `json:"state"`
	TransactionID string `json:"transaction_id"`
	AmountFen     int64  `json:"amount_fen"`
	ReceiptNo     string `json:"receipt_no"`
	ErrorCode     string `json:"error_code"`
}

// TestPayQueryOrders drives the payment commands in training mode: the
// embedded sandbox on loopback, through the real client, one data dir.
func TestPayQueryOrders(t *testing.T) {
	setConfigHome(t, t.TempDir()) // no config file: training mode
	data := t.TempDir()
	ok := sandbox.NewCode(sandbox.ScenarioSuccess)
	var paid payOut
	tests := []struct {
		name string
		args []string
		code int
		want string // state in the JSON, "" = no JSON expected
	}{
		{"scan paid", []string{"pay", "--amount", "12.34", "--code", ok, "--json"}, 0, "PAID"},
		{"same code again", []string{"pay", "--amount", "12.34", "--code", ok, "--json"}, 2, ""},
		{"three decimals", []string{"pay", "--amount", "1.005", "--code", sandbox.NewCode(sandbox.ScenarioSuccess)}, 2, ""},
		{"both amounts", []string{"pay", "--amount", "1", "--fen", "100", "--qr"}, 2, ""},
		{"no tender", []string{"pay", "--fen", "100"}, 2, ""},
		{"not a WeChat code", []string{"pay", "--fen", "100", "--code", "281234567890123456"}, 2, ""},
		{"insufficient balance", []string{"pay", "--fen", "500", "--code", sandbox.NewCode(sandbox.ScenarioNotEnough), "--json"}, 3, "FAILED"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := run(t, append([]string{"--data", data}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out, errOut)
			}
			if tc.want == "" {
				return
			}
			var p payOut
			if err := json.Unmarshal([]byte(out), &p); err != nil {
				t.Fatalf("stdout %q: %v", out, err)
			}
			if p.State != tc.want {
				t.Fatalf("state %s, want %s", p.State, tc.want)
			}
			if p.State == "PAID" {
				if p.TransactionID == "" || p.ReceiptNo == "" || p.AmountFen != 1234 {
					t.Fatalf("paid without ids: %+v", p)
				}
				paid = p
			}
		})
	}
	t.Run("query agrees across runs", func(t *testing.T) {
		code, out, errOut := run(t, "--data", data, "query", paid.OutTradeNo, "--json")
		var p payOut
		if code != 0 || json.Unmarshal([]byte(out), &p) != nil || p != paid {
			t.Fatalf("exit %d %q %s, want %+v", code, out, errOut, paid)
		}
	})
	t.Run("query unknown number", func(t *testing.T) {
		if code, _, _ := run(t, "--data", data, "query", "PX-1", "--json"); code != 2 {
			t.Fatalf("exit %d", code)
		}
	})
	t.Run("query --remote asks WeChat", func(t *testing.T) {
		code, out, errOut := run(t, "--data", data, "query", paid.OutTradeNo, "--remote", "--json")
		var r struct {
			TradeState    string `json:"trade_state"`
			AmountFen     int64  `json:"amount_fen"`
			TransactionID string `json:"transaction_id"`
			LocalState    string `json:"local_state"`
		}
		if code != 0 || json.Unmarshal([]byte(out), &r) != nil || r.TradeState != "SUCCESS" || r.AmountFen != paid.AmountFen ||
			r.TransactionID != paid.TransactionID || r.LocalState != "PAID" {
			t.Fatalf("exit %d, %q %s; want WeChat's SUCCESS for %+v", code, out, errOut, paid)
		}
		// A number WeChat never saw: definitely not paid, and nothing written.
		code, out, _ = run(t, "--data", data, "query", "PS1-T1-AAAAAA-99999999", "--remote", "--json")
		r.TradeState, r.LocalState = "", ""
		if code != cli.ExitDeclined || json.Unmarshal([]byte(out), &r) != nil || r.TradeState != "NOT_EXIST" || r.LocalState != "" {
			t.Fatalf("unknown number: exit %d, %q", code, out)
		}
		if code, _, _ := run(t, "--data", data, "query", "PS1-T1-AAAAAA-99999999"); code != cli.ExitUsage {
			t.Fatalf("query --remote recorded the number it asked about (local query exit %d)", code)
		}
	})
	t.Run("orders takes a day in either form", func(t *testing.T) {
		today := time.Now().In(tz.Shanghai)
		for _, day := range []string{today.Format("20060102"), today.Format(time.DateOnly)} {
			code, out, errOut := run(t, "--data", data, "orders", "--day", day)
			if code != 0 || !strings.Contains(out, paid.OutTradeNo) {
				t.Errorf("orders --day %s: exit %d, %q %s", day, code, out, errOut)
			}
		}
		if code, _, _ := run(t, "--data", data, "orders", "--day", "2026/12/04"); code != cli.ExitUsage {
			t.Errorf("orders --day 2026/12/04: exit %d, want %d", code, cli.ExitUsage)
		}
	})
	t.Run("orders lists every order", func(t *testing.T) {
		code, out, _ := run(t, "--data", data, "orders", "--json")
		var list struct {
			Orders []payOut `json:"orders"`
		}
		if code != 0 || json.Unmarshal([]byte(out), &list) != nil || len(list.Orders) != 2 {
			t.Fatalf("exit %d, want one object with both orders: %q", code, out)
		}
	})
	t.Run("recover with nothing open", func(t *testing.T) {
		code, out, _ := run(t, "--data", data, "recover", "--timeout", "5s")
		if code != 0 || !strings.Contains(out, "unresolved 0, outbox 0") {
			t.Fatalf("exit %d %q", code, out)
		}
	})
}
