package pos

import (
	"context"
	"errors"
	"time"
)

// Hint tells the terminal that WeChat announced news of order or refund
// no (a verified payment or refund notification). It is only a hint: no
// state moves on it. A QR being shown is queried at once instead of at
// its next poll, and an open order or refund (UNKNOWN, a PROCESSING
// refund) loses its recovery backoff, so the query that settles it runs
// now. A number this terminal does not have, or has settled, is ignored.
func (t *Terminal) Hint(no string) error {
	t.mu.Lock()
	p := t.live[no]
	t.mu.Unlock()
	if p != nil {
		select {
		case p.hint <- struct{}{}:
		default:
		}
	}
	if _, err := t.store.Order(no); err == nil {
		return t.RetryNow(no)
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	if _, err := t.store.Refund(no); err == nil {
		return t.RetryNow(no)
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	return nil
}

// Notice is what a verified WeChat notification says, for Notified.
type Notice struct {
	Ref      string // out_trade_no, or out_refund_no for a refund
	Paid     bool   // a payment notification with trade_state SUCCESS
	TotalFen int64  // the order total it names (payments)
}

// Notified is Hint told what the notification said. A payment notice for
// an open sale of this terminal, for that sale's very amount, is first
// published as EventNotified, so that the cashier's screen can say WeChat
// reports the customer paid while the query that settles the sale is on
// its way (or retried, when WeChat's API fails and its notifications get
// through). A notice for another amount is only a hint; only a query
// moves a sale.
func (t *Terminal) Notified(n Notice) error {
	if n.Paid {
		if o, err := t.store.Order(n.Ref); err == nil && !o.State.Terminal() && o.AmountFen == n.TotalFen {
			t.bus.publish(Event{Time: t.clk.Now(), Kind: EventNotified, Ref: n.Ref, Actor: "wechat",
				Reason: "notified paid " + FormatYuan(n.TotalFen)})
		}
	}
	return t.Hint(n.Ref)
}

// sleepOrHint is sleep for a live QR poll that a notification cuts short.
// ok is false when ctx ended; hinted says the notification's hint woke it.
func (t *Terminal) sleepOrHint(ctx context.Context, d time.Duration, p *Payment) (ok, hinted bool) {
	select {
	case <-t.clk.After(d):
		return true, false
	case <-p.cancelChan():
		return true, false
	case <-p.hint:
		return true, true
	case <-ctx.Done():
		return false, false
	}
}

// qrPoll paces a live QR's queries: interval grows from QRPollMin by half
// each poll up to QRPollMax; once a hint has woken it, announced caps
// each wait too (see wait).
type qrPoll struct {
	interval  time.Duration
	announced time.Duration // 0 until a hint; then RetryMin, doubling
}

// wait sleeps until the next query is due, a hint comes or the order's
// deadline; false when ctx ended. After a hint the QR follows the
// announced order — the query failed (the API flaky while notifications
// get through) or did not yet see the payment — waiting the poll's own
// interval or, when shorter, the announced backoff (RetryMin, doubling):
// a terminal polling slowly (QRPollMax of minutes) follows an announced
// payment within seconds until WeChat confirms it, and never past the
// order's deadline, which bounds every wait.
func (q *qrPoll) wait(ctx context.Context, t *Terminal, p *Payment, deadline time.Time) bool {
	wait := min(q.interval, deadline.Sub(t.clk.Now()))
	if q.announced > 0 {
		wait = min(wait, q.announced)
		// Capped where it stops mattering (the interval never passes
		// QRPollMax), so doubling through a long wait cannot overflow.
		q.announced = min(q.announced*2, t.cfg.QRPollMax)
	}
	ok, hinted := t.sleepOrHint(ctx, wait, p)
	if hinted && q.announced == 0 {
		q.announced = t.cfg.RetryMin
	}
	q.interval = min(q.interval*3/2, t.cfg.QRPollMax)
	return ok
}
