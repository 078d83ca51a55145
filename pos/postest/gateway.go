package postest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/wxpos/wxpos/pos"
)

// Op names a Gateway operation, for fault injection and call counts.
type Op string

// Gateway operations.
const (
	OpPay         Op = "pay"
	OpCreateQR    Op = "create_qr"
	OpQuery       Op = "query"
	OpReverse     Op = "reverse"
	OpClose       Op = "close"
	OpRefund      Op = "refund"
	OpQueryRefund Op = "query_refund"
	OpAbnormal    Op = "abnormal_refund"
)

// Fault is what goes wrong with one call.
type Fault string

// Faults.
const (
	// DropBefore loses the request before WeChat sees it: nothing happens,
	// the caller gets an outcome-unknown error.
	DropBefore Fault = "drop_before"
	// DropAfter lets WeChat act, then loses the answer: the caller gets an
	// outcome-unknown error.
	DropAfter Fault = "drop_after"
	// Decline refuses the call definitively (*pos.DeclineError, code
	// "INJECTED_DECLINE"); nothing happens.
	Decline Fault = "decline"
)

// ErrDropped is the outcome-unknown error an injected fault returns.
var ErrDropped = errors.New("postest: connection dropped")

// Scenario is how the customer behind a payment code behaves. The first
// six digits of a code select it, with the same prefixes as wechat/sandbox.
type Scenario string

// Scenarios (prefixes as in wechat/sandbox).
const (
	Success                Scenario = "130001"
	UserPayingSuccess      Scenario = "130002"
	UserPayingTimeout      Scenario = "130003"
	NotEnough              Scenario = "130004"
	AuthCodeExpired        Scenario = "130005"
	SystemErrorThenSuccess Scenario = "130006"
)

// Code returns the n-th payment code of scenario sc.
func Code(sc Scenario, n int) string { return fmt.Sprintf("%s%012d", sc, n) }

type trade struct {
	pos.Trade
	code     string
	native   bool
	created  time.Time
	payAt    time.Time // USERPAYING: when the customer finishes (zero: never)
	refunded int64
	expires  time.Time
}

type refund struct {
	pos.RefundResult
	outTradeNo string
	doneAt     time.Time
	settled    bool // an ABNORMAL refund a manager settled: ends SUCCESS
}

// Gateway is an in-memory WeChat Pay that implements pos.Gateway, with
// payment-code scenarios and injectable faults, for unit tests of the
// payment core. It keeps a ledger the tests compare with local state.
type Gateway struct {
	mu      sync.Mutex
	now     func() time.Time
	trades  map[string]*trade
	refunds map[string]*refund
	charged map[string]int // payment code → successful payments
	faults  map[Op][]Fault
	calls   map[Op]int
	// UserPayingDelay is how long a UserPayingSuccess customer takes.
	UserPayingDelay time.Duration
	// RefundDelay is how long a refund stays PROCESSING.
	RefundDelay time.Duration
	// Down makes every call fail with an outcome-unknown error (offline).
	Down bool
	// RefundFinal is what a PROCESSING refund becomes after RefundDelay
	// (default SUCCESS); RefundAtOnce makes the refund call answer it
	// directly.
	RefundFinal  pos.RefundStatus
	RefundAtOnce bool
}

// SetStatus forces WeChat's status of an order (what a query will say),
// as if something outside this terminal changed it.
func (g *Gateway) SetStatus(no string, st pos.TradeStatus) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	tr, ok := g.trades[no]
	if !ok {
		return fmt.Errorf("no order %s", no)
	}
	tr.Status = st
	tr.payAt = time.Time{}
	return nil
}

// NewGateway returns an empty fake WeChat on the clock now.
func NewGateway(now func() time.Time) *Gateway {
	return &Gateway{now: now, trades: map[string]*trade{}, refunds: map[string]*refund{},
		charged: map[string]int{}, faults: map[Op][]Fault{}, calls: map[Op]int{},
		UserPayingDelay: 8 * time.Second, RefundDelay: 30 * time.Second}
}

