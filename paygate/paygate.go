// Package paygate adapts the WeChat Pay client (package wechat) to the
// payment core's pos.Gateway, for either API generation: v3 (codepay,
// native, query, close, reverse, refund, refund query) or v2 (micropay,
// unifiedorder NATIVE, orderquery, reverse, closeorder, refund,
// refundquery).
//
// Its one job beyond renaming types is classifying every answer into the
// outcome classes pos decides on, using the client's typed errors (never
// strings):
//
//   - a *wechat.APIError that leaves the outcome open (5xx, SYSTEMERROR,
//     BANKERROR, BIZERR_NEED_RETRY), transport errors, unverifiable answers,
//     and FREQUENCY_LIMITED (back off and retry the same number) stay
//     outcome-unknown;
//   - USERPAYING from a payment becomes Trade.Status USERPAYING;
//   - ORDERPAID from a payment is outcome-unknown (the same order number
//     was paid: the core queries and finds it paid);
//   - ORDERNOTEXIST / RESOURCE_NOT_EXISTS / REFUNDNOTEXIST become
//     pos.ErrOrderNotExist; ORDERPAID from close becomes pos.ErrOrderPaid;
//     ORDERCLOSED from close and ORDERREVERSED from reverse are success
//     (already done: both calls are idempotent);
//   - a reverse answered recall=Y (v2) is outcome-unknown: call again;
//   - OUT_TRADE_NO_USED (or v3's INVALID_REQUEST "201 商户订单号重复") from
//     a payment or prepay becomes pos.ErrOutTradeNoUsed: this request did
//     nothing, and whose the existing order is only a query can tell (the
//     core queries and compares, never a generic failure);
//   - a payment or QR order that was never sent (wechat.ErrNotSent: the
//     server's TLS certificate is not trusted) is a definite decline,
//     NOT_SENT;
//   - every other business code is a definite *pos.DeclineError, as is a
//     request the client refused to send (wechat.ErrInvalidArgument).
package paygate

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/wechat"
)

// Options are the request fields WeChat requires that the core does not
// carry.
type Options struct {
	// DeviceIP is the terminal's IP (codepay scene_info.device_ip, v2
	// spbill_create_ip). Default 127.0.0.1.
	DeviceIP string
	// NotifyURL is the store's receiver ([notify] url): sent with Native
	// prepay and refunds, whose notifications then hint the terminal.
	// WeChat requires one with every Native order (v3 native, v2
	// unifiedorder) and refuses an address it cannot use, so without it the
	// gateway makes no QR order at all (QRReady, CreateQR: ErrNoNotifyURL)
	// instead of sending a placeholder; refunds then name none (WeChat
	// allows that, and the terminal polls them). Codepay/micropay take
	// none: WeChat sends no payment-code notification.
	NotifyURL string
}

// ErrNoNotifyURL is returned by QRReady and CreateQR of a gateway without
// Options.NotifyURL. It wraps pos.ErrQRUnavailable.
var ErrNoNotifyURL = fmt.Errorf("%w: WeChat Pay requires a notify_url with every Native order; "+
	"set [notify] url in config.toml to this store's public https receiver", pos.ErrQRUnavailable)

func (o *Options) defaults() {
	if o.DeviceIP == "" {
		o.DeviceIP = "127.0.0.1"
	}
}

// API is what a gateway needs from a WeChat Pay client. *wechat.Client (v3)
// and *wechat.V2Client (v2) both provide it under these
// generation-neutral names.
type API interface {
	Codepay(ctx context.Context, r wechat.CodepayRequest) (*wechat.Transaction, error)
	NativePrepay(ctx context.Context, r wechat.NativeRequest) (*wechat.NativeOrder, error)
	QueryByOutTradeNo(ctx context.Context, outTradeNo string) (*wechat.Transaction, error)
	Close(ctx context.Context, outTradeNo string) error
	Reverse(ctx context.Context, outTradeNo string) (*wechat.ReverseResult, error)
	Refund(ctx context.Context, r wechat.RefundRequest) (*wechat.Refund, error)
	QueryRefund(ctx context.Context, outRefundNo string) (*wechat.Refund, error)
}

// Gateway implements pos.Gateway on a WeChat Pay client of either
// generation: the client's methods already have generation-neutral names
// (API), so each pos.Gateway call is one call of client.
type Gateway struct {
	client API
	opts   Options
	gen    string
}

var _ pos.Gateway = (*Gateway)(nil)

