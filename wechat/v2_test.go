package wechat_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/wxpos/wxpos/tz"
	"github.com/wxpos/wxpos/wechat"
)

// terminalGateway is the shape the terminal relies on; both generations
// must satisfy it.
type terminalGateway interface {
	Codepay(context.Context, wechat.CodepayRequest) (*wechat.Transaction, error)
	NativePrepay(context.Context, wechat.NativeRequest) (*wechat.NativeOrder, error)
	QueryByOutTradeNo(context.Context, string) (*wechat.Transaction, error)
	QueryByTransactionID(context.Context, string) (*wechat.Transaction, error)
	Close(context.Context, string) error
	Reverse(context.Context, string) (*wechat.ReverseResult, error)
	Refund(context.Context, wechat.RefundRequest) (*wechat.Refund, error)
	QueryRefund(context.Context, string) (*wechat.Refund, error)
	TradeBill(context.Context, wechat.BillRequest) ([]byte, error)
	TradeBillTo(context.Context, wechat.BillRequest, io.Writer) (int64, error)
}

var (
	_ terminalGateway = (*wechat.Client)(nil)
	_ terminalGateway = (*wechat.V2Client)(nil)
)

func v2Paid(p map[string]string) map[string]string {
	return map[string]string{"out_trade_no": p["out_trade_no"], "transaction_id": "4200000000000000000000000001",
		"total_fee": p["total_fee"], "cash_fee": p["total_fee"], "trade_type": "MICROPAY", "bank_type": "CFT",
		"time_end": "20261126100000", "openid": "o1"}
}

func TestV2Micropay(t *testing.T) {
	tests := []struct {
		name        string
		st          wechat.SignType
		answer      func(p map[string]string) map[string]string
		tamper      func(m map[string]string)
		wantCode    wechat.Code
		wantUnknown bool
		wantPaying  bool
		wantTrust   bool
	}{
		{"paid md5", wechat.SignMD5, v2Paid, nil, "", false, false, true},
		{"paid hmac", wechat.SignHMACSHA256, v2Paid, nil, "", false, false, true},
		{"userpaying", wechat.SignMD5, func(p map[string]string) map[string]string {
			return map[string]string{"result_code": "FAIL", "err_code": "USERPAYING", "err_code_des": "需要用户输入支付密码"}
		}, nil, wechat.CodeUserPaying, true, true, true},
		{"systemerror", wechat.SignMD5, func(p map[string]string) map[string]string {
			return map[string]string{"result_code": "FAIL", "err_code": "SYSTEMERROR", "err_code_des": "系统超时"}
		}, nil, wechat.CodeSystemError, true, false, true},
		{"notenough", wechat.SignHMACSHA256, func(p map[string]string) map[string]string {
			return map[string]string{"result_code": "FAIL", "err_code": "NOTENOUGH", "err_code_des": "余额不足"}
		}, nil, wechat.CodeNotEnough, false, false, true},
		{"tampered amount", wechat.SignMD5, v2Paid, func(m map[string]string) { m["total_fee"] = "1" }, "", true, false, false},
		{"signed with other key", wechat.SignMD5, v2Paid, func(m map[string]string) {
			m["sign"] = wechat.SignV2(m, "another-key", wechat.SignMD5)
		}, "", true, false, false},
		{"sign type downgraded", wechat.SignHMACSHA256, v2Paid, func(m map[string]string) {
			m["sign_type"] = "MD5"
			m["sign"] = wechat.SignV2(m, testV2Key, wechat.SignMD5)
		}, "", true, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeV2(t)
			var got map[string]string
			f.routes["/pay/micropay"] = func(p map[string]string) map[string]string { got = p; return tt.answer(p) }
			f.tamper = tt.tamper
			c := f.start(t, tt.st)
			txn, err := c.Micropay(context.Background(), codepayReq())
			if got["auth_code"] != "134567890123456789" || got["total_fee"] != "1234" || got["spbill_create_ip"] != "10.0.0.2" {
				t.Fatalf("request %v", got)
			}
			if wechat.OutcomeUnknown(err) != tt.wantUnknown || wechat.IsUserPaying(err) != tt.wantPaying ||
				errors.Is(err, wechat.ErrUntrusted) == tt.wantTrust {
				t.Fatalf("err = %v", err)
			}
			if wechat.ErrorCode(err) != tt.wantCode {
				t.Fatalf("code = %q", wechat.ErrorCode(err))
			}
			if err == nil && (txn.State != wechat.TradeSuccess || txn.Total != 1234 || !txn.SuccessTime.Equal(time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))) {
				t.Fatalf("txn %+v", txn)
			}
		})
	}
}

