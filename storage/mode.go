package storage

import (
	"encoding/json"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Mode is whose books a database holds: training sales on the simulator or
// live sales that moved real money. A database never switches: training
// sales must never reach a live report, Z, replication or export.
type Mode string

// Modes.
const (
	ModeTraining Mode = "training"
	ModeLive     Mode = "live"
)

// ErrModeMismatch is returned by ClaimMode when the database holds the
// other mode's books.
var ErrModeMismatch = errors.New("the database holds other books")

var modeKey = []byte("mode")

// Mode returns the mode recorded in the meta bucket. A database written
// before modes were recorded has none; its mode is then inferred from its
// orders (any live order: live; only training orders: training) and is ""
// when it holds no order at all.
func (s *Store) Mode() (Mode, error) {
	var m Mode
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		m, err = readMode(tx)
		return err
	})
	return m, err
}

func readMode(tx *bolt.Tx) (Mode, error) {
	if meta := tx.Bucket([]byte(BucketMeta)); meta != nil {
		if v := meta.Get(modeKey); v != nil {
			return Mode(v), nil
		}
	}
	orders := tx.Bucket([]byte(BucketOrders))
	if orders == nil {
		return "", nil
	}
	var m Mode
	err := orders.ForEach(func(k, v []byte) error {
		var o struct {
			Training bool `json:"training"`
		}
		if err := json.Unmarshal(v, &o); err != nil {
			return fmt.Errorf("order %s: %w", k, err)
		}
		if !o.Training {
			m = ModeLive
			return errStopWalk
		}
		m = ModeTraining
		return nil
	})
	if errors.Is(err, errStopWalk) {
		err = nil
	}
	return m, err
}

var errStopWalk = errors.New("stop")

// ClaimMode makes sure the database holds m's books. A database with no
// mode recorded yet (new, or older) is marked m once, unless its orders
// show the other mode's books; one that holds the other mode's books is
// refused with ErrModeMismatch and left untouched. A read-only store is
// checked, never marked.
func (s *Store) ClaimMode(m Mode) error {
	if m != ModeTraining && m != ModeLive {
		return fmt.Errorf("claim mode %q: not a mode", m)
	}
	var have Mode
	var recorded bool
	err := s.db.View(func(tx *bolt.Tx) error {
		recorded = tx.Bucket([]byte(BucketMeta)).Get(modeKey) != nil
		var err error
		have, err = readMode(tx)
		return err
	})
	switch {
	case err != nil:
		return fmt.Errorf("%s: mode: %w", s.path, err)
	case have != "" && have != m:
		return fmt.Errorf("%s: %w: it holds %s books, this run is %s", s.path, ErrModeMismatch, have, m)
	case recorded || s.db.IsReadOnly():
		return nil
	}
	return s.Update(func(tx *Tx) error {
		meta, err := tx.bucket(BucketMeta)
		if err != nil {
			return err
		}
		return meta.Put(modeKey, []byte(m))
	})
}
