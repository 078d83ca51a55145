package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
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

	kind     *keySelect
	period   *keySelect
	who      *keyEntry
	text     *keyEntry
	from, to *keyEntry
	list     *keyList
	body     *fyne.Container // the list, or one event's details
	detail   bool
	count    *widget.Label
	message  *widget.Label

	events []AuditEvent
	loads  int // the newest load's number: only its answer is shown
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
	s.kind = newSelect(names, nil)
	s.kind.PlaceHolder = t.mt(msgAudAll)
	s.kind.SetSelectedIndex(0)
	s.kind.OnChanged = func(string) { s.load() }
	s.who.SetPlaceHolder(t.mt(msgAudWho))
	s.text.SetPlaceHolder(t.mt(msgAudText))
	s.from.SetPlaceHolder(t.cat.T(msgAudFrom))
	s.to.SetPlaceHolder(t.cat.T(msgAudTo))
	for _, e := range []*keyEntry{s.who, s.text, s.from, s.to} {
		e.OnSubmitted = func(string) { s.load() }
	}
	// Today in the store's zone unless the manager picks another period.
	var periods []string
	for _, p := range auditPeriods {
		periods = append(periods, t.cat.T(p.m))
	}
	s.period = newSelect(periods, func(string) { s.setPeriod(s.period.SelectedIndex()) })
	s.period.PlaceHolder = t.cat.T(msgAudPeriod)
	today := t.now().In(tz.Shanghai)
	s.from.SetText(today.Format("2006-01-02"))
	s.to.SetText(today.Format("2006-01-02"))
	s.message.Wrapping = fyne.TextWrapWord
	s.list = newKeyList(t, func() int { return len(s.events) }, newAuditRow,
		func(i widget.ListItemID, o fyne.CanvasObject) {
			cols := o.(*fyne.Container).Objects
			for j, text := range t.auditRow(s.event(i)) {
				cols[j].(*widget.Label).SetText(text)
			}
		})
	s.list.OnSelected = func(i widget.ListItemID) { s.showDetail(s.event(i)) }
	s.body = container.NewStack(s.list)
	return s
}

// newAuditRow is one row of the list: its columns cut a long text short
// with … (a 32-character name is wider than the who column); the row's
// details show it whole.
func newAuditRow() fyne.CanvasObject {
	cols := make([]fyne.CanvasObject, len(auditColumns)+1)
	for i := range cols {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		cols[i] = l
	}
	return container.New(auditColumns, cols...)
}

// event is the i-th row, newest first.
func (s *auditScreen) event(i int) AuditEvent { return s.events[len(s.events)-1-i] }

// auditPeriods are the date ranges the period picker fills in, in the
// store's zone; the fields stay editable for any other range.
var auditPeriods = []struct {
	m        msg
	from, to func(today time.Time) time.Time
}{
	{msgAudToday, func(d time.Time) time.Time { return d }, func(d time.Time) time.Time { return d }},
	{msgAudYesterday, func(d time.Time) time.Time { return d.AddDate(0, 0, -1) }, func(d time.Time) time.Time { return d.AddDate(0, 0, -1) }},
	{msgAudLast7, func(d time.Time) time.Time { return d.AddDate(0, 0, -6) }, func(d time.Time) time.Time { return d }},
	{msgAudThisMonth, func(d time.Time) time.Time { return d.AddDate(0, 0, 1-d.Day()) }, func(d time.Time) time.Time { return d }},
}

func (s *auditScreen) setPeriod(i int) {
	if i < 0 || i >= len(auditPeriods) {
		return
	}
	today := s.c.t.now().In(tz.Shanghai)
	s.from.SetText(auditPeriods[i].from(today).Format("2006-01-02"))
	s.to.SetText(auditPeriods[i].to(today).Format("2006-01-02"))
	s.load()
}

