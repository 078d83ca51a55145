package wechat

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/subtle"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/wxpos/wxpos/tz"
	"github.com/wxpos/wxpos/wechat/bill"
)

// v3 wire types (PROTOCOL B.8–B.12). Unexported: callers use the neutral
// types of types.go.
type (
	v3Amount struct {
		Total      int64  `json:"total"`
		PayerTotal int64  `json:"payer_total,omitempty"`
		Currency   string `json:"currency,omitempty"`
	}
	v3Transaction struct {
		AppID          string `json:"appid"`
		MchID          string `json:"mchid"`
		OutTradeNo     string `json:"out_trade_no"`
		TransactionID  string `json:"transaction_id"`
		TradeType      string `json:"trade_type"`
		TradeState     string `json:"trade_state"`
		TradeStateDesc string `json:"trade_state_desc"`
		BankType       string `json:"bank_type"`
		Attach         string `json:"attach"`
		SuccessTime    string `json:"success_time"`
		Payer          struct {
			OpenID    string `json:"openid"`
			SpOpenID  string `json:"sp_openid"`
			SubOpenID string `json:"sub_openid"`
		} `json:"payer"`
		Amount    v3Amount `json:"amount"`
		SceneInfo struct {
			DeviceID string `json:"device_id"`
		} `json:"scene_info"`
		Promotions []v3Promotion `json:"promotion_detail"`
		// A partner order's ids instead of appid/mchid.
		SpAppID  string `json:"sp_appid"`
		SpMchID  string `json:"sp_mchid"`
		SubAppID string `json:"sub_appid"`
		SubMchID string `json:"sub_mchid"`
	}
	v3StoreInfo struct {
		OutID string `json:"out_id,omitempty"`
	}
	v3CodepayBody struct {
		AppID       string `json:"appid"`
		MchID       string `json:"mchid"`
		Description string `json:"description"`
		OutTradeNo  string `json:"out_trade_no"`
		Attach      string `json:"attach,omitempty"`
		GoodsTag    string `json:"goods_tag,omitempty"`
		Payer       struct {
			AuthCode string `json:"auth_code"`
		} `json:"payer"`
		Amount    v3Amount `json:"amount"`
		SceneInfo struct {
			DeviceIP  string       `json:"device_ip"`
			DeviceID  string       `json:"device_id,omitempty"`
			StoreInfo *v3StoreInfo `json:"store_info,omitempty"`
		} `json:"scene_info"`
	}
	v3NativeBody struct {
		AppID       string   `json:"appid"`
		MchID       string   `json:"mchid"`
		Description string   `json:"description"`
		OutTradeNo  string   `json:"out_trade_no"`
		TimeExpire  string   `json:"time_expire,omitempty"`
		Attach      string   `json:"attach,omitempty"`
		NotifyURL   string   `json:"notify_url"`
		Amount      v3Amount `json:"amount"`
		SceneInfo   *struct {
			PayerClientIP string `json:"payer_client_ip"`
			DeviceID      string `json:"device_id,omitempty"`
		} `json:"scene_info,omitempty"`
	}
	v3RefundAmount struct {
		Refund      int64  `json:"refund"`
		Total       int64  `json:"total"`
		PayerTotal  int64  `json:"payer_total,omitempty"`
		PayerRefund int64  `json:"payer_refund,omitempty"`
		Currency    string `json:"currency"`
	}
	v3RefundBody struct {
		TransactionID string         `json:"transaction_id,omitempty"`
		OutTradeNo    string         `json:"out_trade_no,omitempty"`
		OutRefundNo   string         `json:"out_refund_no"`
		Reason        string         `json:"reason,omitempty"`
		NotifyURL     string         `json:"notify_url,omitempty"`
		Amount        v3RefundAmount `json:"amount"`
	}
	v3Refund struct {
		RefundID            string         `json:"refund_id"`
		OutRefundNo         string         `json:"out_refund_no"`
		TransactionID       string         `json:"transaction_id"`
		OutTradeNo          string         `json:"out_trade_no"`
		Channel             string         `json:"channel"`
		UserReceivedAccount string         `json:"user_received_account"`
		SuccessTime         string         `json:"success_time"`
		CreateTime          string         `json:"create_time"`
		Status              string         `json:"status"`
		Amount              v3RefundAnswer `json:"amount"`
		Promotions          []v3Promotion  `json:"promotion_detail"`
	}
	// v3RefundAnswer is a refund answer's amount: the request's and the
	// split between cash, coupon and settlement.
	v3RefundAnswer struct {
		v3RefundAmount
		SettlementRefund *int64 `json:"settlement_refund"`
		SettlementTotal  *int64 `json:"settlement_total"`
		DiscountRefund   int64  `json:"discount_refund"`
	}
)

