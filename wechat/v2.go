package wechat

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wxpos/wxpos/tz"
)

// V2Client is the API v2 client (XML, MD5 or HMAC-SHA256, mutual TLS for
// /secapi). Its neutral methods (Codepay, NativePrepay, QueryByOutTradeNo,
// QueryByTransactionID, Close, Reverse, Refund, QueryRefund, TradeBill) have
// the same shapes as Client's, so a terminal can use either generation; the
// v2-named methods (Micropay, UnifiedOrderNative, OrderQuery, CloseOrder,
// RefundQuery, DownloadBill) are the same calls under their v2 names.
type V2Client struct {
	s *settings
	t *transport
}

// NewV2 builds an API v2 client. Required: WithMerchant and WithV2Key.
// WithClientCertificate or WithClientPKCS12 is needed for Reverse and Refund.
func NewV2(opts ...Option) (*V2Client, error) {
	s, err := newSettings(opts)
	if err != nil {
		return nil, err
	}
	if s.v2Key == "" {
		return nil, fmt.Errorf("%w: v2 needs WithV2Key", ErrNotConfigured)
	}
	t, err := newTransport(s)
	if err != nil {
		return nil, err
	}
	return &V2Client{s: s, t: t}, nil
}

// open signs params (adding appid, mch_id, nonce_str, sign_type, sign) and
// POSTs them as XML to path, returning the response with its body unread.
func (c *V2Client) open(ctx context.Context, op, path string, params map[string]string, mtls bool) (*http.Response, error) {
	return c.openSigned(ctx, op, path, params, mtls, c.s.signType)
}

// openSigned is open with the sign type st instead of the configured one
// (downloadfundflow accepts HMAC-SHA256 only).
func (c *V2Client) openSigned(ctx context.Context, op, path string, params map[string]string, mtls bool, st SignType) (*http.Response, error) {
	params["appid"] = c.s.appID
	params["mch_id"] = c.s.mchID
	if c.s.subMchID != "" { // service-provider mode
		params["sub_mch_id"] = c.s.subMchID
		if c.s.subAppID != "" {
			params["sub_appid"] = c.s.subAppID
		}
	}
	params["nonce_str"] = NonceString()
	if st != SignMD5 {
		params["sign_type"] = string(st)
	}
	params["sign"] = SignV2(params, c.s.v2Key, st)
	h := http.Header{}
	h.Set("Content-Type", "text/xml; charset=utf-8")
	h.Set("User-Agent", c.s.userAgent)
	return c.t.open(ctx, op, http.MethodPost, path, EncodeXML(params), h, mtls)
}

// call performs a v2 exchange and checks it in PROTOCOL A.2's order: HTTP
// status, XML, return_code, signature (and the appid/mch_id echo),
// result_code. It returns the verified fields of a business success.
func (c *V2Client) call(ctx context.Context, op, path string, params map[string]string, mtls bool) (map[string]string, error) {
	ctx, cancel := c.t.withDeadline(ctx)
	defer cancel()
	resp, err := c.open(ctx, op, path, params, mtls)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	r, err := readResponse(op, resp, maxResponseSize)
	if err != nil {
		return nil, err
	}
	return c.check(ctx, op, r)
}

