package sandbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/wechat"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

func TestControlLedgerJSON(t *testing.T) {
	e := newEnv(t, nil)
	code := sandbox.NewCode(sandbox.ScenarioSuccess)
	e.v2("/pay/micropay", micropayParams("L1000001", code, 500))
	e.v2("/secapi/pay/refund", map[string]string{"out_trade_no": "L1000001", "out_refund_no": "LR1", "total_fee": "500", "refund_fee": "200"})
	e.v3("POST", "/v3/pay/transactions/native", nativeBody(e, "L1000002", 300))

	resp, err := e.srv.Client().Get(e.srv.URL + "/sandbox/ledger")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var raw map[string][]map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&raw); err != nil {
		t.Fatal(err)
	}
	keys := func(m map[string]any) []string {
		var k []string
		for x := range m {
			k = append(k, x)
		}
		sort.Strings(k)
		return k
	}
	wantOrder := []string{"amount_fen", "auth_code_last4", "create_time", "out_trade_no", "refunded_fen", "success_time", "trade_state", "trade_type", "transaction_id"}
	wantRefund := []string{"amount_fen", "out_refund_no", "out_trade_no", "status"}
	if len(raw["orders"]) != 2 || len(raw["refunds"]) != 1 || !reflect.DeepEqual(keys(raw["orders"][0]), wantOrder) || !reflect.DeepEqual(keys(raw["refunds"][0]), wantRefund) {
		t.Fatalf("ledger JSON: %v", raw)
	}
	o := raw["orders"][0]
	if o["out_trade_no"] != "L1000001" || o["trade_state"] != "REFUND" || o["amount_fen"] != 500.0 || o["refunded_fen"] != 200.0 ||
		o["auth_code_last4"] != code[14:] || o["success_time"] != "2026-03-10T11:00:00+08:00" || o["trade_type"] != "MICROPAY" {
		t.Fatalf("order: %v", o)
	}
	if n := raw["orders"][1]; n["trade_state"] != "NOTPAY" || n["success_time"] != "" || n["transaction_id"] != "" {
		t.Fatalf("native: %v", n)
	}
	if r := raw["refunds"][0]; r["status"] != "PROCESSING" || r["amount_fen"] != 200.0 {
		t.Fatalf("refund: %v", r)
	}
	b, _ := json.Marshal(raw)
	if strings.Contains(string(b), code) {
		t.Fatal("ledger leaks the full payment code")
	}
}

func TestControlClock(t *testing.T) {
	e := newEnv(t, nil)
	var out map[string]string
	if st := e.control("POST", "/sandbox/clock", map[string]string{"advance": "26h"}, &out); st != 200 || out["now"] != "2026-03-11T13:00:00+08:00" {
		t.Fatal(st, out)
	}
	if st := e.control("GET", "/sandbox/clock", nil, &out); st != 200 || out["now"] != "2026-03-11T13:00:00+08:00" {
		t.Fatal(st, out)
	}
	for _, bad := range []any{map[string]string{"advance": "-1h"}, map[string]string{"advance": "soon"}, map[string]int{"advance": 5}, map[string]string{"speed": "2x"}} {
		if st := e.control("POST", "/sandbox/clock", bad, nil); st != 400 {
			t.Fatalf("%v: %d", bad, st)
		}
	}
}

