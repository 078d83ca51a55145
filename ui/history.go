package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/wxpos/wxpos/tz"
)

// historyScreen lists today's sales with their state, filters them by order
// number or the last four digits of the WeChat transaction id, and reprints.
type historyScreen struct {
	t *Terminal

	search  *keyEntry
	list    *fyne.Container
	message *widget.Label
	backBtn *widget.Button

	records []Record
	shown   []Record
}

func newHistoryScreen(t *Terminal) *historyScreen {
	c := t.cat
	s := &historyScreen{
		t:       t,
		search:  newKeyEntry(t),
		list:    container.NewVBox(),
		message: widget.NewLabel(""),
	}
	s.search.SetPlaceHolder(c.T(msgHistorySearch))
	s.search.OnChanged = func(string) { s.filter() }
	s.backBtn = widget.NewButtonWithIcon(c.T(msgCommonBack), theme.NavigateBackIcon(), t.showSale)
	return s
}

func (s *historyScreen) view() fyne.CanvasObject {
	title := widget.NewLabelWithStyle(s.t.cat.T(msgHistoryTitle), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	top := container.NewBorder(nil, nil, title, nil, s.search)
	return container.NewPadded(container.NewBorder(top, container.NewHBox(s.backBtn, s.message), nil, nil,
		container.NewVScroll(s.list)))
}

// start loads today's sales off the UI goroutine.
func (s *historyScreen) start(ctx context.Context) {
	t := s.t
	t.w.Canvas().Focus(s.search) // keyboard first: type to search at once
	if t.opt.checkout == nil {
		s.message.SetText(t.cat.T(msgCommonNoCore))
		return
	}
	t.async(ctx, func(ctx context.Context) func() {
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		recs, err := t.opt.checkout.Today(ctx)
		return func() {
			if err != nil {
				s.message.SetText(t.errorTextOr(msgHistoryLoadErr, err))
				return
			}
			s.records = recs
			s.filter()
		}
	})
}

// matches reports whether r fits the search: part of the order number, or
// the last digits of the transaction id.
func matches(r Record, q string) bool {
	q = strings.TrimSpace(q)
	if q == "" {
		return true
	}
	return strings.Contains(strings.ToLower(r.OutTradeNo), strings.ToLower(q)) ||
		(r.TransactionID != "" && strings.HasSuffix(r.TransactionID, q))
}

func (s *historyScreen) filter() {
	c := s.t.cat
	s.shown = s.shown[:0]
	rows := make([]fyne.CanvasObject, 0, len(s.records))
	for _, r := range s.records {
		if !matches(r, s.search.Text) {
			continue
		}
		s.shown = append(s.shown, r)
		state := widget.NewLabel(c.T(stateMsg(r.State)))
		switch r.State {
		case StatePaid:
			state.Importance = widget.SuccessImportance
		case StateUnknown:
			state.Importance = widget.WarningImportance
		case StateFailed, StateConflict:
			state.Importance = widget.DangerImportance
		}
		txn := ""
		if n := len(r.TransactionID); n >= 4 {
			txn = "…" + r.TransactionID[n-4:]
		}
		row := container.NewHBox(
			widget.NewLabel(r.Time.In(tz.Shanghai).Format("15:04:05")),
			widget.NewLabelWithStyle(formatFen(r.AmountFen), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}),
			widget.NewLabel(c.T(tenderMsg(r.Tender))),
			state,
			widget.NewLabel(r.OutTradeNo),
			widget.NewLabel(txn),
			layout.NewSpacer(),
		)
		if r.Receipt != nil {
			rec := *r.Receipt
			row.Add(widget.NewButtonWithIcon(c.T(msgHistoryReprint), theme.DocumentPrintIcon(), func() {
				rs := newReceiptScreen(s.t, true)
				rs.reset(rec)
				s.t.show(rs)
			}))
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		rows = append(rows, widget.NewLabel(c.T(msgHistoryEmpty)))
	}
	s.list.Objects = rows
	s.list.Refresh()
}

func (s *historyScreen) typedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		s.t.showSale()
	}
}
