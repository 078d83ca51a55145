package wechat

import (
	"fmt"
	"strconv"
)

// PromotionType says who carries a coupon's cost at settlement.
type PromotionType string

// Promotion types, normalised across generations and endpoints: a payment
// spells them CASH/NOCASH (v2 CASH/NO_CASH), a v3 refund COUPON/DISCOUNT.
const (
	// PromotionCash is a pre-charged coupon (充值型代金券): its funder
	// paid for it in advance, so the merchant is settled the whole total.
	PromotionCash PromotionType = "CASH"
	// PromotionNoCash is a coupon without pre-charge (免充值券), funded out
	// of the merchant's takings: the merchant is settled the total less it.
	PromotionNoCash PromotionType = "NOCASH"
)

func normalizePromotionType(s string) PromotionType {
	switch s {
	case "NO_CASH", "DISCOUNT":
		return PromotionNoCash
	case "COUPON":
		return PromotionCash
	}
	return PromotionType(s)
}

// Promotion is one coupon or discount WeChat Pay applied to a payment
// (v3 promotion_detail, v2 coupon_*_$n), amounts in fen. On a Refund,
// Refund is the part of Amount that refund gives back.
type Promotion struct {
	ID                  string // coupon_id (v3 refund: promotion_id)
	Name                string
	Scope               string // GLOBAL (whole order) or SINGLE (items)
	Type                PromotionType
	Amount              int64
	StockID             string
	WeChatPayContribute int64
	MerchantContribute  int64
	OtherContribute     int64
	Refund              int64
}

// v3Promotion is a promotion_detail entry of a transaction or a refund.
type v3Promotion struct {
	CouponID            string `json:"coupon_id"`
	PromotionID         string `json:"promotion_id"` // refunds
	Name                string `json:"name"`
	Scope               string `json:"scope"`
	Type                string `json:"type"`
	Amount              int64  `json:"amount"`
	RefundAmount        int64  `json:"refund_amount"` // refunds
	StockID             string `json:"stock_id"`
	WechatpayContribute int64  `json:"wechatpay_contribute"`
	MerchantContribute  int64  `json:"merchant_contribute"`
	OtherContribute     int64  `json:"other_contribute"`
}

// v3Promotions converts promotion_detail and checks its amounts against
// the total they discount; it returns the promotions, their sum and the
// part funded by the merchant (NOCASH), which is never settled.
func v3Promotions(in []v3Promotion, total int64) (out []Promotion, sum, noCash int64, err error) {
	for i, p := range in {
		id := p.CouponID
		if id == "" {
			id = p.PromotionID
		}
		pr := Promotion{ID: id, Name: p.Name, Scope: p.Scope, Type: normalizePromotionType(p.Type), Amount: p.Amount, StockID: p.StockID,
			WeChatPayContribute: p.WechatpayContribute, MerchantContribute: p.MerchantContribute, OtherContribute: p.OtherContribute, Refund: p.RefundAmount}
		if err := pr.check(fmt.Sprintf("promotion_detail[%d]", i)); err != nil {
			return nil, 0, 0, err
		}
		out = append(out, pr)
		sum += pr.Amount
		if pr.Type == PromotionNoCash {
			noCash += pr.Amount
		}
	}
	if sum > total {
		return nil, 0, 0, fmt.Errorf("promotion_detail: coupons of %d fen on a total of %d fen", sum, total)
	}
	return out, sum, noCash, nil
}

// check refuses a promotion whose amounts cannot be: negative, or a refund
// above the coupon.
func (p *Promotion) check(where string) error {
	for _, f := range []struct {
		name string
		v    int64
	}{{"amount", p.Amount}, {"refund_amount", p.Refund}, {"wechatpay_contribute", p.WeChatPayContribute},
		{"merchant_contribute", p.MerchantContribute}, {"other_contribute", p.OtherContribute}} {
		if f.v < 0 {
			return fmt.Errorf("%s: %s is %d fen", where, f.name, f.v)
		}
	}
	if p.Refund > p.Amount && p.Amount > 0 {
		return fmt.Errorf("%s: refunds %d fen of a %d-fen coupon", where, p.Refund, p.Amount)
	}
	return nil
}

// checkPaidAmounts verifies what a transaction says the customer paid and
// the merchant is settled against its total.
func checkPaidAmounts(total, payer, discount, settlement int64) error {
	switch {
	case payer < 0 || payer > total:
		return fmt.Errorf("payer_total %d fen outside 0..%d", payer, total)
	case discount < 0 || discount > total:
		return fmt.Errorf("discount %d fen outside 0..%d", discount, total)
	case settlement < 0 || settlement > total:
		return fmt.Errorf("settlement_total %d fen outside 0..%d", settlement, total)
	}
	return nil
}

// checkRefundAmounts verifies a refund's split: the coupon part and the
// settlement part lie within the refund.
func checkRefundAmounts(refund, payerRefund, discountRefund, settlementRefund int64) error {
	switch {
	case discountRefund < 0 || discountRefund > refund:
		return fmt.Errorf("discount_refund %d fen outside 0..%d", discountRefund, refund)
	case payerRefund < 0 || payerRefund > refund:
		return fmt.Errorf("payer_refund %d fen outside 0..%d", payerRefund, refund)
	case settlementRefund < 0 || settlementRefund > refund:
		return fmt.Errorf("settlement_refund %d fen outside 0..%d", settlementRefund, refund)
	}
	return nil
}

// v2Coupons reads the coupon list of a v2 answer: count field countKey,
// then for each $n the type, id and amount under prefix+"_$n" names
// (typeKey "coupon_type", idKey "coupon_id", feeKey "coupon_fee"; a
// refundquery's refund n passes "_n" as infix, giving coupon_type_n_$m).
func v2Coupons(m map[string]string, countKey, typeKey, idKey, feeKey, infix string) ([]Promotion, error) {
	n, err := v2Int(m, countKey)
	if err != nil {
		return nil, err
	}
	if n < 0 || n > 50 {
		return nil, fmt.Errorf("%s: %d coupons", countKey, n)
	}
	var out []Promotion
	for i := int64(0); i < n; i++ {
		sfx := infix + "_" + strconv.FormatInt(i, 10)
		amt, err := v2Int(m, feeKey+sfx)
		if err != nil {
			return nil, err
		}
		p := Promotion{ID: m[idKey+sfx], Type: normalizePromotionType(m[typeKey+sfx]), Amount: amt}
		if err := p.check(feeKey + sfx); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}
