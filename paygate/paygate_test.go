package paygate_test

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/wxpos/wxpos/paygate"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/wechat"
)

// fakeAPI answers every call with err (and a paid transaction when nil).
type fakeAPI struct {
	err    error
	recall bool
}

func (f fakeAPI) Codepay(context.Context, wechat.CodepayRequest) (*wechat.Transaction, error) {
	if f.err != nil {
		return nil, f.err
	}
	return &wechat.Transaction{OutTradeNo: "P1", State: wechat.TradeSuccess, TransactionID: "42", Total: 100}, nil
}
func (f fakeAPI) NativePrepay(context.Context, wechat.NativeRequest) (*wechat.NativeOrder, error) {
	if f.err != nil {
		return nil, f.err
	}
	return &wechat.NativeOrder{CodeURL: "weixin://wxpay/bizpayurl?pr=x"}, nil
}
func (f fakeAPI) QueryByOutTradeNo(context.Context, string) (*wechat.Transaction, error) {
	if f.err != nil {
		return nil, f.err
	}
	return &wechat.Transaction{OutTradeNo: "P1", State: wechat.TradeNotPay, Total: 100, Attach: "wxpos:TAG", TradeType: "MICROPAY"}, nil
}
func (f fakeAPI) Close(context.Context, string) error { return f.err }
func (f fakeAPI) Reverse(context.Context, string) (*wechat.ReverseResult, error) {
	if f.err != nil {
		return nil, f.err
	}
	return &wechat.ReverseResult{Recall: f.recall}, nil
}
func (f fakeAPI) Refund(context.Context, wechat.RefundRequest) (*wechat.Refund, error) {
	if f.err != nil {
		return nil, f.err
	}
	return &wechat.Refund{OutRefundNo: "R1", Status: wechat.RefundProcessing, Refund: 50}, nil
}
func (f fakeAPI) QueryRefund(context.Context, string) (*wechat.Refund, error) {
	if f.err != nil {
		return nil, f.err
	}
	return &wechat.Refund{OutRefundNo: "R1", Status: wechat.RefundSuccess, Refund: 50}, nil
}

func apiErr(status int, code wechat.Code) error {
	return fmt.Errorf("call: %w", &wechat.APIError{Op: "test", StatusCode: status, Code: code, Message: "m"})
}

// outcome names the class an error falls in for the payment core.
func outcome(err error) string {
	var d *pos.DeclineError
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, pos.ErrOrderNotExist):
		return "not-exist"
	case errors.Is(err, pos.ErrOrderPaid):
		return "order-paid"
	case errors.Is(err, pos.ErrOutTradeNoUsed):
		if pos.IsDefinite(err) {
			return "number-used but definite"
		}
		return "number-used"
	case errors.As(err, &d):
		return "declined " + d.Code
	}
	return "unknown"
}

