package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/wxpos/wxpos/tz"
)

// historySearchDays is how far back a search reaches: a customer who
// comes back with a receipt comes back within a month.
const historySearchDays = 30

// The history table's columns, left to right.
const (
	histColTime = iota
	histColNo
	histColTender
	histColAmount
	histColState
	histColReason
	histColRefunded
	histColActions
	histCols
)

// histColWidth is each column's width: together they fit a 1024 px window.
var histColWidth = [histCols]float32{histColTime: 100, histColNo: 150, histColTender: 100, histColAmount: 96,
	histColState: 90, histColReason: 110, histColRefunded: 86, histColActions: 190}

var histColTitle = [histCols]msg{histColTime: msgHistColTime, histColNo: msgHistColNo, histColTender: msgHistColTender,
	histColAmount: msgHistColAmount, histColState: msgHistColState, histColReason: msgHistColReason,
	histColRefunded: msgHistColRefunded, histColActions: msgHistColActions}

// historyScreen lists today's sales, or the last 30 days' sales a search
// names (amount, last four digits, order or receipt number), as a table
// that draws only the rows in view, with totals of what it shows; a paid
// sale can be reprinted, or refunded through the manager's refund screen.
// Loading and searching run off the UI goroutine; a newer search makes an
// older answer moot.
type historyScreen struct {
	t    *Terminal
	back func() // where 返回 and Esc go: the screen history was opened from

	title   *widget.Label
	search  *keyEntry // a scan typed into it is a scan, not a search
	table   *keyTable
	totals  *widget.Label
	message *widget.Label
	loading *widget.Activity
	backBtn *keyButton
	export  *keyButton // with a manager back end: what is shown, as CSV

	ctx     context.Context // the screen's; searches end with it
	stop    context.CancelFunc
	seq     int // the latest search; answers to older ones are dropped
	records []Record
	days    int // the days records cover
	// resetting is set while reset clears the search, which is not a
	// search of its own.
	resetting bool
}

// reset re-arms the screen for another opening: an empty search (today's
// sales), back as where 返回 goes, the rows of the last opening gone.
func (s *historyScreen) reset(back func()) {
	s.back = back
	s.resetting = true
	s.search.SetText("")
	s.resetting = false
	s.show(HistoryQuery{Days: 1}, HistoryPage{})
	s.message.SetText("")
}

func newHistoryScreen(t *Terminal, back func()) *historyScreen {
	c := t.cat
	s := &historyScreen{
		t: t, back: back,
		title:   widget.NewLabelWithStyle(c.T(msgHistoryTitle), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		search:  newKeyEntry(t),
		totals:  widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		message: widget.NewLabel(""),
		loading: widget.NewActivity(),
		ctx:     t.ctx,
		days:    1,
	}
	s.search.SetPlaceHolder(c.T(msgHistSearchHint))
	s.search.OnChanged = func(string) {
		if !s.resetting {
			s.load()
		}
	}
	s.message.Wrapping = fyne.TextWrapWord
	s.backBtn = newIconButton(c.T(msgCommonBack), theme.NavigateBackIcon(), func() { s.back() })
	s.export = newIconButton(t.mt(msgDayExport), theme.DocumentSaveIcon(), s.exportCSV)
	if t.opt.manager == nil {
		s.export.Hide()
	}
	s.table = s.newTable()
	s.loading.Hide()
	return s
}

func (s *historyScreen) newTable() *keyTable {
	tb := newTable(
		func() (int, int) { return len(s.records), histCols },
		newHistoryCell,
		func(id widget.TableCellID, o fyne.CanvasObject) { s.fillCell(id, o.(*historyCell)) })
	tb.ShowHeaderRow = true
	tb.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	tb.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		l.Alignment = histAlign(id.Col)
		l.SetText(s.t.cat.T(histColTitle[id.Col]))
	}
	for col, w := range histColWidth {
		tb.SetColumnWidth(col, w)
	}
	return tb
}

func histAlign(col int) fyne.TextAlign {
	if col == histColAmount || col == histColRefunded {
		return fyne.TextAlignTrailing
	}
	return fyne.TextAlignLeading
}

func (s *historyScreen) view() fyne.CanvasObject {
	top := container.NewBorder(nil, nil, s.title, s.loading, s.search)
	bottom := container.NewVBox(s.totals, container.NewBorder(nil, nil, s.backBtn, s.export, s.message))
	return container.NewPadded(container.NewBorder(top, bottom, nil, nil, s.table))
}

