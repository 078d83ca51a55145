package replica

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/wxpos/wxpos/internal/csvout"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/state"
	"github.com/wxpos/wxpos/tz"
	"github.com/wxpos/wxpos/wechat"
)

// The states the head-office queries select on, as SQL literals spelled
// from package state. Literals, not parameters: the planner uses a partial
// index only when the query's predicate matches it as written
// (migrations/0002_projections.sql, frozen like every migration).
var (
	sqlPaid       = sqlStates(state.Paid)
	sqlOrderFinal = sqlStates(state.Paid, state.Failed, state.Reversed, state.Closed)
	sqlRefunded   = sqlStates(state.RefundSuccess)
	sqlRefundDone = sqlStates(state.RefundSuccess, state.RefundClosed)
)

// sqlStates is states as a comma-separated list of SQL string literals.
func sqlStates[S ~string](states ...S) string {
	q := make([]string, len(states))
	for i, s := range states {
		q[i] = "'" + string(s) + "'" // state names are [A-Z_]: nothing to escape
	}
	return strings.Join(q, ", ")
}

// Query selects a head-office report: business days From..To inclusive
// (yyyymmdd, Asia/Shanghai), optionally one store.
type Query struct {
	From    string `json:"from"` // yyyymmdd
	To      string `json:"to"`
	StoreID string `json:"store_id"` // empty: the whole chain
	// Training includes training-mode (sandbox) sales, which are left out
	// by default.
	Training bool `json:"training"`
}

// Line is one row of the report: a store's terminal's tender on a day.
type Line struct {
	Day         string `json:"day"` // yyyymmdd
	StoreID     string `json:"store_id"`
	TerminalID  string `json:"terminal_id"`
	Tender      string `json:"tender"`
	SaleCount   int64  `json:"sale_count"`
	SaleFen     int64  `json:"sale_fen"`
	RefundCount int64  `json:"refund_count"`
	RefundFen   int64  `json:"refund_fen"`
}

// NetFen is sales minus refunds.
func (l Line) NetFen() int64 { return l.SaleFen - l.RefundFen }

// Open is an order or refund not settled (UNKNOWN, waiting, submitted…) or
// a refund stuck ABNORMAL at WeChat. Its money is not in the lines.
type Open struct {
	Kind       string    `json:"kind"` // "order" or "refund"
	No         string    `json:"no"`   // out_trade_no or out_refund_no
	StoreID    string    `json:"store_id"`
	TerminalID string    `json:"terminal_id"`
	Tender     string    `json:"tender"`
	State      string    `json:"state"`
	AmountFen  int64     `json:"amount_fen"`
	CreatedAt  time.Time `json:"created_at"`
	// Announced is the state WeChat Pay's latest notification about it
	// gave (SUCCESS, CLOSED, ABNORMAL), "" when none came: an open record
	// WeChat already announced settled is one its terminal has not yet
	// confirmed — offline, or its worker behind.
	Announced string `json:"announced,omitempty"`
}

// Announced is a payment or refund WeChat Pay announced — a verified
// notification recorded in the chain's PostgreSQL (NotifySink) — that no
// terminal has replicated: its terminal went offline, or fell behind,
// after the customer paid. It is listed on its own and never counted in
// the lines, which are the terminals' own figures; once its terminal's
// record arrives it leaves this list — for the lines when PAID, for Open
// (with Announced set) while the terminal has not confirmed it — so it is
// never counted twice.
type Announced struct {
	Kind          string    `json:"kind"`         // "order" or "refund"
	No            string    `json:"no"`           // out_trade_no or out_refund_no
	OutTradeNo    string    `json:"out_trade_no"` // the sale (a refund's too)
	StoreID       string    `json:"store_id"`     // from the number the terminal minted (pos.NumberPrefix)
	TerminalID    string    `json:"terminal_id"`
	State         string    `json:"state"`      // WeChat's latest: SUCCESS, or a refund's CLOSED or ABNORMAL
	AmountFen     int64     `json:"amount_fen"` // what was paid, or refunded
	At            time.Time `json:"at"`         // WeChat's success time, else when the notification came
	TransactionID string    `json:"transaction_id,omitempty"`
}

