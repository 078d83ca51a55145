package recon

import (
	"fmt"
	"io"
	"strings"

	"github.com/wxpos/wxpos/internal/csvout"
	"github.com/wxpos/wxpos/receipt"
)

// textLabels are the words of WriteText in one language.
type textLabels struct {
	title, balanced, open, categories, fees, noDiffs, diffs string
	columns                                                 [5]string
	kinds                                                   map[Kind]string
	subjects                                                map[Subject]string
	actions                                                 map[Action]string
	openMark, resolvedMark, forced, none                    string
	line, id, resolved, lastQuery                           string
	tender                                                  func(receipt.Tender) string
	advice                                                  func(advice) string
}

var textEN = textLabels{
	title:      "reconciliation %s: %s (%d bill rows)",
	balanced:   "BALANCED",
	open:       "%d of %d differences open",
	categories: "categories: ",
	columns:    [5]string{"tender", "terminal", "bill", "term refunds", "bill refunds"},
	fees:       "fees: this terminal ¥%s, other terminals ¥%s",
	noDiffs:    "differences: none",
	diffs:      "differences:",
	kinds: map[Kind]string{KindMatched: "matched", KindAmountMismatch: "amount_mismatch", KindLocalOnly: "local_only",
		KindWeChatOnly: "wechat_only", KindStatusMismatch: "status_mismatch", KindOtherTerminal: "other_terminal"},
	subjects: map[Subject]string{SubjectOrder: "order", SubjectRefund: "refund"},
	actions: map[Action]string{ActionQuery: "query", ActionRefund: "refund", ActionRecordSale: "record_sale",
		ActionExplain: "explain"},
	openMark: "open", resolvedMark: "resolved", forced: " forced-paid", none: "none",
	line:      "  [%s] %s %s %s: terminal %s %s%s, bill %s %s",
	id:        "      id %s",
	resolved:  "      %s by %s: %s",
	lastQuery: "      last query %s",
	tender:    func(t receipt.Tender) string { return string(t) },
	advice:    func(a advice) string { return advices[a].en },
}

var textZH = textLabels{
	title:      "对账 %s：%s（账单 %d 行）",
	balanced:   "已平账",
	open:       "%[2]d 项差异中 %[1]d 项待处理",
	categories: "分类：",
	columns:    [5]string{"支付方式", "本机", "微信账单", "本机退款", "账单退款"},
	fees:       "手续费：本机 ¥%s，其他终端 ¥%s",
	noDiffs:    "差异：无",
	diffs:      "差异：",
	kinds: map[Kind]string{KindMatched: "一致", KindAmountMismatch: "金额不符", KindLocalOnly: "本机有、微信无",
		KindWeChatOnly: "微信有、本机无", KindStatusMismatch: "状态不符", KindOtherTerminal: "其他终端"},
	subjects: map[Subject]string{SubjectOrder: "订单", SubjectRefund: "退款"},
	actions: map[Action]string{ActionQuery: "查询", ActionRefund: "退款", ActionRecordSale: "补录销售",
		ActionExplain: "已说明"},
	openMark: "待处理", resolvedMark: "已处理", forced: " 人工确认收款", none: "无",
	line:      "  [%s] %s %s %s：本机 %s %s%s，账单 %s %s",
	id:        "      编号 %s",
	resolved:  "      %s（%s）：%s",
	lastQuery: "      最近查询 %s",
	tender: func(t receipt.Tender) string {
		if t == TenderOther {
			return "其他渠道"
		}
		return receipt.TenderLabel(t)
	},
	advice: func(a advice) string { return advices[a].zh },
}

