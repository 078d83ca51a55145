package cli_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/notify"
	"github.com/wxpos/wxpos/replica"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// TestHQJSONAndCSV: every hq command a script reads prints one JSON object
// with --json, and hq report --csv --out PREFIX writes one table per file.
func TestHQJSONAndCSV(t *testing.T) {
	pool, dsn := replicaPool(t)
	setConfigHome(t, t.TempDir())
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(cfg, []byte("[replica]\ndsn = \""+dsn+"\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	base := []string{"--config", cfg, "--data", filepath.Join(dir, "data")}
	cmd := func(args ...string) string {
		t.Helper()
		code, out, errOut := run(t, append(base, args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s\n%s", args, code, out, errOut)
		}
		return out
	}
	var paid struct {
		OutTradeNo string `json:"out_trade_no"`
	}
	if err := json.Unmarshal([]byte(cmd("pay", "--amount", "3.00", "--code", sandbox.NewCode(sandbox.ScenarioSuccess), "--json")), &paid); err != nil {
		t.Fatal(err)
	}
	var mig struct {
		Version int `json:"version"`
	}
	if err := json.Unmarshal([]byte(cmd("hq", "migrate", "--json")), &mig); err != nil || mig.Version == 0 {
		t.Fatalf("hq migrate --json: %+v %v", mig, err)
	}
	var pushed struct {
		Pushed  uint64 `json:"pushed"`
		Pending uint64 `json:"pending"`
	}
	if err := json.Unmarshal([]byte(cmd("replicate", "--once", "--json")), &pushed); err != nil || pushed.Pushed == 0 || pushed.Pending != 0 {
		t.Fatalf("replicate --once --json: %+v %v", pushed, err)
	}

	var st struct {
		Terminals []struct {
			PushedSeq  int64  `json:"pushed_seq"`
			LastPushAt string `json:"last_push_at"`
		} `json:"terminals"`
	}
	if err := json.Unmarshal([]byte(cmd("hq", "status", "--json")), &st); err != nil || len(st.Terminals) != 1 ||
		st.Terminals[0].PushedSeq == 0 || !strings.HasSuffix(st.Terminals[0].LastPushAt, "+08:00") {
		t.Fatalf("hq status --json: %+v %v", st, err)
	}
	var o struct {
		OutTradeNo    string `json:"out_trade_no"`
		AmountFen     int64  `json:"amount_fen"`
		RefundableFen int64  `json:"refundable_fen"`
	}
	if err := json.Unmarshal([]byte(cmd("hq", "order", paid.OutTradeNo, "--json")), &o); err != nil ||
		o.OutTradeNo != paid.OutTradeNo || o.AmountFen != 300 || o.RefundableFen != 300 {
		t.Fatalf("hq order --json: %+v %v", o, err)
	}
	// A payment WeChat announced that no terminal replicated (hq migrate
	// made the notifications table).
	now := time.Now()
	announced := notify.Record{ID: "EV-1", API: "v3", Kind: notify.KindPay, MchID: "1900000109", OutTradeNo: "PS09-T01-E1-1",
		State: "SUCCESS", TotalFen: 4200, SuccessTime: now, Received: now}
	if _, err := replica.NewNotifySink(pool).Accept(context.Background(), &announced); err != nil {
		t.Fatal(err)
	}
	// Keys are snake_case like every other --json, and times are the store's.
	var rep struct {
		Query struct {
			Training bool `json:"training"`
		} `json:"query"`
		TakenAt string `json:"taken_at"`
		Lines   []struct {
			SaleFen int64 `json:"sale_fen"`
		} `json:"lines"`
		Terminals []struct {
			TerminalID string `json:"terminal_id"`
			PushedSeq  int64  `json:"pushed_seq"`
			LastPushAt string `json:"last_push_at"`
		} `json:"terminals"`
		Announced []struct {
			No        string `json:"no"`
			StoreID   string `json:"store_id"`
			AmountFen int64  `json:"amount_fen"`
			At        string `json:"at"`
		} `json:"announced"`
	}
	repOut := cmd("hq", "report", "--training", "--json")
	if err := json.Unmarshal([]byte(repOut), &rep); err != nil || !rep.Query.Training || len(rep.Lines) == 0 || rep.Lines[0].SaleFen != 300 ||
		len(rep.Terminals) != 1 || rep.Terminals[0].PushedSeq == 0 || !strings.HasSuffix(rep.Terminals[0].LastPushAt, "+08:00") ||
		!strings.HasSuffix(rep.TakenAt, "+08:00") {
		t.Fatalf("hq report --json: %+v %v\n%s", rep, err, repOut)
	}
	if a := rep.Announced; len(a) != 1 || a[0].No != "PS09-T01-E1-1" || a[0].StoreID != "S09" || a[0].AmountFen != 4200 ||
		!strings.HasSuffix(a[0].At, "+08:00") || len(rep.Lines) != 1 {
		t.Errorf("hq report --json announced: %+v (lines %+v)", a, rep.Lines)
	}

	// Sales by item across the chain: the keyed 3.00 sale, as report items has it.
	var items itemsJSON
	if out := cmd("hq", "report", "--training", "--by", "item", "--json"); json.Unmarshal([]byte(out), &items) != nil ||
		len(items.Rows) != 1 || items.Rows[0].Key != "" || items.Total.NetFen != 300 {
		t.Errorf("hq report --by item --json: %+v\n%s", items, out)
	}
	if out := cmd("hq", "report", "--training", "--by", "category", "--csv"); !strings.Contains(out, "300") {
		t.Errorf("hq report --by category --csv:\n%s", out)
	}
	// By cashier: a terminal without staff sells under nobody's name
	// (shift.NoCashier, "—"); no shift was opened.
	var byCashier struct {
		TakenAt  string `json:"taken_at"`
		Cashiers []struct {
			StoreID   string            `json:"store_id"`
			Cashier   string            `json:"cashier"`
			SaleCount int64             `json:"sale_count"`
			SaleFen   int64             `json:"sale_fen"`
			Shifts    []json.RawMessage `json:"shifts"`
		} `json:"cashiers"`
	}
	if out := cmd("hq", "report", "--training", "--by", "cashier", "--json"); json.Unmarshal([]byte(out), &byCashier) != nil ||
		len(byCashier.Cashiers) != 1 || byCashier.Cashiers[0].Cashier != "—" || byCashier.Cashiers[0].SaleCount != 1 ||
		byCashier.Cashiers[0].SaleFen != 300 || len(byCashier.Cashiers[0].Shifts) != 0 || !strings.HasSuffix(byCashier.TakenAt, "+08:00") {
		t.Errorf("hq report --by cashier --json: %+v\n%s", byCashier, out)
	}
	if out := cmd("hq", "report", "--training", "--by", "cashier"); !strings.Contains(out, "HQ report by cashier") ||
		!strings.Contains(out, "—") || !strings.Contains(out, "3.00") {
		t.Errorf("hq report --by cashier:\n%s", out)
	}
	if code, _, _ := run(t, append(base, "hq", "report", "--by", "cashier", "--csv")...); code != 2 {
		t.Errorf("hq report --by cashier --csv: exit %d, want 2 (usage)", code)
	}

	prefix := filepath.Join(dir, "hq")
	out := cmd("hq", "report", "--training", "--csv", "--out", prefix)
	sales, err := os.ReadFile(prefix + "-sales.csv")
	if err != nil || !strings.Contains(out, prefix+"-sales.csv") {
		t.Fatalf("hq report --csv --out: %q, %v", out, err)
	}
	if !strings.Contains(string(sales), "3.00") || strings.Contains(string(sales), "\n\n") || strings.Contains(string(sales), "42.00") {
		t.Errorf("sales file: want the 3.00 sale and one table only:\n%s", sales)
	}
	if a, err := os.ReadFile(prefix + "-announced.csv"); err != nil || !strings.Contains(string(a), "PS09-T01-E1-1") ||
		!strings.Contains(string(a), "42.00") || !strings.Contains(out, prefix+"-announced.csv") {
		t.Errorf("announced file: %q, %v (%s)", a, err, out)
	}
}
