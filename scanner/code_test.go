package scanner

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestCheckPaymentCode(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		reason Reason // "" = valid
		only   bool   // errors.Is(err, ErrOnlyWeChat)
	}{
		{"wechat prefix 10", "104567890123456789", "", false},
		{"wechat prefix 13", "134567890123456789", "", false},
		{"wechat prefix 15", "154567890123456789", "", false},
		{"prefix 16 is not wechat", "164567890123456789", ReasonNotWeChat, false},
		{"prefix 09", "094567890123456789", ReasonNotWeChat, false},
		{"empty", "", ReasonEmpty, false},
		{"letters", "13456789012345678A", ReasonNotDigits, false},
		{"url", "https://qr.alipay.com/x", ReasonNotDigits, false},
		{"space inside", "1345678901 2345678", ReasonNotDigits, false},
		{"full-width digits", "１３４５６７８９０１２３４５６７８９", ReasonNotDigits, false},
		{"ean13", "6901234567892", ReasonProductBarcode, false},
		{"ean13 bad check digit", "6901234567891", ReasonNotWeChat, false},
		{"ean8", "96385074", ReasonProductBarcode, false},
		{"upc-a", "036000291452", ReasonProductBarcode, false},
		{"gtin14", "10012345678902", ReasonProductBarcode, false},
		{"partial wechat", "1345678901", ReasonPartialRead, false},
		{"partial 17", "13456789012345678", ReasonPartialRead, false},
		{"too long wechat 19", "1345678901234567890", ReasonTooLong, false},
		{"two codes glued", "134567890123456789134567890123456789", ReasonTooLong, false},
		{"alipay 18 prefix 28", "284567890123456789", ReasonAlipay, true},
		{"alipay 16 prefix 25", "2545678901234567", ReasonAlipay, true},
		{"alipay 24 prefix 30", "304567890123456789012345", ReasonAlipay, true},
		{"alipay prefix 31 no", "314567890123456789", ReasonNotWeChat, false},
		{"unionpay", "6212345678901234567", ReasonUnionPay, true},
		{"unionpay length 18 no", "621234567890123456", ReasonNotWeChat, false},
		{"short other", "42", ReasonNotWeChat, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckPaymentCode(tt.in)
			if tt.reason == "" {
				if err != nil {
					t.Fatalf("CheckPaymentCode(%s) = %v, want nil", Mask(tt.in), err)
				}
				return
			}
			var ce *CodeError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v is not a *CodeError", err)
			}
			if ce.Reason != tt.reason {
				t.Errorf("reason = %q, want %q", ce.Reason, tt.reason)
			}
			if !errors.Is(err, ErrNotPaymentCode) {
				t.Error("not errors.Is ErrNotPaymentCode")
			}
			if !errors.Is(err, reasonErr[tt.reason]) {
				t.Errorf("not errors.Is %v", reasonErr[tt.reason])
			}
			if got := errors.Is(err, ErrOnlyWeChat); got != tt.only {
				t.Errorf("errors.Is(ErrOnlyWeChat) = %v, want %v", got, tt.only)
			}
			wrapped := fmt.Errorf("scan: %w", err)
			if !errors.Is(wrapped, reasonErr[tt.reason]) {
				t.Error("sentinel lost through wrapping")
			}
			if len(tt.in) > 4 && strings.Contains(err.Error(), tt.in) {
				t.Errorf("error %q reveals the scanned value", err)
			}
		})
	}
}

func TestCodeErrorIsOnlyItsOwnSentinel(t *testing.T) {
	err := CheckPaymentCode("6901234567892")
	for r, sentinel := range reasonErr {
		if r == ReasonProductBarcode {
			continue
		}
		if errors.Is(err, sentinel) {
			t.Errorf("product barcode error matches %v", sentinel)
		}
	}
}

func TestMask(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"payment code", "134567890123456789", "…6789"},
		{"five chars", "12345", "…2345"},
		{"four chars hidden", "1234", "****"},
		{"empty", "", "****"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Mask(tt.in); got != tt.want {
				t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestScanNeverPrintsCode(t *testing.T) {
	const code = "134567890123456789"
	s := Scan{Code: code, Source: "/dev/x"}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		if out := fmt.Sprintf(format, s); strings.Contains(out, code) {
			t.Errorf("%s prints the code: %s", format, out)
		}
	}
	if v := s.LogValue().String(); strings.Contains(v, code) {
		t.Errorf("LogValue prints the code: %s", v)
	}
}

func BenchmarkCheckPaymentCode(b *testing.B) {
	for b.Loop() {
		_ = CheckPaymentCode("134567890123456789")
	}
}