func TestClassification(t *testing.T) {
	ctx := context.Background()
	transport := &wechat.TransportError{Op: "test", Err: context.DeadlineExceeded}
	tests := []struct {
		name string
		err  error
		call func(g *paygate.Gateway) error
		want string
	}{
		{"pay ok", nil, func(g *paygate.Gateway) error { _, err := g.PayScan(ctx, pos.ScanRequest{}); return err }, "ok"},
		{"pay transport", transport, payScan, "unknown"},
		{"pay SYSTEMERROR 500", apiErr(500, wechat.CodeSystemError), payScan, "unknown"},
		{"pay BANKERROR", apiErr(200, wechat.CodeBankError), payScan, "unknown"},
		{"pay ORDERPAID: same order, query", apiErr(400, wechat.CodeOrderPaid), payScan, "unknown"},
		{"pay FREQUENCY_LIMITED", apiErr(429, wechat.CodeFrequencyLimited), payScan, "unknown"},
		{"pay untrusted answer", &wechat.UntrustedResponseError{Op: "t", StatusCode: 200, Err: errors.New("bad sig")}, payScan, "unknown"},
		{"pay NOTENOUGH", apiErr(403, wechat.CodeNotEnough), payScan, "declined NOTENOUGH"},
		{"pay AUTHCODEEXPIRE", apiErr(400, wechat.CodeAuthCodeExpire), payScan, "declined AUTHCODEEXPIRE"},
		{"pay OUT_TRADE_NO_USED: query and compare", apiErr(403, wechat.CodeOutTradeNoUsed), payScan, "number-used"},
		{"prepay OUT_TRADE_NO_USED: query and compare", apiErr(403, wechat.CodeOutTradeNoUsed), createQR, "number-used"},
		{"prepay 201 商户订单号重复", &wechat.APIError{Op: "t", StatusCode: 400, Code: wechat.CodeInvalidRequest, Message: "201 商户订单号重复"}, createQR, "number-used"},
		{"prepay other INVALID_REQUEST", apiErr(400, wechat.CodeInvalidRequest), createQR, "declined INVALID_REQUEST"},
		{"pay invalid argument (not sent)", fmt.Errorf("x: %w", wechat.ErrInvalidArgument), payScan, "declined INVALID_ARGUMENT"},
		{"query not found", apiErr(404, wechat.CodeOrderNotExist), query, "not-exist"},
		{"query 503", apiErr(503, wechat.CodeSystemError), query, "unknown"},
		{"close ORDERPAID", apiErr(400, wechat.CodeOrderPaid), closeOrder, "order-paid"},
		{"close ORDERCLOSED is done", apiErr(400, wechat.CodeOrderClosed), closeOrder, "ok"},
		{"close not found", apiErr(404, wechat.CodeOrderNotExist), closeOrder, "not-exist"},
		{"reverse ORDERREVERSED is done", apiErr(200, wechat.CodeOrderReversed), reverse, "ok"},
		{"reverse REVERSE_EXPIRE", apiErr(200, wechat.CodeReverseExpire), reverse, "declined REVERSE_EXPIRE"},
		{"reverse recall=Y error", &wechat.APIError{Op: "t", StatusCode: 200, Code: wechat.CodeSystemError, Recall: true}, reverse, "unknown"},
		{"refund not found", apiErr(404, wechat.CodeResourceNotExists), refund, "not-exist"},
		{"refund merchant balance", apiErr(403, wechat.CodeNotEnough), refund, "declined NOTENOUGH"},
		{"refund BIZERR_NEED_RETRY", apiErr(200, wechat.CodeBizErrNeedRetry), refund, "unknown"},
		{"refund query not found", apiErr(404, wechat.CodeResourceNotExists), func(g *paygate.Gateway) error {
			_, err := g.QueryRefund(ctx, "R1")
			return err
		}, "not-exist"},
	}
	for _, tc := range tests {
		for _, gen := range []string{"v3", "v2"} {
			t.Run(gen+" "+tc.name, func(t *testing.T) {
				g := paygate.NewV3(fakeAPI{err: tc.err}, paygate.Options{NotifyURL: testNotifyURL})
				if gen == "v2" {
					g = paygate.NewV2(fakeAPI{err: tc.err}, paygate.Options{NotifyURL: testNotifyURL})
				}
				if got := outcome(tc.call(g)); got != tc.want {
					t.Fatalf("%v → %s, want %s", tc.err, got, tc.want)
				}
			})
		}
	}
}

func payScan(g *paygate.Gateway) error {
	_, err := g.PayScan(context.Background(), pos.ScanRequest{})
	return err
}
func createQR(g *paygate.Gateway) error {
	_, err := g.CreateQR(context.Background(), pos.QRRequest{})
	return err
}
func query(g *paygate.Gateway) error { _, err := g.Query(context.Background(), "P1"); return err }
func closeOrder(g *paygate.Gateway) error {
	return g.Close(context.Background(), "P1")
}
func reverse(g *paygate.Gateway) error { return g.Reverse(context.Background(), "P1") }
func refund(g *paygate.Gateway) error {
	_, err := g.Refund(context.Background(), pos.RefundRequest{OutRefundNo: "R1", AmountFen: 50, TotalFen: 100})
	return err
}

func TestUserPayingAndRecall(t *testing.T) {
	ctx := context.Background()
	g := paygate.NewV2(fakeAPI{err: apiErr(200, wechat.CodeUserPaying)}, paygate.Options{})
	tr, err := g.PayScan(ctx, pos.ScanRequest{OutTradeNo: "P1", AmountFen: 100})
	if err != nil || tr.Status != pos.TradeUserPaying {
		t.Fatalf("USERPAYING → %+v, %v", tr, err)
	}
	g = paygate.NewV2(fakeAPI{recall: true}, paygate.Options{})
	if err := g.Reverse(ctx, "P1"); !errors.Is(err, paygate.ErrRecall) || pos.IsDefinite(err) {
		t.Fatalf("recall=Y → %v, want ErrRecall (outcome unknown)", err)
	}
}

// TestQueryCarriesIdentity: the query answer keeps what proves whose order
// it is (attach, trade type, amount) for the core to compare.
func TestQueryCarriesIdentity(t *testing.T) {
	for _, g := range []*paygate.Gateway{paygate.NewV3(fakeAPI{}, paygate.Options{}), paygate.NewV2(fakeAPI{}, paygate.Options{})} {
		tr, err := g.Query(context.Background(), "P1")
		if err != nil || tr.Attach != "wxpos:TAG" || tr.TradeType != "MICROPAY" || tr.AmountFen != 100 {
			t.Fatalf("%s query → %+v, %v", g.Generation(), tr, err)
		}
	}
}

