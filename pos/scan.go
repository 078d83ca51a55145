package pos

import (
	"context"
	"errors"
	"fmt"

	"github.com/wxpos/wxpos/receipt"
)

// BeginScan starts a payment-code payment: it validates the sale and the
// code, refuses a code this terminal has used before, mints the
// out_trade_no, persists SUBMITTING and sends the payment in the
// background. Follow it with the returned Payment or the event stream.
func (t *Terminal) BeginScan(ctx context.Context, sale Sale, code string) (*Payment, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := t.validateSale(sale); err != nil {
		return nil, err
	}
	if !ValidCode(code) {
		return nil, fmt.Errorf("payment code …%s: not a WeChat payment code (18 digits starting 10–15): %w", last4(code), ErrBadRequest)
	}
	if err := t.room("scan payment"); err != nil {
		return nil, err
	}
	now := t.clk.Now()
	o := &Order{
		Tender: receipt.TenderWeChatScan, State: StateNew,
		AmountFen: sale.AmountFen, Lines: sale.Lines, Discount: sale.Discount, Description: t.description(sale), Cashier: sale.Cashier,
		CodeLast4: last4(code), CodeHash: t.codeHash(code), Attach: newAttach(),
		CreatedAt: now, Deadline: now.Add(t.cfg.ScanWait), Training: t.cfg.Training,
	}
	var no string // claimed inside the commit that numbers the order
	o, err := t.move(o, StateSubmitting, sale.Cashier, discountNote(sale), func(n *Order) { n.SubmittedAt = now },
		func(c *Change) { c.CodeHash, c.Mint, c.Cashier = o.CodeHash, t.numbering("P", &no), sale.Cashier })
	if err != nil {
		if no != "" {
			t.release(no)
		}
		if errors.Is(err, ErrCodeUsed) {
			return nil, fmt.Errorf("payment code …%s: %w", last4(code), ErrCodeUsed)
		}
		return nil, err
	}
	p := newPayment(o)
	t.track(p)
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		o, err := t.runScan(t.ctx, p, o, code)
		t.untrack(p)
		t.release(no) // before finish: the caller may act on the order at once
		p.finish(o, err)
	}()
	return p, nil
}

// PayScan is BeginScan followed by Wait.
func (t *Terminal) PayScan(ctx context.Context, sale Sale, code string) (*Order, error) {
	p, err := t.BeginScan(ctx, sale, code)
	if err != nil {
		return nil, err
	}
	return p.Wait(ctx)
}

// runScan sends the payment, then settles the answer.
func (t *Terminal) runScan(ctx context.Context, p *Payment, o *Order, code string) (*Order, error) {
	req := ScanRequest{OutTradeNo: o.OutTradeNo, AuthCode: code, AmountFen: o.AmountFen, Description: o.Description,
		DeviceID: t.cfg.TerminalID, StoreID: t.cfg.StoreID, Attach: o.Attach}
	tr, err := call(t, ctx, func(ctx context.Context) (Trade, error) { return t.gw.PayScan(ctx, req) })
	if ctx.Err() != nil {
		return o, ctx.Err() // terminal closing: recovery resumes from SUBMITTING
	}
	why := ""
	if err == nil {
		why = mismatch(o, tr)
	}
	switch {
	case why != "":
		o, err = t.conflict(o, tr, why)
	case err == nil && tr.Status.Paid():
		o, err = t.move(o, StatePaid, "", "", paidFrom(tr), nil)
	case err == nil && tr.Status == TradeUserPaying:
		o, err = t.move(o, StateWaitingPassword, "", "USERPAYING", func(n *Order) { n.Confirmed = true }, nil)
	case err == nil:
		o, err = t.move(o, StateUnknown, "", "unexpected pay status "+string(tr.Status), nil, nil)
	case errors.Is(err, ErrOutTradeNoUsed):
		// The number is taken at WeChat: query, then compare (CONFLICT) or adopt.
		t.log.Warn("scan payment: order number already used at WeChat", "out_trade_no", o.OutTradeNo)
		o, err = t.move(o, StateUnknown, "", "OUT_TRADE_NO_USED: checking whose order WeChat has under this number",
			func(n *Order) { n.Message = errText(err) }, nil)
	case IsDefinite(err):
		code, msg := declineCode(err)
		o, err = t.move(o, StateFailed, "", code, func(n *Order) { n.ErrorCode, n.Message = code, msg }, nil)
	default:
		t.log.Warn("scan payment outcome unknown", "out_trade_no", o.OutTradeNo, "err", errText(err))
		o, err = t.move(o, StateUnknown, "", errText(err), func(n *Order) { n.Message = errText(err) }, nil)
	}
	if err != nil {
		return o, err
	}
	p.set(o)
	return t.settleScan(ctx, p, o, true)
}