// Inject queues faults for the next calls of op, one per call.
func (g *Gateway) Inject(op Op, faults ...Fault) {
	g.mu.Lock()
	g.faults[op] = append(g.faults[op], faults...)
	g.mu.Unlock()
}

// SetDown switches the network off or on.
func (g *Gateway) SetDown(down bool) {
	g.mu.Lock()
	g.Down = down
	g.mu.Unlock()
}

// Calls reports how many calls of op were made.
func (g *Gateway) Calls(op Op) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.calls[op]
}

// Status returns WeChat's status of an order, false if it has none.
func (g *Gateway) Status(no string) (pos.TradeStatus, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	tr, ok := g.trades[no]
	if !ok {
		return "", false
	}
	g.advanceLocked(tr)
	return tr.Status, true
}

// Charged reports how many times a payment code paid.
func (g *Gateway) Charged(code string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.charged[code]
}

// CustomerPaysQR makes the customer pay a Native order.
func (g *Gateway) CustomerPaysQR(no string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	tr, ok := g.trades[no]
	if !ok || !tr.native {
		return fmt.Errorf("no native order %s", no)
	}
	g.advanceLocked(tr)
	if tr.Status != pos.TradeNotPay {
		return fmt.Errorf("order %s is %s", no, tr.Status)
	}
	g.payLocked(tr)
	return nil
}

// begin counts the call and returns the fault to apply.
func (g *Gateway) begin(op Op) (Fault, error) {
	g.calls[op]++
	if g.Down {
		return "", fmt.Errorf("%s: %w", op, ErrDropped)
	}
	if q := g.faults[op]; len(q) > 0 {
		g.faults[op] = q[1:]
		switch q[0] {
		case DropBefore:
			return "", fmt.Errorf("%s: %w (before)", op, ErrDropped)
		case Decline:
			return "", &pos.DeclineError{Code: "INJECTED_DECLINE", Message: string(op)}
		}
		return q[0], nil
	}
	return "", nil
}

func (g *Gateway) end(op Op, f Fault, err error) error {
	if f == DropAfter {
		return fmt.Errorf("%s: %w (after)", op, ErrDropped)
	}
	return err
}

func (g *Gateway) payLocked(tr *trade) {
	tr.Status = pos.TradeSuccess
	tr.TransactionID = "42000" + strings.ReplaceAll(tr.OutTradeNo, "-", "")
	tr.PaidAt = g.now()
	if tr.code != "" {
		g.charged[tr.code]++
	}
}

// advanceLocked applies the passage of time to an order.
func (g *Gateway) advanceLocked(tr *trade) {
	now := g.now()
	if tr.Status == pos.TradeUserPaying && !tr.payAt.IsZero() && !now.Before(tr.payAt) {
		g.payLocked(tr)
	}
	if tr.Status == pos.TradeUserPaying && tr.payAt.IsZero() && now.Sub(tr.created) > 2*time.Minute {
		tr.Status = pos.TradePayError
	}
	if tr.native && tr.Status == pos.TradeNotPay && !tr.expires.IsZero() && now.After(tr.expires) {
		tr.Status = pos.TradeClosed
	}
}

