package wechat_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/wxpos/wxpos/wechat"
	"github.com/wxpos/wxpos/wechat/bill"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// TestFundFlowBill: both generations fetch the basic account's fund-flow
// bill from the sandbox (v3 apply + download + SHA1; v2 HMAC-SHA256 over
// the merchant certificate even when the client signs MD5), the parser
// reads it, and the day's payment is credited net of its fee; the
// operation account has no statement.
func TestFundFlowBill(t *testing.T) {
	ctx := context.Background()
	e := newSandboxEnv(t, sandbox.Options{})
	v3, v2 := e.v3(t, false), e.v2(t, wechat.SignMD5)
	day := e.sb.Now()
	paid, err := v3.Codepay(ctx, wechat.CodepayRequest{OutTradeNo: outNo("FF"), Description: "ff", AuthCode: sandbox.NewCode(sandbox.ScenarioSuccess), Total: 1234, DeviceIP: "10.0.0.8"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v3.FundFlowBill(ctx, wechat.FundFlowRequest{Date: day}); err == nil || wechat.OutcomeUnknown(err) {
		t.Fatalf("same-day bill: %v", err)
	}
	e.sb.Advance(36 * time.Hour)
	for name, get := range map[string]func(wechat.FundFlowRequest) ([]byte, error){
		"v3": func(r wechat.FundFlowRequest) ([]byte, error) { return v3.FundFlowBill(ctx, r) },
		"v2": func(r wechat.FundFlowRequest) ([]byte, error) { return v2.FundFlowBill(ctx, r) },
	} {
		t.Run(name, func(t *testing.T) {
			data, err := get(wechat.FundFlowRequest{Date: day})
			if err != nil {
				t.Fatal(err)
			}
			p := bill.NewFundFlowParser(bytes.NewReader(data))
			found := false
			for p.Next() {
				r := p.Row()
				if r.Voucher == paid.OutTradeNo && r.BusinessID == paid.TransactionID && r.Income && r.Amount == 1234-7 && r.Fee == 7 {
					found = true
				}
			}
			if p.Err() != nil || !found {
				t.Fatalf("err %v, payment found %v:\n%s", p.Err(), found, data)
			}
			if _, err := get(wechat.FundFlowRequest{Date: day, Account: wechat.AccountOperation}); wechat.ErrorCode(err) != wechat.CodeNoStatementExist {
				t.Fatalf("operation account: %v", err)
			}
			if _, err := get(wechat.FundFlowRequest{Date: day, Account: "SAVINGS"}); err == nil {
				t.Fatal("an unknown account was asked for")
			}
		})
	}
	var streamed bytes.Buffer
	if n, err := v2.DownloadFundFlowTo(ctx, wechat.FundFlowRequest{Date: day}, &streamed); err != nil || n == 0 {
		t.Fatalf("DownloadFundFlowTo: %d %v", n, err)
	}
}

// TestSubMerchantFundFlowBill: a v3 client acting for a sub-merchant gets
// the sub-merchant's own fund flow (/v3/bill/sub-merchant-fundflowbill,
// the encrypted file decrypted with the provider's key, its SHA1 checked):
// the sub-merchant's payment and refund, not the direct merchant's
// payment; a file changed on the way fails authentication; the provider
// acting for itself gets its own account, which has no statement; a v2
// client acting for the sub-merchant is told v2 has no such bill, without
// a call.
func TestSubMerchantFundFlowBill(t *testing.T) {
	ctx := context.Background()
	e := newSandboxEnv(t, sandbox.Options{})
	direct, sub := e.v3(t, false), e.v3Partner(t, e.creds.Partner.SubMchID)
	day := e.sb.Now()
	if _, err := direct.Codepay(ctx, wechat.CodepayRequest{OutTradeNo: outNo("FD"), Description: "ff", AuthCode: sandbox.NewCode(sandbox.ScenarioSuccess), Total: 555, DeviceIP: "10.0.0.8"}); err != nil {
		t.Fatal(err)
	}
	paid, err := sub.Codepay(ctx, wechat.CodepayRequest{OutTradeNo: outNo("FS"), Description: "ff", AuthCode: sandbox.NewCode(sandbox.ScenarioSuccess), Total: 1234, DeviceIP: "10.0.0.8"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sub.Refund(ctx, wechat.RefundRequest{OutTradeNo: paid.OutTradeNo, OutRefundNo: outNo("FR"), Refund: 234, Total: 1234}); err != nil {
		t.Fatal(err)
	}
	e.sb.Advance(36 * time.Hour)
	data, err := sub.FundFlowBill(ctx, wechat.FundFlowRequest{Date: day})
	if err != nil {
		t.Fatal(err)
	}
	p := bill.NewFundFlowParser(bytes.NewReader(data))
	var in, out int64
	for p.Next() {
		r := p.Row()
		switch {
		case r.Income && r.BusinessID == paid.TransactionID && r.Voucher == paid.OutTradeNo && r.Fee == 7:
			in += r.Amount
		case !r.Income:
			out += r.Amount
		default:
			t.Errorf("a line not the sub-merchant's: %+v", r)
		}
	}
	if p.Err() != nil || in != 1234-7 || out != 234-1 {
		t.Fatalf("err %v, in %d, out %d:\n%s", p.Err(), in, out, data)
	}
	e.tp.set(func(h http.Header, body []byte) []byte {
		if h.Get("Content-Type") == "application/octet-stream" && len(body) > 0 {
			body = append([]byte(nil), body...)
			body[len(body)/2] ^= 1
		}
		return body
	})
	if _, err := sub.FundFlowBill(ctx, wechat.FundFlowRequest{Date: day}); !errors.Is(err, wechat.ErrDecrypt) {
		t.Fatalf("a changed file: %v", err)
	}
	e.tp.set(nil)
	if _, err := sub.FundFlowBill(ctx, wechat.FundFlowRequest{Date: day, Account: wechat.AccountFees}); wechat.ErrorCode(err) != wechat.CodeNoStatementExist {
		t.Fatalf("fee account: %v", err)
	}
	pp := e.sb.Profile(e.url).Partner
	provider, err := wechat.New(wechat.WithHTTPClient(e.hc), wechat.WithBaseURL(e.url), wechat.WithMerchant(pp.SpMchID, pp.SpAppID),
		wechat.WithMerchantKey(pp.MerchantSerialNo, []byte(pp.MerchantPrivateKeyPEM)),
		wechat.WithWechatPayPublicKey(pp.PlatformPublicKeyID, []byte(pp.PlatformPublicKeyPEM)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := provider.FundFlowBill(ctx, wechat.FundFlowRequest{Date: day}); wechat.ErrorCode(err) != wechat.CodeNoStatementExist {
		t.Fatalf("the provider's own account: %v", err)
	}
	if _, err := e.v2Partner(t, wechat.SignHMACSHA256).FundFlowBill(ctx, wechat.FundFlowRequest{Date: day}); !errors.Is(err, wechat.ErrUnsupported) || wechat.OutcomeUnknown(err) {
		t.Fatalf("v2 sub-merchant fund flow: %v", err)
	}
}

// TestBillFileCrypt: an encrypted bill file opens with the merchant key it
// was made for and with nothing else; a changed byte, another key or
// another nonce fail with ErrDecrypt.
func TestBillFileCrypt(t *testing.T) {
	k1, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	plain := []byte("记账时间,微信支付业务单号\n`2026-03-10 11:00:00,`4200000001")
	file, key, nonce, err := wechat.EncryptBillFile(&k1.PublicKey, plain)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := wechat.DecryptBillFile(k1, key, nonce, file); err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("%q %v", got, err)
	}
	changed := append([]byte(nil), file...)
	changed[3] ^= 0x80
	otherNonce := []byte(nonce)
	otherNonce[0] ^= 1
	for name, try := range map[string]func() ([]byte, error){
		"changed byte": func() ([]byte, error) { return wechat.DecryptBillFile(k1, key, nonce, changed) },
		"other key":    func() ([]byte, error) { return wechat.DecryptBillFile(k2, key, nonce, file) },
		"other nonce":  func() ([]byte, error) { return wechat.DecryptBillFile(k1, key, string(otherNonce), file) },
		"key not b64":  func() ([]byte, error) { return wechat.DecryptBillFile(k1, "%%", nonce, file) },
		"no nonce":     func() ([]byte, error) { return wechat.DecryptBillFile(k1, key, "", file) },
		"truncated":    func() ([]byte, error) { return wechat.DecryptBillFile(k1, key, nonce, file[:len(file)-1]) },
	} {
		if _, err := try(); !errors.Is(err, wechat.ErrDecrypt) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
