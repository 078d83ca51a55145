package storage

import (
	"errors"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

func TestMigrate_FromEmptyAndRefuseNewer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wxpos.db")
	s, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Version(); v != SchemaVersion {
		t.Fatalf("new file at schema %d, want %d", v, SchemaVersion)
	}
	// A hypothetical version 2 adds a bucket; applying it moves the file on.
	next := append(append([]migration{}, migrations...), migration{to: 2, name: "test", run: func(tx *bolt.Tx) error {
		_, err := tx.CreateBucket([]byte("v2only"))
		return err
	}})
	if err := s.migrateTo(2, next); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Version(); v != 2 {
		t.Fatalf("after migration schema %d, want 2", v)
	}
	s.Close()
	// This build knows only SchemaVersion: a file at 2 is refused.
	_, err = Open(path, nil)
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("got %v, want ErrSchemaTooNew", err)
	}
}

func TestMigrate_ResumesPartialFile(t *testing.T) {
	// A file created by bbolt with no buckets (a crash right after creation)
	// is initialised, not refused.
	path := filepath.Join(t.TempDir(), "wxpos.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, _ := s.Version(); v != SchemaVersion {
		t.Fatalf("schema %d, want %d", v, SchemaVersion)
	}
}