// PayScan implements pos.Gateway.
func (g *Gateway) PayScan(ctx context.Context, r pos.ScanRequest) (pos.Trade, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	f, err := g.begin(OpPay)
	if err != nil {
		return pos.Trade{}, err
	}
	if tr, ok := g.trades[r.OutTradeNo]; ok {
		if tr.code != r.AuthCode || tr.AmountFen != r.AmountFen || tr.Attach != r.Attach || tr.native {
			return pos.Trade{}, g.end(OpPay, f, fmt.Errorf("OUT_TRADE_NO_USED: %w", pos.ErrOutTradeNoUsed))
		}
		g.advanceLocked(tr)
		if tr.Status.Paid() {
			return tr.Trade, g.end(OpPay, f, nil)
		}
		return pos.Trade{}, g.end(OpPay, f, errors.New("ORDERPAID/USERPAYING: query"))
	}
	sc := Scenario(r.AuthCode[:6])
	switch sc {
	case NotEnough:
		return pos.Trade{}, g.end(OpPay, f, &pos.DeclineError{Code: "NOTENOUGH", Message: "余额不足"})
	case AuthCodeExpired:
		return pos.Trade{}, g.end(OpPay, f, &pos.DeclineError{Code: "AUTHCODEEXPIRE", Message: "二维码已过期"})
	}
	for _, tr := range g.trades {
		if tr.code == r.AuthCode {
			return pos.Trade{}, g.end(OpPay, f, &pos.DeclineError{Code: "AUTH_CODE_ERROR", Message: "code used"})
		}
	}
	now := g.now()
	tr := &trade{Trade: pos.Trade{OutTradeNo: r.OutTradeNo, AmountFen: r.AmountFen, Status: pos.TradeNotPay,
		Attach: r.Attach, TradeType: "MICROPAY"}, code: r.AuthCode, created: now}
	g.trades[r.OutTradeNo] = tr
	switch sc {
	case UserPayingSuccess:
		tr.Status = pos.TradeUserPaying
		tr.payAt = now.Add(g.UserPayingDelay)
		return pos.Trade{OutTradeNo: r.OutTradeNo, Status: pos.TradeUserPaying}, g.end(OpPay, f, nil)
	case UserPayingTimeout:
		tr.Status = pos.TradeUserPaying
		return pos.Trade{OutTradeNo: r.OutTradeNo, Status: pos.TradeUserPaying}, g.end(OpPay, f, nil)
	case SystemErrorThenSuccess:
		g.payLocked(tr)
		return pos.Trade{}, errors.New("SYSTEMERROR")
	}
	g.payLocked(tr)
	return tr.Trade, g.end(OpPay, f, nil)
}

// CreateQR implements pos.Gateway.
func (g *Gateway) CreateQR(ctx context.Context, r pos.QRRequest) (string, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	f, err := g.begin(OpCreateQR)
	if err != nil {
		return "", err
	}
	if tr, ok := g.trades[r.OutTradeNo]; ok {
		if tr.AmountFen != r.AmountFen || tr.Attach != r.Attach || !tr.native {
			return "", g.end(OpCreateQR, f, fmt.Errorf("OUT_TRADE_NO_USED: %w", pos.ErrOutTradeNoUsed))
		}
	} else {
		g.trades[r.OutTradeNo] = &trade{Trade: pos.Trade{OutTradeNo: r.OutTradeNo, AmountFen: r.AmountFen, Status: pos.TradeNotPay,
			Attach: r.Attach, TradeType: "NATIVE"}, native: true, created: g.now(), expires: r.ExpiresAt}
	}
	return "weixin://wxpay/bizpayurl?pr=" + r.OutTradeNo, g.end(OpCreateQR, f, nil)
}

// Query implements pos.Gateway.
func (g *Gateway) Query(ctx context.Context, no string) (pos.Trade, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	f, err := g.begin(OpQuery)
	if err != nil {
		return pos.Trade{}, err
	}
	tr, ok := g.trades[no]
	if !ok {
		return pos.Trade{}, g.end(OpQuery, f, pos.ErrOrderNotExist)
	}
	g.advanceLocked(tr)
	return tr.Trade, g.end(OpQuery, f, nil)
}

// Reverse implements pos.Gateway.
func (g *Gateway) Reverse(ctx context.Context, no string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	f, err := g.begin(OpReverse)
	if err != nil {
		return err
	}
	tr, ok := g.trades[no]
	if !ok {
		return g.end(OpReverse, f, pos.ErrOrderNotExist)
	}
	g.advanceLocked(tr)
	if tr.Status.Paid() && tr.code != "" {
		g.charged[tr.code]--
	}
	tr.Status = pos.TradeRevoked
	return g.end(OpReverse, f, nil)
}