// TerminalState is a terminal's replication position as HQ sees it.
type TerminalState struct {
	StoreID         string    `json:"store_id"`
	TerminalID      string    `json:"terminal_id"`
	PushedSeq       int64     `json:"pushed_seq"`
	LocalSeq        int64     `json:"local_seq"`
	OldestPendingAt time.Time `json:"oldest_pending_at,omitzero"` // zero: nothing was waiting at the last push
	LastPushAt      time.Time `json:"last_push_at"`
}

// ReconDay is one terminal's reconciliation of one bill day, from its
// newest recon.run event and the resolutions after it.
type ReconDay struct {
	StoreID     string    `json:"store_id"`
	TerminalID  string    `json:"terminal_id"`
	Day         string    `json:"day"` // yyyymmdd
	At          time.Time `json:"at"`  // when it was reconciled
	BillRows    int       `json:"bill_rows"`
	Differences int       `json:"differences"`
	Open        int       `json:"open"` // differences not resolved yet
}

// HQReport is the head-office report: sales and refunds per day, store,
// terminal and tender, what is still open, and how current each terminal's
// replica is (a terminal that has not replicated has figures missing).
type HQReport struct {
	Query   Query     `json:"query"`
	TakenAt time.Time `json:"taken_at"`
	Lines   []Line    `json:"lines"`
	Open    []Open    `json:"open"`
	// Announced lists what WeChat announced in the range that no terminal
	// has replicated yet: not in the lines, not in Totals.
	Announced []Announced     `json:"announced"`
	Terminals []TerminalState `json:"terminals"`
	// Recon lists the reconciliations of the days in range; a terminal
	// missing for a day has not reconciled it (or not replicated it).
	Recon []ReconDay `json:"recon"`
}

// Totals sums the lines.
func (r *HQReport) Totals() Line {
	var t Line
	for _, l := range r.Lines {
		t.SaleCount += l.SaleCount
		t.SaleFen += l.SaleFen
		t.RefundCount += l.RefundCount
		t.RefundFen += l.RefundFen
	}
	return t
}

func dayRange(from, to string) (time.Time, time.Time, error) {
	a, err := time.ParseInLocation("20060102", from, tz.Shanghai)
	if err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("from %q: want yyyymmdd", from)
	}
	b, err := time.ParseInLocation("20060102", to, tz.Shanghai)
	if err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("to %q: want yyyymmdd", to)
	}
	if b.Before(a) {
		return time.Time{}, time.Time{}, fmt.Errorf("to %s is before from %s", to, from)
	}
	return a, b.AddDate(0, 0, 1), nil
}

// Report builds the head-office report from the projections. The rules are
// the terminal's Z report's (package report): a sale counts on the day it
// was paid, a refund on the day it succeeded and under its sale's tender,
// days in Asia/Shanghai; open payments and refunds are listed, not counted.
// A refund counts at the terminal that made it.
//
// From a pool (anything that begins transactions) its statements run in one
// read-only transaction, so lines, open items and positions are of one
// snapshot, with JIT compilation off: every statement reads what it
// answers through an index, and a misestimated row count (the open items')
// made PostgreSQL compile it for ~0.25 s at each report.
func Report(ctx context.Context, db Querier, q Query) (*HQReport, error) {
	if b, ok := db.(interface {
		BeginTx(context.Context, pgx.TxOptions) (pgx.Tx, error)
	}); ok {
		tx, err := b.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
		if err != nil {
			return nil, fmt.Errorf("hq report: %w", err)
		}
		defer tx.Rollback(ctx) //nolint:errcheck // read-only: nothing to keep
		if _, err := tx.Exec(ctx, "SET LOCAL jit = off"); err != nil {
			return nil, fmt.Errorf("hq report: %w", err)
		}
		return buildReport(ctx, tx, q)
	}
	return buildReport(ctx, db, q)
}

