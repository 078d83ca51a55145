package ui

import (
	"context"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/wxpos/wxpos/custdisplay"
	"github.com/wxpos/wxpos/receipt"
)

// Sizes of the customer window's text: read from a step away.
const (
	custHeroSize = 80  // the amount that matters: total, paid, change
	custHeadSize = 44  // what is happening, in Chinese
	custSubSize  = 26  // the same in English, and the reasons
	custQRSize   = 440 // the Native QR code's side
	custRows     = 10  // sale lines shown, the newest last
)

// customerWindow draws the frames of the customer display (package
// custdisplay) on the window that faces the customer, in Chinese and
// English at once. Each mode has its own content, built once and filled
// for each frame; Show only queues the drawing on the UI goroutine, so the
// display's Hub never waits on Fyne.
type customerWindow struct {
	do  func(func())
	now func() time.Time
	zh  *catalog
	en  *catalog

	root  *fyne.Container
	frame custdisplay.Frame
	modes map[custdisplay.Mode]fyne.CanvasObject

	store                  *canvas.Text
	lines                  *fyne.Container // the last custRows rows
	rows                   []*custRow
	rowsShown              int
	saleTotal              *canvas.Text
	headZH, headEN         *canvas.Text // ask, paying, QR, paid, failed
	amount                 *canvas.Text // ask, paying, QR, paid, failed
	noteZH, noteEN         *canvas.Text // countdown, reason, thanks
	qr                     *canvas.Image
	qrCode                 string // the code_url qr shows
	cashZH, cashEN, change *canvas.Text
}

// newCustomerWindow builds the window's content for the store named store
// with image (nil: none) on the idle screen. Its countdown ticks until
// ctx ends.
func newCustomerWindow(ctx context.Context, do func(func()), now func() time.Time, store string, image fyne.Resource) *customerWindow {
	c := &customerWindow{do: do, now: now, zh: newCatalog(LangZH), en: newCatalog(LangEN)}
	c.store = custText(store, custHeroSize, true)
	c.saleTotal = custText("", custHeroSize, true)
	c.headZH, c.headEN = custText("", custHeadSize, true), custText("", custSubSize, false)
	c.amount = custText("", custHeroSize, true)
	c.noteZH, c.noteEN = custText("", custSubSize, false), custText("", custSubSize, false)
	c.cashZH, c.cashEN = custText("", custSubSize, false), custText("", custSubSize, false)
	c.change = custText("", custHeroSize, true)
	c.qr = canvas.NewImageFromResource(nil)
	c.qr.FillMode, c.qr.ScaleMode = canvas.ImageFillContain, canvas.ImageScalePixels
	c.qr.SetMinSize(fyne.NewSize(custQRSize, custQRSize))
	c.lines = container.NewVBox()
	c.modes = c.build(image)
	c.root = container.NewStack()
	c.draw(custdisplay.Frame{Mode: custdisplay.ModeIdle})
	go c.tick(ctx)
	return c
}

// custText is a centred text of size, bold or not.
func custText(s string, size float32, bold bool) *canvas.Text {
	t := canvas.NewText(s, theme.Color(theme.ColorNameForeground))
	t.TextSize, t.Alignment, t.TextStyle = size, fyne.TextAlignCenter, fyne.TextStyle{Bold: bold}
	return t
}

// both is a text in Chinese above the same in English.
func (c *customerWindow) both(m msg, size float32, bold bool) fyne.CanvasObject {
	return container.NewVBox(custText(c.zh.T(m), size, bold), custText(c.en.T(m), size*0.6, false))
}

