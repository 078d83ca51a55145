package receipt

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"
)

// ReportKind says whether a day report is a read-only X report or the
// closing Z report.
type ReportKind string

// Day report kinds.
const (
	ReportX ReportKind = "X" // mid-day reading; totals keep running
	ReportZ ReportKind = "Z" // end of day; numbered, closes the session
)

// TenderSummary is one tender's share of a day report. Amounts are in fen.
type TenderSummary struct {
	Tender      Tender `json:"tender"`
	SaleCount   int64  `json:"sale_count"`
	SaleFen     int64  `json:"sale_fen"`
	RefundCount int64  `json:"refund_count"`
	RefundFen   int64  `json:"refund_fen"` // positive: money returned
	// CouponFen is what WeChat coupons paid of the net sales (sales'
	// coupons less the coupon parts refunded): customers paid the rest.
	// MerchantCouponFen is the part the merchant funds (NOCASH coupons):
	// WeChat settles the net less it.
	CouponFen         int64 `json:"coupon_fen,omitempty"`
	MerchantCouponFen int64 `json:"merchant_coupon_fen,omitempty"`
}

// NetFen is sales minus refunds for the tender.
func (t TenderSummary) NetFen() int64 { return t.SaleFen - t.RefundFen }

// DayReport is what an X or Z report prints. The session code fills it; the
// totals are computed from Tenders so they cannot disagree with them.
type DayReport struct {
	Kind       ReportKind `json:"kind"`
	ZNo        int64      `json:"z_no,omitempty"` // Z reports: sequential per terminal
	StoreName  string     `json:"store_name"`
	StoreID    string     `json:"store_id"`
	TerminalID string     `json:"terminal_id"`
	Operator   string     `json:"operator,omitempty"` // who took the report
	OpenedAt   time.Time  `json:"opened_at"`          // session start
	TakenAt    time.Time  `json:"taken_at"`           // when the report was taken (closing time for Z)
	// BusinessDay is the yyyymmdd the report is of: the money recorded on
	// that business day (after a day's Z, on the next day).
	BusinessDay string `json:"business_day,omitempty"`

	Tenders []TenderSummary `json:"tenders"`
	// GrossFen is the day's sales before discounts and DiscountFen what
	// the discounts took off (lines and whole sales): GrossFen −
	// DiscountFen is the sales total of Tenders. A sale keyed as an amount
	// counts at its amount, without discount.
	GrossFen    int64 `json:"gross_fen,omitempty"`
	DiscountFen int64 `json:"discount_fen,omitempty"`
	// Returned are the items given back by the day's refunds by line,
	// one per name and unit; a refund of an amount names no item.
	Returned []ReturnedItem `json:"returned,omitempty"`

	// Cash drawer.
	OpeningFloatFen int64 `json:"opening_float_fen"` // 备用金 put in at opening
	ExpectedCashFen int64 `json:"expected_cash_fen"` // float + cash sales - cash refunds (± payouts)
	CashCounted     bool  `json:"cash_counted"`      // CountedCashFen is meaningful
	CountedCashFen  int64 `json:"counted_cash_fen"`

	// PendingCount is the number of payments still in doubt (UNKNOWN) when
	// the report was taken; their money is not in the totals.
	PendingCount int64 `json:"pending_count,omitempty"`

	Training bool `json:"training,omitempty"`
}

// Totals sums the tenders: sales, refunds and their difference.
func (d DayReport) Totals() (sales, refunds TenderSummary, netFen int64) {
	for _, t := range d.Tenders {
		sales.SaleCount += t.SaleCount
		sales.SaleFen += t.SaleFen
		refunds.RefundCount += t.RefundCount
		refunds.RefundFen += t.RefundFen
	}
	return sales, refunds, sales.SaleFen - refunds.RefundFen
}

// Coupons sums the tenders' WeChat coupons (微信优惠): what they paid of the
// net, and the merchant-funded part of it. Customers paid net − coupons;
// the money received (WeChat's settlement plus cash) is net − merchant.
func (d DayReport) Coupons() (couponFen, merchantFen int64) {
	for _, t := range d.Tenders {
		couponFen += t.CouponFen
		merchantFen += t.MerchantCouponFen
	}
	return couponFen, merchantFen
}

// CashDiffFen is counted minus expected cash: positive is over (长款),
// negative short (短款). It is 0 when the cash was not counted.
func (d DayReport) CashDiffFen() int64 {
	if !d.CashCounted {
		return 0
	}
	return d.CountedCashFen - d.ExpectedCashFen
}

