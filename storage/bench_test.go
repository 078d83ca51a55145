package storage_test

import (
	"fmt"
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