func (c *V2Client) check(ctx context.Context, op string, r *rawResponse) (map[string]string, error) {
	untrusted := func(err error) error {
		c.t.log.WarnContext(ctx, "wechat: untrusted response", "op", op, "status", r.status, "err", err)
		return &UntrustedResponseError{Op: op, StatusCode: r.status, Err: err}
	}
	if r.status >= 500 {
		return nil, &APIError{Op: op, StatusCode: r.status, Message: http.StatusText(r.status)}
	}
	if r.status != http.StatusOK {
		return nil, untrusted(fmt.Errorf("unexpected HTTP status %d", r.status))
	}
	m, err := DecodeXML(bytes.NewReader(r.body))
	if err != nil {
		return nil, untrusted(err)
	}
	if m["return_code"] != "SUCCESS" {
		// Protocol rejection (signature, parameters, encoding); unsigned.
		return nil, &APIError{Op: op, StatusCode: r.status, Code: CodeReturnFail, RawCode: truncate(m["return_code"], 64),
			Message: truncate(m["return_msg"], 256)}
	}
	if !VerifyV2Type(m, c.s.v2Key, c.s.signType) {
		return nil, untrusted(ErrBadSignature)
	}
	if (m["appid"] != "" && m["appid"] != c.s.appID) || (m["mch_id"] != "" && m["mch_id"] != c.s.mchID) ||
		m["sub_mch_id"] != c.s.subMchID && (m["sub_mch_id"] != "" || c.s.subMchID != "" && m["result_code"] == "SUCCESS") {
		return nil, untrusted(fmt.Errorf("answer for another merchant"))
	}
	if m["result_code"] != "SUCCESS" {
		ae := &APIError{Op: op, StatusCode: r.status, RawCode: truncate(m["err_code"], 64), Message: truncate(m["err_code_des"], 256)}
		ae.Code = NormalizeCode(ae.RawCode)
		return m, ae
	}
	return m, nil
}

func v2Int(m map[string]string, k string) (int64, error) {
	v := m[k]
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: %q is not integer fen", k, v)
	}
	return n, nil
}

func v2Time(layout, field, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation(layout, v, tz.Shanghai)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: %w", field, err)
	}
	return t, nil
}

const (
	v2TimeLayout   = "20060102150405"
	v2RefundLayout = "2006-01-02 15:04:05"
)

func v2Transaction(m map[string]string) (*Transaction, error) {
	total, err := v2Int(m, "total_fee")
	if err != nil {
		return nil, err
	}
	cash, err := v2Int(m, "cash_fee")
	if err != nil {
		return nil, err
	}
	end, err := v2Time(v2TimeLayout, "time_end", m["time_end"])
	if err != nil {
		return nil, err
	}
	cur := m["fee_type"]
	if cur == "" {
		cur = "CNY"
	}
	t := &Transaction{
		AppID: m["appid"], MchID: m["mch_id"], OutTradeNo: m["out_trade_no"], TransactionID: m["transaction_id"],
		TradeType: m["trade_type"], State: TradeState(m["trade_state"]), StateDesc: m["trade_state_desc"],
		BankType: m["bank_type"], Attach: m["attach"], SuccessTime: end, OpenID: m["openid"],
		Total: total, PayerTotal: cash, Currency: cur, DeviceID: m["device_info"],
	}
	if sub := m["sub_mch_id"]; sub != "" { // a partner order: the store is the sub-merchant
		t.SpMchID, t.MchID = t.MchID, sub
		if m["sub_appid"] != "" {
			t.AppID, t.OpenID = m["sub_appid"], m["sub_openid"]
		}
	}
	if err := v2TransactionCoupons(m, t); err != nil {
		return nil, err
	}
	return t, nil
}

// v2TransactionCoupons reads the coupon fields of a paid order: coupon_fee
// (the discount), settlement_total_fee (sent only when a NOCASH coupon
// makes it differ from total_fee) and the coupon list, when there is one
// (micropay answers have only coupon_fee).
func v2TransactionCoupons(m map[string]string, t *Transaction) error {
	coupon, err1 := v2Int(m, "coupon_fee")
	settle, err2 := v2Int(m, "settlement_total_fee")
	list, err3 := v2Coupons(m, "coupon_count", "coupon_type", "coupon_id", "coupon_fee", "")
	if err := firstErr(err1, err2, err3); err != nil {
		return err
	}
	t.Discount, t.SettlementTotal, t.Promotions = coupon, t.Total, list
	if m["settlement_total_fee"] != "" {
		t.SettlementTotal = settle
	}
	if t.PayerTotal > 0 && t.PayerTotal+t.Discount != t.Total {
		return fmt.Errorf("cash_fee %d + coupon_fee %d is not total_fee %d", t.PayerTotal, t.Discount, t.Total)
	}
	return checkPaidAmounts(t.Total, t.PayerTotal, t.Discount, t.SettlementTotal)
}

