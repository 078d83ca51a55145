package wechat

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// ErrOutcomeUnknown is matched (errors.Is) by every error after which the
// caller cannot know whether WeChat Pay acted on the request: transport
// failures, timeouts, HTTP 5xx, SYSTEMERROR/BANKERROR, USERPAYING and
// responses that fail verification. The caller must query before deciding.
var ErrOutcomeUnknown = errors.New("wechat: outcome unknown")

// ErrUserPaying is matched (errors.Is) by a USERPAYING answer: the customer is
// entering the payment password. It also matches ErrOutcomeUnknown.
var ErrUserPaying = errors.New("wechat: user is paying")

// ErrUntrusted is matched (errors.Is) by a response whose signature, serial or
// timestamp does not check out. It also matches ErrOutcomeUnknown.
var ErrUntrusted = errors.New("wechat: response not trusted")

// ErrUnknownSerial is returned (wrapped) by a Verifier that holds no key for
// the serial it was asked about.
var ErrUnknownSerial = errors.New("wechat: unknown verification serial")

// ErrInvalidArgument is returned (wrapped) when a request misses a required
// field or carries an invalid one. Nothing was sent: the outcome is known.
var ErrInvalidArgument = errors.New("wechat: invalid request")

// ErrUnsupported is returned (wrapped) by a call the API generation does
// not offer in the client's mode (v2 has no sub-merchant fund-flow bill).
// Nothing was sent.
var ErrUnsupported = errors.New("wechat: not offered by this API")

// ErrNotConfigured is returned (wrapped) by New for a missing or inconsistent
// option, and by calls that need a credential the client was not given.
var ErrNotConfigured = errors.New("wechat: client not configured")

// Code is a WeChat Pay error code normalised across API generations: v2
// err_code and v3 code spellings of the same condition map to one constant
// (ORDER_NOT_EXIST and ORDERNOTEXIST are both CodeOrderNotExist).
type Code string

// Normalised WeChat Pay codes. Unlisted codes keep their upper-case spelling.
const (
	CodeUserPaying          Code = "USERPAYING"
	CodeSystemError         Code = "SYSTEMERROR"
	CodeBankError           Code = "BANKERROR"
	CodeNotEnough           Code = "NOTENOUGH"
	CodeAuthCodeExpire      Code = "AUTHCODEEXPIRE"
	CodeAuthCodeError       Code = "AUTH_CODE_ERROR"
	CodeAuthCodeInvalid     Code = "AUTH_CODE_INVALID"
	CodeNotSupportCard      Code = "NOTSUPORTCARD"
	CodeOrderPaid           Code = "ORDERPAID"
	CodeOrderClosed         Code = "ORDERCLOSED"
	CodeOrderReversed       Code = "ORDERREVERSED"
	CodeOrderNotExist       Code = "ORDERNOTEXIST"
	CodeBuyerMismatch       Code = "BUYER_MISMATCH"
	CodeTradeError          Code = "TRADE_ERROR"
	CodeParamError          Code = "PARAM_ERROR"
	CodeInvalidRequest      Code = "INVALID_REQUEST"
	CodeOutTradeNoUsed      Code = "OUT_TRADE_NO_USED"
	CodeNoAuth              Code = "NOAUTH"
	CodeRuleLimit           Code = "RULELIMIT"
	CodeSignError           Code = "SIGNERROR"
	CodeFrequencyLimited    Code = "FREQUENCY_LIMITED"
	CodeRateLimitExceeded   Code = "RATELIMIT_EXCEEDED"
	CodeRefundNotExist      Code = "REFUNDNOTEXIST"
	CodeResourceNotExists   Code = "RESOURCE_NOT_EXISTS"
	CodeReverseExpire       Code = "REVERSE_EXPIRE"
	CodeBizErrNeedRetry     Code = "BIZERR_NEED_RETRY"
	CodeTradeOverdue        Code = "TRADE_OVERDUE"
	CodeUserAccountAbnormal Code = "USER_ACCOUNT_ABNORMAL"
	CodeInvalidTransaction  Code = "INVALID_TRANSACTIONID"
	CodeMchNotExists        Code = "MCH_NOT_EXISTS"
	CodeAppIDMchIDNotMatch  Code = "APPID_MCHID_NOT_MATCH"
	CodeStatementCreating   Code = "STATEMENT_CREATING"
	CodeNoStatementExist    Code = "NO_STATEMENT_EXIST"
	// CodeReturnFail is a v2 answer with return_code=FAIL (protocol-level
	// rejection: signature, parameters, encoding); the message says why.
	CodeReturnFail Code = "RETURN_FAIL"
)

