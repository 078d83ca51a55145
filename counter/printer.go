package counter

import (
	"context"
	"time"

	"github.com/wxpos/wxpos/escpos"
	"github.com/wxpos/wxpos/receipt"
)

// DocSink prints a laid-out document; *escpos.Printer satisfies it.
type DocSink interface {
	Print(ctx context.Context, d receipt.Doc, o *escpos.RenderOptions) error
}

// DocPrinter lays out receipts and day reports for a paper width and sends
// them to a DocSink: it is both the window's Printer for receipts and
// its ReportPrinter for X/Z reports and Z reprints.
type DocPrinter struct {
	Sink DocSink
	Cols int // 32 (58 mm) or 48 (80 mm)
}

// Print lays out and prints a receipt; a cash sale also opens the drawer.
func (p DocPrinter) Print(ctx context.Context, r receipt.Receipt, reprint bool) error {
	d, err := receipt.Layout(r, receipt.Options{Cols: p.Cols, Reprint: reprint, ReprintTime: reprintTime(reprint)})
	if err != nil {
		return err
	}
	kick := r.Kind == receipt.KindSale && r.Tender == receipt.TenderCash && !reprint
	return p.Sink.Print(ctx, d, &escpos.RenderOptions{KickDrawer: kick})
}

// PrintReport lays out and prints an X or Z report.
func (p DocPrinter) PrintReport(ctx context.Context, r receipt.DayReport, reprint bool) error {
	d, err := receipt.LayoutReport(r, receipt.Options{Cols: p.Cols, Reprint: reprint, ReprintTime: reprintTime(reprint)})
	if err != nil {
		return err
	}
	return p.Sink.Print(ctx, d, nil)
}

func reprintTime(reprint bool) time.Time {
	if reprint {
		return time.Now()
	}
	return time.Time{}
}