// v2RefundCoupons reads a refund's split: the coupon part
// (coupon_refund_fee), what leaves the settlement (settlement_refund_fee,
// else the whole refund) and the coupons (infix "_n" for refundquery's
// refund n).
func v2RefundCoupons(m map[string]string, f *Refund, infix string) error {
	coupon, err1 := v2Int(m, "coupon_refund_fee"+infix)
	settle, err2 := v2Int(m, "settlement_refund_fee"+infix)
	list, err3 := v2Coupons(m, "coupon_refund_count"+infix, "coupon_type", "coupon_refund_id", "coupon_refund_fee", infix)
	settleTotal, err4 := v2Int(m, "settlement_total_fee")
	if err := firstErr(err1, err2, err3, err4); err != nil {
		return err
	}
	for i := range list {
		list[i].Refund, list[i].Amount = list[i].Amount, 0 // v2 names only the part refunded
	}
	f.DiscountRefund, f.SettlementRefund, f.SettlementTotal, f.Promotions = coupon, f.Refund, f.Total, list
	if m["settlement_refund_fee"+infix] != "" {
		f.SettlementRefund = settle
	}
	if m["settlement_total_fee"] != "" {
		f.SettlementTotal = settleTotal
	}
	return checkRefundAmounts(f.Refund, f.PayerRefund, f.DiscountRefund, f.SettlementRefund)
}

func fen(v int64) string { return strconv.FormatInt(v, 10) }

// Micropay charges a scanned payment code (POST /pay/micropay). USERPAYING,
// SYSTEMERROR and BANKERROR come back as outcome-unknown *APIError.
func (c *V2Client) Micropay(ctx context.Context, r CodepayRequest) (*Transaction, error) {
	const op = "v2 micropay"
	if err := firstErr(r.validate(), idChars("out_trade_no", r.OutTradeNo, 32)); err != nil {
		return nil, err
	}
	p := map[string]string{
		"body": r.Description, "out_trade_no": r.OutTradeNo, "total_fee": fen(r.Total), "fee_type": "CNY",
		"spbill_create_ip": r.DeviceIP, "auth_code": r.AuthCode, "device_info": r.DeviceID,
		"attach": r.Attach, "goods_tag": r.GoodsTag,
	}
	c.t.log.InfoContext(ctx, "wechat: micropay", "out_trade_no", r.OutTradeNo, "total_fen", r.Total, "auth_code", RedactCode(r.AuthCode))
	m, err := c.call(ctx, op, "/pay/micropay", p, false)
	if err != nil {
		return nil, fmt.Errorf("micropay %s: %w", r.OutTradeNo, err)
	}
	t, err := v2Transaction(m)
	if err != nil {
		return nil, decodeFailed(op, err)
	}
	if t.OutTradeNo != r.OutTradeNo {
		return nil, mismatch(op, "out_trade_no", t.OutTradeNo, r.OutTradeNo)
	}
	if t.Total != r.Total {
		return nil, mismatch(op, "total_fee", t.Total, r.Total)
	}
	switch t.State {
	case "", TradeSuccess:
		t.State = TradeSuccess // result_code=SUCCESS from micropay means paid
	case TradeUserPaying:
		return nil, &APIError{Op: op, StatusCode: http.StatusOK, Code: CodeUserPaying, RawCode: string(t.State), Message: truncate(t.StateDesc, 256)}
	default:
		return nil, mismatch(op, "trade_state", t.State, TradeSuccess)
	}
	return t, nil
}

// Codepay is Micropay under the generation-neutral name.
func (c *V2Client) Codepay(ctx context.Context, r CodepayRequest) (*Transaction, error) {
	return c.Micropay(ctx, r)
}