func parseRFC3339(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: %w", field, err)
	}
	return t, nil
}

func (w *v3Transaction) toTransaction() (*Transaction, error) {
	st, err := parseRFC3339("success_time", w.SuccessTime)
	if err != nil {
		return nil, err
	}
	promos, sum, noCash, err := v3Promotions(w.Promotions, w.Amount.Total)
	if err != nil {
		return nil, err
	}
	t := &Transaction{
		AppID: w.AppID, MchID: w.MchID, OutTradeNo: w.OutTradeNo, TransactionID: w.TransactionID,
		TradeType: w.TradeType, State: TradeState(w.TradeState), StateDesc: w.TradeStateDesc,
		BankType: w.BankType, Attach: w.Attach, SuccessTime: st, OpenID: w.Payer.OpenID,
		Total: w.Amount.Total, PayerTotal: w.Amount.PayerTotal, Currency: w.Amount.Currency,
		DeviceID: w.SceneInfo.DeviceID, Discount: sum, SettlementTotal: w.Amount.Total - noCash, Promotions: promos,
	}
	if t.Paid() && t.PayerTotal > 0 && t.PayerTotal+t.Discount != t.Total {
		// What the customer paid and what the coupons paid make the total:
		// anything else is an answer the terminal cannot book.
		return nil, fmt.Errorf("payer_total %d + promotion_detail %d fen is not the total %d", t.PayerTotal, t.Discount, t.Total)
	}
	if err := checkPaidAmounts(t.Total, t.PayerTotal, t.Discount, t.SettlementTotal); err != nil {
		return nil, err
	}
	if w.SpMchID != "" {
		w.partnerIDs(t)
	}
	return t, nil
}

func (w *v3Refund) toRefund() (*Refund, error) {
	st, err := parseRFC3339("success_time", w.SuccessTime)
	if err != nil {
		return nil, err
	}
	ct, err := parseRFC3339("create_time", w.CreateTime)
	if err != nil {
		return nil, err
	}
	a := w.Amount
	promos, _, _, err := v3Promotions(w.Promotions, a.Total)
	if err != nil {
		return nil, err
	}
	f := &Refund{
		RefundID: w.RefundID, OutRefundNo: w.OutRefundNo, TransactionID: w.TransactionID,
		OutTradeNo: w.OutTradeNo, Channel: w.Channel, UserReceivedAccount: w.UserReceivedAccount,
		Status: normalizeRefundStatus(w.Status), SuccessTime: st, CreateTime: ct,
		Refund: a.Refund, Total: a.Total, PayerRefund: a.PayerRefund, PayerTotal: a.PayerTotal,
		DiscountRefund: a.DiscountRefund, SettlementRefund: a.Refund, SettlementTotal: a.Total, Promotions: promos,
	}
	// A notification's amount has no settlement fields: without them the
	// refund is settled whole.
	if a.SettlementRefund != nil {
		f.SettlementRefund = *a.SettlementRefund
	}
	if a.SettlementTotal != nil {
		f.SettlementTotal = *a.SettlementTotal
	}
	if a.PayerRefund > 0 && a.DiscountRefund == 0 {
		f.DiscountRefund = a.Refund - a.PayerRefund // a notification's amount has no discount_refund
	}
	if err := checkRefundAmounts(f.Refund, f.PayerRefund, f.DiscountRefund, f.SettlementRefund); err != nil {
		return nil, err
	}
	return f, nil
}

