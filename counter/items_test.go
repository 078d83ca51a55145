package counter_test

import (
	"testing"

	"github.com/wxpos/wxpos/catalog"
	"github.com/wxpos/wxpos/catalogstore"
	"github.com/wxpos/wxpos/counter"
	"github.com/wxpos/wxpos/storage/storagetest"
)

// TestItemsInCategory: the quick keys of a category are its active items
// by name, and an import (a new catalogue version) is seen at once.
func TestItemsInCategory(t *testing.T) {
	s := catalogstore.New(storagetest.Open(t), nil)
	apply := func(items ...catalog.Item) {
		t.Helper()
		cats := []catalog.Category{{Name: "饮料", Colour: "#3366FF", Order: 1}, {Name: "食品", Colour: "#FF9900", Order: 2}}
		if _, err := s.Apply(catalogstore.Changes{Categories: cats, Items: items}); err != nil {
			t.Fatal(err)
		}
	}
	item := func(id, name, cat string, active bool) catalog.Item {
		return catalog.Item{ID: id, Name: name, Price: 100, Category: cat, Unit: catalog.UnitPiece, Active: active}
	}
	apply(item("2", "雪碧", "饮料", true), item("1", "可乐", "饮料", true), item("3", "面包", "食品", true), item("4", "旧茶", "饮料", false))
	x := counter.NewItems(s)
	names := func(cat string, limit int) (out []string) {
		t.Helper()
		items, err := x.InCategory(cat, limit)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			out = append(out, it.Name)
		}
		return out
	}
	if got := names("饮料", 10); len(got) != 2 || got[0] != "可乐" || got[1] != "雪碧" {
		t.Fatalf("drinks %v, want [可乐 雪碧] (the inactive tea left out)", got)
	}
	if got := names("饮料", 1); len(got) != 1 {
		t.Fatalf("limit 1 gave %v", got)
	}
	apply(item("5", "果汁", "饮料", true))
	if got := names("饮料", 10); len(got) != 3 {
		t.Fatalf("after an import: %v, want three drinks", got)
	}
}
