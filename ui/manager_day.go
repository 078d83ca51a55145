package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/report"
	"github.com/wxpos/wxpos/staff"
	"github.com/wxpos/wxpos/tz"
)

// ReportPrinter prints an X or Z report; a Printer that also implements it
// gets a print button on the day screens.
type ReportPrinter interface {
	PrintReport(ctx context.Context, r receipt.DayReport, reprint bool) error
}

// dayScreen opens and closes a business day: the opening float, cash put
// in or paid out (with a reason; a payout needs a manager), the X report at
// any time and the Z report at closing (counted cash against expected,
// manager PIN), each shown with a chart of sales by hour, exportable as CSV
// and printable.
type dayScreen struct {
	c *console

	dayIn   *keyEntry
	state   *widget.Label
	float   *keyEntry // amounts: a stray wedge scan must not land in them
	moveAmt *keyEntry
	moveWhy *keyEntry
	counted *keyEntry
	message *widget.Label
	bizDay  *widget.Label // the business day a sale now is booked on

	// Errors in the field they are about, next to it, in the error colour.
	dayErr, floatErr, moveErr, countedErr *widget.Label
	actions                               *fyne.Container // the forms, laid out again when an error comes or goes

	openBtn, inBtn, outBtn, xBtn, zBtn *keyButton

	rep     *reportView
	zArmed  bool // the Z was asked for once: the next press (or Enter) closes
	day     string
	ctx     context.Context
	session *report.Session
}

func newDayScreen(c *console) *dayScreen {
	t := c.t
	s := &dayScreen{c: c, dayIn: newKeyEntry(t), state: widget.NewLabel(""), float: newKeyEntry(t),
		moveAmt: newKeyEntry(t), moveWhy: newKeyEntry(t), counted: newKeyEntry(t), message: widget.NewLabel(""),
		bizDay: widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}),
		dayErr: newFieldError(), floatErr: newFieldError(), moveErr: newFieldError(), countedErr: newFieldError(),
		ctx: t.ctx}
	s.day = c.m.Days().Today()
	s.dayIn.SetText(dashed(s.day))
	s.dayIn.OnSubmitted = func(string) { s.load() }
	s.float.SetPlaceHolder("0.00")
	s.moveAmt.SetPlaceHolder("0.00")
	s.moveWhy.SetPlaceHolder(t.mt(msgRefReason))
	s.counted.SetPlaceHolder(t.mt(msgDayCountedHint))
	s.counted.OnSubmitted = func(string) { s.close() }
	s.message.Wrapping = fyne.TextWrapWord
	s.state.TextStyle = fyne.TextStyle{Bold: true}
	s.state.Wrapping = fyne.TextWrapWord
	s.openBtn = newIconButton(t.mt(msgDayOpen), theme.LoginIcon(), s.open)
	s.inBtn = newIconButton(t.mt(msgDayCashIn), theme.ContentAddIcon(), func() { s.move(report.CashIn) })
	s.outBtn = newIconButton(t.mt(msgDayCashOut), theme.ContentRemoveIcon(), func() { s.move(report.CashOut) })
	s.xBtn = newIconButton(t.mt(msgDayX), theme.DocumentIcon(), s.xReport)
	s.zBtn = newIconButton(t.mt(msgDayZ), theme.LogoutIcon(), s.close)
	s.zBtn.Importance = widget.DangerImportance
	s.rep = newReportView(c)
	return s
}

func dashed(day string) string {
	if len(day) != 8 {
		return day
	}
	return day[:4] + "-" + day[4:6] + "-" + day[6:]
}

