package escpos_test

import (
	"bytes"
	"testing"
	"time"

	"golang.org/x/image/font"

	"github.com/wxpos/wxpos/assets"
	"github.com/wxpos/wxpos/escpos"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/receipt/receipttest"
)

// TestPreviewFacesFallBack checks that a character the first face lacks is
// drawn with the next face, and one it has is drawn with it.
func TestPreviewFacesFallBack(t *testing.T) {
	faces, err := escpos.PreviewFaces(assets.Font)
	if err != nil {
		t.Fatal(err)
	}
	mono := faces[:1]
	draw := func(text string, faces ...font.Face) []byte {
		img := escpos.RenderImage(receipt.Doc{Cols: 4, Lines: []receipt.DocLine{{Text: text}}}, faces...)
		return img.Pix
	}
	tests := []struct {
		name     string
		text     string
		sameAsMo bool
	}{
		{"latin uses go mono", "Ab", true},
		{"han falls back to the cjk face", "中", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if same := bytes.Equal(draw(tt.text, faces...), draw(tt.text, mono...)); same != tt.sameAsMo {
				t.Errorf("drawing with the CJK fallback equal to Go Mono alone = %v, want %v", same, tt.sameAsMo)
			}
		})
	}
}

func TestTestPageGolden(t *testing.T) {
	now := time.Date(2026, 11, 26, 1, 0, 0, 0, time.UTC)
	target := escpos.Target{Kind: escpos.TargetTCP, Addr: "192.168.1.50:9100"}
	for _, p := range []escpos.Paper{escpos.Paper58, escpos.Paper80} {
		t.Run(p.String(), func(t *testing.T) {
			d := escpos.TestPage(p, target, now)
			for i, l := range d.Lines {
				w := receipt.StringWidth(l.Text)
				if l.Style.Has(receipt.Wide) {
					w *= 2
				}
				if w > p.Columns() {
					t.Errorf("line %d %q too wide", i, l.Text)
				}
			}
			got, err := escpos.Encode(d, nil)
			if err != nil {
				t.Fatal(err)
			}
			receipttest.Golden(t, *update, "testpage_"+p.String()+".bin", got)
		})
	}
}
