package replica

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/wxpos/wxpos/internal/ident"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/shift"
	"github.com/wxpos/wxpos/shiftstore"
	"github.com/wxpos/wxpos/storage"
)

// Options configures a Worker. Zero durations and sizes take the defaults
// listed.
type Options struct {
	// StoreID and TerminalID identify the terminal (config [store] id and
	// terminal_id). Together with the event sequence they key every row.
	StoreID, TerminalID string

	Batch int           // events per push; 500
	Poll  time.Duration // how often an idle worker looks for new events in its own log (no network); 1 s
	// HintEvery is how often a worker that LISTENs for notifications
	// (Hint set, not through a transaction pooler) asks PostgreSQL for
	// them without a NOTIFY (one lost with a dropped connection); 1 min.
	// Through a pooler, which cannot LISTEN, it asks at every Poll.
	HintEvery   time.Duration
	RetryMin    time.Duration // first backoff after a failed push; 500 ms
	RetryMax    time.Duration // backoff cap while the server is down; 30 s
	PushTimeout time.Duration // deadline of one push (one PostgreSQL transaction); 15 s

	// Hint, when set, receives what every notification recorded in
	// PostgreSQL (NotifySink) about an order or refund this terminal
	// minted says — pos.Terminal.Notified, which tells the screen and
	// queries to settle — read after
	// each push that leaves nothing to push, from the terminal's cursor in
	// notify_cursors: at once when NotifySink's NOTIFY arrives (Run
	// LISTENs on NotifyChannel), else at the next poll. Nil:
	// notifications are not pulled.
	Hint func(pos.Notice) error

	Logger *slog.Logger     // default: discard
	Now    func() time.Time // default: time.Now
}

func (o *Options) defaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if o.Batch <= 0 {
		o.Batch = 500
	}
	def(&o.Poll, time.Second)
	def(&o.HintEvery, time.Minute)
	def(&o.RetryMin, 500*time.Millisecond)
	def(&o.RetryMax, 30*time.Second)
	def(&o.PushTimeout, 15*time.Second)
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// validID is 1–16 letters or digits: a store or terminal id as replicated.
func validID(s string) bool { return ident.Run(s, 1, 16, ident.Alnum) }

// Status is the replication state of one terminal, for the status bar and
// wxpos doctor.
type Status struct {
	StoreID, TerminalID string
	// Connected is true when the last exchange with PostgreSQL succeeded.
	Connected bool
	// LocalSeq is the newest event in the terminal's database; PushedSeq the
	// newest known to be in PostgreSQL. Pending is the difference: events
	// not yet replicated.
	LocalSeq, PushedSeq, Pending uint64
	// OldestPendingAt is the time of the oldest event not yet replicated
	// (zero when nothing is pending).
	OldestPendingAt time.Time
	// LastPushAt is when a push last committed (zero: never, since start).
	LastPushAt time.Time
	// Pushed counts events this worker inserted since it started.
	Pushed uint64
	// Err is the last failure, nil when the last attempt succeeded.
	// errors.Is(Err, ErrConflict) means replication stopped for a reason a
	// person must fix.
	Err error
	// Since is when the current failure began (zero when healthy).
	Since time.Time
}

// Lag is how long the oldest pending event has been waiting at now.
func (s Status) Lag(now time.Time) time.Duration {
	if s.Pending == 0 || s.OldestPendingAt.IsZero() {
		return 0
	}
	return max(now.Sub(s.OldestPendingAt), 0)
}

// Summary is a one-line text for the status bar and doctor, e.g.
// "HQ: up to date", "HQ: 12 waiting, oldest 3m0s (offline: …)".
func (s Status) Summary(now time.Time) string {
	switch {
	case errors.Is(s.Err, ErrConflict):
		return "HQ: stopped: " + s.Err.Error()
	case s.Pending == 0 && s.Err == nil:
		return "HQ: up to date"
	case s.Err != nil:
		return fmt.Sprintf("HQ: %d waiting, oldest %s (offline: %v)", s.Pending, s.Lag(now).Round(time.Second), s.Err)
	}
	return fmt.Sprintf("HQ: %d waiting, oldest %s", s.Pending, s.Lag(now).Round(time.Second))
}

