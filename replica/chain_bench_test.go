package replica

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/wxpos/wxpos/recon"
	"github.com/wxpos/wxpos/report"
	"github.com/wxpos/wxpos/tz"
)

// chain is the shape of a generated chain: stores × terminals each,
// orders per terminal and day, over days ending at end (Shanghai).
type chain struct {
	Stores, Terminals, Days, PerDay int
	End                             time.Time
}

func (c chain) String() string {
	return fmt.Sprintf("%d stores × %d terminals × %d days × %d orders", c.Stores, c.Terminals, c.Days, c.PerDay)
}

// orders is how many orders the chain has.
func (c chain) orders() int { return c.Stores * c.Terminals * c.Days * c.PerDay }

// generateChain fills a migrated replica with a chain's history, as the
// terminals would have replicated it, in a few set-based statements: per
// terminal and day PerDay orders (every 97 in 100 PAID, a few CLOSED or
// FAILED, one in 5003 left UNKNOWN) each with its SUBMITTING and final
// events and WeChat's notification when paid, a refund of one in 40
// paid sale the next day, and one recon.run event per terminal and day.
// Rows are written in time order, as the pushes of a real chain write
// them. It uses only columns every schema version has, so the same generator
// fills a database of an older wxpos for a before/after comparison.
func generateChain(ctx context.Context, db *pgxpool.Pool, c chain) error {
	start := c.End.AddDate(0, 0, -c.Days)
	stmts := []string{
		`CREATE TEMP TABLE gen AS
		SELECT format('S%s', lpad(s::text, 3, '0')) AS store_id, format('T%s', lpad(t::text, 2, '0')) AS terminal_id,
			d, i, ((d * $4 + i) * 2 + 1) + d AS seq,
			format('PS%s-T%s-%s-%s', lpad(s::text, 3, '0'), lpad(t::text, 2, '0'), d, i) AS no,
			$1::timestamptz + make_interval(days => d, secs => 7200 + (i * 43200.0 / $4) + (s * 7 + t) % 600) AS at,
			(ARRAY['wechat_scan', 'cash', 'wechat_qr'])[1 + (i + s) % 3] AS tender,
			CASE WHEN (i * 7 + s + d) % 5003 = 0 THEN 'UNKNOWN' WHEN (i + d) % 100 < 97 THEN 'PAID'
				WHEN (i + d) % 100 < 99 THEN 'CLOSED' ELSE 'FAILED' END AS state,
			100 + (i * 37 + d * 11 + s) % 20000 AS amount
		FROM generate_series(1, $2) s, generate_series(1, $3) t, generate_series(0, $5 - 1) d, generate_series(0, $4 - 1) i
		ORDER BY d, i, s, t`,
		`INSERT INTO orders (out_trade_no, store_id, terminal_id, tender, state, amount_fen, transaction_id, cashier,
			created_at, updated_at, paid_at, training, record, src_seq)
		SELECT no, store_id, terminal_id, tender, state, amount, CASE WHEN state = 'PAID' THEN '42000' || seq || d ELSE '' END, 'c1',
			at, at + interval '5 s', CASE WHEN state = 'PAID' THEN at + interval '5 s' END, false,
			jsonb_build_object('v', 1, 'out_trade_no', no, 'tender', tender, 'state', state, 'amount_fen', amount,
				'transaction_id', CASE WHEN state = 'PAID' THEN '42000' || seq || d ELSE '' END, 'code_last4', '1234',
				'cashier', 'c1', 'created_at', at, 'updated_at', at + interval '5 s', 'paid_at', at + interval '5 s',
				'business_day', to_char(at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD'), 'receipt_no', 'R' || seq,
				'lines', jsonb_build_array(jsonb_build_object('sku', 'A' || (i % 50), 'name', '商品' || (i % 50), 'qty', 1,
					'unit_fen', amount, 'amount_fen', amount))),
			seq + 1
		FROM gen`,
		`INSERT INTO events (store_id, terminal_id, seq, at, kind, ref, actor, from_state, to_state, data, digest)
		SELECT store_id, terminal_id, seq + k, at + make_interval(secs => 5 * k), 'order.transition', no, 'c1',
			CASE WHEN k = 0 THEN 'NEW' ELSE 'SUBMITTING' END, CASE WHEN k = 0 THEN 'SUBMITTING' ELSE state END,
			jsonb_build_object('amount_fen', amount), sha256(convert_to(no || k, 'UTF8'))
		FROM gen, generate_series(0, 1) k`,
		`INSERT INTO events (store_id, terminal_id, seq, at, kind, ref, actor, data, digest)
		SELECT store_id, terminal_id, max(seq) + 2, max(at) + interval '1 h', 'recon.run',
			to_char(max(at) AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD'), 'c1',
			jsonb_build_object('bill_rows', count(*), 'differences', 0, 'open', 0), sha256(convert_to(store_id || terminal_id || d, 'UTF8'))
		FROM gen GROUP BY store_id, terminal_id, d`,
		`INSERT INTO refunds (out_refund_no, out_trade_no, store_id, terminal_id, state, amount_fen, created_at, updated_at,
			success_at, training, record, src_seq)
		SELECT 'R' || substr(no, 2), no, store_id, terminal_id, 'SUCCESS', amount / 2, at + interval '1 day',
			at + interval '1 day 1 min', at + interval '1 day 1 min', false,
			jsonb_build_object('v', 1, 'out_refund_no', 'R' || substr(no, 2), 'out_trade_no', no, 'state', 'SUCCESS',
				'amount_fen', amount / 2, 'total_fen', amount, 'created_at', at + interval '1 day'), seq + 1
		FROM gen WHERE state = 'PAID' AND (i + d) % 40 = 7`,
		`INSERT INTO notifications (id, dedupe_key, api, kind, mchid, out_trade_no, transaction_id, state, total_fen,
			success_time, received)
		SELECT 'EV-' || no, 'pay/' || no || '/SUCCESS', 'v3', 'pay', '1900000109', no, '42000' || seq || d, 'SUCCESS', amount,
			at + interval '5 s', at + interval '6 s'
		FROM gen WHERE state = 'PAID' ORDER BY at`,
		`INSERT INTO terminals (store_id, terminal_id, pushed_seq, local_seq, last_push_at)
		SELECT store_id, terminal_id, max(seq) + 2, max(seq) + 2, max(at) FROM gen GROUP BY store_id, terminal_id`,
		`DROP TABLE gen`,
		// as autovacuum leaves a history older than its last hours: the
		// visibility map set (what an Index Only Scan relies on), statistics
		`VACUUM ANALYZE`,
	}
	conn, err := db.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	for i, s := range stmts {
		args := []any{}
		if i == 0 {
			args = []any{start, c.Stores, c.Terminals, c.PerDay, c.Days}
		}
		if _, err := conn.Exec(ctx, s, args...); err != nil {
			return fmt.Errorf("generate chain, statement %d: %w", i+1, err)
		}
	}
	return nil
}

