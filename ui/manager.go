package ui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/wxpos/wxpos/staff"
)

// console is the manager side of the terminal: the back end and the PIN
// prompt shared by the manager screens.
type console struct {
	t *Terminal
	m Manager
	// prompt is the PIN prompt on screen, if any (tests answer it).
	prompt *pinPrompt
	// lastManager prefills the approver name.
	lastManager string
}

// ShowManager opens the manager menu (refunds, payments in doubt, day
// open/close, Z reports, settings, audit trail). On a terminal without
// users it first asks for the first manager.
func (t *Terminal) ShowManager(m Manager) {
	c := &console{t: t, m: m}
	t.show(newManagerHome(c))
}

// ShowRefund opens the refund screen directly (history, a scanned receipt).
func (t *Terminal) ShowRefund(m Manager, query string) { t.showRefund(m, query, nil) }

// showRefund opens the refund screen on query; back (nil: the manager
// menu) is where its 返回 and Esc go.
func (t *Terminal) showRefund(m Manager, query string, back func()) {
	c := &console{t: t, m: m}
	s := newRefundScreen(c)
	s.back = back
	s.search.SetText(query)
	t.show(s)
}

// ShowDay opens the day screen (open, cash in/out, X and Z reports).
func (t *Terminal) ShowDay(m Manager) { t.show(newDayScreen(&console{t: t, m: m})) }

// ShowZReports opens the list of past Z reports.
func (t *Terminal) ShowZReports(m Manager) { t.show(newZListScreen(&console{t: t, m: m})) }

// ShowSettingsAs opens the manager settings for approver, whose PIN the
// caller has already checked (the manager menu asks for it).
func (t *Terminal) ShowSettingsAs(m Manager, approver string) {
	t.show(newManagerSettings(&console{t: t, m: m, lastManager: approver}, approver))
}

// mt translates a manager text, falling back to the shared catalogue.
func (t *Terminal) mt(m msg, args ...any) string { return t.tableT(managerMessages, m, args...) }

