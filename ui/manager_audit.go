package ui

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/wxpos/wxpos/report"
	"github.com/wxpos/wxpos/staff"
	"github.com/wxpos/wxpos/tz"
)

// auditLimit is how many of the newest matching events the viewer lists.
const auditLimit = 500

// auditScreen shows who did what when — logins, overrides, refunds, force
// actions, day open/close, settings changes — filtered by kind, person,
// text and days, and exports the filtered trail as CSV.
type auditScreen struct {
	c *console

	kind     *widget.Select
	who      *keyEntry
	text     *keyEntry
	from, to *keyEntry
	list     *widget.List
	count    *widget.Label
	message  *widget.Label

	events []AuditEvent
	ctx    context.Context
}

// auditKinds maps the kind filter's choices to event kind prefixes.
var auditKinds = []struct {
	m     msg
	kinds []string
}{
	{msgAudAll, nil},
	{msgAudLogins, []string{"user."}},
	{msgAudOverrides, []string{staff.KindOverride, staff.KindDenied}},
	{msgAudRefunds, []string{"refund."}},
	{msgAudForce, []string{"order.force"}},
	{msgAudDay, []string{"day."}},
	{msgAudSettings, []string{staff.KindSettings}},
	{msgAudPayments, []string{"order."}},
}

func newAuditScreen(c *console) *auditScreen {
	t := c.t
	s := &auditScreen{c: c, who: newKeyEntry(t), text: newKeyEntry(t), from: newKeyEntry(t), to: newKeyEntry(t),
		count: widget.NewLabel(""), message: widget.NewLabel(""), ctx: t.ctx}
	var names []string
	for _, k := range auditKinds {
		names = append(names, t.mt(k.m))
	}
	s.kind = widget.NewSelect(names, func(string) { s.load() })
	s.kind.SetSelectedIndex(0)
	s.who.SetPlaceHolder(t.mt(msgAudWho))
	s.text.SetPlaceHolder(t.mt(msgAudText))
	s.from.SetPlaceHolder("2026-11-01")
	s.to.SetPlaceHolder("2026-11-30")
	for _, e := range []*keyEntry{s.who, s.text, s.from, s.to} {
		e.OnSubmitted = func(string) { s.load() }
	}
	s.message.Wrapping = fyne.TextWrapWord
	s.list = widget.NewList(func() int { return len(s.events) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(auditLine(s.events[len(s.events)-1-i]))
		})
	return s
}

// auditLine is one event in the list, newest first.
func auditLine(e AuditEvent) string {
	parts := []string{e.Time.In(tz.Shanghai).Format("01-02 15:04:05"), e.Kind, e.Actor}
	if e.Ref != "" {
		parts = append(parts, e.Ref)
	}
	if e.From != "" || e.To != "" {
		parts = append(parts, e.From+"→"+e.To)
	}
	if e.Reason != "" {
		parts = append(parts, "«"+e.Reason+"»")
	}
	if len(e.Data) > 2 && len(e.Data) < 160 {
		parts = append(parts, string(e.Data))
	}
	return strings.Join(parts, "  ")
}

func (s *auditScreen) view() fyne.CanvasObject {
	t := s.c.t
	apply := widget.NewButtonWithIcon(t.mt(msgAudApply), theme.SearchIcon(), s.load)
	export := widget.NewButtonWithIcon(t.mt(msgDayExport), theme.DocumentSaveIcon(), s.export)
	filters := container.NewBorder(nil, nil, nil, container.NewHBox(apply, export),
		container.NewGridWithColumns(5, s.kind, s.who, s.text, s.from, s.to))
	back := widget.NewButtonWithIcon(t.cat.T(msgCommonBack), theme.NavigateBackIcon(), func() { t.show(newManagerHome(s.c)) })
	return container.NewPadded(container.NewBorder(container.NewVBox(heading(t.mt(msgMgrAudit)), filters, s.count),
		container.NewBorder(nil, nil, back, nil, s.message), nil, nil, s.list))
}

func (s *auditScreen) start(ctx context.Context) {
	s.ctx = ctx
	s.load()
}

func (s *auditScreen) filter() (staff.Filter, bool) {
	f := staff.Filter{Who: strings.TrimSpace(s.who.Text), Text: strings.TrimSpace(s.text.Text), Limit: auditLimit}
	if i := s.kind.SelectedIndex(); i > 0 {
		f.Kinds = auditKinds[i].kinds
	}
	for _, d := range []struct {
		e   *keyEntry
		t   *time.Time
		add int
	}{{s.from, &f.From, 0}, {s.to, &f.To, 1}} {
		v := strings.TrimSpace(d.e.Text)
		if v == "" {
			continue
		}
		day, err := report.ParseDay(v)
		if err != nil {
			return f, false
		}
		start, _ := time.ParseInLocation("20060102", day, tz.Shanghai)
		*d.t = start.AddDate(0, 0, d.add)
	}
	return f, true
}

func (s *auditScreen) load() {
	c, t := s.c, s.c.t
	f, ok := s.filter()
	if !ok {
		s.message.SetText(t.mt(msgDayBadDay))
		return
	}
	t.async(s.ctx, func(context.Context) func() {
		events, err := c.m.Trail(f)
		return func() {
			if err != nil {
				s.message.SetText(c.errText(err))
				return
			}
			s.message.SetText("")
			s.events = events
			s.count.SetText(t.mt(msgAudCount, len(events)))
			s.list.Refresh()
		}
	})
}

// export writes the whole filtered trail (no row limit) as CSV.
func (s *auditScreen) export() {
	c, t := s.c, s.c.t
	f, ok := s.filter()
	if !ok {
		s.message.SetText(t.mt(msgDayBadDay))
		return
	}
	f.Limit = 0
	t.async(s.ctx, func(context.Context) func() {
		events, err := c.m.Trail(f)
		path := ""
		if err == nil {
			path, err = c.m.ExportTrail(events)
		}
		return func() {
			if err != nil {
				s.message.SetText(c.errText(err))
				return
			}
			s.message.SetText(t.mt(msgDayExported, path))
		}
	})
}

func (s *auditScreen) typedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		s.c.t.show(newManagerHome(s.c))
	}
}