// benchPool is the database the environment variable env names, kept
// between runs so that two builds can be compared on the same data, else a
// fresh test database.
func benchPool(b *testing.B, env string) *pgxpool.Pool {
	b.Helper()
	dsn := os.Getenv(env)
	if dsn == "" {
		return newPool(b)
	}
	pool, err := pgxpool.New(context.Background(), dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	return pool
}

// chainDB is the replica BenchmarkHQ measures: the database named by
// WXPOS_BENCH_CHAIN_DSN (filled with the chain on first use, so that two
// builds can be compared on the same data), else a fresh test database.
func chainDB(b *testing.B, c chain) *pgxpool.Pool {
	b.Helper()
	ctx := context.Background()
	pool := benchPool(b, "WXPOS_BENCH_CHAIN_DSN")
	t0 := time.Now()
	if _, err := Migrate(ctx, pool); err != nil {
		b.Fatal(err)
	}
	b.Logf("migrate: %v", time.Since(t0).Round(time.Millisecond))
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM terminals`).Scan(&n); err != nil {
		b.Fatal(err)
	}
	if n == 0 {
		t0 := time.Now()
		if err := generateChain(ctx, pool, c); err != nil {
			b.Fatal(err)
		}
		b.Logf("generated %s (%d orders) in %v", c, c.orders(), time.Since(t0).Round(time.Second))
	}
	t0 = time.Now()
	if err := chainEvents(ctx, pool); err != nil {
		b.Fatal(err)
	}
	b.Logf("chain hashes: %v", time.Since(t0).Round(time.Second))
	return pool
}

// BenchmarkHQ times each head-office command's database work on a
// generated chain (a year of 500 stores with two terminals each by
// default): hq report over 30 days and over one day, for the chain and
// for one store; hq reconcile's records of a day; hq order; hq status.
func BenchmarkHQ(b *testing.B) {
	c := chain{Stores: 500, Terminals: 2, Days: 365, PerDay: 3,
		End: time.Date(2026, 12, 1, 0, 0, 0, 0, tz.Shanghai)}
	if s := os.Getenv("WXPOS_BENCH_CHAIN"); s != "" {
		if _, err := fmt.Sscanf(s, "%dx%dx%dx%d", &c.Stores, &c.Terminals, &c.Days, &c.PerDay); err != nil {
			b.Fatalf("WXPOS_BENCH_CHAIN=%q: want STORESxTERMINALSxDAYSxPERDAY", s)
		}
	}
	pool := chainDB(b, c)
	if os.Getenv("WXPOS_BENCH_PLANS") != "" {
		logPlans(b, pool, c)
	}
	for _, tc := range hqCommands(b, pool, c) {
		b.Run(tc.name, func(b *testing.B) {
			if err := tc.run(); err != nil { // warm the cache: the figures are of a server in use
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				if err := tc.run(); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			reportLoad(b)
		})
	}
}

// reportLoad reports the machine's 1-minute load average (/proc/loadavg)
// beside a benchmark's figure: the timings of a shared machine mean
// little without it. Elsewhere it reports nothing.
func reportLoad(b *testing.B) {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return
	}
	var load float64
	if _, err := fmt.Sscanf(string(raw), "%f", &load); err == nil {
		b.ReportMetric(load, "load1")
	}
}

// BenchmarkHQVerifyFull times hq verify --full on the generated chain
// (BenchmarkHQ's): every event read and hashed again.
func BenchmarkHQVerifyFull(b *testing.B) {
	c := chain{Stores: 500, Terminals: 2, Days: 365, PerDay: 3,
		End: time.Date(2026, 12, 1, 0, 0, 0, 0, tz.Shanghai)}
	if s := os.Getenv("WXPOS_BENCH_CHAIN"); s != "" {
		if _, err := fmt.Sscanf(s, "%dx%dx%dx%d", &c.Stores, &c.Terminals, &c.Days, &c.PerDay); err != nil {
			b.Fatalf("WXPOS_BENCH_CHAIN=%q: want STORESxTERMINALSxDAYSxPERDAY", s)
		}
	}
	pool := chainDB(b, c)
	ctx := context.Background()
	var events int64
	for range b.N {
		check, err := VerifyFrom(ctx, pool, "", "", nil)
		if err = intact(check, err); err != nil {
			b.Fatal(err)
		}
		events = check.Events
	}
	reportLoad(b)
	b.ReportMetric(float64(events), "events")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(events)*1e6/1e9, "s/Mevents")
}

// logPlans logs the scans of each command's statements as PostgreSQL
// plans them on the chain (auto_explain, plan_cache_mode auto), after a
// first run that warms the cache, and fails on a sequential scan of a big
// table (TestHQPlansUseIndexes's rule, on the benchmark's larger chain)
// once it is big: over 1 000 pages (8 MB). A small chain's table of a few
// pages is rightly read whole.
func logPlans(b *testing.B, pool *pgxpool.Pool, c chain) {
	planPool, take := planned(b, pool.Config().ConnString(), "auto")
	for _, cmd := range hqCommands(b, planPool, c) {
		if err := cmd.run(); err != nil {
			b.Fatal(err)
		}
		take()
		t0 := time.Now()
		if err := cmd.run(); err != nil {
			b.Fatal(err)
		}
		took := time.Since(t0)
		var all []string
		for _, p := range take() {
			ss, err := scans(p)
			if err != nil {
				b.Fatal(err)
			}
			for _, s := range ss {
				if rel, ok := strings.CutPrefix(s, "Seq Scan on "); ok && bigTables[rel] && pages(b, pool, rel) > 1000 {
					b.Errorf("%s on the %s chain: %s", cmd.name, c, s)
				}
			}
			all = append(all, ss...)
		}
		b.Logf("plan %s (%v): %s", cmd.name, took.Round(time.Millisecond), strings.Join(all, "; "))
	}
}

// pages is the size of table rel in 8 kB pages, as last analysed.
func pages(tb testing.TB, pool *pgxpool.Pool, rel string) int64 {
	tb.Helper()
	var n int64
	if err := pool.QueryRow(context.Background(), `SELECT relpages FROM pg_class WHERE oid = $1::regclass`, rel).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// hqCommand is one head-office command's database work.
type hqCommand struct {
	name string
	run  func() error
}

// hqCommands are the head-office commands on chain c in pool: hq report
// over 30 days and over one day, for the chain and for one store; hq
// reconcile's records of a day, of the chain and of one store; hq order;
// hq status.
func hqCommands(tb testing.TB, pool *pgxpool.Pool, c chain) []hqCommand {
	tb.Helper()
	ctx := context.Background()
	last := c.End.AddDate(0, 0, -1)
	day := recon.Day(last.AddDate(0, 0, -3).Format("20060102"))
	var someOrder string
	if err := pool.QueryRow(ctx, `SELECT out_trade_no FROM orders WHERE store_id = 'S007' ORDER BY out_trade_no LIMIT 1 OFFSET 100`).Scan(&someOrder); err != nil {
		tb.Fatal(err)
	}
	reportOf := func(days int, store string) func() error {
		q := Query{From: last.AddDate(0, 0, 1-days).Format("20060102"), To: last.Format("20060102"), StoreID: store}
		return func() error { _, err := Report(ctx, pool, q); return err }
	}
	byCashier := func(days int, store string) func() error {
		q := Query{From: last.AddDate(0, 0, 1-days).Format("20060102"), To: last.Format("20060102"), StoreID: store}
		return func() error { _, err := ReportByCashier(ctx, pool, q); return err }
	}
	items := Query{From: last.AddDate(0, 0, -29).Format("20060102"), To: last.Format("20060102")}
	itemsOf := func(store string) Query { q := items; q.StoreID = store; return q }
	cps := dayOldCheckpoints(tb, pool)
	return []hqCommand{
		{"report/30d/chain", reportOf(30, "")},
		{"report/30d/store", reportOf(30, "S007")},
		{"report/1d/chain", reportOf(1, "")},
		{"report/items/30d/chain", func() error { _, err := ItemReport(ctx, pool, items, report.ByItem); return err }},
		{"report/items/30d/store", func() error { _, err := ItemReport(ctx, pool, itemsOf("S007"), report.ByCategory); return err }},
		{"reconcile/chain", func() error { _, err := benchMerchantRecords(ctx, pool, day, ""); return err }},
		{"reconcile/store", func() error { _, err := benchMerchantRecords(ctx, pool, day, "S007"); return err }},
		{"order", func() error { _, err := FindOrder(ctx, pool, someOrder); return err }},
		{"status/chain", func() error { _, err := Terminals(ctx, pool, ""); return err }},
		{"report/30d/cashier/chain", byCashier(30, "")},
		{"report/30d/cashier/store", byCashier(30, "S007")},
		{"status/heads", func() error { _, err := CheckHeads(ctx, pool, ""); return err }},
		// hq verify after a day: every terminal's events since its
		// checkpoint of the day before (7 each).
		{"verify/1d/chain", func() error { return intact(VerifyFrom(ctx, pool, "", "", cps)) }},
		{"verify/full/store", func() error { return intact(VerifyFrom(ctx, pool, "S007", "", nil)) }},
		// hq repair of one terminal, from a day back and whole, rolled back.
		{"repair/1d/terminal", rolledBack(ctx, pool, func(tx pgx.Tx) error { _, err := RepairFrom(ctx, tx, "S007", "T01", cps["S007/T01"].Seq+1); return err })},
		{"repair/all/terminal", rolledBack(ctx, pool, func(tx pgx.Tx) error { _, err := Repair(ctx, tx, "S007", "T01"); return err })},
	}
}

// intact is an error when a check found a problem.
func intact(check *ChainCheck, err error) error {
	if err == nil && len(check.Problems) > 0 {
		err = fmt.Errorf("verify: %v", check.Problems[0])
	}
	return err
}

// rolledBack runs fn in a transaction it rolls back.
func rolledBack(ctx context.Context, pool *pgxpool.Pool, fn func(pgx.Tx) error) func() error {
	return func() error {
		tx, err := pool.Begin(ctx)
		if err != nil {
			return err
		}
		defer func() { _ = tx.Rollback(ctx) }()
		return fn(tx)
	}
}

// dayOldCheckpoints are hq verify's checkpoints of a generated chain a day
// ago: each terminal's event before its last day's 7 (PerDay 3), with the
// chain hash stored there.
func dayOldCheckpoints(tb testing.TB, pool *pgxpool.Pool) Checkpoints {
	tb.Helper()
	rows, err := pool.Query(context.Background(), `SELECT e.store_id, e.terminal_id, e.seq, e.chain, `+contentSQL+`
		FROM terminals t JOIN events e ON e.store_id = t.store_id AND e.terminal_id = t.terminal_id AND e.seq = t.pushed_seq - 7`)
	if err != nil {
		tb.Fatal(err)
	}
	cps := Checkpoints{}
	err = forRows(rows, func(rows pgx.Rows) error {
		var s, t string
		var cp Checkpoint
		err := rows.Scan(&s, &t, &cp.Seq, &cp.Chain, &cp.Content)
		cp.Stored = cp.Chain != nil
		cps[cpKey(s, t)] = cp
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return cps
}

// chainEvents stores in every event of a generated chain the chain hash
// its terminal would have computed (a running aggregate over each
// terminal's events), unless some event has one already.
func chainEvents(ctx context.Context, pool *pgxpool.Pool) error {
	var done bool
	if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM events WHERE chain IS NOT NULL)`).Scan(&done); err != nil || done {
		return err
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	for _, s := range []string{
		`CREATE FUNCTION pg_temp.chain_step(bytea, bytea) RETURNS bytea LANGUAGE sql IMMUTABLE AS 'SELECT sha256($1 || $2)'`,
		`CREATE AGGREGATE pg_temp.chain_agg(bytea) (sfunc = pg_temp.chain_step, stype = bytea, initcond = '')`,
		`UPDATE events u SET chain = c.chain FROM (SELECT e.store_id, e.terminal_id, e.seq,
				pg_temp.chain_agg(` + contentSQL + `) OVER (PARTITION BY e.store_id, e.terminal_id ORDER BY e.seq) AS chain
			FROM events e) c
		WHERE u.store_id = c.store_id AND u.terminal_id = c.terminal_id AND u.seq = c.seq`,
		`VACUUM ANALYZE events`,
	} {
		if _, err := conn.Exec(ctx, s); err != nil {
			return fmt.Errorf("chain the generated events: %w", err)
		}
	}
	return nil
}

// planned is a pool on dsn whose sessions report the plan of every
// statement they run (auto_explain at NOTICE level, JSON), with the
// plan cache mode given (auto, force_custom_plan, force_generic_plan).
// The plans are read with take.
func planned(tb testing.TB, dsn, cacheMode string) (pool *pgxpool.Pool, take func() []string) {
	tb.Helper()
	pc, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		tb.Fatal(err)
	}
	var mu sync.Mutex
	var plans []string
	pc.ConnConfig.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) {
		if i := strings.IndexByte(n.Message, '{'); i >= 0 && strings.Contains(n.Message, `"Plan"`) {
			mu.Lock()
			plans = append(plans, n.Message[i:])
			mu.Unlock()
		}
	}
	pc.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
		_, err := conn.Exec(ctx, `LOAD 'auto_explain'`)
		for _, set := range []string{"auto_explain.log_min_duration = 0", "auto_explain.log_level = notice",
			"auto_explain.log_format = json", "plan_cache_mode = " + cacheMode} {
			if err == nil {
				_, err = conn.Exec(ctx, "SET "+set)
			}
		}
		return err
	}
	if pool, err = pgxpool.NewWithConfig(context.Background(), pc); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(pool.Close)
	return pool, func() []string {
		mu.Lock()
		defer mu.Unlock()
		out := plans
		plans = nil
		return out
	}
}

