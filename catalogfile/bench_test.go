package catalogfile_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/wxpos/wxpos/catalog"
	"github.com/wxpos/wxpos/catalogfile"
	"github.com/wxpos/wxpos/catalogstore"
	"github.com/wxpos/wxpos/internal/csvout"
	"github.com/wxpos/wxpos/storage"
)

// bigCSV is a catalogue of n items as export writes it, shuffled.
func bigCSV(b *testing.B, n int) []byte {
	items := make([]catalog.Item, n)
	for i := range items {
		body := fmt.Sprintf("690%09d", i)
		items[i] = catalog.Item{ID: fmt.Sprintf("I%06d", i), Name: fmt.Sprintf("商品%d号", i), NameEN: fmt.Sprintf("Item %d", i),
			Price: int64(100 + i%9900), Barcodes: []string{body + string(catalog.CheckDigit(body))}, Unit: catalog.UnitPiece, Active: true}
	}
	// A store's file is in no particular order of id or barcode.
	r := rand.New(rand.NewPCG(1, 2))
	r.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
	var buf bytes.Buffer
	if err := catalogfile.WriteCSV(&buf, csvout.English, nil, items); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkImport100k is issue #22's goal for `wxpos catalog import`: a
// 100 000-row CSV read, checked and written into an empty database, in
// ≤ 5 s. Each run opens a fresh database (not timed).
func BenchmarkImport100k(b *testing.B) {
	data := bigCSV(b, 100_000)
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		db, err := storage.Open(b.TempDir()+"/wxpos.db", nil)
		if err != nil {
			b.Fatal(err)
		}
		s := catalogstore.New(db, nil)
		b.StartTimer()
		c0 := cpuTime()
		book, err := catalogfile.ReadCSV("big.csv", data)
		if err != nil {
			b.Fatal(err)
		}
		p, errs := catalogfile.Parse(book, nil)
		if len(errs) > 0 {
			b.Fatal(errs[0])
		}
		if r, err := s.Apply(p.Changes); err != nil || catalogstore.Count(r.Items, catalogstore.Added) != 100_000 {
			b.Fatal(r.Version, err)
		}
		b.StopTimer()
		cpu += cpuTime() - c0
		if st, err := os.Stat(db.Path()); err == nil {
			b.ReportMetric(float64(st.Size())/(1<<20), "file-MiB")
		}
		db.Close()
		b.StartTimer()
	}
	// CPU time beside wall time: on a machine shared by many builds the
	// wall time is mostly waiting for a core.
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
}