// tableT translates m from a screen family's own table, falling back to the
// shared catalogue for keys the table does not hold.
func (t *Terminal) tableT(table map[msg]translation, m msg, args ...any) string {
	tr, ok := table[m]
	if !ok {
		return t.cat.T(m, args...)
	}
	s := tr.zh
	if t.cat.lang == LangEN {
		s = tr.en
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// errText explains an error from the manager back end in plain words.
func (c *console) errText(err error) string { return c.t.errorText(err) }

func heading(text string) *canvas.Text {
	h := canvas.NewText(text, theme.Color(theme.ColorNameForeground))
	h.TextSize = theme.TextHeadingSize()
	h.TextStyle = fyne.TextStyle{Bold: true}
	return h
}

// managerHome is the menu of manager screens.
type managerHome struct {
	c       *console
	message *widget.Label
	body    *fyne.Container
	tiles   []managerTile // the menu, once shown
	// pinErr and againErr say what is wrong with the first-run form's PIN
	// fields, under them in the error colour.
	pinErr, againErr *widget.Label
}

func newManagerHome(c *console) *managerHome {
	s := &managerHome{c: c, message: widget.NewLabel(""), body: container.NewStack()}
	s.message.Wrapping = fyne.TextWrapWord
	return s
}

func (s *managerHome) view() fyne.CanvasObject {
	return container.NewPadded(container.NewBorder(heading(s.c.t.mt(msgMgrTitle)), s.message, nil, nil, s.body))
}

func (s *managerHome) start(ctx context.Context) {
	c := s.c
	c.t.async(ctx, func(context.Context) func() {
		need, err := c.m.NeedsSetup()
		return func() {
			switch {
			case err != nil:
				s.message.SetText(c.errText(err))
			case need:
				s.showSetup()
			default:
				s.showMenu()
			}
		}
	})
}

// managerTile is one entry of the manager menu; its key is the digit shown
// on it, so the menu works from the keyboard alone.
type managerTile struct {
	m    msg
	icon fyne.Resource
	tap  func()
}

func (s *managerHome) showMenu() {
	c, t := s.c, s.c.t
	s.tiles = []managerTile{
		{msgMgrRefunds, theme.ContentUndoIcon(), func() { t.show(newRefundScreen(c)) }},
		{msgMgrUnknown, theme.QuestionIcon(), func() { t.show(newForceScreen(c)) }},
		{msgMgrDay, theme.CalendarIcon(), func() { t.show(newDayScreen(c)) }},
		{msgMgrZHistory, theme.HistoryIcon(), func() { t.show(newZListScreen(c)) }},
		{msgMgrSettings, theme.SettingsIcon(), func() {
			c.askPIN(staff.ActionSettings, "", 0, func(ap staff.Approval) { t.show(newManagerSettings(c, ap.Approver)) })
		}},
		{msgMgrAudit, theme.ListIcon(), func() {
			c.askPIN(staff.ActionStaff, "audit", 0, func(staff.Approval) { t.show(newAuditScreen(c)) })
		}},
		{msgMgrDrawer, theme.LogoutIcon(), func() {
			c.askPIN(staff.ActionDrawer, "", 0, func(ap staff.Approval) {
				t.async(t.ctx, func(ctx context.Context) func() {
					err := c.m.OpenDrawer(ctx, ap)
					return func() {
						if err != nil {
							s.message.SetText(c.errText(err))
							return
						}
						s.message.SetText(t.mt(msgMgrDrawerOpened, ap.Approver))
					}
				})
			})
		}},
		{msgMgrRecon, theme.DocumentIcon(), func() {
			if t.opt.recon == nil {
				s.message.SetText(t.mt(msgMgrReconOff))
				return
			}
			t.showReconciliation(t.opt.recon, func() { t.show(newManagerHome(c)) })
		}},
	}
	grid := container.NewGridWithColumns(2)
	for i, tile := range s.tiles {
		grid.Add(newIconButton(t.mt(msgMgrTileKey, i+1, t.mt(tile.m)), tile.icon, tile.tap))
	}
	// The setup form's fields leave the screen: their focus goes with
	// them, or the next keys would still land in a PIN field.
	t.w.Canvas().Unfocus()
	// The menu fills the screen: big targets for a touch screen.
	s.body.Objects = []fyne.CanvasObject{container.NewBorder(nil,
		newIconButton(t.cat.T(msgCommonBack), theme.NavigateBackIcon(), t.showSale), nil, nil, grid)}
	s.body.Refresh()
}

// typedRune opens the tile whose digit was typed.
func (s *managerHome) typedRune(r rune) {
	if i := int(r - '1'); i >= 0 && i < len(s.tiles) {
		s.tiles[i].tap()
	}
}

// showSetup asks for the first manager: name and PIN twice.
func (s *managerHome) showSetup() {
	c, t := s.c, s.c.t
	name := newKeyEntry(t)
	pin, again := newKeyPasswordEntry(t), newKeyPasswordEntry(t)
	s.pinErr, s.againErr = newFieldError(), newFieldError()
	var form *fyne.Container
	fieldErr := func(l *widget.Label, text string) {
		setLine(form, s.pinErr, "")
		setLine(form, s.againErr, "")
		if l != nil {
			setLine(form, l, text)
		}
	}
	var create *keyButton
	create = newIconButton(t.mt(msgMgrSetupCreate), theme.ConfirmIcon(), func() {
		if pin.Text != again.Text {
			fieldErr(s.againErr, t.mt(msgMgrPINsDiffer))
			return
		}
		fieldErr(nil, "")
		create.Disable()
		n, p := name.Text, pin.Text
		t.async(t.ctx, func(ctx context.Context) func() {
			err := c.m.Setup(ctx, n, p)
			return func() {
				create.Enable()
				if errors.Is(err, staff.ErrWeakPIN) {
					fieldErr(s.pinErr, c.errText(err))
					return
				}
				if err != nil {
					s.message.SetText(c.errText(err))
					return
				}
				c.lastManager = n
				s.message.SetText(t.mt(msgMgrSetupDone, n))
				s.showMenu()
			}
		})
	})
	create.Importance = widget.HighImportance
	form = container.NewVBox(widget.NewForm(
		widget.NewFormItem(t.mt(msgMgrName), name),
		widget.NewFormItem(t.mt(msgMgrPIN), container.NewVBox(pin, s.pinErr)),
		widget.NewFormItem(t.mt(msgMgrPINAgain), container.NewVBox(again, s.againErr)),
	), create)
	s.body.Objects = []fyne.CanvasObject{container.NewVBox(widget.NewCard(t.mt(msgMgrSetupTitle), t.mt(msgMgrSetupHint), form))}
	s.body.Refresh()
	// Keyboard only: type the name, Enter to the PIN, Enter to the second
	// PIN, Enter to create.
	name.OnSubmitted = func(string) { t.w.Canvas().Focus(pin) }
	pin.OnSubmitted = func(string) { t.w.Canvas().Focus(again) }
	again.OnSubmitted = func(string) {
		if !create.Disabled() {
			create.OnTapped()
		}
	}
	t.w.Canvas().Focus(name)
}

func (s *managerHome) typedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		s.c.t.showSale()
	}
}

