package replica

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/wxpos/wxpos/storage"
)

// The event chain (migrations/0008_event_chain.sql). Every event a
// terminal pushes carries chain = SHA-256(previous event's chain ‖ this
// event's content hash), the first event's previous chain being empty:
// the terminal computes it from its own log, from its first event on, and
// head office recomputes it from the stored rows (EventContent covers the
// columns as PostgreSQL keeps them). So a row altered, deleted or inserted
// in a terminal's sequence breaks the chain where it happened (Verify),
// and one who rewrites the rows and every chain after them is caught by the
// terminal itself, whose own log gives a different chain at the head
// (Probe, and the worker before each push after a reconnection).

// EventContent is the content hash of an event as PostgreSQL stores it
// for store/terminal: the ids, the sequence, the time in microseconds,
// kind, ref, actor, states and reason (NULs dropped) and the data as jsonb
// prints it, each length-prefixed. contentSQL computes the same from a
// row.
func EventContent(storeID, terminalID string, e storage.Event) ([]byte, error) {
	data := pgJSON(e.Data)
	if data != "" {
		var err error
		if data, err = jsonbText(data); err != nil {
			return nil, err
		}
	}
	h := sha256.New()
	var n [8]byte
	num := func(v uint64) {
		binary.BigEndian.PutUint64(n[:], v)
		h.Write(n[:])
	}
	put := func(s string) {
		num(uint64(len(s)))
		h.Write([]byte(s))
	}
	put(storeID)
	put(terminalID)
	num(e.Seq)
	num(uint64(e.Time.UnixMicro()))
	for _, s := range []string{e.Kind, e.Ref, e.Actor, e.From, e.To, e.Reason} {
		put(pgText(s))
	}
	put(data)
	return h.Sum(nil), nil
}

// contentSQL is EventContent computed by PostgreSQL from a row of events
// (alias e).
const contentSQL = `sha256(` +
	`int8send(octet_length(e.store_id)::bigint) || convert_to(e.store_id, 'UTF8') || ` +
	`int8send(octet_length(e.terminal_id)::bigint) || convert_to(e.terminal_id, 'UTF8') || ` +
	`int8send(e.seq) || int8send((extract(epoch FROM e.at) * 1000000)::bigint) || ` +
	`int8send(octet_length(e.kind)::bigint) || convert_to(e.kind, 'UTF8') || ` +
	`int8send(octet_length(e.ref)::bigint) || convert_to(e.ref, 'UTF8') || ` +
	`int8send(octet_length(e.actor)::bigint) || convert_to(e.actor, 'UTF8') || ` +
	`int8send(octet_length(e.from_state)::bigint) || convert_to(e.from_state, 'UTF8') || ` +
	`int8send(octet_length(e.to_state)::bigint) || convert_to(e.to_state, 'UTF8') || ` +
	`int8send(octet_length(e.reason)::bigint) || convert_to(e.reason, 'UTF8') || ` +
	`int8send(octet_length(coalesce(e.data::text, ''))::bigint) || convert_to(coalesce(e.data::text, ''), 'UTF8'))`

// chainNext is the chain hash of an event whose content hash is content
// after an event whose chain hash is prev (nil before the first).
func chainNext(prev, content []byte) []byte {
	h := sha256.New()
	h.Write(prev)
	h.Write(content)
	return h.Sum(nil)
}

// ChainProblem is one break in a terminal's replicated events.
type ChainProblem struct {
	StoreID    string `json:"store_id"`
	TerminalID string `json:"terminal_id"`
	// Seq .. Last are the events concerned (Last = Seq for one).
	Seq  int64 `json:"seq"`
	Last int64 `json:"last"`
	// Kind is "altered" (the row does not match its chain hash), "missing"
	// (deleted: a gap in the sequence, or below the position the terminal
	// reported), "foreign" (beyond the position the terminal reported, or
	// with no chain hash after chained rows: not pushed by it).
	Kind string `json:"kind"`
}

func (p ChainProblem) String() string {
	seqs := fmt.Sprintf("event %d", p.Seq)
	if p.Last != p.Seq {
		seqs = fmt.Sprintf("events %d–%d", p.Seq, p.Last)
	}
	what := map[string]string{
		"altered": "altered: the row does not match its chain hash",
		"missing": "missing: deleted from PostgreSQL (the terminal pushes them again at its next start)",
		"foreign": "foreign: not pushed by this terminal (after its reported position, or without the chain hash it writes)",
	}[p.Kind]
	return fmt.Sprintf("%s/%s %s %s", p.StoreID, p.TerminalID, seqs, what)
}

