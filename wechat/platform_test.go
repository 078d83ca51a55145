package wechat_test

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wxpos/wxpos/wechat"
)

func certificatesHandler(t testing.TB, fetches *atomic.Int32) func(*http.Request, []byte) (int, any) {
	certPEM := readTestdata(t, "wechatpay_cert_D7CE59D1F522D701.pem")
	return func(*http.Request, []byte) (int, any) {
		fetches.Add(1)
		ct, err := wechat.EncryptAEADAES256GCM(testV3Key, "3a584b49ed9b", "certificate", certPEM)
		if err != nil {
			t.Error(err)
		}
		return 200, map[string]any{"data": []any{map[string]any{
			"serial_no": "D7CE59D1F522D701", "effective_time": "2021-04-27T16:55:23+08:00", "expire_time": "2031-04-25T16:55:23+08:00",
			"encrypt_certificate": map[string]string{"algorithm": "AEAD_AES_256_GCM", "nonce": "3a584b49ed9b",
				"associated_data": "certificate", "ciphertext": ct},
		}}}
	}
}

func TestPlatformCertificateMode(t *testing.T) {
	f := newFakeV3(t)
	f.serial = "D7CE59D1F522D701"
	var fetches atomic.Int32
	f.handle("GET /v3/certificates", certificatesHandler(t, &fetches))
	f.handle("GET /v3/pay/transactions/out-trade-no/{no}", func(r *http.Request, _ []byte) (int, any) {
		return 200, paidTxn(r.PathValue("no"), 1)
	})
	now := time.Now()
	clock := func() time.Time { return now }
	f.now = clock
	c, err := wechat.New(wechat.WithBaseURL(newServer(t, f)), wechat.WithMerchant(testMchID, testAppID),
		wechat.WithMerchantSigner(testMchSer, testMerchantKey(t)), wechat.WithV3Key(testV3Key),
		wechat.WithPlatformCertificates(), wechat.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	t.Run("certificates decrypted", func(t *testing.T) {
		list, err := c.Certificates(ctx)
		if err != nil || len(list) != 1 || list[0].SerialNo != "D7CE59D1F522D701" || list[0].ExpireTime.Year() != 2031 {
			t.Fatalf("%+v %v", list, err)
		}
	})
	fetches.Store(0)
	t.Run("cached across calls", func(t *testing.T) {
		for i := 0; i < 3; i++ {
			if _, err := c.QueryByOutTradeNo(ctx, "P100000"); err != nil {
				t.Fatal(err)
			}
		}
		if n := fetches.Load(); n != 1 {
			t.Fatalf("fetched %d times, want 1", n)
		}
	})
	t.Run("unknown serial refetches once", func(t *testing.T) {
		f.setTamper(func(h http.Header, b []byte) []byte { h.Set("Wechatpay-Serial", "1234ABCD"); return b })
		defer f.setTamper(nil)
		before := fetches.Load()
		_, err := c.QueryByOutTradeNo(ctx, "P100000")
		if !errors.Is(err, wechat.ErrUnknownSerial) || !wechat.OutcomeUnknown(err) {
			t.Fatalf("err = %v", err)
		}
		if fetches.Load() != before+1 {
			t.Fatalf("fetches %d, want %d", fetches.Load(), before+1)
		}
		// Within the cooldown a second miss does not hammer the endpoint.
		_, _ = c.QueryByOutTradeNo(ctx, "P100000")
		if fetches.Load() != before+1 {
			t.Fatalf("refetched within cooldown")
		}
	})
	t.Run("refresh after 12h", func(t *testing.T) {
		before := fetches.Load()
		now = now.Add(13 * time.Hour)
		if _, err := c.QueryByOutTradeNo(ctx, "P100000"); err != nil {
			t.Fatal(err)
		}
		if fetches.Load() != before+1 {
			t.Fatalf("not refreshed")
		}
	})
}

func TestCertificateVerifierExpiry(t *testing.T) {
	cert, err := wechat.ParseCertificatePEM(readTestdata(t, "wechatpay_cert_D7CE59D1F522D701.pem"))
	if err != nil {
		t.Fatal(err)
	}
	key := testWechatPayKey(t)
	sig := mustSign(t, key, "m")
	tests := []struct {
		name string
		at   time.Time
		ok   bool
	}{
		{"valid", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"before", time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{"expired", time.Date(2032, 1, 1, 0, 0, 0, 0, time.UTC), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := wechat.NewCertificateVerifier(func() time.Time { return tt.at }, cert)
			err := v.Verify(context.Background(), "D7CE59D1F522D701", "m", sig)
			if tt.ok != (err == nil) {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func TestPlatformCertificatesRefused(t *testing.T) {
	f := newFakeV3(t)
	f.serial = "D7CE59D1F522D701"
	f.handle("GET /v3/certificates", func(*http.Request, []byte) (int, any) {
		return 403, map[string]string{"code": "NO_AUTH", "message": "无权限"}
	})
	f.handle("GET /v3/pay/transactions/out-trade-no/{no}", func(r *http.Request, _ []byte) (int, any) {
		return 200, paidTxn(r.PathValue("no"), 1)
	})
	c, err := wechat.New(wechat.WithBaseURL(newServer(t, f)), wechat.WithMerchant(testMchID, testAppID),
		wechat.WithMerchantSigner(testMchSer, testMerchantKey(t)), wechat.WithV3Key(testV3Key),
		wechat.WithPlatformCertificates(), wechat.WithTimeout(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := c.QueryByOutTradeNo(context.Background(), "P100000")
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, wechat.ErrUntrusted) || !wechat.OutcomeUnknown(err) {
			t.Fatalf("err = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("verification deadlocked while fetching certificates")
	}
}
