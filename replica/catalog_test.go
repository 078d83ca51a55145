package replica

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/wxpos/wxpos/catalog"
	"github.com/wxpos/wxpos/catalogstore"
	"github.com/wxpos/wxpos/storage/storagetest"
)

func hqItem(id, name string, price int64, barcode string) catalog.Item {
	return catalog.Item{ID: id, Name: name, Price: price, Barcodes: []string{barcode}, Category: "饮料", Unit: catalog.UnitPiece, Active: true}
}

// TestCatalogHQToTerminalThroughOutage: head office owns the catalogue in
// PostgreSQL; a terminal pulls what changed by version, keeps selling from
// its last copy while PostgreSQL is down, and catches up when it is back —
// with only what changed after the version it had.
func TestCatalogHQToTerminalThroughOutage(t *testing.T) {
	cl := controllable(t)
	pool := poolOn(t, cl, Config{MaxConns: 4, ConnectTimeout: time.Second})
	ctx := context.Background()
	drinks := catalog.Category{Name: "饮料", Colour: "#3366ff", Order: 1}
	cola, water := hqItem("cola", "可口可乐", 350, "6901234567892"), hqItem("water", "农夫山泉", 200, "96385074")

	imp, err := ImportCatalog(ctx, pool, nil, catalogstore.Changes{Categories: []catalog.Category{drinks}, Items: []catalog.Item{cola, water}})
	if err != nil || imp.ItemsChanged != 2 || imp.CatsChanged != 1 {
		t.Fatalf("first HQ import = %+v, %v", imp, err)
	}
	v1 := imp.Version

	term := catalogstore.New(storagetest.Open(t), nil)
	ch, _, err := PullCatalog(ctx, pool, term)
	if err != nil || ch.Version != v1 || len(ch.Items) != 2 {
		t.Fatalf("first pull = %+v, %v", ch, err)
	}
	if v, _ := term.HQVersion(); v != v1 {
		t.Fatalf("terminal at HQ version %d, want %d", v, v1)
	}

	// The same import again changes nothing and keeps the version.
	if imp, err := ImportCatalog(ctx, pool, nil, catalogstore.Changes{Categories: []catalog.Category{drinks}, Items: []catalog.Item{cola, water}}); err != nil || imp.Version != v1 || imp.ItemsChanged != 0 {
		t.Fatalf("repeated HQ import = %+v, %v", imp, err)
	}

	// PostgreSQL goes down: the pull fails, the till sells from its copy.
	if err := cl.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	down, cancel := context.WithTimeout(ctx, 3*time.Second)
	_, _, err = PullCatalog(down, pool, term)
	cancel()
	if err == nil {
		t.Fatal("a pull while PostgreSQL is down succeeded")
	}
	if it, err := catalog.Find(term, catalog.Classify("6901234567892")); err != nil || it.Price != 350 {
		t.Fatalf("selling from the last copy: %+v, %v", it, err)
	}
	if v, _ := term.HQVersion(); v != v1 {
		t.Errorf("a failed pull moved the HQ version to %d", v)
	}

	if err := cl.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	// Head office changes a price and adds an item; the terminal pulls
	// only those two.
	cola.Price = 380
	tea := hqItem("tea", "康师傅冰红茶", 300, "4006381333931")
	pool.Reset() // the connections of before the restart are dead
	imp2, err := ImportCatalog(ctx, pool, nil, catalogstore.Changes{Items: []catalog.Item{cola, water, tea}})
	if err != nil || imp2.ItemsChanged != 2 || imp2.Version <= v1 {
		t.Fatalf("second HQ import = %+v, %v", imp2, err)
	}
	ch, res, err := PullCatalog(ctx, pool, term)
	if err != nil || ch.Since != v1 || ch.Version != imp2.Version || len(ch.Items) != 2 || catalogstore.Count(res.Items, catalogstore.Added) != 1 {
		t.Fatalf("second pull = %+v %+v, %v", ch, res, err)
	}
	if it, _ := term.ByBarcode("6901234567892"); it.Price != 380 {
		t.Errorf("cola after the pull costs %d, want 380", it.Price)
	}
	if it, err := term.ByBarcode("4006381333931"); err != nil || it.ID != "tea" {
		t.Errorf("tea after the pull: %+v, %v", it, err)
	}
	// Nothing new: a pull applies nothing and keeps the version.
	if ch, res, err := PullCatalog(ctx, pool, term); err != nil || len(ch.Items) != 0 || catalogstore.Count(res.Items, catalogstore.Added) != 0 {
		t.Errorf("idle pull = %+v %+v, %v", ch, res, err)
	}
}

func TestCatalogHQRefusesAcrossTheCatalogue(t *testing.T) {
	pool := migrated(t)
	ctx := context.Background()
	drinks := catalog.Category{Name: "饮料", Colour: "#3366ff"}
	imp, err := ImportCatalog(ctx, pool, nil, catalogstore.Changes{Categories: []catalog.Category{drinks}, Items: []catalog.Item{hqItem("cola", "可口可乐", 350, "6901234567892")}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		ch   catalogstore.Changes
	}{
		{"barcode of a stored item", catalogstore.Changes{Items: []catalog.Item{hqItem("copy", "仿冒", 100, "6901234567892")}}},
		{"unknown category", catalogstore.Changes{Items: []catalog.Item{{ID: "x", Name: "x", Price: 1, Category: "水果", Unit: catalog.UnitPiece}}}},
		{"bad check digit", catalogstore.Changes{Items: []catalog.Item{hqItem("y", "y", 1, "6901234567891")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ImportCatalog(ctx, pool, nil, tt.ch)
			if !errors.Is(err, ErrCatalogRefused) {
				t.Fatalf("ImportCatalog = %v, want ErrCatalogRefused", err)
			}
			ch, err := CatalogSince(ctx, pool, 0)
			if err != nil || ch.Version != imp.Version || len(ch.Items) != 1 {
				t.Errorf("after a refusal: %+v, %v", ch, err)
			}
		})
	}
}