// ChainCheck is what Verify found.
type ChainCheck struct {
	Terminals int   `json:"terminals"`
	Events    int64 `json:"events"`
	// Unchained counts events pushed by a wxpos before the chain (no chain
	// hash stored): they are covered only by the first chained event after
	// them.
	Unchained int64          `json:"unchained"`
	Problems  []ChainProblem `json:"problems"`
}

// chainWalk verifies one terminal's rows in sequence order.
type chainWalk struct {
	store, term string
	pushed      int64 // the position the terminal reported (terminals.pushed_seq)
	next        int64 // the sequence expected next
	prev        []byte
	known       bool // prev is the chain of next-1
	chained     bool // a chained row was seen
	out         *ChainCheck
}

func (c *chainWalk) problem(seq, last int64, kind string) {
	c.out.Problems = append(c.out.Problems, ChainProblem{c.store, c.term, seq, last, kind})
}

// row checks the next row: its sequence, stored chain (nil: none) and
// content hash as PostgreSQL computes it.
func (c *chainWalk) row(seq int64, chain, content []byte) {
	c.out.Events++
	if seq > c.next {
		c.problem(c.next, seq-1, "missing")
		c.known = false
	}
	c.next = seq + 1
	switch {
	case seq > c.pushed:
		c.problem(seq, seq, "foreign")
	case chain == nil && c.chained:
		c.problem(seq, seq, "foreign")
	case chain == nil:
		c.out.Unchained++
	case c.known && !bytes.Equal(chain, chainNext(c.prev, content)):
		c.problem(seq, seq, "altered")
	}
	switch {
	case chain != nil: // go on from the stored chain: each break is named once
		c.prev, c.known, c.chained = chain, true, true
	case c.known:
		c.prev = chainNext(c.prev, content)
	}
}

func (c *chainWalk) end() {
	if c.next-1 < c.pushed {
		c.problem(c.next, c.pushed, "missing")
	}
}

// Verify checks the replicated events of every terminal (of one store, of
// one terminal): each row against its chain hash, the sequence for gaps,
// and the rows against the position the terminal reported. It reads every
// event of the terminals asked for, in sequence order, hashing each on the
// server.
func Verify(ctx context.Context, db Querier, storeID, terminalID string) (*ChainCheck, error) {
	where, args := idsWhere(storeID, terminalID)
	pushed := map[[2]string]int64{}
	rows, err := db.Query(ctx, `SELECT e.store_id, e.terminal_id, e.pushed_seq FROM terminals e WHERE `+where, args...)
	if err == nil {
		err = forRows(rows, func(rows pgx.Rows) error {
			var s, t string
			var p int64
			err := rows.Scan(&s, &t, &p)
			pushed[[2]string{s, t}] = p
			return err
		})
	}
	if err != nil {
		return nil, fmt.Errorf("hq verify: %w", err)
	}
	out := &ChainCheck{Problems: []ChainProblem{}}
	var w *chainWalk
	rows, err = db.Query(ctx, `SELECT e.store_id, e.terminal_id, e.seq, e.chain, `+contentSQL+` FROM events e
		WHERE `+where+` ORDER BY e.store_id, e.terminal_id, e.seq`, args...)
	if err == nil {
		err = forRows(rows, func(rows pgx.Rows) error {
			var s, t string
			var seq int64
			var chain, content []byte
			if err := rows.Scan(&s, &t, &seq, &chain, &content); err != nil {
				return err
			}
			if w == nil || w.store != s || w.term != t {
				if w != nil {
					w.end()
				}
				w = &chainWalk{store: s, term: t, pushed: pushed[[2]string{s, t}], next: 1, known: true, out: out}
				out.Terminals++
				delete(pushed, [2]string{s, t})
			}
			w.row(seq, chain, content)
			return nil
		})
	}
	if err != nil {
		return nil, fmt.Errorf("hq verify: %w", err)
	}
	if w != nil {
		w.end()
	}
	for k, p := range pushed { // terminals with a position and no event left
		if p > 0 {
			out.Terminals++
			(&chainWalk{store: k[0], term: k[1], pushed: p, next: 1, out: out}).end()
		}
	}
	return out, nil
}