func buildReport(ctx context.Context, db Querier, q Query) (*HQReport, error) {
	start, end, err := dayRange(q.From, q.To)
	if err != nil {
		return nil, err
	}
	r := &HQReport{Query: q, TakenAt: time.Now()}
	sales, err := rollupLines(ctx, db, q, start, end, "sales", hqSalesSQL, func(l *Line, n, fen int64) { l.SaleCount, l.SaleFen = n, fen })
	if err != nil {
		return nil, err
	}
	refunds, err := rollupLines(ctx, db, q, start, end, "refunds", hqRefundsSQL, func(l *Line, n, fen int64) { l.RefundCount, l.RefundFen = n, fen })
	if err != nil {
		return nil, err
	}
	r.Lines = mergeLines(sales, refunds)
	if r.Open, err = openItems(ctx, db, q, end); err != nil {
		return nil, err
	}
	if r.Announced, err = announcedOnly(ctx, db, q, start, end); err != nil {
		return nil, err
	}
	if r.Terminals, err = Terminals(ctx, db, q.StoreID); err != nil {
		return nil, err
	}
	if r.Recon, err = reconDays(ctx, db, q); err != nil {
		return nil, err
	}
	return r, nil
}

// The money queries of Report read the daily roll-ups the projections'
// triggers keep (migrations/0006_hq_queries.sql): each yields (day, store,
// terminal, tender, count, fen) rows for the Shanghai days of [$1, $2),
// store $3 (empty: every store), training $4, in the roll-up's key order.
// A roll-up row whose count came back to zero (a sale that left PAID) is
// no line. Without training a line is one roll-up row, read as it is in
// key order (the primary key's index): summing (numeric), grouping and
// formatting the day in SQL made this read of a 30-day chain report (90 000
// lines) take 1.7 s at load 25, 0.25–0.31 s as it is now; with training, the two rows of a line
// are summed in the same order. The key's text is in byte order (COLLATE
// "C", migration 0016), Go's string order, so the two roll-ups' rows merge
// into the report's lines as they come (mergeLines).
var (
	hqSalesSQL   = hqRollupSQL("hq_sales_daily", "sale_count", "sale_fen")
	hqRefundsSQL = hqRollupSQL("hq_refunds_daily", "refund_count", "refund_fen")
)

func hqRollupSQL(table, count, fen string) func(storeID string, training bool) string {
	return func(storeID string, training bool) string {
		where := `WHERE day >= ($1::timestamptz AT TIME ZONE 'Asia/Shanghai')::date AND day < ($2::timestamptz AT TIME ZONE 'Asia/Shanghai')::date
			AND ` + storeIs("store_id", storeID)
		if !training {
			return `SELECT day, store_id, terminal_id, tender, ` + count + `, ` + fen + ` FROM ` + table + ` ` + where + `
			AND NOT training AND NOT $4 AND ` + count + ` <> 0
			ORDER BY day, store_id, terminal_id, tender`
		}
		return `SELECT day, store_id, terminal_id, tender, sum(` + count + `)::bigint, sum(` + fen + `)::bigint
		FROM ` + table + ` ` + where + ` AND (NOT training OR $4)
		GROUP BY day, store_id, terminal_id, tender
		HAVING sum(` + count + `) <> 0
		ORDER BY day, store_id, terminal_id, tender`
	}
}

// storeIs is the condition that selects one store's rows by column col
// when storeID (always parameter $3) is set, and every row when it is
// empty: written out for each case so that a prepared statement's generic
// plan, which cannot fold "$3 = ” OR col = $3", still uses the store's
// index.
func storeIs(col, storeID string) string {
	if storeID == "" {
		return "$3 = ''"
	}
	return col + " = $3"
}

