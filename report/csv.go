package report

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/wxpos/wxpos/internal/csvout"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/tz"
)

// CSVColumns are the columns WriteCSV writes. Every row after the header
// is one figure of the report: its section, what it is, a count, the
// amount in fen (exact) and in yuan (for people), and a free-text detail.
var CSVColumns = []csvout.Column{
	{Key: "section", ZH: "部分"}, {Key: "item", ZH: "项目"}, {Key: "count", ZH: "笔数"},
	{Key: "amount_fen", ZH: "金额（分）"}, {Key: "amount_yuan", ZH: "金额（元）"}, {Key: "detail", ZH: "说明"},
}

// CSVHeader is the English header row of WriteCSV.
var CSVHeader = csvout.Headers(CSVColumns, csvout.English)

// WriteCSV writes r as CSV under package csvout's rules (UTF-8 with a BOM,
// the header in lang, times RFC 3339 in Asia/Shanghai). The file opens in
// a spreadsheet as one table; amounts are exact integers in fen beside
// yuan with two decimals.
func WriteCSV(w io.Writer, r *Report, lang csvout.Lang) error {
	cw := csvout.New(w, lang, CSVColumns)
	row := func(section, item string, count int64, fen int64, detail string) {
		c := ""
		if count >= 0 {
			c = strconv.FormatInt(count, 10)
		}
		cw.Row(section, item, c, csvout.Fen(fen), csvout.Yuan(fen), detail)
	}
	info := func(item, value string) { cw.Row("report", item, "", "", "", value) }
	ts := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return tz.RFC3339(t)
	}
	info("kind", string(r.Kind))
	if r.Kind == receipt.ReportZ {
		info("z_no", strconv.FormatInt(r.ZNo, 10))
	}
	info("day", r.Day)
	info("store", r.StoreID+" "+r.StoreName)
	info("terminal", r.TerminalID)
	info("operator", r.Operator)
	info("opened_at", ts(r.OpenedAt))
	info("taken_at", ts(r.TakenAt))
	if r.Training {
		info("training", "true")
	}
	for _, t := range r.Tenders {
		row("sales", string(t.Tender), t.SaleCount, t.SaleFen, "")
		row("refunds", string(t.Tender), t.RefundCount, -t.RefundFen, "")
		row("net", string(t.Tender), -1, t.NetFen(), "")
	}
	sales, refunds, net := r.Totals()
	row("total", "gross", -1, r.GrossFen, "before discounts")
	row("total", "discounts", -1, -r.DiscountFen, "")
	row("total", "sales", sales.SaleCount, sales.SaleFen, "")
	row("total", "refunds", refunds.RefundCount, -refunds.RefundFen, "")
	row("total", "net", -1, net, "")
	for _, it := range r.Returned {
		row("returned", it.Name, -1, -it.AmountFen, it.QtyText())
	}
	row("cash", "opening_float", -1, r.OpeningFloatFen, "")
	row("cash", "cash_in", -1, r.CashInFen, "")
	row("cash", "cash_out", -1, -r.CashOutFen, "")
	row("cash", "expected", -1, r.ExpectedCashFen, "")
	if r.CashCounted {
		row("cash", "counted", -1, r.CountedCashFen, "")
		row("cash", "difference", -1, r.CashDiffFen(), "counted minus expected")
	} else {
		cw.Row("cash", "counted", "", "", "", "not counted")
	}
	for _, m := range r.Moves {
		fen := m.AmountFen
		if m.Kind == CashOut {
			fen = -fen
		}
		detail := fmt.Sprintf("%s; by %s", m.Reason, m.By)
		if m.ApprovedBy != "" {
			detail += "; approved by " + m.ApprovedBy
		}
		row("cash_move", ts(m.At), -1, fen, detail)
	}
	for _, p := range r.Pending {
		row("pending", p.No, -1, p.AmountFen, fmt.Sprintf("%s %s %s since %s", p.Kind, p.Tender, p.State, ts(p.CreatedAt)))
	}
	for _, p := range r.Abnormal {
		row("abnormal_refund", p.No, -1, p.AmountFen, fmt.Sprintf("%s since %s: handle in the merchant console", p.Tender, ts(p.CreatedAt)))
	}
	for h := range 24 {
		if r.HourlyCount[h] > 0 {
			row("hour", fmt.Sprintf("%02d:00", h), r.HourlyCount[h], r.HourlyFen[h], "")
		}
	}
	return cw.Flush()
}

// Text lays the report out as the printer would (Chinese), for a terminal
// or a screen; cols is 32 (58 mm) or 48 (80 mm). Cash movements and
// pending items follow the printed part. TextIn gives English labels.
func Text(r *Report, cols int, reprint bool) (string, error) {
	doc, err := receipt.LayoutReport(r.DayReport, receipt.Options{Cols: cols, Reprint: reprint, Location: tz.Shanghai})
	if err != nil {
		return "", err
	}
	return doc.Text() + appendix(r, csvout.Chinese), nil
}
