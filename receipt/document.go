package receipt

import (
	"errors"
	"strings"
)

// ErrLayout is returned when a receipt or report cannot be laid out: an
// unknown kind, or a line width below MinCols.
var ErrLayout = errors.New("receipt: cannot lay out")

// MinCols is the narrowest line a layout accepts.
const MinCols = 24

// Align is where a DocLine sits on the line.
type Align uint8

// Alignments of a DocLine.
const (
	AlignLeft Align = iota
	AlignCenter
	AlignRight
)

// Style is a set of DocLine print attributes.
type Style uint8

// Print attributes. Wide halves the columns a line may use; Tall does not
// change the column count.
const (
	Bold Style = 1 << iota
	Tall       // double height
	Wide       // double width
)

// Has reports whether all attributes in x are set.
func (s Style) Has(x Style) bool { return s&x == x }

// DocLine is one laid-out line of a receipt. Text holds no control
// characters and fits the line: StringWidth(Text) is at most Doc.Cols, or
// Doc.Cols/2 when the style is Wide. When QR is set the line is a QR code of
// QR (Text is then empty).
type DocLine struct {
	Text  string `json:"text,omitempty"`
	Align Align  `json:"align,omitempty"`
	Style Style  `json:"style,omitempty"`
	QR    string `json:"qr,omitempty"`
}

// Doc is a receipt or report laid out for a fixed number of columns, ready
// for a printer (package escpos) or a screen (Text).
type Doc struct {
	Cols  int       `json:"cols"`
	Lines []DocLine `json:"lines"`
}

// Text renders the document as plain text, one line per DocLine, aligned
// with spaces to Cols columns (trailing spaces trimmed). Wide text is shown
// at normal width, centred as on paper; a QR code is shown as [QR: data].
func (d Doc) Text() string {
	var b strings.Builder
	for _, l := range d.Lines {
		s, align := l.Text, l.Align
		if l.QR != "" {
			s, align = "[QR: "+l.QR+"]", AlignCenter
		}
		pad := d.Cols - StringWidth(s)
		if l.Style.Has(Wide) {
			pad = d.Cols - 2*StringWidth(s)
		}
		switch {
		case pad <= 0 || align == AlignLeft:
		case align == AlignCenter:
			b.WriteString(strings.Repeat(" ", pad/2))
		case align == AlignRight:
			b.WriteString(strings.Repeat(" ", pad))
		}
		b.WriteString(strings.TrimRight(s, " "))
		b.WriteByte('\n')
	}
	return b.String()
}

// builder accumulates lines for one layout.
type builder struct {
	cols  int
	lines []DocLine
}

func (b *builder) add(text string, a Align, s Style) {
	b.lines = append(b.lines, DocLine{Text: text, Align: a, Style: s})
}

// para adds text wrapped to the line width available for style s.
func (b *builder) para(text string, a Align, s Style) {
	w := b.cols
	if s.Has(Wide) {
		w /= 2
	}
	for _, p := range wrap(clean(text), w) {
		b.add(p, a, s)
	}
}

func (b *builder) rule(c string) { b.add(strings.Repeat(c, b.cols), AlignLeft, 0) }

func (b *builder) blank() { b.add("", AlignLeft, 0) }

// kv adds "label   value" with the value flush right; when both do not fit
// on one line the value goes right-aligned on the following line(s).
func (b *builder) kv(label, value string, s Style) {
	label, value = clean(label), clean(value)
	w := b.cols
	if s.Has(Wide) {
		w /= 2
	}
	lw, vw := StringWidth(label), StringWidth(value)
	if lw+1+vw <= w {
		b.add(label+strings.Repeat(" ", w-lw-vw)+value, AlignLeft, s)
		return
	}
	b.para(label, AlignLeft, s)
	for _, p := range wrap(value, w) {
		b.add(padLeft(p, w), AlignLeft, s)
	}
}

// kvIf is kv for optional values: nothing when value is empty.
func (b *builder) kvIf(label, value string) {
	if value != "" {
		b.kv(label, value, 0)
	}
}

func (b *builder) qr(data string) {
	b.lines = append(b.lines, DocLine{QR: data, Align: AlignCenter})
}

func (b *builder) doc() Doc { return Doc{Cols: b.cols, Lines: b.lines} }
