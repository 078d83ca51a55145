package replica

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/shift"
	"github.com/wxpos/wxpos/tz"
)

// shiftFigures are the money columns of a shift's projection: its report
// as frozen at the close, zero while it is open.
type shiftFigures struct {
	saleCount, saleFen, refundCount, refundFen, cashIn, cashOut, expected, counted, variance int64
	isCounted                                                                                bool
}

func figuresOf(s *shift.Shift) shiftFigures {
	r := s.Report
	if r == nil {
		return shiftFigures{}
	}
	f := shiftFigures{saleFen: r.SalesFen(), refundFen: r.RefundsFen(), cashIn: r.CashInFen, cashOut: r.CashOutFen,
		expected: r.ExpectedFen, counted: r.CountedFen, variance: r.VarianceFen(), isCounted: r.Counted}
	for _, t := range r.Tenders {
		f.saleCount += t.SaleCount
		f.refundCount += t.RefundCount
	}
	return f
}

// queueShifts queues the upsert of the shift projections
// (migrations/0010_shifts.sql) with the rules of queueOrders: a snapshot
// replaces the row only when taken at the same or a later point of the
// terminal's log.
func (w *Worker) queueShifts(pb *pgx.Batch, b *batch) error {
	n := len(b.shifts)
	nos, handedFrom, handedTo, floats := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	cashiers, states, days, closedBy, records := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	opened, closed := make([]time.Time, n), make([]pgtype.Timestamptz, n)
	money := make([][]int64, 9)
	for i := range money {
		money[i] = make([]int64, n)
	}
	isCounted := make([]bool, n)
	for i, s := range b.shifts {
		data, err := json.Marshal(s)
		if err != nil {
			return fmt.Errorf("encode shift %d: %w", s.No, err)
		}
		nos[i], handedFrom[i], handedTo[i], floats[i] = int64(s.No), int64(s.HandedFrom), int64(s.HandedTo), s.FloatFen
		cashiers[i], states[i], days[i], closedBy[i], records[i] = pgText(s.Cashier), pgText(s.State), s.Day, pgText(s.ClosedBy), pgJSON(data)
		opened[i], closed[i] = s.OpenedAt, ts(s.ClosedAt)
		f := figuresOf(s)
		for j, v := range []int64{f.saleCount, f.saleFen, f.refundCount, f.refundFen, f.cashIn, f.cashOut, f.expected, f.counted, f.variance} {
			money[j][i] = v
		}
		isCounted[i] = f.isCounted
	}
	pb.Queue(`INSERT INTO shifts (store_id, terminal_id, shift_no, cashier, state, day, opened_at, closed_at, closed_by, handed_from,
			handed_to, float_fen, sale_count, sale_fen, refund_count, refund_fen, cash_in_fen, cash_out_fen, expected_fen,
			counted, counted_fen, variance_fen, record, src_seq)
		SELECT $1, $2, u.no, u.cashier, u.state, to_date(u.day, 'YYYYMMDD'), u.opened, u.closed, u.closed_by, u.hfrom, u.hto, u.float,
			u.sc, u.sf, u.rc, u.rf, u.cin, u.cout, u.expected, u.counted, u.cfen, u.variance, u.record::jsonb, $3
		FROM unnest($4::bigint[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::timestamptz[], $10::text[], $11::bigint[],
			$12::bigint[], $13::bigint[], $14::bigint[], $15::bigint[], $16::bigint[], $17::bigint[], $18::bigint[], $19::bigint[],
			$20::bigint[], $21::boolean[], $22::bigint[], $23::bigint[], $24::text[])
			AS u(no, cashier, state, day, opened, closed, closed_by, hfrom, hto, float, sc, sf, rc, rf, cin, cout, expected, counted,
				cfen, variance, record)
		ON CONFLICT (store_id, terminal_id, shift_no) DO UPDATE SET
			cashier = excluded.cashier, state = excluded.state, day = excluded.day, opened_at = excluded.opened_at,
			closed_at = excluded.closed_at, closed_by = excluded.closed_by, handed_from = excluded.handed_from,
			handed_to = excluded.handed_to, float_fen = excluded.float_fen, sale_count = excluded.sale_count,
			sale_fen = excluded.sale_fen, refund_count = excluded.refund_count, refund_fen = excluded.refund_fen,
			cash_in_fen = excluded.cash_in_fen, cash_out_fen = excluded.cash_out_fen, expected_fen = excluded.expected_fen,
			counted = excluded.counted, counted_fen = excluded.counted_fen, variance_fen = excluded.variance_fen,
			record = excluded.record, src_seq = excluded.src_seq
		WHERE shifts.src_seq <= excluded.src_seq`,
		w.o.StoreID, w.o.TerminalID, int64(b.local), nos, cashiers, states, days, opened, closed, closedBy, handedFrom, handedTo, floats,
		money[0], money[1], money[2], money[3], money[4], money[5], money[6], isCounted, money[7], money[8], records)
	return nil
}

