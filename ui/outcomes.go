package ui

import (
	"context"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
)

// Announcer lists the outcomes the cashier has not acknowledged and records
// an acknowledgement. The list is the core's and survives restarts;
// counter.Checkout implements it. A Checkout without it shows no notices.
type Announcer interface {
	Unacknowledged(ctx context.Context) ([]Outcome, error)
	Acknowledge(ctx context.Context, outTradeNo string) error
}

// maxNotices is how many unseen outcomes the banner lists; the rest are
// counted and follow as the first are acknowledged.
const maxNotices = 3

// outcomeBanner is the strip under the status bar, above every screen, that
// lists unseen outcomes ("while you were away: ¥12.34 paid, receipt …")
// until the cashier acknowledges each one (its button or F7, oldest first).
type outcomeBanner struct {
	t     *Terminal
	box   *fyne.Container
	shown []Outcome
	drawn bool
	acked map[string]bool // acknowledged here, perhaps not yet in the core
	note  string          // a one-off notice (a scan nobody could use), until the screen changes
}

func newOutcomeBanner(t *Terminal) *outcomeBanner {
	return &outcomeBanner{t: t, box: container.NewVBox(), acked: map[string]bool{}}
}

func (t *Terminal) announcer() Announcer {
	a, _ := t.opt.checkout.(Announcer)
	return a
}

// refreshOutcomes reads the unseen outcomes off the UI goroutine and
// redraws the banner.
func (t *Terminal) refreshOutcomes() {
	a := t.announcer()
	if a == nil {
		return
	}
	t.async(t.ctx, func(ctx context.Context) func() {
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		list, err := a.Unacknowledged(ctx)
		if err != nil {
			return nil // the next status tick tries again
		}
		return func() { t.outcomes.set(list) }
	})
}

// acknowledge records that the cashier has seen outcome no: at once on the
// banner, durably in the core off the UI goroutine.
func (t *Terminal) acknowledge(no string) {
	a := t.announcer()
	if a == nil || no == "" {
		return
	}
	b := t.outcomes
	onBanner := slices.ContainsFunc(b.shown, func(o Outcome) bool { return o.OutTradeNo == no })
	b.acked[no] = true
	b.set(b.shown)
	go func() {
		ctx, cancel := context.WithTimeout(t.ctx, callTimeout)
		defer cancel()
		if err := a.Acknowledge(ctx, no); err != nil {
			t.do(func() {
				delete(b.acked, no) // not recorded: keep showing it
				t.refreshOutcomes()
			})
			return
		}
		if onBanner {
			t.log().Info("outcome acknowledged", "out_trade_no", no)
		}
	}()
}

// set shows list minus what was acknowledged here; it redraws only when
// the set of outcomes changed.
func (b *outcomeBanner) set(list []Outcome) {
	list = slices.DeleteFunc(slices.Clone(list), func(o Outcome) bool { return b.acked[o.OutTradeNo] })
	if b.drawn && slices.Equal(list, b.shown) {
		return
	}
	// The log says which outcome the cashier was shown and when: what a
	// manager asks after "the customer says they paid", and what the test
	// of the real window reads.
	for i, o := range list {
		if i < maxNotices && !slices.ContainsFunc(b.shown, func(s Outcome) bool { return s.OutTradeNo == o.OutTradeNo }) {
			b.t.log().Info("outcome shown", "out_trade_no", o.OutTradeNo, "state", string(o.State), "amount_fen", o.AmountFen)
		}
	}
	b.shown, b.drawn = list, true
	b.redraw()
}

// notify shows text above the screen until the screen changes.
func (b *outcomeBanner) notify(text string) {
	if text == b.note {
		return
	}
	b.note = text
	if b.drawn || text != "" {
		b.redraw()
	}
}

func (b *outcomeBanner) redraw() {
	list := b.shown
	c := b.t.cat
	objs := make([]fyne.CanvasObject, 0, maxNotices+3)
	if b.note != "" {
		note := widget.NewLabelWithStyle(b.note, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		note.Importance = widget.DangerImportance
		note.Wrapping = fyne.TextWrapWord
		objs = append(objs, note)
	}
	for i, o := range list {
		if i == maxNotices {
			objs = append(objs, widget.NewLabel(c.T(msgOutcomeMore, len(list)-maxNotices)))
			break
		}
		text := widget.NewLabelWithStyle(b.text(o), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		text.Importance = widget.WarningImportance
		text.Truncation = fyne.TextTruncateEllipsis
		no := o.OutTradeNo
		ok := newButton(c.T(msgOutcomeAck), func() { b.t.acknowledge(no) })
		objs = append(objs, container.NewBorder(nil, nil, nil, ok, text))
	}
	if len(objs) > 0 {
		objs = append(objs, widget.NewSeparator())
	}
	b.box.Objects = objs
	b.box.Refresh()
	b.place(len(objs) > 0)
}

// place puts the banner under the status bar, or takes it out of the
// window's tree when there is nothing to show.
func (b *outcomeBanner) place(show bool) {
	t := b.t
	var top fyne.CanvasObject = t.bar
	if show {
		top = container.NewVBox(t.bar, b.box)
	}
	t.root.Objects = []fyne.CanvasObject{t.body, top}
	t.root.Layout = layout.NewBorderLayout(top, nil, nil, nil)
	t.root.Refresh()
}

func (b *outcomeBanner) text(o Outcome) string {
	c := b.t.cat
	if o.State == StatePaid {
		return c.T(msgOutcomePaid, formatFen(o.AmountFen), o.ReceiptNo, o.OutTradeNo)
	}
	return c.T(msgOutcomeNotPaid, formatFen(o.AmountFen), c.T(stateMsg(o.State)), o.OutTradeNo)
}

// ackOldest acknowledges the first outcome shown (F7).
func (b *outcomeBanner) ackOldest() bool {
	if len(b.shown) == 0 {
		return false
	}
	b.t.acknowledge(b.shown[0].OutTradeNo)
	return true
}