func TestFaults(t *testing.T) {
	t.Run("status_5xx_v2_then_recovers", func(t *testing.T) {
		e := newEnv(t, nil)
		if st := e.control("POST", "/sandbox/faults", map[string]any{"path": "/pay/micropay", "status": 502}, nil); st != 200 {
			t.Fatal(st)
		}
		no := newNo("F")
		q := map[string]string{"appid": e.creds.AppID, "mch_id": e.creds.MchID, "nonce_str": "n"}
		for k, v := range micropayParams(no, sandbox.NewCode(sandbox.ScenarioSuccess), 100) {
			q[k] = v
		}
		q["sign"] = wechat.SignV2(q, e.creds.APIKey, wechat.SignMD5)
		resp, err := e.srv.Client().Post(e.srv.URL+"/pay/micropay", "text/xml", strings.NewReader(string(wechat.EncodeXML(q))))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 502 {
			t.Fatal(resp.StatusCode)
		}
		if len(e.sb.Ledger().Orders) != 0 {
			t.Fatal("5xx fault committed an order")
		}
		if r := e.v2("/pay/micropay", micropayParams(no, sandbox.NewCode(sandbox.ScenarioSuccess), 100)); r["result_code"] != "SUCCESS" {
			t.Fatal(r)
		}
	})
	t.Run("status_5xx_v3_signed", func(t *testing.T) {
		e := newEnv(t, nil)
		if err := e.sb.AddFault(sandbox.Fault{Path: "/v3/", Status: 500}); err != nil {
			t.Fatal(err)
		}
		r := e.v3("GET", "/v3/pay/transactions/out-trade-no/X123456?mchid="+e.creds.MchID, nil)
		if r.status != 500 || r.code(t) != "SYSTEM_ERROR" {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
	drop := func(t *testing.T, mode string, wantOrders int) {
		e := newEnv(t, nil)
		if err := e.sb.AddFault(sandbox.Fault{Path: "/v3/pay/transactions/codepay", Drop: mode}); err != nil {
			t.Fatal(err)
		}
		no := newNo("F")
		body, _ := json.Marshal(codepayBody(e, no, sandbox.NewCode(sandbox.ScenarioSuccess), 100))
		req, _ := http.NewRequest("POST", e.srv.URL+"/v3/pay/transactions/codepay", strings.NewReader(string(body)))
		req.Header.Set("Authorization", e.authorization("POST", "/v3/pay/transactions/codepay", body, time.Now()))
		resp, err := e.srv.Client().Do(req)
		if err == nil {
			resp.Body.Close()
			t.Fatalf("connection not dropped: %d", resp.StatusCode)
		}
		if got := len(e.sb.Ledger().Orders); got != wantOrders {
			t.Fatalf("%d orders after drop %s", got, mode)
		}
		st, q := e.v3Query(no)
		if wantOrders == 1 && (st != 200 || q.TradeState != "SUCCESS") {
			t.Fatalf("committed order: %d %+v", st, q)
		}
		if wantOrders == 0 && st != 404 {
			t.Fatalf("uncommitted order: %d", st)
		}
	}
	t.Run("drop_before_commit", func(t *testing.T) { drop(t, sandbox.DropBefore, 0) })
	t.Run("drop_after_commit", func(t *testing.T) { drop(t, sandbox.DropAfter, 1) })
	t.Run("latency_cut_short_by_client_deadline", func(t *testing.T) {
		e := newEnv(t, nil)
		if err := e.sb.AddFault(sandbox.Fault{Latency: sandbox.Duration(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "POST", e.srv.URL+"/pay/orderquery", strings.NewReader("<xml/>"))
		_, err := e.srv.Client().Do(req)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("want deadline, got %v", err)
		}
		if len(e.sb.Faults()) != 0 {
			t.Fatal("fault not consumed")
		}
	})
	t.Run("late_request_lands_after_the_client_gave_up", func(t *testing.T) {
		e := newEnv(t, nil)
		if st := e.control("POST", "/sandbox/faults", map[string]any{"path": "/v3/pay/transactions/codepay", "late": true}, nil); st != 200 {
			t.Fatal(st)
		}
		no := newNo("L")
		body, _ := json.Marshal(codepayBody(e, no, sandbox.NewCode(sandbox.ScenarioSuccess), 100))
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "POST", e.srv.URL+"/v3/pay/transactions/codepay", strings.NewReader(string(body)))
		req.Header.Set("Authorization", e.authorization("POST", "/v3/pay/transactions/codepay", body, time.Now()))
		if _, err := e.srv.Client().Do(req); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("want the client's deadline, got %v", err)
		}
		// Held: WeChat does not know the order yet.
		if st, _ := e.v3Query(no); st != 404 {
			t.Fatalf("held request already visible: %d", st)
		}
		e.sb.ReleaseLate()
		settle, stop := context.WithTimeout(context.Background(), 10*time.Second)
		defer stop()
		if err := e.sb.Settle(settle); err != nil {
			t.Fatal(err)
		}
		if st, q := e.v3Query(no); st != 200 || q.TradeState != "SUCCESS" {
			t.Fatalf("late payment did not land: %d %+v", st, q)
		}
	})
	t.Run("count_and_clear", func(t *testing.T) {
		e := newEnv(t, nil)
		if err := e.sb.AddFault(sandbox.Fault{Path: "/pay/", Status: 503, Count: -1}); err != nil {
			t.Fatal(err)
		}
		var list map[string][]sandbox.Fault
		e.control("GET", "/sandbox/faults", nil, &list)
		if len(list["faults"]) != 1 || list["faults"][0].Status != 503 {
			t.Fatal(list)
		}
		for range 3 {
			if r := e.v2("/pay/orderquery", map[string]string{"out_trade_no": "NOPE1234"}); r["err_code"] != "SYSTEMERROR" {
				t.Fatal(r)
			}
		}
		e.control("DELETE", "/sandbox/faults", nil, nil)
		if r := e.v2("/pay/orderquery", map[string]string{"out_trade_no": "NOPE1234"}); r["return_code"] != "SUCCESS" {
			t.Fatal(r)
		}
	})
	t.Run("control_api_never_faulted", func(t *testing.T) {
		e := newEnv(t, nil)
		_ = e.sb.AddFault(sandbox.Fault{Status: 500, Count: -1})
		if st := e.control("GET", "/sandbox/ledger", nil, nil); st != 200 {
			t.Fatal(st)
		}
	})
	t.Run("invalid_faults", func(t *testing.T) {
		e := newEnv(t, nil)
		for _, f := range []any{map[string]any{"drop": "sideways"}, map[string]any{"status": 200}, map[string]any{"latency": 5}} {
			if st := e.control("POST", "/sandbox/faults", f, nil); st != 400 {
				t.Fatalf("%v: %d", f, st)
			}
		}
	})
}

func TestDataDirSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	opts := sandbox.Options{DataDir: dir, Now: func() time.Time { return start }}
	sb1, err := sandbox.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	e1 := newEnvWith(t, sb1)
	code := sandbox.NewCode(sandbox.ScenarioSuccess)
	e1.v2("/pay/micropay", micropayParams("P1000001", code, 100))
	e1.sb.Advance(2 * time.Hour)
	for _, f := range []string{"credentials.json", "ledger.db"} {
		wantPrivate(t, filepath.Join(dir, f))
	}
	data, _ := os.ReadFile(filepath.Join(dir, "ledger.db"))
	if !bytes.Contains(data, []byte("P1000001")) || bytes.Contains(data, []byte(code)) {
		t.Fatal("ledger file lacks the order or stores the full payment code")
	}
	if _, err := sandbox.New(opts); err == nil {
		t.Fatal("a second simulator opened a data directory in use")
	}
	if err := sb1.Close(); err != nil {
		t.Fatal(err)
	}

	sb2, err := sandbox.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if sb2.Credentials() != sb1.Credentials() {
		t.Fatal("keys changed across restart")
	}
	e2 := newEnvWith(t, sb2)
	if q := e2.v2("/pay/orderquery", map[string]string{"out_trade_no": "P1000001"}); q["trade_state"] != "SUCCESS" {
		t.Fatal(q)
	}
	if !sb2.Now().Equal(start.Add(2 * time.Hour)) {
		t.Fatalf("clock offset lost: %v", sb2.Now())
	}
	if r := e2.v2("/pay/micropay", micropayParams("P1000002", code, 100)); r["err_code"] != "AUTH_CODE_ERROR" {
		t.Fatal("used code forgotten:", r)
	}
	if err := sb2.SaveError(); err != nil {
		t.Fatal(err)
	}
}

func TestTwoSandboxesAreIndependent(t *testing.T) {
	a, b := newEnv(t, nil), newEnv(t, nil)
	a.v2("/pay/micropay", micropayParams("T1000001", sandbox.NewCode(sandbox.ScenarioSuccess), 100))
	a.sb.Advance(time.Hour)
	if len(b.sb.Ledger().Orders) != 0 || !b.sb.Now().Equal(start) {
		t.Fatal("sandboxes share state")
	}
}

func TestProfile(t *testing.T) {
	e := newEnv(t, nil)
	path := filepath.Join(t.TempDir(), "profile.json")
	if err := e.prof.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	wantPrivate(t, path)
	p, err := sandbox.LoadProfile(path)
	if err != nil {
		t.Fatal(err)
	}
	if p.BaseURL != e.srv.URL || p.MchID != e.creds.MchID || len(p.V2.APIKey) != 32 || len(p.V3.APIV3Key) != 32 ||
		!strings.HasPrefix(p.V3.PlatformPublicKeyID, "PUB_KEY_ID_") || p.CACertPEM != "" || len(p.V3.MerchantSerialNo) != 40 {
		t.Fatalf("%+v", p)
	}
	for _, sc := range sandbox.Scenarios() {
		code := p.ScenarioCodes[string(sc)]
		if !sandbox.ValidCode(code) || !strings.HasPrefix(code, p.ScenarioPrefixes[string(sc)]) || len(p.ScenarioPrefixes[string(sc)]) != 6 {
			t.Fatalf("%s: %q", sc, code)
		}
	}
	raw, _ := os.ReadFile(path)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	for _, k := range []string{"base_url", "appid", "mchid", "v2", "v3", "scenario_codes", "scenario_prefixes"} {
		if _, ok := m[k]; !ok {
			t.Fatalf("profile lacks %s", k)
		}
	}
	if _, err := sandbox.LoadProfile(filepath.Join(t.TempDir(), "none.json")); err == nil {
		t.Fatal("loaded a missing profile")
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	_ = os.WriteFile(bad, []byte(`{"base_url":"x"}`), 0o600)
	if _, err := sandbox.LoadProfile(bad); err == nil {
		t.Fatal("loaded an incomplete profile")
	}
}

// wantPrivate checks that the file at path exists and only its owner may
// read it (0600). Windows has no Unix modes — Go reports any writable file
// as 0666 there — so on Windows only its existence is checked.
func wantPrivate(t *testing.T, path string) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Fatalf("%s: mode %v, want 0600", path, st.Mode())
	}
}