// CashierLine is one cashier's money at one store over a report's days:
// the sales they took (a sale on the Shanghai day it was paid) and the
// refunds they made (on the day each succeeded), with the report's rules,
// and the shifts they opened on those days with their cash counted
// against what the drawer should have held.
type CashierLine struct {
	StoreID     string `json:"store_id"`
	Cashier     string `json:"cashier"` // shift.NoCashier for records from before sign-in
	SaleCount   int64  `json:"sale_count"`
	SaleFen     int64  `json:"sale_fen"`
	RefundCount int64  `json:"refund_count"`
	RefundFen   int64  `json:"refund_fen"`
	// Shifts are the cashier's shifts opened on the report's days, oldest
	// first; the sums below are of those closed with a count.
	Shifts      []ShiftLine `json:"shifts"`
	CountedFen  int64       `json:"counted_fen"`
	ExpectedFen int64       `json:"expected_fen"`
	VarianceFen int64       `json:"variance_fen"`
}

// NetFen is sales minus refunds.
func (l CashierLine) NetFen() int64 { return l.SaleFen - l.RefundFen }

// ShiftLine is one shift as its terminal replicated it: its figures are
// the shift's report frozen at the close (zero while it is open), which
// counts the sales recorded PAID and refunds SUCCESS during the shift by
// whoever was signed in, at that terminal.
type ShiftLine struct {
	StoreID     string    `json:"store_id"`
	TerminalID  string    `json:"terminal_id"`
	No          int64     `json:"no"`
	Cashier     string    `json:"cashier"`
	State       string    `json:"state"` // OPEN or CLOSED
	Day         string    `json:"day"`   // business day it opened on, yyyymmdd
	OpenedAt    time.Time `json:"opened_at"`
	ClosedAt    time.Time `json:"closed_at,omitzero"`
	ClosedBy    string    `json:"closed_by,omitempty"`
	HandedFrom  int64     `json:"handed_from,omitempty"`
	HandedTo    int64     `json:"handed_to,omitempty"`
	FloatFen    int64     `json:"float_fen"`
	SaleCount   int64     `json:"sale_count"`
	SaleFen     int64     `json:"sale_fen"`
	RefundCount int64     `json:"refund_count"`
	RefundFen   int64     `json:"refund_fen"`
	ExpectedFen int64     `json:"expected_fen"`
	Counted     bool      `json:"counted"`
	CountedFen  int64     `json:"counted_fen"`
	VarianceFen int64     `json:"variance_fen"` // counted − expected: negative is cash missing
}

// CashierReport is head office's report by cashier (wxpos hq report --by
// cashier): per store and cashier, sales, refunds and net over the days,
// and their shifts with the cash counted, expected and the variance. Its
// sales and refunds add up to Report's totals.
type CashierReport struct {
	Query    Query         `json:"query"`
	TakenAt  time.Time     `json:"taken_at"`
	Cashiers []CashierLine `json:"cashiers"`
}

// Totals sums the cashiers' lines.
func (r *CashierReport) Totals() CashierLine {
	var t CashierLine
	for _, l := range r.Cashiers {
		t.SaleCount += l.SaleCount
		t.SaleFen += l.SaleFen
		t.RefundCount += l.RefundCount
		t.RefundFen += l.RefundFen
		t.CountedFen += l.CountedFen
		t.ExpectedFen += l.ExpectedFen
		t.VarianceFen += l.VarianceFen
	}
	return t
}

