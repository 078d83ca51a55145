package xlsx

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// MaxXML is how much XML Read takes from one workbook, all parts together:
// a 100,000-item catalogue is about 20 MB of it. Above, the file is
// refused rather than let a zip bomb fill the memory.
var MaxXML int64 = 512 << 20

// Spreadsheet limits (Excel's): beyond them a reference is not a cell.
const (
	maxRows    = 1 << 20
	maxColumns = 1 << 14
)

// Read reads every sheet of the workbook at name, in workbook order, each
// cell as the text the file holds: shared and inline strings as written,
// numbers unformatted ("12.5", never "¥12.50"), booleans 0/1. Rows keep
// their places: a blank row between two rows is an empty row, so row i
// is line i+1 of the sheet.
func Read(name string) ([]Sheet, error) {
	z, err := zip.OpenReader(name)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	defer z.Close()
	r := &reader{files: map[string]*zip.File{}, budget: MaxXML}
	for _, f := range z.File {
		r.files[strings.TrimPrefix(f.Name, "/")] = f
	}
	return r.read()
}

type reader struct {
	files  map[string]*zip.File
	budget int64
	shared []string
}

type sheetRef struct{ name, target string }

func (r *reader) read() ([]Sheet, error) {
	refs, err := r.workbook()
	if err != nil {
		return nil, err
	}
	if err := r.sharedStrings(); err != nil {
		return nil, err
	}
	out := make([]Sheet, 0, len(refs))
	for _, ref := range refs {
		rows, err := r.sheet(ref.target)
		if err != nil {
			return nil, fmt.Errorf("sheet %s: %w", ref.name, err)
		}
		out = append(out, Sheet{Name: ref.name, Rows: rows})
	}
	return out, nil
}

