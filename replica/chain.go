package replica

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"maps"
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
	// Skipped counts the events before the terminals' checkpoints, found
	// intact by an earlier run and not read again (VerifyFrom).
	Skipped int64 `json:"skipped"`
	// Unchained counts events pushed by a wxpos before the chain (no chain
	// hash stored): they are covered only by the first chained event after
	// them, which the terminal computed over its own log from event 1.
	Unchained int64          `json:"unchained"`
	Problems  []ChainProblem `json:"problems"`
	// Uncovered are the runs of unchained events no chained event follows
	// yet (Kind "unchained"): a terminal still on a wxpos before the chain.
	// Nothing vouches for them until it pushes with a newer one.
	Uncovered []ChainProblem `json:"uncovered"`
	// Checkpoints are the terminals' checkpoints after this run: the ones
	// given, advanced to the newest event of each terminal found intact,
	// and without those of terminals with a problem (read again from their
	// first event next time).
	Checkpoints Checkpoints `json:"-"`
}

// Checkpoint is how far a terminal's chain was found intact: the event's
// sequence, the chain hash there (stored, or computed across unchained
// events), the event's content hash, and whether the terminal had stored
// chain hashes by then.
type Checkpoint struct {
	Seq     int64  `json:"seq"`
	Chain   []byte `json:"chain"`
	Content []byte `json:"content"`
	Stored  bool   `json:"stored"`
}

// Checkpoints are checkpoints by "STORE/TERMINAL".
type Checkpoints map[string]Checkpoint

func cpKey(storeID, terminalID string) string { return storeID + "/" + terminalID }

// chainWalk verifies one terminal's rows in sequence order.
type chainWalk struct {
	store, term string
	pushed      int64 // the position the terminal reported (terminals.pushed_seq)
	next        int64 // the sequence expected next
	prev        []byte
	known       bool // prev is the chain of next-1
	chained     bool // a chained row was seen
	cp          *Checkpoint
	runFrom     int64  // the first of the unchained events just before (0: none)
	last        int64  // the newest row read
	content     []byte // its content hash
	bad         bool   // a problem was found
	out         *ChainCheck
}

func (c *chainWalk) problem(seq, last int64, kind string) {
	c.bad = true
	c.out.Problems = append(c.out.Problems, ChainProblem{c.store, c.term, seq, last, kind})
}

// atCheckpoint checks the checkpoint's own row (seq = cp.Seq): unchanged
// since it was verified, it vouches for every event before it, and the
// walk goes on from its chain.
func (c *chainWalk) atCheckpoint(cp *Checkpoint, chain, content []byte) {
	c.out.Skipped += cp.Seq
	c.next, c.last, c.content = cp.Seq+1, cp.Seq, content
	if !bytes.Equal(content, cp.Content) || (chain != nil) != cp.Stored || (chain != nil && !bytes.Equal(chain, cp.Chain)) {
		// Altered, or the rows before it rewritten with every chain hash
		// after them, since the checkpoint was taken.
		c.problem(1, cp.Seq, "altered")
	}
	c.prev, c.known, c.chained = cp.Chain, true, cp.Stored
	if chain != nil {
		c.prev = chain
	}
}

// row checks the next row: its sequence, stored chain (nil: none) and
// content hash as PostgreSQL computes it.
func (c *chainWalk) row(seq int64, chain, content []byte) {
	if cp := c.cp; cp != nil {
		c.cp = nil
		if seq == cp.Seq {
			c.atCheckpoint(cp, chain, content)
			return
		}
		c.out.Skipped += cp.Seq - 1 // the checkpoint's row is gone: a gap from it
		c.next, c.known = cp.Seq, false
	}
	c.out.Events++
	if seq > c.next {
		c.problem(c.next, seq-1, "missing")
		c.known = false
	}
	c.next, c.last, c.content = seq+1, seq, content
	switch {
	case seq > c.pushed:
		c.problem(seq, seq, "foreign")
	case chain == nil && c.chained:
		c.problem(seq, seq, "foreign")
	case chain == nil:
		c.out.Unchained++
		if c.runFrom == 0 {
			c.runFrom = seq
		}
	case c.known && !bytes.Equal(chain, chainNext(c.prev, content)):
		// The first chained event after unchained ones covers them: one of
		// them, or this one, was altered.
		c.problem(cmp.Or(c.runFrom, seq), seq, "altered")
	}
	if chain != nil {
		c.runFrom = 0
	}
	switch {
	case chain != nil: // go on from the stored chain: each break is named once
		c.prev, c.known, c.chained = chain, true, true
	case c.known:
		c.prev = chainNext(c.prev, content)
	}
}