// ReportByCashier builds the report by cashier for q from the per-cashier
// roll-up and the shift projections (migrations/0010_shifts.sql), in one
// read-only snapshot when db begins transactions.
func ReportByCashier(ctx context.Context, db Querier, q Query) (*CashierReport, error) {
	if b, ok := db.(interface {
		BeginTx(context.Context, pgx.TxOptions) (pgx.Tx, error)
	}); ok {
		tx, err := b.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
		if err != nil {
			return nil, fmt.Errorf("hq report by cashier: %w", err)
		}
		defer tx.Rollback(ctx) //nolint:errcheck // read-only: nothing to keep
		return buildCashierReport(ctx, tx, q)
	}
	return buildCashierReport(ctx, db, q)
}

func buildCashierReport(ctx context.Context, db Querier, q Query) (*CashierReport, error) {
	start, end, err := dayRange(q.From, q.To)
	if err != nil {
		return nil, err
	}
	by := map[[2]string]*CashierLine{}
	line := func(store, cashier string) *CashierLine {
		if cashier == "" {
			cashier = shift.NoCashier
		}
		k := [2]string{store, cashier}
		if by[k] == nil {
			by[k] = &CashierLine{StoreID: store, Cashier: cashier}
		}
		return by[k]
	}
	rows, err := db.Query(ctx, `SELECT store_id, cashier, sum(sale_count)::bigint, sum(sale_fen)::bigint,
			sum(refund_count)::bigint, sum(refund_fen)::bigint
		FROM hq_cashier_daily
		WHERE day >= ($1::timestamptz AT TIME ZONE 'Asia/Shanghai')::date AND day < ($2::timestamptz AT TIME ZONE 'Asia/Shanghai')::date
			AND `+storeIs("store_id", q.StoreID)+` AND (NOT training OR $4)
		GROUP BY store_id, cashier
		HAVING sum(sale_count) <> 0 OR sum(refund_count) <> 0`, start, end, q.StoreID, q.Training)
	if err == nil {
		err = forRows(rows, func(rows pgx.Rows) error {
			var store, cashier string
			var sc, sf, rc, rf int64
			if err := rows.Scan(&store, &cashier, &sc, &sf, &rc, &rf); err != nil {
				return err
			}
			l := line(store, cashier)
			l.SaleCount, l.SaleFen, l.RefundCount, l.RefundFen = sc, sf, rc, rf
			return nil
		})
	}
	if err != nil {
		return nil, fmt.Errorf("hq report by cashier: sales: %w", err)
	}
	shifts, err := Shifts(ctx, db, q)
	if err != nil {
		return nil, err
	}
	for _, s := range shifts {
		l := line(s.StoreID, s.Cashier)
		l.Shifts = append(l.Shifts, s)
		if s.Counted {
			l.CountedFen += s.CountedFen
			l.ExpectedFen += s.ExpectedFen
			l.VarianceFen += s.VarianceFen
		}
	}
	r := &CashierReport{Query: q, TakenAt: time.Now()}
	for _, l := range by {
		r.Cashiers = append(r.Cashiers, *l)
	}
	slices.SortFunc(r.Cashiers, func(a, b CashierLine) int {
		return cmp.Or(strings.Compare(a.StoreID, b.StoreID), strings.Compare(a.Cashier, b.Cashier))
	})
	return r, nil
}