// WriteText writes r for people, labelled in lang (the terminal's
// ui.locale, as the reconciliation screen shows it). Money is yuan with
// two decimals; fees, which the bill carries to five decimals, are rounded
// to the fen here as on the screen; the exact values stay in the Result
// (and its JSON).
func WriteText(w io.Writer, r *Result, lang csvout.Lang) error {
	l := &textEN
	if lang == csvout.Chinese {
		l = &textZH
	}
	state := l.balanced
	if !r.Balanced() {
		state = fmt.Sprintf(l.open, r.Open(), len(r.Differences))
	}
	fmt.Fprintf(w, l.title+"\n", r.Day.Dashed(), state, r.BillRows)
	var parts []string
	for _, k := range Kinds {
		parts = append(parts, fmt.Sprintf("%s %d", l.kinds[k], r.Counts[k]))
	}
	sep := ", "
	if lang == csvout.Chinese {
		sep = "，"
	}
	fmt.Fprintf(w, "%s%s\n", l.categories, strings.Join(parts, sep))
	const first = 18 // the tender column
	row := func(cells ...string) {
		b := pad(cells[0], first, false)
		for _, c := range cells[1:] {
			b += " " + pad(c, 16, true)
		}
		fmt.Fprintln(w, strings.TrimRight(b, " "))
	}
	row(l.columns[:]...)
	for _, t := range r.Totals {
		bill, billRef := fmt.Sprintf("%s (%d)", receipt.Yuan(t.BillFen), t.BillCount), receipt.Yuan(t.BillRefundFen)
		if !t.InBill {
			bill, billRef = "-", "-" // not "—": a terminal may draw it two columns wide
		}
		row(l.tender(t.Tender), fmt.Sprintf("%s (%d)", receipt.Yuan(t.LocalFen), t.LocalCount), bill, receipt.Yuan(t.LocalRefundFen), billRef)
	}
	fmt.Fprintf(w, l.fees+"\n", receipt.Yuan(csvout.FeeFen(r.Fees.TerminalMilliFen)), receipt.Yuan(csvout.FeeFen(r.Fees.OtherMilliFen)))
	if len(r.Differences) == 0 {
		_, err := fmt.Fprintln(w, l.noDiffs)
		return err
	}
	fmt.Fprintln(w, l.diffs)
	for i := range r.Differences {
		d := &r.Differences[i]
		no := d.OutTradeNo
		if d.Subject == SubjectRefund {
			no = d.OutRefundNo + " (" + l.subjects[SubjectOrder] + " " + d.OutTradeNo + ")"
		}
		mark, forced := l.openMark, ""
		if d.Resolved() {
			mark = l.resolvedMark
		}
		if d.Forced {
			forced = l.forced
		}
		none := func(s string) string {
			if s == "" {
				return l.none
			}
			return s
		}
		fmt.Fprintf(w, l.line+"\n", mark, l.kinds[d.Kind], l.subjects[d.Subject], no,
			receipt.Yuan(d.LocalFen), none(d.LocalState), forced, receipt.Yuan(d.BillFen), none(d.BillState))
		fmt.Fprintf(w, l.id+"\n", d.ID)
		if d.Resolved() {
			fmt.Fprintf(w, l.resolved+"\n", l.actions[d.Resolution.Action], d.Resolution.Actor, d.Resolution.Note)
		} else {
			fmt.Fprintf(w, "      %s\n", l.advice(adviceOf(d)))
		}
		if d.LastQuery != "" {
			fmt.Fprintf(w, l.lastQuery+"\n", d.LastQuery)
		}
	}
	return nil
}

// pad fills s with spaces to n columns (a hanzi takes two), on the left
// when right-aligned.
func pad(s string, n int, right bool) string {
	fill := strings.Repeat(" ", max(n-receipt.StringWidth(s), 0))
	if right {
		return fill + s
	}
	return s + fill
}

// fundFlowLabels are the words of WriteFundFlowText in one language.
type fundFlowLabels struct {
	title, balanced, diffs, totals, line, id string
	kinds                                    map[Kind]string
	advice                                   func(string) string
}

var fundFlowEN = fundFlowLabels{
	title: "fund flow %s (basic account, the whole merchant): %s", balanced: "BALANCED", diffs: "%d differences",
	totals: "  trade bill ¥%s net of fees ¥%s; basic account ¥%s net of fees ¥%s",
	line:   "  [%s] %s %s: trade bill %s, account %s", id: "      id %s",
	kinds:  map[Kind]string{KindFeeMismatch: "fee_mismatch", KindSettlementMismatch: "settlement_mismatch"},
	advice: func(en string) string { return en },
}

var fundFlowZH = fundFlowLabels{
	title: "资金账单核对 %s（基本账户，全商户）：%s", balanced: "一致", diffs: "%d 处不符",
	totals: "  交易账单净额 ¥%s，手续费 ¥%s；基本账户净额 ¥%s，手续费 ¥%s",
	line:   "  [%s] %s %s：交易账单 %s，账户 %s", id: "      编号 %s",
	kinds: map[Kind]string{KindFeeMismatch: "手续费不符", KindSettlementMismatch: "入账金额不符"},
	advice: func(en string) string {
		if zh := fundAdviceZH(en); zh != "" {
			return zh
		}
		return en
	},
}

// WriteFundFlowText writes a day's fund-flow check for people, labelled in
// lang as WriteText: the day's net and fees by each bill (rounded to the
// fen; the check keeps thousandths), then each difference with what to do.
func WriteFundFlowText(w io.Writer, c *FundFlowCheck, lang csvout.Lang) error {
	l, subjects := &fundFlowEN, textEN.subjects
	if lang == csvout.Chinese {
		l, subjects = &fundFlowZH, textZH.subjects
	}
	state := l.balanced
	if !c.Balanced() {
		state = fmt.Sprintf(l.diffs, len(c.Differences))
	}
	y := func(milli int64) string { return receipt.Yuan(csvout.FeeFen(milli)) }
	fmt.Fprintf(w, l.title+"\n", c.Day.Dashed(), state)
	fmt.Fprintf(w, l.totals+"\n", y(c.BillNetMilliFen), y(c.BillFeeMilliFen), y(c.FlowNetMilliFen), y(c.FlowFeeMilliFen))
	for _, d := range c.Differences {
		no := d.TransactionID
		if d.Subject == SubjectRefund {
			no = d.RefundID
		}
		if v := d.OutTradeNo + d.OutRefundNo; v != "" {
			no += " (" + v + ")"
		}
		_, err := fmt.Fprintf(w, l.line+"\n"+l.id+"\n      %s\n", l.kinds[d.Kind], subjects[d.Subject], no,
			receipt.Yuan(d.LocalFen), receipt.Yuan(d.BillFen), d.ID, l.advice(d.Advice))
		if err != nil {
			return err
		}
	}
	return nil
}