// rollupLines runs one money query (what names it in an error) and set
// puts each row's count and fen on its line: the lines in the roll-up's
// key order.
func rollupLines(ctx context.Context, db Querier, q Query, start, end time.Time, what string, sql func(string, bool) string, set func(l *Line, n, fen int64)) ([]Line, error) {
	rows, err := db.Query(ctx, sql(q.StoreID, q.Training), start, end, q.StoreID, q.Training)
	var lines []Line
	if err == nil {
		days := map[time.Time]string{} // a few dates, formatted once
		err = forRows(rows, func(rows pgx.Rows) error {
			var date time.Time
			var l Line
			var n, fen int64
			if err := rows.Scan(&date, &l.StoreID, &l.TerminalID, &l.Tender, &n, &fen); err != nil {
				return err
			}
			day, ok := days[date]
			if !ok {
				day = date.Format("20060102")
				days[date] = day
			}
			l.Day = day
			set(&l, n, fen)
			lines = append(lines, l)
			return nil
		})
	}
	if err != nil {
		return nil, fmt.Errorf("hq %s: %w", what, err)
	}
	return lines, nil
}

// lineOrder is the report's order of lines: day, store, terminal, tender.
func lineOrder(a, b Line) int {
	return cmp.Or(strings.Compare(a.Day, b.Day), strings.Compare(a.StoreID, b.StoreID),
		strings.Compare(a.TerminalID, b.TerminalID), strings.Compare(a.Tender, b.Tender))
}

