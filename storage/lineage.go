package storage

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Lineage tells this database apart from every other database that ever
// took payments for the same merchant with the same store and terminal ids:
// a new install, a reinstall on an empty data directory and every restore of
// a backup. The payment core puts Epoch in each out_trade_no and
// out_refund_no, so a number is never minted twice for one merchant even
// when the sequences behind them start again.
type Lineage struct {
	// Epoch is EpochLen random characters of [A-Z2-7], minted when the file
	// is created (or migrated to schema 2) and again on every restore.
	Epoch string
	// Generation counts the restores in this file's history: 0 for a
	// database that was never restored. Receipt numbers carry it.
	Generation uint64
}

// EpochLen is the length of an epoch: 30 random bits, so two installs of the
// same store and terminal ids share one with a chance of about one in a
// billion.
const EpochLen = 6

var (
	epochKey      = []byte("epoch")
	generationKey = []byte("generation")
)

// newEpoch draws a fresh epoch. crypto/rand's Text is base32 ([A-Z2-7]):
// letters and digits only, valid in an out_trade_no and unambiguous to read.
func newEpoch() string { return rand.Text()[:EpochLen] }

// setLineage writes l into the meta bucket.
func setLineage(tx *bolt.Tx, l Lineage) error {
	meta := tx.Bucket([]byte(BucketMeta))
	if meta == nil {
		return fmt.Errorf("bucket %s missing: %w", BucketMeta, ErrNotDatabase)
	}
	if err := meta.Put(epochKey, []byte(l.Epoch)); err != nil {
		return fmt.Errorf("epoch: %w", err)
	}
	if err := meta.Put(generationKey, u64key(l.Generation)); err != nil {
		return fmt.Errorf("generation: %w", err)
	}
	return nil
}

// readLineage reads the meta bucket's lineage; a file before schema 2 has
// none (zero Lineage).
func readLineage(tx *bolt.Tx) Lineage {
	meta := tx.Bucket([]byte(BucketMeta))
	if meta == nil {
		return Lineage{}
	}
	l := Lineage{Epoch: string(meta.Get(epochKey))}
	if g := meta.Get(generationKey); len(g) == 8 {
		l.Generation = binary.BigEndian.Uint64(g)
	}
	return l
}

// Lineage returns the database's epoch and restore generation.
func (s *Store) Lineage() (Lineage, error) {
	var l Lineage
	err := s.db.View(func(tx *bolt.Tx) error {
		l = readLineage(tx)
		if l.Epoch == "" {
			return fmt.Errorf("lineage: %w: no epoch in the meta bucket", ErrNotDatabase)
		}
		return nil
	})
	return l, err
}