// idChars checks a merchant or WeChat number: digits, letters and _-|*,
// plus @ in out_refund_no only (PROTOCOL B.8; A.11 for out_refund_no), and
// an out_trade_no of at least MinOutTradeNo characters (B.8: string[6,32]).
func idChars(field, v string, n int) error {
	if err := need(field, v, n); err != nil {
		return err
	}
	if field == "out_trade_no" && len(v) < MinOutTradeNo {
		return fmt.Errorf("%w: out_trade_no %q is shorter than %d characters", ErrInvalidArgument, v, MinOutTradeNo)
	}
	for _, r := range v {
		switch {
		case r >= '0' && r <= '9', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z',
			r == '_', r == '-', r == '|', r == '*', r == '@' && field == "out_refund_no":
		default:
			return fmt.Errorf("%w: %s has character %q", ErrInvalidArgument, field, r)
		}
	}
	return nil
}

// mismatch reports a verified answer that contradicts the request.
func mismatch(op, what string, got, want any) error {
	return &UntrustedResponseError{Op: op, StatusCode: http.StatusOK,
		Err: fmt.Errorf("%s is %v, requested %v", what, got, want)}
}

func decodeFailed(op string, err error) error {
	return &UntrustedResponseError{Op: op, StatusCode: http.StatusOK, Err: err}
}

// Codepay charges a scanned payment code (POST /v3/pay/transactions/codepay).
// On success the order is paid. A USERPAYING answer (HTTP 202) is an error
// for which IsUserPaying is true: query until paid or reverse.
func (c *Client) Codepay(ctx context.Context, r CodepayRequest) (*Transaction, error) {
	const op = "v3 codepay"
	if err := firstErr(r.validate(), idChars("out_trade_no", r.OutTradeNo, 32)); err != nil {
		return nil, err
	}
	var b v3CodepayBody
	b.AppID, b.MchID, b.Description, b.OutTradeNo = c.s.appID, c.s.mchID, r.Description, r.OutTradeNo
	b.Attach, b.GoodsTag = r.Attach, r.GoodsTag
	b.Payer.AuthCode = r.AuthCode
	b.Amount = v3Amount{Total: r.Total, Currency: "CNY"}
	b.SceneInfo.DeviceIP, b.SceneInfo.DeviceID = r.DeviceIP, r.DeviceID
	if r.StoreID != "" {
		b.SceneInfo.StoreInfo = &v3StoreInfo{OutID: r.StoreID}
	}
	c.t.log.InfoContext(ctx, "wechat: codepay", "out_trade_no", r.OutTradeNo, "total_fen", r.Total, "auth_code", RedactCode(r.AuthCode))
	var w v3Transaction
	if _, err := c.do(ctx, v3Request{op: op, method: http.MethodPost, pathQuery: "/v3/pay/transactions/codepay", in: &b, out: &w}); err != nil {
		return nil, fmt.Errorf("codepay %s: %w", r.OutTradeNo, err)
	}
	t, err := w.toTransaction()
	if err != nil {
		return nil, decodeFailed(op, err)
	}
	if err := c.ours(op, t); err != nil {
		return nil, err
	}
	if t.OutTradeNo != r.OutTradeNo {
		return nil, mismatch(op, "out_trade_no", t.OutTradeNo, r.OutTradeNo)
	}
	if t.Total != r.Total {
		return nil, mismatch(op, "amount.total", t.Total, r.Total)
	}
	switch t.State {
	case "", TradeSuccess:
		t.State = TradeSuccess // a 200 from codepay means paid
	case TradeUserPaying:
		return nil, &APIError{Op: op, StatusCode: http.StatusOK, Code: CodeUserPaying, RawCode: string(t.State), Message: truncate(t.StateDesc, 256)}
	default:
		return nil, mismatch(op, "trade_state", t.State, TradeSuccess)
	}
	return t, nil
}