func (s *dayScreen) view() fyne.CanvasObject {
	t := s.c.t
	load := newIconButton("", theme.SearchIcon(), s.load)
	s.actions = container.NewVBox(
		container.NewBorder(nil, nil, nil, load, s.dayIn), s.dayErr, s.state,
		widget.NewCard("", t.mt(msgDayOpenCard), container.NewVBox(widget.NewForm(widget.NewFormItem(t.mt(msgDayFloat), s.float)), s.floatErr, s.openBtn)),
		widget.NewCard("", t.mt(msgDayCashCard), container.NewVBox(widget.NewForm(
			widget.NewFormItem(t.mt(msgRefAmount), s.moveAmt), widget.NewFormItem(t.mt(msgRefReason), s.moveWhy)), s.moveErr,
			container.NewGridWithColumns(2, s.inBtn, s.outBtn))),
		widget.NewCard("", t.mt(msgDayCloseCard), container.NewVBox(s.xBtn,
			widget.NewForm(widget.NewFormItem(t.mt(msgDayCounted), s.counted)), s.countedErr, s.zBtn)),
	)
	back := newIconButton(t.cat.T(msgCommonBack), theme.NavigateBackIcon(), func() { t.show(newManagerHome(s.c)) })
	split := container.NewHSplit(container.NewVScroll(s.actions), s.rep.view())
	split.Offset = 0.3
	top := container.NewBorder(nil, nil, heading(t.mt(msgDayTitle)), nil, s.bizDay)
	return container.NewPadded(container.NewBorder(top, container.NewBorder(nil, nil, back, nil, s.message), nil, nil, split))
}

// newFieldError is the error line under a form field: error colour, hidden
// while there is nothing wrong.
func newFieldError() *widget.Label {
	l := widget.NewLabel("")
	l.Importance = widget.DangerImportance
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	return l
}

func (s *dayScreen) start(ctx context.Context) {
	s.ctx = ctx
	s.rep.ctx = ctx
	s.load()
}

// load reads the day's session and shows its X (open) or Z (closed).
func (s *dayScreen) load() {
	c, t := s.c, s.c.t
	day, err := report.ParseDay(strings.TrimSpace(s.dayIn.Text))
	if err != nil {
		setLine(s.actions, s.dayErr, t.mt(msgDayBadDay))
		return
	}
	setLine(s.actions, s.dayErr, "")
	s.day = day
	by := s.who()
	t.async(s.ctx, func(context.Context) func() {
		biz, bizErr := c.m.Days().BusinessDay()
		sess, err := c.m.Days().Session(day)
		var r, live *report.Report
		if err == nil {
			if sess.State == report.StateClosed {
				r = sess.Z
				live, _ = c.m.Days().X(day, by)
			} else {
				r, err = c.m.Days().X(day, by)
			}
		}
		return func() {
			if bizErr == nil {
				s.bizDay.SetText(t.mt(msgDayBusinessDay, dashed(biz)))
			}
			if err != nil {
				s.message.SetText(c.errText(err))
				return
			}
			s.session = sess
			s.showState()
			s.rep.show(r, sess.State == report.StateClosed)
			// Money that landed on the day after its Z (a sale after the
			// close, a payment in doubt resolved later) is in no Z: say so.
			if live != nil {
				ls, lr, ln := live.Totals()
				zs, zr, zn := r.Totals()
				if ln != zn || ls.SaleCount != zs.SaleCount || lr.RefundCount != zr.RefundCount {
					s.message.SetText(t.mt(msgDayLate, ls.SaleCount-zs.SaleCount, lr.RefundCount-zr.RefundCount, formatFen(ln-zn)))
				}
			}
		}
	})
}

func (s *dayScreen) showState() {
	t := s.c.t
	sess := s.session
	switch sess.State {
	case report.StateOpen:
		s.state.SetText(t.mt(msgDayStateOpen, sess.OpenedBy, sess.OpenedAt.In(tz.Shanghai).Format("15:04"), formatFen(sess.OpeningFloatFen)))
	case report.StateClosed:
		s.state.SetText(t.mt(msgDayStateClosed, sess.Z.ZNo, sess.ClosedBy, sess.ClosedAt.In(tz.Shanghai).Format("01-02 15:04")))
	default:
		s.state.SetText(t.mt(msgDayStateNone))
	}
	closed := sess.State == report.StateClosed
	for _, b := range []*keyButton{s.inBtn, s.outBtn, s.zBtn, s.openBtn} {
		if closed {
			b.Disable()
		} else {
			b.Enable()
		}
	}
	if sess.State == report.StateOpen {
		s.openBtn.Disable()
	}
}

func (s *dayScreen) who() string {
	if a := s.c.m.Actor(); a != "" {
		return a
	}
	return s.c.lastManager
}

