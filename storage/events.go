package storage

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"
)

// Event is one entry of the append-only audit trail: every payment
// transition, refund, override, force action and settings change. Seq is
// assigned by AppendEvent and orders all events of a terminal.
type Event struct {
	V      int             `json:"v"`
	Seq    uint64          `json:"seq"`
	Time   time.Time       `json:"time"`
	Kind   string          `json:"kind"`            // e.g. "order.transition", "refund.created", "user.login"
	Ref    string          `json:"ref,omitempty"`   // out_trade_no, out_refund_no, user name …
	Actor  string          `json:"actor,omitempty"` // who did it ("system" for the recovery worker)
	From   string          `json:"from,omitempty"`  // previous state, for transitions
	To     string          `json:"to,omitempty"`    // new state
	Reason string          `json:"reason,omitempty"`
	Data   json.RawMessage `json:"data,omitempty"`
}

const eventVersion = 1

// AppendEvent adds e to the event log and returns its sequence number. The
// log is append-only: nothing in this package updates or deletes an event.
func (t *Tx) AppendEvent(e Event) (uint64, error) {
	bk, err := t.bucket(BucketEvents)
	if err != nil {
		return 0, err
	}
	seq, err := bk.NextSequence()
	if err != nil {
		return 0, fmt.Errorf("event log: %w", err)
	}
	e.V = eventVersion
	e.Seq = seq
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	data, err := json.Marshal(e)
	if err != nil {
		return 0, fmt.Errorf("event log: encode %s: %w", e.Kind, err)
	}
	if err := bk.Put(u64key(seq), data); err != nil {
		return 0, fmt.Errorf("event log: %w", err)
	}
	return seq, nil
}

// Events calls fn for each event with Seq ≥ from, in order, until fn returns
// false or an error.
func (t *Tx) Events(from uint64, fn func(Event) (bool, error)) error {
	bk, err := t.bucket(BucketEvents)
	if err != nil {
		return err
	}
	c := bk.Cursor()
	for k, v := c.Seek(u64key(from)); k != nil; k, v = c.Next() {
		var e Event
		if err := json.Unmarshal(v, &e); err != nil {
			return fmt.Errorf("event %d: %w", binary.BigEndian.Uint64(k), err)
		}
		more, err := fn(e)
		if err != nil || !more {
			return err
		}
	}
	return nil
}

// LastEventSeq returns the sequence of the newest event, 0 when there is none.
func (t *Tx) LastEventSeq() uint64 {
	bk, err := t.bucket(BucketEvents)
	if err != nil {
		return 0
	}
	return bk.Sequence()
}