// build makes each mode's content from the window's texts.
func (c *customerWindow) build(image fyne.Resource) map[custdisplay.Mode]fyne.CanvasObject {
	centre := func(objs ...fyne.CanvasObject) fyne.CanvasObject {
		return container.NewCenter(container.NewVBox(objs...))
	}
	idle := []fyne.CanvasObject{c.store}
	if image != nil {
		img := canvas.NewImageFromResource(image)
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSize(480, 320))
		idle = append(idle, img)
	}
	idle = append(idle, c.both(msgCustWelcome, custHeadSize, false))
	c.saleTotal.Alignment = fyne.TextAlignTrailing
	totalRow := container.NewBorder(nil, nil, c.both(msgCustTotal, custHeadSize, true), nil, c.saleTotal)
	sale := container.NewBorder(c.both(msgCustItems, custSubSize, true), container.NewVBox(widget.NewSeparator(), totalRow), nil, nil, c.lines)
	status := centre(c.headZH, c.headEN, c.amount, c.noteZH, c.noteEN)
	qr := container.NewCenter(container.NewHBox(c.qr, container.NewCenter(container.NewVBox(c.headZH, c.headEN, c.amount, c.noteZH, c.noteEN))))
	change := centre(c.cashZH, c.cashEN, c.both(msgCustChange, custHeadSize, true), c.change)
	return map[custdisplay.Mode]fyne.CanvasObject{
		custdisplay.ModeIdle: centre(idle...), custdisplay.ModeSale: container.NewPadded(sale),
		custdisplay.ModeAskCode: status, custdisplay.ModePaying: status, custdisplay.ModePaid: status, custdisplay.ModeFailed: status,
		custdisplay.ModeQR: qr, custdisplay.ModeChange: change,
	}
}

// custRow is one sale line on the customer window: name on the left,
// quantity and amount on the right, and the texts it shows now. Plain
// labels, not a list: nothing here takes focus.
type custRow struct {
	box               *fyne.Container
	name, qty, amount *widget.Label
	text              [3]string
	sep               fyne.CanvasObject // the separator above it
}

func newCustRow() *custRow {
	r := &custRow{name: widget.NewLabel(""), qty: widget.NewLabel(""), amount: widget.NewLabel(""), sep: widget.NewSeparator()}
	r.name.Truncation = fyne.TextTruncateEllipsis
	r.name.TextStyle, r.amount.TextStyle = fyne.TextStyle{Bold: true}, fyne.TextStyle{Bold: true}
	r.name.SizeName, r.amount.SizeName = theme.SizeNameHeadingText, theme.SizeNameHeadingText
	r.qty.SizeName = theme.SizeNameSubHeadingText
	r.box = container.NewBorder(nil, nil, nil, container.NewHBox(r.qty, r.amount), r.name)
	return r
}

// set shows text, laying the row out again only when it changed: a
// label's refresh shapes its text again (truncation measures it), which a
// keypress — only the keyed line's amount changing — should not pay for
// every row.
func (r *custRow) set(text [3]string) {
	if text == r.text {
		return
	}
	r.text = text
	r.name.Text, r.qty.Text, r.amount.Text = text[0], text[1], text[2]
	r.box.Refresh()
}

// showLines fills the rows with the sale's last custRows lines.
func (c *customerWindow) showLines(lines []receipt.Line) {
	first := max(len(lines)-custRows, 0)
	shown := lines[first:]
	for len(c.rows) < len(shown) {
		c.rows = append(c.rows, newCustRow())
	}
	for i, l := range shown {
		name := l.Name
		if name == "" {
			name = c.zh.T(msgCustItem, first+i+1) + " " + c.en.T(msgCustItem, first+i+1)
		}
		c.rows[i].set([3]string{name, custQty(l), formatFen(l.TotalFen)})
	}
	if len(shown) == c.rowsShown {
		return
	}
	c.rowsShown = len(shown)
	objs := make([]fyne.CanvasObject, 0, 2*len(shown))
	for i, r := range c.rows[:len(shown)] {
		if i > 0 {
			objs = append(objs, r.sep)
		}
		objs = append(objs, r.box)
	}
	c.lines.Objects = objs
	c.lines.Refresh()
}

// custQty is "2 × ¥4.00 =" (the row's amount is the line's total), or
// the weight of a weighed line.
func custQty(l receipt.Line) string {
	if l.Weighed() {
		return strconv.FormatFloat(float64(l.Qty)/1000, 'f', 3, 64) + " kg"
	}
	if l.Qty <= 1 {
		return ""
	}
	return strconv.FormatInt(l.Qty, 10) + " × " + formatFen(l.UnitFen) + " ="
}

// Show draws f on the UI goroutine (custdisplay.Sink); it never waits.
func (c *customerWindow) Show(_ context.Context, f custdisplay.Frame) error {
	c.do(func() { c.draw(f) })
	return nil
}

// view is the window's content.
func (c *customerWindow) view() fyne.CanvasObject { return c.root }

