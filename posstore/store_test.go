package posstore_test

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/posstore"
	"github.com/wxpos/wxpos/storage"
)

// TestDiskFullMatchesFromBothSides: pos no longer links storage, yet a
// full disk met by storage (a day close, a PIN check) and one the payment
// store passes up must both match pos.ErrDiskFull, the one the window
// tests for, and storage.ErrDiskFull.
func TestDiskFullMatchesFromBothSides(t *testing.T) {
	db, err := storage.Open(filepath.Join(t.TempDir(), "full.db"), &storage.Options{MinFree: 1 << 62})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for name, err := range map[string]error{
		"storage.Room":  db.Room(),
		"posstore.Room": posstore.New(db).Room(),
	} {
		if err == nil {
			t.Fatalf("%s on a disk without 4 EiB free: no error", name)
		}
		if !errors.Is(err, pos.ErrDiskFull) || !errors.Is(err, storage.ErrDiskFull) {
			t.Errorf("%s: %v does not match both pos.ErrDiskFull and storage.ErrDiskFull", name, err)
		}
	}
}