func (c *chainWalk) end() {
	if c.cp != nil { // the checkpoint's row is gone, and every one after it
		c.next, c.known, c.cp = c.cp.Seq, false, nil
	}
	if c.next-1 < c.pushed {
		c.problem(c.next, c.pushed, "missing")
	}
	if c.runFrom > 0 {
		c.out.Uncovered = append(c.out.Uncovered, ChainProblem{c.store, c.term, c.runFrom, c.last, "unchained"})
	}
	key := cpKey(c.store, c.term)
	switch {
	case c.bad:
		delete(c.out.Checkpoints, key)
	case c.known && c.last > 0:
		c.out.Checkpoints[key] = Checkpoint{Seq: c.last, Chain: c.prev, Content: c.content, Stored: c.chained}
	}
}

// Verify checks every replicated event of every terminal (of one store,
// of one terminal): VerifyFrom without checkpoints.
func Verify(ctx context.Context, db Querier, storeID, terminalID string) (*ChainCheck, error) {
	return VerifyFrom(ctx, db, storeID, terminalID, nil)
}

// VerifyFrom checks the replicated events of every terminal (of one
// store, of one terminal): each row against its chain hash, the sequence
// for gaps, and the rows against the position the terminal reported. A
// terminal with a checkpoint is read from the checkpoint's event on: that
// row must be as it was (its content and chain hash), which vouches for
// the events before it against a rewrite of the chain, but not against an
// edit of an older row that leaves the chain hashes alone — only a run
// without checkpoints (hq verify --full) reads every row again. The
// events are hashed on the server, in sequence order.
func VerifyFrom(ctx context.Context, db Querier, storeID, terminalID string, cps Checkpoints) (*ChainCheck, error) {
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
	out := &ChainCheck{Problems: []ChainProblem{}, Uncovered: []ChainProblem{}, Checkpoints: Checkpoints{}}
	maps.Copy(out.Checkpoints, cps)
	var w *chainWalk
	q := `SELECT e.store_id, e.terminal_id, e.seq, e.chain, ` + contentSQL + ` FROM events e
		WHERE ` + where + ` ORDER BY e.store_id, e.terminal_id, e.seq`
	if len(cps) > 0 {
		q, args = verifyFromSQL(where, args, cps)
	}
	rows, err = db.Query(ctx, q, args...)
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
				if cp, ok := cps[cpKey(s, t)]; ok {
					w.cp = &cp
				}
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
			w := &chainWalk{store: k[0], term: k[1], pushed: p, next: 1, out: out}
			if cp, ok := cps[cpKey(k[0], k[1])]; ok {
				w.cp = &cp
			}
			w.end()
		}
	}
	return out, nil
}

