package replica

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/wxpos/wxpos/notify"
	"github.com/wxpos/wxpos/pos"
)

// NotifySink is the notify.Sink of a chain: WeChat Pay's notifications
// recorded in the store's PostgreSQL (tables notifications,
// notification_refusals, notify_cursors), where head office sees them and
// each terminal's Worker pulls those about its own numbers (Options.Hint).
// Accept returns after the commit, which PostgreSQL makes durable before
// it answers, so the receiver answers WeChat only for what survives; the
// commit also NOTIFYs NotifyChannel, so the terminal hears of it at once.
//
// Accepts are group-committed: the Accepts that arrive while a commit is
// being made are recorded together in the next one — one transaction, one
// WAL flush, one round trip (commitGroup) — and each is answered after that
// commit. One Accept at a time commits alone, at once; a burst of 200
// shares a few commits instead of queueing for 200 in turn behind the
// advisory lock, each with its own flush.
type NotifySink struct {
	pool *pgxpool.Pool
	// serial records each Accept in a transaction of its own, as before
	// group commit: the baseline of BenchmarkNotifySinkBurst.
	serial bool
	// onCommit, when set, is told each group's size and the time its
	// commit took (BenchmarkNotifySinkBurst's breakdown).
	onCommit func(n int, took time.Duration)

	mu      sync.Mutex
	pending []*pgAccept // waiting for the next commit
	leading bool        // a goroutine is committing; it hands on what is pending
}

// pgAccept is one Accept waiting for its group's commit.
type pgAccept struct {
	r    notify.Record
	dup  bool
	seq  int64
	err  error
	done chan struct{}
}

// maxPGGroup bounds one commit's records.
const maxPGGroup = 256

// groupTimeout bounds one group's commit: the Accepts waiting for it have
// their own deadlines (notify.RecordTimeout) and give up first.
const groupTimeout = 10 * time.Second

var _ notify.Sink = (*NotifySink)(nil)

// NewNotifySink records into pool's database, which Migrate has brought to
// the current schema.
func NewNotifySink(pool *pgxpool.Pool) *NotifySink { return &NotifySink{pool: pool} }

// notifyLock is the advisory lock that serialises the commits of
// notifications (of every receiver): with one writer at a time a row's seq
// is also its commit order, so a consumer reading past its cursor never
// skips a row that commits later under a lower seq.
const notifyLock = 0x77787073_6e6f7469 // "wxpsnoti"

// Accept implements notify.Sink: r joins the next group commit and Accept
// returns once that commit is made (or ctx ends: the commit may still
// come, and WeChat's re-send then finds r recorded).
func (s *NotifySink) Accept(ctx context.Context, r *notify.Record) (dup bool, err error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("notify: record %s: %w", r.ID, err)
	}
	if s.serial {
		dup, err := s.acceptAlone(ctx, r)
		if err != nil {
			return false, fmt.Errorf("notify: record %s: %w", r.ID, err)
		}
		return dup, nil
	}
	a := &pgAccept{r: *r, done: make(chan struct{})}
	s.mu.Lock()
	s.pending = append(s.pending, a)
	lead := !s.leading
	s.leading = true
	s.mu.Unlock()
	if lead {
		go s.commitNext() // not in this goroutine: ctx bounds the wait, not the commit
	}
	select {
	case <-a.done:
	case <-ctx.Done():
		return false, fmt.Errorf("notify: record %s: %w", r.ID, ctx.Err())
	}
	if a.err != nil {
		return false, fmt.Errorf("notify: record %s: %w", r.ID, a.err)
	}
	if !a.dup {
		r.Seq = uint64(a.seq)
	}
	return a.dup, nil
}

