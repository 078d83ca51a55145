package storage

import (
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// SchemaVersion is the schema this build writes. Bump it only together with
// a new entry in migrations and a test that migrates a file of the previous
// version.
const SchemaVersion = 6

// PreMigrationBackup names the copy of the database at path that Open keeps
// before migrating it from schema from: "wxpos.db.schema4.bak" beside it. A
// wxpos of that schema's era opens it (after `wxpos restore`, or renamed).
func PreMigrationBackup(path string, from uint64) string {
	return fmt.Sprintf("%s.schema%d.bak", path, from)
}

// migration moves a database from version to-1 to version to, inside the
// same transaction as the version bump.
type migration struct {
	to   uint64
	name string
	run  func(tx *bolt.Tx) error
}

var migrations = []migration{
	{to: 1, name: "create the buckets of docs/DESIGN.md §5", run: func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists([]byte(b)); err != nil {
				return err
			}
		}
		return tx.Bucket([]byte(BucketMeta)).Put([]byte("app"), []byte(appMarker))
	}},
	{to: 2, name: "index sales and refunds by business day, record closed days", run: indexBusinessDays},
	{to: 3, name: "outcomes the cashier has not acknowledged", run: func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists([]byte(BucketUnseen))
		return err
	}},
	// Order numbers minted from the sequences alone repeat on a new or
	// restored database; the epoch (lineage.go) makes them unique for ever.
	// A new file gets its epoch here too, so there is one way to get one.
	{to: 4, name: "give the database an installation epoch", run: func(tx *bolt.Tx) error {
		return setLineage(tx, Lineage{Epoch: newEpoch()})
	}},
	{to: 5, name: "the catalogue: items, their barcode and scale-code indexes, categories", run: func(tx *bolt.Tx) error {
		for _, b := range catalogBuckets {
			if _, err := tx.CreateBucketIfNotExists([]byte(b)); err != nil {
				return err
			}
		}
		return nil
	}},
	// A terminal upgraded here has nobody signed in: the first person to
	// sign in (any active user, a manager included) opens the first shift.
	{to: 6, name: "the till and the cashiers' shifts", run: func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists([]byte(BucketShifts))
		return err
	}},
}

// indexBusinessDays adds the buckets of business days and fills them from
// the records a version 1 file holds. A sale or refund of version 1 has no
// BusinessDay: it counts on the day it was paid or refunded, as the Z
// reports of version 1 counted it, so closed days stay exact.
func indexBusinessDays(btx *bolt.Tx) error {
	for _, b := range []Bucket{BucketSalesByDay, BucketRefundsByDay, BucketClosedDays} {
		if _, err := btx.CreateBucketIfNotExists([]byte(b)); err != nil {
			return err
		}
	}
	t := &Tx{tx: btx}
	err := t.EachOrder(func(o *Order) error {
		if o.Foreign || o.SaleDay() == "" {
			return nil
		}
		return t.PutRaw(BucketSalesByDay, dayIndexKey(o.SaleDay(), o.OutTradeNo), []byte{})
	})
	if err != nil {
		return err
	}
	if err := t.EachRefund(t.indexRefund); err != nil {
		return err
	}
	// The days already closed are those with a Z report: package report
	// keeps "z/<number>" → yyyymmdd in the sessions bucket (report/doc.go).
	return t.ForEach(BucketSessions, "z/", func(_ string, v []byte) error {
		return t.CloseDay(string(v))
	})
}

var versionKey = []byte("schema_version")

func readVersion(tx *bolt.Tx) uint64 {
	meta := tx.Bucket([]byte(BucketMeta))
	if meta == nil {
		return 0
	}
	v := meta.Get(versionKey)
	if len(v) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(v)
}

func checkVersion(tx *bolt.Tx) error {
	if v := readVersion(tx); v > SchemaVersion {
		return fmt.Errorf("%w: file has schema %d, this build knows up to %d", ErrSchemaTooNew, v, SchemaVersion)
	}
	return nil
}

// migrate applies every pending migration, each in its own transaction, so
// a crash between two leaves a consistent, resumable file.
func (s *Store) migrate() error {
	return s.migrateTo(SchemaVersion, migrations)
}

func (s *Store) migrateTo(target uint64, steps []migration) error {
	// A read first: a file already at the schema is opened without a
	// commit (each costs two fdatasync, on every `wxpos` command).
	start, err := s.Version()
	if err != nil {
		return err
	}
	if start > 0 && start < target && s.path != "" {
		// An upgrade keeps the file as it was, in case the new build has to
		// be rolled back: the older binary refuses the migrated file.
		if _, err := s.BackupFile(PreMigrationBackup(s.path, start)); err != nil {
			return fmt.Errorf("backup before migrating from schema %d: %w", start, err)
		}
	}
	for _, m := range steps {
		if m.to > target {
			break
		}
		if m.to <= start {
			continue
		}
		err := s.db.Update(func(tx *bolt.Tx) error {
			cur := readVersion(tx)
			if cur > target {
				return fmt.Errorf("%w: file has schema %d, this build knows up to %d", ErrSchemaTooNew, cur, target)
			}
			if cur >= m.to {
				return nil
			}
			if cur != m.to-1 {
				return fmt.Errorf("migration %d (%s): file is at schema %d", m.to, m.name, cur)
			}
			if err := m.run(tx); err != nil {
				return fmt.Errorf("migration %d (%s): %w", m.to, m.name, err)
			}
			meta, err := tx.CreateBucketIfNotExists([]byte(BucketMeta))
			if err != nil {
				return err
			}
			return meta.Put(versionKey, u64key(m.to))
		})
		if err != nil {
			return err
		}
	}
	return s.db.View(func(tx *bolt.Tx) error {
		if v := readVersion(tx); v > target {
			return fmt.Errorf("%w: file has schema %d, this build knows up to %d", ErrSchemaTooNew, v, target)
		}
		return nil
	})
}

// Version reports the schema version stored in the file.
func (s *Store) Version() (uint64, error) {
	var v uint64
	err := s.db.View(func(tx *bolt.Tx) error { v = readVersion(tx); return nil })
	return v, err
}
