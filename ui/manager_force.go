package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/staff"
	"github.com/wxpos/wxpos/tz"
)

// forceScreen lists the payments in doubt (UNKNOWN) and lets a manager,
// after looking (the customer's phone, the merchant app), force one paid or
// void with a reason. Both need the manager's PIN and are audited.
type forceScreen struct {
	c       *console
	list    *fyne.Container
	reason  *keySelectEntry
	message *widget.Label
	ctx     context.Context
}

func newForceScreen(c *console) *forceScreen {
	t := c.t
	s := &forceScreen{c: c, list: container.NewVBox(), message: widget.NewLabel(""), ctx: t.ctx}
	s.reason = newKeySelectEntry(t, []string{t.mt(msgForceReasonSeen), t.mt(msgForceReasonNotPaid), t.mt(msgForceReasonCash)})
	s.reason.SetPlaceHolder(t.mt(msgRefReason))
	s.message.Wrapping = fyne.TextWrapWord
	return s
}

func (s *forceScreen) view() fyne.CanvasObject {
	t := s.c.t
	back := newIconButton(t.cat.T(msgCommonBack), theme.NavigateBackIcon(), func() { t.show(newManagerHome(s.c)) })
	explain := widget.NewLabel(t.mt(msgForceExplain))
	explain.Wrapping = fyne.TextWrapWord
	top := container.NewVBox(heading(t.mt(msgForceTitle)), explain,
		widget.NewForm(widget.NewFormItem(t.mt(msgRefReason), s.reason)))
	return container.NewPadded(container.NewBorder(top, container.NewBorder(nil, nil, back, nil, s.message), nil, nil,
		container.NewVScroll(s.list)))
}

func (s *forceScreen) start(ctx context.Context) {
	s.ctx = ctx
	s.load()
}

func (s *forceScreen) load() {
	c, t := s.c, s.c.t
	t.async(s.ctx, func(ctx context.Context) func() {
		orders, err := c.m.Unknown(ctx)
		return func() {
			if err != nil {
				s.message.SetText(c.errText(err))
				return
			}
			s.list.Objects = nil
			for _, o := range orders {
				s.list.Add(s.row(o))
			}
			if len(orders) == 0 {
				s.list.Add(widget.NewLabel(t.mt(msgForceNone)))
			}
			s.list.Refresh()
		}
	})
}

func (s *forceScreen) row(o *pos.Order) fyne.CanvasObject {
	t := s.c.t
	desc := o.OutTradeNo + "  " + formatFen(o.AmountFen) + "  " + t.cat.T(tenderMsg(o.Tender)) + "  " +
		o.CreatedAt.In(tz.Shanghai).Format("01-02 15:04")
	if o.CodeLast4 != "" {
		desc += "  …" + o.CodeLast4
	}
	paid := newButton(t.cat.T(msgUnknownForcePaid), func() { s.force(o, staff.ActionForcePaid) })
	void := newButton(t.cat.T(msgUnknownForceVoid), func() { s.force(o, staff.ActionForceVoid) })
	void.Importance = widget.DangerImportance
	label := widget.NewLabel(desc)
	if o.State == pos.StateConflict {
		// Never paid: void is the acknowledgement, paid is refused by the core.
		paid.Disable()
		label.SetText(desc + "\n" + t.cat.T(msgForceConflict))
		label.Importance = widget.DangerImportance
		label.Wrapping = fyne.TextWrapWord
	}
	return container.NewBorder(nil, nil, nil, container.NewHBox(paid, void), label)
}

func (s *forceScreen) force(o *pos.Order, act staff.Action) {
	c, t := s.c, s.c.t
	reason := strings.TrimSpace(s.reason.Text)
	if reason == "" {
		s.message.SetText(t.mt(msgRefNeedReason))
		return
	}
	no := o.OutTradeNo
	c.askPINFor(act, no, o.AmountFen, func(ap staff.Approval, pin string) {
		s.message.SetText(t.mt(msgMgrChecking))
		t.async(s.ctx, func(ctx context.Context) func() {
			ctx, cancel := context.WithTimeout(ctx, callTimeout)
			defer cancel()
			a := pos.Approval{User: ap.Approver, Credential: pin}
			var n *pos.Order
			var err error
			if act == staff.ActionForcePaid {
				n, err = c.m.ForcePaid(ctx, no, a, reason)
			} else {
				n, err = c.m.ForceVoid(ctx, no, a, reason)
			}
			return func() {
				if err != nil {
					s.message.SetText(c.errText(err))
				} else {
					s.message.SetText(t.mt(msgForceDone, no, string(n.State)))
				}
				s.load()
			}
		})
	})
}

func (s *forceScreen) typedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		s.c.t.show(newManagerHome(s.c))
	}
}