// idsWhere is the condition on the columns store_id and terminal_id of
// alias e that selects a store and a terminal (each when not empty), with
// its arguments: written out, so that the plan uses the primary key.
func idsWhere(storeID, terminalID string) (string, []any) {
	conds, args := []string{"true"}, []any{}
	for _, c := range []struct{ col, v string }{{"e.store_id", storeID}, {"e.terminal_id", terminalID}} {
		if c.v != "" {
			args = append(args, c.v)
			conds = append(conds, c.col+" = $"+strconv.Itoa(len(args)))
		}
	}
	return strings.Join(conds, " AND "), args
}

// CheckHeads is the quick part of Verify, for hq status: for each terminal
// its newest event against the one before it and against the position the
// terminal reported. It finds a foreign row after the terminal's events,
// deleted newest events and an altered newest event, reading two rows per
// terminal; a row altered or deleted further back needs Verify.
func CheckHeads(ctx context.Context, db Querier, storeID string) ([]ChainProblem, error) {
	rows, err := db.Query(ctx, `SELECT t.store_id, t.terminal_id, t.pushed_seq, coalesce(h.seq, 0), h.chain, h.content, p.chain
		FROM terminals t
		LEFT JOIN LATERAL (SELECT e.seq, e.chain, `+contentSQL+` AS content FROM events e
			WHERE e.store_id = t.store_id AND e.terminal_id = t.terminal_id ORDER BY e.seq DESC LIMIT 1) h ON true
		LEFT JOIN LATERAL (SELECT e.chain FROM events e
			WHERE e.store_id = t.store_id AND e.terminal_id = t.terminal_id AND e.seq = h.seq - 1) p ON true
		WHERE $1 = '' OR t.store_id = $1
		ORDER BY 1, 2`, storeID)
	if err != nil {
		return nil, fmt.Errorf("hq status: %w", err)
	}
	out := []ChainProblem{}
	err = forRows(rows, func(rows pgx.Rows) error {
		var s, t string
		var pushed, head int64
		var chain, content, prev []byte
		if err := rows.Scan(&s, &t, &pushed, &head, &chain, &content, &prev); err != nil {
			return err
		}
		switch {
		case head > pushed:
			out = append(out, ChainProblem{s, t, pushed + 1, head, "foreign"})
		case head < pushed:
			out = append(out, ChainProblem{s, t, head + 1, pushed, "missing"})
		case chain != nil && (prev != nil || head == 1) && !bytes.Equal(chain, chainNext(prev, content)):
			out = append(out, ChainProblem{s, t, head, head, "altered"})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("hq status: %w", err)
	}
	return out, nil
}

// Repaired is what Repair removed.
type Repaired struct {
	Events, Orders, Refunds, Shifts int64
}

// Repair removes every row a terminal replicated — its events, the orders
// and refunds it numbered, its shifts, its position — in one transaction, so that the
// terminal pushes its whole log again by itself: the way out when rows
// that are not its own sit in its sequence (ConflictError). The roll-ups
// follow (the projections' triggers), and WeChat's notifications about the
// removed numbers are pending again until the terminal's rows are back
// (hq report lists them as announced meanwhile). It needs the admin's
// login: no other may delete an event.
func Repair(ctx context.Context, db interface {
	Begin(context.Context) (pgx.Tx, error)
}, storeID, terminalID string) (Repaired, error) {
	var r Repaired
	if !validID(storeID) || !validID(terminalID) {
		return r, fmt.Errorf("%w: store id %q / terminal id %q: want 1–16 letters or digits", ErrBadConfig, storeID, terminalID)
	}
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM events WHERE store_id = $1 AND terminal_id = $2`, storeID, terminalID)
		if err != nil {
			return err
		}
		r.Events = tag.RowsAffected()
		// WeChat's notifications about the numbers removed are pending again.
		for _, s := range []struct {
			n                *int64
			table, col, kind string
		}{{&r.Orders, "orders", "out_trade_no", "pay"}, {&r.Refunds, "refunds", "out_refund_no", "refund"}} {
			err := tx.QueryRow(ctx, `WITH gone AS (DELETE FROM `+s.table+` WHERE store_id = $1 AND terminal_id = $2 RETURNING `+s.col+` AS no),
					flagged AS (UPDATE notifications n SET pending = true FROM gone WHERE n.kind = $3 AND n.`+s.col+` = gone.no RETURNING 1)
				SELECT count(*) FROM gone`, storeID, terminalID, s.kind).Scan(s.n)
			if err != nil {
				return err
			}
		}
		if tag, err = tx.Exec(ctx, `DELETE FROM shifts WHERE store_id = $1 AND terminal_id = $2`, storeID, terminalID); err != nil {
			return err
		}
		r.Shifts = tag.RowsAffected()
		_, err = tx.Exec(ctx, `DELETE FROM terminals WHERE store_id = $1 AND terminal_id = $2`, storeID, terminalID)
		return err
	})
	if err != nil {
		return Repaired{}, fmt.Errorf("hq repair %s/%s: %w", storeID, terminalID, err)
	}
	return r, nil
}

// ConflictError is ErrConflict with what the worker met in PostgreSQL and
// how to repair it.
type ConflictError struct {
	StoreID, TerminalID string
	Seq                 uint64 // the event concerned
	What                string // what was found
	// Ahead: PostgreSQL holds events beyond this database's log.
	Ahead bool
}

func (e *ConflictError) Error() string { return e.What + "; " + e.Repair() }

func (e *ConflictError) Unwrap() error { return ErrConflict }

// Repair says how to get replication going again.
func (e *ConflictError) Repair() string {
	fix := fmt.Sprintf("to repair: head office runs wxpos hq verify --store %s (it names the rows that break the chain), then wxpos hq repair %s %s "+
		"with the admin's login, which removes %s/%s's rows from PostgreSQL; this terminal then pushes its whole log again by itself",
		e.StoreID, e.StoreID, e.TerminalID, e.StoreID, e.TerminalID)
	if e.Ahead {
		fix = fmt.Sprintf("if wxpos hq verify --store %s finds %s/%s's chain intact, those events are this terminal's own and this database is older "+
			"than what it replicated: restore its newest backup instead; otherwise ", e.StoreID, e.StoreID, e.TerminalID) + fix
	}
	return fix
}

// conflictAt is a ConflictError about event seq.
func (w *Worker) conflictAt(seq uint64, ahead bool, format string, args ...any) error {
	return &ConflictError{StoreID: w.o.StoreID, TerminalID: w.o.TerminalID, Seq: seq, Ahead: ahead, What: fmt.Sprintf(format, args...)}
}

// localChain is the chain hash of this terminal's own log at event seq
// (nil at 0), computed from the first event on and kept, read in short
// View transactions of chainChunk events.
func (w *Worker) localChain(seq uint64) ([]byte, error) {
	if seq < w.chainSeq {
		w.chainSeq, w.chainVal = 0, nil
	}
	for w.chainSeq < seq {
		from, n := w.chainSeq+1, 0
		err := w.db.View(func(tx *storage.Tx) error {
			return tx.Events(from, func(e storage.Event) (bool, error) {
				if e.Seq > seq || n == chainChunk {
					return false, nil
				}
				if e.Seq != w.chainSeq+1 {
					return false, fmt.Errorf("event %d follows %d in this database", e.Seq, w.chainSeq)
				}
				content, err := EventContent(w.o.StoreID, w.o.TerminalID, e)
				if err != nil {
					return false, fmt.Errorf("event %d: %w", e.Seq, err)
				}
				w.chainVal, w.chainSeq = chainNext(w.chainVal, content), e.Seq
				n++
				return true, nil
			})
		})
		if err != nil {
			return nil, fmt.Errorf("chain of the local log: %w", err)
		}
		if n == 0 {
			return nil, fmt.Errorf("chain of the local log: event %d not in this database", w.chainSeq+1)
		}
	}
	return w.chainVal, nil
}

// chainChunk is how many events localChain reads in one View.
const chainChunk = 2000

// chainOK checks the chain PostgreSQL stored for event seq (nil: pushed by
// a wxpos before the chain, nothing to check) against this terminal's own.
func (w *Worker) chainOK(seq uint64, remote []byte) error {
	local, err := w.localChain(seq)
	if err != nil || remote == nil {
		return err
	}
	if !bytes.Equal(local, remote) {
		return w.conflictAt(seq, false, "the chain hash of event %d of %s/%s in PostgreSQL differs from this terminal's log: "+
			"rows of %s/%s up to it were altered, deleted or inserted at head office", seq, w.o.StoreID, w.o.TerminalID, w.o.StoreID, w.o.TerminalID)
	}
	return nil
}
