package receipt

import (
	"fmt"
	"strconv"
	"time"

	"github.com/wxpos/wxpos/tz"
)

// Marks printed on special receipts.
const (
	ReprintMark  = "重印"
	TrainingMark = "训练模式 — 不会真实扣款"
)

// Options control a layout. The zero value lays out for 58 mm paper.
type Options struct {
	// Cols is the line width in columns: 32 (58 mm) or 48 (80 mm); 0 means 32.
	Cols int
	// Reprint marks the receipt 重印; ReprintTime, when set, is printed too.
	Reprint     bool
	ReprintTime time.Time
	// Location is the time zone for printed times; nil means Beijing time.
	Location *time.Location
	// Footer replaces the default closing line; "-" prints none.
	Footer string
}

func (o Options) cols() (int, error) {
	c := o.Cols
	if c == 0 {
		c = 32
	}
	if c < MinCols {
		return 0, fmt.Errorf("%w: %d columns (minimum %d)", ErrLayout, c, MinCols)
	}
	return c, nil
}

func (o Options) clock(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	loc := o.Location
	if loc == nil {
		loc = tz.Shanghai
	}
	return t.In(loc).Format("2006-01-02 15:04:05")
}

// businessDay is r's business day as printed when it is not the calendar
// day (Asia/Shanghai) of r.Time, else "": the date on the receipt says it.
func businessDay(r Receipt) string {
	if r.BusinessDay == "" || r.BusinessDay == r.Time.In(tz.Shanghai).Format("20060102") {
		return ""
	}
	return dayLabel(r.BusinessDay)
}

// dayLabel prints a yyyymmdd day as yyyy-mm-dd ("" stays "").
func dayLabel(day string) string {
	t, err := time.Parse("20060102", day)
	if err != nil {
		return day
	}
	return t.Format(time.DateOnly)
}

// TenderLabel is the Chinese name of a tender as printed on receipts.
func TenderLabel(t Tender) string {
	switch t {
	case TenderWeChatScan:
		return "微信支付(付款码)"
	case TenderWeChatQR:
		return "微信支付(扫码)"
	case TenderCash:
		return "现金"
	}
	return string(t)
}

// LookupCode is the content of the QR code printed on a receipt: the
// out_trade_no that refunds and history search by, or the local receipt
// number for a cash sale.
func LookupCode(r Receipt) string {
	if r.OutTradeNo != "" {
		return r.OutTradeNo
	}
	return r.No
}

// Layout lays out a sale or refund receipt.
func Layout(r Receipt, o Options) (Doc, error) {
	cols, err := o.cols()
	if err != nil {
		return Doc{}, err
	}
	b := &builder{cols: cols}
	switch r.Kind {
	case KindSale:
		layoutSale(b, r, o)
	case KindRefund:
		layoutRefund(b, r, o)
	default:
		return Doc{}, fmt.Errorf("%w: receipt %s has kind %q", ErrLayout, r.No, r.Kind)
	}
	return b.doc(), nil
}

func header(b *builder, store, title string, training bool, o Options) {
	if store != "" {
		b.para(store, AlignCenter, Bold|Wide|Tall)
	}
	if training {
		b.para(TrainingMark, AlignCenter, Bold)
	}
	b.para(title, AlignCenter, Bold)
	if o.Reprint {
		b.para("** "+ReprintMark+" **", AlignCenter, Bold|Wide|Tall)
		if !o.ReprintTime.IsZero() {
			b.kv("重印时间", o.clock(o.ReprintTime), 0)
		}
	}
	b.rule("-")
}

func footer(b *builder, training bool, o Options) {
	switch o.Footer {
	case "":
		b.para("谢谢惠顾，欢迎再次光临", AlignCenter, 0)
	case "-":
	default:
		b.para(o.Footer, AlignCenter, 0)
	}
	if training {
		b.para(TrainingMark, AlignCenter, Bold)
	}
	if o.Reprint {
		b.para("** "+ReprintMark+" **", AlignCenter, Bold)
	}
}

func ids(b *builder, r Receipt, o Options) {
	b.kv("小票号", r.No, 0)
	b.kv("时间", o.clock(r.Time), 0)
	b.kvIf("营业日", businessDay(r))
	b.kvIf("门店", r.StoreID)
	b.kvIf("终端", r.TerminalID)
	b.kvIf("收银员", r.Cashier)
}

// Item table column widths (the name column gets the rest).
const (
	qtyW   = 5
	priceW = 9
	totalW = 10
)

func items(b *builder, lines []Line) {
	nameW := b.cols - qtyW - priceW - totalW
	b.add(padRight("商品", nameW)+padLeft("数量", qtyW)+padLeft("单价", priceW)+padLeft("金额", totalW), AlignLeft, 0)
	for _, l := range lines {
		name := clean(l.Name)
		qty, unit, total := QtyText(l), Yuan(l.UnitFen), Yuan(l.TotalFen+discountOf(l.Discount))
		if StringWidth(qty) >= qtyW || StringWidth(unit) >= priceW || StringWidth(total) >= totalW {
			// Numbers too long for the table: name, then "qty x unit   total".
			b.para(name, AlignLeft, 0)
			b.kv("  "+qty+" x "+unit, total, 0)
			adjustments(b, l)
			continue
		}
		nums := padLeft(qty, qtyW) + padLeft(unit, priceW) + padLeft(total, totalW)
		if StringWidth(name) <= nameW {
			b.add(padRight(name, nameW)+nums, AlignLeft, 0)
		} else {
			b.para(name, AlignLeft, 0)
			b.add(padLeft(nums, b.cols), AlignLeft, 0)
		}
		adjustments(b, l)
	}
	b.rule("-")
}