// Shifts lists the replicated shifts opened on the business days of q (of
// its store, or the chain), by store, opening time, terminal and number.
func Shifts(ctx context.Context, db Querier, q Query) ([]ShiftLine, error) {
	start, end, err := dayRange(q.From, q.To)
	if err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, `SELECT store_id, terminal_id, shift_no, cashier, state, to_char(day, 'YYYYMMDD'), opened_at,
			coalesce(closed_at, 'epoch'), closed_by, handed_from, handed_to, float_fen, sale_count, sale_fen, refund_count, refund_fen,
			expected_fen, counted, counted_fen, variance_fen
		FROM shifts
		WHERE day >= ($1::timestamptz AT TIME ZONE 'Asia/Shanghai')::date AND day < ($2::timestamptz AT TIME ZONE 'Asia/Shanghai')::date
			AND `+storeIs("store_id", q.StoreID)+`
		ORDER BY store_id, opened_at, terminal_id, shift_no`, start, end, q.StoreID)
	if err != nil {
		return nil, fmt.Errorf("hq shifts: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[ShiftLine])
	if err != nil {
		return nil, fmt.Errorf("hq shifts: %w", err)
	}
	for i := range out {
		if out[i].ClosedAt.Equal(time.Unix(0, 0)) {
			out[i].ClosedAt = time.Time{}
		}
	}
	return out, nil
}

// InZone puts the report's times in loc, as --json shows every time (the
// database hands them back in UTC).
func (r *CashierReport) InZone(loc *time.Location) *CashierReport {
	r.TakenAt = r.TakenAt.In(loc)
	for i := range r.Cashiers {
		for j := range r.Cashiers[i].Shifts {
			s := &r.Cashiers[i].Shifts[j]
			s.OpenedAt = s.OpenedAt.In(loc)
			if !s.ClosedAt.IsZero() {
				s.ClosedAt = s.ClosedAt.In(loc)
			}
		}
	}
	return r
}

// WriteText writes the report by cashier for a terminal window: a line
// per cashier, their shifts under it (cash counted against expected, the
// variance flagged), and the total.
func (r *CashierReport) WriteText(w io.Writer) error {
	store := r.Query.StoreID
	if store == "" {
		store = "all stores"
	}
	bw := &errWriter{w: w}
	bw.printf("HQ report by cashier %s–%s, %s\n\n", r.Query.From, r.Query.To, store)
	bw.printf("%-8s %-16s %6s %14s %6s %12s %14s %14s\n", "store", "cashier", "sales", "yuan", "refs", "yuan", "net", "variance")
	for _, l := range r.Cashiers {
		bw.printf("%-8s %-16s %6d %14s %6d %12s %14s %14s\n", l.StoreID, l.Cashier, l.SaleCount, receipt.Yuan(l.SaleFen),
			l.RefundCount, receipt.Yuan(l.RefundFen), receipt.Yuan(l.NetFen()), receipt.Yuan(l.VarianceFen))
		for _, s := range l.Shifts {
			bw.printf("    %s\n", shiftText(s))
		}
	}
	t := r.Totals()
	bw.printf("%-25s %6d %14s %6d %12s %14s %14s\n", "total", t.SaleCount, receipt.Yuan(t.SaleFen), t.RefundCount,
		receipt.Yuan(t.RefundFen), receipt.Yuan(t.NetFen()), receipt.Yuan(t.VarianceFen))
	return bw.err
}

// shiftText is one shift's line under its cashier.
func shiftText(s ShiftLine) string {
	head := fmt.Sprintf("shift %s/%d %s %s", s.TerminalID, s.No, s.Day, tz.Stamp(s.OpenedAt))
	switch {
	case s.State == string(shift.StateOpen):
		return head + ": open (float " + receipt.Yuan(s.FloatFen) + ")"
	case !s.Counted:
		return head + ": closed, not counted"
	}
	text := fmt.Sprintf("%s: %d sales %s, %d refunds %s; cash counted %s, expected %s", head, s.SaleCount, receipt.Yuan(s.SaleFen),
		s.RefundCount, receipt.Yuan(s.RefundFen), receipt.Yuan(s.CountedFen), receipt.Yuan(s.ExpectedFen))
	switch {
	case s.VarianceFen < 0:
		text += ", SHORT " + receipt.Yuan(-s.VarianceFen)
	case s.VarianceFen > 0:
		text += ", OVER " + receipt.Yuan(s.VarianceFen)
	default:
		text += ", balanced"
	}
	if s.HandedTo != 0 {
		text += fmt.Sprintf(", handed over to shift %d", s.HandedTo)
	}
	return text
}