// UnifiedOrderNative creates a Native order (POST /pay/unifiedorder,
// trade_type=NATIVE). ClientIP (spbill_create_ip) is required.
func (c *V2Client) UnifiedOrderNative(ctx context.Context, r NativeRequest) (*NativeOrder, error) {
	const op = "v2 unifiedorder"
	if err := firstErr(r.validate(), idChars("out_trade_no", r.OutTradeNo, 32), need("client_ip", r.ClientIP, 64)); err != nil {
		return nil, err
	}
	pid := r.ProductID
	if pid == "" {
		pid = r.OutTradeNo
	}
	p := map[string]string{
		"body": r.Description, "out_trade_no": r.OutTradeNo, "total_fee": fen(r.Total), "fee_type": "CNY",
		"spbill_create_ip": r.ClientIP, "notify_url": r.NotifyURL, "trade_type": "NATIVE", "product_id": pid,
		"attach": r.Attach, "device_info": r.DeviceID,
	}
	if !r.TimeExpire.IsZero() {
		p["time_expire"] = r.TimeExpire.In(tz.Shanghai).Format(v2TimeLayout)
	}
	m, err := c.call(ctx, op, "/pay/unifiedorder", p, false)
	if err != nil {
		return nil, fmt.Errorf("unifiedorder %s: %w", r.OutTradeNo, err)
	}
	if m["code_url"] == "" {
		return nil, decodeFailed(op, fmt.Errorf("empty code_url"))
	}
	return &NativeOrder{CodeURL: m["code_url"], PrepayID: m["prepay_id"]}, nil
}

// NativePrepay is UnifiedOrderNative under the generation-neutral name.
func (c *V2Client) NativePrepay(ctx context.Context, r NativeRequest) (*NativeOrder, error) {
	return c.UnifiedOrderNative(ctx, r)
}

// OrderQueryRequest names an order by transaction_id (preferred) or out_trade_no.
type OrderQueryRequest struct {
	OutTradeNo    string
	TransactionID string
}

// OrderQuery queries an order (POST /pay/orderquery).
func (c *V2Client) OrderQuery(ctx context.Context, r OrderQueryRequest) (*Transaction, error) {
	const op = "v2 orderquery"
	p := map[string]string{}
	want, field := r.OutTradeNo, "out_trade_no"
	if r.TransactionID != "" {
		want, field = r.TransactionID, "transaction_id"
	}
	if err := idChars(field, want, 32); err != nil {
		return nil, err
	}
	p[field] = want
	m, err := c.call(ctx, op, "/pay/orderquery", p, false)
	if err != nil {
		return nil, fmt.Errorf("orderquery %s: %w", want, err)
	}
	t, err := v2Transaction(m)
	if err != nil {
		return nil, decodeFailed(op, err)
	}
	got := t.OutTradeNo
	if field == "transaction_id" {
		got = t.TransactionID
	}
	if got != want {
		return nil, mismatch(op, field, got, want)
	}
	return t, nil
}

// QueryByOutTradeNo is OrderQuery by out_trade_no.
func (c *V2Client) QueryByOutTradeNo(ctx context.Context, outTradeNo string) (*Transaction, error) {
	return c.OrderQuery(ctx, OrderQueryRequest{OutTradeNo: outTradeNo})
}

// QueryByTransactionID is OrderQuery by transaction_id.
func (c *V2Client) QueryByTransactionID(ctx context.Context, transactionID string) (*Transaction, error) {
	return c.OrderQuery(ctx, OrderQueryRequest{TransactionID: transactionID})
}

// CloseOrder closes an unpaid order (POST /pay/closeorder). ORDERPAID means
// it was paid; ORDERCLOSED that it already was closed.
func (c *V2Client) CloseOrder(ctx context.Context, outTradeNo string) error {
	if err := idChars("out_trade_no", outTradeNo, 32); err != nil {
		return err
	}
	if _, err := c.call(ctx, "v2 closeorder", "/pay/closeorder", map[string]string{"out_trade_no": outTradeNo}, false); err != nil {
		return fmt.Errorf("closeorder %s: %w", outTradeNo, err)
	}
	return nil
}

