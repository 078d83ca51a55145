package catalog

import (
	"errors"
	"fmt"
	"strings"
)

// Kind is what a scanned code is. Kinds are stable strings: they are
// logged, shown by the window's translations and kept in tests.
type Kind string

// The kinds Classify reports.
const (
	KindEmpty     Kind = "empty"      // nothing but noise was read
	KindEAN13     Kind = "ean13"      // EAN-13 (GTIN-13) with a valid check digit
	KindEAN8      Kind = "ean8"       // EAN-8 with a valid check digit
	KindUPCA      Kind = "upca"       // UPC-A (12 digits) with a valid check digit
	KindUPCE      Kind = "upce"       // UPC-E (8 digits: 0|1, six, check), expanded to UPC-A
	KindGTIN14    Kind = "gtin14"     // GTIN-14 (a case or carton) with a valid check digit
	KindStore     Kind = "store"      // the store's own code (Rules.StoreCodes)
	KindWeighed   Kind = "weighed"    // a scale label: item code and price or weight (Rules.Weighed)
	KindWeChatPay Kind = "wechat_pay" // a WeChat Pay payment code: 18 digits, prefix 10–15
	KindAlipay    Kind = "alipay"     // an Alipay payment code: refused, WeChat Pay only
	KindUnionPay  Kind = "unionpay"   // a UnionPay QuickPass payment code: refused, WeChat Pay only
	KindStaffCard Kind = "staff_card" // a cashier's staff card (StaffCardPrefix + 10 hex digits): signs in, never sells
	KindUnknown   Kind = "unknown"    // none of the above; Code.Why says more
)

// StaffCardPrefix starts a staff card's code: "WXS-" and ten hex digits
// (staffstore.CardCode), printed as a Code 128 barcode. Letters and a
// hyphen keep it apart from every item and payment code, which are all
// digits; a keyboard wedge types it like any barcode.
const StaffCardPrefix = "WXS-"

// staffCardLen is the length of a staff card's code.
const staffCardLen = len(StaffCardPrefix) + 10

// Why says more about a KindUnknown code, for the cashier's message.
type Why string

// The reasons an unknown code carries.
const (
	WhyNotDigits     Why = "not_digits"      // letters or symbols: a URL, a QR text, line noise
	WhyPartialRead   Why = "partial_read"    // starts like a WeChat code but is too short
	WhyTooLong       Why = "too_long"        // longer than a WeChat code, of no other wallet
	WhyBadCheckDigit Why = "bad_check_digit" // the length of a product barcode, a wrong check digit
	WhyOther         Why = "other"           // digits of no family the till knows
)

// WeChatCodeLen is the length of a WeChat Pay payment code (付款码).
const WeChatCodeLen = 18

// Code is a classified scan. It never holds a payment code's digits:
// Key is empty for the payment kinds, so a Code may be logged.
type Code struct {
	Kind Kind
	// Key is what the catalogue is searched by: the GTIN-13 form of an
	// EAN-13, UPC-A or UPC-E ("0" + UPC-A), the digits of an EAN-8 or
	// GTIN-14, a store code as read, and a scale label's item code (PLU).
	Key string
	// Price is the amount in fen a scale label carries (0 when none).
	Price int64
	// Grams is the weight a scale label carries (0 when none).
	Grams int64
	// Layout names the Rules.Weighed layout that read a scale label.
	Layout string
	// Why says more when Kind is KindUnknown.
	Why Why
}

// Item reports whether c names an item of the catalogue.
func (c Code) Item() bool {
	switch c.Kind {
	case KindEAN13, KindEAN8, KindUPCA, KindUPCE, KindGTIN14, KindStore, KindWeighed:
		return true
	}
	return false
}

// Payment reports whether c is some wallet's payment code, ours or not.
func (c Code) Payment() bool {
	return c.Kind == KindWeChatPay || c.Kind == KindAlipay || c.Kind == KindUnionPay
}

// ErrOnlyWeChat is the refusal of another wallet's payment code.
var ErrOnlyWeChat = errors.New("this till takes WeChat Pay only")

// ErrUnknownCode is the refusal of a code the till does not know.
var ErrUnknownCode = errors.New("unknown code")

// Err is nil for an item or a WeChat Pay code and otherwise an error that
// says, in English, why the scan was refused (errors.Is ErrOnlyWeChat or
// ErrUnknownCode). It never holds the scanned text.
func (c Code) Err() error {
	switch {
	case c.Kind == KindAlipay:
		return fmt.Errorf("an Alipay payment code: %w", ErrOnlyWeChat)
	case c.Kind == KindUnionPay:
		return fmt.Errorf("a UnionPay payment code: %w", ErrOnlyWeChat)
	case c.Kind == KindEmpty:
		return fmt.Errorf("%w: nothing was read", ErrUnknownCode)
	case c.Kind == KindUnknown:
		return fmt.Errorf("%w (%s)", ErrUnknownCode, c.Why)
	}
	return nil
}

// Classify classifies s with no store codes and no scale layouts.
func Classify(s string) Code { return (*Rules)(nil).Classify(s) }

// WeChatPayCode reports whether s is a WeChat Pay payment code: 18 digits
// starting 10–15. It is the one test the till applies before sending a
// code to WeChat.
func WeChatPayCode(s string) bool { return Classify(s).Kind == KindWeChatPay }

