package catalogstore_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/catalog"
	"github.com/wxpos/wxpos/catalogstore"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/storage/storagetest"
)

func cola() catalog.Item {
	return catalog.Item{ID: "cola", Name: "可口可乐", NameEN: "Coca-Cola", Price: 350, Barcodes: []string{"6901234567892"},
		Category: "饮料", Unit: catalog.UnitPiece, Active: true}
}

func water() catalog.Item {
	return catalog.Item{ID: "water", Name: "农夫山泉", Price: 200, Barcodes: []string{"96385074"}, Category: "饮料", Unit: catalog.UnitPiece, Active: true}
}

var drinks = catalog.Category{Name: "饮料", Colour: "#3366ff", Order: 1}

func mustApply(t *testing.T, s *catalogstore.Store, ch catalogstore.Changes) catalogstore.Result {
	t.Helper()
	r, err := s.Apply(ch)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestApplyAndLookup(t *testing.T) {
	db := storagetest.Open(t)
	s := catalogstore.New(db, nil)
	r := mustApply(t, s, catalogstore.Changes{Categories: []catalog.Category{drinks}, Items: []catalog.Item{cola(), water()}})
	if r.Version != 1 || catalogstore.Count(r.Items, catalogstore.Added) != 2 {
		t.Fatalf("first apply = %+v", r)
	}
	s = catalogstore.New(storagetest.Reopen(t, db), nil)
	it, err := catalog.Find(s, catalog.Classify("6901234567892"))
	if err != nil || it.ID != "cola" || it.Price != 350 {
		t.Fatalf("Find = %+v, %v", it, err)
	}
	if _, err := s.ByBarcode("4006381333931"); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("unknown barcode: %v", err)
	}
	found, err := s.Search("kkkl", 10)
	if err != nil || len(found) != 1 || found[0].ID != "cola" {
		t.Errorf("Search(kkkl) = %v, %v", found, err)
	}
	cats, _ := s.Categories()
	if len(cats) != 1 || cats[0] != drinks {
		t.Errorf("Categories = %v", cats)
	}

	// The same again changes nothing, not even the version.
	r = mustApply(t, s, catalogstore.Changes{Items: []catalog.Item{cola(), water()}})
	if r.Version != 1 || catalogstore.Count(r.Items, catalogstore.Unchanged) != 2 {
		t.Errorf("same apply = %+v", r)
	}
	// A new price and barcode: version 2, the old barcode gone.
	c := cola()
	c.Price, c.Barcodes = 380, []string{"4006381333931"}
	r = mustApply(t, s, catalogstore.Changes{Items: []catalog.Item{c}})
	if r.Version != 2 || r.Items[0] != catalogstore.Changed {
		t.Errorf("change = %+v", r)
	}
	if _, err := s.ByBarcode("6901234567892"); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("dropped barcode still found: %v", err)
	}
	if it, _ := s.ByBarcode("4006381333931"); it.Price != 380 {
		t.Errorf("new barcode finds %+v", it)
	}
	versions := map[string]uint64{}
	s.Items(func(it catalog.Item, v uint64) error { versions[it.ID] = v; return nil })
	if versions["cola"] != 2 || versions["water"] != 1 {
		t.Errorf("item versions = %v, want cola 2 water 1", versions)
	}
}

func TestApplyRefusesAndWritesNothing(t *testing.T) {
	s := catalogstore.New(storagetest.Open(t), nil)
	mustApply(t, s, catalogstore.Changes{Categories: []catalog.Category{drinks}, Items: []catalog.Item{cola()}})
	taken := water()
	taken.ID, taken.Barcodes = "taken", []string{"6901234567892"} // cola's
	dup := water()
	dup.ID = "water2"
	noCat := water()
	noCat.ID, noCat.Barcodes, noCat.Category = "tea", nil, "茶"
	badPrice := water()
	badPrice.ID, badPrice.Barcodes, badPrice.Price = "free", nil, 0
	ok := water()
	ok.ID, ok.Barcodes = "fine", []string{"4006381333931"}
	_, err := s.Apply(catalogstore.Changes{Items: []catalog.Item{ok, taken, water(), dup, noCat, badPrice}})
	var pe *catalogstore.ProblemsError
	if !errors.Is(err, catalogstore.ErrRefused) || !errors.As(err, &pe) {
		t.Fatalf("Apply = %v, want ErrRefused", err)
	}
	got := map[string]bool{}
	for _, p := range pe.Problems {
		got[fmt.Sprintf("%d/%s", p.Index, p.Field)] = true
	}
	for _, want := range []string{"1/barcode", "3/barcode", "4/category", "5/price"} {
		if !got[want] {
			t.Errorf("no problem %s in %v", want, pe.Problems)
		}
	}
	if len(pe.Problems) != 4 {
		t.Errorf("problems %v, want 4", pe.Problems)
	}
	if n, _ := s.Len(); n != 1 {
		t.Errorf("a refused change wrote %d items, want the 1 before", n)
	}
	if v, _ := s.Version(); v != 1 {
		t.Errorf("version %d after a refusal, want 1", v)
	}
}