func (s *dayScreen) open() {
	c, t := s.c, s.c.t
	fen, ok := parseYuan(strings.TrimSpace(s.float.Text))
	if !ok {
		setLine(s.actions, s.floatErr, t.mt(msgRefBadAmount))
		return
	}
	setLine(s.actions, s.floatErr, "")
	day, by := s.day, s.who()
	t.async(s.ctx, func(context.Context) func() {
		_, err := c.m.Days().Open(day, by, fen)
		return func() {
			if err != nil {
				s.message.SetText(c.errText(err))
				return
			}
			s.message.SetText(t.mt(msgDayOpened, formatFen(fen)))
			s.load()
		}
	})
}

func (s *dayScreen) move(kind report.MoveKind) {
	c, t := s.c, s.c.t
	fen, ok := parseYuan(strings.TrimSpace(s.moveAmt.Text))
	if !ok || fen <= 0 {
		setLine(s.actions, s.moveErr, t.mt(msgRefBadAmount))
		return
	}
	why := strings.TrimSpace(s.moveWhy.Text)
	if why == "" {
		setLine(s.actions, s.moveErr, t.mt(msgRefNeedReason))
		return
	}
	setLine(s.actions, s.moveErr, "")
	day := s.day
	record := func(approver string) {
		m := report.Move{Kind: kind, AmountFen: fen, Reason: why, By: s.who(), ApprovedBy: approver}
		if m.By == "" {
			m.By = approver
		}
		t.async(s.ctx, func(context.Context) func() {
			err := c.m.Days().Move(day, m)
			return func() {
				if err != nil {
					s.message.SetText(c.errText(err))
					return
				}
				s.moveAmt.SetText("")
				s.moveWhy.SetText("")
				s.message.SetText(t.mt(msgDayMoved))
				s.load()
			}
		})
	}
	if kind == report.CashOut {
		c.askPIN(staff.ActionCashOut, day, fen, func(ap staff.Approval) { record(ap.Approver) })
		return
	}
	record("")
}

func (s *dayScreen) xReport() {
	c, t := s.c, s.c.t
	day, by := s.day, s.who()
	t.async(s.ctx, func(context.Context) func() {
		r, err := c.m.Days().X(day, by)
		return func() {
			if err != nil {
				s.message.SetText(c.errText(err))
				return
			}
			s.rep.show(r, false)
		}
	})
}

func (s *dayScreen) close() {
	c, t := s.c, s.c.t
	var counted *int64
	if txt := strings.TrimSpace(s.counted.Text); txt != "" {
		fen, ok := parseYuan(txt)
		if !ok {
			setLine(s.actions, s.countedErr, t.mt(msgRefBadAmount))
			return
		}
		counted = &fen
	}
	setLine(s.actions, s.countedErr, "")
	day := s.day
	if !s.zArmed {
		// Closing cannot be undone: say what it means and ask again.
		cash := t.mt(msgRptNotCounted)
		if counted != nil {
			cash = formatFen(*counted)
		}
		s.zArmed = true
		s.zBtn.SetText(t.mt(msgDayZConfirm))
		s.message.Importance = widget.WarningImportance
		s.message.SetText(t.mt(msgDayZAsk, dashed(day), cash))
		return
	}
	s.disarmZ()
	c.askPIN(staff.ActionDayClose, day, 0, func(ap staff.Approval) {
		s.zBtn.Disable()
		s.message.SetText(t.mt(msgDayClosing))
		t.async(s.ctx, func(context.Context) func() {
			z, err := c.m.Days().Close(day, ap.Approver, counted)
			return func() {
				s.zBtn.Enable()
				if err != nil {
					s.message.SetText(c.errText(err))
					return
				}
				s.message.SetText(t.mt(msgDayClosed, z.ZNo))
				s.load()
			}
		})
	})
}

// disarmZ forgets a Z asked for once.
func (s *dayScreen) disarmZ() {
	s.zArmed = false
	s.zBtn.SetText(s.c.t.mt(msgDayZ))
	s.message.Importance = widget.MediumImportance
	s.message.SetText("")
}

func (s *dayScreen) typedKey(ev *fyne.KeyEvent) {
	switch {
	case ev.Name == fyne.KeyEscape && s.zArmed:
		s.disarmZ()
	case ev.Name == fyne.KeyEscape:
		s.c.t.show(newManagerHome(s.c))
	case (ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter) && s.zArmed:
		s.close()
	}
}

