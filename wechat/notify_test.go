package wechat_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/wechat"
)

func v3NotifyHeader() http.Header {
	h := http.Header{}
	h.Set("Wechatpay-Timestamp", v3NotifyTimestamp)
	h.Set("Wechatpay-Nonce", v3NotifyNonce)
	h.Set("Wechatpay-Serial", v3NotifySerial)
	h.Set("Wechatpay-Signature", v3NotifySignature)
	return h
}

// V3 with clock injection.
func TestNotifyV3Vector(t *testing.T) {
	cert, err := wechat.ParseCertificatePEM(readTestdata(t, "wechatpay_cert_D7CE59D1F522D701.pem"))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Unix(1624523846, 0)
	clock := func(d time.Duration) func() time.Time { return func() time.Time { return at.Add(d) } }
	tests := []struct {
		name    string
		now     func() time.Time
		header  func(h http.Header)
		body    string
		wantErr error
	}{
		{"valid", clock(0), nil, v3NotifyBody, nil},
		{"valid 4 min later", clock(4 * time.Minute), nil, v3NotifyBody, nil},
		{"stale 6 min later", clock(6 * time.Minute), nil, v3NotifyBody, wechat.ErrTimestampSkew},
		{"body changed", clock(0), nil, strings.Replace(v3NotifyBody, "签约成功", "签约失败", 1), wechat.ErrBadSignature},
		{"unknown serial", clock(0), func(h http.Header) { h.Set("Wechatpay-Serial", "ABCDEF") }, v3NotifyBody, wechat.ErrUnknownSerial},
		{"missing nonce", clock(0), func(h http.Header) { h.Del("Wechatpay-Nonce") }, v3NotifyBody, wechat.ErrNotify},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := wechat.NotifyParser{Verifier: wechat.NewCertificateVerifier(tt.now, cert), APIv3Key: v3NotifyAPIv3Key, Now: tt.now}
			h := v3NotifyHeader()
			if tt.header != nil {
				tt.header(h)
			}
			n, err := p.Parse(context.Background(), h, []byte(tt.body))
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || !errors.Is(err, wechat.ErrNotify) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(n.Plaintext) != v3NotifyPlaintext || n.ID != "3119dfba-e649-5eec-ab1e-3412bc4d2e17" ||
				n.EventType != "PAYSCORE.USER_OPEN_SERVICE" || n.Summary != "签约成功" || n.OriginalType != "payscore" {
				t.Fatalf("notification %+v", n)
			}
		})
	}
}

