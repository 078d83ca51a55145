package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/wxpos/wxpos/internal/csvout"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/tz"
)

// ItemsColumns are the columns of an items report's table (CSV, xlsx).
var ItemsColumns = []csvout.Column{
	{Key: "key", ZH: "键"}, {Key: "item_id", ZH: "商品编号"}, {Key: "name", ZH: "名称"}, {Key: "category", ZH: "分类"},
	{Key: "qty", ZH: "数量"}, {Key: "lines", ZH: "行数"},
	{Key: "gross_fen", ZH: "原价（分）"}, {Key: "discount_fen", ZH: "折扣（分）"}, {Key: "net_fen", ZH: "实收（分）"},
	{Key: "returned_qty", ZH: "退货数量"}, {Key: "returned_fen", ZH: "退款（分）"},
	{Key: "net_yuan", ZH: "实收（元）"}, {Key: "returned_yuan", ZH: "退款（元）"},
}

// label is how a row is named for people: its name, or what an empty key
// means.
func (r ItemRow) label(by ItemsBy, lang csvout.Lang) string {
	switch {
	case !r.Keyed():
		return r.Name
	case by == ByCategory && lang == csvout.Chinese:
		return "（无分类）"
	case by == ByCategory:
		return "(no category)"
	case lang == csvout.Chinese:
		return "（按金额收款）"
	}
	return "(keyed amounts)"
}

func qtyText(unit string, qty int64) string {
	return receipt.QtyText(receipt.Line{Unit: unit, Qty: qty})
}

// ItemsTable is the report as a header and rows of cell text in lang, the
// total last: what the CSV and the xlsx hold.
func ItemsTable(it *Items, lang csvout.Lang) [][]string {
	out := [][]string{csvout.Headers(ItemsColumns, lang)}
	row := func(r ItemRow, name string) {
		out = append(out, []string{r.Key, r.ItemID, name, r.Category, qtyText(r.Unit, r.Qty), strconv.FormatInt(r.Lines, 10),
			csvout.Fen(r.GrossFen), csvout.Fen(r.DiscountFen), csvout.Fen(r.NetFen),
			qtyText(r.Unit, r.ReturnedQty), csvout.Fen(r.ReturnedFen), csvout.Yuan(r.NetFen), csvout.Yuan(r.ReturnedFen)})
	}
	for _, r := range it.Rows {
		row(r, r.label(it.By, lang))
	}
	total := it.Total
	total.Qty, total.ReturnedQty = 0, 0
	name := "total"
	if lang == csvout.Chinese {
		name = "合计"
	}
	row(total, name)
	out[len(out)-1][4], out[len(out)-1][9] = "", ""
	return out
}

// WriteItemsCSV writes the report as one CSV table under package csvout's
// rules (UTF-8 with a BOM, the header in lang).
func WriteItemsCSV(w io.Writer, it *Items, lang csvout.Lang) error {
	t := ItemsTable(it, lang)
	cw := csvout.New(w, lang, ItemsColumns)
	for _, r := range t[1:] {
		cw.Row(r...)
	}
	return cw.Flush()
}

// ItemsText is the report as plain text for a terminal or a console.
func ItemsText(it *Items, lang csvout.Lang) string {
	var b strings.Builder
	zh := lang == csvout.Chinese
	title, by := "Sales by item", "Item"
	if it.By == ByCategory {
		title, by = "Sales by category", "Category"
	}
	if zh {
		title, by = "商品销售", "商品"
		if it.By == ByCategory {
			title, by = "分类销售", "分类"
		}
	}
	fmt.Fprintf(&b, "%s  %s – %s\n", title, dashed(it.From), dashed(it.To))
	if it.StoreID != "" || it.TerminalID != "" {
		fmt.Fprintf(&b, "%s %s\n", it.StoreID, it.TerminalID)
	}
	if it.Training {
		b.WriteString("training / 培训\n")
	}
	b.WriteString(tz.Stamp(it.TakenAt) + "\n")
	head := []string{"Qty", "Gross", "Discount", "Net", "Returned"}
	if zh {
		head = []string{"数量", "原价", "折扣", "实收", "退款"}
	}
	fmt.Fprintf(&b, "%s %s %s %s %s %s\n", padRight(by, 24), padLeft(head[0], 10), padLeft(head[1], 12), padLeft(head[2], 10),
		padLeft(head[3], 12), padLeft(head[4], 10))
	line := func(name, qty string, r ItemRow) {
		fmt.Fprintf(&b, "%s %10s %12s %10s %12s %10s\n", padRight(name, 24), qty, receipt.Yuan(r.GrossFen),
			receipt.Yuan(r.DiscountFen), receipt.Yuan(r.NetFen), receipt.Yuan(r.ReturnedFen))
	}
	for _, r := range it.Rows {
		line(r.label(it.By, lang), qtyText(r.Unit, r.Qty), r)
	}
	total := "Total"
	if zh {
		total = "合计"
	}
	line(total, "", it.Total)
	return b.String()
}

// padRight pads s with spaces to w columns of a fixed-width console (a
// Chinese character takes two), cutting it when longer.
func padRight(s string, w int) string {
	n := receipt.StringWidth(s)
	for n > w {
		r := []rune(s)
		s = string(r[:len(r)-1])
		n = receipt.StringWidth(s)
	}
	return s + strings.Repeat(" ", w-n)
}

// padLeft right-aligns s in w columns of a fixed-width console (a Chinese
// character takes two, which fmt's %10s counts as one).
func padLeft(s string, w int) string {
	return strings.Repeat(" ", max(w-receipt.StringWidth(s), 0)) + s
}
