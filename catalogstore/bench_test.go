package catalogstore_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/wxpos/wxpos/catalog"
	"github.com/wxpos/wxpos/catalogstore"
	"github.com/wxpos/wxpos/storage"
)

// ean13 is the n-th EAN-13 of a made-up Chinese maker (690…).
func ean13(n int) string {
	body := fmt.Sprintf("690%09d", n)
	return body + string(catalog.CheckDigit(body))
}

// Items makes n distinct items with one barcode each.
func Items(n int) []catalog.Item {
	items := make([]catalog.Item, n)
	for i := range items {
		items[i] = catalog.Item{ID: fmt.Sprintf("I%06d", i), Name: fmt.Sprintf("商品%d号", i), NameEN: fmt.Sprintf("Item %d", i),
			Price: int64(100 + i%9900), Barcodes: []string{ean13(i)}, Unit: catalog.UnitPiece, Active: true}
	}
	return items
}

// BenchmarkLookupByBarcode100k is the goal of issue #22: a barcode found in
// a 100 000-item catalogue in ≤ 50 µs.
func BenchmarkLookupByBarcode100k(b *testing.B) {
	const n = 100_000
	db, err := storage.Open(b.TempDir()+"/wxpos.db", &storage.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	s := catalogstore.New(db, nil)
	items := Items(n)
	if _, err := s.Apply(catalogstore.Changes{Items: items}); err != nil {
		b.Fatal(err)
	}
	lookup(b, s, items)
}

// BenchmarkIndexByBarcode100k is the same lookup in catalog.Index, the
// catalogue held in memory: the floor a database lookup is measured
// against.
func BenchmarkIndexByBarcode100k(b *testing.B) {
	x := catalog.NewIndex()
	items := Items(100_000)
	for _, it := range items {
		if err := x.Put(it); err != nil {
			b.Fatal(err)
		}
	}
	lookup(b, x, items)
}

// lookup finds items by barcode, striding over the catalogue. cpu-µs/op
// is the process's CPU time per lookup: on a shared machine the wall time
// is mostly waiting for a core.
func lookup(b *testing.B, l catalog.Lookup, items []catalog.Item) {
	i := 0
	cpu := cpuTime()
	for b.Loop() {
		i = (i + 7919) % len(items)
		it, err := l.ByBarcode(items[i].Barcodes[0])
		if err != nil || it.Price != items[i].Price {
			b.Fatalf("%d: %+v, %v", i, it, err)
		}
	}
	b.ReportMetric(float64(cpuTime()-cpu)/float64(time.Microsecond)/float64(b.N), "cpu-µs/op")
}

// BenchmarkApply100k writes a 100 000-item catalogue into an empty
// database in one commit (the import's write half).
func BenchmarkApply100k(b *testing.B) {
	items := Items(100_000)
	for b.Loop() {
		b.StopTimer()
		db, err := storage.Open(b.TempDir()+"/wxpos.db", nil)
		if err != nil {
			b.Fatal(err)
		}
		s := catalogstore.New(db, nil)
		b.StartTimer()
		if _, err := s.Apply(catalogstore.Changes{Items: items}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
}

// BenchmarkSearch100k is a search that matches nothing: the whole search
// bucket is read.
func BenchmarkSearch100k(b *testing.B) {
	db, err := storage.Open(b.TempDir()+"/wxpos.db", &storage.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	s := catalogstore.New(db, nil)
	if _, err := s.Apply(catalogstore.Changes{Items: Items(100_000)}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if got, err := s.Search("zzqx", 20); err != nil || len(got) != 0 {
			b.Fatal(got, err)
		}
	}
}