// Classify says what the scanned text s is. The order is the decision
// table of the package doc: a WeChat code first (nothing configured may
// shadow it, Rules.Validate sees to that), then what the store configured
// (scale labels, store codes), other wallets, standard product barcodes,
// and last the reasons a code is unknown. A nil *Rules has none
// configured. Classify never panics, whatever s holds.
func (r *Rules) Classify(s string) Code {
	n := len(s)
	switch {
	case n == 0:
		return Code{Kind: KindEmpty}
	case staffCard(s):
		return Code{Kind: KindStaffCard, Key: strings.ToUpper(s)}
	case !digits(s):
		return Code{Kind: KindUnknown, Why: WhyNotDigits}
	case n == WeChatCodeLen && wechatPrefix(s):
		return Code{Kind: KindWeChatPay}
	}
	if r != nil {
		for _, l := range r.Weighed {
			if c, ok := l.read(s); ok {
				return c
			}
		}
		for _, sc := range r.StoreCodes {
			if sc.match(s) {
				return Code{Kind: KindStore, Key: s}
			}
		}
	}
	p := prefix2(s)
	switch {
	case p >= 25 && p <= 30 && n >= 16 && n <= 24:
		return Code{Kind: KindAlipay}
	case p == 62 && n == 19:
		return Code{Kind: KindUnionPay}
	}
	if c, ok := product(s); ok {
		return c
	}
	switch {
	case wechatPrefix(s) && n < WeChatCodeLen:
		return Code{Kind: KindUnknown, Why: WhyPartialRead}
	case n > WeChatCodeLen:
		return Code{Kind: KindUnknown, Why: WhyTooLong}
	case n == 8 || n == 12 || n == 13 || n == 14:
		return Code{Kind: KindUnknown, Why: WhyBadCheckDigit}
	}
	return Code{Kind: KindUnknown, Why: WhyOther}
}

// staffCard reports whether s has a staff card's shape, in either case
// (a wedge typing with Caps Lock on swaps it).
func staffCard(s string) bool {
	if len(s) != staffCardLen || !strings.EqualFold(s[:len(StaffCardPrefix)], StaffCardPrefix) {
		return false
	}
	for _, c := range s[len(StaffCardPrefix):] {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// product reads a standard product barcode: UPC-E before EAN-8 (both are
// eight digits; a UPC-E starts 0 or 1 and checks as its UPC-A), then
// UPC-A, EAN-13 and GTIN-14.
func product(s string) (Code, bool) {
	switch len(s) {
	case 8:
		if a, ok := ExpandUPCE(s); ok {
			return Code{Kind: KindUPCE, Key: "0" + a}, true
		}
		if CheckDigitOK(s) {
			return Code{Kind: KindEAN8, Key: s}, true
		}
	case 12:
		if CheckDigitOK(s) {
			return Code{Kind: KindUPCA, Key: "0" + s}, true
		}
	case 13:
		if CheckDigitOK(s) {
			return Code{Kind: KindEAN13, Key: s}, true
		}
	case 14:
		if CheckDigitOK(s) {
			return Code{Kind: KindGTIN14, Key: s}, true
		}
	}
	return Code{}, false
}

// CheckDigit returns the GS1 mod-10 check digit of the digits s (without
// their check digit): weights 3,1,3,… from the rightmost digit. It serves
// EAN-8, EAN-13, UPC-A, GTIN-14 and scale labels alike.
func CheckDigit(s string) byte {
	sum := 0
	for i, w := len(s)-1, 3; i >= 0; i, w = i-1, 4-w {
		sum += int(s[i]-'0') * w
	}
	return byte('0' + (10-sum%10)%10)
}

// CheckDigitOK reports whether the last digit of the digits s is the GS1
// check digit of the others.
func CheckDigitOK(s string) bool {
	return len(s) >= 2 && digits(s) && CheckDigit(s[:len(s)-1]) == s[len(s)-1]
}

// ExpandUPCE returns the UPC-A (12 digits) of an 8-digit UPC-E — number
// system 0 or 1, six digits, check digit — and whether s is one, its
// check digit being the UPC-A's. The last of the six says where the zeros
// go (GS1 General Specifications, UPC-E zero suppression):
//
//	0–2: NS d1 d2 d6 0000 d3 d4 d5
//	3:   NS d1 d2 d3 00000 d4 d5
//	4:   NS d1 d2 d3 d4 00000 d5
//	5–9: NS d1 d2 d3 d4 d5 0000 d6
func ExpandUPCE(s string) (string, bool) {
	if len(s) != 8 || !digits(s) || (s[0] != '0' && s[0] != '1') {
		return "", false
	}
	d := s[1:7]
	var body string
	switch d[5] {
	case '0', '1', '2':
		body = d[0:2] + d[5:6] + "0000" + d[2:5]
	case '3':
		body = d[0:3] + "00000" + d[3:5]
	case '4':
		body = d[0:4] + "00000" + d[4:5]
	default:
		body = d[0:5] + "0000" + d[5:6]
	}
	a := s[:1] + body
	if CheckDigit(a) != s[7] {
		return "", false
	}
	return a + s[7:], true
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func wechatPrefix(s string) bool { return len(s) >= 2 && s[0] == '1' && s[1] >= '0' && s[1] <= '5' }

func prefix2(s string) int {
	if len(s) < 2 {
		return -1
	}
	return int(s[0]-'0')*10 + int(s[1]-'0')
}
