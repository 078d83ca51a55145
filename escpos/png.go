package escpos

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"os"

	"github.com/skip2/go-qrcode"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"github.com/wxpos/wxpos/receipt"
)

// LoadFont reads a TrueType/OpenType font file (such as the CJK font the
// application embeds) as a face of the given pixel size, for WritePNG.
func LoadFont(path string, sizePx float64) (font.Face, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load font: %w", err)
	}
	return ParseFont(data, sizePx)
}

// ParseFont is LoadFont for font data already in memory.
func ParseFont(data []byte, sizePx float64) (font.Face, error) {
	f, err := opentype.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("parse font: %w", err)
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: sizePx, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, fmt.Errorf("font face: %w", err)
	}
	return &coverFace{Face: face, f: f}, nil
}

// coverFace reports a missing glyph as missing: an opentype face answers
// with the .notdef glyph instead, which would stop the fallback to the
// next face.
type coverFace struct {
	font.Face
	f   *sfnt.Font
	buf sfnt.Buffer
}

func (c *coverFace) has(r rune) bool {
	i, err := c.f.GlyphIndex(&c.buf, r)
	return err == nil && i != 0
}

func (c *coverFace) GlyphAdvance(r rune) (fixed.Int26_6, bool) {
	if !c.has(r) {
		return 0, false
	}
	return c.Face.GlyphAdvance(r)
}

// PreviewFaces returns the faces WritePNG draws best with: Go Mono for
// Latin text (it sets the grid) and the given CJK font (for example the
// application's embedded one) for Chinese.
func PreviewFaces(cjkFont []byte) ([]font.Face, error) {
	mono, err := ParseFont(gomono.TTF, 16)
	if err != nil {
		return nil, err
	}
	cjk, err := ParseFont(cjkFont, 18)
	if err != nil {
		return nil, err
	}
	return []font.Face{mono, cjk}, nil
}

// WritePNG draws d as a picture of the printed paper: a fixed grid of
// d.Cols columns in which wide characters take two cells, double-size lines
// scaled up, QR codes drawn as on paper. Each character is drawn with the
// first of faces that has it; the first face sets the grid. No faces means
// basicfont 7x13, which has no Chinese glyphs: those are drawn as empty
// boxes of the right width so the layout stays readable (PreviewFaces gives
// real glyphs).
func WritePNG(w io.Writer, d receipt.Doc, faces ...font.Face) error {
	img := RenderImage(d, faces...)
	if err := png.Encode(w, img); err != nil {
		return fmt.Errorf("write png: %w", err)
	}
	return nil
}

// RenderImage is WritePNG without the encoding, for a screen preview.
func RenderImage(d receipt.Doc, faces ...font.Face) *image.Gray {
	if len(faces) == 0 || faces[0] == nil {
		faces = []font.Face{basicfont.Face7x13}
	}
	face := faces[0]
	m := face.Metrics()
	cellH := (m.Ascent + m.Descent).Ceil()
	cellW := font.MeasureString(face, "0").Ceil()
	if cellW <= 0 || cellH <= 0 {
		cellW, cellH = 7, 13
	}
	cols := d.Cols
	if cols <= 0 {
		cols = 32
	}
	margin := cellW
	pageW := cols*cellW + 2*margin

	type block struct {
		img image.Image
		x   int
		gap int // blank pixels after the block
	}
	var blocks []block
	height := margin
	for _, l := range d.Lines {
		if l.QR != "" {
			q := qrImage(l.QR, pageW/2)
			if q == nil {
				continue
			}
			b := q.Bounds()
			blocks = append(blocks, block{img: q, x: (pageW - b.Dx()) / 2, gap: cellH / 2})
			height += b.Dy() + cellH/2
			continue
		}
		sx, sy := 1, 1
		if l.Style.Has(receipt.Wide) {
			sx = 2
		}
		if l.Style.Has(receipt.Tall) {
			sy = 2
		}
		line := textLine(l.Text, faces, cellW, cellH, l.Style.Has(receipt.Bold))
		line = scale(line, sx, sy)
		lw := line.Bounds().Dx()
		x := margin
		switch l.Align {
		case receipt.AlignCenter:
			x = margin + (cols*cellW-lw)/2
		case receipt.AlignRight:
			x = margin + cols*cellW - lw
		}
		if x < margin {
			x = margin
		}
		blocks = append(blocks, block{img: line, x: x})
		height += line.Bounds().Dy()
	}
	height += margin
	page := image.NewGray(image.Rect(0, 0, pageW, height))
	draw.Draw(page, page.Bounds(), image.White, image.Point{}, draw.Src)
	y := margin
	for _, b := range blocks {
		r := b.img.Bounds()
		draw.Draw(page, image.Rect(b.x, y, b.x+r.Dx(), y+r.Dy()), b.img, r.Min, draw.Src)
		y += r.Dy() + b.gap
	}
	return page
}

// textLine draws s on a white strip, one grid cell per column.
func textLine(s string, faces []font.Face, cellW, cellH int, bold bool) *image.Gray {
	cols := receipt.StringWidth(s)
	img := image.NewGray(image.Rect(0, 0, max(cols, 1)*cellW, cellH))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	ascent := faces[0].Metrics().Ascent
	col := 0
	for _, r := range s {
		rw := receipt.RuneWidth(r)
		x := col * cellW
		if face := faceFor(faces, r); face != nil && r != ' ' {
			for pass := 0; pass < 1+boolInt(bold); pass++ {
				dot := fixed.Point26_6{X: fixed.I(x + pass), Y: ascent}
				if dr, mask, mp, _, ok := face.Glyph(dot, r); ok {
					draw.DrawMask(img, dr, image.Black, image.Point{}, mask, mp, draw.Over)
				}
			}
		} else if r != ' ' {
			box(img, image.Rect(x+1, 2, x+rw*cellW-1, cellH-2))
		}
		col += rw
	}
	return img
}

// faceFor is the first face with a glyph for r, or nil.
func faceFor(faces []font.Face, r rune) font.Face {
	for _, f := range faces {
		if f == nil {
			continue
		}
		if _, ok := f.GlyphAdvance(r); ok {
			return f
		}
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// box outlines r in black: the stand-in for a glyph the face lacks.
func box(img *image.Gray, r image.Rectangle) {
	for x := r.Min.X; x < r.Max.X; x++ {
		img.SetGray(x, r.Min.Y, color.Gray{})
		img.SetGray(x, r.Max.Y-1, color.Gray{})
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		img.SetGray(r.Min.X, y, color.Gray{})
		img.SetGray(r.Max.X-1, y, color.Gray{})
	}
}

// scale enlarges img by whole factors (nearest neighbour), as GS ! does.
func scale(img *image.Gray, sx, sy int) *image.Gray {
	if sx == 1 && sy == 1 {
		return img
	}
	b := img.Bounds()
	out := image.NewGray(image.Rect(0, 0, b.Dx()*sx, b.Dy()*sy))
	for y := 0; y < out.Rect.Dy(); y++ {
		for x := 0; x < out.Rect.Dx(); x++ {
			out.Pix[y*out.Stride+x] = img.Pix[(y/sy)*img.Stride+x/sx]
		}
	}
	return out
}

// qrImage draws data as a QR code (level M, no quiet zone beyond the page
// margin) about maxW pixels wide; nil when data cannot be encoded.
func qrImage(data string, maxW int) image.Image {
	q, err := qrcode.New(data, qrcode.Medium)
	if err != nil {
		return nil
	}
	q.DisableBorder = true
	return q.Image(maxW)
}