// NativePrepay creates a Native order (POST /v3/pay/transactions/native) and
// returns the code_url to show as a QR code.
func (c *Client) NativePrepay(ctx context.Context, r NativeRequest) (*NativeOrder, error) {
	const op = "v3 native"
	if err := firstErr(r.validate(), idChars("out_trade_no", r.OutTradeNo, 32)); err != nil {
		return nil, err
	}
	b := v3NativeBody{AppID: c.s.appID, MchID: c.s.mchID, Description: r.Description, OutTradeNo: r.OutTradeNo,
		Attach: r.Attach, NotifyURL: r.NotifyURL, Amount: v3Amount{Total: r.Total, Currency: "CNY"}}
	if !r.TimeExpire.IsZero() {
		b.TimeExpire = r.TimeExpire.In(tz.Shanghai).Format(time.RFC3339)
	}
	if r.ClientIP != "" {
		b.SceneInfo = &struct {
			PayerClientIP string `json:"payer_client_ip"`
			DeviceID      string `json:"device_id,omitempty"`
		}{r.ClientIP, r.DeviceID}
	}
	var out struct {
		CodeURL string `json:"code_url"`
	}
	if _, err := c.do(ctx, v3Request{op: op, method: http.MethodPost, pathQuery: "/v3/pay/transactions/native", in: &b, out: &out}); err != nil {
		return nil, fmt.Errorf("native prepay %s: %w", r.OutTradeNo, err)
	}
	if out.CodeURL == "" {
		return nil, decodeFailed(op, errors.New("empty code_url"))
	}
	return &NativeOrder{CodeURL: out.CodeURL}, nil
}

func (c *Client) query(ctx context.Context, op, path, want string, byTxn bool) (*Transaction, error) {
	var w v3Transaction
	pq := path + "?mchid=" + url.QueryEscape(c.s.mchID)
	if _, err := c.do(ctx, v3Request{op: op, method: http.MethodGet, pathQuery: pq, out: &w}); err != nil {
		return nil, fmt.Errorf("query %s: %w", want, err)
	}
	t, err := w.toTransaction()
	if err != nil {
		return nil, decodeFailed(op, err)
	}
	if err := c.ours(op, t); err != nil {
		return nil, err
	}
	got := t.OutTradeNo
	if byTxn {
		got = t.TransactionID
	}
	if got != want {
		return nil, mismatch(op, "order id", got, want)
	}
	return t, nil
}

// QueryByOutTradeNo queries an order by the merchant's out_trade_no.
func (c *Client) QueryByOutTradeNo(ctx context.Context, outTradeNo string) (*Transaction, error) {
	if err := idChars("out_trade_no", outTradeNo, 32); err != nil {
		return nil, err
	}
	return c.query(ctx, "v3 query", "/v3/pay/transactions/out-trade-no/"+url.PathEscape(outTradeNo), outTradeNo, false)
}

// QueryByTransactionID queries a paid order by WeChat's transaction_id.
func (c *Client) QueryByTransactionID(ctx context.Context, transactionID string) (*Transaction, error) {
	if err := idChars("transaction_id", transactionID, 32); err != nil {
		return nil, err
	}
	return c.query(ctx, "v3 query", "/v3/pay/transactions/id/"+url.PathEscape(transactionID), transactionID, true)
}

// Close closes an unpaid order (Native). ORDERPAID means it was paid.
func (c *Client) Close(ctx context.Context, outTradeNo string) error {
	if err := idChars("out_trade_no", outTradeNo, 32); err != nil {
		return err
	}
	body := struct {
		MchID string `json:"mchid"`
	}{c.s.mchID}
	_, err := c.do(ctx, v3Request{op: "v3 close", method: http.MethodPost,
		pathQuery: "/v3/pay/transactions/out-trade-no/" + url.PathEscape(outTradeNo) + "/close", in: &body})
	if err != nil {
		return fmt.Errorf("close %s: %w", outTradeNo, err)
	}
	return nil
}

// Reverse reverses (撤销) a payment-code order: closes it if unpaid, refunds
// it if paid. v3 has no recall flag; an outcome-unknown error means retry.
func (c *Client) Reverse(ctx context.Context, outTradeNo string) (*ReverseResult, error) {
	if err := idChars("out_trade_no", outTradeNo, 32); err != nil {
		return nil, err
	}
	body := struct {
		AppID string `json:"appid"`
		MchID string `json:"mchid"`
	}{c.s.appID, c.s.mchID}
	var out struct {
		OutTradeNo string `json:"out_trade_no"`
	}
	_, err := c.do(ctx, v3Request{op: "v3 reverse", method: http.MethodPost,
		pathQuery: "/v3/pay/transactions/out-trade-no/" + url.PathEscape(outTradeNo) + "/reverse", in: &body, out: &out})
	if err != nil {
		return nil, fmt.Errorf("reverse %s: %w", outTradeNo, err)
	}
	if out.OutTradeNo != "" && out.OutTradeNo != outTradeNo {
		return nil, mismatch("v3 reverse", "out_trade_no", out.OutTradeNo, outTradeNo)
	}
	return &ReverseResult{}, nil
}