// LayoutReport lays out an X or Z report.
func LayoutReport(d DayReport, o Options) (Doc, error) {
	cols, err := o.cols()
	if err != nil {
		return Doc{}, err
	}
	var title string
	switch d.Kind {
	case ReportX:
		title = "X 报表（不清零）"
	case ReportZ:
		title = fmt.Sprintf("Z 报表 日结 No.%06d", d.ZNo)
	default:
		return Doc{}, fmt.Errorf("%w: report kind %q", ErrLayout, d.Kind)
	}
	b := &builder{cols: cols}
	header(b, d.StoreName, title, d.Training, o)
	b.kvIf("门店", d.StoreID)
	b.kvIf("终端", d.TerminalID)
	b.kvIf("操作员", d.Operator)
	b.kvIf("营业日", dayLabel(d.BusinessDay))
	b.kv("营业开始", o.clock(d.OpenedAt), 0)
	b.kv("报表时间", o.clock(d.TakenAt), 0)
	b.rule("-")

	countW, amtW := 5, 11
	nameW := cols - countW - amtW
	row := func(name string, count int64, fen int64, s Style) {
		c, a := strconv.FormatInt(count, 10), Yuan(fen)
		if StringWidth(name) > nameW || StringWidth(c) >= countW || StringWidth(a) >= amtW {
			b.kv(name, c+" 笔  "+a, s)
			return
		}
		b.add(padRight(name, nameW)+padLeft(c, countW)+padLeft(a, amtW), AlignLeft, s)
	}
	b.add(padRight("支付方式", nameW)+padLeft("笔数", countW)+padLeft("金额", amtW), AlignLeft, 0)
	for _, t := range d.Tenders {
		row(TenderLabel(t.Tender), t.SaleCount, t.SaleFen, 0)
		if t.RefundCount != 0 || t.RefundFen != 0 {
			row("  退款", t.RefundCount, -t.RefundFen, 0)
		}
	}
	b.rule("-")
	sales, refunds, net := d.Totals()
	if d.DiscountFen != 0 {
		b.kv("原价合计", Yuan(d.GrossFen), 0)
		b.kv("折扣优惠", Yuan(-d.DiscountFen), 0)
	}
	row("销售合计", sales.SaleCount, sales.SaleFen, 0)
	row("退款合计", refunds.RefundCount, -refunds.RefundFen, 0)
	b.kv("净额", "￥"+Yuan(net), Bold|Tall)
	if disc, mch := d.Coupons(); disc != 0 || mch != 0 {
		b.kv("其中微信优惠", Yuan(disc), 0)
		b.kv("顾客实付", Yuan(net-disc), 0)
		b.kv("实收（结算+现金）", Yuan(net-mch), Bold)
	}
	reportReturned(b, d.Returned)
	b.rule("-")
	reportCash(b, d)
	if d.PendingCount > 0 {
		b.rule("-")
		b.kv("待确认支付", strconv.FormatInt(d.PendingCount, 10)+" 笔", Bold)
		b.para("待确认支付未计入以上金额", AlignLeft, 0)
	}
	b.rule("-")
	if d.Kind == ReportZ {
		b.para("日结完成，本班次已关闭", AlignCenter, 0)
	}
	b.add("经理签字: ", AlignLeft, 0)
	b.blank()
	footer(b, d.Training, Options{Footer: "-", Reprint: o.Reprint})
	return b.doc(), nil
}

// reportCash is the drawer part of an X/Z: float, expected and counted
// cash, and the difference named as over or short.
func reportCash(b *builder, d DayReport) {
	b.kv("备用金", Yuan(d.OpeningFloatFen), 0)
	b.kv("应有现金", Yuan(d.ExpectedCashFen), 0)
	if d.CashCounted {
		b.kv("实点现金", Yuan(d.CountedCashFen), 0)
		diff := d.CashDiffFen()
		label := "差额"
		switch {
		case diff > 0:
			label = "差额（长款）"
		case diff < 0:
			label = "差额（短款）"
		}
		b.kv(label, Yuan(diff), Bold)
	} else {
		b.kv("实点现金", "未清点", 0)
	}
}

// ReturnedItem is how much of one item the day's refunds by line gave
// back: Qty pieces, or grams when Unit is UnitKg, and the money returned.
type ReturnedItem struct {
	Name      string `json:"name"`
	Unit      string `json:"unit,omitempty"`
	Qty       int64  `json:"qty"`
	AmountFen int64  `json:"amount_fen"`
}

// QtyText is the quantity as printed: pieces, or kg with three decimals.
func (it ReturnedItem) QtyText() string { return QtyText(Line{Unit: it.Unit, Qty: it.Qty}) }

// AddReturned counts the lines of one refund into items, by name and
// unit, keeping them sorted so a report reads the same however its
// refunds were ordered.
func AddReturned(items []ReturnedItem, lines []RefundLine) []ReturnedItem {
	for _, l := range lines {
		i := sort.Search(len(items), func(i int) bool {
			return items[i].Name > l.Name || (items[i].Name == l.Name && items[i].Unit >= l.Unit)
		})
		if i == len(items) || items[i].Name != l.Name || items[i].Unit != l.Unit {
			items = slices.Insert(items, i, ReturnedItem{Name: l.Name, Unit: l.Unit})
		}
		items[i].Qty += l.Qty
		items[i].AmountFen += l.AmountFen
	}
	return items
}

// reportReturned lists the items given back, under the totals.
func reportReturned(b *builder, items []ReturnedItem) {
	if len(items) == 0 {
		return
	}
	b.rule("-")
	b.para("退货商品", AlignLeft, 0)
	for _, it := range items {
		b.kv("  "+clean(it.Name)+" x"+it.QtyText(), Yuan(-it.AmountFen), 0)
	}
}