func TestBarcodeMovesWithinOneChange(t *testing.T) {
	s := catalogstore.New(storagetest.Open(t), nil)
	mustApply(t, s, catalogstore.Changes{Categories: []catalog.Category{drinks}, Items: []catalog.Item{cola(), water()}})
	c, w := cola(), water()
	c.Barcodes, w.Barcodes = w.Barcodes, c.Barcodes // swap
	mustApply(t, s, catalogstore.Changes{Items: []catalog.Item{c, w}})
	if it, _ := s.ByBarcode("96385074"); it.ID != "cola" {
		t.Errorf("96385074 names %q, want cola", it.ID)
	}
	if it, _ := s.ByBarcode("6901234567892"); it.ID != "water" {
		t.Errorf("6901234567892 names %q, want water", it.ID)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	s := catalogstore.New(storagetest.Open(t), nil)
	r, err := s.DryRun(catalogstore.Changes{Categories: []catalog.Category{drinks}, Items: []catalog.Item{cola(), water()}})
	if err != nil || catalogstore.Count(r.Items, catalogstore.Added) != 2 || r.Version != 1 {
		t.Fatalf("DryRun = %+v, %v", r, err)
	}
	if n, _ := s.Len(); n != 0 {
		t.Errorf("dry run wrote %d items", n)
	}
	if v, _ := s.Version(); v != 0 {
		t.Errorf("dry run moved the version to %d", v)
	}
}

func TestScaleLabelFindsItsItem(t *testing.T) {
	rules := &catalog.Rules{Weighed: []catalog.Layout{catalog.LayoutWeight13()}}
	s := catalogstore.New(storagetest.Open(t), rules)
	apple := catalog.Item{ID: "apple", Name: "苹果", Price: 1290, PLU: "00042", Unit: catalog.UnitKG, Active: true}
	mustApply(t, s, catalogstore.Changes{Items: []catalog.Item{apple}})
	body := "21" + "00042" + "00750"
	code := rules.Classify(body + string(catalog.CheckDigit(body)))
	it, err := catalog.Find(s, code)
	if err != nil || it.ID != "apple" {
		t.Fatalf("Find(label) = %+v, %v", it, err)
	}
	if amt, _ := catalog.AmountFor(it.Price, it.Unit, code.Grams); amt != 968 {
		t.Errorf("750 g at 12.90/kg = %d fen, want 968", amt)
	}
}

func TestApplyIsAudited(t *testing.T) {
	db := storagetest.Open(t)
	s := catalogstore.New(db, nil)
	at := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	mustApply(t, s, catalogstore.Changes{Categories: []catalog.Category{drinks}, Items: []catalog.Item{cola(), water()}, By: "老王", Ref: "items.csv", At: at})
	mustApply(t, s, catalogstore.Changes{Items: []catalog.Item{cola()}, By: "老王"}) // nothing changes: no event
	var events []storage.Event
	err := db.View(func(tx *storage.Tx) error {
		return tx.Events(0, func(e storage.Event) (bool, error) {
			if e.Kind == catalogstore.EventKind {
				events = append(events, e)
			}
			return true, nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 {
		t.Fatalf("%d catalogue events, want 1", len(events))
	}
	e := events[0]
	if e.Actor != "老王" || e.Ref != "items.csv" || !e.Time.Equal(at) || !strings.Contains(string(e.Data), `"items_added":2`) {
		t.Errorf("event %+v data %s", e, e.Data)
	}
}
