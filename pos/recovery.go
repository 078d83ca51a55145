package pos

import (
	"context"
	"fmt"
	"time"
)

// backoffFor is RetryMin doubled per attempt, capped at RetryMax.
func (t *Terminal) backoffFor(attempts int) time.Duration {
	d := t.cfg.RetryMin
	for i := 1; i < attempts && d < t.cfg.RetryMax; i++ {
		d *= 2
	}
	return min(d, t.cfg.RetryMax)
}

// retryLater records a failed attempt on a queued call: one more attempt,
// the next try after a backoff, and the reason (without secrets).
func (t *Terminal) retryLater(e OutboxEntry, cause error) error {
	entries, err := t.store.Outbox()
	if err != nil {
		return err
	}
	for _, cur := range entries {
		if cur.Key() == e.Key() {
			e = cur
			break
		}
	}
	e.Attempts++
	e.NextAt = t.clk.Now().Add(t.backoffFor(e.Attempts))
	e.LastError = errText(cause)
	t.log.Warn("outbox: will retry", "kind", e.Kind, "ref", e.Ref, "attempts", e.Attempts, "next_at", e.NextAt, "err", e.LastError)
	if err := t.store.SaveOutbox(e); err != nil {
		return fmt.Errorf("outbox %s: %w", e.Key(), err)
	}
	return nil
}

// bump records an unresolved recovery attempt on ref and returns when to
// try again.
func (t *Terminal) bump(ref string) time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	ri := t.backoff[ref]
	ri.attempts++
	ri.next = t.clk.Now().Add(t.backoffFor(ri.attempts))
	t.backoff[ref] = ri
	return ri.next
}

func (t *Terminal) dueAt(ref string) time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.backoff[ref].next
}

// RecoveryResult counts what one recovery run did and what is left.
type RecoveryResult struct {
	Resolved   map[string]int // final state → number of orders/refunds that reached it
	Unresolved int            // open orders and refunds still not final (conflicts not counted)
	Outbox     int            // calls still queued
	// Conflicts are orders whose number belongs to another payment at
	// WeChat (CONFLICT): never paid, left for a manager to acknowledge.
	Conflicts int
}

// resolveOnce makes one attempt on every open order and refund that is
// due and not being driven elsewhere. It returns when the next attempt is
// due and how many records remain open.
func (t *Terminal) resolveOnce(ctx context.Context, res *RecoveryResult) (next time.Time, open int, err error) {
	now := t.clk.Now()
	s := &sweep{now: now, next: now.Add(t.cfg.RetryMax), res: res}
	entries, err := t.store.Outbox()
	if err != nil {
		return s.next, 0, err
	}
	s.queued = make(map[string]OutboxEntry, len(entries))
	for _, e := range entries {
		s.queued[e.Key()] = e
	}

	orders, err := t.store.OpenOrders()
	if err != nil {
		return s.next, 0, err
	}
	for _, o := range orders {
		if ctx.Err() != nil {
			return s.next, s.open, ctx.Err()
		}
		t.resolveOrder(ctx, s, o)
	}
	refunds, err := t.store.OpenRefunds()
	if err != nil {
		return s.next, s.open, err
	}
	for _, r := range refunds {
		if ctx.Err() != nil {
			return s.next, s.open, ctx.Err()
		}
		t.resolveRefund(ctx, s, r)
	}
	return s.next, s.open, nil
}

// sweep is one pass of recovery over the open records: the calls queued
// in the outbox when it began, when the next attempt is due, and how many
// records stay open.
type sweep struct {
	now, next time.Time
	queued    map[string]OutboxEntry // by OutboxEntry.Key
	open      int
	res       *RecoveryResult // nil: nobody is counting outcomes
}

// earlier brings the next attempt forward to at.
func (s *sweep) earlier(at time.Time) {
	if at.Before(s.next) {
		s.next = at
	}
}

// resolveOrder makes one attempt on an open order: the query, reverse or
// close its state calls for.
func (t *Terminal) resolveOrder(ctx context.Context, s *sweep, o *Order) {
	if o.State == StateConflict {
		return // nothing to ask WeChat: the manager acknowledges it
	}
	kind := OutboxReverse
	if o.Flow() == FlowQR {
		kind = OutboxClose
	}
	if !t.claim(s, o.OutTradeNo, kind, o.State == StateReversing || o.State == StateClosing) {
		return
	}
	var n *Order
	var err error
	if o.Flow() == FlowQR {
		n, err = t.settleQR(ctx, nil, o, false)
	} else {
		n, err = t.settleScan(ctx, nil, o, false)
	}
	t.release(o.OutTradeNo)
	if err != nil && !isStale(err) && ctx.Err() == nil {
		t.log.Warn("recovery", "out_trade_no", o.OutTradeNo, "err", err)
	}
	if n == nil {
		n = o
	}
	nowOutbox := n.State == StateReversing || n.State == StateClosing
	t.note(s, n.State.Terminal(), string(n.State), n.OutTradeNo, nowOutbox)
	if nowOutbox { // just queued: the outbox says when it is due
		if e, err := t.store.Outbox(); err == nil {
			for _, x := range e {
				if x.Ref == n.OutTradeNo {
					s.earlier(x.NextAt)
				}
			}
		}
	}
}

