package escpos

import (
	"bytes"
	"io"

	"github.com/wxpos/wxpos/receipt"
)

// Default drawer pulse: 50 ms on, 500 ms off, the values most drawers and
// printer manuals use.
const (
	DrawerOnMS  = 50
	DrawerOffMS = 500
)

// RenderOptions tune how a receipt.Doc is turned into printer commands. The
// zero value is a sensible default.
type RenderOptions struct {
	// QRSize is the QR module size in dots (1..16); 0 means 6.
	QRSize int
	// FullCut cuts through; the default is a partial cut.
	FullCut bool
	// KickDrawer pulses the drawer pin right after initialising, so the
	// drawer opens while the receipt prints (cash sales).
	KickDrawer bool
	DrawerPin  DrawerPin
}

// Render writes d as one ESC/POS job: initialise, Chinese mode on, each line
// with its alignment and style (bold, GS ! size), QR codes model 2 level M,
// then feed and cut. It returns the first write error.
func Render(w io.Writer, d receipt.Doc, o *RenderOptions) error {
	if o == nil {
		o = &RenderOptions{}
	}
	e := NewEncoder(w)
	e.Init()
	e.Chinese(true)
	if o.KickDrawer {
		e.KickDrawer(o.DrawerPin, DrawerOnMS, DrawerOffMS)
	}
	qrSize := o.QRSize
	if qrSize == 0 {
		qrSize = 6
	}
	align, style := receipt.AlignLeft, receipt.Style(0)
	setAlign := func(a receipt.Align) {
		if a != align {
			e.Align(Align(a))
			align = a
		}
	}
	setStyle := func(s receipt.Style) {
		if s.Has(receipt.Bold) != style.Has(receipt.Bold) {
			e.Bold(s.Has(receipt.Bold))
		}
		if s&(receipt.Wide|receipt.Tall) != style&(receipt.Wide|receipt.Tall) {
			w, h := 1, 1
			if s.Has(receipt.Wide) {
				w = 2
			}
			if s.Has(receipt.Tall) {
				h = 2
			}
			e.Size(w, h)
		}
		style = s
	}
	for _, l := range d.Lines {
		if l.QR != "" {
			setStyle(0)
			setAlign(receipt.AlignCenter)
			e.QR(l.QR, qrSize, QRLevelM)
			e.Line("")
			continue
		}
		setAlign(l.Align)
		setStyle(l.Style)
		e.Line(l.Text)
	}
	setStyle(0)
	setAlign(receipt.AlignLeft)
	e.FeedCut(!o.FullCut, 0)
	return e.Err()
}

// Encode is Render into a byte slice.
func Encode(d receipt.Doc, o *RenderOptions) ([]byte, error) {
	var b bytes.Buffer
	if err := Render(&b, d, o); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
