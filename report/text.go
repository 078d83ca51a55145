package report

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/wxpos/wxpos/internal/csvout"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/tz"
)

// TextIn is Text with the labels in lang: Chinese is the printed layout
// (the printer's, 58 or 80 mm), English the same figures under English
// labels for a manager or a head office that reads English (ui.locale =
// "en", or report --lang en).
func TextIn(r *Report, cols int, reprint bool, lang csvout.Lang) (string, error) {
	if lang == csvout.Chinese {
		return Text(r, cols, reprint)
	}
	if r.Kind != receipt.ReportX && r.Kind != receipt.ReportZ {
		return "", fmt.Errorf("%w: report kind %q", receipt.ErrLayout, r.Kind)
	}
	var b strings.Builder
	w := enText{&b}
	line, kv, row := w.line, w.kv, w.row
	rule := func() { b.WriteString(strings.Repeat("-", max(cols, 32)) + "\n") }
	clock := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return tz.Stamp(t)
	}
	title := "X report (running; nothing is reset)"
	if r.Kind == receipt.ReportZ {
		title = fmt.Sprintf("Z report No.%06d (day closing)", r.ZNo)
	}
	if reprint {
		title += " — REPRINT"
	}
	line("%s", r.StoreName)
	line("%s", title)
	if r.Training {
		line("Training — no real money moved")
	}
	rule()
	kv("Store", r.StoreID)
	kv("Terminal", r.TerminalID)
	kv("Operator", r.Operator)
	kv("Business day", dashed(r.Day))
	kv("Opened", clock(r.OpenedAt))
	kv("Taken", clock(r.TakenAt))
	rule()
	line("%-20s %6s %14s", "Tender", "Count", "Amount")
	for _, t := range r.Tenders {
		row(tenderEN(t.Tender), t.SaleCount, t.SaleFen)
		if t.RefundCount != 0 || t.RefundFen != 0 {
			row("  refunds", t.RefundCount, -t.RefundFen)
		}
	}
	rule()
	w.totals(r)
	rule()
	w.cash(r)
	if r.PendingCount > 0 {
		rule()
		line("Payments in doubt: %s (not in the amounts above)", strconv.FormatInt(r.PendingCount, 10))
	}
	rule()
	if r.Kind == receipt.ReportZ {
		line("Day closed; this session is over.")
	}
	line("Manager's signature:")
	return b.String() + appendix(r, csvout.English), nil
}

// enText writes the lines of an English report.
type enText struct{ b *strings.Builder }

func (w enText) line(format string, a ...any) { fmt.Fprintf(w.b, format+"\n", a...) }

// kv is a labelled value; an empty value prints no line.
func (w enText) kv(k, v string) {
	if v != "" {
		w.line("%-16s %s", k, v)
	}
}

func (w enText) row(name string, count, fen int64) {
	w.line("%-20s %6d %14s", name, count, receipt.Yuan(fen))
}

// totals is the English report's money: gross and discounts when there
// were any, sales, refunds, net, and what WeChat coupons paid.
func (w enText) totals(r *Report) {
	line, kv, row := w.line, w.kv, w.row
	sales, refunds, net := r.Totals()
	if r.DiscountFen != 0 {
		line("%-20s %21s", "Gross", receipt.Yuan(r.GrossFen))
		line("%-20s %21s", "Discounts", receipt.Yuan(-r.DiscountFen))
	}
	row("Sales", sales.SaleCount, sales.SaleFen)
	row("Refunds", refunds.RefundCount, -refunds.RefundFen)
	line("%-20s %21s", "Net", "¥"+receipt.Yuan(net))
	if disc, mch := r.Coupons(); disc != 0 || mch != 0 {
		kv("WeChat discounts", receipt.Yuan(disc))
		kv("Customers paid", receipt.Yuan(net-disc))
		kv("Received", receipt.Yuan(net-mch)+" (WeChat settles + cash)")
	}
	if len(r.Returned) > 0 {
		line("Items given back")
		for _, it := range r.Returned {
			line("  %s x%s  %s", it.Name, it.QtyText(), receipt.Yuan(-it.AmountFen))
		}
	}
}

// cash is the English report's drawer: float, expected, counted.
func (w enText) cash(r *Report) {
	kv := w.kv
	kv("Opening float", receipt.Yuan(r.OpeningFloatFen))
	kv("Expected cash", receipt.Yuan(r.ExpectedCashFen))
	if r.CashCounted {
		kv("Counted cash", receipt.Yuan(r.CountedCashFen))
		diff, label := r.CashDiffFen(), "Difference"
		switch {
		case diff > 0:
			label = "Over"
		case diff < 0:
			label = "Short"
		}
		kv(label, receipt.Yuan(diff))
	} else {
		kv("Counted cash", "not counted")
	}
}

// appendix is what follows the printed part of a report on a screen: cash
// movements, pending items, abnormal refunds, and whether the day is
// closed, labelled in lang.
func appendix(r *Report, lang csvout.Lang) string {
	l := func(en, zh string) string {
		if lang == csvout.Chinese {
			return zh
		}
		return en
	}
	out := ""
	if len(r.Moves) > 0 {
		out += "\n" + l("Cash movements:", "现金存取：") + "\n"
		for _, m := range r.Moves {
			sign := "+"
			if m.Kind == CashOut {
				sign = "-"
			}
			out += fmt.Sprintf("  %s %s%s  %s (%s)\n", tz.Clock(m.At), sign, receipt.Yuan(m.AmountFen), m.Reason, m.By)
		}
	}
	if len(r.Pending) > 0 {
		out += "\n" + l("Pending (not in the totals):", "待确认（未计入合计）：") + "\n"
		for _, p := range r.Pending {
			out += fmt.Sprintf("  %s %-6s %-11s %-16s %s\n", p.No, p.Kind, p.Tender, p.State, receipt.Yuan(p.AmountFen))
		}
	}
	if len(r.Abnormal) > 0 {
		out += "\n" + l("Abnormal refunds (handle in the WeChat Pay merchant console):", "异常退款（请在微信支付商户平台处理）：") + "\n"
		for _, p := range r.Abnormal {
			out += fmt.Sprintf("  %s %s\n", p.No, receipt.Yuan(p.AmountFen))
		}
	}
	if r.ClosedDay {
		out += "\n" + l("This day is closed: these are live figures; the Z report stands.", "本日已日结：以上为实时数据，以 Z 报表为准。") + "\n"
	}
	return out
}

func tenderEN(t receipt.Tender) string {
	switch t {
	case receipt.TenderCash:
		return "Cash"
	case receipt.TenderWeChatScan:
		return "WeChat Pay (code)"
	case receipt.TenderWeChatQR:
		return "WeChat Pay (QR)"
	}
	return string(t)
}

func dashed(day string) string {
	if len(day) != 8 {
		return day
	}
	return day[:4] + "-" + day[4:6] + "-" + day[6:]
}