// open is a part of the package as an XML decoder, drawing on the budget.
func (r *reader) open(name string) (*xml.Decoder, func(), error) {
	f, ok := r.files[name]
	if !ok {
		return nil, nil, fmt.Errorf("%w: no part %s", ErrFormat, name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %s: %w", ErrFormat, name, err)
	}
	return xml.NewDecoder(&budgeted{r: rc, left: &r.budget}), func() { rc.Close() }, nil
}

// errTooLarge is the budget spent.
var errTooLarge = fmt.Errorf("%w: more than %d MB of XML", ErrFormat, MaxXML>>20)

type budgeted struct {
	r    io.Reader
	left *int64
}

func (b *budgeted) Read(p []byte) (int, error) {
	if *b.left <= 0 {
		return 0, errTooLarge
	}
	if int64(len(p)) > *b.left {
		p = p[:*b.left]
	}
	n, err := b.r.Read(p)
	*b.left -= int64(n)
	return n, err
}

// workbook lists the sheets with the parts that hold them.
func (r *reader) workbook() ([]sheetRef, error) {
	targets := map[string]string{}
	err := r.each("xl/_rels/workbook.xml.rels", func(_ *xml.Decoder, e xml.StartElement) error {
		if e.Name.Local == "Relationship" {
			t := attr(e, "Target")
			if strings.HasPrefix(t, "/") {
				t = strings.TrimPrefix(t, "/")
			} else {
				t = path.Join("xl", t)
			}
			targets[attr(e, "Id")] = t
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var refs []sheetRef
	err = r.each("xl/workbook.xml", func(_ *xml.Decoder, e xml.StartElement) error {
		if e.Name.Local != "sheet" {
			return nil
		}
		t, ok := targets[attr(e, "id")]
		if !ok {
			return fmt.Errorf("%w: sheet %q has no part", ErrFormat, attr(e, "name"))
		}
		refs = append(refs, sheetRef{name: attr(e, "name"), target: t})
		return nil
	})
	if err == nil && len(refs) == 0 {
		err = fmt.Errorf("%w: no sheet", ErrFormat)
	}
	return refs, err
}

// sharedStrings reads the string table, when the workbook has one.
func (r *reader) sharedStrings() error {
	if _, ok := r.files["xl/sharedStrings.xml"]; !ok {
		return nil
	}
	return r.each("xl/sharedStrings.xml", func(d *xml.Decoder, e xml.StartElement) error {
		if e.Name.Local != "si" {
			return nil
		}
		s, err := text(d, e)
		r.shared = append(r.shared, s)
		return err
	})
}

// sheet reads one worksheet's rows.
func (r *reader) sheet(part string) ([][]string, error) {
	var rows [][]string
	err := r.each(part, func(d *xml.Decoder, e xml.StartElement) error {
		switch e.Name.Local {
		case "row":
			n := len(rows) + 1
			if v := attr(e, "r"); v != "" {
				var err error
				if n, err = strconv.Atoi(v); err != nil || n < len(rows)+1 || n > maxRows {
					return fmt.Errorf("%w: row %q", ErrFormat, v)
				}
			}
			for len(rows) < n {
				rows = append(rows, nil)
			}
		case "c":
			if len(rows) == 0 {
				return fmt.Errorf("%w: a cell outside a row", ErrFormat)
			}
			row := &rows[len(rows)-1]
			col := len(*row)
			if ref := attr(e, "r"); ref != "" {
				if col = columnIndex(ref); col < len(*row) || col >= maxColumns {
					return fmt.Errorf("%w: cell %q", ErrFormat, ref)
				}
			}
			v, err := r.cell(d, e)
			if err != nil {
				return err
			}
			for len(*row) < col {
				*row = append(*row, "")
			}
			*row = append(*row, v)
		}
		return nil
	})
	return rows, err
}

// cell is the text of the cell element e.
func (r *reader) cell(d *xml.Decoder, e xml.StartElement) (string, error) {
	var v, inline string
	for {
		tok, err := d.Token()
		if err != nil {
			return "", fmt.Errorf("%w: %w", ErrFormat, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			var s string
			if s, err = text(d, t); err != nil {
				return "", err
			}
			switch t.Name.Local {
			case "v":
				v = s
			case "is":
				inline = s
			}
		case xml.EndElement:
			switch attr(e, "t") {
			case "inlineStr":
				return inline, nil
			case "s":
				i, err := strconv.Atoi(strings.TrimSpace(v))
				if err != nil || i < 0 || i >= len(r.shared) {
					return "", fmt.Errorf("%w: shared string %q", ErrFormat, v)
				}
				return r.shared[i], nil
			}
			return v, nil
		}
	}
}

// each calls fn for every start element of a part, in document order; fn
// may consume the element's content from d.
func (r *reader) each(part string, fn func(*xml.Decoder, xml.StartElement) error) error {
	d, done, err := r.open(part)
	if err != nil {
		return err
	}
	defer done()
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if errors.Is(err, errTooLarge) {
			return err
		}
		if err != nil {
			return fmt.Errorf("%w: %s: %w", ErrFormat, part, err)
		}
		if e, ok := tok.(xml.StartElement); ok {
			if err := fn(d, e); err != nil {
				return err
			}
		}
	}
}

// text is the text of e: of a <v> or <t> itself, else of the <t>
// elements under it (a string item or an inline string, rich-text runs
// joined), leaving out phonetic runs (<rPh>), which repeat the reading of
// the text and are not part of it. e's end is consumed.
func text(d *xml.Decoder, e xml.StartElement) (string, error) {
	var b strings.Builder
	var open []string // the elements open under e
	leaf := e.Name.Local == "v" || e.Name.Local == "t"
	for {
		tok, err := d.Token()
		if err != nil {
			return "", fmt.Errorf("%w: %w", ErrFormat, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			open = append(open, t.Name.Local)
		case xml.EndElement:
			if len(open) == 0 {
				return b.String(), nil
			}
			open = open[:len(open)-1]
		case xml.CharData:
			if leaf && len(open) == 0 || len(open) > 0 && open[len(open)-1] == "t" && !phonetic(open) {
				b.Write(t)
			}
		}
	}
}

func phonetic(open []string) bool {
	for _, n := range open {
		if n == "rPh" {
			return true
		}
	}
	return false
}

// attr is e's attribute local (any namespace), "" when absent.
func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}