func TestNotifyV3Transaction(t *testing.T) {
	key := testWechatPayKey(t)
	pt := `{"out_trade_no":"N100000","transaction_id":"42","trade_state":"SUCCESS","success_time":"2026-11-26T10:00:00+08:00","amount":{"total":100,"payer_total":100}}`
	ct, err := wechat.EncryptAEADAES256GCM(testV3Key, "abcdefghijkl", "transaction", []byte(pt))
	if err != nil {
		t.Fatal(err)
	}
	body := `{"id":"EV-1","create_time":"2026-11-26T10:00:01+08:00","resource_type":"encrypt-resource","event_type":"TRANSACTION.SUCCESS","summary":"支付成功","resource":{"original_type":"transaction","algorithm":"AEAD_AES_256_GCM","ciphertext":"` + ct + `","associated_data":"transaction","nonce":"abcdefghijkl"}}`
	ts := "1795000000"
	sig, _ := wechat.SignSHA256RSA(key, wechat.V3ResponseMessage(ts, "n1", body))
	h := http.Header{}
	h.Set("Wechatpay-Timestamp", ts)
	h.Set("Wechatpay-Nonce", "n1")
	h.Set("Wechatpay-Serial", testPubKeyID)
	h.Set("Wechatpay-Signature", sig)
	v, err := wechat.NewPublicKeyVerifier(testPubKeyID, wechatPayPublicKeyPEM(t))
	if err != nil {
		t.Fatal(err)
	}
	p := wechat.NotifyParser{Verifier: v, APIv3Key: testV3Key, Now: func() time.Time { return time.Unix(1795000010, 0) }}
	n, err := p.Parse(context.Background(), h, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	txn, err := n.Transaction()
	if err != nil || txn.OutTradeNo != "N100000" || txn.Total != 100 || !txn.Paid() {
		t.Fatalf("%+v %v", txn, err)
	}
	p.APIv3Key = "ffffffffffffffffffffffffffffffff"
	if _, err := p.Parse(context.Background(), h, []byte(body)); !errors.Is(err, wechat.ErrDecrypt) {
		t.Fatalf("wrong APIv3 key: err = %v", err)
	}
}

func TestParseNotifyV2(t *testing.T) {
	base := func() map[string]string {
		return map[string]string{"return_code": "SUCCESS", "result_code": "SUCCESS", "appid": testAppID, "mch_id": testMchID,
			"nonce_str": "n", "out_trade_no": "N100000", "transaction_id": "42", "total_fee": "100", "cash_fee": "100",
			"trade_type": "NATIVE", "time_end": "20261126100000", "openid": "o"}
	}
	signed := func(st wechat.SignType, mod func(m map[string]string)) []byte {
		m := base()
		if st != wechat.SignMD5 {
			m["sign_type"] = string(st)
		}
		m["sign"] = wechat.SignV2(m, testV2Key, st)
		if mod != nil {
			mod(m)
		}
		return wechat.EncodeXML(m)
	}
	tests := []struct {
		name string
		body []byte
		ok   bool
	}{
		{"md5", signed(wechat.SignMD5, nil), true},
		{"hmac", signed(wechat.SignHMACSHA256, nil), true},
		{"amount changed", signed(wechat.SignMD5, func(m map[string]string) { m["total_fee"] = "1" }), false},
		{"unsigned", signed(wechat.SignMD5, func(m map[string]string) { delete(m, "sign") }), false},
		{"garbage", []byte("{json}"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			txn, err := wechat.ParseNotifyV2(bytes.NewReader(tt.body), testV2Key)
			if tt.ok != (err == nil) {
				t.Fatalf("err = %v", err)
			}
			if err != nil && !errors.Is(err, wechat.ErrNotify) {
				t.Fatalf("err = %v, want ErrNotify", err)
			}
			if tt.ok && (txn.Total != 100 || txn.OutTradeNo != "N100000" || txn.State != wechat.TradeSuccess) {
				t.Fatalf("%+v", txn)
			}
		})
	}
	if !bytes.Contains(wechat.NotifyV2Reply(), []byte("<return_code><![CDATA[SUCCESS]]></return_code>")) {
		t.Fatal("reply")
	}
}

func TestParseRefundNotifyV2(t *testing.T) {
	plain := wechat.EncodeXML(map[string]string{"out_refund_no": "R1", "out_trade_no": "T100000", "refund_id": "503",
		"refund_fee": "100", "total_fee": "500", "settlement_refund_fee": "100", "refund_status": "SUCCESS",
		"success_time": "2026-11-26 10:01:00", "refund_recv_accout": "支付用户的零钱"})
	enc, err := wechat.EncryptRefundReqInfo(testV2Key, plain)
	if err != nil {
		t.Fatal(err)
	}
	env := func(info string) []byte {
		return wechat.EncodeXML(map[string]string{"return_code": "SUCCESS", "appid": testAppID, "mch_id": testMchID, "nonce_str": "n", "req_info": info})
	}
	tests := []struct {
		name string
		body []byte
		key  string
		ok   bool
	}{
		{"ok", env(enc), testV2Key, true},
		{"wrong key", env(enc), "another", false},
		{"truncated", env(enc[:len(enc)-8]), testV2Key, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, mch, err := wechat.ParseRefundNotifyV2(bytes.NewReader(tt.body), tt.key)
			if tt.ok != (err == nil) {
				t.Fatalf("err = %v", err)
			}
			if err != nil {
				if !errors.Is(err, wechat.ErrNotify) {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if mch != testMchID || r.OutRefundNo != "R1" || r.Refund != 100 || r.Status != wechat.RefundSuccess ||
				!r.SuccessTime.Equal(time.Date(2026, 11, 26, 2, 1, 0, 0, time.UTC)) {
				t.Fatalf("%+v %s", r, mch)
			}
		})
	}
}
