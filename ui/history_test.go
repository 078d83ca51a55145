package ui

import (
	"context"
	"encoding/csv"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/wxpos/wxpos/counter"
	"github.com/wxpos/wxpos/internal/csvout"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/receipt"
)

// historyCellAt is the cell the table draws at row, col.
func historyCellAt(hs *historyScreen, row, col int) *historyCell {
	c := newHistoryCell().(*historyCell)
	hs.fillCell(widget.TableCellID{Row: row, Col: col}, c)
	return c
}

func historyActions(hs *historyScreen, row int) *historyCell {
	return historyCellAt(hs, row, histColActions)
}

func openHistory(h *harness) *historyScreen {
	h.t.Helper()
	h.key(fyne.KeyF5)
	hs := screenAs[*historyScreen](h)
	h.waitFor("history loaded", func() bool { return !hs.loading.Visible() && len(h.fake.queries) > 0 })
	return hs
}

// TestHistoryColumns: every row shows time, number, tender, the amount
// right-aligned, the state, why it failed in words and what was refunded;
// the totals add up what is shown.
func TestHistoryColumns(t *testing.T) {
	h := newHarness(t)
	at := time.Date(2026, 12, 4, 2, 3, 4, 0, time.UTC) // 10:03:04 in Shanghai
	h.fake.today = []Record{
		{OutTradeNo: "P1-00000003", Tender: receipt.TenderWeChatScan, AmountFen: 700, State: StateFailed, Reason: ReasonNotEnough, Time: at},
		{OutTradeNo: "P1-00000002", Tender: receipt.TenderCash, AmountFen: 500, State: StatePaid, Time: at, RefundedFen: 100, RefundableFen: 400, ReceiptNo: "R2"},
		{OutTradeNo: "P1-00000001", Tender: receipt.TenderWeChatQR, AmountFen: 1234, State: StatePaid, Time: at, RefundableFen: 1234, ReceiptNo: "R1"},
	}
	hs := openHistory(h)
	if len(hs.records) != 3 {
		t.Fatalf("%d rows, want 3", len(hs.records))
	}
	rows, cols := hs.table.Length()
	if rows != 3 || cols != histCols {
		t.Fatalf("table %d×%d, want 3×%d", rows, cols, histCols)
	}
	text := func(row, col int) string { return historyCellAt(hs, row, col).label.Text }
	for _, tt := range []struct {
		name     string
		row, col int
		want     string
	}{
		{"time in Shanghai", 0, histColTime, "10:03:04"},
		{"number", 0, histColNo, "P1-00000003"},
		{"tender", 1, histColTender, zh(msgTenderCash)},
		{"amount", 2, histColAmount, "¥12.34"},
		{"state", 0, histColState, zh(msgStateFailed)},
		{"failure in words", 0, histColReason, zh(msgReasonNotEnough)},
		{"no reason when paid", 1, histColReason, ""},
		{"refunded", 1, histColRefunded, "¥1.00"},
		{"nothing refunded", 2, histColRefunded, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := text(tt.row, tt.col); got != tt.want {
				t.Errorf("row %d col %d = %q, want %q", tt.row, tt.col, got, tt.want)
			}
		})
	}
	for _, col := range []int{histColAmount, histColRefunded} {
		if a := historyCellAt(hs, 1, col).label.Alignment; a != fyne.TextAlignTrailing {
			t.Errorf("column %d aligned %v, want right", col, a)
		}
	}
	if got, want := hs.totals.Text, zh(msgHistTotals, 3, 2, "¥17.34", "¥1.00", "¥16.34"); got != want {
		t.Errorf("totals %q, want %q", got, want)
	}
	if historyActions(hs, 0).reprint.Disabled() == false {
		t.Error("a failed payment offers a reprint")
	}
	if !historyActions(hs, 0).refund.Hidden || !historyActions(hs, 1).refund.Hidden {
		t.Error("refund offered without a manager back end")
	}
}