// Worker pushes one terminal's events to PostgreSQL: in order, in batches,
// idempotently (primary key store, terminal, sequence), resuming after a
// crash or an outage from the highest sequence the server has. It reads the
// terminal database only in short View transactions and never holds one
// across network I/O, so a payment never waits for it.
type Worker struct {
	db   *storage.Store
	pool *pgxpool.Pool
	o    Options
	kick chan struct{}
	// notified is signalled by the NotifyChannel listener: pull hints now.
	notified chan struct{}

	stepMu sync.Mutex // one push at a time (Run and Sync may overlap)
	cursor uint64     // highest sequence known to be in PostgreSQL
	known  bool       // cursor was read from PostgreSQL since the last failure
	// chainSeq and chainVal are the chain hash of the local log at
	// chainSeq (localChain), kept from push to push.
	chainSeq uint64
	chainVal []byte

	mu sync.Mutex
	st Status
}

// NewWorker returns a worker for the terminal database db. It does not
// connect; Run does, and keeps trying while the server is down.
func NewWorker(db *storage.Store, pool *pgxpool.Pool, o Options) (*Worker, error) {
	if db == nil || pool == nil {
		return nil, fmt.Errorf("%w: database and pool are required", ErrBadConfig)
	}
	if !validID(o.StoreID) || !validID(o.TerminalID) {
		return nil, fmt.Errorf("%w: store id %q / terminal id %q: want 1–16 letters or digits", ErrBadConfig, o.StoreID, o.TerminalID)
	}
	o.defaults()
	w := &Worker{db: db, pool: pool, o: o, kick: make(chan struct{}, 1), notified: make(chan struct{}, 1)}
	w.st.StoreID, w.st.TerminalID = o.StoreID, o.TerminalID
	return w, nil
}

// Kick asks the worker to look for new events now instead of at its next
// poll. It never blocks; the payment core may call it after every commit.
// It is ignored while the worker is backing off from a failure.
func (w *Worker) Kick() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// Status returns the current replication state.
func (w *Worker) Status() Status {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.st
}

// Run replicates until ctx ends, then returns nil. Failures are retried
// with exponential backoff (RetryMin doubling to RetryMax, with jitter) and
// reported through Status; a failure never ends Run. With Options.Hint it
// also listens for recorded notifications (NotifyChannel) on a connection
// of its own, which it closes before it returns — except through a
// transaction pooler (Pooled), which cannot carry a LISTEN: there the
// notifications are handed over at each poll.
func (w *Worker) Run(ctx context.Context) error {
	listening := w.o.Hint != nil && !Pooled(w.pool.Config().ConnConfig)
	if listening {
		lctx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			w.listen(lctx)
		}()
		defer func() {
			stop()
			<-done
		}()
	}
	failures := 0
	var pulled time.Time // when notifications were last pulled
	hintsDue := true     // pull at the first idle moment
	for {
		_, more, err := w.step(ctx)
		if ctx.Err() != nil {
			return nil
		}
		var wait time.Duration
		kick, notified := w.kick, w.notified
		switch {
		case err != nil:
			failures++
			wait = w.backoff(failures)
			kick, notified = nil, nil // do not hammer a server that is down
		case more:
			failures = 0
			continue
		default:
			failures = 0
			wait = w.o.Poll
			// An idle worker reads its own log at each Poll, which costs
			// no network; it asks PostgreSQL for notifications only when
			// told (NOTIFY, or listening anew) or HintEvery after the last
			// time — at each Poll only through a pooler, which cannot
			// LISTEN. So an idle terminal sends nothing, and its
			// connection closes after WorkerIdle.
			if hintsDue || !listening || time.Since(pulled) >= w.o.HintEvery {
				if err := w.pullHints(ctx); err != nil && ctx.Err() == nil {
					w.o.Logger.Warn("replicate: notifications", "err", err)
				} else {
					pulled, hintsDue = time.Now(), false
				}
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-kick:
			t.Stop()
		case <-notified:
			t.Stop()
			hintsDue = true
		case <-t.C:
		}
	}
}

func (w *Worker) backoff(failures int) time.Duration {
	d := w.o.RetryMin
	for i := 1; i < failures && d < w.o.RetryMax; i++ {
		d *= 2
	}
	d = min(d, w.o.RetryMax)
	// ±20 % so that a store's terminals do not reconnect in lockstep.
	return d - d/5 + rand.N(d*2/5+1)
}

// Sync pushes until every event committed before the call is in
// PostgreSQL, or returns the first error. The CLI's --once and tests use it.
func (w *Worker) Sync(ctx context.Context) error {
	var target uint64
	if err := w.db.View(func(tx *storage.Tx) error { target = tx.LastEventSeq(); return nil }); err != nil {
		return fmt.Errorf("replicate: %w", err)
	}
	for {
		_, _, err := w.step(ctx)
		if err != nil {
			return err
		}
		w.stepMu.Lock()
		done := w.cursor >= target
		w.stepMu.Unlock()
		if done {
			return nil
		}
	}
}