// Close implements pos.Gateway.
func (g *Gateway) Close(ctx context.Context, no string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	f, err := g.begin(OpClose)
	if err != nil {
		return err
	}
	tr, ok := g.trades[no]
	if !ok {
		return g.end(OpClose, f, pos.ErrOrderNotExist)
	}
	g.advanceLocked(tr)
	if tr.Status.Paid() {
		return g.end(OpClose, f, pos.ErrOrderPaid)
	}
	tr.Status = pos.TradeClosed
	return g.end(OpClose, f, nil)
}

// Refund implements pos.Gateway.
func (g *Gateway) Refund(ctx context.Context, r pos.RefundRequest) (pos.RefundResult, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	f, err := g.begin(OpRefund)
	if err != nil {
		return pos.RefundResult{}, err
	}
	if rf, ok := g.refunds[r.OutRefundNo]; ok {
		g.advanceRefundLocked(rf)
		return rf.RefundResult, g.end(OpRefund, f, nil)
	}
	tr, ok := g.trades[r.OutTradeNo]
	if !ok || !tr.Status.Paid() {
		return pos.RefundResult{}, g.end(OpRefund, f, &pos.DeclineError{Code: "ORDER_NOT_PAID"})
	}
	if tr.refunded+r.AmountFen > tr.AmountFen {
		return pos.RefundResult{}, g.end(OpRefund, f, &pos.DeclineError{Code: "PARAM_ERROR", Message: "refund exceeds paid"})
	}
	tr.refunded += r.AmountFen
	tr.Status = pos.TradeRefund
	rf := &refund{RefundResult: pos.RefundResult{OutRefundNo: r.OutRefundNo, RefundID: "50300" + strings.ReplaceAll(r.OutRefundNo, "-", ""),
		Status: pos.RefundStatusProcessing, AmountFen: r.AmountFen}, outTradeNo: r.OutTradeNo, doneAt: g.now().Add(g.RefundDelay)}
	g.refunds[r.OutRefundNo] = rf
	if g.RefundAtOnce {
		rf.doneAt = g.now()
		g.advanceRefundLocked(rf)
	}
	return rf.RefundResult, g.end(OpRefund, f, nil)
}

func (g *Gateway) advanceRefundLocked(rf *refund) {
	if rf.Status == pos.RefundStatusProcessing && !g.now().Before(rf.doneAt) {
		rf.Status = pos.RefundStatusSuccess
		if g.RefundFinal != "" && !rf.settled {
			rf.Status = g.RefundFinal
		}
		if rf.Status == pos.RefundStatusSuccess {
			rf.SuccessAt = rf.doneAt
		} else if tr, ok := g.trades[rf.outTradeNo]; ok {
			tr.refunded -= rf.AmountFen // money did not move
		}
	}
}

// RefundedFen reports how much of an order WeChat has refunded or is refunding.
func (g *Gateway) RefundedFen(no string) int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	if tr, ok := g.trades[no]; ok {
		return tr.refunded
	}
	return 0
}

// QueryRefund implements pos.Gateway.
func (g *Gateway) QueryRefund(ctx context.Context, no string) (pos.RefundResult, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	f, err := g.begin(OpQueryRefund)
	if err != nil {
		return pos.RefundResult{}, err
	}
	rf, ok := g.refunds[no]
	if !ok {
		return pos.RefundResult{}, g.end(OpQueryRefund, f, pos.ErrOrderNotExist)
	}
	g.advanceRefundLocked(rf)
	return rf.RefundResult, g.end(OpQueryRefund, f, nil)
}

var _ pos.Gateway = (*Gateway)(nil)