// TestHistorySearchAcrossDays: a search asks the core for the last 30
// days; clearing it goes back to today.
func TestHistorySearchAcrossDays(t *testing.T) {
	h := newHarness(t)
	h.fake.today = []Record{
		{OutTradeNo: "P1-00000002", AmountFen: 500, State: StatePaid, Time: time.Now()},
		{OutTradeNo: "P1-00000001", AmountFen: 1234, State: StatePaid, Time: time.Now().AddDate(0, 0, -12)},
	}
	hs := openHistory(h)
	if q := h.fake.queries[0]; q != (HistoryQuery{Days: 1}) {
		t.Errorf("opening asks %+v, want today", q)
	}
	hs.search.SetText("12.34")
	h.waitFor("search", func() bool { return !hs.loading.Visible() && len(hs.records) == 1 })
	if q := h.fake.queries[len(h.fake.queries)-1]; q != (HistoryQuery{Text: "12.34", Days: historySearchDays}) {
		t.Errorf("search asks %+v, want 30 days", q)
	}
	if hs.title.Text != zh(msgHistSearchTitle, historySearchDays) {
		t.Errorf("title %q", hs.title.Text)
	}
	if got := historyCellAt(hs, 0, histColTime).label.Text; !strings.Contains(got, "-") {
		t.Errorf("a search over days shows the time %q without its date", got)
	}
	hs.search.SetText("")
	h.waitFor("today again", func() bool { return !hs.loading.Visible() && len(hs.records) == 2 })
	if hs.title.Text != zh(msgHistoryTitle) {
		t.Errorf("title %q after clearing", hs.title.Text)
	}
}

// gatedCheckout holds History until released, so a test sees the screen
// while the answer is due.
type gatedCheckout struct {
	*fakeCheckout
	gate chan struct{}
}

func (g gatedCheckout) History(ctx context.Context, q HistoryQuery) (HistoryPage, error) {
	<-g.gate
	return g.fakeCheckout.History(ctx, q)
}

// TestHistoryLoading: the spinner turns while the answer is due and stops
// when it is in; a failure is said, not shown as an empty day.
func TestHistoryLoading(t *testing.T) {
	g := gatedCheckout{fakeCheckout: newFakeCheckout(), gate: make(chan struct{})}
	g.today = []Record{{OutTradeNo: "P1", AmountFen: 100, State: StatePaid, Time: time.Now()}}
	h := newHarness(t, WithCheckout(g))
	h.key(fyne.KeyF5)
	hs := screenAs[*historyScreen](h)
	if !hs.loading.Visible() {
		t.Error("no loading indicator while the history is read")
	}
	close(g.gate)
	h.waitFor("loaded", func() bool { return len(hs.records) == 1 })
	if hs.loading.Visible() {
		t.Error("loading indicator still shown with the rows in")
	}
	g.historyErr = errors.New("disk on fire")
	hs.search.SetText("1")
	h.waitFor("error", func() bool { return !hs.loading.Visible() })
	if hs.message.Text == "" || hs.message.Text == zh(msgHistoryEmpty) {
		t.Errorf("a failed read says %q", hs.message.Text)
	}
}