// Refund requests a refund (POST /v3/refund/domestic/refunds). Success means
// accepted: poll QueryRefund until the status is final.
func (c *Client) Refund(ctx context.Context, r RefundRequest) (*Refund, error) {
	const op = "v3 refund"
	if err := firstErr(r.validate(), idChars("out_refund_no", r.OutRefundNo, 64)); err != nil {
		return nil, err
	}
	b := v3RefundBody{TransactionID: r.TransactionID, OutRefundNo: r.OutRefundNo, Reason: r.Reason, NotifyURL: r.NotifyURL,
		Amount: v3RefundAmount{Refund: r.Refund, Total: r.Total, Currency: "CNY"}}
	if b.TransactionID == "" {
		b.OutTradeNo = r.OutTradeNo
	}
	var w v3Refund
	if _, err := c.do(ctx, v3Request{op: op, method: http.MethodPost, pathQuery: "/v3/refund/domestic/refunds", in: &b, out: &w}); err != nil {
		return nil, fmt.Errorf("refund %s: %w", r.OutRefundNo, err)
	}
	f, err := w.toRefund()
	if err != nil {
		return nil, decodeFailed(op, err)
	}
	if f.OutRefundNo != r.OutRefundNo {
		return nil, mismatch(op, "out_refund_no", f.OutRefundNo, r.OutRefundNo)
	}
	if f.Refund != r.Refund {
		return nil, mismatch(op, "amount.refund", f.Refund, r.Refund)
	}
	return f, nil
}

// QueryRefund queries a refund by out_refund_no.
func (c *Client) QueryRefund(ctx context.Context, outRefundNo string) (*Refund, error) {
	const op = "v3 refund query"
	if err := idChars("out_refund_no", outRefundNo, 64); err != nil {
		return nil, err
	}
	var w v3Refund
	if _, err := c.do(ctx, v3Request{op: op, method: http.MethodGet,
		pathQuery: "/v3/refund/domestic/refunds/" + url.PathEscape(outRefundNo), out: &w}); err != nil {
		return nil, fmt.Errorf("refund query %s: %w", outRefundNo, err)
	}
	f, err := w.toRefund()
	if err != nil {
		return nil, decodeFailed(op, err)
	}
	if f.OutRefundNo != outRefundNo {
		return nil, mismatch(op, "out_refund_no", f.OutRefundNo, outRefundNo)
	}
	return f, nil
}

// ErrBillHash is returned (wrapped) when a downloaded bill does not match the
// SHA1 announced by the apply call.
var ErrBillHash = errors.New("wechat: bill hash mismatch")

