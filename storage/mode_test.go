package storage_test

import (
	"errors"
	"testing"

	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/storage/storagetest"
)

// TestClaimMode: a database keeps the books it was created for; one from
// before modes were recorded is judged by its orders.
func TestClaimMode(t *testing.T) {
	putOrder := func(t *testing.T, s *storage.Store, no string, training bool) {
		t.Helper()
		if err := s.Update(func(tx *storage.Tx) error {
			return tx.Put(storage.BucketOrders, no, map[string]any{"v": 1, "out_trade_no": no, "training": training})
		}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name   string
		orders []bool // training flag of each order written before any claim
		first  storage.Mode
		then   storage.Mode
		ok     bool
	}{
		{"new, same mode again", nil, storage.ModeLive, storage.ModeLive, true},
		{"new training, then live", nil, storage.ModeTraining, storage.ModeLive, false},
		{"new live, then training", nil, storage.ModeLive, storage.ModeTraining, false},
		{"old with training sales only, opened live", []bool{true, true}, "", storage.ModeLive, false},
		{"old with training sales only, opened training", []bool{true}, "", storage.ModeTraining, true},
		{"old with a live sale, opened training", []bool{true, false}, "", storage.ModeTraining, false},
		{"old without sales, opened live", nil, "", storage.ModeLive, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := storagetest.Open(t)
			for i, tr := range tc.orders {
				putOrder(t, s, string(rune('A'+i)), tr)
			}
			if tc.first != "" {
				if err := s.ClaimMode(tc.first); err != nil {
					t.Fatalf("first claim: %v", err)
				}
				s = storagetest.Reopen(t, s)
			}
			err := s.ClaimMode(tc.then)
			if tc.ok != (err == nil) || (err != nil && !errors.Is(err, storage.ErrModeMismatch)) {
				t.Fatalf("claim %s: %v, want ok=%v", tc.then, err, tc.ok)
			}
			got, err := storagetest.Reopen(t, s).Mode()
			if err != nil {
				t.Fatal(err)
			}
			want := tc.then
			if !tc.ok {
				want = tc.first
				if want == "" { // inferred from the orders, not recorded
					want = map[bool]storage.Mode{true: storage.ModeTraining, false: storage.ModeLive}[tc.then == storage.ModeLive]
				}
			}
			if got != want {
				t.Fatalf("mode after reopen %q, want %q", got, want)
			}
		})
	}
}
