package storage_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/storage/storagetest"
)

// BenchmarkTransition measures one durable payment transition: the order
// record, its event and the open-index entry in a single synced commit.
func BenchmarkTransition(b *testing.B) {
	s := storagetest.Open(b)
	start := s.Commits()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		no := fmt.Sprintf("S01T01%010d", i)
		err := s.Update(func(tx *storage.Tx) error {
			if err := tx.Put(storage.BucketOrders, no, record{V: 1, No: no, Amount: 1234}); err != nil {
				return err
			}
			if err := tx.PutRaw(storage.BucketOpen, no, nil); err != nil {
				return err
			}
			_, err := tx.AppendEvent(storage.Event{Kind: "order.transition", Ref: no, From: "NEW", To: "SUBMITTING"})
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(s.Commits()-start)/float64(b.N), "commits/op")
}

// BenchmarkOpen measures what every command pays to open an existing
// database at the current schema and close it: no commit, one mapping.
func BenchmarkOpen(b *testing.B) {
	path := filepath.Join(b.TempDir(), "wxpos.db")
	s, err := storage.Open(path, nil)
	if err != nil {
		b.Fatal(err)
	}
	s.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s, err := storage.Open(path, nil)
		if err != nil {
			b.Fatal(err)
		}
		if n := s.Commits(); n != 0 {
			b.Fatalf("opening a current database committed %d times", n)
		}
		s.Close()
	}
}
