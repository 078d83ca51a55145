package storage

import (
	"fmt"
	"time"
)

// OutboxEntry is a reverse, close or refund call that must still reach
// WeChat (bucket outbox, key "<kind>/<ref>"). The payment core writes it in
// the transaction that makes the call necessary and deletes it in the one
// that records the answer.
type OutboxEntry struct {
	V         int       `json:"v"`
	Kind      string    `json:"kind"`
	Ref       string    `json:"ref"`
	Attempts  int       `json:"attempts"`
	NextAt    time.Time `json:"next_at"`
	LastError string    `json:"last_error,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// OutboxVersion is the record version PutOutbox writes.
const OutboxVersion = 1

// OutboxKey is the key of the entry for kind and ref.
func OutboxKey(kind, ref string) string { return kind + "/" + ref }

// PutOutbox adds or replaces an entry.
func (t *Tx) PutOutbox(e *OutboxEntry) error {
	if e.Kind == "" || e.Ref == "" {
		return fmt.Errorf("put outbox: empty kind or ref")
	}
	rec := *e
	rec.V = OutboxVersion
	return t.Put(BucketOutbox, OutboxKey(e.Kind, e.Ref), rec)
}

// DeleteOutbox removes the entry for kind and ref; a missing one is fine.
func (t *Tx) DeleteOutbox(kind, ref string) error {
	return t.Delete(BucketOutbox, OutboxKey(kind, ref))
}

// Outbox returns every queued entry in key order.
func (t *Tx) Outbox() ([]*OutboxEntry, error) {
	var out []*OutboxEntry
	err := t.ForEach(BucketOutbox, "", func(k string, _ []byte) error {
		var e OutboxEntry
		if err := t.Get(BucketOutbox, k, &e); err != nil {
			return err
		}
		out = append(out, &e)
		return nil
	})
	return out, err
}

// OutboxLen counts the queued entries.
func (t *Tx) OutboxLen() (int, error) {
	n := 0
	err := t.ForEach(BucketOutbox, "", func(string, []byte) error { n++; return nil })
	return n, err
}