// pinPrompt is the "manager PIN for this one action" dialog. An error is
// said under the field it concerns (nameErr: not a manager, disabled;
// pinErr: wrong PIN, locked); status holds progress and errors that are no
// one field's (the network).
type pinPrompt struct {
	name, pin       *keyEntry
	nameErr, pinErr *widget.Label
	status          *widget.Label
	form            *fyne.Container
	d               dialog.Dialog
	submit          func()
}

// say shows text under field l (nil: the status line) and clears the
// other lines.
func (p *pinPrompt) say(l *widget.Label, text string) {
	for _, x := range []*widget.Label{p.nameErr, p.pinErr, p.status} {
		if x != l {
			setLine(p.form, x, "")
		}
	}
	if l == nil {
		l = p.status
	}
	setLine(p.form, l, text)
}

// errorField is the prompt field an approval error concerns: the name
// for who may not approve, the PIN for a wrong or locked PIN, else none.
func (p *pinPrompt) errorField(err error) *widget.Label {
	var locked *staff.LockedError
	switch {
	case errors.Is(err, staff.ErrForbidden),
		errors.Is(err, staff.ErrDisabled):
		return p.nameErr
	case errors.Is(err, staff.ErrBadPIN), errors.Is(err, staff.ErrNotFound), errors.As(err, &locked):
		return p.pinErr
	}
	return nil
}

// askPIN asks a manager to approve action on ref (amount for refunds) and
// calls ok on the UI goroutine with the approval. The approval is checked
// and written to the audit trail by the back end (staffstore.Directory.Authorize); wrong
// PINs count toward the approver's lockout and keep the dialog open.
func (c *console) askPIN(action staff.Action, ref string, amountFen int64, ok func(staff.Approval)) {
	c.pinDialog(action, ref, amountFen, true, func(ap staff.Approval, _ string) { ok(ap) })
}

// askPINFor asks for a PIN that is handed to the payment core, which
// authorises and audits the action itself (refunds, force actions): the
// prompt only checks it, so a wrong PIN keeps the prompt open.
func (c *console) askPINFor(action staff.Action, ref string, amountFen int64, ok func(staff.Approval, string)) {
	c.pinDialog(action, ref, amountFen, false, ok)
}

