// Package sandbox is a WeChat Pay simulator: one http.Handler serving API v2
// (XML), API v3 (JSON) and a control API for one simulated merchant, faithful
// enough that a client written against the real service works against it
// unchanged. It is the default for training mode and demos, what the
// project's tests run against, and `wxpos sandbox` serves it standalone.
//
//	sb, err := sandbox.New(sandbox.Options{})   // fresh merchant and keys
//	srv := httptest.NewServer(sb)                // or any http.Server
//	p := sb.Profile(srv.URL)                     // everything a client needs
//
// # One ledger, two generations
//
// Orders and refunds live in one ledger behind both API generations: an
// order made with v2 micropay can be queried, reversed or refunded with v3
// and the other way round. Trade states follow PROTOCOL "Simulator state
// machine": NOTPAY → (USERPAYING) → SUCCESS → REFUND; NOTPAY/USERPAYING →
// CLOSED | REVOKED | PAYERROR; SUCCESS → REVOKED (reverse of a paid
// payment-code order). Refunds are PROCESSING until Options.RefundDelay has
// passed on the sandbox clock, then SUCCESS.
//
// # Clocks
//
// The sandbox clock (Options.Now plus what Advance or POST /sandbox/clock
// added) drives business time only: Native expiry, password payments, refund
// completion, success_time, bill days and bill availability, download_url
// validity. Signature timestamps in responses and the ±5 min check on v3
// requests use the wall clock, because real clients check them against
// their own clock.
//
// # Payment-code scenarios
//
// A payment code is 18 digits with a leading 10–15. Its first six digits
// choose what the simulated customer does; the other twelve are free, so any
// number of distinct codes exist per scenario. A code that paid (or is
// waiting for its password) is spent: using it again for another order is
// refused with AUTH_CODE_ERROR, as the real service does. Any other valid
// code behaves like "success".
//
//	prefix  scenario                   v2 micropay answer     v3 codepay answer          then (trade_state)
//	130001  success                    SUCCESS                200 transaction           SUCCESS
//	130002  userpaying_success         FAIL USERPAYING        202 USERPAYING            SUCCESS after UserPayingDelay (5 s)
//	130003  userpaying_timeout         FAIL USERPAYING        202 USERPAYING            USERPAYING; PAYERROR after UserPayingTimeout (2 min)
//	130004  notenough                  FAIL NOTENOUGH         403 NOT_ENOUGH            PAYERROR (code not spent)
//	130005  authcode_expired           FAIL AUTHCODEEXPIRE    400 AUTHCODEEXPIRE        no order (ORDERNOTEXIST)
//	130006  system_error_then_success  FAIL SYSTEMERROR       500 SYSTEM_ERROR          SUCCESS (the order was paid)
//	130007  coupon                     SUCCESS, coupon_fee    200, promotion_detail     SUCCESS; ¥1.00 merchant-funded NOCASH coupon
//	130008  coupon_wechat              SUCCESS, coupon_fee    200, promotion_detail     SUCCESS; ¥1.00 WeChat-funded CASH coupon
//	130010  refund_abnormal            SUCCESS                200 transaction           SUCCESS; every refund ends ABNORMAL
//	other   like success; above 1000 CNY (100000 fen) the customer is asked for the password (like 130002)
//	not ^1[0-5]\d{16}$                 FAIL AUTH_CODE_INVALID 400 AUTH_CODE_INVALID     no order
//
// # Coupons
//
// The two coupon scenarios (and POST /sandbox/native/pay with "scenario")
// pay with one ¥1.00 whole-order coupon when the order is above ¥1.00: the
// customer pays total − 100 fen (v3 payer_total and promotion_detail, v2
// cash_fee, coupon_fee and coupon_*_$n). A NOCASH coupon is the
// merchant's: it is settled total − coupon (settlement_total_fee, bill
// 应结订单金额). A CASH coupon is paid by WeChat: the merchant is settled
// the total. A refund is asked against the order total and gives the
// coupon back in proportion: after refunds totalling x, ⌊x·coupon/total⌋
// fen of the coupon has gone back (discount_refund, coupon_refund_fee);
// the customer gets the rest in cash (payer_refund, cash_refund_fee). A
// full refund, however split, returns the whole coupon and exactly what
// the customer paid.
//
// Repeating a payment with the same out_trade_no and the same parameters
// answers with the order's outcome (ORDERPAID, USERPAYING, ORDERCLOSED,
// ORDERREVERSED, NOTENOUGH); different parameters get OUT_TRADE_NO_USED.
//
// # Faults
//
// AddFault (or POST /sandbox/faults) makes the next matching WeChat request
// slow (Latency), fail without touching the ledger (Status: v3 a signed
// error body; v2 HTTP 200 XML SYSTEMERROR for 500/503, FREQUENCY_LIMITED
// for 429, a proxy's HTML page for 502/504), lose
// its connection before anything happens (DropBefore) or after the ledger
// committed (DropAfter: the request runs, then the connection is hijacked
// and closed), or reach WeChat after its caller gave up (Late: held for
// Latency or until ReleaseLate, then processed; the answer goes nowhere).
// Settle waits until every slowed or held request has finished, so a test
// reads the ledger without sleeping. The control API is never faulted.
//
// # Notifications
//
// A paid Native order and a finished refund whose request named a
// notify_url owe the merchant a notification: v2 signed XML (the order's
// sign_type) or, for refunds, XML with the AES-256-ECB req_info; v3 JSON
// with an AES-256-GCM resource, signed like a response. Payment-code orders
// get none. The content is fixed at the event. Nothing is sent until
// DeliverNotifications (tests, POST /sandbox/notifications) or Run
// (`wxpos sandbox`) is called; failures are retried on WeChat's schedule
// (15 s, 15 s, 30 s, 3 min … 6 h) on the sandbox clock, then given up.
//
// # Choices on unconfirmed points
//
// Where docs/wechatpay/PROTOCOL.md marks behaviour unconfirmed the sandbox does this:
//   - v2 missing, too long or malformed parameters, bad XML, bad signature,
//     an unknown mch_id and oversized bodies answer return_code=FAIL with a
//     Chinese return_msg and no signature; amount ≤ 0 and business refusals
//     are result_code=FAIL with err_code, signed.
//   - product_id is not required for NATIVE (documented as required; widely
//     used SDKs omit it and the order works in practice).
//   - closeorder on a closed order: v2 ORDERCLOSED; v3 204 (idempotent).
//     Close of a payment-code order still waiting for the password is
//     refused with INVALID_REQUEST (use reverse).
//   - reverse: repeated reverse succeeds with recall=N; reverse of a Native
//     order is INVALID_REQUEST; after a refund TRADE_ERROR; past 7 days
//     REVERSE_EXPIRE. The v3 reverse answers 200 with appid/mchid/out_trade_no.
//   - amounts are int32 fen above zero: v2 total_fee/refund_fee past
//     2147483647 or not an integer answer return_code=FAIL "invalid
//     total_fee" (captured for a decimal); v3 past int32 is PARAM_ERROR on
//     the field, past int64 or a fraction the captured "此字段需要一个合法的
//     64 位有符号整数".
//   - refunds: refund_fee above total_fee is v2 return_code=FAIL "invalid
//     refund_fee" (captured) / v3 PARAM_ERROR; above what remains v2
//     INVALID_REQUEST "refund_fee大于可退金额" (captured; v3 INVALID_REQUEST
//     assumed); of a fully refunded order ERROR "订单已全额退款" (captured);
//     the same out_refund_no with other amounts REFUND_FEE_MISMATCH
//     (captured); total_fee mismatch PARAM_ERROR; a 51st refund is v2
//     ERROR / v3 INVALID_REQUEST; the 1-minute spacing between refunds of
//     one order is not enforced.
//   - bills: lines end with "\n", no newline after the summary row; ASCII
//     commas in 商品名称/商户数据包 become "，"; fee is 0.60 % rounded half up
//     to the fen per row, written with five decimals; a reversed paid order
//     keeps its pay row with 交易状态 REVOKED; refund rows belong to the day
//     of the refund request. Before 10:00 on D+1: v2 error_code 20001 (v3 400
//     STATEMENT_CREATING); today, future or older than 92 days: 20001 /
//     INVALID_REQUEST; nothing that day: 20002 "No Bill Exist" / 400
//     NO_STATEMENT_EXIST.
//   - v3 error bodies, including injected 5xx, are signed; the bill file
//     download is not and carries no Request-ID. An injected 429 answers
//     RATELIMIT_EXCEEDED. A v3 refund of an unpaid order is 404
//     RESOURCE_NOT_EXISTS. v2 downloadbill requires bill_type. v3
//     notifications carry Wechatpay-Signature-Type and a UUID id. A request carrying Wechatpay-Serial naming the public
//     key or the platform certificate gets its answer signed with that key.
//   - v3 codepay spellings: NOT_ENOUGH (403), AUTHCODEEXPIRE, AUTH_CODE_ERROR,
//     AUTH_CODE_INVALID (400), ORDERPAID (400), OUT_TRADE_NO_USED (403).
//   - /secapi/ over TLS without the merchant certificate: the connection is
//     closed (real WeChat fails the handshake). Over plain HTTP the check
//     cannot be made and is skipped.
//
// # Listening
//
// Listen wraps a listener and returns an http.Server with DefaultLimits:
// headers within 5 s, the whole request within 15 s, at most 512
// connections served at once (the rest wait in the kernel's queue), so
// thousands of slow clients cannot exhaust descriptors. `wxpos sandbox` and
// the training sandbox use it.
//
// # Service provider
//
// Besides the direct merchant the sandbox simulates one service provider
// (服务商) serving one sub-merchant: the partner v3 endpoints (codepay,
// native, JSAPI, App, H5, query, close, reverse), refunds, abnormal refunds
// and bills with sub_mchid, v2 with sub_mch_id, the provider's own keys and
// WeChat Pay public key; a partner prepay_id is paid through the same
// control call with the partner's client-side parameters. The sub-merchant's orders live in their own
// ledger bucket (updateIn switches s.led for one update), so direct and
// sub-merchant orders never see each other; see README.md.
//
// SetRefundOutcome (POST /sandbox/refund/outcome) makes a PROCESSING refund
// end CLOSED or ABNORMAL instead of SUCCESS; apply-abnormal-refund settles
// an ABNORMAL one (abnormal.go).
//
// # JSAPI, App and H5
//
// v3 /jsapi, /app and /h5 and v2 unifiedorder JSAPI/APP/MWEB make orders
// the customer pays from a prepay_id: PayPrepay (POST /sandbox/prepay/pay)
// checks the client-side parameters as the WeChat client would (app id,
// package, the RSA or v2 client signature, 2 h prepay_id, 5 min h5_url)
// and pays (prepay.go, prepaypay.go).
//
// Fund-flow bills (v3 /v3/bill/fundflowbill, v2 /pay/downloadfundflow)
// are generated for the basic account from the same ledger days as the
// trade bill; the provider's own account has none, its sub-merchant's
// comes from /v3/bill/sub-merchant-fundflowbill as one AES-256-GCM file
// whose key is encrypted to the provider's certificate (fundflow.go; what
// is assumed: README).
//
// Not simulated: single-item (SINGLE, goods_detail)
// promotions, refunds funded from chosen accounts (amount.from).
package sandbox
