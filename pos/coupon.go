package pos

// Coupons. A customer may pay part of a WeChat sale with a coupon: the
// sale's AmountFen is the order total WeChat knows, CouponFen what the
// coupon paid of it. A refund is asked against the order total, and
// WeChat gives the coupon back in proportion, the customer the rest in
// cash.

// PayerFen is what the customer paid for the sale.
func (o *Order) PayerFen() int64 { return o.AmountFen - o.CouponFen }

// SettledFen is what WeChat settles to the merchant for the sale: the
// total less the coupons the merchant funds.
func (o *Order) SettledFen() int64 { return o.AmountFen - o.MerchantCouponFen }

// PayerFen is what the customer gets back from the refund.
func (r *Refund) PayerFen() int64 { return r.AmountFen - r.CouponFen }

// SettledFen is what the refund takes back from the merchant's settlement.
func (r *Refund) SettledFen() int64 { return r.AmountFen - r.MerchantCouponFen }

// CouponShare is the part of share — a sale's coupon total, or its
// merchant-funded part — that a refund of refundFen gives back, when
// earlier refunds already hold heldFen of the sale's totalFen. After
// refunds totalling x, ⌊x·share/total⌋ has gone back; each refund takes
// the increase. This is how the sandbox splits (wechat/sandbox/coupon.go):
// rounding the running total never drifts, so a full refund returns the
// whole coupon and exactly what the customer paid, however it is split.
// WeChat's answer replaces the prediction when it comes.
func CouponShare(share, totalFen, heldFen, refundFen int64) int64 {
	if share <= 0 || totalFen <= 0 {
		return 0
	}
	upTo := func(x int64) int64 { return min(x, totalFen) * share / totalFen } // int32 fen: no overflow
	return upTo(heldFen+refundFen) - upTo(heldFen)
}
