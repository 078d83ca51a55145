package pos

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/wxpos/wxpos/receipt"
)

// BeginQR starts a Native (QR) payment: it mints the out_trade_no, persists
// CREATING and asks WeChat for a code_url in the background. When the order
// reaches SHOWING_QR its CodeURL and ExpiresAt are set (see the event stream
// or Payment.Order); Payment.Cancel closes it.
func (t *Terminal) BeginQR(ctx context.Context, sale Sale) (*Payment, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := t.validateSale(sale); err != nil {
		return nil, err
	}
	if c, ok := t.gw.(QRChecker); ok {
		if err := c.QRReady(); err != nil {
			return nil, fmt.Errorf("QR payment: %w", err)
		}
	}
	if err := t.room("QR payment"); err != nil {
		return nil, err
	}
	now := t.clk.Now()
	ttl := max(t.cfg.QRTTL, minQRTTL)
	o := &Order{
		Tender: receipt.TenderWeChatQR, State: StateNew,
		AmountFen: sale.AmountFen, Lines: sale.Lines, Discount: sale.Discount, Description: t.description(sale), Cashier: sale.Cashier,
		CreatedAt: now, Deadline: now.Add(ttl), ExpiresAt: now.Add(ttl), Training: t.cfg.Training,
		Attach: newAttach(),
	}
	var no string // claimed inside the commit that numbers the order
	o, err := t.move(o, StateCreating, sale.Cashier, discountNote(sale), func(n *Order) { n.SubmittedAt = now },
		func(c *Change) { c.Mint, c.Cashier = t.numbering("P", &no), sale.Cashier })
	if err != nil {
		if no != "" {
			t.release(no)
		}
		return nil, err
	}
	p := newPayment(o)
	t.track(p)
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		o, err := t.runQR(t.ctx, p, o)
		t.untrack(p)
		t.release(no) // before finish: the caller may act on the order at once
		p.finish(o, err)
	}()
	return p, nil
}

// minQRTTL is the shortest Native order lifetime: WeChat refuses a
// time_expire less than 5 minutes ahead of its own clock (PARAM_ERROR
// "其他5分钟"); the margin absorbs clock skew and request time.
const minQRTTL = 5*time.Minute + 30*time.Second

// qrCreateTries is how often a prepay whose answer was lost is resent
// (same out_trade_no, same parameters: WeChat returns the same code_url)
// before the order is left UNKNOWN. No money moves at prepay.
const qrCreateTries = 3

func (t *Terminal) runQR(ctx context.Context, p *Payment, o *Order) (*Order, error) {
	req := QRRequest{OutTradeNo: o.OutTradeNo, AmountFen: o.AmountFen, Description: o.Description,
		DeviceID: t.cfg.TerminalID, StoreID: t.cfg.StoreID, ExpiresAt: o.ExpiresAt, Attach: o.Attach}
	var (
		url string
		err error
	)
	for try := 0; try < qrCreateTries; try++ {
		url, err = call(t, ctx, func(ctx context.Context) (string, error) { return t.gw.CreateQR(ctx, req) })
		if err == nil || IsDefinite(err) || errors.Is(err, ErrOutTradeNoUsed) || ctx.Err() != nil || p.cancelled() {
			break
		}
		if !t.sleep(ctx, t.cfg.QRPollMin, p.cancelChan()) {
			break
		}
	}
	if ctx.Err() != nil {
		return o, ctx.Err()
	}
	switch {
	case err == nil:
		o, err = t.move(o, StateShowingQR, "", "", func(n *Order) { n.CodeURL, n.Confirmed = url, true }, nil)
	case errors.Is(err, ErrOutTradeNoUsed):
		// The number is taken at WeChat: the query below compares (CONFLICT) or adopts.
		t.log.Warn("QR prepay: order number already used at WeChat", "out_trade_no", o.OutTradeNo)
		o, err = t.move(o, StateUnknown, "", "OUT_TRADE_NO_USED: checking whose order WeChat has under this number",
			func(n *Order) { n.Message = errText(err) }, nil)
	case IsDefinite(err):
		code, msg := declineCode(err)
		o, err = t.move(o, StateFailed, "", code, func(n *Order) { n.ErrorCode, n.Message = code, msg }, nil)
	default:
		o, err = t.move(o, StateUnknown, "", errText(err), func(n *Order) { n.Message = errText(err) }, nil)
	}
	if err != nil {
		return o, err
	}
	p.set(o)
	if o.State == StateUnknown {
		return t.settleQR(ctx, nil, o, false) // one query; recovery does the rest
	}
	return t.settleQR(ctx, p, o, true)
}