// mergeLines is the report's lines from the sales and the refunds lines, a
// key's two made one. Each comes in key order from its roll-up's index; one
// that does not (a roll-up keyed in another collation) is sorted first.
// Building them as a map by key and sorting 90 000 lines by four strings
// took two thirds of a 30-day chain report's 0.34–0.46 s at load 1.
func mergeLines(sales, refunds []Line) []Line {
	for _, ls := range [][]Line{sales, refunds} {
		if !slices.IsSortedFunc(ls, lineOrder) {
			slices.SortFunc(ls, lineOrder)
		}
	}
	// Most days every refund's key also sold: the refunds then go onto the
	// sales lines where they are, with no second copy of 90 000 lines.
	// (Setting a key's refunds twice is harmless, so a partial pass that
	// meets a key with no sales line just falls through to the merge.)
	i, inPlace := 0, true
	for _, r := range refunds {
		for i < len(sales) && lineOrder(sales[i], r) < 0 {
			i++
		}
		if i == len(sales) || lineOrder(sales[i], r) != 0 {
			inPlace = false
			break
		}
		sales[i].RefundCount, sales[i].RefundFen = r.RefundCount, r.RefundFen
	}
	if inPlace {
		return sales
	}
	out := make([]Line, 0, len(sales)+len(refunds))
	for len(sales) > 0 || len(refunds) > 0 {
		c := -1
		switch {
		case len(sales) == 0:
			c = 1
		case len(refunds) > 0:
			c = lineOrder(sales[0], refunds[0])
		}
		switch {
		case c < 0:
			out, sales = append(out, sales[0]), sales[1:]
		case c > 0:
			out, refunds = append(out, refunds[0]), refunds[1:]
		default:
			l := sales[0]
			l.RefundCount, l.RefundFen = refunds[0].RefundCount, refunds[0].RefundFen
			out, sales, refunds = append(out, l), sales[1:], refunds[1:]
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// openItems lists the payments and refunds still open that began before
// end, oldest first: listed, never counted.
func openItems(ctx context.Context, db Querier, q Query, end time.Time) ([]Open, error) {
	rows, err := db.Query(ctx, `SELECT 'order', o.out_trade_no, o.store_id, o.terminal_id, o.tender, o.state, o.amount_fen, o.created_at,
				coalesce((SELECT n.state FROM notifications n WHERE n.kind = 'pay' AND n.out_trade_no = o.out_trade_no
					ORDER BY n.seq DESC LIMIT 1), '')
			FROM orders o
			WHERE o.state NOT IN (`+sqlOrderFinal+`) AND o.created_at < $1
				AND ($2 = '' OR o.store_id = $2) AND (NOT o.training OR $3)
		UNION ALL
		SELECT 'refund', r.out_refund_no, r.store_id, r.terminal_id, r.tender, r.state, r.amount_fen, r.created_at,
				coalesce((SELECT n.state FROM notifications n WHERE n.kind = 'refund' AND n.out_refund_no = r.out_refund_no AND n.out_refund_no <> ''
					ORDER BY n.seq DESC LIMIT 1), '')
			FROM refunds r
			WHERE r.state NOT IN (`+sqlRefundDone+`) AND r.created_at < $1
				AND ($2 = '' OR r.store_id = $2) AND (NOT r.training OR $3)
		ORDER BY 8, 2`, end, q.StoreID, q.Training)
	if err != nil {
		return nil, fmt.Errorf("hq open: %w", err)
	}
	open, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Open])
	if err != nil {
		return nil, fmt.Errorf("hq open: %w", err)
	}
	return open, nil
}

// announcedOnly lists the payments and refunds whose latest notification
// in [start, end) (by WeChat's success time, else its arrival) is about a
// number no terminal has replicated, oldest first. A number's store and
// terminal are read from it: "PS01-T01-…" is S01's T01 (pos.NumberPrefix).
// Notifications carry no training flag: training terminals record theirs
// in their own file, never here. Only notifications still pending are
// read (the projections' triggers clear the flag as their numbers
// replicate), each confirmed by a primary-key probe (LATERAL … LIMIT 1,
// which the planner cannot turn into a hash of every order ever
// replicated).
func announcedOnly(ctx context.Context, db Querier, q Query, start, end time.Time) ([]Announced, error) {
	rows, err := db.Query(ctx, `WITH latest AS (
			SELECT DISTINCT ON (kind, no) * FROM (
				SELECT seq, kind, CASE WHEN kind = 'refund' THEN out_refund_no ELSE out_trade_no END AS no, out_trade_no, state,
					CASE WHEN kind = 'refund' THEN refund_fen ELSE total_fen END AS amount_fen,
					coalesce(success_time, received) AS at, transaction_id
				FROM notifications
				WHERE pending AND coalesce(success_time, received) >= $1 AND coalesce(success_time, received) < $2) n
			ORDER BY kind, no, seq DESC)
		SELECT CASE WHEN l.kind = 'pay' THEN 'order' ELSE 'refund' END, l.no, l.out_trade_no,
			split_part(substr(l.no, 2), '-', 1), split_part(substr(l.no, 2), '-', 2), l.state, l.amount_fen, l.at, l.transaction_id
		FROM latest l
			LEFT JOIN LATERAL (SELECT true AS replicated FROM orders o WHERE l.kind = 'pay' AND o.out_trade_no = l.no LIMIT 1) ro ON true
			LEFT JOIN LATERAL (SELECT true AS replicated FROM refunds r WHERE l.kind = 'refund' AND r.out_refund_no = l.no LIMIT 1) rr ON true
		WHERE ($3 = '' OR split_part(substr(l.no, 2), '-', 1) = $3) AND ro.replicated IS NULL AND rr.replicated IS NULL
		ORDER BY l.at, l.no`, start, end, q.StoreID)
	if err != nil {
		return nil, fmt.Errorf("hq announced: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Announced])
	if err != nil {
		return nil, fmt.Errorf("hq announced: %w", err)
	}
	return out, nil
}

// AnnouncedTotals sums what WeChat announced SUCCESS among r.Announced:
// payments and refunds no terminal has replicated, beside Totals.
func (r *HQReport) AnnouncedTotals() (pays, payFen, refunds, refundFen int64) {
	for _, a := range r.Announced {
		switch {
		case a.Kind == "order" && a.State == string(wechat.TradeSuccess):
			pays, payFen = pays+1, payFen+a.AmountFen
		case a.Kind == "refund" && a.State == string(wechat.RefundSuccess):
			refunds, refundFen = refunds+1, refundFen+a.AmountFen
		}
	}
	return pays, payFen, refunds, refundFen
}

// reconDays reads the reconciliation status the terminals replicated:
// recon.run events (Ref: the day; Data: counts, differences, open) and
// recon.resolve events (Data: the day) after them. Both are read by the
// day through partial indexes of their own (migrations/0009_hq_recon.sql):
// the runs in the order the report lists them, the resolutions of the
// days in range counted per run in one join — not all of a year's runs
// and a probe per run (1.1 s → 0.42 s for a 30-day chain report on 1.1M
// orders, at load 25).
func reconDays(ctx context.Context, db Querier, q Query) ([]ReconDay, error) {
	rows, err := db.Query(ctx, `WITH runs AS MATERIALIZED (
			SELECT DISTINCT ON (ref, store_id, terminal_id) store_id, terminal_id, ref AS day, seq, at,
				CASE WHEN jsonb_typeof(data->'bill_rows') = 'number' THEN (data->>'bill_rows')::numeric::int ELSE 0 END AS bill_rows,
				CASE WHEN jsonb_typeof(data->'differences') = 'number' THEN (data->>'differences')::numeric::int ELSE 0 END AS diffs,
				CASE WHEN jsonb_typeof(data->'open') = 'number' THEN (data->>'open')::numeric::int ELSE 0 END AS open_at_run
			FROM events
			WHERE kind = 'recon.run' AND ref >= $1 AND ref <= $2 AND `+storeIs("store_id", q.StoreID)+`
			ORDER BY ref, store_id, terminal_id, seq DESC),
		resolved AS (
			SELECT r.day, r.store_id, r.terminal_id, count(*) AS n
			FROM runs r JOIN events e ON e.kind = 'recon.resolve' AND jsonb_typeof(e.data) = 'object' AND e.data->>'day' = r.day
				AND e.store_id = r.store_id AND e.terminal_id = r.terminal_id AND e.seq > r.seq
			WHERE e.data->>'day' >= $1 AND e.data->>'day' <= $2
			GROUP BY 1, 2, 3)
		SELECT r.store_id, r.terminal_id, r.day, r.at, r.bill_rows, r.diffs, greatest(r.open_at_run - coalesce(x.n, 0), 0)::int
		FROM runs r LEFT JOIN resolved x ON x.day = r.day AND x.store_id = r.store_id AND x.terminal_id = r.terminal_id
		ORDER BY r.day, r.store_id, r.terminal_id`, q.From, q.To, q.StoreID)
	if err != nil {
		return nil, fmt.Errorf("hq reconciliation: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[ReconDay])
	if err != nil {
		return nil, fmt.Errorf("hq reconciliation: %w", err)
	}
	return out, nil
}

// Terminals lists the replication position of every terminal (of one
// store, when storeID is set) as of its last push.
func Terminals(ctx context.Context, db Querier, storeID string) ([]TerminalState, error) {
	rows, err := db.Query(ctx, `SELECT store_id, terminal_id, pushed_seq, local_seq, coalesce(oldest_pending_at, 'epoch'), last_push_at
		FROM terminals WHERE $1 = '' OR store_id = $1 ORDER BY 1, 2`, storeID)
	if err != nil {
		return nil, fmt.Errorf("hq terminals: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[TerminalState])
	if err != nil {
		return nil, fmt.Errorf("hq terminals: %w", err)
	}
	for i := range out {
		if out[i].OldestPendingAt.Equal(time.Unix(0, 0)) {
			out[i].OldestPendingAt = time.Time{}
		}
	}
	return out, nil
}

func forRows(rows pgx.Rows, fn func(pgx.Rows) error) error {
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// HQColumns, HQOpenColumns, HQAnnouncedColumns and HQReconColumns are the
// columns of the report's CSV tables (CSVTables).
var (
	HQColumns = []csvout.Column{
		{Key: "day", ZH: "营业日"}, {Key: "store_id", ZH: "门店"}, {Key: "terminal_id", ZH: "终端"}, {Key: "tender", ZH: "支付方式"},
		{Key: "sale_count", ZH: "销售笔数"}, {Key: "sale_yuan", ZH: "销售额（元）"}, {Key: "refund_count", ZH: "退款笔数"},
		{Key: "refund_yuan", ZH: "退款额（元）"}, {Key: "net_yuan", ZH: "净额（元）"},
		{Key: "sale_fen", ZH: "销售额（分）"}, {Key: "refund_fen", ZH: "退款额（分）"}, {Key: "net_fen", ZH: "净额（分）"},
	}
	HQOpenColumns = []csvout.Column{
		{Key: "open", ZH: "未完成"}, {Key: "no", ZH: "单号"}, {Key: "store_id", ZH: "门店"}, {Key: "terminal_id", ZH: "终端"},
		{Key: "tender", ZH: "支付方式"}, {Key: "state", ZH: "状态"}, {Key: "amount_yuan", ZH: "金额（元）"}, {Key: "created_at", ZH: "创建时间"},
		{Key: "announced", ZH: "微信已通知"},
	}
	HQAnnouncedColumns = []csvout.Column{
		{Key: "announced_only", ZH: "微信已通知未同步"}, {Key: "no", ZH: "单号"}, {Key: "out_trade_no", ZH: "商户订单号"},
		{Key: "store_id", ZH: "门店"}, {Key: "terminal_id", ZH: "终端"}, {Key: "state", ZH: "微信状态"},
		{Key: "amount_yuan", ZH: "金额（元）"}, {Key: "amount_fen", ZH: "金额（分）"}, {Key: "at", ZH: "时间"},
		{Key: "transaction_id", ZH: "微信支付单号"},
	}
	HQReconColumns = []csvout.Column{
		{Key: "reconciled", ZH: "对账日"}, {Key: "store_id", ZH: "门店"}, {Key: "terminal_id", ZH: "终端"}, {Key: "at", ZH: "对账时间"},
		{Key: "bill_rows", ZH: "账单行数"}, {Key: "differences", ZH: "差异"}, {Key: "open", ZH: "未处理"},
	}
)

// CSVTable is one table of a report, written as a CSV file of its own.
type CSVTable struct {
	Name  string // "sales", "open", "announced" or "recon": what the file holds
	Write func(w io.Writer) error
}

// CSVTables returns the report as one CSV file per table, each under
// package csvout's rules (UTF-8 with a BOM, one header row in lang, amounts
// in yuan with two decimals and in fen): the sales lines with their total,
// then the open items (with what WeChat announced about each), what WeChat
// announced that no terminal replicated, and the reconciliations, each
// when there are any. A spreadsheet opens each as one sheet.
func (r *HQReport) CSVTables(lang csvout.Lang) []CSVTable {
	out := []CSVTable{{Name: "sales", Write: func(w io.Writer) error {
		cw := csvout.New(w, lang, HQColumns)
		for _, l := range r.Lines {
			cw.Row(l.Day, l.StoreID, l.TerminalID, l.Tender,
				strconv.FormatInt(l.SaleCount, 10), csvout.Yuan(l.SaleFen), strconv.FormatInt(l.RefundCount, 10), csvout.Yuan(l.RefundFen), csvout.Yuan(l.NetFen()),
				csvout.Fen(l.SaleFen), csvout.Fen(l.RefundFen), csvout.Fen(l.NetFen()))
		}
		t := r.Totals()
		cw.Row("total", "", "", "", strconv.FormatInt(t.SaleCount, 10), csvout.Yuan(t.SaleFen), strconv.FormatInt(t.RefundCount, 10),
			csvout.Yuan(t.RefundFen), csvout.Yuan(t.NetFen()), csvout.Fen(t.SaleFen), csvout.Fen(t.RefundFen), csvout.Fen(t.NetFen()))
		return cw.Flush()
	}}}
	if len(r.Open) > 0 {
		out = append(out, CSVTable{Name: "open", Write: func(w io.Writer) error {
			cw := csvout.New(w, lang, HQOpenColumns)
			for _, o := range r.Open {
				cw.Row(o.Kind, o.No, o.StoreID, o.TerminalID, o.Tender, o.State, csvout.Yuan(o.AmountFen),
					tz.RFC3339(o.CreatedAt), o.Announced)
			}
			return cw.Flush()
		}})
	}
	if len(r.Announced) > 0 {
		out = append(out, CSVTable{Name: "announced", Write: func(w io.Writer) error {
			cw := csvout.New(w, lang, HQAnnouncedColumns)
			for _, a := range r.Announced {
				cw.Row(a.Kind, a.No, a.OutTradeNo, a.StoreID, a.TerminalID, a.State, csvout.Yuan(a.AmountFen), csvout.Fen(a.AmountFen),
					tz.RFC3339(a.At), a.TransactionID)
			}
			return cw.Flush()
		}})
	}
	if len(r.Recon) > 0 {
		out = append(out, CSVTable{Name: "recon", Write: func(w io.Writer) error {
			cw := csvout.New(w, lang, HQReconColumns)
			for _, d := range r.Recon {
				cw.Row(d.Day, d.StoreID, d.TerminalID, tz.RFC3339(d.At),
					strconv.Itoa(d.BillRows), strconv.Itoa(d.Differences), strconv.Itoa(d.Open))
			}
			return cw.Flush()
		}})
	}
	return out
}

// WriteText writes the report for a terminal window.
func (r *HQReport) WriteText(w io.Writer, now time.Time) error {
	store := r.Query.StoreID
	if store == "" {
		store = "all stores"
	}
	bw := &errWriter{w: w}
	bw.printf("HQ report %s–%s, %s\n\n", r.Query.From, r.Query.To, store)
	bw.printf("%-8s %-8s %-8s %-12s %6s %14s %6s %12s %14s\n", "day", "store", "terminal", "tender", "sales", "yuan", "refs", "yuan", "net")
	for _, l := range r.Lines {
		bw.printf("%-8s %-8s %-8s %-12s %6d %14s %6d %12s %14s\n", l.Day, l.StoreID, l.TerminalID, l.Tender,
			l.SaleCount, receipt.Yuan(l.SaleFen), l.RefundCount, receipt.Yuan(l.RefundFen), receipt.Yuan(l.NetFen()))
	}
	t := r.Totals()
	bw.printf("%-39s %6d %14s %6d %12s %14s\n", "total", t.SaleCount, receipt.Yuan(t.SaleFen), t.RefundCount, receipt.Yuan(t.RefundFen), receipt.Yuan(t.NetFen()))
	if len(r.Announced) > 0 {
		pays, payFen, refunds, refundFen := r.AnnouncedTotals()
		bw.printf("%-39s %6d %14s %6d %12s %14s\n", "announced by WeChat, not replicated", pays, receipt.Yuan(payFen), refunds,
			receipt.Yuan(refundFen), receipt.Yuan(payFen-refundFen))
		bw.printf("\nannounced by WeChat, no terminal has replicated it yet (not in the total):\n")
		for _, a := range r.Announced {
			bw.printf("  %-6s %-32s %s/%s %-8s %12s %s\n", a.Kind, a.No, a.StoreID, a.TerminalID, a.State,
				receipt.Yuan(a.AmountFen), tz.Stamp(a.At))
		}
	}
	if len(r.Open) > 0 {
		bw.printf("\nopen (not in the totals):\n")
		for _, o := range r.Open {
			announced := ""
			if o.Announced != "" {
				announced = " — WeChat announced " + o.Announced
			}
			bw.printf("  %-6s %-32s %s/%s %-12s %-16s %12s %s%s\n", o.Kind, o.No, o.StoreID, o.TerminalID, o.Tender, o.State,
				receipt.Yuan(o.AmountFen), tz.Stamp(o.CreatedAt), announced)
		}
	}
	if len(r.Recon) > 0 {
		bw.printf("\nreconciliation:\n")
		for _, d := range r.Recon {
			state := "balanced"
			if d.Open > 0 {
				state = fmt.Sprintf("%d of %d differences open", d.Open, d.Differences)
			}
			bw.printf("  %s %s/%s: %d bill rows, %s\n", d.Day, d.StoreID, d.TerminalID, d.BillRows, state)
		}
	}
	if len(r.Terminals) > 0 {
		bw.printf("\nreplication:\n")
		for _, ts := range r.Terminals {
			behind := "up to date at last push"
			if ts.LocalSeq > ts.PushedSeq {
				behind = fmt.Sprintf("%d events behind at last push", ts.LocalSeq-ts.PushedSeq)
			}
			bw.printf("  %s/%s: last push %s ago, %s\n", ts.StoreID, ts.TerminalID, now.Sub(ts.LastPushAt).Round(time.Second), behind)
		}
	}
	return bw.err
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
