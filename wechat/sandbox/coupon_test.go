package sandbox_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/wechat"
	"github.com/wxpos/wxpos/wechat/bill"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// couponCase is what each coupon scenario must produce on a 1000-fen order
// refunded 333 then 667 fen: the coupon's type in both generations and
// who is settled what.
type couponCase struct {
	sc                  sandbox.Scenario
	v3Type, v2Type      string
	refundType          string // v3 refund promotion_detail type
	wechatFen, mchFen   int64
	settleTotal         int64 // 应结订单金额 of the 1000-fen order
	settlementInV2Order bool  // settlement_total_fee present in v2 order answers
}

var couponCases = []couponCase{
	{sc: sandbox.ScenarioCoupon, v3Type: "NOCASH", v2Type: "NO_CASH", refundType: "DISCOUNT", mchFen: 100, settleTotal: 900, settlementInV2Order: true},
	{sc: sandbox.ScenarioCouponWeChat, v3Type: "CASH", v2Type: "CASH", refundType: "COUPON", wechatFen: 100, settleTotal: 1000},
}

type promotion struct {
	CouponID            string `json:"coupon_id"`
	Scope               string `json:"scope"`
	Type                string `json:"type"`
	Amount              int64  `json:"amount"`
	StockID             string `json:"stock_id"`
	WechatpayContribute int64  `json:"wechatpay_contribute"`
	MerchantContribute  int64  `json:"merchant_contribute"`
	OtherContribute     int64  `json:"other_contribute"`
	Currency            string `json:"currency"`
}

type couponTx struct {
	TradeState string `json:"trade_state"`
	Amount     struct {
		Total      int64 `json:"total"`
		PayerTotal int64 `json:"payer_total"`
	} `json:"amount"`
	Promotion []promotion `json:"promotion_detail"`
}

type couponRefund struct {
	Amount struct {
		Total            int64            `json:"total"`
		Refund           int64            `json:"refund"`
		From             []map[string]any `json:"from"`
		PayerTotal       int64            `json:"payer_total"`
		PayerRefund      int64            `json:"payer_refund"`
		SettlementRefund int64            `json:"settlement_refund"`
		SettlementTotal  int64            `json:"settlement_total"`
		DiscountRefund   int64            `json:"discount_refund"`
	} `json:"amount"`
	Promotion []struct {
		PromotionID  string `json:"promotion_id"`
		Scope        string `json:"scope"`
		Type         string `json:"type"`
		Amount       int64  `json:"amount"`
		RefundAmount int64  `json:"refund_amount"`
	} `json:"promotion_detail"`
}

