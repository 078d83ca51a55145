package sandbox

import "strconv"

// Coupons (promotion_detail). The scenarios ScenarioCoupon and
// ScenarioCouponWeChat pay with one ¥1.00 whole-order (GLOBAL) coupon:
//
//   - NOCASH (免充值券, v2 NO_CASH), funded by the merchant: the merchant
//     gives the discount out of its own takings, so it is settled
//     total − coupon (应结订单金额 = 订单金额 − 免充值券金额);
//   - CASH (充值型代金券), funded by WeChat out of pre-charged money: the
//     merchant is settled the whole total, the coupon's part coming from
//     the funder.
//
// Either way the customer pays total − coupon (payer_total, v2 cash_fee).
// A coupon applies only when the customer is left at least one fen to pay
// (total > 100 fen, as a real "满1.01减1" stock); a smaller order pays in
// full without it.

// couponFaceFen is the face value of the sandbox's coupons.
const couponFaceFen = 100

// Coupon types as v3 spells them in a payment's promotion_detail.
const (
	couponCash   = "CASH"
	couponNoCash = "NOCASH"
)

// coupon is the coupon one order was paid with.
type coupon struct {
	ID          string `json:"id"`
	StockID     string `json:"stock_id"`
	Name        string `json:"name"`
	Type        string `json:"type"` // couponCash or couponNoCash
	AmountFen   int64  `json:"amount_fen"`
	WeChatFen   int64  `json:"wechatpay_fen,omitempty"`
	MerchantFen int64  `json:"merchant_fen,omitempty"`
}

// couponFor is the coupon a customer of sc uses on an order of totalFen,
// or nil. n makes the coupon id unique.
func couponFor(sc Scenario, totalFen, n int64) *coupon {
	if totalFen <= couponFaceFen {
		return nil
	}
	c := &coupon{ID: strconv.FormatInt(1_000_000_000+n, 10), AmountFen: couponFaceFen}
	switch sc {
	case ScenarioCoupon:
		c.StockID, c.Name, c.Type, c.MerchantFen = "9856001", "商户立减1元", couponNoCash, couponFaceFen
	case ScenarioCouponWeChat:
		c.StockID, c.Name, c.Type, c.WeChatFen = "9856002", "微信支付代金券1元", couponCash, couponFaceFen
	default:
		return nil
	}
	return c
}

// couponTypeOf is c's type, "" for none.
func couponTypeOf(c *coupon) string {
	if c == nil {
		return ""
	}
	return c.Type
}

// isCouponScenario reports whether sc pays with a coupon.
func isCouponScenario(sc Scenario) bool {
	return sc == ScenarioCoupon || sc == ScenarioCouponWeChat
}

// discountFen is the coupon part of o (0 without a coupon).
func (o *order) discountFen() int64 {
	if o.Coupon == nil {
		return 0
	}
	return o.Coupon.AmountFen
}

// payerFen is what the customer paid for o.
func (o *order) payerFen() int64 { return o.AmountFen - o.discountFen() }

// settlementFen is what the merchant is settled for o: the total less a
// merchant-funded (NOCASH) coupon.
func (o *order) settlementFen() int64 { return o.AmountFen - noCashPart(o.Coupon, o.discountFen()) }

// noCashPart is amount when c is a NOCASH coupon, else 0: the part of a
// discount the merchant funds and is therefore never settled.
func noCashPart(c *coupon, amount int64) int64 {
	if c != nil && c.Type == couponNoCash {
		return amount
	}
	return 0
}

// cashPart is amount when c is a CASH coupon, else 0.
func cashPart(c *coupon, amount int64) int64 {
	if c != nil && c.Type == couponCash {
		return amount
	}
	return 0
}

// refundDiscount is the coupon part of a refund of refundFen on o, whose
// earlier live refunds total o.RefundedFen. The coupon goes back in
// proportion to the amount: after refunds totalling x the coupon refunded
// so far is ⌊x·coupon/total⌋ fen, and each refund takes the increase. The
// running total, not each refund, is rounded, so rounding never drifts: a
// full refund returns exactly the coupon and the customer exactly what
// they paid, however it was split. Rounding down leaves the odd fen with
// the customer's cash, never with the coupon.
func refundDiscount(o *order, refundFen int64) int64 {
	c := o.discountFen()
	if c == 0 || o.AmountFen <= 0 {
		return 0
	}
	upTo := func(x int64) int64 { return x * c / o.AmountFen } // amounts are int32: no overflow
	return upTo(o.RefundedFen+refundFen) - upTo(o.RefundedFen)
}

// payerRefundFen is what the customer gets back in cash from r.
func (r *refund) payerRefundFen() int64 { return r.AmountFen - r.DiscountFen }

