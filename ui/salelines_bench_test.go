package ui

import (
	"fmt"
	"testing"

	products "github.com/wxpos/wxpos/catalog"
)

// BenchmarkSaleScreenLines is "the sale screen stays responsive with 200
// lines": one scan of an item already on the sale (+1 on its line, the
// total priced again, the list redrawn) and one frame painted, with 200
// lines on the sale against 3 (the baseline, same run). A keypress (a
// digit of the amount: the total priced, no lines redrawn) likewise.
func BenchmarkSaleScreenLines(b *testing.B) {
	for _, n := range []int{3, 200} {
		items := products.NewIndex()
		for i := range n {
			it := products.Item{ID: fmt.Sprintf("I%d", i), Name: fmt.Sprintf("商品 %d 号", i), Price: int64(100 + i),
				Barcodes: []string{ean(fmt.Sprintf("69200000%04d", i))}, Unit: products.UnitPiece, Active: true}
			if err := items.Put(it); err != nil {
				b.Fatal(err)
			}
		}
		h := newHarness(b, WithCatalog(items, nil))
		s := screenAs[*saleScreen](h)
		for i := range n {
			s.itemScanned(ean(fmt.Sprintf("69200000%04d", i)))
		}
		if len(h.term.draft.lines) != n {
			b.Fatalf("%d lines, want %d", len(h.term.draft.lines), n)
		}
		last := ean(fmt.Sprintf("69200000%04d", n-1))
		b.Run(fmt.Sprintf("scan/lines=%d", n), func(b *testing.B) {
			for b.Loop() {
				s.itemScanned(last)
				h.w.Canvas().Capture()
			}
		})
		b.Run(fmt.Sprintf("scan-no-frame/lines=%d", n), func(b *testing.B) {
			for b.Loop() {
				s.itemScanned(last)
			}
		})
		b.Run(fmt.Sprintf("key/lines=%d", n), func(b *testing.B) {
			for b.Loop() {
				s.press("5")
				s.press("\b")
				h.w.Canvas().Capture()
			}
		})
	}
}