// batch is what one push carries, read in one View.
type batch struct {
	local   uint64 // newest local sequence in the snapshot
	events  []storage.Event
	next    *storage.Event // first event after the batch, if any
	orders  []*storage.Order
	refunds []*storage.Refund
	// tenders are the refunds' sales' tenders, "" when the terminal does
	// not have the sale.
	tenders []string
	// shifts are the cashiers' shifts the events name (shiftRef).
	shifts []*shift.Shift
}

// shiftRef is the number of the shift event e names (shift.open,
// shift.close, shift.variance: Ref is the shift's number), 0 for any
// other event.
func shiftRef(e storage.Event) uint64 {
	switch e.Kind {
	case shift.KindOpen, shift.KindClose, shift.KindVariance:
	default:
		return 0
	}
	no, err := strconv.ParseUint(e.Ref, 10, 64)
	if err != nil {
		return 0
	}
	return no
}

// step pushes one batch. more is true when a full batch went and more may
// be waiting.
func (w *Worker) step(ctx context.Context) (n int, more bool, err error) {
	w.stepMu.Lock()
	defer w.stepMu.Unlock()
	defer func() {
		if err != nil {
			w.known = false       // re-read the server's position after any failure
			if ctx.Err() == nil { // shutting down is not a failure
				w.fail(err)
			}
			w.refreshLocal()
		}
	}()
	if !w.known {
		pctx, cancel := context.WithTimeout(ctx, w.o.PushTimeout)
		seq, digest, chain, err := remoteHead(pctx, w.pool, w.o.StoreID, w.o.TerminalID)
		cancel()
		if err != nil {
			return 0, false, err
		}
		if err := w.sameHistory(seq, digest); err != nil {
			return 0, false, err
		}
		if err := w.chainOK(seq, chain); err != nil {
			return 0, false, err
		}
		w.cursor, w.known = seq, true
	}
	b, err := w.read(w.cursor)
	if err != nil {
		return 0, false, err
	}
	if b.local < w.cursor {
		return 0, false, w.conflictAt(w.cursor, true, "PostgreSQL has events up to %d for %s/%s, this database only %d (restored from an older backup? the same terminal id on two counters? a foreign row?)",
			w.cursor, w.o.StoreID, w.o.TerminalID, b.local)
	}
	if len(b.events) == 0 {
		w.progress(b, w.cursor, 0, true)
		return 0, false, nil
	}
	pctx, cancel := context.WithTimeout(ctx, w.o.PushTimeout)
	inserted, err := w.push(pctx, b)
	cancel()
	if err != nil {
		w.progress(b, w.cursor, 0, false)
		return 0, false, err
	}
	w.cursor = b.events[len(b.events)-1].Seq
	w.progress(b, w.cursor, inserted, true)
	return len(b.events), b.next != nil, nil
}

// sameHistory checks that the newest event the server holds for this
// terminal is the local event with that sequence: a second counter with the
// same ids, or a database restored from an older backup, is caught before
// anything is pushed.
func (w *Worker) sameHistory(seq uint64, digest []byte) error {
	if seq == 0 {
		return nil
	}
	var local *storage.Event
	var last uint64
	err := w.db.View(func(tx *storage.Tx) error {
		last = tx.LastEventSeq()
		return tx.Events(seq, func(e storage.Event) (bool, error) {
			if e.Seq == seq {
				local = &e
			}
			return false, nil
		})
	})
	if err != nil {
		return fmt.Errorf("read event %d: %w", seq, err)
	}
	if local == nil {
		return w.conflictAt(seq, true, "PostgreSQL has events up to %d for %s/%s, this database only %d (restored from an older backup? the same terminal id on two counters? a foreign row?)",
			seq, w.o.StoreID, w.o.TerminalID, last)
	}
	if string(Digest(*local)) != string(digest) {
		return w.conflictAt(seq, false, "event %d of %s/%s in PostgreSQL is not this terminal's (a foreign row: the same terminal id on two counters, or written at head office)",
			seq, w.o.StoreID, w.o.TerminalID)
	}
	return nil
}