// commitNext commits what is pending (up to maxPGGroup) as one group and
// answers each; if more arrived meanwhile, it leads on in a new goroutine.
func (s *NotifySink) commitNext() {
	s.mu.Lock()
	group := s.pending[:min(len(s.pending), maxPGGroup)]
	s.pending = s.pending[len(group):]
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), groupTimeout)
	t0 := time.Now()
	err := s.commitGroup(ctx, group)
	if s.onCommit != nil {
		s.onCommit(len(group), time.Since(t0))
	}
	if err != nil && len(group) > 1 {
		// One record the database refuses must not fail the others:
		// each alone, so only it is answered the error.
		for _, a := range group {
			a.dup, a.seq, a.err = false, 0, nil
			a.dup, a.err = s.acceptAlone(ctx, &a.r)
			a.seq = int64(a.r.Seq)
		}
		err = nil
	}
	cancel()
	for _, a := range group {
		if err != nil {
			a.dup, a.seq, a.err = false, 0, err
		}
		close(a.done)
	}
	s.mu.Lock()
	more := len(s.pending) > 0
	s.leading = more
	s.mu.Unlock()
	if more {
		go s.commitNext()
	}
}

const insertNotification = `INSERT INTO notifications (id, dedupe_key, api, kind, event, mchid, out_trade_no,
	out_refund_no, transaction_id, refund_id, state, total_fen, refund_fen, attach, success_time, received)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
	ON CONFLICT DO NOTHING RETURNING seq`

func insertArgs(r *notify.Record) []any {
	return []any{pgText(r.ID), pgText(r.Key()), r.API, string(r.Kind), pgText(r.Event), pgText(r.MchID), pgText(r.OutTradeNo),
		pgText(r.OutRefundNo), pgText(r.TransactionID), pgText(r.RefundID), pgText(r.State), r.TotalFen, r.RefundFen,
		pgText(r.Attach), ts(r.SuccessTime), ts(r.Received)}
}

// insertGroup inserts a group's records in one statement (the columns as
// arrays, in the group's order, so seq follows it) and NOTIFYs each new
// one; it returns the seq and id of each inserted row. A record whose id
// or key is already recorded inserts nothing and returns nothing.
const insertGroup = `WITH ins AS (
	INSERT INTO notifications (id, dedupe_key, api, kind, event, mchid, out_trade_no, out_refund_no, transaction_id,
		refund_id, state, total_fen, refund_fen, attach, success_time, received)
	SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
		$8::text[], $9::text[], $10::text[], $11::text[], $12::bigint[], $13::bigint[], $14::text[],
		$15::timestamptz[], $16::timestamptz[])
	ON CONFLICT DO NOTHING
	RETURNING seq, id, CASE WHEN kind = 'refund' THEN out_refund_no ELSE out_trade_no END AS ref)
SELECT seq, id, pg_notify($17, ref) FROM ins`

// groupColumns is a group's records as the columns insertGroup takes.
func groupColumns(fresh []*pgAccept) []any {
	n := len(fresh)
	text := func() []string { return make([]string, n) }
	id, key, api, kind, event, mch, trade, refund, txid, refid, state, attach :=
		text(), text(), text(), text(), text(), text(), text(), text(), text(), text(), text(), text()
	total, refundFen := make([]int64, n), make([]int64, n)
	success, received := make([]pgtype.Timestamptz, n), make([]pgtype.Timestamptz, n)
	for i, a := range fresh {
		r := &a.r
		id[i], key[i], api[i], kind[i], event[i], mch[i] = pgText(r.ID), pgText(r.Key()), r.API, string(r.Kind),
			pgText(r.Event), pgText(r.MchID)
		trade[i], refund[i], txid[i], refid[i], state[i], attach[i] = pgText(r.OutTradeNo), pgText(r.OutRefundNo),
			pgText(r.TransactionID), pgText(r.RefundID), pgText(r.State), pgText(r.Attach)
		total[i], refundFen[i], success[i], received[i] = r.TotalFen, r.RefundFen, ts(r.SuccessTime), ts(r.Received)
	}
	return []any{id, key, api, kind, event, mch, trade, refund, txid, refid, state, total, refundFen, attach,
		success, received, NotifyChannel}
}

