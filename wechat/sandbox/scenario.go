package sandbox

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"math/big"
	"sort"

	"github.com/wxpos/wxpos/internal/ident"
)

// Scenario names how the simulated customer behind a payment code behaves.
// The first six digits of an 18-digit code select it (see doc.go).
type Scenario string

// The payment-code scenarios. Any valid code whose prefix is not listed
// behaves like ScenarioSuccess.
const (
	// ScenarioSuccess pays at once.
	ScenarioSuccess Scenario = "success"
	// ScenarioUserPayingSuccess asks for the password (USERPAYING) and pays
	// Options.UserPayingDelay later on the sandbox clock.
	ScenarioUserPayingSuccess Scenario = "userpaying_success"
	// ScenarioUserPayingTimeout asks for the password and never pays; the
	// order fails (PAYERROR) after Options.UserPayingTimeout.
	ScenarioUserPayingTimeout Scenario = "userpaying_timeout"
	// ScenarioNotEnough is declined for insufficient balance (NOTENOUGH).
	ScenarioNotEnough Scenario = "notenough"
	// ScenarioAuthCodeExpired is refused because the code expired
	// (AUTHCODEEXPIRE); no order is created.
	ScenarioAuthCodeExpired Scenario = "authcode_expired"
	// ScenarioSystemErrorThenSuccess answers the first payment request with
	// SYSTEMERROR although the order was paid.
	ScenarioSystemErrorThenSuccess Scenario = "system_error_then_success"
	// ScenarioCoupon pays at once with a ¥1.00 merchant-funded NOCASH
	// coupon (免充值券): the customer pays total − 100 fen and the merchant
	// is settled the same (see coupon.go).
	ScenarioCoupon Scenario = "coupon"
	// ScenarioCouponWeChat pays at once with a ¥1.00 WeChat-funded CASH
	// coupon (充值型代金券): the customer pays total − 100 fen and the
	// merchant is settled the whole total.
	ScenarioCouponWeChat Scenario = "coupon_wechat"
	// ScenarioRefundAbnormal pays at once, but the customer's account is
	// closed afterwards: every refund of the order ends ABNORMAL (settle it
	// with apply-abnormal-refund).
	ScenarioRefundAbnormal Scenario = "refund_abnormal"
)

// scenarioPrefixes is the fixed prefix table (documented in doc.go).
var scenarioPrefixes = map[Scenario]string{
	ScenarioSuccess:                "130001",
	ScenarioUserPayingSuccess:      "130002",
	ScenarioUserPayingTimeout:      "130003",
	ScenarioNotEnough:              "130004",
	ScenarioAuthCodeExpired:        "130005",
	ScenarioSystemErrorThenSuccess: "130006",
	ScenarioCoupon:                 "130007",
	ScenarioCouponWeChat:           "130008",
	ScenarioRefundAbnormal:         "130010",
}

// Scenarios returns every scenario in a stable order.
func Scenarios() []Scenario {
	out := make([]Scenario, 0, len(scenarioPrefixes))
	for sc := range scenarioPrefixes {
		out = append(out, sc)
	}
	sort.Slice(out, func(i, j int) bool { return scenarioPrefixes[out[i]] < scenarioPrefixes[out[j]] })
	return out
}

// Prefix returns the 6-digit prefix that selects sc, or "" for an unknown
// scenario.
func (sc Scenario) Prefix() string { return scenarioPrefixes[sc] }

// NewCode returns a fresh 18-digit payment code that selects sc: its prefix
// followed by 12 random digits. Each code pays once, as a real one does.
func NewCode(sc Scenario) string {
	p := sc.Prefix()
	if p == "" {
		p = ScenarioSuccess.Prefix()
	}
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000_000_000))
	if err != nil {
		panic("sandbox: crypto/rand failed: " + err.Error())
	}
	s := n.String()
	for len(s) < 12 {
		s = "0" + s
	}
	return p + s
}

// ValidCode reports whether code has the WeChat payment-code format: 18
// digits with a leading 10–15 (PROTOCOL A.5).
func ValidCode(code string) bool { return ident.PaymentCode(code) }

// scenarioOf picks the scenario of a valid code.
func scenarioOf(code string) Scenario {
	if len(code) >= 6 {
		for sc, p := range scenarioPrefixes {
			if code[:6] == p {
				return sc
			}
		}
	}
	return ScenarioSuccess
}

// codeDigest is what the ledger keeps of a payment code: never the code.
func codeDigest(code string) string {
	sum := sha256.Sum256([]byte("wxpos-sandbox-code:" + code))
	return hex.EncodeToString(sum[:16])
}

// last4 returns the last four characters of a code (for display and logs).
func last4(code string) string {
	if len(code) <= 4 {
		return code
	}
	return code[len(code)-4:]
}
