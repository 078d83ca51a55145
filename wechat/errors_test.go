package wechat_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/wxpos/wxpos/wechat"
)

func TestNormalizeCode(t *testing.T) {
	tests := []struct {
		raw  string
		want wechat.Code
	}{
		{"ORDER_NOT_EXIST", wechat.CodeOrderNotExist},
		{"ORDERNOTEXIST", wechat.CodeOrderNotExist},
		{"NOT_ENOUGH", wechat.CodeNotEnough},
		{"NOTENOUGH", wechat.CodeNotEnough},
		{"SYSTEM_ERROR", wechat.CodeSystemError},
		{"systemerror", wechat.CodeSystemError},
		{"BANK_ERROR", wechat.CodeBankError},
		{"ORDER_PAID", wechat.CodeOrderPaid},
		{"ORDER_CLOSED", wechat.CodeOrderClosed},
		{"RULE_LIMIT", wechat.CodeRuleLimit},
		{"NO_AUTH", wechat.CodeNoAuth},
		{"AUTHCODEEXPIRE", wechat.CodeAuthCodeExpire},
		{"AUTH_CODE_EXPIRE", wechat.CodeAuthCodeExpire},
		{"SIGN_ERROR", wechat.CodeSignError},
		{"SOMETHING_NEW", "SOMETHING_NEW"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			if got := wechat.NormalizeCode(tt.raw); got != tt.want {
				t.Fatalf("NormalizeCode(%q) = %q, want %q", tt.raw, got, tt.want)
			}
		})
	}
}

func TestOutcomeClassification(t *testing.T) {
	tests := []struct {
		name    string
		err     error
		unknown bool
		paying  bool
	}{
		{"transport", &wechat.TransportError{Op: "x", Err: context.DeadlineExceeded}, true, false},
		{"untrusted", &wechat.UntrustedResponseError{Op: "x", Err: wechat.ErrBadSignature}, true, false},
		{"5xx", &wechat.APIError{StatusCode: 503}, true, false},
		{"systemerror 200", &wechat.APIError{StatusCode: 200, Code: wechat.CodeSystemError}, true, false},
		{"userpaying", &wechat.APIError{StatusCode: 202, Code: wechat.CodeUserPaying}, true, true},
		{"notenough", &wechat.APIError{StatusCode: 403, Code: wechat.CodeNotEnough}, false, false},
		{"wrapped userpaying", fmt.Errorf("codepay T1: %w", &wechat.APIError{Code: wechat.CodeUserPaying}), true, true},
		{"invalid argument", fmt.Errorf("%w: x", wechat.ErrInvalidArgument), false, false},
		{"nil", nil, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if wechat.OutcomeUnknown(tt.err) != tt.unknown || wechat.IsUserPaying(tt.err) != tt.paying {
				t.Fatalf("unknown=%v paying=%v", wechat.OutcomeUnknown(tt.err), wechat.IsUserPaying(tt.err))
			}
		})
	}
}

func TestAPIErrorHasNoSecrets(t *testing.T) {
	ae := wechat.DecodeV3Error("v3 codepay", 400, []byte(`{"code":"PARAM_ERROR","message":"`+strings.Repeat("很", 400)+`","detail":{"value":"134567890123456789"}}`))
	s := ae.Error()
	if strings.Contains(s, "134567890123456789") || len(ae.Message) > 260*3 {
		t.Fatalf("error leaks or is unbounded: %d bytes", len(s))
	}
	if ae.Code != wechat.CodeParamError {
		t.Fatalf("code %q", ae.Code)
	}
	var target *wechat.APIError
	if !errors.As(fmt.Errorf("wrap: %w", ae), &target) {
		t.Fatal("errors.As")
	}
}

func FuzzDecodeV3Error(f *testing.F) {
	f.Add(400, []byte(`{"code":"PARAM_ERROR","message":"参数错误","detail":{"field":"/amount/total"}}`))
	f.Add(202, []byte(`{"code":"USERPAYING","message":"需要用户输入支付密码"}`))
	f.Add(500, []byte(`<html>`))
	f.Add(404, []byte(`{"code":123}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		ae := wechat.DecodeV3Error("op", status, body)
		if ae == nil || ae.StatusCode != status {
			t.Fatal("no error")
		}
		if len(ae.Message) > 256+len("…") || len(ae.RawCode) > 64+len("…") {
			t.Fatalf("unbounded: %d %d", len(ae.Message), len(ae.RawCode))
		}
		if wechat.NormalizeCode(string(ae.Code)) != ae.Code {
			t.Fatalf("code %q not normalised", ae.Code)
		}
		_ = ae.Error()
	})
}
