package pos

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/wxpos/wxpos/pricing"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/tz"
)

// Action names what a manager approves.
type Action string

// Actions that need a manager.
const (
	ActionRefund    Action = "refund"
	ActionForcePaid Action = "force_paid"
	ActionForceVoid Action = "force_void"
)

// Approval is what the person at the counter presents for an action: who
// and a credential (a PIN, checked by the Authorizer; never stored).
type Approval struct {
	User       string
	Credential string
}

// Authorizer decides whether an approval is good for an action on ref
// (out_trade_no) and returns the approver's name for the audit trail. The
// manager issue supplies the PIN-checking implementation.
type Authorizer interface {
	Authorize(ctx context.Context, a Approval, act Action, ref string) (approver string, err error)
}

// AuthorizerFunc adapts a function to Authorizer.
type AuthorizerFunc func(ctx context.Context, a Approval, act Action, ref string) (string, error)

// Authorize calls f.
func (f AuthorizerFunc) Authorize(ctx context.Context, a Approval, act Action, ref string) (string, error) {
	return f(ctx, a, act, ref)
}

func (t *Terminal) authorize(ctx context.Context, a Approval, act Action, ref string) (string, error) {
	if t.cfg.Authorizer == nil {
		return "", fmt.Errorf("%s %s: no authorizer configured: %w", act, ref, ErrNotAuthorised)
	}
	who, err := t.cfg.Authorizer.Authorize(ctx, a, act, ref)
	if err != nil {
		if errors.Is(err, ErrNotAuthorised) {
			return "", err
		}
		return "", fmt.Errorf("%s %s: %w: %w", act, ref, ErrNotAuthorised, err)
	}
	if who == "" {
		who = a.User
	}
	return who, nil
}

// Refund limits enforced before anything is sent (docs/wechatpay/PROTOCOL.md A.11).
const (
	MaxRefundsPerOrder = 50
	RefundWindow       = 365 * 24 * time.Hour
)

// RefundOrder asks to refund part or all of a paid sale: an amount, or
// Lines — quantities of the sale's lines (by index), whose amount the core
// computes (pricing.RefundLines: each line's share of the sale discount,
// never more than is left of a line). With Lines, AmountFen is 0 or must be
// that computed amount.
type RefundOrder struct {
	OutTradeNo string
	AmountFen  int64
	Lines      []receipt.RefundLine
	Reason     string
	Approval   Approval
	// Cashier is who is signed in at the till and asks for the refund (the
	// manager approves it); without one it is refused (ErrNotSignedIn).
	Cashier string
}

// Refundable returns how much of a sale can still be refunded: the paid
// amount minus every refund that is not CLOSED.
func (t *Terminal) Refundable(outTradeNo string) (int64, error) {
	o, err := t.store.Order(outTradeNo)
	if err != nil {
		return 0, err
	}
	if o.State != StatePaid {
		return 0, nil
	}
	rs, err := t.store.RefundsOf(outTradeNo)
	if err != nil {
		return 0, err
	}
	left := o.AmountFen
	for _, r := range rs {
		if r.State.Holds() {
			left -= r.AmountFen
		}
	}
	return left, nil
}

// Refund refunds a paid sale. It checks the approval and the local limits
// (sum ≤ paid, ≤ 50 refunds, ≤ 1 year), mints the out_refund_no, persists
// SUBMITTED with an outbox entry, sends it, and polls the refund for up to
// Config.RefundWait. It returns the refund in whatever state it reached;
// PROCESSING and SUBMITTED ones are finished by the recovery worker.
// A cash sale is refunded from the drawer: SUCCESS at once.
func (t *Terminal) Refund(ctx context.Context, req RefundOrder) (*Refund, error) {
	who, err := t.authorize(ctx, req.Approval, ActionRefund, req.OutTradeNo)
	if err != nil {
		return nil, err
	}
	if (len(req.Lines) == 0 && req.AmountFen <= 0) || req.AmountFen < 0 || req.AmountFen > MaxFen {
		return nil, fmt.Errorf("refund %s: amount %d fen: %w", req.OutTradeNo, req.AmountFen, ErrBadAmount)
	}
	return t.refund(ctx, req, who, nil)
}

