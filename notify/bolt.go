package notify

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"runtime"
	"strconv"
	"sync"
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
// the terminal's database. Accepts are group-committed: one writer
// goroutine commits whatever arrived while the previous commit was being
// made, in one transaction and one fsync, and answers each Accept only
// after that commit. An Accept alone is committed at once (no timer, unlike
// bolt.Batch's 10 ms), and a burst shares few fsyncs — which is what keeps
// the answer fast both ways.
type BoltSink struct {
	db      *bolt.DB
	queue   chan *accept
	stop    chan struct{}
	stopped chan struct{}
	closing sync.Once
}

// accept is one Accept waiting for the writer, and what the commit
// decided for it.
type accept struct {
	id, key []byte
	rec     Record
	dup     bool
	seq     uint64
	err     error
	done    chan struct{}
}

// maxGroup bounds one commit: a burst beyond it is the next commit.
const maxGroup = 512

var _ Sink = (*BoltSink)(nil)

// OpenBolt opens (creating) the notification file at path and starts its
// writer; Close stops it.
func OpenBolt(path string) (*BoltSink, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second, InitialMmapSize: initialMmapSize()})
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
	s := &BoltSink{db: db, queue: make(chan *accept, maxGroup), stop: make(chan struct{}), stopped: make(chan struct{})}
	go s.write()
	return s, nil
}

// Close stops the writer (an Accept still waiting gets ErrClosed) and
// closes the file.
func (s *BoltSink) Close() error {
	s.closing.Do(func() { close(s.stop) })
	<-s.stopped
	return s.db.Close()
}

// initialMmapSize maps 256 MB of the file from the start on 64-bit Unix
// (address space only, read on demand), as storage does for the
// terminal's database. bbolt then grows the file 16 MB (its AllocSize)
// ahead of need, a hole, instead of to each doubling of a small mapping —
// each growth a ftruncate and an extra fsync inside a commit, and each
// remap a pause for every reader — so a young notification file commits
// like an old one. Windows (the file grows to the mapping) and 32-bit keep
// bbolt's default.
func initialMmapSize() int {
	if runtime.GOOS == "windows" || strconv.IntSize < 64 {
		return 0
	}
	return 256 << 20
}

func u64(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

// Accept implements Sink: it queues r for the writer and returns after
// the commit that holds it (or found it a duplicate).
func (s *BoltSink) Accept(ctx context.Context, r *Record) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	a := &accept{id: []byte(r.ID), key: []byte(r.Key()), rec: *r, done: make(chan struct{})}
	select {
	case s.queue <- a:
	case <-s.stop:
		return false, ErrClosed
	case <-ctx.Done():
		return false, fmt.Errorf("notify: record %s: %w", r.ID, ctx.Err())
	}
	select {
	case <-a.done:
	case <-s.stopped:
		return false, ErrClosed
	case <-ctx.Done():
		// It may still commit; WeChat, answered failure, sends it again
		// and finds it recorded.
		return false, fmt.Errorf("notify: record %s: %w", r.ID, ctx.Err())
	}
	if a.err != nil {
		return false, fmt.Errorf("notify: record %s: %w", r.ID, a.err)
	}
	if !a.dup {
		r.Seq = a.seq
	}
	return a.dup, nil
}

// write is the group-commit loop: take what is queued (at least one),
// commit it in one transaction, answer each, repeat until Close.
func (s *BoltSink) write() {
	defer close(s.stopped)
	group := make([]*accept, 0, maxGroup)
	for {
		select {
		case a := <-s.queue:
			group = append(group[:0], a)
		case <-s.stop:
			return
		}
	drain:
		for len(group) < maxGroup {
			select {
			case a := <-s.queue:
				group = append(group, a)
			default:
				break drain
			}
		}
		err := s.db.Update(func(tx *bolt.Tx) error { return commitGroup(tx, group) })
		for _, a := range group {
			if err != nil {
				a.err, a.dup, a.seq = err, false, 0
			}
			close(a.done)
		}
	}
}

// commitGroup records each accept of group unless its id or key is
// already recorded — by an earlier commit or earlier in the same group.
// A failed commit rolls back the whole group: each is answered the error.
func commitGroup(tx *bolt.Tx, group []*accept) error {
	ids, keys, recs := tx.Bucket(bucketIDs), tx.Bucket(bucketKeys), tx.Bucket(bucketRecords)
	for _, a := range group {
		a.dup, a.seq = false, 0
		if ids.Get(a.id) != nil || keys.Get(a.key) != nil {
			a.dup = true
			continue
		}
		n, err := recs.NextSequence()
		if err != nil {
			return err
		}
		a.rec.Seq = n
		b, err := json.Marshal(a.rec)
		if err != nil {
			return err
		}
		k := u64(n)
		if err := recs.Put(k, b); err != nil {
			return err
		}
		if err := ids.Put(a.id, k); err != nil {
			return err
		}
		if err := keys.Put(a.key, k); err != nil {
			return err
		}
		a.seq = n
	}
	return nil
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