// planNode is a node of an EXPLAIN (FORMAT JSON) plan.
type planNode struct {
	NodeType string     `json:"Node Type"`
	Relation string     `json:"Relation Name"`
	Index    string     `json:"Index Name"`
	Plans    []planNode `json:"Plans"`
}

// scans lists a plan's scans as "Node Type on relation [index]" (a bitmap
// index scan as "Bitmap Index Scan [index]").
func scans(plan string) ([]string, error) {
	var p struct {
		Plan planNode `json:"Plan"`
	}
	if err := json.Unmarshal([]byte(plan), &p); err != nil {
		return nil, err
	}
	var out []string
	var walk func(n planNode)
	walk = func(n planNode) {
		switch {
		case n.Relation != "":
			s := n.NodeType + " on " + n.Relation
			if n.Index != "" {
				s += " [" + n.Index + "]"
			}
			out = append(out, s)
		case n.Index != "": // a bitmap index scan names only its index
			out = append(out, n.NodeType+" ["+n.Index+"]")
		}
		for _, c := range n.Plans {
			walk(c)
		}
	}
	walk(p.Plan)
	return out, nil
}

// BenchmarkRecordBytes replicates b.N payments of the test mix (cash and
// scan sales, refunds, unknowns) and reports what a replicated order and
// refund cost in PostgreSQL: the jsonb record (record-B/order, stored
// size) and the whole row (row-B/order).
func BenchmarkRecordBytes(b *testing.B) {
	ctx := context.Background()
	pool := migrated(b)
	c := newCounter(b, "S01", "T01")
	for range b.N {
		if err := c.sell(ctx); err != nil {
			b.Fatal(err)
		}
	}
	if err := newWorker(b, c, pool, Options{}).Sync(ctx); err != nil {
		b.Fatal(err)
	}
	for _, table := range []string{"orders", "refunds"} {
		var rec, row float64
		err := pool.QueryRow(ctx, `SELECT coalesce(avg(pg_column_size(record)), 0), coalesce(avg(pg_column_size(t.*)), 0) FROM `+table+` t`).Scan(&rec, &row)
		if err != nil {
			b.Fatal(err)
		}
		unit := strings.TrimSuffix(table, "s")
		b.ReportMetric(rec, "record-B/"+unit)
		b.ReportMetric(row, "row-B/"+unit)
	}
}

