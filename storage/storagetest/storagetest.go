// Package storagetest has helpers for tests that need a terminal database:
// a fresh one under t.TempDir, closed on cleanup, and a reopen that stands in
// for a crash and restart.
package storagetest

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/wxpos/wxpos/storage"
)

// Open creates a new database in a temporary directory and closes it when
// the test ends.
func Open(tb testing.TB) *storage.Store {
	tb.Helper()
	return OpenPath(tb, filepath.Join(tb.TempDir(), "wxpos.db"))
}

// OpenPath opens the database at path and closes it when the test ends.
func OpenPath(tb testing.TB, path string) *storage.Store {
	tb.Helper()
	s, err := storage.Open(path, nil)
	if err != nil {
		tb.Fatalf("open %s: %v", path, err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// Reopen closes s and opens the same file again, as a restart after a crash
// would: whatever was committed is there, nothing else.
func Reopen(tb testing.TB, s *storage.Store) *storage.Store {
	tb.Helper()
	path := s.Path()
	if err := s.Close(); err != nil {
		tb.Fatalf("close %s: %v", path, err)
	}
	return OpenPath(tb, path)
}

// SignIn records cashier as signed in at the till of s, with no shift
// open, as shiftstore would after a right PIN: for tests that sell and are
// not about signing in (the payment core refuses sales and refunds while
// nobody is signed in).
func SignIn(tb testing.TB, s *storage.Store, cashier string) {
	tb.Helper()
	err := s.Update(func(tx *storage.Tx) error {
		tl, err := tx.Till()
		if err != nil {
			return err
		}
		tl.Cashier, tl.Role, tl.Since, tl.Locked = cashier, "cashier", time.Now(), false
		return tx.PutTill(tl)
	})
	if err != nil {
		tb.Fatalf("sign in %s: %v", cashier, err)
	}
}
