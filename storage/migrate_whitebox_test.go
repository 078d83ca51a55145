package storage

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/wxpos/wxpos/tz"
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
	// A hypothetical next version adds a bucket; applying it moves the file on.
	next := append(append([]migration{}, migrations...), migration{to: SchemaVersion + 1, name: "test", run: func(tx *bolt.Tx) error {
		_, err := tx.CreateBucket([]byte("v2only"))
		return err
	}})
	if err := s.migrateTo(SchemaVersion+1, next); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Version(); v != SchemaVersion+1 {
		t.Fatalf("after migration schema %d, want %d", v, SchemaVersion+1)
	}
	s.Close()
	// The file as it was before the migration is kept beside it, and this
	// build opens it.
	bak, err := Open(PreMigrationBackup(path, SchemaVersion), &Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("pre-migration backup: %v", err)
	}
	if v, _ := bak.Version(); v != SchemaVersion {
		t.Errorf("backup at schema %d, want %d", v, SchemaVersion)
	}
	bak.Close()
	if _, err := os.Stat(PreMigrationBackup(path, 0)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a new file was backed up before its first migration: %v", err)
	}
	// This build knows only SchemaVersion: a file past it is refused.
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

// TestMigrate_IndexesBusinessDays builds a version 1 file the way version 1
// wrote it and checks that version 2 indexes its sales and refunds by the
// day they counted on then, and knows the days whose Z was taken.
func TestMigrate_IndexesBusinessDays(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wxpos.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	v1 := &Store{db: db, path: path}
	if err := v1.migrateTo(1, migrations); err != nil {
		t.Fatal(err)
	}
	paid := time.Date(2026, 12, 3, 23, 30, 0, 0, tz.Shanghai) // 15:30 UTC
	err = v1.db.Update(func(btx *bolt.Tx) error {
		tx := &Tx{tx: btx}
		for _, o := range []*Order{
			{OutTradeNo: "P1", State: "PAID", CreatedAt: paid, PaidAt: paid, Day: "20261203"},
			{OutTradeNo: "P2", State: "FAILED", CreatedAt: paid, Day: "20261203"},
			{OutTradeNo: "P3", State: "PAID", CreatedAt: paid, PaidAt: paid, Foreign: true},
		} {
			rec := *o
			if err := tx.Put(BucketOrders, o.OutTradeNo, rec); err != nil { // version 1: no sales index
				return err
			}
		}
		r := Refund{OutRefundNo: "R1", OutTradeNo: "P1", State: "SUCCESS", CreatedAt: paid, SuccessAt: paid.Add(time.Hour)}
		if err := tx.Put(BucketRefunds, "R1", r); err != nil {
			return err
		}
		if err := tx.PutRaw(BucketRefunds, refundIndexKey("P1", "R1"), []byte{}); err != nil {
			return err
		}
		return tx.PutRaw(BucketSessions, "z/0000000001", []byte("20261202"))
	})
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
	err = s.View(func(tx *Tx) error {
		sales, err := tx.SalesOnDay("20261203")
		if err != nil || len(sales) != 1 || sales[0].OutTradeNo != "P1" {
			t.Errorf("sales of 20261203: %v %v, want P1 only", sales, err)
		}
		created, _ := tx.RefundsOnDay("20261203")
		settled, _ := tx.RefundsOnDay("20261204") // succeeded 00:30 on the 4th
		if len(created) != 1 || len(settled) != 1 {
			t.Errorf("refund R1 indexed on %d/%d of its days, want 1/1", len(created), len(settled))
		}
		if !tx.DayClosed("20261202") || tx.DayClosed("20261203") {
			t.Error("closed days not taken from the Z reports")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A file written by a version-2 build (before BucketUnseen) is moved on at
// open, keeping its records, and gets the unseen bucket.
func TestMigrate_AddsUnseen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wxpos.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	v2 := &Store{db: db, path: path}
	if err := v2.migrateTo(2, migrations); err != nil {
		t.Fatal(err)
	}
	err = v2.db.Update(func(btx *bolt.Tx) error {
		if btx.Bucket([]byte(BucketUnseen)) != nil {
			t.Error("a version 2 file has the unseen bucket")
		}
		return (&Tx{tx: btx}).Put(BucketOrders, "P1", Order{OutTradeNo: "P1", State: "PAID"})
	})
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
		t.Fatalf("schema %d after open, want %d", v, SchemaVersion)
	}
	err = s.Update(func(tx *Tx) error {
		if _, err := tx.GetOrder("P1"); err != nil {
			return err
		}
		return tx.PutRaw(BucketUnseen, "P1", []byte{})
	})
	if err != nil {
		t.Fatalf("after migration: %v", err)
	}
}

// openAtSchema1 writes a database as a build of schema 1 left it: its
// buckets, no epoch, and one order in the number format before epochs.
func openAtSchema1(t *testing.T, path string) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := &Store{db: db, path: path}
	if err := s.migrateTo(1, migrations); err != nil {
		t.Fatal(err)
	}
	if err := s.db.Update(func(btx *bolt.Tx) error {
		o := Order{OutTradeNo: "PS1-T1-00000001", State: "PAID", AmountFen: 5, ReceiptNo: "S1-T1-000001",
			CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
		return (&Tx{tx: btx}).Put(BucketOrders, o.OutTradeNo, o) // as version 1 wrote it
	}); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Version(); v != 1 {
		t.Fatalf("old file at schema %d, want 1", v)
	}
	if l := s.lineageRaw(); l.Epoch != "" {
		t.Fatalf("a schema-1 file has epoch %q", l.Epoch)
	}
	db.Close()
}

func (s *Store) lineageRaw() (l Lineage) {
	s.db.View(func(tx *bolt.Tx) error { l = readLineage(tx); return nil })
	return l
}

func TestMigrate_OldFileGetsAnEpochAndKeepsItsOrders(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wxpos.db")
	openAtSchema1(t, path)

	s, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Version(); v != SchemaVersion {
		t.Fatalf("migrated file at schema %d, want %d", v, SchemaVersion)
	}
	l, err := s.Lineage()
	if err != nil {
		t.Fatal(err)
	}
	if !epochPattern.MatchString(l.Epoch) || l.Generation != 0 {
		t.Fatalf("lineage after migration %+v, want a %d-character epoch and generation 0", l, EpochLen)
	}
	var o *Order
	if err := s.View(func(tx *Tx) error { o, err = tx.GetOrder("PS1-T1-00000001"); return err }); err != nil {
		t.Fatalf("old order after migration: %v", err)
	}
	if o.AmountFen != 5 || o.ReceiptNo != "S1-T1-000001" || o.State != "PAID" {
		t.Fatalf("old order changed by the migration: %+v", o)
	}
	s.Close()

	// The epoch is minted once: reopening keeps it.
	s, err = Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if again, _ := s.Lineage(); again != l {
		t.Fatalf("reopen changed the lineage from %+v to %+v", l, again)
	}
}

func TestNewDatabasesGetDistinctEpochs(t *testing.T) {
	dir := t.TempDir()
	seen := map[string]bool{}
	for i := range 5 {
		s, err := Open(filepath.Join(dir, fmt.Sprintf("db%d", i)), nil)
		if err != nil {
			t.Fatal(err)
		}
		l, err := s.Lineage()
		s.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !epochPattern.MatchString(l.Epoch) {
			t.Fatalf("epoch %q is not %d characters of [A-Z2-7]", l.Epoch, EpochLen)
		}
		if seen[l.Epoch] {
			t.Fatalf("epoch %q minted twice", l.Epoch)
		}
		seen[l.Epoch] = true
	}
}

var epochPattern = regexp.MustCompile(`^[A-Z2-7]{6}$`)

// Opening a file already at the schema writes nothing: no commit, so no
// fdatasync, on every command that opens the database.
func TestMigrate_CurrentFileOpensWithoutCommit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wxpos.db")
	txid := func() int {
		s, err := Open(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		var id int
		s.db.View(func(tx *bolt.Tx) error { id = tx.ID(); return nil })
		return id
	}
	first := txid()
	if again := txid(); again != first {
		t.Fatalf("reopening a current file committed %d transactions", again-first)
	}
}

func TestMigrate_AddsTheCatalogue(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wxpos.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	v4 := &Store{db: db, path: path}
	if err := v4.migrateTo(4, migrations); err != nil {
		t.Fatal(err)
	}
	err = v4.db.Update(func(btx *bolt.Tx) error {
		for _, b := range catalogBuckets {
			if btx.Bucket([]byte(b)) != nil {
				t.Errorf("a version 4 file has the %s bucket", b)
			}
		}
		return (&Tx{tx: btx}).Put(BucketOrders, "P1", Order{OutTradeNo: "P1", State: "PAID"})
	})
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
		t.Fatalf("schema %d after open, want %d", v, SchemaVersion)
	}
	err = s.Update(func(tx *Tx) error {
		if _, err := tx.GetOrder("P1"); err != nil {
			return err
		}
		for _, b := range catalogBuckets {
			if err := tx.PutRaw(b, "k", []byte("v")); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("after migration: %v", err)
	}
}
