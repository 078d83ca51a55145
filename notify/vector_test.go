package notify_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wxpos/wxpos/notify"
	"github.com/wxpos/wxpos/wechat"
)

// The public v3 notification of wechatpay-go (VECTORS.md V3: a payscore
// event, signed by platform certificate D7CE59D1F522D701) passes the
// receiver's verification and decryption and is then refused as an event
// the terminal does not handle; a byte changed is a bad signature, and the
// same delivery six minutes late is stale.
func TestPublicVectorV3(t *testing.T) {
	const (
		ts    = "1624523846"
		nonce = "EcZ9Cmy4Xyx1i6RlJQzLcCyEqDa26NBz"
		sig   = "tJHIiIS9eB2hAYstmAmbbD3ZE5LiIm/Ug5tuL4fC0YOFRWIHV39UFIZXC0e9Wl6lBu6sKvkqDkzpqzBsVHyXF" +
			"lbYZTOQrVdG4b6LfTnK4mikv9++ixJMd3vTf2yCqvBkh98zs3Ds5zsYQakzbcwhmw4fMJs4nPLws28H0UW9FjDR//rxELLwXvV1VEA1I" +
			"BLX70xptjL8hrfUjEE8kkry6yNJTHZRU8CAc7qHli2Ng1V1qb9ARbK8A3ThmFmPQvRGrapI/jS2laKKgYUmfdEdkNO6B2Cke5e8VTxY4" +
			"06ArAmQ90GAihDwIcb16TQMnzCMBoutnwZKNiKRACrFmtxw2Q=="
		body = `{"id":"3119dfba-e649-5eec-ab1e-3412bc4d2e17","create_time":"2021-06-24T16:37:26+08:00",` +
			`"resource_type":"encrypt-resource","event_type":"PAYSCORE.USER_OPEN_SERVICE","summary":"签约成功",` +
			`"resource":{"original_type":"payscore","algorithm":"AEAD_AES_256_GCM",` +
			`"ciphertext":"YDS3lKPaC4Y52Gf3uhft5qUBlIa8b428AWTtTauHQfQrRw+X1WpiuHIDy0vo1Vd6VEq67aVyqPdDYMkRVSDaZL3iZt` +
			`tevRMOoPKMifozg6XPWjIZumks/GpT48lI4NizyeaqLBokNebthah3o1H76qSlO9NkDjp9bzmKLEYYH9TEklFUpsvPqOTOcgSLgh21YJXYR` +
			`7dEBXFgRLiNIKRgO5JdXh1hccRUAlyVWxE54PXpnQ==","associated_data":"payscore","nonce":"Kj7QIyUiYx1q"}}`
	)
	pemBytes, err := os.ReadFile(filepath.Join("..", "wechat", "testdata", "wechatpay_cert_D7CE59D1F522D701.pem"))
	if err != nil {
		t.Fatal(err)
	}
	cert, err := wechat.ParseCertificatePEM(pemBytes)
	if err != nil {
		t.Fatal(err)
	}
	sink, err := notify.OpenBolt(filepath.Join(t.TempDir(), "n.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	var now atomic.Int64 // the handler reads the clock the test moves
	now.Store(1624523846 + 60)
	clock := func() time.Time { return time.Unix(now.Load(), 0) }
	rc, err := notify.NewReceiver(notify.Receiver{MchID: "1234567890", Sink: sink, Now: clock,
		V3: &wechat.NotifyParser{Verifier: wechat.NewCertificateVerifier(clock, cert), APIv3Key: "testMchAPIv3Key0", Now: clock}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(rc.Handler())
	defer srv.Close()
	post := func(b string) int {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/notify/v3", strings.NewReader(b))
		req.Header.Set("Wechatpay-Timestamp", ts)
		req.Header.Set("Wechatpay-Nonce", nonce)
		req.Header.Set("Wechatpay-Signature", sig)
		req.Header.Set("Wechatpay-Serial", "D7CE59D1F522D701")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := post(body); st != http.StatusBadRequest {
		t.Errorf("vector answered %d, want 400 (verified, not a payment)", st)
	}
	if st := post(strings.Replace(body, "签约成功", "签约失败", 1)); st != http.StatusUnauthorized {
		t.Errorf("tampered vector answered %d, want 401", st)
	}
	now.Add(5 * 60)
	if st := post(body); st != http.StatusUnauthorized {
		t.Errorf("stale vector answered %d, want 401", st)
	}
	fs, err := sink.Refusals(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{notify.RefusedStale, notify.RefusedSignature, notify.RefusedUnsupported}
	if len(fs) != 3 {
		t.Fatalf("refusals %+v", fs)
	}
	for i, f := range fs {
		if f.Reason != want[i] {
			t.Errorf("refusal %d: %s, want %s", i, f.Reason, want[i])
		}
	}
	if fs[2].ID != "3119dfba-e649-5eec-ab1e-3412bc4d2e17" {
		t.Errorf("unsupported refusal id %q", fs[2].ID)
	}
}