// settleScan drives a scan order from any non-final state until it is
// final, or (live) until the wait window passes without an answer, or
// (recovery) until one attempt is made. p is nil for the recovery worker.
func (t *Terminal) settleScan(ctx context.Context, p *Payment, o *Order, live bool) (*Order, error) {
	var err error
	for !o.State.Terminal() {
		if ctx.Err() != nil {
			return o, ctx.Err()
		}
		switch o.State {
		case StateSubmitting:
			// Only after a crash: the answer was lost. Query first.
			o, err = t.move(o, StateUnknown, "", "resumed after restart: outcome unknown", nil, nil)
			if err != nil {
				return o, err
			}
			continue
		case StateReversing:
			return t.driveReverse(ctx, o)
		case StateConflict:
			return o, nil // the manager's to acknowledge
		}
		// WAITING_PASSWORD or UNKNOWN: query.
		tr, qerr := call(t, ctx, func(ctx context.Context) (Trade, error) { return t.gw.Query(ctx, o.OutTradeNo) })
		if ctx.Err() != nil {
			return o, ctx.Err()
		}
		answered := qerr == nil || errors.Is(qerr, ErrOrderNotExist)
		if qerr == nil {
			if why := mismatch(o, tr); why != "" {
				return t.conflict(o, tr, why)
			}
			o = o.confirmed()
		}
		switch {
		case qerr == nil && tr.Status.Paid():
			return t.move(o, StatePaid, "", "query: "+string(tr.Status), paidFrom(tr), nil)
		case qerr == nil && tr.Status == TradeRevoked:
			return t.move(o, StateReversed, "", "query: REVOKED", nil, nil)
		case qerr == nil && (tr.Status == TradePayError || tr.Status == TradeClosed):
			return t.move(o, StateFailed, "", "query: "+string(tr.Status),
				func(n *Order) { n.ErrorCode, n.Message = string(tr.Status), tr.Desc }, nil)
		case qerr == nil && tr.Status == TradeUserPaying && o.State == StateUnknown && t.clk.Now().Before(o.Deadline):
			if o, err = t.move(o, StateWaitingPassword, "", "query: USERPAYING", nil, nil); err != nil {
				return o, err
			}
			p.set(o)
		}
		// Not paid (yet), or no answer.
		expired := !t.clk.Now().Before(o.Deadline)
		if p.cancelled() || (answered && expired) {
			why := "password wait timed out"
			if p.cancelled() {
				why = "cashier cancelled"
			}
			if o, err = t.move(o, StateReversing, "", why, nil, nil); err != nil {
				return o, err
			}
			p.set(o)
			continue
		}
		if expired && !answered && o.State == StateWaitingPassword {
			if o, err = t.move(o, StateUnknown, "", "no answer by the end of the password wait", nil, nil); err != nil {
				return o, err
			}
			p.set(o)
		}
		if !live || expired {
			return o, nil // no answer: stays for the recovery worker
		}
		if !t.sleep(ctx, t.cfg.ScanPollEvery, p.cancelChan()) {
			return o, ctx.Err()
		}
	}
	return o, nil
}

// driveReverse sends one reverse for a REVERSING order and records the
// answer. Unanswered, it stays queued in the outbox with a backoff.
func (t *Terminal) driveReverse(ctx context.Context, o *Order) (*Order, error) {
	o, done, err := t.confirmBeforeVoid(ctx, o, OutboxReverse)
	if done {
		return o, err
	}
	err = func() error {
		_, err := call(t, ctx, func(ctx context.Context) (struct{}, error) { return struct{}{}, t.gw.Reverse(ctx, o.OutTradeNo) })
		return err
	}()
	if ctx.Err() != nil {
		return o, ctx.Err()
	}
	switch {
	case err == nil:
		return t.move(o, StateReversed, "", "reverse succeeded", nil, nil)
	case errors.Is(err, ErrOrderNotExist) && t.clk.Now().Before(o.SubmittedAt.Add(t.cfg.CallTimeout+t.cfg.NotExistGrace)):
		// A payment request that timed out may still be processed late:
		// "no such order" is final only once that cannot happen any more.
		return o, t.retryLater(OutboxEntry{Kind: OutboxReverse, Ref: o.OutTradeNo}, err)
	case errors.Is(err, ErrOrderNotExist):
		return t.move(o, StateFailed, "", "reverse: order does not exist at WeChat",
			func(n *Order) { n.ErrorCode, n.Message = "ORDER_NOT_EXIST", "the payment never reached WeChat" }, nil)
	case IsDefinite(err):
		// Refused for good (e.g. REVERSE_EXPIRE): let the order's real
		// state decide.
		tr, qerr := call(t, ctx, func(ctx context.Context) (Trade, error) { return t.gw.Query(ctx, o.OutTradeNo) })
		if qerr == nil {
			if why := mismatch(o, tr); why != "" {
				return t.conflict(o, tr, why)
			}
			switch {
			case tr.Status.Paid():
				return t.move(o, StatePaid, "", "reverse refused, query: "+string(tr.Status), paidFrom(tr), nil)
			case tr.Status == TradeRevoked:
				return t.move(o, StateReversed, "", "query: REVOKED", nil, nil)
			case tr.Status == TradeClosed || tr.Status == TradePayError:
				return t.move(o, StateFailed, "", "query: "+string(tr.Status),
					func(n *Order) { n.ErrorCode, n.Message = string(tr.Status), tr.Desc }, nil)
			}
		}
	}
	return o, t.retryLater(OutboxEntry{Kind: OutboxReverse, Ref: o.OutTradeNo}, err)
}

func paidFrom(tr Trade) func(*Order) {
	return func(n *Order) {
		n.TransactionID = tr.TransactionID
		if !tr.PaidAt.IsZero() {
			n.PaidAt = tr.PaidAt
		}
		n.CouponFen, n.MerchantCouponFen = tr.CouponFen, tr.MerchantCouponFen
		n.ErrorCode, n.Message = "", ""
	}
}
