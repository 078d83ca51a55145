package scanner

import (
	"errors"
	"fmt"
	"strings"

	"github.com/wxpos/wxpos/catalog"
)

// PaymentCodeLen is the length of a WeChat Pay payment code (付款码 / auth_code).
const PaymentCodeLen = catalog.WeChatCodeLen

// Reason says why a scanned value is not a WeChat Pay payment code. Reasons
// are stable strings so the UI can translate them and logs stay greppable.
type Reason string

// The reasons CheckPaymentCode reports.
const (
	ReasonEmpty          Reason = "empty"           // nothing but noise was read
	ReasonNotDigits      Reason = "not_digits"      // letters or symbols: a URL, a QR text, line noise
	ReasonProductBarcode Reason = "product_barcode" // EAN-8, UPC-A, EAN-13 or GTIN-14 with a valid check digit
	ReasonPartialRead    Reason = "partial_read"    // starts like a WeChat code but is too short
	ReasonTooLong        Reason = "too_long"        // more than a payment code, or over the frame limit
	ReasonAlipay         Reason = "alipay"          // Alipay: prefix 25–30, 16–24 digits
	ReasonUnionPay       Reason = "unionpay"        // UnionPay QuickPass (云闪付): prefix 62, 19 digits
	ReasonNotWeChat      Reason = "not_wechat"      // digits of no family we recognise
)

// ErrNotPaymentCode is matched (errors.Is) by every error CheckPaymentCode
// returns: the value must not be sent to WeChat.
var ErrNotPaymentCode = errors.New("not a WeChat Pay payment code")

// ErrOnlyWeChat is matched by a *CodeError whose value is another wallet's
// payment code (Alipay, UnionPay): the customer must open WeChat instead.
var ErrOnlyWeChat = errors.New("only WeChat Pay is accepted")

// The sentinels below are matched by a *CodeError with the matching Reason.
var (
	// ErrEmpty is matched when the scan held no characters.
	ErrEmpty = errors.New("empty scan")
	// ErrNotDigits is matched when the scan held non-digit characters.
	ErrNotDigits = errors.New("scan is not all digits")
	// ErrProductBarcode is matched when a product barcode was scanned.
	ErrProductBarcode = errors.New("product barcode")
	// ErrPartialRead is matched when only part of a payment code was read.
	ErrPartialRead = errors.New("partial read")
	// ErrTooLong is matched when the scan is longer than a payment code.
	ErrTooLong = errors.New("scan too long")
	// ErrAlipay is matched when an Alipay payment code was scanned.
	ErrAlipay = errors.New("scan is an Alipay payment code")
	// ErrUnionPay is matched when a UnionPay payment code was scanned.
	ErrUnionPay = errors.New("scan is a UnionPay payment code")
	// ErrNotWeChat is matched when digits of an unknown family were scanned.
	ErrNotWeChat = errors.New("unrecognised code")
)

var reasonErr = map[Reason]error{
	ReasonEmpty:          ErrEmpty,
	ReasonNotDigits:      ErrNotDigits,
	ReasonProductBarcode: ErrProductBarcode,
	ReasonPartialRead:    ErrPartialRead,
	ReasonTooLong:        ErrTooLong,
	ReasonAlipay:         ErrAlipay,
	ReasonUnionPay:       ErrUnionPay,
	ReasonNotWeChat:      ErrNotWeChat,
}

// Hint is a short English sentence for the cashier; the UI translates by
// Reason instead of using it.
func (r Reason) Hint() string {
	switch r {
	case ReasonEmpty:
		return "nothing was read, scan again"
	case ReasonNotDigits:
		return "this is not a payment code, scan the customer's WeChat Pay code"
	case ReasonProductBarcode:
		return "this is a product barcode, scan the customer's WeChat Pay code"
	case ReasonPartialRead:
		return "only part of the code was read, scan again"
	case ReasonTooLong:
		return "too many characters were read, scan again"
	case ReasonAlipay, ReasonUnionPay:
		return "only WeChat Pay is accepted, ask the customer to open WeChat Pay"
	default:
		return "please scan a WeChat Pay code: 18 digits starting with 10 to 15"
	}
}

// CodeError is the error CheckPaymentCode returns. It never holds the
// scanned value: only its length and last four characters.
type CodeError struct {
	Reason Reason
	Len    int    // length of the scanned value in bytes
	Tail   string // at most the last 4 characters, see Mask
}

// Error describes the rejection without revealing the code.
func (e *CodeError) Error() string {
	return fmt.Sprintf("%s (%s, %d chars): %s", reasonErr[e.Reason], maskTail(e.Tail), e.Len, e.Reason.Hint())
}

// Is reports whether target is ErrNotPaymentCode, the sentinel of e.Reason,
// or ErrOnlyWeChat for another wallet's code.
func (e *CodeError) Is(target error) bool {
	switch target {
	case ErrNotPaymentCode:
		return true
	case ErrOnlyWeChat:
		return e.Reason == ReasonAlipay || e.Reason == ReasonUnionPay
	}
	return target != nil && reasonErr[e.Reason] == target
}

// CheckPaymentCode returns nil when s is a WeChat Pay payment code (18 digits,
// prefix 10–15, docs/wechatpay/PROTOCOL.md A.5) and otherwise a *CodeError whose Reason says
// what s looks like. The error never contains s.
func CheckPaymentCode(s string) error {
	r := Classify(s)
	if r == "" {
		return nil
	}
	return newCodeError(r, s)
}

func newCodeError(r Reason, s string) *CodeError {
	return &CodeError{Reason: r, Len: len(s), Tail: tail(s)}
}

// Classify returns "" when s is a WeChat Pay payment code, else the Reason it
// is not one. The decision is catalog.Classify's, the till's one way of
// telling codes apart; Classify only names its verdict for a payment. A
// store code or scale label of the store's configuration is a product to
// the sale screen; here, where no rules are known, it is a product barcode
// or a code of no family.
func Classify(s string) Reason {
	c := catalog.Classify(s)
	switch {
	case c.Kind == catalog.KindWeChatPay:
		return ""
	case c.Item():
		return ReasonProductBarcode
	}
	if r, ok := verdictReason[verdict{c.Kind, c.Why}]; ok {
		return r
	}
	return ReasonNotWeChat // never "": only KindWeChatPay is a payment code
}

type verdict struct {
	kind catalog.Kind
	why  catalog.Why
}

// verdictReason names each payment-refusing verdict of catalog.Classify
// (items are ReasonProductBarcode).
var verdictReason = map[verdict]Reason{
	{catalog.KindEmpty, ""}:                       ReasonEmpty,
	{catalog.KindAlipay, ""}:                      ReasonAlipay,
	{catalog.KindUnionPay, ""}:                    ReasonUnionPay,
	{catalog.KindUnknown, catalog.WhyNotDigits}:   ReasonNotDigits,
	{catalog.KindStaffCard, ""}:                   ReasonNotDigits, // a staff card signs in; it is no payment
	{catalog.KindUnknown, catalog.WhyPartialRead}: ReasonPartialRead,
	{catalog.KindUnknown, catalog.WhyTooLong}:     ReasonTooLong,
}

// Mask returns s reduced to its last four characters, safe to log or show:
// "…1234". Values of four characters or fewer are fully hidden.
func Mask(s string) string { return maskTail(tail(s)) }

func tail(s string) string {
	if len(s) <= 4 {
		return ""
	}
	return s[len(s)-4:]
}

func maskTail(t string) string {
	if t == "" {
		return "****"
	}
	return "…" + strings.ToValidUTF8(t, "?")
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