// Close is CloseOrder under the generation-neutral name.
func (c *V2Client) Close(ctx context.Context, outTradeNo string) error {
	return c.CloseOrder(ctx, outTradeNo)
}

// Reverse reverses a payment-code order (POST /secapi/pay/reverse, mutual
// TLS). Recall in the result, or an outcome-unknown error, means call again.
func (c *V2Client) Reverse(ctx context.Context, outTradeNo string) (*ReverseResult, error) {
	if err := idChars("out_trade_no", outTradeNo, 32); err != nil {
		return nil, err
	}
	m, err := c.call(ctx, "v2 reverse", "/secapi/pay/reverse", map[string]string{"out_trade_no": outTradeNo}, true)
	if err != nil {
		var ae *APIError
		if errors.As(err, &ae) && m["recall"] == "Y" {
			ae.Recall = true
		}
		return nil, fmt.Errorf("reverse %s: %w", outTradeNo, err)
	}
	return &ReverseResult{Recall: m["recall"] == "Y"}, nil
}

// Refund requests a refund (POST /secapi/pay/refund, mutual TLS). Success
// means accepted: poll QueryRefund.
func (c *V2Client) Refund(ctx context.Context, r RefundRequest) (*Refund, error) {
	const op = "v2 refund"
	if err := firstErr(r.validate(), idChars("out_refund_no", r.OutRefundNo, 64)); err != nil {
		return nil, err
	}
	p := map[string]string{
		"out_refund_no": r.OutRefundNo, "total_fee": fen(r.Total), "refund_fee": fen(r.Refund),
		"refund_fee_type": "CNY", "refund_desc": r.Reason, "notify_url": r.NotifyURL,
	}
	if r.TransactionID != "" {
		p["transaction_id"] = r.TransactionID
	} else {
		p["out_trade_no"] = r.OutTradeNo
	}
	m, err := c.call(ctx, op, "/secapi/pay/refund", p, true)
	if err != nil {
		return nil, fmt.Errorf("refund %s: %w", r.OutRefundNo, err)
	}
	refund, err1 := v2Int(m, "refund_fee")
	total, err2 := v2Int(m, "total_fee")
	cash, err3 := v2Int(m, "cash_refund_fee")
	if err := firstErr(err1, err2, err3); err != nil {
		return nil, decodeFailed(op, err)
	}
	if m["out_refund_no"] != r.OutRefundNo {
		return nil, mismatch(op, "out_refund_no", m["out_refund_no"], r.OutRefundNo)
	}
	if refund != r.Refund {
		return nil, mismatch(op, "refund_fee", refund, r.Refund)
	}
	f := &Refund{RefundID: m["refund_id"], OutRefundNo: m["out_refund_no"], TransactionID: m["transaction_id"],
		OutTradeNo: m["out_trade_no"], Status: RefundProcessing, Refund: refund, Total: total, PayerRefund: cash}
	if err := v2RefundCoupons(m, f, ""); err != nil {
		return nil, decodeFailed(op, err)
	}
	return f, nil
}