// resolveRefund makes one attempt on an open refund: the resend or query
// its state calls for.
func (t *Terminal) resolveRefund(ctx context.Context, s *sweep, r *Refund) {
	if !t.claim(s, r.OutRefundNo, OutboxRefund, r.State == RefundSubmitted) {
		return
	}
	n, err := t.driveRefund(ctx, r)
	t.release(r.OutRefundNo)
	if err != nil && ctx.Err() == nil {
		t.log.Warn("recovery", "out_refund_no", r.OutRefundNo, "err", err)
	}
	t.note(s, n.State.Terminal(), "refund "+string(n.State), n.OutRefundNo, n.State == RefundSubmitted)
}

// claim reports whether ref may be driven now, and takes it: its attempt
// is due (by the outbox entry of kind when its call is queued there, else
// by the terminal's backoff) and nobody else is driving it. A record not
// claimed stays open.
func (t *Terminal) claim(s *sweep, ref string, kind OutboxKind, usesOutbox bool) bool {
	d := t.dueAt(ref)
	if usesOutbox {
		if e, ok := s.queued[OutboxEntry{Kind: kind, Ref: ref}.Key()]; ok {
			d = e.NextAt
		}
	}
	if d.After(s.now) {
		s.open++
		s.earlier(d)
		return false
	}
	if !t.acquire(ref) {
		s.open++
		return false
	}
	return true
}

// note counts a record after its attempt: a final state (to) in the
// result, anything else as open, with its backoff moved on unless the
// outbox times its next call.
func (t *Terminal) note(s *sweep, final bool, to, ref string, usesOutbox bool) {
	if final {
		if s.res != nil {
			s.res.Resolved[to]++
		}
		return
	}
	s.open++
	if !usesOutbox {
		s.earlier(t.bump(ref))
	}
}

// Start runs the recovery worker until ctx ends or the terminal closes: at
// once (the last run may have crashed mid-payment), then whenever an
// attempt is due or a payment finishes. Every open order is resumed from
// its last persisted state; every queued call is retried with backoff.
func (t *Terminal) Start(ctx context.Context) {
	t.mu.Lock()
	if t.started {
		t.mu.Unlock()
		return
	}
	t.started = true
	t.mu.Unlock()
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(t.ctx, cancel)
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		defer stop()
		defer cancel()
		for {
			next, _, err := t.resolveOnce(ctx, nil)
			if err != nil && ctx.Err() == nil {
				t.log.Error("recovery pass", "err", err)
			}
			wait := max(next.Sub(t.clk.Now()), 10*time.Millisecond)
			select {
			case <-ctx.Done():
				return
			case <-t.wake:
			case <-t.clk.After(wait):
			}
		}
	}()
}

// Recover runs recovery passes until every open order, refund and queued
// call is resolved, or ctx ends (wxpos recover --timeout). It waits out
// backoffs on the terminal clock, and wakes at every committed change, so
// it returns as soon as nothing is open — also when the background worker
// (or a payment still in flight) settled the last one. Resolved counts
// what was open at the start and is final at the end, whoever settled it.
func (t *Terminal) Recover(ctx context.Context) (RecoveryResult, error) {
	res := RecoveryResult{Resolved: map[string]int{}}
	orders, err := t.store.OpenOrders()
	if err != nil {
		return res, err
	}
	refunds, err := t.store.OpenRefunds()
	if err != nil {
		return res, err
	}
	sub, stop := context.WithCancel(ctx)
	defer stop()
	changes := t.Subscribe(sub)
	for {
		next, open, err := t.resolveOnce(ctx, nil)
		if err != nil && ctx.Err() == nil {
			return res, err
		}
		if open == 0 || ctx.Err() != nil {
			break
		}
		wait := max(next.Sub(t.clk.Now()), time.Millisecond)
		select {
		case <-ctx.Done():
		case <-t.clk.After(wait):
		case <-changes:
			drain(changes)
		}
	}
	for _, o := range orders {
		if n, err := t.store.Order(o.OutTradeNo); err == nil && n.State.Terminal() {
			res.Resolved[string(n.State)]++
		}
	}
	for _, r := range refunds {
		if n, err := t.store.Refund(r.OutRefundNo); err == nil && n.State.Terminal() {
			res.Resolved["refund "+string(n.State)]++
		}
	}
	p, err := t.Pending()
	res.Unresolved = p.Open - p.Conflicts + p.Refunds
	res.Outbox = p.Outbox
	res.Conflicts = p.Conflicts
	if err != nil {
		return res, err
	}
	return res, ctx.Err()
}

// drain empties ch without blocking: one pass answers every change that
// had queued up.
func drain(ch <-chan Event) {
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		default:
			return
		}
	}
}