// codeAliases maps an upper-case code with underscores removed to its
// normalised constant.
var codeAliases = func() map[string]Code {
	m := map[string]Code{}
	for _, c := range []Code{
		CodeUserPaying, CodeSystemError, CodeBankError, CodeNotEnough, CodeAuthCodeExpire,
		CodeAuthCodeError, CodeAuthCodeInvalid, CodeNotSupportCard, CodeOrderPaid, CodeOrderClosed,
		CodeOrderReversed, CodeOrderNotExist, CodeBuyerMismatch, CodeTradeError, CodeParamError,
		CodeInvalidRequest, CodeOutTradeNoUsed, CodeNoAuth, CodeRuleLimit, CodeSignError,
		CodeFrequencyLimited, CodeRateLimitExceeded, CodeRefundNotExist, CodeResourceNotExists, CodeReverseExpire,
		CodeBizErrNeedRetry, CodeTradeOverdue, CodeUserAccountAbnormal, CodeInvalidTransaction,
		CodeMchNotExists, CodeAppIDMchIDNotMatch, CodeStatementCreating, CodeNoStatementExist,
	} {
		m[strings.ReplaceAll(string(c), "_", "")] = c
	}
	m["NOTSUPPORTCARD"] = CodeNotSupportCard
	m["MCHIDNOTEXIST"] = CodeMchNotExists
	return m
}()

// NormalizeCode maps a raw v2 err_code or v3 code to its normalised Code,
// ignoring case and underscores.
func NormalizeCode(raw string) Code {
	up := strings.ToUpper(strings.TrimSpace(raw))
	if c, ok := codeAliases[strings.ReplaceAll(up, "_", "")]; ok {
		return c
	}
	return Code(up)
}

// unknownCodes are business codes that leave the outcome open. A rate
// limit is one: the request is to be repeated unchanged (same out_refund_no)
// later, and until then nothing says it was refused.
func (c Code) outcomeUnknown() bool {
	switch c {
	case CodeUserPaying, CodeSystemError, CodeBankError, CodeBizErrNeedRetry, CodeFrequencyLimited, CodeRateLimitExceeded:
		return true
	}
	return false
}

// APIError is a failure answered by WeChat Pay: the HTTP status (200 for v2
// business failures), the normalised code and WeChat's message. It never
// carries headers, bodies, signatures or keys.
type APIError struct {
	Op         string // operation, e.g. "v3 codepay"
	StatusCode int    // HTTP status
	Code       Code   // normalised code
	RawCode    string // the code as sent
	Message    string // WeChat's description (err_code_des / message), truncated
	Recall     bool   // v2 reverse answered recall=Y: call again
}

// Error implements error.
func (e *APIError) Error() string {
	return fmt.Sprintf("wechat: %s: HTTP %d %s: %s", e.Op, e.StatusCode, e.Code, e.Message)
}

// OutcomeUnknown reports whether the answer leaves open whether WeChat acted
// (HTTP 5xx, 429 or 202, SYSTEMERROR, BANKERROR, USERPAYING,
// BIZERR_NEED_RETRY, FREQUENCY_LIMITED, RATELIMIT_EXCEEDED, or a v2 reverse
// failure with recall=Y).
func (e *APIError) OutcomeUnknown() bool {
	return e.StatusCode >= 500 || e.StatusCode == http.StatusTooManyRequests || e.StatusCode == 202 ||
		e.Code.outcomeUnknown() || e.Recall
}