// RefundQuery queries a refund by out_refund_no (POST /pay/refundquery).
func (c *V2Client) RefundQuery(ctx context.Context, outRefundNo string) (*Refund, error) {
	const op = "v2 refundquery"
	if err := idChars("out_refund_no", outRefundNo, 64); err != nil {
		return nil, err
	}
	m, err := c.call(ctx, op, "/pay/refundquery", map[string]string{"out_refund_no": outRefundNo}, false)
	if err != nil {
		return nil, fmt.Errorf("refundquery %s: %w", outRefundNo, err)
	}
	n, err := v2Int(m, "refund_count")
	if err != nil {
		return nil, decodeFailed(op, err)
	}
	for i := int64(0); i < n && i < 50; i++ {
		sfx := "_" + strconv.FormatInt(i, 10)
		if m["out_refund_no"+sfx] != outRefundNo {
			continue
		}
		refund, err1 := v2Int(m, "refund_fee"+sfx)
		total, err2 := v2Int(m, "total_fee")
		st, err3 := v2Time(v2RefundLayout, "refund_success_time"+sfx, m["refund_success_time"+sfx])
		if err := firstErr(err1, err2, err3); err != nil {
			return nil, decodeFailed(op, err)
		}
		f := &Refund{RefundID: m["refund_id"+sfx], OutRefundNo: outRefundNo, TransactionID: m["transaction_id"],
			OutTradeNo: m["out_trade_no"], Channel: m["refund_channel"+sfx], UserReceivedAccount: m["refund_recv_accout"+sfx],
			Status: normalizeRefundStatus(m["refund_status"+sfx]), SuccessTime: st, Refund: refund, Total: total}
		if err := v2RefundCoupons(m, f, sfx); err != nil {
			return nil, decodeFailed(op, err)
		}
		// refundquery has no cash part per refund: the refund less its coupon part.
		f.PayerRefund = f.Refund - f.DiscountRefund
		return f, nil
	}
	return nil, decodeFailed(op, fmt.Errorf("refund %s not in the answer", outRefundNo))
}

// QueryRefund is RefundQuery under the generation-neutral name.
func (c *V2Client) QueryRefund(ctx context.Context, outRefundNo string) (*Refund, error) {
	return c.RefundQuery(ctx, outRefundNo)
}

// DownloadBill downloads a daily trade bill (POST /pay/downloadbill, gzip)
// and returns the CSV text. A day without a bill ("No Bill Exist", 20002) is
// an *APIError with CodeNoStatementExist. v2 bills carry no signature or
// hash: their integrity rests on TLS. See DownloadBillTo for streaming.
func (c *V2Client) DownloadBill(ctx context.Context, r BillRequest) ([]byte, error) {
	var buf bytes.Buffer
	if _, err := c.DownloadBillTo(ctx, r, &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// DownloadBillTo is DownloadBill streaming the uncompressed bill into w in
// constant memory.
func (c *V2Client) DownloadBillTo(ctx context.Context, r BillRequest, w io.Writer) (int64, error) {
	const op = "v2 downloadbill"
	if err := r.validate(); err != nil {
		return 0, err
	}
	typ := r.Type
	if typ == "" {
		typ = BillAll
	}
	date := r.Date.In(tz.Shanghai).Format("20060102")
	ctx, cancel := c.t.withDeadline(ctx)
	defer cancel()
	params := map[string]string{"bill_date": date, "bill_type": string(typ), "tar_type": "GZIP"}
	resp, err := c.open(ctx, op, "/pay/downloadbill", params, false)
	if err != nil {
		return 0, fmt.Errorf("downloadbill %s: %w", date, err)
	}
	return c.readBill(ctx, op, "downloadbill "+date, resp, w)
}

// readBill reads a v2 bill answer into w: the (gzipped) text, or the XML
// failure as an *APIError (billError).
func (c *V2Client) readBill(ctx context.Context, op, what string, resp *http.Response, w io.Writer) (int64, error) {
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		raw, err := readResponse(op, resp, maxResponseSize)
		if err == nil {
			_, err = c.check(ctx, op, raw)
		}
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	br := bufio.NewReader(resp.Body)
	if head, _ := br.Peek(64); bytes.HasPrefix(bytes.TrimSpace(head), []byte("<xml>")) {
		raw, err := readResponse(op, &http.Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: io.NopCloser(br)}, maxResponseSize)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", what, err)
		}
		return 0, fmt.Errorf("%s: %w", what, billError(op, raw.body))
	}
	n, err := copyBill(op, br, w, c.s.maxBillSize, "")
	if err != nil {
		return n, fmt.Errorf("%s: %w", what, err)
	}
	return n, nil
}