// settleQR drives a QR order until final, or (live) until it is closed or
// queued for closing, or (recovery) for one attempt.
func (t *Terminal) settleQR(ctx context.Context, p *Payment, o *Order, live bool) (*Order, error) {
	var err error
	poll := qrPoll{interval: t.cfg.QRPollMin}
	for !o.State.Terminal() {
		if ctx.Err() != nil {
			return o, ctx.Err()
		}
		switch o.State {
		case StateCreating:
			o, err = t.move(o, StateUnknown, "", "resumed after restart: prepay outcome unknown", nil, nil)
			if err != nil {
				return o, err
			}
			continue
		case StateShowingQR:
			if !live {
				// Nobody is showing the code any more (restart): query,
				// and close unless it was paid.
				o, err = t.move(o, StateUnknown, "", "resumed after restart: QR no longer shown", nil, nil)
				if err != nil {
					return o, err
				}
				continue
			}
		case StateClosing:
			return t.driveClose(ctx, o)
		case StateConflict:
			return o, nil // the manager's to acknowledge
		}
		tr, qerr := call(t, ctx, func(ctx context.Context) (Trade, error) { return t.gw.Query(ctx, o.OutTradeNo) })
		if ctx.Err() != nil {
			return o, ctx.Err()
		}
		if qerr == nil {
			if why := mismatch(o, tr); why != "" {
				return t.conflict(o, tr, why)
			}
			o = o.confirmed()
		}
		switch {
		case qerr == nil && tr.Status.Paid():
			return t.move(o, StatePaid, "", "query: "+string(tr.Status), paidFrom(tr), nil)
		case qerr == nil && tr.Status == TradeClosed:
			return t.move(o, StateClosed, "", "query: CLOSED", nil, nil)
		case qerr == nil && tr.Status == TradePayError && o.State == StateUnknown:
			return t.move(o, StateFailed, "", "query: PAYERROR",
				func(n *Order) { n.ErrorCode, n.Message = string(tr.Status), tr.Desc }, nil)
		}
		answered := qerr == nil || errors.Is(qerr, ErrOrderNotExist)
		expired := !t.clk.Now().Before(o.Deadline)
		if o.State == StateUnknown {
			if !answered {
				return o, nil // recovery retries with backoff
			}
			if o, err = t.move(o, StateClosing, "", "not paid: closing", nil, nil); err != nil {
				return o, err
			}
			continue
		}
		// SHOWING_QR, live.
		if p.cancelled() || expired {
			why := "QR expired"
			if p.cancelled() {
				why = "cashier cancelled"
			}
			if o, err = t.move(o, StateClosing, "", why, nil, nil); err != nil {
				return o, err
			}
			p.set(o)
			continue
		}
		if !poll.wait(ctx, t, p, o.Deadline) {
			return o, ctx.Err()
		}
	}
	return o, nil
}

// driveClose sends one close for a CLOSING order and records the answer.
// A close can succeed while the customer is still able to pay (WeChat's
// 5-minute rule), so CLOSED is written only once a query confirms it, or the
// order's time_expire has passed.
func (t *Terminal) driveClose(ctx context.Context, o *Order) (*Order, error) {
	o, done, err := t.confirmBeforeVoid(ctx, o, OutboxClose)
	if done {
		return o, err
	}
	_, err = call(t, ctx, func(ctx context.Context) (struct{}, error) { return struct{}{}, t.gw.Close(ctx, o.OutTradeNo) })
	if ctx.Err() != nil {
		return o, ctx.Err()
	}
	if errors.Is(err, ErrOrderNotExist) {
		return t.move(o, StateClosed, "", "close: order does not exist at WeChat", nil, nil)
	}
	if err == nil || errors.Is(err, ErrOrderPaid) || IsDefinite(err) {
		tr, qerr := call(t, ctx, func(ctx context.Context) (Trade, error) { return t.gw.Query(ctx, o.OutTradeNo) })
		why := ""
		if qerr == nil {
			why = mismatch(o, tr)
		}
		switch {
		case why != "":
			return t.conflict(o, tr, why)
		case errors.Is(qerr, ErrOrderNotExist):
			return t.move(o, StateClosed, "", "close: order does not exist at WeChat", nil, nil)
		case qerr != nil:
		case tr.Status.Paid():
			return t.move(o, StatePaid, "", "close answered ORDERPAID", paidFrom(tr), nil)
		case tr.Status == TradeClosed || tr.Status == TradeRevoked || tr.Status == TradePayError:
			return t.move(o, StateClosed, "", "closed", nil, nil)
		case err == nil && !o.ExpiresAt.IsZero() && t.clk.Now().After(o.ExpiresAt.Add(time.Minute)):
			return t.move(o, StateClosed, "", "closed and past time_expire", nil, nil)
		}
		if err == nil {
			err = errors.New("close accepted, order not closed yet")
		}
	}
	return o, t.retryLater(OutboxEntry{Kind: OutboxClose, Ref: o.OutTradeNo}, err)
}