func TestV2Calls(t *testing.T) {
	f := newFakeV2(t)
	f.routes["/pay/orderquery"] = func(p map[string]string) map[string]string {
		if p["out_trade_no"] == "NOPE-0001" {
			return map[string]string{"result_code": "FAIL", "err_code": "ORDERNOTEXIST", "err_code_des": "此交易订单号不存在"}
		}
		m := v2Paid(map[string]string{"out_trade_no": p["out_trade_no"], "total_fee": "500"})
		if id := p["transaction_id"]; id != "" {
			m["transaction_id"], m["out_trade_no"] = id, "T200000"
		}
		m["trade_state"] = "SUCCESS"
		return m
	}
	f.routes["/pay/unifiedorder"] = func(p map[string]string) map[string]string {
		if p["trade_type"] != "NATIVE" || p["product_id"] != "N100000" || p["time_expire"] != "20261126100500" {
			return map[string]string{"result_code": "FAIL", "err_code": "PARAM_ERROR"}
		}
		return map[string]string{"trade_type": "NATIVE", "prepay_id": "wx1", "code_url": "weixin://wxpay/bizpayurl?pr=x"}
	}
	f.routes["/pay/closeorder"] = func(p map[string]string) map[string]string {
		if p["out_trade_no"] == "PAID-0001" {
			return map[string]string{"result_code": "FAIL", "err_code": "ORDERPAID"}
		}
		return map[string]string{}
	}
	f.routes["/secapi/pay/reverse"] = func(p map[string]string) map[string]string {
		if p["out_trade_no"] == "BUSY-0001" {
			return map[string]string{"result_code": "FAIL", "err_code": "INVALID_REQUEST", "recall": "Y"}
		}
		return map[string]string{"recall": map[bool]string{true: "Y", false: "N"}[p["out_trade_no"] == "AGAIN-0001"]}
	}
	f.routes["/secapi/pay/refund"] = func(p map[string]string) map[string]string {
		return map[string]string{"out_trade_no": p["out_trade_no"], "out_refund_no": p["out_refund_no"], "refund_id": "503",
			"refund_fee": p["refund_fee"], "total_fee": p["total_fee"], "cash_refund_fee": p["refund_fee"]}
	}
	f.routes["/pay/refundquery"] = func(p map[string]string) map[string]string {
		return map[string]string{"out_trade_no": "T200000", "total_fee": "500", "refund_count": "2",
			"out_refund_no_0": "R0", "refund_fee_0": "50", "refund_status_0": "PROCESSING",
			"out_refund_no_1": p["out_refund_no"], "refund_fee_1": "100", "refund_status_1": "SUCCESS",
			"refund_success_time_1": "2026-11-26 10:01:00", "refund_recv_accout_1": "支付用户的零钱", "refund_id_1": "503"}
	}
	c := f.start(t, wechat.SignHMACSHA256)
	ctx := context.Background()

	t.Run("orderquery", func(t *testing.T) {
		txn, err := c.QueryByOutTradeNo(ctx, "T200000")
		if err != nil || txn.State != wechat.TradeSuccess || txn.Total != 500 {
			t.Fatalf("%+v %v", txn, err)
		}
		txn, err = c.QueryByTransactionID(ctx, "4200000000000000000000000007")
		if err != nil || txn.TransactionID != "4200000000000000000000000007" {
			t.Fatalf("%+v %v", txn, err)
		}
		_, err = c.QueryByOutTradeNo(ctx, "NOPE-0001")
		if wechat.ErrorCode(err) != wechat.CodeOrderNotExist || wechat.OutcomeUnknown(err) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("unifiedorder", func(t *testing.T) {
		o, err := c.NativePrepay(ctx, wechat.NativeRequest{OutTradeNo: "N100000", Description: "d", Total: 100, NotifyURL: "https://x/n",
			ClientIP: "10.0.0.1", TimeExpire: time.Date(2026, 11, 26, 2, 5, 0, 0, time.UTC)})
		if err != nil || o.CodeURL == "" || o.PrepayID != "wx1" {
			t.Fatalf("%+v %v", o, err)
		}
	})
	t.Run("closeorder", func(t *testing.T) {
		if err := c.Close(ctx, "T300000"); err != nil {
			t.Fatal(err)
		}
		if err := c.CloseOrder(ctx, "PAID-0001"); wechat.ErrorCode(err) != wechat.CodeOrderPaid {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("reverse over mTLS", func(t *testing.T) {
		r, err := c.Reverse(ctx, "T400000")
		if err != nil || r.Recall {
			t.Fatalf("%+v %v", r, err)
		}
		r, err = c.Reverse(ctx, "AGAIN-0001")
		if err != nil || !r.Recall {
			t.Fatalf("%+v %v", r, err)
		}
		_, err = c.Reverse(ctx, "BUSY-0001")
		if !wechat.OutcomeUnknown(err) || wechat.ErrorCode(err) != wechat.CodeInvalidRequest {
			t.Fatalf("FAIL with recall=Y: err = %v", err)
		}
	})
	t.Run("refund over mTLS", func(t *testing.T) {
		r, err := c.Refund(ctx, wechat.RefundRequest{OutTradeNo: "T200000", OutRefundNo: "R1", Refund: 100, Total: 500})
		if err != nil || r.Status != wechat.RefundProcessing || r.Refund != 100 {
			t.Fatalf("%+v %v", r, err)
		}
	})
	t.Run("refundquery", func(t *testing.T) {
		r, err := c.QueryRefund(ctx, "R1")
		if err != nil || r.Status != wechat.RefundSuccess || r.Refund != 100 || r.SuccessTime.IsZero() || r.UserReceivedAccount == "" {
			t.Fatalf("%+v %v", r, err)
		}
	})
}

func TestV2SecapiNeedsCertificate(t *testing.T) {
	f := newFakeV2(t)
	c, err := wechat.NewV2(wechat.WithMerchant(testMchID, testAppID), wechat.WithV2Key(testV2Key, wechat.SignMD5),
		wechat.WithBaseURL("https://127.0.0.1:1"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Reverse(context.Background(), "T100000")
	if !errors.Is(err, wechat.ErrNotConfigured) || wechat.OutcomeUnknown(err) {
		t.Fatalf("err = %v", err)
	}
	if f.hits.Load() != 0 {
		t.Fatal("server hit")
	}
}

func TestV2DownloadBill(t *testing.T) {
	bill := []byte("交易时间,公众账号ID\n`2026-11-25 10:00:00,`wx\n")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(bill)
	zw.Close()
	tests := []struct {
		name     string
		body     []byte
		want     []byte
		wantCode wechat.Code
	}{
		{"gzip", gz.Bytes(), bill, ""},
		{"plain", bill, bill, ""},
		{"no bill", []byte(`<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[No Bill Exist]]></return_msg><error_code><![CDATA[20002]]></error_code></xml>`), nil, wechat.CodeNoStatementExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeV2(t)
			f.raw["/pay/downloadbill"] = tt.body
			c := f.start(t, wechat.SignMD5)
			got, err := c.DownloadBill(context.Background(), wechat.BillRequest{Date: time.Date(2026, 11, 25, 0, 0, 0, 0, tz.Shanghai)})
			if wechat.ErrorCode(err) != tt.wantCode {
				t.Fatalf("err = %v", err)
			}
			if tt.want != nil && !bytes.Equal(got, tt.want) {
				t.Fatalf("got %q", got)
			}
		})
	}
}