// Is lets errors.Is match ErrOutcomeUnknown and ErrUserPaying.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrOutcomeUnknown:
		return e.OutcomeUnknown()
	case ErrUserPaying:
		return e.Code == CodeUserPaying
	}
	return false
}

// TransportError is a failure to get an answer at all (connection refused on
// every host, reset, timeout, body read error). The request may have been
// processed, so it matches ErrOutcomeUnknown.
type TransportError struct {
	Op  string
	Err error
}

// Error implements error.
func (e *TransportError) Error() string { return fmt.Sprintf("wechat: %s: transport: %v", e.Op, e.Err) }

// Unwrap returns the underlying error (e.g. context.DeadlineExceeded).
func (e *TransportError) Unwrap() error { return e.Err }

// Is lets errors.Is match ErrOutcomeUnknown, and ErrNotSent when the
// request provably never reached a server.
func (e *TransportError) Is(target error) bool {
	switch target {
	case ErrOutcomeUnknown:
		return true
	case ErrNotSent:
		return notSent(e.Err)
	}
	return false
}

// ErrNotSent is matched (errors.Is) by a TransportError whose request never
// left this machine: the server's TLS certificate failed verification, so
// the handshake stopped before a byte of the request was written (and the
// backup host is tried only after a failed dial, which sends nothing
// either). A payment that was not sent cannot have moved money. The error
// still matches ErrOutcomeUnknown for every caller that does not ask.
var ErrNotSent = errors.New("wechat: request not sent")

// notSent reports whether a transport failure happened before the request
// could be written: the server's certificate was not trusted.
func notSent(err error) bool {
	var (
		cv *tls.CertificateVerificationError
		ua x509.UnknownAuthorityError
		he x509.HostnameError
		ci x509.CertificateInvalidError
	)
	return errors.As(err, &cv) || errors.As(err, &ua) || errors.As(err, &he) || errors.As(err, &ci)
}

// UntrustedResponseError is an answer that failed verification: bad or
// missing signature, unknown serial, timestamp skew, or a body that cannot be
// parsed. It matches ErrUntrusted and ErrOutcomeUnknown.
type UntrustedResponseError struct {
	Op         string
	StatusCode int
	Err        error
}

// Error implements error.
func (e *UntrustedResponseError) Error() string {
	return fmt.Sprintf("wechat: %s: untrusted response (HTTP %d): %v", e.Op, e.StatusCode, e.Err)
}

// Unwrap returns the reason (e.g. ErrBadSignature, ErrUnknownSerial).
func (e *UntrustedResponseError) Unwrap() error { return e.Err }

// Is lets errors.Is match ErrUntrusted and ErrOutcomeUnknown.
func (e *UntrustedResponseError) Is(target error) bool {
	return target == ErrUntrusted || target == ErrOutcomeUnknown
}

// OutcomeUnknown reports whether err leaves open whether WeChat Pay acted on
// the request. The caller must query (or reverse) before deciding.
func OutcomeUnknown(err error) bool { return errors.Is(err, ErrOutcomeUnknown) }

// IsUserPaying reports whether err is a USERPAYING answer.
func IsUserPaying(err error) bool { return errors.Is(err, ErrUserPaying) }

// ErrorCode returns the normalised code of an *APIError in err's chain, or "".
func ErrorCode(err error) Code {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Code
	}
	return ""
}

// IsNotFound reports whether err says the order or refund does not exist.
func IsNotFound(err error) bool {
	switch ErrorCode(err) {
	case CodeOrderNotExist, CodeRefundNotExist, CodeResourceNotExists:
		return true
	}
	return false
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	// Cut on a rune boundary.
	for n > 0 && (s[n]&0xC0) == 0x80 {
		n--
	}
	return s[:n] + "…"
}
