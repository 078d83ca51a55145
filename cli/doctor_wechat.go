package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/wxpos/wxpos/config"
	"github.com/wxpos/wxpos/wechat"
)

// probeTradeNo is the order number the doctor asks WeChat Pay about. No
// terminal mints it (theirs start with P), so the only right answer is a
// signed "order does not exist": a query moves no money.
func probeTradeNo(now time.Time) string {
	return fmt.Sprintf("DOCTOR%d", now.UnixNano())
}

// orderQuerier is the one call the doctor makes.
type orderQuerier interface {
	QueryByOutTradeNo(ctx context.Context, outTradeNo string) (*wechat.Transaction, error)
}

// CheckSignedCall proves the merchant setup end to end with one harmless
// signed call: a query for an order number that cannot exist. WeChat Pay
// must answer "order does not exist" with a signature this terminal
// verifies; anything else is a finding that says what to fix. The call
// carries no logger: its diagnosis is the finding, not log lines.
func CheckSignedCall(ctx context.Context, w config.WeChat, timeout time.Duration) Finding {
	const topic = "signed call"
	var (
		q   orderQuerier
		err error
	)
	common := []wechat.Option{wechat.WithTimeout(timeout)}
	switch w.Mode {
	case config.ModeV3:
		q, err = v3FromConfig(w, common)
	case config.ModeV2:
		q, err = v2FromConfig(w, common)
	default:
		return Finding{LevelInfo, topic, "training mode: the sandbox makes its own keys", ""}
	}
	if err != nil {
		return Finding{LevelFail, topic, "cannot build the WeChat Pay client: " + err.Error(), "fix the [wechat] settings named above"}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	_, err = q.QueryByOutTradeNo(ctx, probeTradeNo(time.Now()))
	return signedCallFinding(w, err)
}

// signedCallFinding grades the answer to the probe query.
func signedCallFinding(w config.WeChat, err error) Finding {
	const topic = "signed call"
	var (
		ae *wechat.APIError
		ue *wechat.UntrustedResponseError
		te *wechat.TransportError
	)
	switch {
	case err == nil:
		return Finding{LevelFail, topic, "WeChat Pay answered a query for an order that cannot exist as if it did",
			"check wechat.base_url: it must be WeChat Pay (https://api.mch.weixin.qq.com)"}
	case wechat.IsNotFound(err):
		how := "the merchant key and serial were accepted"
		if w.Mode == config.ModeV3 {
			how += "; the answer's signature verified"
			if w.PlatformPublicKeyID != "" {
				how += " with " + w.PlatformPublicKeyID
			}
		}
		if w.Partner() {
			return Finding{LevelOK, topic, how + " (service provider sp_mchid " + w.SpMchID + " serves sub_mchid " + w.SubMchID +
				": the binding was accepted; the appid bindings are checked by the first payment)", ""}
		}
		return Finding{LevelOK, topic, how + " (mchid " + w.MchID + "; the appid binding is checked by the first payment)", ""}
	case errors.As(err, &ue):
		return untrustedFinding(w, ue)
	case errors.As(err, &ae):
		return apiErrorFinding(w, ae)
	case errors.As(err, &te):
		return networkFinding(w.BaseURL, te.Err)
	}
	return Finding{LevelFail, topic, err.Error(), "fix the [wechat] settings named above"}
}

func apiErrorFinding(w config.WeChat, ae *wechat.APIError) Finding {
	const topic = "signed call"
	detail := fmt.Sprintf("WeChat Pay refused the query: HTTP %d %s %s", ae.StatusCode, ae.RawCode, ae.Message)
	if f, ok := bindingFinding(w, ae, detail); ok {
		return f
	}
	switch {
	case ae.Code == wechat.CodeSignError || (w.Mode == config.ModeV2 && ae.Code == wechat.CodeReturnFail && strings.Contains(ae.Message, "签名")):
		fix := "merchant_serial_no must be the serial of the certificate issued with merchant_private_key_file " +
			"(商户平台 › 账户中心 › API安全 › 管理证书), and mchid the merchant that certificate belongs to"
		if w.Mode == config.ModeV2 {
			fix = "api_key_file must hold the v2 API key of merchant " + w.MchID + " (商户平台 › 账户中心 › API安全), and sign_type match it"
		}
		return Finding{LevelFail, topic, detail, fix}
	case ae.Code == wechat.CodeMchNotExists, ae.Code == wechat.CodeAppIDMchIDNotMatch, ae.Code == wechat.CodeNoAuth,
		w.Mode == config.ModeV2 && ae.Code == wechat.CodeReturnFail && strings.Contains(ae.Message, "appid"):
		return Finding{LevelFail, topic, detail,
			"check wechat.mchid and wechat.appid: the appid must be bound to the merchant (商户平台 › 产品中心 › AppID账号管理) and the merchant must have the payment product"}
	case ae.OutcomeUnknown():
		return Finding{LevelWarn, topic, detail, "WeChat Pay had a problem of its own: run wxpos doctor again in a minute"}
	}
	return Finding{LevelFail, topic, detail, "fix the [wechat] setting WeChat Pay names above"}
}

// bindingFinding recognises WeChat Pay's refusals about who serves whom:
// a service provider configured as a direct merchant, a sub-merchant the
// provider does not serve, a provider's number used as a sub-merchant's.
func bindingFinding(w config.WeChat, ae *wechat.APIError, detail string) (Finding, bool) {
	const topic = "signed call"
	msg := ae.Message
	switch {
	case strings.Contains(msg, "受理机构必须传入sub_mch_id"):
		if w.Partner() {
			return Finding{LevelFail, topic, detail, "WeChat Pay did not see sub_mchid: set wechat.sub_mchid to the store's 特约商户号"}, true
		}
		return Finding{LevelFail, topic, detail, "merchant " + w.MchID + " is a service provider (服务商): set sp_mchid = " + w.MchID +
			" and sp_appid to its appid, sub_mchid to the store's 特约商户号 (服务商平台 › 服务商功能 › 特约商户管理), and leave mchid and appid empty"}, true
	case strings.Contains(msg, "普通商户不允许传sub_mch_id"):
		return Finding{LevelFail, topic, detail, "sp_mchid " + w.SpMchID + " is a direct merchant, not a service provider: " +
			"put it in wechat.mchid (and its appid in wechat.appid) and remove sp_mchid, sp_appid, sub_mchid and sub_appid"}, true
	case w.Partner() && (strings.Contains(msg, "sub_mch") || strings.Contains(msg, "特约商户") || strings.Contains(msg, "受理关系")):
		return Finding{LevelFail, topic, detail, "sub_mchid " + w.SubMchID + " is not a sub-merchant of service provider " + w.SpMchID +
			": check the store's 特约商户号 under 服务商平台 › 服务商功能 › 特约商户管理, and that sp_mchid is the provider that signed it up"}, true
	}
	return Finding{}, false
}

func untrustedFinding(w config.WeChat, ue *wechat.UntrustedResponseError) Finding {
	const topic = "signed call"
	detail := fmt.Sprintf("the answer (HTTP %d) failed verification: %v", ue.StatusCode, ue.Err)
	switch {
	case errors.Is(ue, wechat.ErrTimestampSkew):
		return Finding{LevelFail, topic, detail, "set the clock right: timedatectl set-ntp true (Linux) or Settings › Time › Set automatically (Windows)"}
	case errors.Is(ue, wechat.ErrUnknownSerial):
		fix := "WeChat Pay signs with a key this terminal does not know: set platform_public_key_id to the 公钥ID shown beside the 微信支付公钥 (商户平台 › 账户中心 › API安全)"
		if w.PlatformPublicKeyID == "" {
			fix = "WeChat Pay signs with a key its certificates do not hold: switch to the 微信支付公钥 (platform_public_key_id + platform_public_key_file)"
		}
		return Finding{LevelFail, topic, detail, fix}
	case errors.Is(ue, wechat.ErrBadSignature):
		return Finding{LevelFail, topic, detail,
			"platform_public_key_file is not the key of " + w.PlatformPublicKeyID + ": download the 微信支付公钥 again and point the setting at it"}
	}
	return Finding{LevelFail, topic, detail, "check wechat.base_url: the server is not WeChat Pay, or something between rewrites its answers"}
}

// networkFinding explains why no answer came: TLS trust, DNS, or the
// network, each with its own fix.
func networkFinding(url string, err error) Finding {
	const topic = "signed call"
	var (
		cv  *tls.CertificateVerificationError
		ua  x509.UnknownAuthorityError
		he  x509.HostnameError
		ci  x509.CertificateInvalidError
		dns *net.DNSError
	)
	switch {
	case errors.As(err, &cv), errors.As(err, &ua), errors.As(err, &he), errors.As(err, &ci):
		return Finding{LevelFail, "TLS trust", fmt.Sprintf("%s presents a certificate this terminal does not trust: %v", url, err),
			"behind a TLS-inspecting proxy, put the proxy's CA (PEM) in a file and set wechat.ca_file to it; otherwise fix the system's CA certificates (apt install ca-certificates). Never turn verification off"}
	case errors.As(err, &dns):
		return Finding{LevelFail, "DNS", fmt.Sprintf("cannot resolve %s: %v", url, err),
			"check the DNS settings (/etc/resolv.conf) and that this machine is online"}
	case errors.Is(err, context.DeadlineExceeded):
		return Finding{LevelFail, "network", fmt.Sprintf("no answer from %s in time: %v", url, err),
			"check the network path to WeChat Pay (firewall, proxy: HTTPS_PROXY), then run wxpos doctor again"}
	}
	return Finding{LevelFail, "network", fmt.Sprintf("cannot reach %s: %v", url, err),
		"check the network path to WeChat Pay (cable, firewall, proxy: HTTPS_PROXY)"}
}

// doctorHTTPClient is the client for the clock check: it trusts what the
// payment client trusts (wechat.ca_file).
func doctorHTTPClient(w config.WeChat) *http.Client {
	if hc, err := caClient(w); err == nil && hc != nil {
		return hc
	}
	return http.DefaultClient
}