func TestCouponV3(t *testing.T) {
	for _, c := range couponCases {
		t.Run(string(c.sc), func(t *testing.T) {
			e := newEnv(t, nil)
			no := newNo("CP")
			r := e.v3("POST", "/v3/pay/transactions/codepay", codepayBody(e, no, sandbox.NewCode(c.sc), 1000))
			for _, body := range [][]byte{r.body, e.v3("GET", "/v3/pay/transactions/out-trade-no/"+no+"?mchid="+e.creds.MchID, nil).body} {
				var tx couponTx
				if err := json.Unmarshal(body, &tx); err != nil {
					t.Fatal(err)
				}
				if tx.TradeState != "SUCCESS" || tx.Amount.Total != 1000 || tx.Amount.PayerTotal != 900 || len(tx.Promotion) != 1 {
					t.Fatalf("transaction: %s", body)
				}
				p := tx.Promotion[0]
				if p.Type != c.v3Type || p.Amount != 100 || p.Scope != "GLOBAL" || p.CouponID == "" || p.StockID == "" || p.Currency != "CNY" ||
					p.WechatpayContribute != c.wechatFen || p.MerchantContribute != c.mchFen || p.OtherContribute != 0 {
					t.Fatalf("promotion_detail: %s", body)
				}
			}
			// 333 then 667: the coupon goes back ⌊333·100/1000⌋ = 33, then the
			// remaining 67, so the customer gets back exactly the 900 paid.
			var payerBack int64
			for i, want := range []struct{ refund, discount int64 }{{333, 33}, {667, 67}} {
				e.sb.Advance(time.Minute) // refunds of one order a minute apart
				rr := e.v3("POST", "/v3/refund/domestic/refunds", map[string]any{"out_trade_no": no, "out_refund_no": no + "R" + string(rune('a'+i)),
					"amount": map[string]any{"refund": want.refund, "total": 1000, "currency": "CNY"}})
				var rf couponRefund
				rr.decode(t, &rf)
				a := rf.Amount
				wantSettle := want.refund
				if c.v3Type == "NOCASH" {
					wantSettle = want.refund - want.discount
				}
				if rr.status != 200 || a.Total != 1000 || a.Refund != want.refund || a.DiscountRefund != want.discount || a.PayerRefund != want.refund-want.discount ||
					a.PayerTotal != 900 || a.SettlementTotal != c.settleTotal || a.SettlementRefund != wantSettle || a.From == nil {
					t.Fatalf("refund %d: %s", i, rr.body)
				}
				if len(rf.Promotion) != 1 || rf.Promotion[0].Type != c.refundType || rf.Promotion[0].Amount != 100 || rf.Promotion[0].RefundAmount != want.discount || rf.Promotion[0].Scope != "GLOBAL" {
					t.Fatalf("refund %d promotion_detail: %s", i, rr.body)
				}
				payerBack += a.PayerRefund
			}
			if payerBack != 900 {
				t.Fatalf("customer got %d fen back, paid 900", payerBack)
			}
		})
	}
}

func TestCouponV2(t *testing.T) {
	for _, c := range couponCases {
		t.Run(string(c.sc), func(t *testing.T) {
			e := newEnv(t, nil)
			no := newNo("CP")
			m := e.v2("/pay/micropay", micropayParams(no, sandbox.NewCode(c.sc), 1000))
			settle := map[bool]string{true: "900", false: ""}[c.settlementInV2Order]
			if m["result_code"] != "SUCCESS" || m["total_fee"] != "1000" || m["cash_fee"] != "900" || m["coupon_fee"] != "100" || m["settlement_total_fee"] != settle {
				t.Fatalf("micropay: %v", m)
			}
			if _, listed := m["coupon_count"]; listed {
				t.Fatalf("micropay lists coupons: %v", m)
			}
			q := e.v2("/pay/orderquery", map[string]string{"out_trade_no": no})
			if q["cash_fee"] != "900" || q["coupon_fee"] != "100" || q["coupon_count"] != "1" || q["coupon_type_0"] != c.v2Type ||
				q["coupon_fee_0"] != "100" || q["coupon_id_0"] == "" || q["settlement_total_fee"] != settle {
				t.Fatalf("orderquery: %v", q)
			}
			rf := e.v2("/secapi/pay/refund", map[string]string{"out_trade_no": no, "out_refund_no": no + "R", "total_fee": "1000", "refund_fee": "333"})
			wantSettle := map[bool]string{true: "300", false: "333"}[c.settlementInV2Order]
			if rf["result_code"] != "SUCCESS" || rf["refund_fee"] != "333" || rf["cash_fee"] != "900" || rf["cash_refund_fee"] != "300" || rf["coupon_refund_fee"] != "33" ||
				rf["coupon_refund_count"] != "1" || rf["coupon_type_0"] != c.v2Type || rf["coupon_refund_fee_0"] != "33" || rf["coupon_refund_id_0"] != q["coupon_id_0"] ||
				rf["settlement_refund_fee"] != wantSettle || rf["settlement_total_fee"] != settle {
				t.Fatalf("refund: %v", rf)
			}
			rq := e.v2("/pay/refundquery", map[string]string{"out_trade_no": no})
			if rq["refund_fee_0"] != "333" || rq["coupon_refund_fee_0"] != "33" || rq["coupon_refund_count_0"] != "1" || rq["coupon_type_0_0"] != c.v2Type ||
				rq["coupon_refund_fee_0_0"] != "33" || rq["coupon_refund_id_0_0"] != q["coupon_id_0"] || rq["settlement_refund_fee_0"] != wantSettle || rq["cash_fee"] != "900" {
				t.Fatalf("refundquery: %v", rq)
			}
		})
	}
}

