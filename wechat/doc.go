// Package wechat is the WeChat Pay (微信支付) client of wxpos: API v3 (JSON,
// SHA256withRSA, AES-256-GCM) and API v2 (XML, MD5/HMAC-SHA256, mutual TLS
// for /secapi), response verification, typed errors that say whether the
// outcome of a call is known, and notification parsing. Trade bills are
// parsed by the subpackage wechat/bill.
//
// # Clients
//
// New builds the v3 *Client, NewV2 the v2 *V2Client, both from the same
// Options (WithMerchant, WithBaseURL, WithBackupURL, WithHTTPClient,
// WithClock, WithLogger, WithTimeout, and the keys of each generation). A
// missing piece is an error from the constructor, never a panic later. Both
// clients offer the same generation-neutral methods, taking and returning
// the types of types.go with money in int64 fen:
//
//	Codepay, NativePrepay, QueryByOutTradeNo, QueryByTransactionID, Close,
//	Reverse, Refund, QueryRefund, TradeBill
//
// so a terminal can be configured for either generation. V2Client also has
// the v2 names (Micropay, UnifiedOrderNative, OrderQuery, CloseOrder,
// RefundQuery, DownloadBill); Client also has Certificates, ParseNotify
// and ApplyAbnormalRefund (settle an ABNORMAL refund to the customer's
// other debit card — account and name encrypted with EncryptSensitive under
// the WeChat Pay public key or the newest platform certificate — or back to
// the merchant's bank account; v2 has no such call).
// Required fields are checked before any I/O (ErrInvalidArgument).
//
// For the store's own ordering page, mini-program or app (not the till),
// both clients also create the prepay kinds — JSAPIPrepay (official
// account and mini-program, payer openid), AppPrepay, H5Prepay (h5_url) —
// and sign what the WeChat client is handed: JSAPIPayParams for
// WeixinJSBridge / wx.requestPayment, AppPayParams for the App SDK (v3:
// SHA256withRSA with the merchant key; v2: MD5 or HMAC-SHA256 as the
// order was made). SignJSAPIPayParams, SignAppPayParams and their V2
// twins are the same signatures as pure functions.
//
// # Coupons
//
// A customer may pay part of an order with WeChat coupons. Transaction
// says what the customer paid (PayerTotal), what coupons paid (Discount),
// what the merchant is settled (SettlementTotal: the total less
// merchant-funded NOCASH coupons, PromotionNoCash) and lists them
// (Promotions, from v3 promotion_detail or v2 coupon_*_$n). A refund is
// asked against the order total; Refund says how it split: DiscountRefund
// back to the coupon, PayerRefund to the customer, SettlementRefund out of
// the settlement. Amounts that do not add up (payer_total plus coupons
// not the total, a coupon above it, a negative part) make the answer
// untrusted: outcome unknown, never booked.
//
// # Errors and outcomes
//
// Every error after which money may have moved matches ErrOutcomeUnknown
// (use OutcomeUnknown): *TransportError (no answer: refused on every host,
// reset, timeout), *APIError with HTTP 5xx or SYSTEMERROR/BANKERROR/
// USERPAYING/BIZERR_NEED_RETRY, and *UntrustedResponseError (bad signature,
// unknown serial, timestamp more than 5 minutes off, unparsable body, an
// answer contradicting the request). USERPAYING is also IsUserPaying. Any
// other *APIError is a definite business answer; its Code is normalised
// across generations (ORDER_NOT_EXIST and ORDERNOTEXIST are both
// CodeOrderNotExist). Errors never carry headers, bodies, signatures or keys.
// A *TransportError whose request provably never left (the server's TLS
// certificate failed verification) also matches ErrNotSent, for the caller
// that may then treat a new payment as definitely not made.
//
// # Service providers
//
// WithSubMerchant puts either client in service-provider (服务商) mode:
// WithMerchant then names the provider, whose keys sign every call, and the
// client acts for the sub-merchant (特约商户). The methods do not change:
// v3 requests are rewritten in one place before signing (partner payment
// paths, sp_mchid/sub_mchid in queries and bodies, sub_mchid on refunds,
// abnormal refunds and bills, a JSAPI payer as sub_openid with sub_appid
// or else sp_openid), v2 requests carry sub_mch_id and sub_appid; the
// client-side pay parameters are for the sub-merchant's app when it has
// one. FundFlowBill fetches the sub-merchant's own fund flow in v3
// (/v3/bill/sub-merchant-fundflowbill: encrypted files, opened with
// DecryptBillFile and the provider's key); v2 has none (ErrUnsupported).
// An answer naming
// another sub-merchant is untrusted; Transaction.MchID is the sub-merchant
// and Transaction.SpMchID the provider.
//
// # Verification
//
// A v3 answer is trusted only when its Wechatpay-Signature verifies with the
// key named by Wechatpay-Serial: a WeChat Pay public key (PUB_KEY_ID_…,
// WithWechatPayPublicKey, asked first) or a platform certificate
// (WithPlatformCertificates: downloaded from /v3/certificates, decrypted with
// the APIv3 key, cached, refreshed every 12 h or a day before a certificate
// expires, refetched once — at most every 30 s — on an unknown serial). A v2
// answer is trusted when its sign verifies with the algorithm of the request
// (a response naming another sign_type is rejected).
//
// # Choices on points docs/wechatpay/PROTOCOL.md leaves unconfirmed
//
//   - v3 error answers (202, 4xx) must be signed too: a forged "declined" is
//     as harmful as a forged "paid". The one exception is a 401 without
//     signature headers, which WeChat sends when it could not authenticate
//     our request (it has not processed it). 5xx answers are outcome-unknown
//     whatever they say, so their signature is not required.
//   - Failover to the backup host happens only when the primary cannot be
//     connected to (DNS failure, dial refused/unreachable): the request
//     certainly did not arrive. A timeout after sending is outcome-unknown
//     and left to the caller's query, never blindly re-sent elsewhere.
//   - v2 return_code=FAIL (unsigned protocol rejection) is a definite
//     failure with CodeReturnFail; v2 HTTP 5xx is outcome-unknown; other
//     non-200 statuses and non-XML bodies are untrusted.
//   - The v3 bill file is fetched from our configured host at the path of
//     download_url (never from a host named in a response); it is unsigned
//     and checked against hash_value (SHA1 of the uncompressed file).
//     tar_type=GZIP is requested; an uncompressed answer is accepted too.
//   - v2 downloadbill: error_code 20002 (or "No Bill Exist" without a code)
//     is CodeNoStatementExist, 20100 is CodeSystemError, other codes (20001)
//     keep their digits as Code.
//   - A successful codepay/micropay whose out_trade_no or amount differs
//     from the request is rejected as untrusted (outcome unknown: query).
//   - v3 Reverse has no recall flag; ReverseResult.Recall is always false
//     there, and an outcome-unknown error means "call Reverse again".
//
// # Protocol primitives
//
// The lowest layer is a set of pure functions shared with the simulator
// (wechat/sandbox): SignV2/VerifyV2, EncodeXML/DecodeXML, V3SignMessage,
// V3ResponseMessage, SignSHA256RSA/VerifySHA256RSA, BuildAuthorization/
// ParseAuthorization, EncryptAEADAES256GCM/DecryptAEADAES256GCM,
// DecryptRefundReqInfo/EncryptRefundReqInfo, the PEM parsers and NonceString.
// They follow docs/wechatpay/PROTOCOL.md and are tested with the
// public vectors of VECTORS.md.
//
// # Logging
//
// WithLogger takes an optional *slog.Logger. The client logs operation,
// host, status, Request-Id, sizes and timings; payment codes appear as their
// last 4 digits (RedactCode); keys, signatures and signed messages never.
package wechat
