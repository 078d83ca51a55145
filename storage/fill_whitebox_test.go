package storage

import (
	"fmt"
	"path/filepath"
	"testing"
)

// TestAppendOnlyBucketsFillTheirPages appends records with growing keys, one
// commit each as the payment core does, and checks that bbolt's leaf pages
// end up mostly full: with its default split at 50 % they stay half empty.
func TestAppendOnlyBucketsFillTheirPages(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "wxpos.db"), &Options{NoSync: true, Reserve: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range 3000 {
		err := s.Update(func(tx *Tx) error {
			no := fmt.Sprintf("S01-T01-%06d", i)
			if _, err := tx.AppendEvent(Event{Kind: "order.transition", Ref: no, From: "SUBMITTING", To: "PAID"}); err != nil {
				return err
			}
			return tx.PutRaw(BucketSalesByDay, dayIndexKey("20261204", no), []byte{})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	err = s.View(func(tx *Tx) error {
		for _, b := range []Bucket{BucketEvents, BucketSalesByDay} {
			st := tx.tx.Bucket([]byte(b)).Stats()
			fill := float64(st.LeafInuse) / float64(st.LeafAlloc)
			t.Logf("%s: %d leaf pages, %.0f %% used", b, st.LeafPageN, 100*fill)
			if fill < 0.85 {
				t.Errorf("%s leaf pages %.0f %% used, want ≥ 85 %%", b, 100*fill)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
