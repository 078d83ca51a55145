package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pricing"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/staff"
)

// discountKind is what the discount form does.
type discountKind int

const (
	discountPercent discountKind = iota // take a percentage off
	discountAmount                      // take an amount off
	discountPrice                       // charge another unit price (the selected line only)
)

// discountForm is the dialog that discounts the selected line or the whole
// sale, or changes the line's price — always with a reason. Within the
// cashier's limits it applies at once; above them a manager types their
// PIN, and the discount names them.
type discountForm struct {
	s        *saleScreen
	whole    bool // the whole sale, not the selected line
	kind     discountKind
	target   *keyRadio
	mode     *keyRadio
	value    *keyEntry
	reason   *keyEntry
	err      *widget.Label
	d        *dialog.CustomDialog
	line     int
	modeOpts []string
}

// openDiscount opens the discount form on the selected line (or the whole
// sale when no line is selected).
func (s *saleScreen) openDiscount() {
	t := s.t
	d := &t.draft
	if len(d.lines) == 0 {
		s.warn(msgSaleNoLine)
		return
	}
	c := t.cat
	f := &discountForm{s: s, line: d.sel, whole: d.sel < 0 || d.sel >= len(d.lines),
		value: newKeyEntry(t), reason: newKeyEntry(t), err: widget.NewLabel("")}
	f.err.Wrapping = fyne.TextWrapWord
	f.value.SetPlaceHolder(c.T(msgDiscValue))
	f.reason.SetPlaceHolder(c.T(msgDiscReason))
	targets := []string{c.T(msgDiscLine), c.T(msgDiscWhole)}
	f.target = newRadio(targets, func(o string) { f.whole = o == targets[1]; f.sayLimits() })
	f.target.Horizontal, f.target.Required = true, true
	if f.whole {
		f.target.SetSelected(targets[1])
		f.target.Disable()
	} else {
		f.target.SetSelected(targets[0])
	}
	f.modeOpts = []string{c.T(msgDiscPercent), c.T(msgDiscAmount), c.T(msgDiscPrice)}
	f.mode = newRadio(f.modeOpts, func(o string) {
		for i, m := range f.modeOpts {
			if o == m {
				f.kind = discountKind(i)
			}
		}
		f.sayLimits()
	})
	f.mode.Horizontal, f.mode.Required = true, true
	f.mode.SetSelected(f.modeOpts[0])
	f.value.OnSubmitted = func(string) { t.w.Canvas().Focus(f.reason) }
	f.reason.OnSubmitted = func(string) { f.apply() }
	apply := newIconButton(c.T(msgDiscApply), theme.ConfirmIcon(), f.apply)
	apply.Importance = widget.HighImportance
	cancel := newIconButton(c.T(msgCommonCancel), theme.CancelIcon(), f.close)
	title := c.T(msgDiscTitleWhole)
	if !f.whole {
		title = c.T(msgDiscTitleLine, d.lines[f.line].Name)
	}
	form := container.NewVBox(f.target, f.mode, f.value, f.reason, f.err)
	f.d = dialog.NewCustomWithoutButtons(title, form, t.w)
	f.d.SetButtons([]fyne.CanvasObject{cancel, apply})
	f.d.Resize(fyne.NewSize(460, 340))
	s.discount = f
	t.modal = f.close // Esc cancels
	f.sayLimits()
	f.d.Show()
	t.w.Canvas().Focus(f.value)
	t.log().Info("discount form shown", "line", f.line+1, "whole", f.whole)
}

func (f *discountForm) close() {
	t := f.s.t
	f.d.Hide()
	f.s.discount = nil
	t.modal = nil
}

// sayLimits shows what the cashier may give alone.
func (f *discountForm) sayLimits() {
	lim := f.s.t.opt.discounts
	f.err.Importance = widget.MediumImportance
	f.err.SetText(f.s.t.cat.T(msgDiscLimits, lim.MaxPercent, formatFen(lim.MaxFen)))
}

func (f *discountForm) fail(m msg, args ...any) {
	f.err.Importance = widget.DangerImportance
	f.err.SetText(f.s.t.cat.T(m, args...))
}

// apply checks the form and applies it, through a manager's PIN when it
// is above the cashier's limits.
func (f *discountForm) apply() {
	s, t := f.s, f.s.t
	d := &t.draft
	reason := strings.TrimSpace(f.reason.Text)
	if f.whole && f.kind == discountPrice {
		f.fail(msgDiscPriceLineOnly)
		return
	}
	var percent, fen int64
	var err error
	if f.kind == discountPercent {
		percent, err = strconv.ParseInt(strings.TrimSpace(f.value.Text), 10, 64)
		if err != nil || percent < 1 || percent > 100 {
			f.fail(msgDiscBadPercent)
			return
		}
	} else if fen, err = pos.ParseYuan(strings.TrimSpace(f.value.Text)); err != nil || fen < 0 || (fen == 0 && f.kind == discountAmount) {
		f.fail(msgDiscBadAmount)
		return
	}
	if reason == "" {
		f.fail(msgDiscNoReason)
		return
	}
	// What the act takes off, for the limits, and the act itself.
	var base, off int64
	var act func(approver string) error
	switch {
	case f.kind == discountPrice:
		l := d.lines[f.line]
		list := l
		if l.Override != nil {
			list.UnitFen = l.Override.ListFen
		}
		list.Discount = nil
		base, _ = pricing.GrossFen(list)
		list.UnitFen = fen
		now, _ := pricing.GrossFen(list)
		off = base - now
		act = func(approver string) error {
			return d.overridePrice(f.line, fen, receipt.Override{Reason: reason, ApprovedBy: approver})
		}
	case f.whole:
		base = d.priced(nil).totals.NetFen + d.discountOf()
		act = func(approver string) error {
			return d.discountSale(&receipt.Discount{Percent: percent, AmountFen: fen, Reason: reason, ApprovedBy: approver}, t.cat)
		}
	default:
		base = d.lineGrossFen(f.line)
		act = func(approver string) error {
			return d.discountLine(f.line, &receipt.Discount{Percent: percent, AmountFen: fen, Reason: reason, ApprovedBy: approver})
		}
	}
	if f.kind != discountPrice {
		off, err = pricing.DiscountFen(base, receipt.Discount{Percent: percent, AmountFen: fen, Reason: reason})
		if err != nil {
			f.fail(msgSaleDiscountTooBig)
			return
		}
	}
	done := func(approver string) {
		if err := act(approver); err != nil {
			s.lineErr(err)
			return
		}
		s.dropConfirm()
		s.showHint(msgSaleHint, widget.MediumImportance)
		s.refresh()
	}
	if t.opt.discounts.Allows(base, off, percent) {
		f.close()
		done("")
		return
	}
	f.close()
	s.approve(staff.ActionDiscount, off, done)
}

// discountOf is the sale discount's amount now (0 when none).
func (d *saleDraft) discountOf() int64 {
	if p := d.priced(nil); p.discount != nil {
		return p.discount.AmountFen
	}
	return 0
}