// remoteHead returns the newest replicated event of a terminal: its
// sequence (0 when none), digest and chain hash (nil when pushed by a
// wxpos before the chain).
func remoteHead(ctx context.Context, db Querier, storeID, terminalID string) (uint64, []byte, []byte, error) {
	var seq int64
	var digest, chain []byte
	err := db.QueryRow(ctx, `SELECT seq, digest, chain FROM events WHERE store_id = $1 AND terminal_id = $2 ORDER BY seq DESC LIMIT 1`,
		storeID, terminalID).Scan(&seq, &digest, &chain)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil, nil, nil
	}
	if err != nil {
		return 0, nil, nil, fmt.Errorf("replicated position of %s/%s: %w", storeID, terminalID, err)
	}
	return uint64(seq), digest, chain, nil
}

// read copies up to Batch events after from, and the current records they
// refer to, out of one short read transaction.
func (w *Worker) read(from uint64) (*batch, error) {
	b := &batch{}
	err := w.db.View(func(tx *storage.Tx) error {
		b.local = tx.LastEventSeq()
		err := tx.Events(from+1, func(e storage.Event) (bool, error) {
			if len(b.events) == w.o.Batch {
				b.next = &e
				return false, nil
			}
			b.events = append(b.events, e)
			return true, nil
		})
		if err != nil {
			return err
		}
		seen := make(map[string]bool)
		if err := b.readShifts(tx); err != nil {
			return err
		}
		for _, e := range b.events {
			if e.Ref == "" || seen[e.Ref] || shiftRef(e) != 0 {
				continue
			}
			seen[e.Ref] = true
			// Whatever record an event names is replicated as it stands
			// now: the projection is the terminal's current view.
			if o, err := tx.GetOrder(e.Ref); err == nil {
				if !o.Foreign { // a sale adopted for a refund belongs to the counter that took it
					b.orders = append(b.orders, o)
				}
			} else if !errors.Is(err, storage.ErrNotFound) {
				return err
			}
			if r, err := tx.GetRefund(e.Ref); err == nil {
				b.refunds = append(b.refunds, r)
				tender, err := saleTender(tx, r.OutTradeNo)
				if err != nil {
					return err
				}
				b.tenders = append(b.tenders, tender)
			} else if !errors.Is(err, storage.ErrNotFound) {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read events after %d: %w", from, err)
	}
	return b, nil
}

// readShifts copies the shifts the batch's events name, as they stand
// now, into b.
func (b *batch) readShifts(tx *storage.Tx) error {
	seen := make(map[uint64]bool)
	for _, e := range b.events {
		no := shiftRef(e)
		if no == 0 || seen[no] {
			continue
		}
		seen[no] = true
		s, err := shiftstore.Get(tx, no)
		if errors.Is(err, shift.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		b.shifts = append(b.shifts, s)
	}
	return nil
}

// saleTender is the tender of the sale outTradeNo as the terminal has it
// (its own, or one it adopted for a refund), "" when it has none.
func saleTender(tx *storage.Tx, outTradeNo string) (string, error) {
	o, err := tx.GetOrder(outTradeNo)
	if errors.Is(err, storage.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return o.Tender, nil
}

// Digest is the content hash of an event as replicated. A replay of the
// same event has the same digest; a different event under the same key
// does not (ErrConflict). It covers the event's own fields in a fixed
// length-prefixed layout (time as UTC RFC 3339 with nanoseconds), not
// storage's JSON encoding, so a later wxpos that adds a field to
// storage.Event still recognises the events it replicated before.
func Digest(e storage.Event) []byte {
	h := sha256.New()
	var n [8]byte
	put := func(s string) {
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	binary.BigEndian.PutUint64(n[:], e.Seq)
	h.Write(n[:])
	put(e.Time.UTC().Format(time.RFC3339Nano))
	for _, s := range []string{e.Kind, e.Ref, e.Actor, e.From, e.To, e.Reason, string(e.Data)} {
		put(s)
	}
	return h.Sum(nil)
}

// push writes one batch in one PostgreSQL transaction: the events (new ones
// inserted, replays checked against their digest), the order and refund
// projections, and the terminal's position. It returns how many events
// were new. The statements go in one pipelined round trip (pgx.Batch,
// opened by BEGIN) and the COMMIT in a second, sent only when no replayed
// event differs: two round trips per batch however many statements, which
// is what a terminal on a WAN link pays.
func (w *Worker) push(ctx context.Context, b *batch) (int, error) {
	first, last := b.events[0].Seq, b.events[len(b.events)-1].Seq
	pb := &pgx.Batch{}
	pb.Queue("BEGIN")
	chain, err := w.queueEvents(pb, b)
	if err != nil {
		return 0, err
	}
	var tail []string
	if len(b.orders) > 0 {
		if err := w.queueOrders(pb, b); err != nil {
			return 0, err
		}
		tail = append(tail, "order projections")
	}
	if len(b.refunds) > 0 {
		if err := w.queueRefunds(pb, b); err != nil {
			return 0, err
		}
		tail = append(tail, "refund projections")
	}
	if len(b.shifts) > 0 {
		if err := w.queueShifts(pb, b); err != nil {
			return 0, err
		}
		tail = append(tail, "shift projections")
	}
	tail = append(tail, "terminal position")
	var oldest pgtype.Timestamptz
	if b.next != nil {
		oldest = pgtype.Timestamptz{Time: b.next.Time, Valid: true}
	}
	pb.Queue(`INSERT INTO terminals (store_id, terminal_id, pushed_seq, local_seq, oldest_pending_at, last_push_at)
		VALUES ($1, $2, $3, $4, $5, now())
		ON CONFLICT (store_id, terminal_id) DO UPDATE SET
			pushed_seq = GREATEST(terminals.pushed_seq, excluded.pushed_seq),
			local_seq = GREATEST(terminals.local_seq, excluded.local_seq),
			oldest_pending_at = excluded.oldest_pending_at,
			last_push_at = now()`,
		w.o.StoreID, w.o.TerminalID, int64(last), int64(b.local), oldest)
	conn, err := w.pool.Acquire(ctx)
	if err != nil {
		return 0, fmt.Errorf("push %s/%s events %d–%d: %w", w.o.StoreID, w.o.TerminalID, first, last, err)
	}
	// A connection released inside a transaction (its ROLLBACK failed
	// too) is closed by the pool, never reused.
	defer conn.Release()
	inserted, err := w.results(conn.SendBatch(ctx, pb), tail)
	if err == nil {
		_, err = conn.Exec(ctx, "COMMIT")
	} else {
		conn.Exec(ctx, "ROLLBACK") //nolint:errcheck // see Release above
	}
	if err != nil {
		return 0, fmt.Errorf("push %s/%s events %d–%d: %w", w.o.StoreID, w.o.TerminalID, first, last, err)
	}
	w.chainSeq, w.chainVal = last, chain
	return inserted, nil
}

// results reads a push's batch: BEGIN, the events inserted, the replays
// that differ (any is ErrConflict), then one result per statement named in
// tail (projections, position).
func (w *Worker) results(br pgx.BatchResults, tail []string) (inserted int, err error) {
	defer func() {
		if cerr := br.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	if _, err := br.Exec(); err != nil {
		return 0, fmt.Errorf("begin: %w", err)
	}
	seqs := func(what string) ([]int64, error) {
		rows, err := br.Query()
		if err == nil {
			var got []int64
			got, err = pgx.CollectRows(rows, pgx.RowTo[int64])
			if err == nil {
				return got, nil
			}
		}
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	got, err := seqs("insert events")
	if err != nil {
		return 0, err
	}
	differ, err := seqs("check replayed events")
	if err != nil {
		return 0, err
	}
	if len(differ) > 0 {
		return 0, w.conflictAt(uint64(differ[0]), false, "event %d of %s/%s in PostgreSQL is not this terminal's (a foreign row in its sequence: the same terminal id on two counters, or written at head office)",
			differ[0], w.o.StoreID, w.o.TerminalID)
	}
	for _, what := range tail {
		if _, err := br.Exec(); err != nil {
			return 0, fmt.Errorf("%s: %w", what, err)
		}
	}
	return len(got), nil
}

// queueEvents queues the insert of the batch's events and the check of the
// ones already there (a push whose commit we never heard back about, or a
// second worker): it returns the sequences whose stored digest is not
// ours. Rows just inserted carry our digest and never show. Each event
// carries its chain hash (chain.go); it returns the last one's. Times go
// as the microseconds PostgreSQL keeps, whatever the query mode.
func (w *Worker) queueEvents(pb *pgx.Batch, b *batch) ([]byte, error) {
	chain, err := w.localChain(b.events[0].Seq - 1)
	if err != nil {
		return nil, err
	}
	n := len(b.events)
	chains := make([][]byte, n)
	seqs := make([]int64, n)
	ats := make([]time.Time, n)
	kinds, refs, actors, froms, tos, reasons, datas := make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	digests := make([][]byte, n)
	for i, e := range b.events {
		seqs[i], ats[i], kinds[i], refs[i], actors[i] = int64(e.Seq), e.Time, pgText(e.Kind), pgText(e.Ref), pgText(e.Actor)
		froms[i], tos[i], reasons[i], datas[i] = pgText(e.From), pgText(e.To), pgText(e.Reason), pgJSON(e.Data)
		digests[i] = Digest(e) // of the event as the terminal has it
		ats[i] = e.Time.Truncate(time.Microsecond)
		content, err := EventContent(w.o.StoreID, w.o.TerminalID, e)
		if err != nil {
			return nil, fmt.Errorf("event %d: %w", e.Seq, err)
		}
		chain = chainNext(chain, content)
		chains[i] = chain
	}
	pb.Queue(`INSERT INTO events (store_id, terminal_id, seq, at, kind, ref, actor, from_state, to_state, reason, data, digest, chain)
		SELECT $1, $2, u.seq, u.at, u.kind, u.ref, u.actor, u.fs, u.ts, u.reason, NULLIF(u.data, '')::jsonb, u.digest, u.chain
		FROM unnest($3::bigint[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::bytea[],
			$13::bytea[])
			AS u(seq, at, kind, ref, actor, fs, ts, reason, data, digest, chain)
		ON CONFLICT (store_id, terminal_id, seq) DO NOTHING
		RETURNING seq`,
		w.o.StoreID, w.o.TerminalID, seqs, ats, kinds, refs, actors, froms, tos, reasons, datas, digests, chains)
	pb.Queue(`SELECT e.seq FROM events e JOIN unnest($3::bigint[], $4::bytea[]) AS u(seq, digest) ON e.seq = u.seq
		WHERE e.store_id = $1 AND e.terminal_id = $2 AND e.digest <> u.digest
		ORDER BY e.seq`, w.o.StoreID, w.o.TerminalID, seqs, digests)
	return chain, nil
}

// pgText drops NUL characters, which PostgreSQL text cannot hold (the
// digest keeps the terminal's exact event).
func pgText[S ~string](s S) string { return strings.ReplaceAll(string(s), "\x00", "") }

// pgJSON makes JSON storable as jsonb: jsonb refuses the \u0000 escape, so
// it becomes U+FFFD. Empty stays empty (stored as NULL).
func pgJSON(data []byte) string {
	s := string(data)
	if strings.Contains(s, `\u0000`) {
		s = strings.ReplaceAll(s, `\u0000`, `\ufffd`)
	}
	return s
}

func ts(t time.Time) pgtype.Timestamptz { return pgtype.Timestamptz{Time: t, Valid: !t.IsZero()} }

// queueOrders queues the upsert of the order projections. A row belongs to
// the terminal that first replicated it; a snapshot replaces it only when
// taken at the same or a later point of that terminal's log (src_seq).
func (w *Worker) queueOrders(pb *pgx.Batch, b *batch) error {
	n := len(b.orders)
	nos, tenders, states, txids, cashiers, records := make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n)
	amounts := make([]int64, n)
	created, updated, paid := make([]time.Time, n), make([]time.Time, n), make([]pgtype.Timestamptz, n)
	training := make([]bool, n)
	for i, o := range b.orders {
		rec := *o
		rec.CodeHash = "" // keyed hash of the payment code: stays on the terminal
		data, err := trimmedRecord(rec, orderColumnKeys)
		if err != nil {
			return fmt.Errorf("encode order %s: %w", o.OutTradeNo, err)
		}
		nos[i], tenders[i], states[i], txids[i], cashiers[i], records[i] = pgText(o.OutTradeNo), pgText(o.Tender), pgText(o.State),
			pgText(o.TransactionID), pgText(o.Cashier), pgJSON(data)
		amounts[i], created[i], updated[i], paid[i], training[i] = o.AmountFen, o.CreatedAt, o.UpdatedAt, ts(o.PaidAt), o.Training
		if updated[i].IsZero() {
			updated[i] = o.CreatedAt
		}
	}
	pb.Queue(`INSERT INTO orders (out_trade_no, store_id, terminal_id, tender, state, amount_fen, transaction_id, cashier,
			created_at, updated_at, paid_at, training, record, src_seq)
		SELECT u.no, $1, $2, u.tender, u.state, u.amount, u.txid, u.cashier, u.created, u.updated, u.paid, u.training, u.record::jsonb, $3
		FROM unnest($4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::text[], $10::timestamptz[], $11::timestamptz[],
			$12::timestamptz[], $13::boolean[], $14::text[])
			AS u(no, tender, state, amount, txid, cashier, created, updated, paid, training, record)
		ON CONFLICT (out_trade_no) DO UPDATE SET
			tender = excluded.tender, state = excluded.state, amount_fen = excluded.amount_fen,
			transaction_id = excluded.transaction_id, cashier = excluded.cashier, created_at = excluded.created_at,
			updated_at = excluded.updated_at, paid_at = excluded.paid_at, training = excluded.training,
			record = excluded.record, src_seq = excluded.src_seq
		WHERE orders.store_id = excluded.store_id AND orders.terminal_id = excluded.terminal_id
			AND orders.src_seq <= excluded.src_seq`,
		w.o.StoreID, w.o.TerminalID, int64(b.local), nos, tenders, states, amounts, txids, cashiers, created, updated, paid, training, records)
	return nil
}

// orderColumnKeys and refundColumnKeys are the record's fields that the
// projection keeps as columns exactly: the stored record leaves them out
// and the lookups put them back (FindOrder). The times stay in the record:
// a column keeps microseconds, the terminal's record nanoseconds.
var (
	orderColumnKeys  = []string{"out_trade_no", "tender", "state", "amount_fen", "transaction_id", "cashier", "training"}
	refundColumnKeys = []string{"out_refund_no", "out_trade_no", "state", "amount_fen", "training"}
)

// trimmedRecord is v's JSON without the keys given.
func trimmedRecord(v any, keys []string) ([]byte, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	for _, k := range keys {
		delete(m, k)
	}
	return json.Marshal(m)
}

// queueRefunds queues the upsert of the refund projections, with the same
// rules as queueOrders.
func (w *Worker) queueRefunds(pb *pgx.Batch, b *batch) error {
	n := len(b.refunds)
	nos, trades, states, records := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	amounts := make([]int64, n)
	created, updated, success := make([]time.Time, n), make([]time.Time, n), make([]pgtype.Timestamptz, n)
	training := make([]bool, n)
	for i, r := range b.refunds {
		data, err := trimmedRecord(r, refundColumnKeys)
		if err != nil {
			return fmt.Errorf("encode refund %s: %w", r.OutRefundNo, err)
		}
		nos[i], trades[i], states[i], records[i] = pgText(r.OutRefundNo), pgText(r.OutTradeNo), pgText(r.State), pgJSON(data)
		amounts[i], created[i], updated[i], success[i], training[i] = r.AmountFen, r.CreatedAt, r.UpdatedAt, ts(r.SuccessAt), r.Training
		if updated[i].IsZero() {
			updated[i] = r.CreatedAt
		}
	}
	pb.Queue(`INSERT INTO refunds (out_refund_no, out_trade_no, store_id, terminal_id, state, amount_fen,
			created_at, updated_at, success_at, training, record, src_seq, tender)
		SELECT u.no, u.trade, $1, $2, u.state, u.amount, u.created, u.updated, u.success, u.training, u.record::jsonb, $3,
			NULLIF(u.tender, '')
		FROM unnest($4::text[], $5::text[], $6::text[], $7::bigint[], $8::timestamptz[], $9::timestamptz[], $10::timestamptz[],
			$11::boolean[], $12::text[], $13::text[])
			AS u(no, trade, state, amount, created, updated, success, training, record, tender)
		ON CONFLICT (out_refund_no) DO UPDATE SET
			out_trade_no = excluded.out_trade_no, state = excluded.state, amount_fen = excluded.amount_fen,
			created_at = excluded.created_at, updated_at = excluded.updated_at, success_at = excluded.success_at,
			training = excluded.training, record = excluded.record, src_seq = excluded.src_seq, tender = excluded.tender
		WHERE refunds.store_id = excluded.store_id AND refunds.terminal_id = excluded.terminal_id
			AND refunds.src_seq <= excluded.src_seq`,
		w.o.StoreID, w.o.TerminalID, int64(b.local), nos, trades, states, amounts, created, updated, success, training, records, b.tenders)
	return nil
}

// progress records a look at the log: ok when the step succeeded (a batch
// pushed, or nothing to push), false when the push failed.
func (w *Worker) progress(b *batch, cursor uint64, inserted int, ok bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	st := &w.st
	st.LocalSeq, st.PushedSeq, st.Pending = b.local, cursor, 0
	if b.local > cursor {
		st.Pending = b.local - cursor
	}
	st.OldestPendingAt = time.Time{}
	switch {
	case st.Pending == 0:
	case ok && b.next != nil:
		st.OldestPendingAt = b.next.Time
	case !ok && len(b.events) > 0:
		st.OldestPendingAt = b.events[0].Time
	}
	if !ok {
		return
	}
	if len(b.events) > 0 {
		st.LastPushAt = w.o.Now()
		st.Pushed += uint64(inserted)
	}
	st.Connected = true
	if st.Err != nil {
		w.o.Logger.Info("replication resumed", "store", w.o.StoreID, "terminal", w.o.TerminalID,
			"down_for", w.o.Now().Sub(st.Since).Round(time.Second))
		st.Err, st.Since = nil, time.Time{}
	}
}

// refreshLocal updates the local half of the status (newest event, how
// many and since when are waiting) when a step failed before reading the
// log, so the status bar shows the backlog growing during an outage.
func (w *Worker) refreshLocal() {
	var local uint64
	var oldest time.Time
	err := w.db.View(func(tx *storage.Tx) error {
		local = tx.LastEventSeq()
		if local <= w.cursor {
			return nil
		}
		return tx.Events(w.cursor+1, func(e storage.Event) (bool, error) {
			oldest = e.Time
			return false, nil
		})
	})
	if err != nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.st.LocalSeq, w.st.PushedSeq, w.st.Pending, w.st.OldestPendingAt = local, w.cursor, 0, time.Time{}
	if local > w.cursor {
		w.st.Pending, w.st.OldestPendingAt = local-w.cursor, oldest
	}
}

func (w *Worker) fail(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.st.Err == nil {
		w.st.Since = w.o.Now()
		w.o.Logger.Warn("replication failing; will retry", "store", w.o.StoreID, "terminal", w.o.TerminalID, "err", err)
	}
	w.st.Err = err
	w.st.Connected = false
}

// RemoteSeq returns the highest event sequence PostgreSQL holds for a
// terminal, 0 when none.
func RemoteSeq(ctx context.Context, db Querier, storeID, terminalID string) (uint64, error) {
	var seq int64
	err := db.QueryRow(ctx, `SELECT coalesce(max(seq), 0) FROM events WHERE store_id = $1 AND terminal_id = $2`,
		storeID, terminalID).Scan(&seq)
	if err != nil {
		return 0, fmt.Errorf("replicated position of %s/%s: %w", storeID, terminalID, err)
	}
	return uint64(seq), nil
}

// Probe reports a terminal's replication state without pushing: the local
// log against the server's position. wxpos doctor calls it. When the
// server cannot be reached the returned Status still has the local figures
// (PushedSeq from the last known position is unknown: 0) and Err set.
func Probe(ctx context.Context, db *storage.Store, q Querier, storeID, terminalID string) Status {
	st := Status{StoreID: storeID, TerminalID: terminalID}
	remote, digest, chain, err := remoteHead(ctx, q, storeID, terminalID)
	if err != nil {
		st.Err = err
	} else {
		st.Connected, st.PushedSeq = true, remote
	}
	verr := db.View(func(tx *storage.Tx) error {
		st.LocalSeq = tx.LastEventSeq()
		if st.LocalSeq <= st.PushedSeq {
			return nil
		}
		st.Pending = st.LocalSeq - st.PushedSeq
		return tx.Events(st.PushedSeq+1, func(e storage.Event) (bool, error) {
			st.OldestPendingAt = e.Time
			return false, nil
		})
	})
	if verr != nil && st.Err == nil {
		st.Err = verr
	}
	if st.Connected && st.Err == nil {
		st.Err = probeChain(ctx, db, q, storeID, terminalID, remote, digest, chain)
	}
	return st
}

// probeChain checks what PostgreSQL holds of a terminal against its own
// log: the newest event and its chain hash (which covers every event
// before it), then every row against its chain (Verify).
func probeChain(ctx context.Context, db *storage.Store, q Querier, storeID, terminalID string, seq uint64, digest, chain []byte) error {
	w := &Worker{db: db, o: Options{StoreID: storeID, TerminalID: terminalID}}
	if err := w.sameHistory(seq, digest); err != nil {
		return err
	}
	if err := w.chainOK(seq, chain); err != nil {
		return err
	}
	check, err := Verify(ctx, q, storeID, terminalID)
	if err != nil {
		return err
	}
	if n := len(check.Problems); n > 0 {
		p := check.Problems[0]
		return w.conflictAt(uint64(p.Seq), false, "PostgreSQL's copy of %s/%s fails its chain check: %s (%d found)", storeID, terminalID, p, n)
	}
	return nil
}
