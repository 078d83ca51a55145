package escpos_test

import (
	"bytes"
	"image/png"
	"testing"

	"github.com/wxpos/wxpos/escpos"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/receipt/receipttest"
)

func layout(t testing.TB, r receipt.Receipt, o receipt.Options) receipt.Doc {
	t.Helper()
	d, err := receipt.Layout(r, o)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestRenderGolden(t *testing.T) {
	training := receipttest.Sale()
	training.Training = true
	tests := []struct {
		name string
		doc  func(cols int) receipt.Doc
		opts *escpos.RenderOptions
	}{
		{"sale", func(c int) receipt.Doc { return layout(t, receipttest.Sale(), receipt.Options{Cols: c}) }, nil},
		{"sale_cash_drawer", func(c int) receipt.Doc { return layout(t, receipttest.CashSale(), receipt.Options{Cols: c}) },
			&escpos.RenderOptions{KickDrawer: true}},
		{"sale_reprint", func(c int) receipt.Doc { return layout(t, receipttest.Sale(), receipt.Options{Cols: c, Reprint: true}) }, nil},
		{"sale_training", func(c int) receipt.Doc { return layout(t, training, receipt.Options{Cols: c}) }, nil},
		{"refund", func(c int) receipt.Doc { return layout(t, receipttest.Refund(), receipt.Options{Cols: c}) }, &escpos.RenderOptions{FullCut: true}},
		{"report_z", func(c int) receipt.Doc {
			d, err := receipt.LayoutReport(receipttest.ZReport(), receipt.Options{Cols: c})
			if err != nil {
				t.Fatal(err)
			}
			return d
		}, nil},
	}
	for _, tt := range tests {
		for _, p := range []escpos.Paper{escpos.Paper58, escpos.Paper80} {
			name := tt.name + "_" + map[escpos.Paper]string{58: "58", 80: "80"}[p]
			t.Run(name, func(t *testing.T) {
				d := tt.doc(p.Columns())
				got, err := escpos.Encode(d, tt.opts)
				if err != nil {
					t.Fatal(err)
				}
				checkFrame(t, got, tt.opts)
				receipttest.Golden(t, *update, name+".bin", got)
			})
		}
	}
}

// checkFrame asserts what every job must look like whatever the layout:
// reset and Chinese mode first, a cut last, the drawer kick only when asked.
func checkFrame(t *testing.T, got []byte, o *escpos.RenderOptions) {
	t.Helper()
	if !bytes.HasPrefix(got, []byte{0x1B, 0x40, 0x1C, 0x26}) {
		t.Errorf("job does not start with ESC @ FS &: % x", got[:min(8, len(got))])
	}
	cut := []byte{0x1D, 0x56, 66, 0}
	if o != nil && o.FullCut {
		cut = []byte{0x1D, 0x56, 65, 0}
	}
	if !bytes.HasSuffix(got, cut) {
		t.Errorf("job does not end with cut % x: % x", cut, got[max(0, len(got)-8):])
	}
	kick := []byte{0x1B, 0x70, 0, 25, 250}
	if want := o != nil && o.KickDrawer; bytes.Contains(got, kick) != want {
		t.Errorf("drawer kick present = %v, want %v", !want, want)
	}
}

func TestRenderStyles(t *testing.T) {
	d := receipt.Doc{Cols: 32, Lines: []receipt.DocLine{
		{Text: "店", Align: receipt.AlignCenter, Style: receipt.Bold | receipt.Wide | receipt.Tall},
		{Text: "a"},
		{Text: "合计", Style: receipt.Bold | receipt.Tall},
		{QR: "S1"},
		{Text: "b", Align: receipt.AlignRight},
	}}
	want := cat(
		[]byte{0x1B, 0x40, 0x1C, 0x26},
		[]byte{0x1B, 0x61, 1, 0x1B, 0x45, 1, 0x1D, 0x21, 0x11}, []byte{0xB5, 0xEA, 0x0A},
		[]byte{0x1B, 0x61, 0, 0x1B, 0x45, 0, 0x1D, 0x21, 0x00}, []byte("a\n"),
		[]byte{0x1B, 0x45, 1, 0x1D, 0x21, 0x01}, []byte{0xBA, 0xCF, 0xBC, 0xC6, 0x0A},
		[]byte{0x1B, 0x45, 0, 0x1D, 0x21, 0x00, 0x1B, 0x61, 1},
		[]byte{0x1D, 0x28, 0x6B, 4, 0, 49, 65, 50, 0, 0x1D, 0x28, 0x6B, 3, 0, 49, 67, 6, 0x1D, 0x28, 0x6B, 3, 0, 49, 69, 49},
		[]byte{0x1D, 0x28, 0x6B, 5, 0, 49, 80, 48, 'S', '1', 0x1D, 0x28, 0x6B, 3, 0, 49, 81, 48, 0x0A},
		[]byte{0x1B, 0x61, 2}, []byte("b\n"),
		[]byte{0x1B, 0x61, 0, 0x1D, 0x56, 66, 0},
	)
	got, err := escpos.Encode(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("got\n% x\nwant\n% x", got, want)
	}
}

func TestWritePNG(t *testing.T) {
	tests := []struct {
		name string
		cols int
	}{
		{"58mm", 32},
		{"80mm", 48},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := escpos.WritePNG(&b, layout(t, receipttest.Sale(), receipt.Options{Cols: tt.cols}), nil); err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(&b)
			if err != nil {
				t.Fatal(err)
			}
			// basicfont is 7 px per column, plus a one-column margin each side.
			if w := img.Bounds().Dx(); w != (tt.cols+2)*7 {
				t.Errorf("width %d px, want %d", w, (tt.cols+2)*7)
			}
			if h := img.Bounds().Dy(); h < 30*13 {
				t.Errorf("height %d px is too short for a 30-line receipt", h)
			}
		})
	}
}

func BenchmarkRenderSale(b *testing.B) {
	r := receipttest.Sale()
	for range 7 {
		r.Lines = append(r.Lines, r.Lines[0])
	}
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		d, err := receipt.Layout(r, receipt.Options{Cols: 48})
		if err != nil {
			b.Fatal(err)
		}
		if err := escpos.Render(&buf, d, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}

func BenchmarkWritePNG(b *testing.B) {
	d := layout(b, receipttest.Sale(), receipt.Options{Cols: 48})
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := escpos.WritePNG(&buf, d, nil); err != nil {
			b.Fatal(err)
		}
	}
}
