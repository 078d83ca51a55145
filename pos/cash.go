package pos

import (
	"context"
	"fmt"

	"github.com/wxpos/wxpos/receipt"
)

// PayCash records a cash sale: tendered must cover the amount; the change
// is computed and the order goes NEW ▶ PAID with its receipt in one commit.
func (t *Terminal) PayCash(ctx context.Context, sale Sale, tenderedFen int64) (*Order, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := t.validateSale(sale); err != nil {
		return nil, err
	}
	if tenderedFen < sale.AmountFen || tenderedFen > MaxFen {
		return nil, fmt.Errorf("cash tendered %s for %s: %w", FormatYuan(tenderedFen), FormatYuan(sale.AmountFen), ErrBadAmount)
	}
	now := t.clk.Now()
	o := &Order{
		Tender: receipt.TenderCash, State: StateNew,
		AmountFen: sale.AmountFen, Lines: sale.Lines, Discount: sale.Discount, Description: t.description(sale), Cashier: sale.Cashier,
		TenderedFen: tenderedFen, ChangeFen: tenderedFen - sale.AmountFen,
		CreatedAt: now, PaidAt: now, Training: t.cfg.Training,
	}
	// A cash sale is made by the person at the till, in front of them:
	// never the core on its own, whose outcomes are announced until
	// acknowledged.
	actor := sale.Cashier
	if actor == "" {
		actor = "cashier"
	}
	return t.move(o, StatePaid, actor, joinNote("cash", discountNote(sale)), nil,
		func(c *Change) { c.Mint, c.Cashier = t.numbering("P", nil), sale.Cashier })
}