// commitGroup records group in one round trip: a pipelined batch, which
// PostgreSQL runs as one implicit transaction committed at its end — the
// advisory lock, then one statement inserting every record and NOTIFYing
// each new one. A record whose id or key is already recorded, before or
// earlier in the group, is a duplicate. Its reply comes after the commit,
// so once it is read without error every record in the group is durable.
// (Before: BEGIN, the lock and one INSERT per record, the NOTIFYs, COMMIT:
// four round trips, each a wait for PostgreSQL's process on a busy
// machine, and as many statements as records.)
func (s *NotifySink) commitGroup(ctx context.Context, group []*pgAccept) error {
	seen := make(map[string]bool, 2*len(group))
	byID := make(map[string]*pgAccept, len(group))
	var fresh []*pgAccept
	for _, a := range group {
		a.dup, a.seq, a.err = true, 0, nil // until the insert returns its row
		if seen["i"+a.r.ID] || seen["k"+a.r.Key()] {
			continue
		}
		seen["i"+a.r.ID], seen["k"+a.r.Key()] = true, true
		fresh = append(fresh, a)
		byID[pgText(a.r.ID)] = a
	}
	b := &pgx.Batch{}
	b.Queue(`SELECT pg_advisory_xact_lock($1)`, int64(notifyLock))
	b.Queue(insertGroup, groupColumns(fresh)...)
	res := s.pool.SendBatch(ctx, b)
	if _, err := res.Exec(); err != nil {
		res.Close()
		return err
	}
	rows, err := res.Query()
	if err != nil {
		res.Close()
		return err
	}
	type inserted struct {
		seq int64
		id  string
	}
	var got []inserted
	for rows.Next() {
		var in inserted
		if err := rows.Scan(&in.seq, &in.id, nil); err != nil {
			rows.Close()
			res.Close()
			return err
		}
		got = append(got, in)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		res.Close()
		return err
	}
	if err := res.Close(); err != nil { // the commit's answer
		return err
	}
	for _, in := range got {
		if a := byID[in.id]; a != nil {
			a.dup, a.seq = false, in.seq
		}
	}
	return nil
}

// acceptAlone records r in a transaction of its own.
func (s *NotifySink) acceptAlone(ctx context.Context, r *notify.Record) (dup bool, err error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(notifyLock)); err != nil {
		return false, err
	}
	var seq int64
	err = tx.QueryRow(ctx, insertNotification, insertArgs(r)...).Scan(&seq)
	if errors.Is(err, pgx.ErrNoRows) {
		return true, nil // its id or its (kind, number, state) is already recorded
	}
	if err != nil {
		return false, err
	}
	// Delivered to the listening workers when (and only if) this commits.
	if _, err := tx.Exec(ctx, `SELECT pg_notify($1, $2)`, NotifyChannel, pgText(r.Ref())); err != nil {
		return false, err
	}
	if err := tx.Commit(ctx); err != nil {
		return false, err
	}
	r.Seq = uint64(seq)
	return false, nil
}

// Refuse implements notify.Sink; the oldest refusal beyond
// notify.MaxRefusals goes.
func (s *NotifySink) Refuse(ctx context.Context, f *notify.Refusal) error {
	var seq int64
	err := s.pool.QueryRow(ctx, `INSERT INTO notification_refusals (api, id, reason, detail, status, remote, received)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq`,
		pgText(f.API), pgText(f.ID), pgText(f.Reason), pgText(f.Detail), f.Status, pgText(f.Remote), ts(f.Received)).Scan(&seq)
	if err == nil && seq > notify.MaxRefusals {
		_, err = s.pool.Exec(ctx, `DELETE FROM notification_refusals WHERE seq <= $1`, seq-notify.MaxRefusals)
	}
	if err != nil {
		return fmt.Errorf("notify: record refusal: %w", err)
	}
	return nil
}

const notificationColumns = `seq, id, api, kind, event, mchid, out_trade_no, out_refund_no, transaction_id, refund_id,
	state, total_fen, refund_fen, attach, success_time, received`