// An order the coupon would pay whole is paid in full, without it.
func TestCouponNeedsSomethingLeftToPay(t *testing.T) {
	e := newEnv(t, nil)
	no := newNo("CP")
	m := e.v2("/pay/micropay", micropayParams(no, sandbox.NewCode(sandbox.ScenarioCoupon), 100))
	if m["result_code"] != "SUCCESS" || m["cash_fee"] != "100" || m["coupon_fee"] != "" {
		t.Fatalf("micropay: %v", m)
	}
	var tx couponTx
	e.v3("GET", "/v3/pay/transactions/out-trade-no/"+no+"?mchid="+e.creds.MchID, nil).decode(t, &tx)
	if tx.Amount.PayerTotal != 100 || len(tx.Promotion) != 0 {
		t.Fatalf("%+v", tx)
	}
}

// A Native order paid with a coupon announces it: the v3 resource lists
// promotion_detail, the v2 XML coupon_fee and its list, and a refund
// notice carries the split.
func TestCouponNotifications(t *testing.T) {
	e := newEnv(t, func(o *sandbox.Options) { o.RefundDelay = -1 })
	v3rc, v2rc := newReceiver(t, 0, true), newReceiver(t, 0, false)
	no3, no2 := newNo("CN"), newNo("CN")
	b := nativeBody(e, no3, 1000)
	b["notify_url"] = v3rc.srv.URL + "/pay"
	r := e.v3("POST", "/v3/pay/transactions/native", b)
	if st := e.control("POST", "/sandbox/native/pay", map[string]string{"code_url": jsonField(t, r.body, "code_url"), "scenario": "coupon"}, nil); st != 200 {
		t.Fatal(st)
	}
	e.v3("POST", "/v3/refund/domestic/refunds", map[string]any{"out_trade_no": no3, "out_refund_no": no3 + "R", "notify_url": v3rc.srv.URL + "/refund",
		"amount": map[string]any{"refund": 500, "total": 1000, "currency": "CNY"}})
	p := nativeParams(no2, 1000)
	p["notify_url"] = v2rc.srv.URL + "/pay"
	r2 := e.v2("/pay/unifiedorder", p)
	if err := e.sb.PayNativeAs(r2["code_url"], sandbox.ScenarioCouponWeChat); err != nil {
		t.Fatal(err)
	}
	e.v2("/secapi/pay/refund", map[string]string{"out_trade_no": no2, "out_refund_no": no2 + "R", "total_fee": "1000", "refund_fee": "500", "notify_url": v2rc.srv.URL + "/refund"})
	if n := deliver(t, e.sb); n != 4 {
		t.Fatalf("delivered %d of 4", n)
	}
	if st := e.control("POST", "/sandbox/native/pay", map[string]string{"out_trade_no": no3, "scenario": "notenough"}, nil); st != 400 {
		t.Fatalf("a scenario Native cannot play: %d", st)
	}

	v3rc.mu.Lock()
	got := append([]received(nil), v3rc.got...)
	v3rc.mu.Unlock()
	var pay couponTx
	json.Unmarshal(v3Resource(t, e, got[0].body), &pay)
	if pay.Amount.PayerTotal != 900 || len(pay.Promotion) != 1 || pay.Promotion[0].Type != "NOCASH" {
		t.Fatalf("v3 pay notice: %+v", pay)
	}
	var rn struct {
		Amount map[string]int64 `json:"amount"`
	}
	json.Unmarshal(v3Resource(t, e, got[1].body), &rn)
	if rn.Amount["refund"] != 500 || rn.Amount["payer_refund"] != 450 || rn.Amount["payer_total"] != 900 || rn.Amount["total"] != 1000 {
		t.Fatalf("v3 refund notice: %v", rn.Amount)
	}

	v2rc.mu.Lock()
	got = append([]received(nil), v2rc.got...)
	v2rc.mu.Unlock()
	m := e.decodeXML(t, got[0].body)
	if !wechat.VerifyV2Type(m, e.creds.APIKey, wechat.SignMD5) || m["cash_fee"] != "900" || m["coupon_fee"] != "100" || m["coupon_type_0"] != "CASH" || m["settlement_total_fee"] != "" {
		t.Fatalf("v2 pay notice: %v", m)
	}
	plain, err := wechat.DecryptRefundReqInfo(e.creds.APIKey, e.decodeXML(t, got[1].body)["req_info"])
	if err != nil {
		t.Fatal(err)
	}
	info := e.decodeXML(t, plain)
	if info["refund_fee"] != "500" || info["settlement_refund_fee"] != "500" || info["settlement_total_fee"] != "1000" {
		t.Fatalf("v2 refund notice: %v", info)
	}
}