// auditRow is one event in the list: when, what, who and about what; the
// rest is in its details.
func (t *Terminal) auditRow(e AuditEvent) [4]string {
	return [4]string{e.Time.In(tz.Shanghai).Format("2006-01-02 15:04:05"), t.auditKindName(e.Kind), e.Actor, e.Ref}
}

// auditKindName names an event kind from the catalogue.
func (t *Terminal) auditKindName(kind string) string {
	if m := msg("aud.kind." + kind); hasText(m) {
		return t.cat.T(m)
	}
	return t.cat.T(msgAudKindOther)
}

// auditState names a state an event moved from or to: a payment's or a
// refund's state, or the action a reconciliation difference was resolved by.
func (t *Terminal) auditState(kind, st string) string {
	m := msg("aud.st." + st)
	switch {
	case strings.HasPrefix(kind, "refund."):
		m = msg("aud.rst." + st)
	case strings.HasPrefix(kind, "recon."):
		m = msg("recon.action." + st)
	}
	if hasText(m) {
		return t.cat.T(m)
	}
	return st
}

func hasText(m msg) bool { _, ok := lookup(m); return ok }

// auditField is one labelled line of an event's details.
type auditField struct{ label, value string }

// auditFields are an event's details in plain words: the columns of the
// row, the states it moved between, the reason, and each field of its data
// with a catalogue label and money as money.
func (t *Terminal) auditFields(e AuditEvent) []auditField {
	row := t.auditRow(e)
	out := []auditField{
		{t.cat.T(msgAudFieldTime), row[0]},
		{t.cat.T(msgAudFieldKind), row[1]},
	}
	add := func(m msg, v string) {
		if v != "" {
			out = append(out, auditField{t.cat.T(m), v})
		}
	}
	add(msgAudFieldActor, e.Actor)
	add(msgAudFieldRef, e.Ref)
	if e.From != "" || e.To != "" {
		from, to := t.auditState(e.Kind, e.From), t.auditState(e.Kind, e.To)
		if e.From == "" {
			add(msgAudFieldMove, to)
		} else {
			add(msgAudFieldMove, t.cat.T(msgAudMove, from, to))
		}
	}
	if why, ok := t.systemReason(e); ok {
		add(msgAudFieldWhy, why)
		add(msgAudFieldTechnical, e.Reason)
	} else {
		add(msgAudFieldWhy, e.Reason)
	}
	var data map[string]any
	if json.Unmarshal(e.Data, &data) != nil {
		return out
	}
	flat := map[string]any{}
	flatten("", data, flat)
	keys := make([]string, 0, len(flat))
	for k := range flat {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if v := t.auditValue(e.Kind, k, flat[k]); v != "" {
			label := k
			if m := msg("aud.field." + k); hasText(m) {
				label = t.cat.T(m)
			}
			out = append(out, auditField{label, v})
		}
	}
	return out
}

// flatten puts nested JSON objects' fields under "parent.child".
func flatten(prefix string, m map[string]any, out map[string]any) {
	for k, v := range m {
		if prefix != "" {
			k = prefix + "." + k
		}
		if sub, ok := v.(map[string]any); ok {
			flatten(k, sub, out)
			continue
		}
		out[k] = v
	}
}