// TestHistoryRefund: on the real core, history offers a refund of a paid
// sale; it opens the manager's refund screen on that sale, the refund goes
// through behind the manager PIN, and 返回 comes back to history, which
// then shows what was refunded.
func TestHistoryRefund(t *testing.T) {
	w := newMgrWorld(t)
	ctx := context.Background()
	sale, err := w.core.PayScan(ctx, pos.Sale{AmountFen: 2500, Cashier: "Li"}, postest.Code(postest.Success, 1))
	if err != nil || sale.State != pos.StatePaid {
		t.Fatalf("sale %v %v", sale, err)
	}
	failed, _ := w.core.PayScan(ctx, pos.Sale{AmountFen: 300, Cashier: "Li"}, postest.Code(postest.NotEnough, 2))
	if failed == nil || failed.State != pos.StateFailed {
		t.Fatalf("failed sale %+v", failed)
	}
	pc := counter.NewCheckout(w.core, true, nil)
	h := newHarness(t, WithCheckout(pc), WithManager(w.desk))
	h.key(fyne.KeyF5)
	hs := screenAs[*historyScreen](h)
	h.waitFor("history", func() bool { return len(hs.records) == 2 })
	if got := historyCellAt(hs, 0, histColReason).label.Text; got != zh(msgReasonNotEnough) {
		t.Errorf("failed sale's reason %q, want %q", got, zh(msgReasonNotEnough))
	}
	if !historyActions(hs, 0).refund.Hidden {
		t.Error("a failed payment offers a refund")
	}
	act := historyActions(hs, 1)
	if act.refund.Hidden {
		t.Fatal("a paid sale offers no refund")
	}
	test.Tap(act.refund)
	rs := screenAs[*refundScreen](h)
	h.waitFor("sale picked", func() bool { return rs.sale != nil && rs.fresh })
	if rs.sale.OutTradeNo != sale.OutTradeNo {
		t.Fatalf("refund screen on %s, want %s", rs.sale.OutTradeNo, sale.OutTradeNo)
	}
	rs.full.SetSelected(h.term.mt(msgRefPartial))
	rs.amount.SetText("10.00")
	rs.reason.SetText("wrong size")
	test.Tap(rs.submit)
	answerPIN(h, rs.c, "Wang", "2468")
	h.waitFor("refund success", func() bool { return strings.Contains(rs.state.Text, h.term.mt(msgRefStSuccess)) })
	h.key(fyne.KeyEscape)
	if back := screenAs[*historyScreen](h); back != hs {
		t.Fatal("返回 from the refund did not come back to history")
	}
	h.waitFor("refunded shown", func() bool {
		return len(hs.records) == 2 && historyCellAt(hs, 1, histColRefunded).label.Text == "¥10.00"
	})
	if hs.records[1].RefundableFen != 1500 {
		t.Errorf("refundable %d after ¥10 of ¥25, want 1500", hs.records[1].RefundableFen)
	}
}

// TestHistoryExport: history exports what it shows as a CSV that opens in
// Excel on a Chinese Windows (BOM, Chinese headers in zh-CN, money as
// yuan with two decimals beside fen) and stays on history.
func TestHistoryExport(t *testing.T) {
	w := newMgrWorld(t)
	ctx := context.Background()
	if _, err := w.core.PayCash(ctx, pos.Sale{AmountFen: 1230, Cashier: "Li"}, 2000); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, WithCheckout(counter.NewCheckout(w.core, true, nil)), WithManager(w.desk))
	h.key(fyne.KeyF5)
	hs := screenAs[*historyScreen](h)
	h.waitFor("history", func() bool { return len(hs.records) == 1 })
	test.Tap(hs.export)
	h.waitFor("exported", func() bool { return strings.HasPrefix(hs.message.Text, h.term.mt(msgDayExported, "")) })
	path := strings.TrimPrefix(hs.message.Text, h.term.mt(msgDayExported, ""))
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	body, ok := strings.CutPrefix(string(b), csvout.BOM)
	if !ok {
		t.Fatalf("no UTF-8 BOM: %q", b[:min(len(b), 8)])
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("rows %q, %v", rows, err)
	}
	if got, want := strings.Join(rows[0], ","), strings.Join(csvout.Headers(counter.HistoryColumns, csvout.Chinese), ","); got != want || !strings.HasPrefix(got, "时间,单号") {
		t.Errorf("header %q, want %q", got, want)
	}
	if rows[1][6] != "12.30" || rows[1][7] != "1230" {
		t.Errorf("amount %q / %q, want 12.30 / 1230", rows[1][6], rows[1][7])
	}
	if screenAs[*historyScreen](h) != hs {
		t.Error("exporting left history")
	}
}

// Every order number of a terminal starts alike: the history column keeps
// the end, which tells one sale from the next.
func TestHistoryNumberKeepsTheEnd(t *testing.T) {
	for _, c := range []struct{ no, want string }{
		{"P1-00000003", "P1-00000003"},
		{"PS1-T1-1A2B3C-00000900", "…C-00000900"},
	} {
		if got := numberTail(c.no); got != c.want {
			t.Errorf("numberTail(%q) = %q, want %q", c.no, got, c.want)
		}
	}
}
