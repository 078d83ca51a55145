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

// sleepOrHint is sleep for a live QR poll that a notification cuts short.
func (t *Terminal) sleepOrHint(ctx context.Context, d time.Duration, p *Payment) bool {
	select {
	case <-t.clk.After(d):
		return true
	case <-p.cancelChan():
		return true
	case <-p.hint:
		return true
	case <-ctx.Done():
		return false
	}
}