// timeOf is t's time, zero when NULL.
func timeOf(t pgtype.Timestamptz) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time
}

func scanNotifications(rows pgx.Rows) ([]notify.Record, error) {
	var out []notify.Record
	for rows.Next() {
		var (
			r            notify.Record
			seq          int64
			kind         string
			success, rcv pgtype.Timestamptz
		)
		if err := rows.Scan(&seq, &r.ID, &r.API, &kind, &r.Event, &r.MchID, &r.OutTradeNo, &r.OutRefundNo,
			&r.TransactionID, &r.RefundID, &r.State, &r.TotalFen, &r.RefundFen, &r.Attach, &success, &rcv); err != nil {
			return nil, err
		}
		r.Seq, r.Kind, r.SuccessTime, r.Received = uint64(seq), notify.Kind(kind), timeOf(success), timeOf(rcv)
		out = append(out, r)
	}
	return out, rows.Err()
}

// Since implements notify.Sink.
func (s *NotifySink) Since(ctx context.Context, after uint64, limit int) ([]notify.Record, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+notificationColumns+` FROM notifications WHERE seq > $1 ORDER BY seq LIMIT $2`,
		int64(after), limit)
	if err != nil {
		return nil, fmt.Errorf("notify: read records: %w", err)
	}
	defer rows.Close()
	out, err := scanNotifications(rows)
	if err != nil {
		return nil, fmt.Errorf("notify: read records: %w", err)
	}
	return out, nil
}

// Refusals implements notify.Sink.
func (s *NotifySink) Refusals(ctx context.Context, limit int) ([]notify.Refusal, error) {
	rows, err := s.pool.Query(ctx, `SELECT seq, api, id, reason, detail, status, remote, received
		FROM notification_refusals ORDER BY seq DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("notify: read refusals: %w", err)
	}
	defer rows.Close()
	var out []notify.Refusal
	for rows.Next() {
		var (
			f   notify.Refusal
			seq int64
			rcv pgtype.Timestamptz
		)
		if err := rows.Scan(&seq, &f.API, &f.ID, &f.Reason, &f.Detail, &f.Status, &f.Remote, &rcv); err != nil {
			return nil, fmt.Errorf("notify: read refusals: %w", err)
		}
		f.Seq, f.Received = uint64(seq), timeOf(rcv)
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("notify: read refusals: %w", err)
	}
	return out, nil
}

// Cursor implements notify.Sink.
func (s *NotifySink) Cursor(ctx context.Context, consumer string) (uint64, error) {
	return cursorOf(ctx, s.pool, consumer)
}

// SetCursor implements notify.Sink.
func (s *NotifySink) SetCursor(ctx context.Context, consumer string, seq uint64) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO notify_cursors (consumer, seq) VALUES ($1, $2)
		ON CONFLICT (consumer) DO UPDATE SET seq = GREATEST(notify_cursors.seq, EXCLUDED.seq)`, consumer, int64(seq))
	if err != nil {
		return fmt.Errorf("notify: cursor %s: %w", consumer, err)
	}
	return nil
}

func cursorOf(ctx context.Context, q Querier, consumer string) (uint64, error) {
	var seq int64
	err := q.QueryRow(ctx, `SELECT seq FROM notify_cursors WHERE consumer = $1`, consumer).Scan(&seq)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("notify: cursor %s: %w", consumer, err)
	}
	return uint64(seq), nil
}

// NotificationsOf returns the notifications recorded about sale
// outTradeNo and its refunds, oldest first: head office sees what WeChat
// announced beside what the terminals recorded.
func NotificationsOf(ctx context.Context, q Querier, outTradeNo string) ([]notify.Record, error) {
	rows, err := q.Query(ctx, `SELECT `+notificationColumns+` FROM notifications WHERE out_trade_no = $1 ORDER BY seq`, outTradeNo)
	if err != nil {
		return nil, fmt.Errorf("notifications of %s: %w", outTradeNo, err)
	}
	defer rows.Close()
	out, err := scanNotifications(rows)
	if err != nil {
		return nil, fmt.Errorf("notifications of %s: %w", outTradeNo, err)
	}
	return out, nil
}

