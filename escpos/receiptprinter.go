package escpos

import (
	"context"
	"sync"

	"github.com/wxpos/wxpos/receipt"
)

// ReceiptPrinter prints receipt records: it lays them out for its paper
// width, opens the cash drawer with cash sales, and sends one job at a time,
// since a shared device would interleave concurrent jobs.
type ReceiptPrinter struct {
	Printer *Printer
	Paper   Paper

	mu sync.Mutex
}

// Print lays out r (marked 重印 when reprint is set) and prints it. An error
// leaves nothing to undo: the receipt stays in the database, reprintable.
func (p *ReceiptPrinter) Print(ctx context.Context, r receipt.Receipt, reprint bool) error {
	doc, err := receipt.Layout(r, receipt.Options{Cols: p.Paper.Columns(), Reprint: reprint})
	if err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	kick := r.Kind == receipt.KindSale && r.Tender == receipt.TenderCash && !reprint
	return p.Printer.Print(ctx, doc, &RenderOptions{KickDrawer: kick})
}
