package pos

import (
	"context"
	"fmt"
	"strings"
)

// ForcePaid records an UNKNOWN payment as paid on a manager's word (after
// looking at the customer's phone, say). Audited with who and why; the
// daily bill reconciliation will flag it if WeChat disagrees.
func (t *Terminal) ForcePaid(ctx context.Context, no string, a Approval, reason string) (*Order, error) {
	return t.force(ctx, no, a, reason, ActionForcePaid)
}

// ForceVoid gives up on an UNKNOWN payment: it is moved to REVERSING (scan)
// or CLOSING (QR), which queues the reverse/close in the outbox, so that a
// payment that did go through is returned to the customer. On a CONFLICT
// it is the manager's acknowledgement: the order becomes FAILED and
// nothing is sent (the order at WeChat is another payment's).
func (t *Terminal) ForceVoid(ctx context.Context, no string, a Approval, reason string) (*Order, error) {
	return t.force(ctx, no, a, reason, ActionForceVoid)
}

func (t *Terminal) force(ctx context.Context, no string, a Approval, reason string, act Action) (*Order, error) {
	if strings.TrimSpace(reason) == "" {
		return nil, fmt.Errorf("%s %s: a reason is required: %w", act, no, ErrBadRequest)
	}
	who, err := t.authorize(ctx, a, act, no)
	if err != nil {
		return nil, err
	}
	if !t.acquire(no) {
		return nil, fmt.Errorf("%s %s: %w", act, no, ErrBusy)
	}
	defer t.release(no)
	o, err := t.store.Order(no)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", act, no, err)
	}
	if o.State == StateConflict {
		return t.acknowledgeConflict(o, who, reason, act)
	}
	if o.State != StateUnknown {
		return o, fmt.Errorf("%s %s: order is %s, only UNKNOWN can be forced: %w", act, no, o.State, ErrInvalidTransition)
	}
	to := StatePaid
	if act == ActionForceVoid {
		to = StateReversing
		if o.Tender != "" && o.Flow() == FlowQR {
			to = StateClosing
		}
	}
	mark := func(n *Order) { n.Forced, n.ForcedBy, n.ForceReason = true, who, reason }
	return t.move(o, to, who, string(act)+": "+reason, mark, func(c *Change) { c.Event.Kind = EventForce })
}

// acknowledgeConflict closes a CONFLICT on a manager's word: it can only
// become FAILED (not paid); force paid is refused, as a number that is
// another payment's can never carry this sale's money.
func (t *Terminal) acknowledgeConflict(o *Order, who, reason string, act Action) (*Order, error) {
	if act != ActionForceVoid {
		return o, fmt.Errorf("%s %s: %w: it cannot be this sale's payment (void it, and take the payment again): %w",
			act, o.OutTradeNo, ErrTradeConflict, ErrInvalidTransition)
	}
	mark := func(n *Order) { n.Forced, n.ForcedBy, n.ForceReason = true, who, reason }
	return t.move(o, StateFailed, who, string(act)+": conflict acknowledged: "+reason, mark,
		func(c *Change) { c.Event.Kind = EventForce })
}
