package catalog_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/wxpos/wxpos/catalog"
)

func TestParsePrice(t *testing.T) {
	good := []struct {
		in  string
		fen int64
	}{{"0", 0}, {"12", 1200}, {"12.5", 1250}, {"12.50", 1250}, {"0.01", 1}, {"1000000", catalog.MaxPrice}}
	for _, tt := range good {
		if got, err := catalog.ParsePrice(tt.in); err != nil || got != tt.fen {
			t.Errorf("ParsePrice(%q) = %d, %v; want %d", tt.in, got, err, tt.fen)
		}
	}
	for _, in := range []string{"12.555", "", ".5", "12.", "-1", "+1", "1e3", "1,000", " 12", "012", "1000000.01", "99999999", "１２"} {
		if got, err := catalog.ParsePrice(in); !errors.Is(err, catalog.ErrBadPrice) {
			t.Errorf("ParsePrice(%q) = %d, %v; want ErrBadPrice", in, got, err)
		}
	}
}

func TestAmountFor(t *testing.T) {
	tests := []struct {
		perUnit int64
		unit    catalog.Unit
		grams   int64
		want    int64
	}{
		{1234, catalog.UnitKG, 567, 700}, // 699.678 fen
		{1000, catalog.UnitKG, 1, 1},     // 1.0
		{999, catalog.UnitKG, 500, 500},  // 499.5 rounds up
		{600, catalog.UnitJin, 750, 900}, // 1.5 斤
	}
	for _, tt := range tests {
		if got, ok := catalog.AmountFor(tt.perUnit, tt.unit, tt.grams); !ok || got != tt.want {
			t.Errorf("AmountFor(%d, %s, %d) = %d, %v; want %d", tt.perUnit, tt.unit, tt.grams, got, ok, tt.want)
		}
	}
	if _, ok := catalog.AmountFor(100, catalog.UnitPiece, 10); ok {
		t.Error("a piece is not a weight")
	}
}

func TestItemValidate(t *testing.T) {
	good := catalog.Item{ID: "A-1", Name: "可口可乐", Price: 350, Barcodes: []string{"6901234567892"}, Unit: catalog.UnitPiece, Active: true}
	if err := good.Validate(nil); err != nil {
		t.Fatalf("good item refused: %v", err)
	}
	tests := []struct {
		name, field string
		change      func(*catalog.Item)
	}{
		{"no id", "id", func(it *catalog.Item) { it.ID = "" }},
		{"id with space", "id", func(it *catalog.Item) { it.ID = "a b" }},
		{"no name", "name", func(it *catalog.Item) { it.Name = " " }},
		{"zero price", "price", func(it *catalog.Item) { it.Price = 0 }},
		{"too dear", "price", func(it *catalog.Item) { it.Price = catalog.MaxPrice + 1 }},
		{"bad check digit", "barcode", func(it *catalog.Item) { it.Barcodes = []string{"6901234567891"} }},
		{"upc-a not normalised", "barcode", func(it *catalog.Item) { it.Barcodes = []string{"036000291452"} }},
		{"payment code", "barcode", func(it *catalog.Item) { it.Barcodes = []string{"134567890123456789"} }},
		{"plu letters", "plu", func(it *catalog.Item) { it.PLU = "12a" }},
		{"no unit", "unit", func(it *catalog.Item) { it.Unit = "" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it := good
			tt.change(&it)
			err := it.Validate(nil)
			var fe *catalog.FieldError
			if !errors.Is(err, catalog.ErrInvalid) || !errors.As(err, &fe) || fe.Field != tt.field {
				t.Errorf("Validate = %v, want ErrInvalid at %s", err, tt.field)
			}
		})
	}
	open := good
	open.Price, open.OpenPrice = 0, true
	if err := open.Validate(nil); err != nil {
		t.Errorf("open price with 0 refused: %v", err)
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"036000291452", "0036000291452"},
		{"04252614", "0042100005264"},
		{"6901234567892", "6901234567892"},
		{"96385074", "96385074"},
	}
	for _, tt := range tests {
		if got, err := catalog.Normalize(nil, tt.in); err != nil || got != tt.want {
			t.Errorf("Normalize(%s) = %q, %v; want %s", tt.in, got, err, tt.want)
		}
	}
	_, err := catalog.Normalize(nil, "6901234567891")
	if err == nil || !strings.Contains(err.Error(), "check digit (want 2)") {
		t.Errorf("Normalize of a wrong check digit = %v, want it to name the right one", err)
	}
}

func TestCategoryValidate(t *testing.T) {
	if err := (&catalog.Category{Name: "饮料", Colour: "#1a2B3c"}).Validate(); err != nil {
		t.Errorf("good category refused: %v", err)
	}
	for _, c := range []catalog.Category{{Name: "", Colour: "#112233"}, {Name: "x", Colour: "red"}, {Name: "x", Colour: "#11223g"}} {
		if err := c.Validate(); !errors.Is(err, catalog.ErrInvalid) {
			t.Errorf("Validate(%+v) = %v, want ErrInvalid", c, err)
		}
	}
}

func TestInitials(t *testing.T) {
	tests := []struct{ in, want string }{
		{"可口可乐", "kkkl"},
		{"可口可乐 330ml", "kkkl330ml"},
		{"农夫山泉", "nfsq"},
		{"红富士苹果", "hfspg"},
		{"Coca-Cola", "cocacola"},
		{"㐀", ""}, // outside the table
	}
	for _, tt := range tests {
		if got := catalog.Initials(tt.in); got != tt.want {
			t.Errorf("Initials(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
