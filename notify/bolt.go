package notify

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Buckets of the notification file: the records by Seq, the two
// deduplication indexes pointing at them, the refused deliveries (a ring of
// MaxRefusals) and the consumers' cursors.
var (
	bucketRecords  = []byte("records")
	bucketIDs      = []byte("ids")
	bucketKeys     = []byte("keys")
	bucketRefusals = []byte("refusals")
	bucketCursors  = []byte("cursors")
)

// MaxRefusals is how many refused deliveries a BoltSink keeps: enough for
// an operator to see an attack or a wrong key, bounded so garbage posted
// at the endpoint cannot fill the disk.
const MaxRefusals = 10000

// BoltSink is the Sink of a single store: a bbolt file of its own beside
// the terminal's database. Concurrent Accepts share one fsync (bolt.Batch),
// which is what keeps the answer fast under a burst.
type BoltSink struct {
	db *bolt.DB
}

var _ Sink = (*BoltSink)(nil)

// OpenBolt opens (creating) the notification file at path.
func OpenBolt(path string) (*BoltSink, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("notify: open %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketRecords, bucketIDs, bucketKeys, bucketRefusals, bucketCursors} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("notify: init %s: %w", path, err)
	}
	return &BoltSink{db: db}, nil
}

// Close closes the file.
func (s *BoltSink) Close() error { return s.db.Close() }

func u64(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

// Accept implements Sink.
func (s *BoltSink) Accept(ctx context.Context, r *Record) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	var dup bool
	var seq uint64
	// Batch may run fn more than once: every result is set inside.
	err := s.db.Batch(func(tx *bolt.Tx) error {
		dup, seq = false, 0
		ids, keys, recs := tx.Bucket(bucketIDs), tx.Bucket(bucketKeys), tx.Bucket(bucketRecords)
		if ids.Get([]byte(r.ID)) != nil || keys.Get([]byte(r.Key())) != nil {
			dup = true
			return nil
		}
		n, err := recs.NextSequence()
		if err != nil {
			return err
		}
		rec := *r
		rec.Seq = n
		b, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		k := u64(n)
		if err := recs.Put(k, b); err != nil {
			return err
		}
		if err := ids.Put([]byte(r.ID), k); err != nil {
			return err
		}
		seq = n
		return keys.Put([]byte(r.Key()), k)
	})
	if err != nil {
		return false, fmt.Errorf("notify: record %s: %w", r.ID, err)
	}
	if !dup {
		r.Seq = seq
	}
	return dup, nil
}

// Refuse implements Sink. The oldest refusal beyond MaxRefusals goes.
func (s *BoltSink) Refuse(ctx context.Context, f *Refusal) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Batch(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRefusals)
		n, err := b.NextSequence()
		if err != nil {
			return err
		}
		v := *f
		v.Seq = n
		raw, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if n > MaxRefusals {
			if err := b.Delete(u64(n - MaxRefusals)); err != nil {
				return err
			}
		}
		return b.Put(u64(n), raw)
	})
}

// Since implements Sink.
func (s *BoltSink) Since(ctx context.Context, after uint64, limit int) ([]Record, error) {
	var out []Record
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketRecords).Cursor()
		for k, v := c.Seek(u64(after + 1)); k != nil && len(out) < limit; k, v = c.Next() {
			var r Record
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("record %d: %w", binary.BigEndian.Uint64(k), err)
			}
			out = append(out, r)
		}
		return ctx.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("notify: read records: %w", err)
	}
	return out, nil
}

// Refusals implements Sink.
func (s *BoltSink) Refusals(ctx context.Context, limit int) ([]Refusal, error) {
	var out []Refusal
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketRefusals).Cursor()
		for k, v := c.Last(); k != nil && len(out) < limit; k, v = c.Prev() {
			var f Refusal
			if err := json.Unmarshal(v, &f); err != nil {
				return err
			}
			out = append(out, f)
		}
		return ctx.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("notify: read refusals: %w", err)
	}
	return out, nil
}

// Cursor implements Sink.
func (s *BoltSink) Cursor(_ context.Context, consumer string) (uint64, error) {
	var n uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketCursors).Get([]byte(consumer)); len(v) == 8 {
			n = binary.BigEndian.Uint64(v)
		}
		return nil
	})
	return n, err
}

// SetCursor implements Sink.
func (s *BoltSink) SetCursor(_ context.Context, consumer string, seq uint64) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketCursors).Put([]byte(consumer), u64(seq))
	})
}