// NewV3 returns a gateway speaking API v3 (codepay, native, …) through c,
// a *wechat.Client.
func NewV3(c API, opts Options) *Gateway { return newGateway("v3", c, opts) }

// NewV2 returns a gateway speaking API v2 (micropay, unifiedorder NATIVE,
// orderquery, reverse with recall, closeorder, refund, refundquery)
// through c, a *wechat.V2Client.
func NewV2(c API, opts Options) *Gateway { return newGateway("v2", c, opts) }

func newGateway(gen string, c API, opts Options) *Gateway {
	opts.defaults()
	return &Gateway{gen: gen, opts: opts, client: c}
}

var (
	_ API = (*wechat.Client)(nil)
	_ API = (*wechat.V2Client)(nil)
)

// Generation reports "v3" or "v2".
func (g *Gateway) Generation() string { return g.gen }

// ErrRecall is the outcome-unknown error of a reverse answered recall=Y:
// WeChat asks for the reverse to be called again.
var ErrRecall = errors.New("reverse: recall requested")

// operation is the kind of call an error answers: one WeChat code means
// different things to a payment, a query, a reverse and a close.
type operation int

const (
	opPay     operation = iota // codepay/micropay, native prepay: "no such order" is a decline
	opQuery                    // order and refund queries: "no such order" is pos.ErrOrderNotExist
	opRefund                   // refund: "no such order" is pos.ErrOrderNotExist
	opReverse                  // as a query, and ORDER_REVERSED means done
	opClose                    // as a query, ORDER_CLOSED means done and ORDERPAID is pos.ErrOrderPaid
)

// classify maps the client error of an op call to the core's outcome
// classes.
func classify(err error, op operation) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, wechat.ErrInvalidArgument) {
		return &pos.DeclineError{Code: "INVALID_ARGUMENT", Message: err.Error()}
	}
	if wechat.OutcomeUnknown(err) {
		return err
	}
	var ae *wechat.APIError
	if !errors.As(err, &ae) {
		return err // not an answer from WeChat: unknown
	}
	if numberTaken(ae) {
		return fmt.Errorf("%w: %w", pos.ErrOutTradeNoUsed, err)
	}
	switch ae.Code {
	case wechat.CodeFrequencyLimited, wechat.CodeSystemError, wechat.CodeBankError, wechat.CodeBizErrNeedRetry:
		return err
	case wechat.CodeOrderNotExist, wechat.CodeResourceNotExists, wechat.CodeRefundNotExist:
		if op != opPay {
			return fmt.Errorf("%w: %w", pos.ErrOrderNotExist, err)
		}
	case wechat.CodeOrderPaid:
		if op == opClose {
			return fmt.Errorf("%w: %w", pos.ErrOrderPaid, err)
		}
		return err // on a payment: same number already paid → query
	case wechat.CodeOrderClosed:
		if op == opClose {
			return nil
		}
	case wechat.CodeOrderReversed:
		if op == opReverse {
			return nil
		}
	}
	return &pos.DeclineError{Code: string(ae.Code), Message: ae.Message}
}

// numberTaken reports whether WeChat refused a request because its
// out_trade_no is already used by an order with other parameters: the
// documented OUT_TRADE_NO_USED, or the INVALID_REQUEST "201 商户订单号重复"
// that v3 Native prepay is reported to answer instead (PROTOCOL A.9; the
// message is the only thing that tells this INVALID_REQUEST apart).
func numberTaken(ae *wechat.APIError) bool {
	return ae.Code == wechat.CodeOutTradeNoUsed ||
		(ae.Code == wechat.CodeInvalidRequest && strings.Contains(ae.Message, "商户订单号重复"))
}

func trade(t *wechat.Transaction) pos.Trade {
	return pos.Trade{OutTradeNo: t.OutTradeNo, Status: pos.TradeStatus(t.State), TransactionID: t.TransactionID,
		AmountFen: t.Total, PaidAt: t.SuccessTime, Desc: t.StateDesc, Attach: t.Attach, TradeType: t.TradeType,
		CouponFen: t.Discount, MerchantCouponFen: t.Total - t.SettlementTotal}
}

// PayScan implements pos.Gateway (codepay / micropay).
func (g *Gateway) PayScan(ctx context.Context, r pos.ScanRequest) (pos.Trade, error) {
	t, err := g.client.Codepay(ctx, wechat.CodepayRequest{OutTradeNo: r.OutTradeNo, Description: r.Description,
		AuthCode: r.AuthCode, Total: r.AmountFen, DeviceIP: g.opts.DeviceIP, DeviceID: r.DeviceID, StoreID: r.StoreID,
		Attach: r.Attach})
	if wechat.IsUserPaying(err) {
		return pos.Trade{OutTradeNo: r.OutTradeNo, Status: pos.TradeUserPaying, AmountFen: r.AmountFen}, nil
	}
	if err != nil {
		return pos.Trade{}, notSentOr(classify(err, opPay))
	}
	tr := trade(t)
	if tr.Status == "" {
		tr.Status = pos.TradeSuccess
	}
	return tr, nil
}