// start loads what the search asks for (today's sales at first).
func (s *historyScreen) start(ctx context.Context) {
	s.ctx = ctx
	s.t.w.Canvas().Focus(s.search) // keyboard first: type to search at once
	s.load()
}

// load asks the core, off the UI goroutine, for the sales the search
// names: today's when it is empty, else the last 30 days'. The spinner
// turns while an answer is due; an answer to an older search is dropped.
func (s *historyScreen) load() {
	t := s.t
	if t.opt.checkout == nil {
		s.message.SetText(t.cat.T(msgCommonNoCore))
		return
	}
	if s.stop != nil {
		s.stop() // the older search is moot
	}
	ctx, stop := context.WithCancel(s.ctx)
	s.stop = stop
	s.seq++
	seq := s.seq
	q := HistoryQuery{Text: strings.TrimSpace(s.search.Text), Days: 1}
	if q.Text != "" {
		q.Days = historySearchDays
	}
	s.loading.Show()
	s.loading.Start()
	t.async(ctx, func(ctx context.Context) func() {
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		page, err := t.opt.checkout.History(ctx, q)
		return func() {
			if seq != s.seq {
				return
			}
			s.loading.Stop()
			s.loading.Hide()
			if err != nil {
				s.message.SetText(t.errorTextOr(msgHistoryLoadErr, err))
				return
			}
			s.show(q, page)
		}
	})
}

// show puts page in the table, with its title, totals and notes.
func (s *historyScreen) show(q HistoryQuery, page HistoryPage) {
	c := s.t.cat
	s.records, s.days = page.Records, q.Days
	if q.Text == "" {
		s.title.SetText(c.T(msgHistoryTitle))
	} else {
		s.title.SetText(c.T(msgHistSearchTitle, historySearchDays))
	}
	s.table.SetColumnWidth(histColTime, s.timeWidth()) // refreshes the table
	s.table.ScrollToTop()
	s.totals.SetText(historyTotals(page.Records).text(c))
	switch {
	case len(page.Records) == 0:
		s.message.SetText(c.T(msgHistoryEmpty))
	case page.Truncated:
		s.message.SetText(c.T(msgHistTruncated, len(page.Records)))
	default:
		s.message.SetText("")
	}
}

// timeWidth fits the time column: a search over days shows the date too.
func (s *historyScreen) timeWidth() float32 {
	if s.days > 1 {
		return histColWidth[histColTime] + 50
	}
	return histColWidth[histColTime]
}

// historyCell is one table cell: text, or in the last column the row's
// actions. Cells are reused as the table scrolls.
type historyCell struct {
	widget.BaseWidget
	label           *widget.Label
	reprint, refund *keyButton
	actions         *fyne.Container
}

func newHistoryCell() fyne.CanvasObject {
	c := &historyCell{label: widget.NewLabel(""),
		reprint: newIconButton("", theme.DocumentPrintIcon(), nil),
		refund:  newIconButton("", theme.ContentUndoIcon(), nil)}
	c.actions = container.NewHBox(c.reprint, c.refund)
	c.ExtendBaseWidget(c)
	return c
}

// CreateRenderer draws the label and the actions stacked; one is hidden.
func (c *historyCell) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(c.label, c.actions))
}

func (s *historyScreen) fillCell(id widget.TableCellID, cell *historyCell) {
	if id.Row < 0 || id.Row >= len(s.records) {
		return
	}
	c := s.t.cat
	r := s.records[id.Row]
	if id.Col == histColActions {
		cell.label.Hide()
		cell.actions.Show()
		s.fillActions(r, cell)
		return
	}
	cell.actions.Hide()
	cell.label.Show()
	l := cell.label
	l.Alignment = histAlign(id.Col)
	l.Truncation = fyne.TextTruncateOff
	switch id.Col {
	case histColNo, histColTender, histColState, histColReason: // words that can outgrow the column, in English above all
		l.Truncation = fyne.TextTruncateEllipsis
	}
	l.Importance = widget.MediumImportance
	l.TextStyle = fyne.TextStyle{}
	switch id.Col {
	case histColTime:
		layout := "15:04:05"
		if s.days > 1 {
			layout = "01-02 15:04:05"
		}
		l.Text = r.Time.In(tz.Shanghai).Format(layout)
	case histColNo:
		l.Text = numberTail(r.OutTradeNo)
	case histColTender:
		l.Text = c.T(tenderShortMsg(r.Tender))
	case histColAmount:
		l.Text = formatFen(r.AmountFen)
		l.TextStyle = fyne.TextStyle{Bold: true}
	case histColState:
		l.Text = c.T(stateMsg(r.State))
		l.Importance = stateImportance(r.State)
	case histColReason:
		l.Text = ""
		if r.Reason != "" {
			l.Text = c.T(reasonMsg(r.Reason))
		}
	case histColRefunded:
		l.Text = ""
		if r.RefundedFen > 0 {
			l.Text = formatFen(r.RefundedFen)
			l.Importance = widget.WarningImportance
		}
	}
	l.Refresh()
}

