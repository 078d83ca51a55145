package wechat_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/wxpos/wxpos/wechat"
)

func TestLoggingRedacts(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f := newFakeV3(t)
	f.handle("POST /v3/pay/transactions/codepay", func(*http.Request, []byte) (int, any) { return 200, paidTxn("T100000", 1234) })
	f.handle("GET /v3/pay/transactions/out-trade-no/{no}", func(*http.Request, []byte) (int, any) { return 200, paidTxn("T100000", 1234) })
	c := f.start(t, wechat.WithLogger(log))
	ctx := context.Background()
	if _, err := c.Codepay(ctx, codepayReq()); err != nil {
		t.Fatal(err)
	}
	f.setTamper(func(h http.Header, b []byte) []byte { return append(b, ' ') })
	if _, err := c.QueryByOutTradeNo(ctx, "T100000"); err == nil {
		t.Fatal("tampered answer accepted")
	}
	out := buf.String()
	if !strings.Contains(out, "****6789") || !strings.Contains(out, "untrusted") {
		t.Fatalf("expected redacted code and a warning in:\n%s", out)
	}
	for _, secret := range []string{"134567890123456789", testV3Key, "Wechatpay-Signature", "WECHATPAY2-SHA256", "PRIVATE KEY"} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains %q:\n%s", secret, out)
		}
	}
}

func TestRedactCode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"134567890123456789", "****6789"},
		{"123", "****"},
		{"", "****"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := wechat.RedactCode(tt.in); got != tt.want {
				t.Fatalf("RedactCode(%q) = %q", tt.in, got)
			}
		})
	}
}