// verifyFromSQL is VerifyFrom's statement with checkpoints: each terminal
// that has events (found by a skip scan of the primary key, one probe per
// terminal, so that one with no checkpoint and no position is read too)
// read from its checkpoint's event on through the primary key.
func verifyFromSQL(where string, args []any, cps Checkpoints) (string, []any) {
	var stores, terms []string
	var seqs []int64
	for k, cp := range cps {
		s, t, _ := strings.Cut(k, "/")
		stores, terms, seqs = append(stores, s), append(terms, t), append(seqs, cp.Seq)
	}
	n := len(args)
	args = append(args, stores, terms, seqs)
	return `WITH RECURSIVE ids AS (
			(SELECT store_id, terminal_id FROM events ORDER BY 1, 2 LIMIT 1)
			UNION ALL
			SELECT x.store_id, x.terminal_id FROM ids CROSS JOIN LATERAL (SELECT e.store_id, e.terminal_id FROM events e
				WHERE (e.store_id, e.terminal_id) > (ids.store_id, ids.terminal_id) ORDER BY 1, 2 LIMIT 1) x),
		cp AS (SELECT * FROM unnest($` + strconv.Itoa(n+1) + `::text[], $` + strconv.Itoa(n+2) + `::text[], $` + strconv.Itoa(n+3) + `::bigint[]) AS cp(store_id, terminal_id, seq))
		SELECT e.store_id, e.terminal_id, e.seq, e.chain, e.content FROM ids
		LEFT JOIN cp ON cp.store_id = ids.store_id AND cp.terminal_id = ids.terminal_id
		CROSS JOIN LATERAL (SELECT e.store_id, e.terminal_id, e.seq, e.chain, ` + contentSQL + ` AS content FROM events e
			WHERE e.store_id = ids.store_id AND e.terminal_id = ids.terminal_id AND e.seq >= coalesce(cp.seq, 1) AND ` + where + `
			OFFSET 0) e -- not pulled up: one range of the primary key per terminal, never a scan of every event
		ORDER BY e.store_id, e.terminal_id, e.seq`, args
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
// and refunds it numbered, its shifts, its position — in one transaction,
// so that the terminal pushes its whole log again by itself: RepairFrom
// from event 1.
func Repair(ctx context.Context, db interface {
	Begin(context.Context) (pgx.Tx, error)
}, storeID, terminalID string) (Repaired, error) {
	return RepairFrom(ctx, db, storeID, terminalID, 1)
}

// RepairFrom removes a terminal's replicated events from event from on,
// the orders, refunds and shifts it numbered that no earlier event of its names,
// and moves its position back to from-1, in one transaction, so that the
// terminal pushes its log again from there by itself (with the records
// those events name, as they stand): the way out when rows that are not
// its own sit in its sequence (ConflictError) or hq verify finds one
// altered or missing — from is the first event it names (1: every row,
// the terminal's position too). The events before from stay, so the
// terminal's check of PostgreSQL's newest event against its own log
// passes only if they are its own. The roll-ups follow (the projections'
// triggers), and WeChat's notifications about the removed numbers are
// pending again until the terminal's rows are back (hq report lists them
// as announced meanwhile). It needs the admin's login: no other may delete
// an event.
func RepairFrom(ctx context.Context, db interface {
	Begin(context.Context) (pgx.Tx, error)
}, storeID, terminalID string, from int64) (Repaired, error) {
	var r Repaired
	if !validID(storeID) || !validID(terminalID) || from < 1 {
		return r, fmt.Errorf("%w: store id %q / terminal id %q / from event %d: want 1–16 letters or digits and an event from 1 on",
			ErrBadConfig, storeID, terminalID, from)
	}
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM events WHERE store_id = $1 AND terminal_id = $2 AND seq >= $3`, storeID, terminalID, from)
		if err != nil {
			return err
		}
		r.Events = tag.RowsAffected()
		// WeChat's notifications about the numbers removed are pending again.
		for _, s := range []struct {
			n                *int64
			table, col, kind string
		}{{&r.Orders, "orders", "out_trade_no", "pay"}, {&r.Refunds, "refunds", "out_refund_no", "refund"}} {
			err := tx.QueryRow(ctx, `WITH gone AS (DELETE FROM `+s.table+` r WHERE r.store_id = $1 AND r.terminal_id = $2
						AND NOT EXISTS (SELECT 1 FROM events e WHERE e.ref = r.`+s.col+` AND e.ref <> ''
							AND e.store_id = $1 AND e.terminal_id = $2 AND e.seq < $4)
						RETURNING r.`+s.col+` AS no),
					flagged AS (UPDATE notifications n SET pending = true
						WHERE n.kind = $3 AND n.`+s.col+` = ANY (ARRAY(SELECT no FROM gone)) AND n.`+s.col+` <> '' RETURNING 1)
				SELECT count(*) FROM gone`, storeID, terminalID, s.kind, from).Scan(s.n)
			if err != nil {
				return err
			}
		}
		if tag, err = tx.Exec(ctx, `DELETE FROM shifts s WHERE s.store_id = $1 AND s.terminal_id = $2
				AND NOT EXISTS (SELECT 1 FROM events e WHERE e.ref = s.shift_no::text AND e.ref <> ''
					AND e.store_id = $1 AND e.terminal_id = $2 AND e.seq < $3 AND e.kind IN ('shift.open', 'shift.close', 'shift.variance'))`,
			storeID, terminalID, from); err != nil {
			return err
		}
		r.Shifts = tag.RowsAffected()
		if from == 1 {
			_, err = tx.Exec(ctx, `DELETE FROM terminals WHERE store_id = $1 AND terminal_id = $2`, storeID, terminalID)
		} else {
			_, err = tx.Exec(ctx, `UPDATE terminals SET pushed_seq = LEAST(pushed_seq, $3) WHERE store_id = $1 AND terminal_id = $2`,
				storeID, terminalID, from-1)
		}
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
	fix := fmt.Sprintf("to repair: head office runs wxpos hq verify --store %s --terminal %s, which names the first event N that breaks the chain, "+
		"then with the admin's login wxpos hq repair %s %s --from N, which removes %s/%s's events from N on (without --from: all its rows); "+
		"this terminal then pushes its log again from there by itself",
		e.StoreID, e.TerminalID, e.StoreID, e.TerminalID, e.StoreID, e.TerminalID)
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