// hintBatch is how many notifications a worker hands over per pass.
const hintBatch = 256

// hintConsumer is the worker's cursor in notify_cursors.
func (w *Worker) hintConsumer() string { return "terminal:" + w.o.StoreID + "/" + w.o.TerminalID }

// pullHints hands Options.Hint every notification recorded since the
// terminal's cursor about an order or refund number this terminal minted
// (pos.NumberPrefix), then moves the cursor to the last of them, so that
// the next pull reads only what came since. It reads nothing of the other
// stores', not even how many they have had: the pull is a range of the
// terminal's own rows (migration 0015), and the cursor is written only
// after one of them. A hint is only a hint — the terminal queries before
// it moves anything — so one that fails is logged and not repeated;
// polling settles that record anyway.
func (w *Worker) pullHints(ctx context.Context) error {
	if w.o.Hint == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, w.o.PushTimeout)
	defer cancel()
	consumer := w.hintConsumer()
	for {
		nos, last, err := w.hintsSince(ctx, consumer)
		if err != nil || len(nos) == 0 {
			return err
		}
		for _, n := range nos {
			if err := w.o.Hint(n); err != nil {
				w.o.Logger.Warn("replicate: hint", "ref", n.Ref, "err", err)
			}
		}
		if err := (&NotifySink{pool: w.pool}).SetCursor(ctx, consumer, uint64(last)); err != nil {
			return err
		}
		if len(nos) < hintBatch {
			return nil
		}
	}
}

// pullSince reads, in one statement (one snapshot), the terminal's cursor
// $1 and up to hintBatch of its own notifications after it: a range of
// notifications_minted ($2, $3: its store and terminal; migration 0015),
// whatever the other stores' volume. A cursor moved to the last of them
// passes nothing of its own left behind: the writers commit in seq order
// (notifyLock), so every row below a seq the snapshot saw committed was
// committed (or rolled back) before it, and a row committed later has a
// higher seq. The batch is written into the statement and the cursor is
// never NULL (max over no row, coalesced inside), so that the generic plan
// a prepared statement settles on knows the LIMIT and bounds the index
// range by the cursor; with either one a parameter the planner may prefer
// to walk the primary key from the cursor through the other stores' rows
// (TestHintPullPlan).
var pullSince = `SELECT seq, kind, out_trade_no, out_refund_no, state, total_fen FROM notifications
WHERE minted_store = $2 AND minted_terminal = $3
	AND seq > (SELECT coalesce(max(c.seq), 0) FROM notify_cursors c WHERE c.consumer = $1)
ORDER BY seq LIMIT ` + strconv.Itoa(hintBatch)

// hintsSince runs pullSince: what the terminal's own notifications after
// its cursor say (oldest first) and the last one's seq. Only the
// receiver's role writes notifications, after verifying them, so a row's
// state and amount are WeChat's.
func (w *Worker) hintsSince(ctx context.Context, consumer string) (nos []pos.Notice, last int64, err error) {
	rows, err := w.pool.Query(ctx, pullSince, consumer, w.o.StoreID, w.o.TerminalID)
	if err != nil {
		return nil, 0, fmt.Errorf("notifications: %w", err)
	}
	err = forRows(rows, func(rows pgx.Rows) error {
		var seq, total int64
		var kind, trade, refund, state string
		if err := rows.Scan(&seq, &kind, &trade, &refund, &state, &total); err != nil {
			return err
		}
		last = seq
		if notify.Kind(kind) == notify.KindRefund {
			nos = append(nos, pos.Notice{Ref: refund})
		} else {
			nos = append(nos, pos.Notice{Ref: trade, Paid: state == "SUCCESS", TotalFen: total})
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("notifications: %w", err)
	}
	return nos, last, nil
}