func v3Resource(t *testing.T, e *env, body []byte) []byte {
	t.Helper()
	var n struct {
		Resource struct {
			Ciphertext     string `json:"ciphertext"`
			AssociatedData string `json:"associated_data"`
			Nonce          string `json:"nonce"`
		} `json:"resource"`
	}
	if err := json.Unmarshal(body, &n); err != nil {
		t.Fatal(err)
	}
	pt, err := wechat.DecryptAEADAES256GCM(e.creds.APIV3Key, n.Resource.Nonce, n.Resource.AssociatedData, n.Resource.Ciphertext)
	if err != nil {
		t.Fatal(err)
	}
	return pt
}

// The bill settles a NOCASH order at total − coupon and a CASH order at
// the total; refunds carry the settlement part in 退款金额 and the CASH
// coupon part in 充值券退款金额; the project's bill parser reads it all and
// its summary check passes.
func TestCouponBill(t *testing.T) {
	e := newEnv(t, nil)
	nocash, cash := newNo("CB"), newNo("CB")
	e.v2("/pay/micropay", micropayParams(nocash, sandbox.NewCode(sandbox.ScenarioCoupon), 1000))
	e.sb.Advance(time.Minute)
	e.v2("/pay/micropay", micropayParams(cash, sandbox.NewCode(sandbox.ScenarioCouponWeChat), 2000))
	e.sb.Advance(time.Minute)
	e.v2("/secapi/pay/refund", map[string]string{"out_trade_no": nocash, "out_refund_no": nocash + "R", "total_fee": "1000", "refund_fee": "333"})
	e.v2("/secapi/pay/refund", map[string]string{"out_trade_no": cash, "out_refund_no": cash + "R", "total_fee": "2000", "refund_fee": "500"})
	e.sb.Advance(24 * time.Hour)
	data := e.downloadBillV2(t, start.Format("20060102"), "ALL", "")
	type amounts struct{ settle, coupon, refund, couponRefund, order, refundReq int64 }
	want := map[string]amounts{
		nocash:       {settle: 900, coupon: 100, order: 1000},
		cash:         {settle: 2000, coupon: 100, order: 2000},
		nocash + "R": {refund: 300, refundReq: 333},                   // 33 of the NOCASH coupon back: not settled
		cash + "R":   {refund: 500, couponRefund: 25, refundReq: 500}, // 25 of the CASH coupon back to its funder
	}
	p := bill.NewParser(strings.NewReader(string(data)))
	for p.Next() {
		r := p.Row()
		key := r.OutTradeNo
		if r.IsRefund() {
			key += "R"
		}
		got := amounts{r.SettlementTotal, r.Coupon, r.Refund, r.CouponRefund, r.OrderAmount, r.RefundRequestAmount}
		if got != want[key] {
			t.Errorf("%s: got %+v, want %+v", key, got, want[key])
		}
		delete(want, key)
	}
	if p.Err() != nil {
		t.Fatalf("%v\n%s", p.Err(), data)
	}
	if len(want) != 0 {
		t.Errorf("rows missing: %v", want)
	}
	s := p.Summary()
	if s.SettlementTotal != 2900 || s.RefundTotal != 800 || s.CouponRefundTotal != 25 || s.OrderTotal != 3000 || s.RefundRequestTotal != 833 {
		t.Errorf("summary: %+v", s)
	}
}