// itemsShape is a chain's item roll-ups as a real chain's would be:
// Items distinct items sold per store and day out of a catalogue of
// Catalog, over Days days ending at 2026-11-30, for Stores stores in
// hq_items_daily; hq_items_chain_daily holds every catalogue item on every
// day (a chain of hundreds of stores sells most of its catalogue daily).
type itemsShape struct{ Stores, Days, Items, Catalog int }

// BenchmarkItemReportDense times hq report --by item over 30 days on item
// roll-ups as dense as a large chain's, which BenchmarkHQ's generator is
// not (its sales have 3 distinct names): rows written straight into the
// roll-ups (migration 0014), not through lines — the report reads only
// the roll-ups, and their size depends on the items sold per day, not on
// the orders. The database is WXPOS_BENCH_ITEMS_DSN (filled on first use)
// or a fresh test database; WXPOS_BENCH_ITEMS=STORESxDAYSxITEMSxCATALOG
// shapes it (default 50x31x400x10000: the store roll-up of 50 stores —
// one store's report reads its own key range, so 500 would add at most a
// B-tree level — and the chain's 10 000 items a day).
func BenchmarkItemReportDense(b *testing.B) {
	s := itemsShape{Stores: 50, Days: 31, Items: 400, Catalog: 10000}
	if v := os.Getenv("WXPOS_BENCH_ITEMS"); v != "" {
		if _, err := fmt.Sscanf(v, "%dx%dx%dx%d", &s.Stores, &s.Days, &s.Items, &s.Catalog); err != nil {
			b.Fatalf("WXPOS_BENCH_ITEMS=%q: want STORESxDAYSxITEMSxCATALOG", v)
		}
	}
	ctx := context.Background()
	pool := benchPool(b, "WXPOS_BENCH_ITEMS_DSN")
	if _, err := Migrate(ctx, pool); err != nil {
		b.Fatal(err)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM hq_items_chain_daily`).Scan(&n); err != nil {
		b.Fatal(err)
	}
	if n == 0 {
		t0 := time.Now()
		if err := fillItems(ctx, pool, s); err != nil {
			b.Fatal(err)
		}
		b.Logf("filled %+v in %v", s, time.Since(t0).Round(time.Second))
	}
	var store, chainRows int
	if err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM hq_items_daily WHERE store_id = 'S007' AND day >= '2026-11-01'),
		(SELECT count(*) FROM hq_items_chain_daily WHERE day >= '2026-11-01')`).Scan(&store, &chainRows); err != nil {
		b.Fatal(err)
	}
	b.Logf("30 days: %d roll-up rows of the chain, %d of store S007", chainRows, store)
	for _, tc := range []struct {
		name  string
		store string
		by    report.ItemsBy
	}{{"30d/chain", "", report.ByItem}, {"30d/chain/category", "", report.ByCategory}, {"30d/store", "S007", report.ByItem}} {
		q := Query{From: "20261101", To: "20261130", StoreID: tc.store}
		b.Run(tc.name, func(b *testing.B) {
			var rows int
			for range b.N {
				it, err := ItemReport(ctx, pool, q, tc.by)
				if err != nil {
					b.Fatal(err)
				}
				rows = len(it.Rows)
			}
			b.StopTimer()
			reportLoad(b)
			b.ReportMetric(float64(rows), "rows")
		})
	}
}