// TradeBill applies for and downloads a daily trade bill (GET
// /v3/bill/tradebill, then the download_url), gunzips it, checks its SHA1 and
// returns the CSV text (parse it with package wechat/bill). NO_STATEMENT_EXIST
// and STATEMENT_CREATING come back as *APIError. See TradeBillTo for bills
// too large to hold in memory.
func (c *Client) TradeBill(ctx context.Context, r BillRequest) ([]byte, error) {
	var buf bytes.Buffer
	if _, err := c.TradeBillTo(ctx, r, &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// TradeBillTo is TradeBill streaming the uncompressed bill into w in
// constant memory. The SHA1 is known only at the end: on ErrBillHash (or any
// error) discard what was written.
func (c *Client) TradeBillTo(ctx context.Context, r BillRequest, w io.Writer) (int64, error) {
	if err := r.validate(); err != nil {
		return 0, err
	}
	ctx, cancel := c.t.withDeadline(ctx)
	defer cancel()
	typ := r.Type
	if typ == "" {
		typ = BillAll
	}
	date := r.Date.In(tz.Shanghai).Format(time.DateOnly)
	q := url.Values{"bill_date": {date}, "bill_type": {string(typ)}, "tar_type": {"GZIP"}}
	return c.billTo(ctx, "v3 tradebill", "/v3/bill/tradebill?"+q.Encode(), "trade bill "+date, w)
}

// billTo applies for a bill at pathQuery and downloads it into w: the
// download_url is fetched from the configured hosts, unsigned, gunzipped
// and checked against the hash_value of the application. what names the
// bill in errors.
func (c *Client) billTo(ctx context.Context, op, pathQuery, what string, w io.Writer) (int64, error) {
	var apply struct {
		HashType    string `json:"hash_type"`
		HashValue   string `json:"hash_value"`
		DownloadURL string `json:"download_url"`
	}
	if _, err := c.do(ctx, v3Request{op: op, method: http.MethodGet, pathQuery: pathQuery, out: &apply}); err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	if !strings.EqualFold(apply.HashType, "SHA1") || len(apply.HashValue) != 40 {
		return 0, decodeFailed(op, fmt.Errorf("unsupported hash %q", apply.HashType))
	}
	resp, err := c.openBillFile(ctx, op, what, apply.DownloadURL)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := copyBill("v3 billdownload", bufio.NewReader(resp.Body), w, c.s.maxBillSize, apply.HashValue)
	if err != nil {
		return n, fmt.Errorf("%s: %w", what, err)
	}
	return n, nil
}

// openBillFile starts the download of a bill file at downloadURL (an
// apply call's download_url) and returns the answer when it is 200. The
// file is fetched from our configured host(s) at the path of
// download_url: the same host in production, and never a host the
// response could send us to. It is unsigned; the apply call's SHA1
// vouches for it.
func (c *Client) openBillFile(ctx context.Context, op, what, downloadURL string) (*http.Response, error) {
	u, err := url.Parse(downloadURL)
	if err != nil || u.Path == "" {
		return nil, decodeFailed(op, errors.New("bad download_url"))
	}
	req := v3Request{op: "v3 billdownload", method: http.MethodGet, pathQuery: u.RequestURI(), noVerify: true}
	resp, err := c.open(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("%s download: %w", what, err)
	}
	if resp.StatusCode == http.StatusOK {
		return resp, nil
	}
	defer resp.Body.Close()
	raw, err := readResponse(req.op, resp, maxResponseSize)
	if err == nil {
		_, err = c.interpret(ctx, req, raw)
		if err == nil {
			err = decodeFailed(req.op, fmt.Errorf("unexpected HTTP status %d", raw.status))
		}
	}
	return nil, fmt.Errorf("%s download: %w", what, err)
}

// FundFlowBill applies for and downloads the fund-flow bill (资金账单) of
// an account (GET /v3/bill/fundflowbill, then the download_url), checked
// like TradeBill; parse it with wechat/bill.NewFundFlowParser.
// NO_STATEMENT_EXIST and STATEMENT_CREATING come back as *APIError.
func (c *Client) FundFlowBill(ctx context.Context, r FundFlowRequest) ([]byte, error) {
	var buf bytes.Buffer
	if _, err := c.FundFlowBillTo(ctx, r, &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// FundFlowBillTo is FundFlowBill streaming the bill into w (see
// TradeBillTo).
func (c *Client) FundFlowBillTo(ctx context.Context, r FundFlowRequest, w io.Writer) (int64, error) {
	if err := r.validate(); err != nil {
		return 0, err
	}
	ctx, cancel := c.t.withDeadline(ctx)
	defer cancel()
	date := r.Date.In(tz.Shanghai).Format(time.DateOnly)
	if c.s.subMchID != "" {
		return c.subFundFlowTo(ctx, date, r.account(), w)
	}
	q := url.Values{"bill_date": {date}, "account_type": {string(r.account())}, "tar_type": {"GZIP"}}
	return c.billTo(ctx, "v3 fundflowbill", "/v3/bill/fundflowbill?"+q.Encode(), "fund-flow bill "+date, w)
}

// encryptedBill is one file of an encrypted bill's apply answer
// (download_bill_list[]).
type encryptedBill struct {
	Sequence    int    `json:"bill_sequence"`
	HashType    string `json:"hash_type"`
	HashValue   string `json:"hash_value"`
	DownloadURL string `json:"download_url"`
	EncryptKey  string `json:"encrypt_key"`
	Nonce       string `json:"nonce"`
}

// subFundFlowTo is FundFlowBillTo for a service provider's sub-merchant:
// GET /v3/bill/sub-merchant-fundflowbill (sub_mchid, algorithm
// AEAD_AES_256_GCM, no tar_type), whose answer lists one or more files
// (bill_sequence from 1; WeChat splits a bill above about 16 GB), each
// encrypted with a key of its own (DecryptBillFile with the provider's
// merchant key). The files are decrypted, checked against their SHA1 and
// written in sequence: joined, they are the bill. The SHA1 is taken of
// the plain file (assumed: the pages say only "实际下载账单文件的哈希值";
// AES-GCM authenticates the ciphertext in any case).
func (c *Client) subFundFlowTo(ctx context.Context, date string, account Account, w io.Writer) (int64, error) {
	const op = "v3 sub-merchant-fundflowbill"
	what := "sub-merchant fund-flow bill " + date
	if c.s.mchKey == nil {
		return 0, fmt.Errorf("%w: the sub-merchant fund-flow bill needs the merchant key", ErrNotConfigured)
	}
	q := url.Values{"sub_mchid": {c.s.subMchID}, "bill_date": {date}, "account_type": {string(account)}, "algorithm": {"AEAD_AES_256_GCM"}}
	var apply struct {
		Count int             `json:"download_bill_count"`
		List  []encryptedBill `json:"download_bill_list"`
	}
	if _, err := c.do(ctx, v3Request{op: op, method: http.MethodGet, pathQuery: "/v3/bill/sub-merchant-fundflowbill?" + q.Encode(), out: &apply}); err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	if apply.Count != len(apply.List) || len(apply.List) == 0 {
		return 0, decodeFailed(op, fmt.Errorf("download_bill_count %d with %d files", apply.Count, len(apply.List)))
	}
	sort.Slice(apply.List, func(i, j int) bool { return apply.List[i].Sequence < apply.List[j].Sequence })
	var n int64
	for i, f := range apply.List {
		if f.Sequence != i+1 {
			return n, decodeFailed(op, fmt.Errorf("bill_sequence %d where %d was due", f.Sequence, i+1))
		}
		if !strings.EqualFold(f.HashType, "SHA1") || len(f.HashValue) != 40 {
			return n, decodeFailed(op, fmt.Errorf("unsupported hash %q", f.HashType))
		}
		m, err := c.encryptedBillTo(ctx, op, what, f, w, c.s.maxBillSize-n)
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// encryptedBillTo downloads one encrypted bill file, decrypts it and
// writes it to w, at most limit plain bytes.
func (c *Client) encryptedBillTo(ctx context.Context, op, what string, f encryptedBill, w io.Writer, limit int64) (int64, error) {
	resp, err := c.openBillFile(ctx, op, what, f.DownloadURL)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	// GCM opens a whole message: the ciphertext (the plain file and its
	// 16-byte tag) is held, within the bill size limit.
	file, err := io.ReadAll(io.LimitReader(resp.Body, limit+16+1))
	if err != nil {
		return 0, &TransportError{Op: "v3 billdownload", Err: fmt.Errorf("bill body: %w", err)}
	}
	if int64(len(file)) > limit+16 {
		return 0, &TransportError{Op: "v3 billdownload", Err: fmt.Errorf("bill larger than %d bytes", limit)}
	}
	plain, err := DecryptBillFile(c.s.mchKey, f.EncryptKey, f.Nonce, file)
	if err != nil {
		return 0, fmt.Errorf("%s file %d: %w", what, f.Sequence, err)
	}
	n, err := copyBill("v3 billdownload", bufio.NewReader(bytes.NewReader(plain)), w, limit, f.HashValue)
	if err != nil {
		return n, fmt.Errorf("%s: %w", what, err)
	}
	return n, nil
}

// copyBill copies a bill body to w, gunzipping it when it starts with the
// gzip magic, up to limit uncompressed bytes and bill.DefaultMaxRatio (a
// gzip bomb is refused after a little of it), and checks its SHA1 when
// wantSHA1 is not empty.
func copyBill(op string, br *bufio.Reader, w io.Writer, limit int64, wantSHA1 string) (int64, error) {
	src, err := bill.Decompress(br, bill.Limits{MaxSize: limit})
	if err != nil {
		return 0, &TransportError{Op: op, Err: err}
	}
	h := sha1.New()
	n, err := io.Copy(io.MultiWriter(w, h), src)
	if err != nil {
		return n, &TransportError{Op: op, Err: fmt.Errorf("bill body: %w", err)}
	}
	if wantSHA1 != "" {
		got := hex.EncodeToString(h.Sum(nil))
		if subtle.ConstantTimeCompare([]byte(got), []byte(strings.ToLower(wantSHA1))) != 1 {
			return n, ErrBillHash
		}
	}
	return n, nil
}

// Certificates downloads and decrypts the platform certificates (GET
// /v3/certificates). The response is verified with the configured verifiers
// or, when it is signed by one of the certificates it carries (bootstrap), by
// that certificate. Needs WithV3Key.
func (c *Client) Certificates(ctx context.Context) ([]PlatformCertificate, error) {
	const op = "v3 certificates"
	if c.s.v3Key == "" {
		return nil, fmt.Errorf("%w: certificates need WithV3Key", ErrNotConfigured)
	}
	// The answer is verified below, with the certificates it carries. An
	// error answer is checked with the fixed verifiers only: the
	// certificate cache may be what is calling us.
	raw, err := c.do(ctx, v3Request{op: op, method: http.MethodGet, pathQuery: "/v3/certificates", noVerify: true,
		verifier: chainVerifier(c.s.verifiers)})
	if err != nil {
		return nil, fmt.Errorf("certificates: %w", err)
	}
	var body struct {
		Data []struct {
			SerialNo           string `json:"serial_no"`
			EffectiveTime      string `json:"effective_time"`
			ExpireTime         string `json:"expire_time"`
			EncryptCertificate struct {
				Algorithm      string `json:"algorithm"`
				Nonce          string `json:"nonce"`
				AssociatedData string `json:"associated_data"`
				Ciphertext     string `json:"ciphertext"`
			} `json:"encrypt_certificate"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw.body, &body); err != nil {
		return nil, decodeFailed(op, err)
	}
	var out []PlatformCertificate
	for _, d := range body.Data {
		ec := d.EncryptCertificate
		pemBytes, err := DecryptAEADAES256GCM(c.s.v3Key, ec.Nonce, ec.AssociatedData, ec.Ciphertext)
		if err != nil {
			return nil, decodeFailed(op, fmt.Errorf("certificate %s: %w", d.SerialNo, err))
		}
		cert, err := ParseCertificatePEM(pemBytes)
		if err != nil {
			return nil, decodeFailed(op, fmt.Errorf("certificate %s: %w", d.SerialNo, err))
		}
		if CertificateSerial(cert) != strings.ToUpper(d.SerialNo) {
			return nil, decodeFailed(op, fmt.Errorf("certificate serial %s does not match %s", CertificateSerial(cert), d.SerialNo))
		}
		eff, _ := parseRFC3339("effective_time", d.EffectiveTime)
		exp, _ := parseRFC3339("expire_time", d.ExpireTime)
		out = append(out, PlatformCertificate{SerialNo: CertificateSerial(cert), EffectiveTime: eff, ExpireTime: exp, Certificate: cert})
	}
	certs := make([]*x509.Certificate, 0, len(out))
	for _, pc := range out {
		certs = append(certs, pc.Certificate)
	}
	v := chainVerifier{NewCertificateVerifier(c.s.clock, certs...)}
	v = append(v, c.s.verifiers...)
	if err := c.verifyResponse(ctx, v, raw.header, raw.body); err != nil {
		return nil, &UntrustedResponseError{Op: op, StatusCode: raw.status, Err: err}
	}
	return out, nil
}