// draw shows f. It runs on the UI goroutine.
func (c *customerWindow) draw(f custdisplay.Frame) {
	c.frame = f
	switch f.Mode {
	case custdisplay.ModeSale:
		c.saleTotal.Text = formatFen(f.TotalFen)
		c.saleTotal.Refresh()
		c.showLines(f.Lines)
	case custdisplay.ModeChange:
		c.cashZH.Text, c.cashEN.Text = c.zh.T(msgCustCash, formatFen(f.TenderedFen)), c.en.T(msgCustCash, formatFen(f.TenderedFen))
		c.change.Text = formatFen(f.ChangeFen)
		refreshAll(c.cashZH, c.cashEN, c.change)
	case custdisplay.ModeIdle:
	default:
		c.drawStatus(f)
	}
	if next := c.modes[f.Mode]; len(c.root.Objects) == 0 || c.root.Objects[0] != next {
		c.root.Objects = []fyne.CanvasObject{next}
		c.root.Refresh()
	}
}

// drawStatus fills the texts of the ask, paying, QR, paid and failed
// modes.
func (c *customerWindow) drawStatus(f custdisplay.Frame) {
	head, colour := msgCustAskCode, theme.Color(theme.ColorNameForeground)
	var note msg
	switch f.Mode {
	case custdisplay.ModePaying:
		head = msgCustPaying
		if f.Password {
			head = msgCustPassword
		}
	case custdisplay.ModeQR:
		head = msgCustScanQR
		if f.CodeURL != "" && f.CodeURL != c.qrCode {
			c.drawQR(f.CodeURL)
		}
	case custdisplay.ModePaid:
		head, note, colour = msgCustPaid, msgCustThanks, theme.Color(theme.ColorNameSuccess)
	case custdisplay.ModeFailed:
		head, colour = msgCustFailed, theme.Color(theme.ColorNameError)
		if note = whyMessages[f.Why]; note == "" {
			note = msgCustWhyOther
		}
	}
	c.headZH.Text, c.headEN.Text = c.zh.T(head), c.en.T(head)
	c.headZH.Color, c.headEN.Color = colour, colour
	c.amount.Text = formatFen(f.AmountFen)
	c.noteZH.Text, c.noteEN.Text = "", ""
	if note != "" {
		c.noteZH.Text, c.noteEN.Text = c.zh.T(note), c.en.T(note)
	}
	c.noteZH.Color, c.noteEN.Color = theme.Color(theme.ColorNameForeground), theme.Color(theme.ColorNameForeground)
	if f.Mode == custdisplay.ModeFailed {
		c.noteZH.Color, c.noteEN.Color = colour, colour
	}
	c.showCountdown()
	refreshAll(c.headZH, c.headEN, c.amount, c.noteZH, c.noteEN)
}

// drawQR encodes codeURL as the QR image; a code_url too long to encode
// (it never is: WeChat's are ~40 characters) leaves the image empty.
func (c *customerWindow) drawQR(codeURL string) {
	c.qrCode = codeURL
	q, err := qrcode.New(codeURL, qrcode.Medium)
	if err != nil {
		c.qr.Image = nil
	} else {
		c.qr.Image = q.Image(custQRSize)
	}
	c.qr.Refresh()
}

// showCountdown writes the time left (QR expiry, password wait) into the
// note line; other frames keep their note.
func (c *customerWindow) showCountdown() {
	f := c.frame
	if f.Deadline.IsZero() || (f.Mode != custdisplay.ModeQR && !(f.Mode == custdisplay.ModePaying && f.Password)) {
		return
	}
	left := max(f.Deadline.Sub(c.now()).Round(time.Second), 0)
	sec := int(left / time.Second)
	c.noteZH.Text, c.noteEN.Text = c.zh.T(msgCustLeft, sec/60, sec%60), c.en.T(msgCustLeft, sec/60, sec%60)
}

// tick redraws the countdown every second until ctx ends.
func (c *customerWindow) tick(ctx context.Context) {
	tk := time.NewTicker(time.Second)
	defer tk.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tk.C:
			c.do(func() {
				c.showCountdown()
				refreshAll(c.noteZH, c.noteEN)
			})
		}
	}
}

func refreshAll(objs ...*canvas.Text) {
	for _, o := range objs {
		o.Refresh()
	}
}
