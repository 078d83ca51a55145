package report_test

import (
	"strings"
	"testing"

	"github.com/wxpos/wxpos/internal/csvout"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/report"
)

// TestItemsTextColumnsLineUp: the header's columns end where the rows'
// do on a fixed-width console, in Chinese (two columns a character) as in
// English.
func TestItemsTextColumnsLineUp(t *testing.T) {
	it := &report.Items{From: "20261206", To: "20261206", By: report.ByItem, Rows: []report.ItemRow{
		{Key: "B1", ItemID: "B1", Name: "全麦面包", Qty: 3, GrossFen: 3750, NetFen: 3750},
		{Key: "T1", ItemID: "T1", Name: "Cotton towel", Qty: 1, GrossFen: 3000, DiscountFen: 1500, NetFen: 1500},
	}, Total: report.ItemRow{GrossFen: 6750, DiscountFen: 1500, NetFen: 5250}}
	for _, lang := range []csvout.Lang{csvout.Chinese, csvout.English} {
		lines := strings.Split(strings.TrimSpace(report.ItemsText(it, lang)), "\n")
		table := lines[len(lines)-4:] // header, two rows, total
		want := receipt.StringWidth(table[1])
		for _, l := range table {
			if w := receipt.StringWidth(l); w != want {
				t.Errorf("%v: %q is %d columns wide, the rows %d:\n%s", lang, l, w, want, strings.Join(table, "\n"))
			}
		}
	}
}