// numberTail shortens an order number to the end that tells one sale
// from the next: every number of a terminal starts alike, so cutting the
// end off would leave a column of identical cells.
func numberTail(no string) string {
	const fits, keep = 14, 10 // in 150 px: a short number whole, a long one's sequence
	if r := []rune(no); len(r) > fits {
		return "…" + string(r[len(r)-keep:])
	}
	return no
}

// fillActions arms the row's buttons: reprint a paid sale's receipt;
// refund what is left of it (with a manager back end).
func (s *historyScreen) fillActions(r Record, cell *historyCell) {
	c := s.t.cat
	cell.reprint.SetText(c.T(msgHistoryReprint))
	cell.refund.SetText(c.T(msgHistRefund))
	no := r.OutTradeNo
	if r.State == StatePaid {
		cell.reprint.Enable()
	} else {
		cell.reprint.Disable()
	}
	cell.reprint.OnTapped = func() { s.reprint(no) }
	if r.RefundableFen > 0 && s.t.opt.manager != nil {
		cell.refund.Show()
	} else {
		cell.refund.Hide()
	}
	cell.refund.OnTapped = func() { s.refund(no) }
	cell.actions.Refresh() // the buttons' text changed: lay them out again, or they overlap
}

func stateImportance(st State) widget.Importance {
	switch st {
	case StatePaid:
		return widget.SuccessImportance
	case StateUnknown:
		return widget.WarningImportance
	case StateFailed, StateConflict:
		return widget.DangerImportance
	}
	return widget.MediumImportance
}

// reprint reads the sale's receipt off the UI goroutine and shows it; its
// 返回 comes back here.
func (s *historyScreen) reprint(no string) {
	t := s.t
	t.async(s.ctx, func(ctx context.Context) func() {
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		rec, err := t.opt.checkout.Receipt(ctx, no)
		return func() {
			if err != nil {
				s.message.SetText(t.errorTextOr(msgHistoryLoadErr, err))
				return
			}
			rs := newReceiptScreen(t, true)
			rs.back = func() { t.show(s) }
			rs.reset(rec)
			t.show(rs)
		}
	})
}

// refund opens the manager's refund screen on sale no (the manager PIN is
// asked before anything is sent); its 返回 comes back here.
func (s *historyScreen) refund(no string) {
	t := s.t
	if t.opt.manager == nil {
		return
	}
	t.showRefund(t.opt.manager, no, func() { t.show(s) })
}

// exportCSV writes the rows shown into the export directory, off the UI
// goroutine, and says where; the screen stays (返回 still goes back to
// where history was opened from).
func (s *historyScreen) exportCSV() {
	t := s.t
	if t.opt.manager == nil {
		return
	}
	records := s.records
	t.async(s.ctx, func(context.Context) func() {
		path, err := t.opt.manager.ExportHistory(records)
		return func() {
			if err != nil {
				s.message.SetText(t.errorTextOr(msgHistoryLoadErr, err))
				return
			}
			s.message.SetText(t.mt(msgDayExported, path))
		}
	})
}

func (s *historyScreen) typedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		s.back()
	}
}

// historySum is the totals line of what history shows.
type historySum struct {
	rows               int
	paid               int   // sales in PAID
	paidFen, refundFen int64 // their amounts, and what was refunded of them
}

// historyTotals adds up records: every row, the paid ones and their
// amount, and the money refunded of them.
func historyTotals(records []Record) historySum {
	var sum historySum
	for _, r := range records {
		sum.rows++
		if r.State == StatePaid {
			sum.paid++
			sum.paidFen += r.AmountFen
			sum.refundFen += r.RefundedFen
		}
	}
	return sum
}

func (h historySum) text(c *catalog) string {
	return c.T(msgHistTotals, h.rows, h.paid, formatFen(h.paidFen), formatFen(h.refundFen), formatFen(h.paidFen-h.refundFen))
}
