package cli_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wxpos/wxpos/internal/xlsx"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

type itemsJSON struct {
	From, To, By string
	Rows         []struct {
		Key         string `json:"key"`
		NetFen      int64  `json:"net_fen"`
		ReturnedFen int64  `json:"returned_fen"`
	} `json:"rows"`
	Total struct {
		NetFen int64 `json:"net_fen"`
	} `json:"total"`
}

// TestReportItems: wxpos report items prints the day's sales by item (a
// keyed-amount sale under the keyed-amount row) as JSON, CSV on stdout, an
// xlsx workbook and text; flags of items are refused on x and z, and two
// outputs at once.
func TestReportItems(t *testing.T) {
	data := t.TempDir()
	cmd := func(args ...string) string {
		t.Helper()
		code, out, errOut := run(t, append([]string{"--data", data}, args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s\n%s", args, code, out, errOut)
		}
		return out
	}
	cmd("pay", "--amount", "3.00", "--code", sandbox.NewCode(sandbox.ScenarioSuccess))
	var it itemsJSON
	if out := cmd("report", "items", "--json"); json.Unmarshal([]byte(out), &it) != nil || it.By != "item" ||
		len(it.Rows) != 1 || it.Rows[0].Key != "" || it.Rows[0].NetFen != 300 || it.Total.NetFen != 300 {
		t.Fatalf("report items --json: %+v\n%s", it, out)
	}
	if out := cmd("report", "items", "--by", "category", "--csv", "-", "--lang", "en"); !strings.Contains(out, "(no category)") ||
		!strings.Contains(out, "total,") || !strings.Contains(out, "net_fen") {
		t.Errorf("report items --csv -:\n%s", out)
	}
	if out := cmd("report", "items", "--lang", "en"); !strings.Contains(out, "Sales by item") || !strings.Contains(out, "(keyed amounts)") {
		t.Errorf("report items:\n%s", out)
	}
	book := filepath.Join(t.TempDir(), "items.xlsx")
	cmd("report", "items", "--xlsx", book, "--lang", "en")
	sheets, err := xlsx.Read(book)
	if err != nil || len(sheets) != 1 || len(sheets[0].Rows) != 3 || sheets[0].Rows[1][8] != "300" {
		t.Fatalf("xlsx: %+v, %v", sheets, err)
	}
	for _, args := range [][]string{{"report", "x", "--by", "item"}, {"report", "items", "--csv", "a.csv", "--xlsx", "b.xlsx"},
		{"report", "items", "--by", "colour"}, {"report", "items", "--from", "2026-12-05", "--to", "2026-12-01"}} {
		if code, out, errOut := run(t, append([]string{"--data", data}, args...)...); code != 2 {
			t.Errorf("%v: exit %d, want 2\n%s%s", args, code, out, errOut)
		}
	}
}