// adjustments prints under a line its changed price and its discount.
func adjustments(b *builder, l Line) {
	if o := l.Override; o != nil {
		b.kv("  改价 原价"+Yuan(o.ListFen), clean(o.Reason), 0)
	}
	if d := l.Discount; d != nil {
		b.kv("  "+DiscountLabel(*d), "-"+Yuan(d.AmountFen), 0)
	}
}

// DiscountLabel names a discount as printed: "折扣 10% 会员" or "优惠 临期".
func DiscountLabel(d Discount) string {
	if d.Percent > 0 {
		return "折扣 " + strconv.FormatInt(d.Percent, 10) + "% " + clean(d.Reason)
	}
	return "优惠 " + clean(d.Reason)
}

func discountOf(d *Discount) int64 {
	if d == nil {
		return 0
	}
	return d.AmountFen
}

// QtyText is a line's quantity as printed: pieces, or kilograms with
// three decimals for a weighed line ("1.500kg").
func QtyText(l Line) string {
	if !l.Weighed() {
		return strconv.FormatInt(l.Qty, 10)
	}
	return strconv.FormatInt(l.Qty/1000, 10) + "." + fmt.Sprintf("%03d", l.Qty%1000) + "kg"
}

// totals prints the sale's gross, its discounts and the order discount
// when there are any, above the total.
func totals(b *builder, r Receipt) {
	var gross, off int64
	for _, l := range r.Lines {
		gross += l.TotalFen + discountOf(l.Discount)
		off += discountOf(l.Discount)
	}
	if r.Discount != nil {
		b.kv("小计", Yuan(gross-off), 0)
		b.kv("整单"+DiscountLabel(*r.Discount), "-"+Yuan(r.Discount.AmountFen), 0)
		off += r.Discount.AmountFen
	}
	if off > 0 {
		b.kv("共优惠", "-"+Yuan(off), 0)
	}
}

func layoutSale(b *builder, r Receipt, o Options) {
	header(b, r.StoreName, "销售小票", r.Training, o)
	ids(b, r, o)
	b.rule("-")
	if len(r.Lines) > 0 {
		items(b, r.Lines)
		totals(b, r)
	}
	b.kv("合计", "￥"+Yuan(r.TotalFen), Bold|Tall)
	if r.CouponFen != 0 {
		b.kv("微信优惠", "-"+Yuan(r.CouponFen), 0)
		b.kv("实付", "￥"+Yuan(r.TotalFen-r.CouponFen), Bold)
	}
	b.kv("支付方式", TenderLabel(r.Tender), 0)
	if r.Tender == TenderCash {
		b.kv("实收", Yuan(r.TenderedFen), 0)
		b.kv("找零", Yuan(r.ChangeFen), 0)
	}
	b.kvIf("商户单号", r.OutTradeNo)
	b.kvIf("微信支付单号", r.TransactionID)
	b.rule("-")
	b.qr(clean(LookupCode(r)))
	b.para("退款或查询请出示此码", AlignCenter, 0)
	footer(b, r.Training, o)
}

func layoutRefund(b *builder, r Receipt, o Options) {
	header(b, r.StoreName, "退款凭证", r.Training, o)
	ids(b, r, o)
	b.rule("-")
	b.kvIf("原小票号", r.SaleReceipt)
	b.kvIf("原商户单号", r.OutTradeNo)
	b.kvIf("原微信支付单号", r.TransactionID)
	if r.TotalFen != 0 {
		b.kv("原订单金额", Yuan(r.TotalFen), 0)
	}
	b.kvIf("退款单号", r.OutRefundNo)
	b.kvIf("微信退款单号", r.RefundID)
	b.kv("退款方式", TenderLabel(r.Tender), 0)
	b.kvIf("退款原因", r.Reason)
	if len(r.RefundLines) > 0 {
		b.rule("-")
		b.para("退货商品", AlignLeft, 0)
		for _, l := range r.RefundLines {
			b.kv("  "+clean(l.Name)+" x"+l.QtyText(), Yuan(l.AmountFen), 0)
		}
	}
	b.rule("-")
	b.kv("退款金额", "￥"+Yuan(r.RefundFen), Bold|Tall)
	if r.CouponFen != 0 {
		b.kv("退回微信优惠", Yuan(r.CouponFen), 0)
		b.kv("实退", "￥"+Yuan(r.RefundFen-r.CouponFen), Bold)
	}
	if r.Tender != TenderCash {
		b.para("款项原路退回，到账时间以微信支付为准", AlignLeft, 0)
	}
	b.blank()
	b.add("经办人签字: ", AlignLeft, 0)
	b.blank()
	b.rule("-")
	b.qr(clean(LookupCode(r)))
	footer(b, r.Training, Options{Footer: "-", Reprint: o.Reprint})
}
