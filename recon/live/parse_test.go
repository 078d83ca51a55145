package live_test

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/recon"
	"github.com/wxpos/wxpos/recon/live"
	"github.com/wxpos/wxpos/tz"
	"github.com/wxpos/wxpos/wechat/bill"
)

const (
	allHeader = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注"
	allPay    = "`2026-11-25 10:00:01,`wx1,`1900000001,`0,`T1,`4200000001,`PS1-T1-00000001,`o1,`MICROPAY,`SUCCESS,`OTHERS,`CNY,`11.34,`1.00,`0,`0,`0.00,`0.00,`,`,`咖啡,`wxpos:TAG1,`0.07000,`0.60%,`12.34,`0.00,`"
	allRef    = "`2026-11-25 11:00:00,`wx1,`1900000001,`0,`T1,`4200000001,`PS1-T1-00000001,`o1,`MICROPAY,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`5030001,`RS1-T1-00000001,`1.50,`0.00,`ORIGINAL,`PROCESSING,`咖啡,`,`-0.01000,`0.60%,`0.00,`2.00,`"
	allSumH   = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"
	allSum    = "`2,`11.34,`1.50,`0.00,`0.06000,`12.34,`2.00"

	refundHeader = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,退款申请时间,退款成功时间,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注"
	refundRow    = "`2026-11-20 09:00:00,`wx1,`1900000001,`0,`T1,`4200000001,`PS1-T1-00000001,`o1,`MICROPAY,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`2026-11-25 11:00:00,`,`5030001,`RS1-T1-00000001,`2.00,`0.00,`ORIGINAL,`PROCESSING,`咖啡,`,`-0.01000,`0.60%,`0.00,`2.00,`"
	refundSum    = "`1,`0.00,`2.00,`0.00,`-0.01000,`0.00,`2.00"

	legacyHeader = "交易时间,公众账号ID,商户号,子商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,总金额,代金券或立减优惠金额,微信退款单号,商户退款单号,退款金额,代金券或立减优惠退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率"
	legacyRow    = "`2014-06-03 10:00:00,`wx2,`10000100,`0,`1000,`1001690740201406030000000001,`1217752501,`o,`JSAPI,`SUCCESS,`CMC,`CNY,`0.01,`0.00,`0,`0,`0.00,`0.00,`,`,`测试,`,`0.00000,`0.60%"
	legacySumH   = "总交易单数,总交易额,总退款金额,总代金券或立减优惠退款金额,手续费总金额"
	legacySum    = "`1,`0.01,`0.00,`0.00,`0.00000"
)

func join(ls ...string) string { return strings.Join(ls, "\n") }

func readAll(t *testing.T, text string) ([]recon.Row, error) {
	t.Helper()
	rr, err := live.Parse(strings.NewReader(text))
	if err != nil {
		return nil, err
	}
	var out []recon.Row
	for {
		var r recon.Row
		switch err := rr.Next(&r); {
		case errors.Is(err, io.EOF):
			return out, nil
		case err != nil:
			return out, err
		}
		out = append(out, r)
	}
}

func TestParseMapsLayouts(t *testing.T) {
	at := func(s string) time.Time { t, _ := time.ParseInLocation(time.DateTime, s, tz.Shanghai); return t }
	tests := []struct {
		name string
		text string
		want []recon.Row
	}{
		{"ALL: order total and requested refund", join(allHeader, allPay, allRef, allSumH, allSum), []recon.Row{
			{Time: at("2026-11-25 10:00:01"), DeviceInfo: "T1", TransactionID: "4200000001", OutTradeNo: "PS1-T1-00000001", TradeType: "MICROPAY",
				State: recon.BillSuccess, TotalFen: 1234, SettledFen: 1134, CouponFen: 100, RefundID: "0", OutRefundNo: "0", FeeMilliFen: 7000, Attach: "wxpos:TAG1"},
			{Time: at("2026-11-25 11:00:00"), DeviceInfo: "T1", TransactionID: "4200000001", OutTradeNo: "PS1-T1-00000001", TradeType: "MICROPAY",
				State: recon.BillRefund, RefundID: "5030001", OutRefundNo: "RS1-T1-00000001", RefundFen: 200, SettledRefundFen: 150, RefundStatus: "PROCESSING", FeeMilliFen: -1000},
		}},
		{"REFUND layout: the refund's day is its request time", join(refundHeader, refundRow, allSumH, refundSum), []recon.Row{
			{Time: at("2026-11-25 11:00:00"), DeviceInfo: "T1", TransactionID: "4200000001", OutTradeNo: "PS1-T1-00000001", TradeType: "MICROPAY",
				State: recon.BillRefund, RefundID: "5030001", OutRefundNo: "RS1-T1-00000001", RefundFen: 200, SettledRefundFen: 200, RefundStatus: "PROCESSING", FeeMilliFen: -1000},
		}},
		{"legacy: 总金额 is the total", join(legacyHeader, legacyRow, legacySumH, legacySum), []recon.Row{
			{Time: at("2014-06-03 10:00:00"), DeviceInfo: "1000", TransactionID: "1001690740201406030000000001", OutTradeNo: "1217752501", TradeType: "JSAPI",
				State: recon.BillSuccess, TotalFen: 1, SettledFen: 1, RefundID: "0", OutRefundNo: "0"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readAll(t, tc.text)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("%d rows, want %d", len(got), len(tc.want))
			}
			for i := range got {
				if !got[i].Time.Equal(tc.want[i].Time) {
					t.Errorf("row %d time %v, want %v", i, got[i].Time, tc.want[i].Time)
				}
				got[i].Time, tc.want[i].Time = time.Time{}, time.Time{}
				if got[i] != tc.want[i] {
					t.Errorf("row %d\n got  %+v\n want %+v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestParseRefusesBadSummary(t *testing.T) {
	_, err := readAll(t, join(allHeader, allPay, allRef, allSumH, strings.Replace(allSum, "`11.34", "`11.35", 1)))
	var pe *bill.ParseError
	if !errors.Is(err, bill.ErrSummaryMismatch) || !errors.As(err, &pe) || pe.Line != 5 {
		t.Fatalf("err = %v, want a summary mismatch on line 5", err)
	}
}

func FuzzInspect(f *testing.F) {
	f.Add(join(allHeader, allPay, allRef, allSumH, allSum))
	f.Add(join(legacyHeader, legacyRow, legacySumH, legacySum))
	f.Add(join(allHeader, allPay, allSumH, "`7,`11.34,`0.00,`0.00,`0.07000,`12.34,`0.00"))
	f.Fuzz(func(t *testing.T, text string) {
		rep, err := live.Inspect([]byte(text))
		if err != nil {
			if !errors.Is(err, live.ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		if rep.SummaryMatches && rep.SummaryRowsDeclared != int64(rep.Rows) {
			t.Fatalf("summary matches but declares %d of %d rows", rep.SummaryRowsDeclared, rep.Rows)
		}
	})
}
