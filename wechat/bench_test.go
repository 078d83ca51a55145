package wechat_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/wxpos/wxpos/wechat"
)

// BenchmarkV3SignVerify is the per-call cryptographic cost of API v3: sign
// the request with the merchant key, verify the response with the WeChat Pay
// public key.
func BenchmarkV3SignVerify(b *testing.B) {
	mch := testMerchantKey(b)
	wx := testWechatPayKey(b)
	v, err := wechat.NewPublicKeyVerifier(testPubKeyID, wechatPayPublicKeyPEM(b))
	if err != nil {
		b.Fatal(err)
	}
	body := `{"appid":"wx1234567890abcdef","mchid":"1900000001","out_trade_no":"T100000","trade_state":"SUCCESS","amount":{"total":1234}}`
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	respSig, _ := wechat.SignSHA256RSA(wx, wechat.V3ResponseMessage(ts, "n", body))
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	c0 := cpuTime()
	for i := 0; i < b.N; i++ {
		nonce := wechat.NonceString()
		sig, err := wechat.SignSHA256RSA(mch, wechat.V3SignMessage("POST", "/v3/pay/transactions/codepay", 1700000000, nonce, body))
		if err != nil {
			b.Fatal(err)
		}
		_ = wechat.BuildAuthorization(testMchID, nonce, 1700000000, testMchSer, sig)
		if err := v.Verify(ctx, testPubKeyID, wechat.V3ResponseMessage(ts, "n", body), respSig); err != nil {
			b.Fatal(err)
		}
	}
	if cpu := cpuTime() - c0; cpu > 0 {
		b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/op")
	}
}

// BenchmarkV3QueryRoundTrip is a whole signed + verified query over loopback
// HTTP (client and fake server share the CPU).
func BenchmarkV3QueryRoundTrip(b *testing.B) {
	f := newFakeV3(b)
	f.handle("GET /v3/pay/transactions/out-trade-no/{no}", func(r *http.Request, _ []byte) (int, any) {
		return 200, paidTxn(r.PathValue("no"), 1)
	})
	c := f.start(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.QueryByOutTradeNo(ctx, "B1"); err != nil {
			b.Fatal(err)
		}
	}
}