// fillItems writes the item roll-ups of shape s.
func fillItems(ctx context.Context, pool *pgxpool.Pool, s itemsShape) error {
	for _, st := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO hq_items_daily
		SELECT format('S%s', lpad(st::text, 3, '0')), '2026-12-01'::date - 1 - d, false, 'I' || lpad(it::text, 5, '0'),
			'商品' || it, 'cat' || (it % 40), '', 1 + (it + d) % 7, 1 + (it + d) % 5, 300 + it % 900, it % 30, 270 + it % 900,
			(it + d) % 2, (it + d) % 2, ((it + d) % 2) * (100 + it % 50)
		FROM generate_series(1, $1) st, generate_series(0, $2 - 1) d, generate_series(1, $3) k,
			LATERAL (SELECT (st * 7919 + d * 101 + k * 13) % $4 AS it) x`, []any{s.Stores, s.Days, s.Items, s.Catalog}},
		{`INSERT INTO hq_items_chain_daily
		SELECT '2026-12-01'::date - 1 - d, false, 'I' || lpad(it::text, 5, '0'), '商品' || it, 'cat' || (it % 40), '',
			40 * (1 + (it + d) % 7), 30 * (1 + (it + d) % 5), 30 * (300 + it % 900), 30 * (it % 30), 30 * (270 + it % 900),
			5 * ((it + d) % 2), 5 * ((it + d) % 2), 5 * ((it + d) % 2) * (100 + it % 50)
		FROM generate_series(0, $1 - 1) d, generate_series(0, $2 - 1) it`, []any{s.Days, s.Catalog}},
		{`VACUUM ANALYZE hq_items_daily, hq_items_chain_daily`, nil},
	} {
		if _, err := pool.Exec(ctx, st.sql, st.args...); err != nil {
			return fmt.Errorf("fill item roll-ups: %w", err)
		}
	}
	return nil
}