// DownloadFundFlow downloads the fund-flow bill (资金账单) of an account
// (POST /pay/downloadfundflow, gzip): signed HMAC-SHA256 whatever the
// configured sign type, over the merchant certificate (PROTOCOL A.16).
// "No Bill Exist" is an *APIError with CodeNoStatementExist.
func (c *V2Client) DownloadFundFlow(ctx context.Context, r FundFlowRequest) ([]byte, error) {
	var buf bytes.Buffer
	if _, err := c.DownloadFundFlowTo(ctx, r, &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// DownloadFundFlowTo is DownloadFundFlow streaming the bill into w. A
// client acting for a sub-merchant gets ErrUnsupported: downloadfundflow
// has no sub_mch_id (its field tables name the merchant's own accounts
// only); the sub-merchant's fund flow is v3's
// /v3/bill/sub-merchant-fundflowbill.
func (c *V2Client) DownloadFundFlowTo(ctx context.Context, r FundFlowRequest, w io.Writer) (int64, error) {
	const op = "v2 downloadfundflow"
	if err := r.validate(); err != nil {
		return 0, err
	}
	if c.s.subMchID != "" {
		return 0, fmt.Errorf("%w: v2 has no sub-merchant fund-flow bill (API v3 has)", ErrUnsupported)
	}
	date := r.Date.In(tz.Shanghai).Format("20060102")
	ctx, cancel := c.t.withDeadline(ctx)
	defer cancel()
	params := map[string]string{"bill_date": date, "account_type": r.account().v2(), "tar_type": "GZIP"}
	resp, err := c.openSigned(ctx, op, "/pay/downloadfundflow", params, true, SignHMACSHA256)
	if err != nil {
		return 0, fmt.Errorf("downloadfundflow %s: %w", date, err)
	}
	return c.readBill(ctx, op, "downloadfundflow "+date, resp, w)
}

// FundFlowBillTo is DownloadFundFlowTo under the generation-neutral name.
func (c *V2Client) FundFlowBillTo(ctx context.Context, r FundFlowRequest, w io.Writer) (int64, error) {
	return c.DownloadFundFlowTo(ctx, r, w)
}

// FundFlowBill is DownloadFundFlow under the generation-neutral name.
func (c *V2Client) FundFlowBill(ctx context.Context, r FundFlowRequest) ([]byte, error) {
	return c.DownloadFundFlow(ctx, r)
}

// TradeBillTo is DownloadBillTo under the generation-neutral name.
func (c *V2Client) TradeBillTo(ctx context.Context, r BillRequest, w io.Writer) (int64, error) {
	return c.DownloadBillTo(ctx, r, w)
}

// TradeBill is DownloadBill under the generation-neutral name.
func (c *V2Client) TradeBill(ctx context.Context, r BillRequest) ([]byte, error) {
	return c.DownloadBill(ctx, r)
}

// billError maps a downloadbill XML failure to an APIError (PROTOCOL A.15):
// 20002 is CodeNoStatementExist, 20100 CodeSystemError; other codes (20001:
// not generated yet or bad date) keep their digits as the Code.
func billError(op string, body []byte) error {
	m, err := DecodeXML(bytes.NewReader(body))
	if err != nil {
		return &UntrustedResponseError{Op: op, StatusCode: http.StatusOK, Err: err}
	}
	raw := m["error_code"]
	if raw == "" {
		raw = m["err_code"]
	}
	ae := &APIError{Op: op, StatusCode: http.StatusOK, RawCode: truncate(raw, 64), Message: truncate(m["return_msg"], 256)}
	switch {
	case raw == "20002" || (raw == "" && strings.EqualFold(m["return_msg"], "No Bill Exist")):
		ae.Code = CodeNoStatementExist
	case raw == "20100":
		ae.Code = CodeSystemError
	case raw != "":
		ae.Code = NormalizeCode(raw)
	default:
		ae.Code = CodeReturnFail
	}
	return ae
}