// auditValue shows one data field: amounts in yuan, WeChat's codes and the
// actions approved in words, flags as yes/no.
func (t *Terminal) auditValue(kind, key string, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		if x {
			return t.cat.T(msgAudYes)
		}
		return t.cat.T(msgAudNo)
	case float64:
		if strings.HasSuffix(key, "_fen") {
			return formatFen(int64(x))
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case string:
		switch key {
		case "error_code":
			if m := reasonMsg(Reason(x)); m != msgReasonOther {
				return t.cat.T(m)
			}
		case "action":
			return t.mt(mgrActionMsg(staff.Action(x)))
		case "remote_state":
			return t.auditState("order.", x)
		}
		return x
	case []any:
		parts := make([]string, len(x))
		for i, p := range x {
			parts[i] = fmt.Sprint(p)
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}

// showDetail replaces the list with one event's details; Esc returns.
func (s *auditScreen) showDetail(e AuditEvent) {
	t := s.c.t
	form := widget.NewForm()
	for _, f := range t.auditFields(e) {
		v := widget.NewLabel(f.value)
		v.Wrapping = fyne.TextWrapWord
		form.Append(f.label, v)
	}
	s.body.Objects = []fyne.CanvasObject{container.NewBorder(widget.NewLabelWithStyle(t.cat.T(msgAudDetail, e.Seq),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, nil, nil, container.NewVScroll(form))}
	s.detail = true
	s.body.Refresh()
}

func (s *auditScreen) hideDetail() {
	s.detail = false
	s.list.UnselectAll()
	s.body.Objects = []fyne.CanvasObject{s.list}
	s.body.Refresh()
}

func (s *auditScreen) view() fyne.CanvasObject {
	t := s.c.t
	apply := newIconButton(t.mt(msgAudApply), theme.SearchIcon(), s.load)
	export := newIconButton(t.mt(msgDayExport), theme.DocumentSaveIcon(), s.export)
	filters := container.NewBorder(nil, nil, nil, container.NewHBox(apply, export),
		container.NewGridWithColumns(3, s.kind, s.who, s.text, s.period, s.from, s.to))
	// Back is Esc: from a row's details to the list, from the list to the menu.
	back := newIconButton(t.cat.T(msgCommonBack), theme.NavigateBackIcon(), func() { s.typedKey(&fyne.KeyEvent{Name: fyne.KeyEscape}) })
	return container.NewPadded(container.NewBorder(container.NewVBox(heading(t.mt(msgMgrAudit)), filters, s.count),
		container.NewBorder(nil, nil, back, nil, s.message), nil, nil, s.body))
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
	s.loads++
	n := s.loads
	t.async(s.ctx, func(context.Context) func() {
		events, err := c.m.Trail(f)
		return func() {
			if n != s.loads {
				return // a newer filter is on its way
			}
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
	switch {
	case ev.Name == fyne.KeyEscape && s.detail:
		s.hideDetail()
	case ev.Name == fyne.KeyEscape:
		s.c.t.show(newManagerHome(s.c))
	}
}

// auditColumns lays a row out in fixed columns (time, event, who) and the
// reference in the rest, so rows line up and none is cut short.
var auditColumns = columnsLayout{170, 300, 120}

type columnsLayout []float32

func (l columnsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	x := float32(0)
	for i, o := range objs {
		w := size.Width - x
		if i < len(l) {
			w = min(l[i], w)
		}
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(max(w, 0), size.Height))
		x += w
	}
}

func (l columnsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	w, h := float32(0), float32(0)
	for i, o := range objs {
		ms := o.MinSize()
		if i < len(l) {
			w += l[i]
		} else {
			w += ms.Width
		}
		h = max(h, ms.Height)
	}
	return fyne.NewSize(w, h)
}

// keyList is a List whose keys go through the terminal's classifier: Esc
// leaves it for the screen, a scan is a scan; arrows and Space move and
// pick as in any list.
type keyList struct {
	widget.List
	t *Terminal
}

func newKeyList(t *Terminal, length func() int, create func() fyne.CanvasObject, update func(widget.ListItemID, fyne.CanvasObject)) *keyList {
	l := &keyList{t: t}
	l.Length, l.CreateItem, l.UpdateItem = length, create, update
	l.ExtendBaseWidget(l)
	return l
}

// TypedKey implements fyne.Focusable: Esc and Enter go through the
// terminal, the rest to the list.
func (l *keyList) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyEscape:
		l.t.typedKey(ev)
	default:
		l.List.TypedKey(ev)
	}
}

// TypedRune implements fyne.Focusable through the classifier.
func (l *keyList) TypedRune(r rune) { l.t.typedRune(r) }

// FocusGained implements fyne.Focusable: the list is scrolled into sight.
func (l *keyList) FocusGained() { l.List.FocusGained(); reveal(l) }