// settlementRefundFen is what r takes back from the merchant's settlement:
// the refund less its NOCASH coupon part (退款金额 = 申请退款金额 −
// 非充值券退款金额).
func (r *refund) settlementRefundFen() int64 {
	return r.AmountFen - noCashPart(r.Coupon, r.DiscountFen)
}

// payerTotalFen and settlementTotalFen are the order's amounts as a
// refund repeats them.
func (r *refund) payerTotalFen() int64 {
	if r.Coupon == nil {
		return r.TotalFen
	}
	return r.TotalFen - r.Coupon.AmountFen
}

func (r *refund) settlementTotalFen() int64 {
	if r.Coupon == nil {
		return r.TotalFen
	}
	return r.TotalFen - noCashPart(r.Coupon, r.Coupon.AmountFen)
}

// v3Promotion is one entry of a v3 transaction's promotion_detail.
type v3Promotion struct {
	CouponID            string `json:"coupon_id"`
	Name                string `json:"name"`
	Scope               string `json:"scope"`
	Type                string `json:"type"`
	Amount              int64  `json:"amount"`
	StockID             string `json:"stock_id"`
	WechatpayContribute int64  `json:"wechatpay_contribute"`
	MerchantContribute  int64  `json:"merchant_contribute"`
	OtherContribute     int64  `json:"other_contribute"`
	Currency            string `json:"currency"`
}

func v3PromotionsOf(c *coupon) []v3Promotion {
	if c == nil {
		return nil
	}
	return []v3Promotion{{
		CouponID: c.ID, Name: c.Name, Scope: "GLOBAL", Type: c.Type, Amount: c.AmountFen, StockID: c.StockID,
		WechatpayContribute: c.WeChatFen, MerchantContribute: c.MerchantFen, Currency: "CNY",
	}}
}

// v3RefundPromotion is one entry of a v3 refund's promotion_detail. A
// refund spells the coupon type COUPON (CASH: goes through settlement) or
// DISCOUNT (NOCASH: does not).
type v3RefundPromotion struct {
	PromotionID  string `json:"promotion_id"`
	Scope        string `json:"scope"`
	Type         string `json:"type"`
	Amount       int64  `json:"amount"`
	RefundAmount int64  `json:"refund_amount"`
}

func v3RefundPromotionsOf(r *refund) []v3RefundPromotion {
	if r.Coupon == nil {
		return []v3RefundPromotion{}
	}
	typ := "COUPON"
	if r.Coupon.Type == couponNoCash {
		typ = "DISCOUNT"
	}
	return []v3RefundPromotion{{PromotionID: r.Coupon.ID, Scope: "GLOBAL", Type: typ, Amount: r.Coupon.AmountFen, RefundAmount: r.DiscountFen}}
}

// v2CouponType is the v2 spelling of a coupon type (CASH, NO_CASH).
func v2CouponType(c *coupon) string {
	if c.Type == couponNoCash {
		return "NO_CASH"
	}
	return "CASH"
}

// v2OrderCouponFields adds a paid order's coupon fields to f (orderquery,
// payment notification): cash_fee is what the customer paid,
// settlement_total_fee appears only with a NOCASH coupon, and the coupons
// are listed with index $n from 0. withList false leaves out the list
// (micropay answers carry only coupon_fee).
func v2OrderCouponFields(f map[string]string, o *order, withList bool) {
	c := o.Coupon
	f["cash_fee"] = strconv.FormatInt(o.payerFen(), 10)
	if c == nil {
		return
	}
	f["coupon_fee"] = strconv.FormatInt(c.AmountFen, 10)
	if c.Type == couponNoCash {
		f["settlement_total_fee"] = strconv.FormatInt(o.settlementFen(), 10)
	}
	if withList {
		f["coupon_count"] = "1"
		f["coupon_type_0"] = v2CouponType(c)
		f["coupon_id_0"] = c.ID
		f["coupon_fee_0"] = strconv.FormatInt(c.AmountFen, 10)
	}
}

// v2RefundCouponFields adds r's coupon split to f under suffix ("" for
// the refund answer, "_$n" for refundquery's refund n): the coupon part
// refunded and, per coupon, its type, id and part (indexed _$m).
func v2RefundCouponFields(f map[string]string, r *refund, suffix string) {
	f["settlement_refund_fee"+suffix] = strconv.FormatInt(r.settlementRefundFen(), 10)
	if r.Coupon == nil {
		return
	}
	f["coupon_refund_fee"+suffix] = strconv.FormatInt(r.DiscountFen, 10)
	f["coupon_refund_count"+suffix] = "1"
	f["coupon_type"+suffix+"_0"] = v2CouponType(r.Coupon)
	f["coupon_refund_id"+suffix+"_0"] = r.Coupon.ID
	f["coupon_refund_fee"+suffix+"_0"] = strconv.FormatInt(r.DiscountFen, 10)
}
