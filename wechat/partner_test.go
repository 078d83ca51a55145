package wechat_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/wxpos/wxpos/wechat"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// v3Partner is the client of the sandbox's service provider acting for
// sub (its sub-merchant unless a test names another).
func (e *sandboxEnv) v3Partner(t testing.TB, sub string) *wechat.Client {
	t.Helper()
	p := e.sb.Profile(e.url).Partner
	c, err := wechat.New(wechat.WithHTTPClient(e.hc), wechat.WithBaseURL(e.url),
		wechat.WithMerchant(p.SpMchID, p.SpAppID), wechat.WithSubMerchant(sub, p.SubAppID),
		wechat.WithMerchantKey(p.MerchantSerialNo, []byte(p.MerchantPrivateKeyPEM)),
		wechat.WithV3Key(p.APIV3Key), wechat.WithWechatPayPublicKey(p.PlatformPublicKeyID, []byte(p.PlatformPublicKeyPEM)))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSandboxV3Partner runs the terminal's whole set of calls as a
// sub-merchant through the partner endpoints: the same methods, the same
// outcomes as a direct merchant's.
func TestSandboxV3Partner(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{})
	c := e.v3Partner(t, e.creds.Partner.SubMchID)
	runGatewaySuite(t, e, c)
	if len(e.sb.Ledger().Orders) != 0 || len(e.sb.PartnerLedger().Orders) == 0 {
		t.Fatalf("partner orders went to the direct merchant: direct %d, sub-merchant %d", len(e.sb.Ledger().Orders), len(e.sb.PartnerLedger().Orders))
	}
}

// TestSandboxV3PartnerIdentity: a partner answer names the sub-merchant as
// the order's merchant, and a provider naming a sub-merchant it does not
// serve gets a definite refusal, no order.
func TestSandboxV3PartnerIdentity(t *testing.T) {
	ctx := context.Background()
	e := newSandboxEnv(t, sandbox.Options{})
	p := e.creds.Partner
	c := e.v3Partner(t, p.SubMchID)
	txn, err := c.Codepay(ctx, scan(sandbox.NewCode(sandbox.ScenarioSuccess), 100))
	if err != nil || txn.MchID != p.SubMchID || txn.SpMchID != p.SpMchID || txn.AppID != p.SubAppID || txn.OpenID == "" {
		t.Fatalf("%+v %v", txn, err)
	}
	_, err = e.v3Partner(t, "1799999999").Codepay(ctx, scan(sandbox.NewCode(sandbox.ScenarioSuccess), 100))
	var ae *wechat.APIError
	if !errors.As(err, &ae) || wechat.OutcomeUnknown(err) || ae.StatusCode != 400 {
		t.Fatalf("unserved sub-merchant: %v", err)
	}
	if n := len(e.sb.PartnerLedger().Orders); n != 1 {
		t.Fatalf("sub-merchant ledger has %d orders", n)
	}
}

// TestSandboxV3PartnerOtherSubMerchantAnswer: a validly signed answer about
// another sub-merchant's order is not trusted (outcome unknown: query).
func TestSandboxV3PartnerOtherSubMerchantAnswer(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{})
	p := e.creds.Partner
	c := e.v3Partner(t, p.SubMchID)
	key, err := wechat.ParsePrivateKeyPEM([]byte(p.PublicKeyPrivatePEM))
	if err != nil {
		t.Fatal(err)
	}
	e.tp.set(func(h http.Header, b []byte) []byte {
		b = bytes.Replace(b, []byte(`"sub_mchid":"`+p.SubMchID), []byte(`"sub_mchid":"1799999999`), 1)
		s, _ := wechat.SignSHA256RSA(key, wechat.V3ResponseMessage(h.Get("Wechatpay-Timestamp"), h.Get("Wechatpay-Nonce"), string(b)))
		h.Set("Wechatpay-Signature", s)
		return b
	})
	req := scan(sandbox.NewCode(sandbox.ScenarioSuccess), 100)
	_, err = c.Codepay(context.Background(), req)
	e.tp.set(nil)
	if !errors.Is(err, wechat.ErrUntrusted) || !wechat.OutcomeUnknown(err) {
		t.Fatalf("err = %v, want untrusted", err)
	}
	if txn, err := c.QueryByOutTradeNo(context.Background(), req.OutTradeNo); err != nil || !txn.Paid() {
		t.Fatalf("%+v %v", txn, err)
	}
}

// v2Partner is the provider's v2 client acting for its sub-merchant.
func (e *sandboxEnv) v2Partner(t testing.TB, st wechat.SignType) *wechat.V2Client {
	t.Helper()
	p := e.sb.Profile(e.url).Partner
	c, err := wechat.NewV2(wechat.WithHTTPClient(e.hc), wechat.WithBaseURL(e.url),
		wechat.WithMerchant(p.SpMchID, p.SpAppID), wechat.WithSubMerchant(p.SubMchID, p.SubAppID),
		wechat.WithV2Key(p.APIKey, st),
		wechat.WithClientCertificate([]byte(p.ClientCertPEM), []byte(p.MerchantPrivateKeyPEM)))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSandboxV2Partner is TestSandboxV3Partner over API v2 (sub_mch_id,
// sub_appid, the provider's key and client certificate).
func TestSandboxV2Partner(t *testing.T) {
	for _, st := range []wechat.SignType{wechat.SignMD5, wechat.SignHMACSHA256} {
		t.Run(string(st), func(t *testing.T) {
			e := newSandboxEnv(t, sandbox.Options{})
			runGatewaySuite(t, e, e.v2Partner(t, st))
			if len(e.sb.Ledger().Orders) != 0 || len(e.sb.PartnerLedger().Orders) == 0 {
				t.Fatalf("partner orders went to the direct merchant: direct %d, sub-merchant %d", len(e.sb.Ledger().Orders), len(e.sb.PartnerLedger().Orders))
			}
		})
	}
}
