package counter

import (
	"context"
	"strings"
	"testing"

	"github.com/wxpos/wxpos/escpos"
	"github.com/wxpos/wxpos/receipt"
)

type sinkJob struct {
	doc  receipt.Doc
	kick bool
}

type fakeSink struct{ jobs []sinkJob }

func (f *fakeSink) Print(_ context.Context, d receipt.Doc, o *escpos.RenderOptions) error {
	f.jobs = append(f.jobs, sinkJob{d, o != nil && o.KickDrawer})
	return nil
}

func TestDocPrinter(t *testing.T) {
	tests := []struct {
		name     string
		print    func(p DocPrinter) error
		kick     bool
		contains string
	}{
		{"cash sale opens the drawer", func(p DocPrinter) error {
			return p.Print(context.Background(), receipt.Receipt{No: "1", Kind: receipt.KindSale, Tender: receipt.TenderCash, TotalFen: 100}, false)
		}, true, "1.00"},
		{"reprint does not", func(p DocPrinter) error {
			return p.Print(context.Background(), receipt.Receipt{No: "1", Kind: receipt.KindSale, Tender: receipt.TenderCash, TotalFen: 100}, true)
		}, false, "1.00"},
		{"Z report", func(p DocPrinter) error {
			return p.PrintReport(context.Background(), receipt.DayReport{Kind: receipt.ReportZ, ZNo: 7}, true)
		}, false, "000007"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink := &fakeSink{}
			if err := tt.print(DocPrinter{Sink: sink, Cols: 32}); err != nil {
				t.Fatal(err)
			}
			if len(sink.jobs) != 1 || sink.jobs[0].kick != tt.kick || !strings.Contains(sink.jobs[0].doc.Text(), tt.contains) {
				t.Fatalf("jobs %+v", sink.jobs)
			}
		})
	}
}
