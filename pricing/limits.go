package pricing

import (
	"errors"
	"fmt"

	"github.com/wxpos/wxpos/receipt"
)

// ErrNeedsApproval is returned when a discount or price override is above
// what a cashier may give alone and no manager approved it.
var ErrNeedsApproval = errors.New("needs a manager's approval")

// Limits is what a cashier may take off by themselves, per discount: at
// most MaxPercent of what it applies to and at most MaxFen. A zero field
// allows nothing (every discount needs a manager).
type Limits struct {
	MaxPercent int64
	MaxFen     int64
}

// Allows reports whether a cashier may take offFen off baseFen alone; a
// percent discount (percent > 0) is judged by its percentage, so rounding
// a 10 % discount up by half a fen does not push it over a 10 % limit.
func (l Limits) Allows(baseFen, offFen, percent int64) bool {
	if offFen <= 0 {
		return true
	}
	if offFen > l.MaxFen {
		return false
	}
	if percent > 0 {
		return percent <= l.MaxPercent
	}
	// offFen/baseFen ≤ MaxPercent/100, without division.
	return offFen*100 <= l.MaxPercent*baseFen
}

// Approvals checks that every discount and lowered price in the sale
// either is within l or names the manager who approved it. Lines and the
// order discount must already be priced (Compute).
func (l Limits) Approvals(lines []receipt.Line, order *receipt.Discount) error {
	var sub int64
	for i, ln := range lines {
		sub += ln.TotalFen
		if o := ln.Override; o != nil && o.ApprovedBy == "" {
			list := ln
			list.UnitFen, list.Discount = o.ListFen, nil
			lg, err := GrossFen(list)
			if err != nil {
				return fmt.Errorf("line %d: list price: %w", i+1, err)
			}
			g, _ := GrossFen(ln)
			if !l.Allows(lg, lg-g, 0) {
				return fmt.Errorf("line %d (%q): price %d fen instead of %d: %w", i+1, ln.Name, ln.UnitFen, o.ListFen, ErrNeedsApproval)
			}
		}
		if d := ln.Discount; d != nil && d.ApprovedBy == "" {
			g, _ := GrossFen(ln)
			if !l.Allows(g, d.AmountFen, d.Percent) {
				return fmt.Errorf("line %d (%q): discount %d fen of %d: %w", i+1, ln.Name, d.AmountFen, g, ErrNeedsApproval)
			}
		}
	}
	if order != nil && order.ApprovedBy == "" && !l.Allows(sub, order.AmountFen, order.Percent) {
		return fmt.Errorf("sale discount %d fen of %d: %w", order.AmountFen, sub, ErrNeedsApproval)
	}
	return nil
}