func (c *console) pinDialog(action staff.Action, ref string, amountFen int64, record bool, ok func(staff.Approval, string)) {
	t := c.t
	p := &pinPrompt{name: newKeyEntry(t), pin: newKeyPasswordEntry(t),
		nameErr: newFieldError(), pinErr: newFieldError(), status: newFieldError()}
	p.name.SetText(c.lastManager)
	p.name.SetPlaceHolder(t.mt(msgMgrName))
	p.pin.SetPlaceHolder(t.mt(msgMgrPIN))
	what := t.mt(msgMgrPINFor, t.mt(mgrActionMsg(action)))
	if amountFen > 0 {
		what += " " + formatFen(amountFen)
	}
	busy := false
	p.submit = func() {
		if busy {
			return
		}
		busy = true
		name, pin := strings.TrimSpace(p.name.Text), p.pin.Text
		p.status.Importance = widget.MediumImportance
		p.say(nil, t.mt(msgMgrChecking))
		t.async(t.ctx, func(ctx context.Context) func() {
			req := staff.Request{Action: action, Actor: c.m.Actor(), Approver: name, PIN: pin, Ref: ref, AmountFen: amountFen}
			var ap staff.Approval
			var err error
			if record {
				ap, err = c.m.Authorize(ctx, req)
			} else if err = c.m.CheckPIN(ctx, req); err == nil {
				ap = staff.Approval{Action: action, Actor: req.Actor, Approver: name, Ref: ref}
			}
			return func() {
				busy = false
				if err != nil {
					p.pin.SetText("")
					p.status.Importance = widget.DangerImportance
					p.say(p.errorField(err), c.errText(err))
					return
				}
				c.lastManager = ap.Approver
				c.closePrompt(p)
				ok(ap, pin)
			}
		})
	}
	p.pin.OnSubmitted = func(string) { p.submit() }
	p.name.OnSubmitted = func(string) { t.w.Canvas().Focus(p.pin) }
	p.form = container.NewVBox(widget.NewLabel(what), p.name, p.nameErr, p.pin, p.pinErr, p.status)
	approve := newIconButton(t.mt(msgMgrApprove), theme.ConfirmIcon(), p.submit)
	approve.Importance = widget.HighImportance
	cancel := newIconButton(t.cat.T(msgCommonCancel), theme.CancelIcon(), func() { c.closePrompt(p) })
	d := dialog.NewCustomWithoutButtons(t.mt(msgMgrPINTitle), p.form, t.w)
	d.SetButtons([]fyne.CanvasObject{cancel, approve})
	p.d = d
	p.d.Resize(fyne.NewSize(420, 300))
	c.prompt = p
	t.modal = func() { c.closePrompt(p) } // Esc cancels
	p.d.Show()
	if p.name.Text == "" {
		t.w.Canvas().Focus(p.name)
	} else {
		t.w.Canvas().Focus(p.pin)
	}
	t.log().Info("manager PIN asked", "action", string(action), "amount_fen", amountFen)
}

// closePrompt takes PIN prompt p off the screen. Hiding a dialog calls its
// callback as a cancel, which comes back here with p already forgotten.
func (c *console) closePrompt(p *pinPrompt) {
	if c.prompt != p {
		return
	}
	c.prompt = nil
	c.t.modal = nil
	p.d.Hide()
}

// mgrActionMsg names an action in the PIN prompt.
func mgrActionMsg(a staff.Action) msg {
	switch a {
	case staff.ActionRefund:
		return msgMgrActRefund
	case staff.ActionForcePaid:
		return msgMgrActForcePaid
	case staff.ActionForceVoid:
		return msgMgrActForceVoid
	case staff.ActionDayClose:
		return msgMgrActDayClose
	case staff.ActionCashOut:
		return msgMgrActCashOut
	case staff.ActionDrawer:
		return msgMgrActDrawer
	case staff.ActionAbnormalRefund:
		return msgMgrActAbnormal
	case staff.ActionSettings:
		return msgMgrActSettings
	case staff.ActionDiscount:
		return msgMgrActDiscount
	case staff.ActionDeleteLine:
		return msgMgrActDeleteLine
	case staff.ActionQuit:
		return msgMgrActQuit
	}
	return msgMgrActOther
}

// levelColor is the colour of a finding or state label.
func levelColor(level string) color.Color {
	switch level {
	case "FAIL":
		return colorDanger
	case "WARN":
		return colorWarning
	case "OK":
		return colorWeChatGreen
	}
	return theme.Color(theme.ColorNameForeground)
}