// reportView shows one X or Z report: a summary, the chart of sales by
// hour, the printable text, and export/print buttons.
type reportView struct {
	c        *console
	title    *widget.Label
	summary  *widget.Label
	variance *fyne.Container // the counted cash against expected, highlighted
	body     *fyne.Container // what scrolls below the title
	chart    *HourChart
	table    *fyne.Container
	export   *keyButton
	print    *keyButton
	status   *widget.Label
	r        *report.Report
	reprint  bool
	ctx      context.Context
}

func newReportView(c *console) *reportView {
	t := c.t
	v := &reportView{c: c, title: widget.NewLabel(""), summary: widget.NewLabel(""), variance: container.NewStack(),
		chart: NewHourChart([24]int64{}, [24]int64{}),
		table: container.NewVBox(), status: widget.NewLabel(""), ctx: t.ctx}
	v.title.TextStyle = fyne.TextStyle{Bold: true}
	v.summary.Wrapping = fyne.TextWrapWord
	v.status.Wrapping = fyne.TextWrapWord
	v.export = newIconButton(t.mt(msgDayExport), theme.DocumentSaveIcon(), v.exportCSV)
	v.print = newIconButton(t.cat.T(msgReceiptPrint), theme.DocumentPrintIcon(), v.printIt)
	v.export.Disable()
	v.print.Disable()
	return v
}

func (v *reportView) view() fyne.CanvasObject {
	t := v.c.t
	chartCard := widget.NewCard("", t.mt(msgDayChart), v.chart)
	// Only the title and its buttons stay put; the rest scrolls, so a long
	// report never makes the window taller.
	top := container.NewBorder(nil, nil, nil, container.NewHBox(v.export, v.print), v.title)
	v.body = container.NewVBox(v.summary, v.variance, chartCard, v.table)
	return container.NewBorder(top, v.status, nil, nil, container.NewVScroll(v.body))
}