// TestNotSent: a payment whose request never left the terminal (the
// server's certificate is not trusted) is declined at once; calls that
// settle something that may already have happened stay outcome-unknown.
func TestNotSent(t *testing.T) {
	ctx := context.Background()
	untrusted := &wechat.TransportError{Op: "test", Err: fmt.Errorf("POST https://x: %w", x509.UnknownAuthorityError{})}
	timeout := &wechat.TransportError{Op: "test", Err: context.DeadlineExceeded}
	definite := func(err error) bool {
		var d *pos.DeclineError
		return errors.As(err, &d) && d.Code == "NOT_SENT"
	}
	for _, tc := range []struct {
		name string
		err  error
		want bool // declined NOT_SENT
	}{
		{"untrusted certificate", untrusted, true},
		{"timeout", timeout, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := paygate.NewV3(fakeAPI{err: tc.err}, paygate.Options{NotifyURL: testNotifyURL})
			_, err := g.PayScan(ctx, pos.ScanRequest{OutTradeNo: "P1", AuthCode: "130001000000000001", AmountFen: 1})
			if definite(err) != tc.want {
				t.Errorf("PayScan: %v, want NOT_SENT=%v", err, tc.want)
			}
			_, err = g.CreateQR(ctx, pos.QRRequest{OutTradeNo: "P1", AmountFen: 1})
			if definite(err) != tc.want {
				t.Errorf("CreateQR: %v, want NOT_SENT=%v", err, tc.want)
			}
			if _, err := g.Query(ctx, "P1"); pos.IsDefinite(err) {
				t.Errorf("Query: %v is definite; a query not sent still leaves the order unknown", err)
			}
			if _, err := g.Refund(ctx, pos.RefundRequest{OutTradeNo: "P1", OutRefundNo: "R1", AmountFen: 1, TotalFen: 1}); pos.IsDefinite(err) {
				t.Errorf("Refund: %v is definite; a refund not sent stays queued", err)
			}
		})
	}
}

// urlAPI keeps the notify_url of the last Native prepay and refund.
type urlAPI struct {
	fakeAPI
	native, refund string
}

func (u *urlAPI) NativePrepay(ctx context.Context, r wechat.NativeRequest) (*wechat.NativeOrder, error) {
	u.native = r.NotifyURL
	return u.fakeAPI.NativePrepay(ctx, r)
}

func (u *urlAPI) Refund(ctx context.Context, r wechat.RefundRequest) (*wechat.Refund, error) {
	u.refund = r.NotifyURL
	return u.fakeAPI.Refund(ctx, r)
}

// The configured receiver is the notify_url of Native prepay and refunds.
// Without one a refund names none, and no Native order is sent at all:
// WeChat requires a usable notify_url with every one, so the gateway says
// QR is unavailable (pos.ErrQRUnavailable) and CreateQR declines without a
// call, for both generations.
func TestNotifyURL(t *testing.T) {
	ctx := context.Background()
	const url = "https://pos.example.com/notify/v3"
	for _, gen := range []string{"v3", "v2"} {
		t.Run(gen, func(t *testing.T) {
			newGW := paygate.NewV3
			if gen == "v2" {
				newGW = paygate.NewV2
			}
			api := &urlAPI{}
			g := newGW(api, paygate.Options{NotifyURL: url})
			if err := g.QRReady(); err != nil {
				t.Fatalf("with a url: %v", err)
			}
			if _, err := g.CreateQR(ctx, pos.QRRequest{OutTradeNo: "P1", AmountFen: 100}); err != nil {
				t.Fatal(err)
			}
			if _, err := g.Refund(ctx, pos.RefundRequest{OutTradeNo: "P1", OutRefundNo: "R1", AmountFen: 50, TotalFen: 100}); err != nil {
				t.Fatal(err)
			}
			if api.native != url || api.refund != url {
				t.Errorf("native %q refund %q, want %q for both", api.native, api.refund, url)
			}

			api = &urlAPI{native: "not called"}
			g = newGW(api, paygate.Options{})
			if err := g.QRReady(); !errors.Is(err, pos.ErrQRUnavailable) || !strings.Contains(err.Error(), "[notify] url") {
				t.Errorf("without a url: QRReady %v, want pos.ErrQRUnavailable naming [notify] url", err)
			}
			_, err := g.CreateQR(ctx, pos.QRRequest{OutTradeNo: "P1", AmountFen: 100})
			var d *pos.DeclineError
			if !errors.As(err, &d) || d.Code != "NO_NOTIFY_URL" || !pos.IsDefinite(err) {
				t.Errorf("without a url: CreateQR %v, want a definite NO_NOTIFY_URL decline", err)
			}
			if api.native != "not called" {
				t.Errorf("without a url a Native prepay was sent with notify_url %q", api.native)
			}
			if _, err := g.Refund(ctx, pos.RefundRequest{OutTradeNo: "P1", OutRefundNo: "R1", AmountFen: 50, TotalFen: 100}); err != nil || api.refund != "" {
				t.Errorf("without a url: refund %v with notify_url %q, want none", err, api.refund)
			}
		})
	}
}

// testNotifyURL is the receiver of the tests that make Native orders.
const testNotifyURL = "https://pos.example.com/notify/v3"
