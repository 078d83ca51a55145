package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/tz"
)

// CSVHeader is the first row WriteCSV writes. Every row after it is one
// figure of the report: its section, what it is, a count, the amount in fen
// (exact) and in yuan (for people), and a free-text detail.
var CSVHeader = []string{"section", "item", "count", "amount_fen", "amount_yuan", "detail"}

// WriteCSV writes r as CSV (RFC 4180, UTF-8, times RFC 3339 in
// Asia/Shanghai). The file opens in a spreadsheet as one table; amounts are
// integers in fen so nothing is lost to floating point.
func WriteCSV(w io.Writer, r *Report) error {
	cw := csv.NewWriter(w)
	row := func(section, item string, count int64, fen int64, detail string) {
		c := ""
		if count >= 0 {
			c = strconv.FormatInt(count, 10)
		}
		_ = cw.Write([]string{section, safe(item), c, strconv.FormatInt(fen, 10), receipt.Yuan(fen), safe(detail)})
	}
	info := func(item, value string) { _ = cw.Write([]string{"report", item, "", "", "", safe(value)}) }
	ts := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(tz.Shanghai).Format(time.RFC3339)
	}
	if err := cw.Write(CSVHeader); err != nil {
		return err
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
	row("total", "sales", sales.SaleCount, sales.SaleFen, "")
	row("total", "refunds", refunds.RefundCount, -refunds.RefundFen, "")
	row("total", "net", -1, net, "")
	row("cash", "opening_float", -1, r.OpeningFloatFen, "")
	row("cash", "cash_in", -1, r.CashInFen, "")
	row("cash", "cash_out", -1, -r.CashOutFen, "")
	row("cash", "expected", -1, r.ExpectedCashFen, "")
	if r.CashCounted {
		row("cash", "counted", -1, r.CountedCashFen, "")
		row("cash", "difference", -1, r.CashDiffFen(), "counted minus expected")
	} else {
		_ = cw.Write([]string{"cash", "counted", "", "", "", "not counted"})
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
	cw.Flush()
	return cw.Error()
}

// safe defuses spreadsheet formulas in free text (a leading = + - @).
func safe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@') {
		return "'" + s
	}
	return s
}

// Text lays the report out as the printer would, for a terminal or a
// screen; cols is 32 (58 mm) or 48 (80 mm). Cash movements and pending
// items follow the printed part.
func Text(r *Report, cols int, reprint bool) (string, error) {
	doc, err := receipt.LayoutReport(r.DayReport, receipt.Options{Cols: cols, Reprint: reprint, Location: tz.Shanghai})
	if err != nil {
		return "", err
	}
	out := doc.Text()
	if len(r.Moves) > 0 {
		out += "\nCash movements:\n"
		for _, m := range r.Moves {
			sign := "+"
			if m.Kind == CashOut {
				sign = "-"
			}
			out += fmt.Sprintf("  %s %s%s  %s (%s)\n", m.At.In(tz.Shanghai).Format("15:04"), sign, receipt.Yuan(m.AmountFen), m.Reason, m.By)
		}
	}
	if len(r.Pending) > 0 {
		out += "\nPending (not in the totals):\n"
		for _, p := range r.Pending {
			out += fmt.Sprintf("  %s %-6s %-11s %-16s %s\n", p.No, p.Kind, p.Tender, p.State, receipt.Yuan(p.AmountFen))
		}
	}
	if len(r.Abnormal) > 0 {
		out += "\nAbnormal refunds (handle in the WeChat Pay merchant console):\n"
		for _, p := range r.Abnormal {
			out += fmt.Sprintf("  %s %s\n", p.No, receipt.Yuan(p.AmountFen))
		}
	}
	if r.ClosedDay {
		out += "\nThis day is closed: these are live figures; the Z report stands.\n"
	}
	return out, nil
}