// refund is Refund after the approval and the amount were checked. elsewhere
// are refunds of the sale known from other terminals (the replica); those
// not also recorded here count toward the limits like local ones.
func (t *Terminal) refund(ctx context.Context, req RefundOrder, who string, elsewhere []RemoteRefund) (*Refund, error) {
	// One refund of a sale at a time, so the limits hold.
	lock := "refunds/" + req.OutTradeNo
	if !t.acquire(lock) {
		return nil, fmt.Errorf("refund %s: %w", req.OutTradeNo, ErrBusy)
	}
	defer t.release(lock)

	o, err := t.store.Order(req.OutTradeNo)
	if err != nil {
		return nil, fmt.Errorf("refund %s: %w", req.OutTradeNo, err)
	}
	if o.State != StatePaid {
		return nil, fmt.Errorf("refund %s: sale is %s: %w", o.OutTradeNo, o.State, ErrNotPaid)
	}
	rs, err := t.store.RefundsOf(o.OutTradeNo)
	if err != nil {
		return nil, err
	}
	if len(req.Lines) > 0 {
		if req, err = byLine(req, o, rs); err != nil {
			return nil, err
		}
	}
	now := t.clk.Now()
	held, count := heldBy(rs, elsewhere)
	left := o.AmountFen - held
	switch {
	case req.AmountFen > left:
		return nil, fmt.Errorf("refund %s: %s asked, %s left to refund: %w", o.OutTradeNo, FormatYuan(req.AmountFen), FormatYuan(max(left, 0)), ErrRefundLimit)
	case count >= MaxRefundsPerOrder:
		return nil, fmt.Errorf("refund %s: already %d refunds: %w", o.OutTradeNo, count, ErrRefundLimit)
	case now.Sub(o.PaidAt) > RefundWindow:
		return nil, fmt.Errorf("refund %s: paid %s, more than a year ago: %w", o.OutTradeNo, tz.Date(o.PaidAt), ErrRefundLimit)
	}
	if o.Tender != receipt.TenderCash {
		if err := t.room("refund " + o.OutTradeNo); err != nil {
			return nil, err
		}
	}
	r := &Refund{OutTradeNo: o.OutTradeNo, TransactionID: o.TransactionID, State: RefundNew,
		AmountFen: req.AmountFen, TotalFen: o.AmountFen, Lines: req.Lines, Reason: req.Reason, AuthorisedBy: who, Cashier: req.Cashier,
		CreatedAt: now, Training: o.Training,
		CouponFen:         CouponShare(o.CouponFen, o.AmountFen, held, req.AmountFen),
		MerchantCouponFen: CouponShare(o.MerchantCouponFen, o.AmountFen, held, req.AmountFen)}
	if o.Tender == receipt.TenderCash {
		return t.moveRefund(r, RefundSuccess, who, req.Reason, nil, func(c *Change) { c.Mint, c.Cashier = t.numbering("R", nil), req.Cashier })
	}
	var no string // claimed inside the commit that numbers the refund
	defer func() {
		if no != "" {
			t.release(no)
		}
	}()
	r, err = t.moveRefund(r, RefundSubmitted, who, req.Reason, nil, func(c *Change) { c.Mint, c.Cashier = t.numbering("R", &no), req.Cashier })
	if err != nil {
		return nil, err
	}
	return t.followRefund(ctx, r)
}

// followRefund drives r (send, then query) for up to Config.RefundWait and
// returns it in whatever state it reached; recovery finishes the rest.
func (t *Terminal) followRefund(ctx context.Context, r *Refund) (*Refund, error) {
	deadline := t.clk.Now().Add(t.cfg.RefundWait)
	wait := t.cfg.QRPollMin
	var err error
	for !r.State.Terminal() {
		prev := r.State
		r, err = t.driveRefund(ctx, r)
		if err != nil || r.State == RefundSubmitted || !t.clk.Now().Before(deadline) {
			break
		}
		if r.State == prev && !t.sleep(ctx, wait, nil) {
			break
		}
		wait = min(wait*2, t.cfg.QRPollMax)
	}
	if ctx.Err() != nil {
		return r, nil // persisted; recovery finishes it
	}
	return r, err
}

