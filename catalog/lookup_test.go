package catalog_test

import (
	"errors"
	"testing"

	"github.com/wxpos/wxpos/catalog"
)

func testIndex(t *testing.T) *catalog.Index {
	t.Helper()
	x := catalog.NewIndex()
	for _, it := range []catalog.Item{
		{ID: "cola", Name: "可口可乐", NameEN: "Coca-Cola", Price: 350, Barcodes: []string{"6901234567892", "0036000291452"}, Unit: catalog.UnitPiece, Active: true},
		{ID: "water", Name: "农夫山泉", NameEN: "Spring water", Price: 200, Barcodes: []string{"96385074"}, Unit: catalog.UnitPiece, Active: true},
		{ID: "apple", Name: "红富士苹果", Price: 1290, PLU: "00042", Unit: catalog.UnitKG, Active: true},
		{ID: "old", Name: "可乐旧装", Price: 300, Barcodes: []string{"4006381333931"}, Unit: catalog.UnitPiece},
	} {
		if err := x.Put(it); err != nil {
			t.Fatal(err)
		}
	}
	return x
}

func TestFind(t *testing.T) {
	x := testIndex(t)
	rules := &catalog.Rules{Weighed: []catalog.Layout{catalog.LayoutPriceWeight18()}}
	tests := []struct{ scan, id string }{
		{"6901234567892", "cola"},
		{"036000291452", "cola"}, // UPC-A finds its GTIN-13
		{"96385074", "water"},
		{withCheck("26" + "00042" + "00645" + "00500"), "apple"},
	}
	for _, tt := range tests {
		it, err := catalog.Find(x, rules.Classify(tt.scan))
		if err != nil || it.ID != tt.id {
			t.Errorf("Find(%s) = %q, %v; want %s", tt.scan, it.ID, err, tt.id)
		}
	}
	if _, err := catalog.Find(x, catalog.Classify("4006381333931")); err != nil {
		t.Errorf("an inactive item is still found by its barcode (the sale decides): %v", err)
	}
	if _, err := catalog.Find(x, catalog.Classify(withCheck("690000000001"))); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("unknown barcode: %v, want ErrNotFound", err)
	}
	if _, err := catalog.Find(x, catalog.Classify("2512345678901234")); !errors.Is(err, catalog.ErrOnlyWeChat) {
		t.Errorf("Alipay code: %v, want ErrOnlyWeChat", err)
	}
	if _, err := catalog.Find(x, catalog.Classify("134567890123456789")); !errors.Is(err, catalog.ErrUnknownCode) {
		t.Errorf("WeChat code: %v, want ErrUnknownCode (it pays, it names no item)", err)
	}
}

func TestSearch(t *testing.T) {
	x := testIndex(t)
	tests := []struct {
		q    string
		want []string
	}{
		{"kkkl", []string{"cola"}},
		{"KKKL", []string{"cola"}},
		{"可乐", []string{"cola"}}, // the inactive 可乐旧装 is not offered
		{"water", []string{"water"}},
		{"690123", []string{"cola"}},
		{"nf sq", []string{"water"}},
		{"a", []string{"apple", "water", "cola"}}, // item number, English names
		{"zzz", nil},
		{"", nil},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			got, err := x.Search(tt.q, 10)
			if err != nil {
				t.Fatal(err)
			}
			ids := map[string]bool{}
			for _, it := range got {
				ids[it.ID] = true
			}
			if len(got) != len(tt.want) {
				t.Fatalf("Search(%q) = %v, want %v", tt.q, got, tt.want)
			}
			for _, id := range tt.want {
				if !ids[id] {
					t.Errorf("Search(%q) misses %s", tt.q, id)
				}
			}
		})
	}
	if got, _ := x.Search("a", 1); len(got) != 1 {
		t.Errorf("limit 1 gave %d items", len(got))
	}
}

func TestIndexDuplicates(t *testing.T) {
	x := testIndex(t)
	err := x.Put(catalog.Item{ID: "copy", Name: "x", Price: 1, Barcodes: []string{"96385074"}, Unit: catalog.UnitPiece})
	if !errors.Is(err, catalog.ErrDuplicate) {
		t.Errorf("Put of another item's barcode = %v, want ErrDuplicate", err)
	}
	// Replacing an item frees the barcodes it dropped.
	if err := x.Put(catalog.Item{ID: "water", Name: "农夫山泉", Price: 200, Unit: catalog.UnitPiece, Active: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := x.ByBarcode("96385074"); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("dropped barcode still found: %v", err)
	}
	if err := x.Put(catalog.Item{ID: "copy", Name: "x", Price: 1, Barcodes: []string{"96385074"}, Unit: catalog.UnitPiece}); err != nil {
		t.Errorf("freed barcode refused: %v", err)
	}
}