func (v *reportView) show(r *report.Report, reprint bool) {
	t := v.c.t
	v.r, v.reprint = r, reprint
	if r == nil {
		return
	}
	if r.Kind == receipt.ReportZ {
		v.title.SetText(t.mt(msgDayZTitle, r.ZNo, dashed(r.Day)))
	} else {
		v.title.SetText(t.mt(msgDayXTitle, dashed(r.Day), r.TakenAt.In(tz.Shanghai).Format("15:04")))
	}
	sales, refunds, net := r.Totals()
	sum := t.mt(msgDaySummary, sales.SaleCount, formatFen(sales.SaleFen), refunds.RefundCount, formatFen(refunds.RefundFen), formatFen(net),
		formatFen(r.ExpectedCashFen))
	if r.CashCounted {
		sum += " " + t.mt(msgDayDiff, formatFen(r.CountedCashFen), formatSignedFen(r.CashDiffFen()))
		v.variance.Show()
		v.variance.Objects = []fyne.CanvasObject{container.NewHBox(widget.NewLabelWithStyle(t.mt(msgRptDiff), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			varianceLabel(r.CashDiffFen()))}
		v.variance.Refresh()
	} else {
		v.variance.Hide()
	}
	if len(r.Pending) > 0 {
		sum += " " + t.mt(msgDayPending, len(r.Pending))
	}
	if r.ClosedDay {
		sum += " " + t.mt(msgDayLive)
	}
	v.summary.SetText(sum)
	v.chart.Set(r.HourlyFen, r.HourlyCount)
	v.fillTable(r)
	if v.body != nil {
		v.body.Refresh() // the variance line may have come or gone
	}
	v.export.Enable()
	if _, ok := t.opt.printer.(ReportPrinter); ok {
		v.print.Enable()
	}
}

// fillTable lays the report out as a table: per tender sales, refunds and
// net, the totals, the cash drawer, cash movements and pending payments.
func (v *reportView) fillTable(r *report.Report) {
	t := v.c.t
	cell, head, name := reportCell, reportHead, reportName
	grid := container.NewGridWithColumns(5,
		name(t.cat.T(msgReceiptTender), true), head(t.mt(msgRptSales)), head(t.mt(msgRptRefunds)),
		head(t.mt(msgRptNet)), head(t.mt(msgRptCount)))
	for _, ts := range r.Tenders {
		grid.Add(name(t.cat.T(tenderMsg(ts.Tender)), false))
		grid.Add(cell(formatFen(ts.SaleFen), false))
		grid.Add(cell(formatFen(-ts.RefundFen), false))
		grid.Add(cell(formatFen(ts.NetFen()), false))
		grid.Add(cell(t.mt(msgRptCounts, ts.SaleCount, ts.RefundCount), false))
	}
	sales, refunds, net := r.Totals()
	if r.DiscountFen != 0 {
		// Gross and discounts above the total, in the sales column: the
		// total's sales are gross less discounts.
		for _, row := range []struct {
			m   msg
			fen int64
		}{{msgRptGross, r.GrossFen}, {msgRptDiscounts, -r.DiscountFen}} {
			grid.Add(name(t.cat.T(row.m), false))
			grid.Add(cell(formatFen(row.fen), false))
			grid.Add(cell("", false))
			grid.Add(cell("", false))
			grid.Add(cell("", false))
		}
	}
	grid.Add(name(t.mt(msgRptTotal), true))
	grid.Add(cell(formatFen(sales.SaleFen), true))
	grid.Add(cell(formatFen(-refunds.RefundFen), true))
	grid.Add(cell(formatFen(net), true))
	grid.Add(cell(t.mt(msgRptCounts, sales.SaleCount, refunds.RefundCount), true))
	// The items the refunds by line gave back, in the refunds column.
	for _, it := range r.Returned {
		grid.Add(name(t.cat.T(msgRptReturned, it.Name, it.QtyText()), false))
		grid.Add(cell("", false))
		grid.Add(cell(formatFen(-it.AmountFen), false))
		grid.Add(cell("", false))
		grid.Add(cell("", false))
	}

	cash := container.NewGridWithColumns(2)
	kv := func(k, val string, bold bool) { cash.Add(name(k, false)); cash.Add(cell(val, bold)) }
	kv(t.mt(msgRptFloat), formatFen(r.OpeningFloatFen), false)
	kv(t.mt(msgRptCashIn), formatFen(r.CashInFen), false)
	kv(t.mt(msgRptCashOut), formatFen(-r.CashOutFen), false)
	kv(t.mt(msgRptExpected), formatFen(r.ExpectedCashFen), true)
	if r.CashCounted {
		kv(t.mt(msgRptCounted), formatFen(r.CountedCashFen), false)
		cash.Add(name(t.mt(msgRptDiff), true))
		cash.Add(varianceLabel(r.CashDiffFen()))
	} else {
		kv(t.mt(msgRptCounted), t.mt(msgRptNotCounted), false)
	}
	objs := []fyne.CanvasObject{grid, widget.NewSeparator(), cash}
	objs = append(objs, reportMovesAndPending(t, r)...)
	v.table.Objects = objs
	v.table.Refresh()
}

// Names and headings of the report table give way (ellipsis) so five
// columns fit beside the day's actions; amounts are never cut.
func reportCell(s string, bold bool) fyne.CanvasObject {
	return widget.NewLabelWithStyle(s, fyne.TextAlignTrailing, fyne.TextStyle{Bold: bold})
}

func reportHead(s string) fyne.CanvasObject {
	l := widget.NewLabelWithStyle(s, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

func reportName(s string, bold bool) fyne.CanvasObject {
	l := widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: bold})
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

// reportMovesAndPending is the foot of the report table: the day's cash
// movements, then the payments in doubt and abnormal refunds.
func reportMovesAndPending(t *Terminal, r *report.Report) []fyne.CanvasObject {
	cell, name := reportCell, reportName
	var objs []fyne.CanvasObject
	if len(r.Moves) > 0 {
		objs = append(objs, widget.NewSeparator(), name(t.mt(msgRptMoves), true))
		for _, m := range r.Moves {
			amt := m.AmountFen
			if m.Kind == report.CashOut {
				amt = -amt
			}
			who := m.By
			if m.ApprovedBy != "" && m.ApprovedBy != m.By {
				who += " / " + m.ApprovedBy
			}
			objs = append(objs, container.NewBorder(nil, nil, name(m.At.In(tz.Shanghai).Format("15:04")+"  "+m.Reason+"  ("+who+")", false), cell(formatFen(amt), false)))
		}
	}
	if len(r.Pending)+len(r.Abnormal) > 0 {
		objs = append(objs, widget.NewSeparator(), name(t.mt(msgRptPending), true))
		for _, p := range append(append([]report.Pending(nil), r.Pending...), r.Abnormal...) {
			objs = append(objs, container.NewBorder(nil, nil, name(p.No+"  "+p.State+"  "+t.cat.T(tenderMsg(p.Tender)), false), cell(formatFen(p.AmountFen), false)))
		}
	}
	return objs
}

// varianceLabel shows a cash difference with its sign, in the error colour
// when the drawer is short, the warning colour when it is over, and the
// success colour when it balances.
func varianceLabel(diffFen int64) *widget.Label {
	l := widget.NewLabelWithStyle(formatSignedFen(diffFen), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	switch {
	case diffFen < 0:
		l.Importance = widget.DangerImportance
	case diffFen > 0:
		l.Importance = widget.WarningImportance
	default:
		l.Importance = widget.SuccessImportance
	}
	return l
}

func (v *reportView) exportCSV() {
	c, t := v.c, v.c.t
	r := v.r
	if r == nil {
		return
	}
	t.async(v.ctx, func(context.Context) func() {
		path, err := c.m.ExportReport(r)
		return func() {
			if err != nil {
				v.status.SetText(c.errText(err))
				return
			}
			v.status.SetText(t.mt(msgDayExported, path))
		}
	})
}

func (v *reportView) printIt() {
	c, t := v.c, v.c.t
	p, ok := t.opt.printer.(ReportPrinter)
	if !ok || v.r == nil {
		return
	}
	d, reprint := v.r.DayReport, v.reprint
	t.async(v.ctx, func(ctx context.Context) func() {
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		err := p.PrintReport(ctx, d, reprint)
		return func() {
			if err != nil {
				v.status.SetText(c.errText(err))
				return
			}
			v.status.SetText(t.cat.T(msgReceiptPrinted))
		}
	})
}

// zListScreen lists past Z reports for viewing, export and reprint.
type zListScreen struct {
	c    *console
	list *fyne.Container
	rep  *reportView
	msg  *widget.Label
	ctx  context.Context
}

func newZListScreen(c *console) *zListScreen {
	return &zListScreen{c: c, list: container.NewVBox(), rep: newReportView(c), msg: widget.NewLabel(""), ctx: c.t.ctx}
}

func (s *zListScreen) view() fyne.CanvasObject {
	t := s.c.t
	back := newIconButton(t.cat.T(msgCommonBack), theme.NavigateBackIcon(), func() { t.show(newManagerHome(s.c)) })
	split := container.NewHSplit(container.NewVScroll(s.list), s.rep.view())
	split.Offset = 0.3
	return container.NewPadded(container.NewBorder(heading(t.mt(msgMgrZHistory)), container.NewBorder(nil, nil, back, nil, s.msg), nil, nil, split))
}

func (s *zListScreen) start(ctx context.Context) {
	c, t := s.c, s.c.t
	s.ctx, s.rep.ctx = ctx, ctx
	t.async(ctx, func(context.Context) func() {
		zs, err := c.m.Days().Zs(400)
		return func() {
			if err != nil {
				s.msg.SetText(c.errText(err))
				return
			}
			for _, z := range zs {
				no := z.No
				b := newButton(t.mt(msgZRow, z.No, dashed(z.Day), formatFen(z.NetFen)), func() { s.open(no) })
				b.Alignment = widget.ButtonAlignLeading
				s.list.Add(b)
			}
			if len(zs) == 0 {
				s.list.Add(widget.NewLabel(t.mt(msgZNone)))
			}
			s.list.Refresh()
		}
	})
}

func (s *zListScreen) open(no int64) {
	c, t := s.c, s.c.t
	t.async(s.ctx, func(context.Context) func() {
		z, err := c.m.Days().ZByNo(no)
		return func() {
			if err != nil {
				s.msg.SetText(c.errText(err))
				return
			}
			s.rep.show(z, true)
		}
	})
}

func (s *zListScreen) typedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		s.c.t.show(newManagerHome(s.c))
	}
}