// QRReady implements pos.QRChecker: a Native order needs the notify_url.
func (g *Gateway) QRReady() error {
	if g.opts.NotifyURL == "" {
		return ErrNoNotifyURL
	}
	return nil
}

// CreateQR implements pos.Gateway (native prepay / unifiedorder NATIVE).
// Without a notify_url it sends nothing and declines (NO_NOTIFY_URL): the
// request could only be refused, so nothing can have been charged.
func (g *Gateway) CreateQR(ctx context.Context, r pos.QRRequest) (string, error) {
	if err := g.QRReady(); err != nil {
		return "", &pos.DeclineError{Code: "NO_NOTIFY_URL", Message: err.Error()}
	}
	n, err := g.client.NativePrepay(ctx, wechat.NativeRequest{OutTradeNo: r.OutTradeNo, Description: r.Description,
		Total: r.AmountFen, NotifyURL: g.opts.NotifyURL, ClientIP: g.opts.DeviceIP, ProductID: r.OutTradeNo,
		TimeExpire: r.ExpiresAt, DeviceID: r.DeviceID, Attach: r.Attach})
	if err != nil {
		return "", notSentOr(classify(err, opPay))
	}
	return n.CodeURL, nil
}

// notSentOr declines a new payment whose request never left the terminal
// (wechat.ErrNotSent: the server's certificate is not trusted): nothing
// can have been charged, so the cashier learns it at once instead of
// after a minute of "checking with WeChat". Other calls (query, reverse,
// close, refund) keep such an error outcome-unknown and retry, since they
// settle something that may already have happened.
func notSentOr(err error) error {
	if errors.Is(err, wechat.ErrNotSent) {
		return &pos.DeclineError{Code: "NOT_SENT", Message: err.Error()}
	}
	return err
}

// Query implements pos.Gateway.
func (g *Gateway) Query(ctx context.Context, no string) (pos.Trade, error) {
	t, err := g.client.QueryByOutTradeNo(ctx, no)
	if err != nil {
		return pos.Trade{}, classify(err, opQuery)
	}
	return trade(t), nil
}

// Reverse implements pos.Gateway.
func (g *Gateway) Reverse(ctx context.Context, no string) error {
	res, err := g.client.Reverse(ctx, no)
	if err != nil {
		return classify(err, opReverse)
	}
	if res != nil && res.Recall {
		return fmt.Errorf("reverse %s: %w", no, ErrRecall)
	}
	return nil
}

// Close implements pos.Gateway.
func (g *Gateway) Close(ctx context.Context, no string) error {
	return classify(g.client.Close(ctx, no), opClose)
}

func refundResult(f *wechat.Refund) pos.RefundResult {
	return pos.RefundResult{OutRefundNo: f.OutRefundNo, RefundID: f.RefundID, Status: pos.RefundStatus(f.Status),
		AmountFen: f.Refund, SuccessAt: f.SuccessTime, CouponFen: f.DiscountRefund, MerchantCouponFen: f.Refund - f.SettlementRefund}
}

// Refund implements pos.Gateway.
func (g *Gateway) Refund(ctx context.Context, r pos.RefundRequest) (pos.RefundResult, error) {
	f, err := g.client.Refund(ctx, wechat.RefundRequest{OutTradeNo: r.OutTradeNo, TransactionID: r.TransactionID,
		OutRefundNo: r.OutRefundNo, Refund: r.AmountFen, Total: r.TotalFen, Reason: r.Reason, NotifyURL: g.opts.NotifyURL})
	if err != nil {
		return pos.RefundResult{}, classify(err, opRefund)
	}
	res := refundResult(f)
	if res.Status == "" {
		res.Status = pos.RefundStatusProcessing
	}
	return res, nil
}

// QueryRefund implements pos.Gateway.
func (g *Gateway) QueryRefund(ctx context.Context, no string) (pos.RefundResult, error) {
	f, err := g.client.QueryRefund(ctx, no)
	if err != nil {
		return pos.RefundResult{}, classify(err, opQuery)
	}
	return refundResult(f), nil
}
