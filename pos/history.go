package pos

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/wxpos/wxpos/tz"
)

// Search bounds of History.
const (
	// HistoryLimit is how many rows History returns when the query sets
	// no Limit: more than a busy day's sales, few enough to draw at once.
	HistoryLimit = 2000
	// HistoryMaxDays is the longest range History reads: a search
	// reaches back a month, never through the whole database.
	HistoryMaxDays = 92
)

// HistoryQuery selects orders for the history screen.
type HistoryQuery struct {
	// From and To are business calendar days (yyyymmdd, Asia/Shanghai,
	// inclusive) of the day index the orders were created under; To
	// empty means From alone.
	From, To string
	// Text, when set, keeps only orders it names: an amount in yuan
	// ("12.34", "¥12.34"), the last four digits of the transaction id or
	// of the payment code, or part of the order or receipt number.
	Text string
	// Limit caps the rows returned, newest first; 0 means HistoryLimit.
	Limit int
}

// OrderBrief is what a search sees of an order before reading it whole.
type OrderBrief struct {
	OutTradeNo    string
	AmountFen     int64
	CodeLast4     string
	TransactionID string
	ReceiptNo     string
}

// HistoryRow is one order with what has been refunded of it.
type HistoryRow struct {
	Order *Order
	// RefundedFen is the money already returned (refunds in SUCCESS).
	RefundedFen int64
	// HeldFen is what refunds that are not closed hold against the sale
	// (SUCCESS, in progress, abnormal): AmountFen - HeldFen is what can
	// still be refunded.
	HeldFen int64
}

// Refundable is what may still be refunded of the sale (0 unless PAID).
func (r HistoryRow) Refundable() int64 {
	if !r.Order.IsSale() {
		return 0
	}
	return max(r.Order.AmountFen-r.HeldFen, 0)
}

// History is the answer to a HistoryQuery.
type History struct {
	Rows []HistoryRow // newest first
	// Truncated is true when more orders matched than Limit.
	Truncated bool
}

// History lists the orders of the days in q, newest first, through the
// per-day index: a search reads the days asked for and nothing else. It
// stops at q.Limit rows and when ctx ends.
func (t *Terminal) History(ctx context.Context, q HistoryQuery) (History, error) {
	days, err := historyDays(q.From, q.To)
	if err != nil {
		return History{}, err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = HistoryLimit
	}
	m := newHistoryMatch(q.Text)
	var h History
	for _, day := range days { // newest day first
		if err := ctx.Err(); err != nil {
			return History{}, err
		}
		orders, err := t.store.FindOrdersOnDay(day, m.matches)
		if err != nil {
			return History{}, fmt.Errorf("history of %s: %w", day, err)
		}
		found := make([]HistoryRow, len(orders))
		for i, o := range orders { // the index lists by number: reverse it, so a tie in time puts the later number first
			found[len(orders)-1-i] = HistoryRow{Order: o}
		}
		sortNewestFirst(found)
		for _, r := range found {
			if len(h.Rows) == limit {
				h.Truncated = true
				break
			}
			h.Rows = append(h.Rows, r)
		}
		if h.Truncated {
			break
		}
	}
	for i := range h.Rows {
		if err := t.refunded(&h.Rows[i]); err != nil {
			return History{}, err
		}
	}
	return h, nil
}

// refunded fills r's refund figures from the order's refund index (only
// sales can have refunds).
func (t *Terminal) refunded(r *HistoryRow) error {
	if r.Order.State != StatePaid {
		return nil
	}
	rs, err := t.store.RefundsOf(r.Order.OutTradeNo)
	if err != nil {
		return fmt.Errorf("refunds of %s: %w", r.Order.OutTradeNo, err)
	}
	for _, rf := range rs {
		if rf.State == RefundSuccess {
			r.RefundedFen += rf.AmountFen
		}
		if rf.State.Holds() {
			r.HeldFen += rf.AmountFen
		}
	}
	return nil
}

// historyDays lists the days from..to, newest first.
func historyDays(from, to string) ([]string, error) {
	if to == "" {
		to = from
	}
	f, err := time.ParseInLocation("20060102", from, tz.Shanghai)
	if err != nil {
		return nil, fmt.Errorf("history from %q: want yyyymmdd", from)
	}
	l, err := time.ParseInLocation("20060102", to, tz.Shanghai)
	if err != nil {
		return nil, fmt.Errorf("history to %q: want yyyymmdd", to)
	}
	if l.Before(f) {
		return nil, fmt.Errorf("history %s–%s: the range ends before it starts", from, to)
	}
	var days []string
	for d := l; !d.Before(f); d = d.AddDate(0, 0, -1) {
		if len(days) == HistoryMaxDays {
			return nil, fmt.Errorf("history %s–%s: more than %d days", from, to, HistoryMaxDays)
		}
		days = append(days, d.Format("20060102"))
	}
	return days, nil
}

func sortNewestFirst(rows []HistoryRow) {
	// A stable insertion sort: the rows come newest number first, which
	// is already nearly newest first, so this is close to linear.
	for i := 1; i < len(rows); i++ {
		for j := i; j > 0 && rows[j].Order.CreatedAt.After(rows[j-1].Order.CreatedAt); j-- {
			rows[j], rows[j-1] = rows[j-1], rows[j]
		}
	}
}

// historyMatch is a parsed search text: each way it can name an order.
//
// Digits alone are an amount in yuan, a sequence number (the last part of
// the order or receipt number, "42" for PS01-T01-K7QZ2M-00000042), and
// with four digits also the last four of the transaction id or payment
// code; they are not matched anywhere inside an order number, where
// short digit runs (the store, the date) would match nearly every order.
// Text with anything else in it ("K7QZ2M-000", "12.50") is an amount if it
// parses as one, else part of the order or receipt number.
type historyMatch struct {
	text      string // lower case; "" matches everything
	amountFen int64  // 0: not an amount
	seq       string // digits without leading zeros; "": not digits
	last4     string // "": not four digits
}

func newHistoryMatch(text string) historyMatch {
	text = strings.ToLower(strings.TrimSpace(text))
	m := historyMatch{text: text}
	if fen, err := ParseYuan(strings.TrimPrefix(strings.TrimPrefix(text, "¥"), "￥")); err == nil {
		m.amountFen = fen
	}
	if text != "" && allDigits(text) {
		m.seq = strings.TrimLeft(text, "0")
		if len(text) == 4 {
			m.last4 = text
		}
	}
	return m
}

func (m historyMatch) matches(o OrderBrief) bool {
	switch {
	case m.text == "":
		return true
	case m.amountFen != 0 && o.AmountFen == m.amountFen:
		return true
	case m.last4 != "" && (o.CodeLast4 == m.last4 || strings.HasSuffix(o.TransactionID, m.last4)):
		return true
	case m.seq != "" || (m.text != "" && allDigits(m.text)):
		return seqOf(o.OutTradeNo) == m.seq || (o.ReceiptNo != "" && seqOf(o.ReceiptNo) == m.seq)
	}
	return strings.Contains(strings.ToLower(o.OutTradeNo), m.text) ||
		(o.ReceiptNo != "" && strings.Contains(strings.ToLower(o.ReceiptNo), m.text))
}

// seqOf is the sequence part of an order or receipt number: after the
// last dash, without leading zeros.
func seqOf(no string) string {
	if i := strings.LastIndexByte(no, '-'); i >= 0 {
		no = no[i+1:]
	}
	return strings.TrimLeft(no, "0")
}