// byLine prices a refund by line of sale o, given its refunds rs: the
// lines of refunds that still hold money are what was already given back.
func byLine(req RefundOrder, o *Order, rs []*Refund) (RefundOrder, error) {
	lines, fen, err := pricing.RefundLines(o.Lines, o.Discount, heldLines(rs), req.Lines)
	if err != nil {
		return req, fmt.Errorf("refund %s: %w: %w", o.OutTradeNo, ErrRefundLimit, err)
	}
	if fen <= 0 || (req.AmountFen != 0 && req.AmountFen != fen) {
		return req, fmt.Errorf("refund %s: the lines come to %s, asked %s: %w", o.OutTradeNo, FormatYuan(fen), FormatYuan(req.AmountFen), ErrBadAmount)
	}
	req.Lines, req.AmountFen = lines, fen
	return req, nil
}

// heldLines are the lines given back by the refunds that hold money.
func heldLines(rs []*Refund) []receipt.RefundLine {
	var done []receipt.RefundLine
	for _, r := range rs {
		if r.State.Holds() {
			done = append(done, r.Lines...)
		}
	}
	return done
}

// RefundableLines returns how much of each line of a paid sale is still
// to give back (pieces or grams), after every refund by line that holds
// money; nil for a sale without lines.
func (t *Terminal) RefundableLines(outTradeNo string) ([]int64, error) {
	o, err := t.store.Order(outTradeNo)
	if err != nil {
		return nil, err
	}
	if len(o.Lines) == 0 {
		return nil, nil
	}
	rs, err := t.store.RefundsOf(outTradeNo)
	if err != nil {
		return nil, err
	}
	return pricing.LeftQty(o.Lines, heldLines(rs)), nil
}

// driveRefund makes one step of a refund: send it (SUBMITTED) or query it
// (PROCESSING).
func (t *Terminal) driveRefund(ctx context.Context, r *Refund) (*Refund, error) {
	switch r.State {
	case RefundSubmitted:
		req := RefundRequest{OutTradeNo: r.OutTradeNo, TransactionID: r.TransactionID, OutRefundNo: r.OutRefundNo,
			AmountFen: r.AmountFen, TotalFen: r.TotalFen, Reason: refundReason(r.Reason)}
		res, err := call(t, ctx, func(ctx context.Context) (RefundResult, error) { return t.gw.Refund(ctx, req) })
		if ctx.Err() != nil {
			return r, ctx.Err()
		}
		switch {
		case err == nil:
			return t.moveRefund(r, refundStateOf(res.Status), "", "refund accepted: "+string(res.Status), refundFrom(res), nil)
		case IsDefinite(err):
			code, msg := declineCode(err)
			return t.moveRefund(r, RefundClosed, "", "refund refused: "+code,
				func(n *Refund) { n.ErrorCode, n.Message = code, msg }, nil)
		}
		return r, t.retryLater(OutboxEntry{Kind: OutboxRefund, Ref: r.OutRefundNo}, err)
	case RefundProcessing:
		res, err := call(t, ctx, func(ctx context.Context) (RefundResult, error) { return t.gw.QueryRefund(ctx, r.OutRefundNo) })
		if ctx.Err() != nil {
			return r, ctx.Err()
		}
		if err != nil {
			return r, nil // try again later
		}
		if to := refundStateOf(res.Status); to != RefundProcessing {
			return t.moveRefund(r, to, "", "refund query: "+string(res.Status), refundFrom(res), nil)
		}
	}
	return r, nil
}

// refundReason is the manager's reason as WeChat takes it (shown to the
// customer): no emoji (WeChat refuses them: the refund would be closed as
// refused), at most 80 characters. The record keeps the words as typed;
// this is a pure function of them, so a resent refund sends the same.
func refundReason(s string) string {
	r := []rune(wechatText(s))
	if len(r) > 80 {
		r = r[:80]
	}
	return string(r)
}

func refundStateOf(s RefundStatus) RefundState {
	switch s {
	case RefundStatusSuccess:
		return RefundSuccess
	case RefundStatusClosed:
		return RefundClosed
	case RefundStatusAbnormal:
		return RefundAbnormal
	}
	return RefundProcessing
}

func refundFrom(res RefundResult) func(*Refund) {
	return func(n *Refund) {
		if res.RefundID != "" {
			n.RefundID = res.RefundID
		}
		if !res.SuccessAt.IsZero() {
			n.SuccessAt = res.SuccessAt
		}
		if res.AmountFen == n.AmountFen {
			// WeChat's split, which the prediction should equal.
			n.CouponFen, n.MerchantCouponFen = res.CouponFen, res.MerchantCouponFen
		}
	}
}
