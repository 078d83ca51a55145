package pos

import (
	"fmt"
	"slices"
)

// Outcomes the cashier has not seen. A payment the core settles on its own
// — a password wait or a QR that ends after the window was closed, a parked
// UNKNOWN that a query resolves, a reverse the outbox finishes — is marked
// unseen in the same commit as the outcome (move), so no crash can lose the
// fact. It stays listed by Unacknowledged until the cashier's screen has
// shown it and called Acknowledge. Outcomes a person made (cash, a manager's
// force) are seen by that person and never listed.

// Unacknowledged returns the orders whose outcome the cashier has not
// acknowledged yet, oldest change first.
func (t *Terminal) Unacknowledged() ([]*Order, error) {
	nos, err := t.store.Unseen()
	if err != nil {
		return nil, fmt.Errorf("unacknowledged outcomes: %w", err)
	}
	out := make([]*Order, 0, len(nos))
	for _, no := range nos {
		o, err := t.store.Order(no)
		if err != nil {
			return nil, fmt.Errorf("unacknowledged outcome %s: %w", no, err)
		}
		out = append(out, o)
	}
	slices.SortStableFunc(out, func(a, b *Order) int { return a.UpdatedAt.Compare(b.UpdatedAt) })
	return out, nil
}

// Acknowledge records, with an audit event naming actor, that the cashier
// has seen the outcome of order outTradeNo. Acknowledging an outcome that is
// not listed (already acknowledged, or never announced) does nothing.
func (t *Terminal) Acknowledge(outTradeNo, actor string) error {
	nos, err := t.store.Unseen()
	if err != nil {
		return fmt.Errorf("acknowledge %s: %w", outTradeNo, err)
	}
	if !slices.Contains(nos, outTradeNo) {
		return nil
	}
	o, err := t.store.Order(outTradeNo)
	if err != nil {
		return fmt.Errorf("acknowledge %s: %w", outTradeNo, err)
	}
	if actor == "" {
		actor = "cashier"
	}
	c := &Change{Acknowledge: outTradeNo,
		Event: Event{Time: t.clk.Now(), Kind: EventAck, Ref: outTradeNo, From: string(o.State), To: string(o.State), Actor: actor}}
	if err := t.store.Apply(c); err != nil {
		return fmt.Errorf("acknowledge %s: %w", outTradeNo, err)
	}
	c.Event.Order = o
	t.bus.publish(c.Event)
	return nil
}
