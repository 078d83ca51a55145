package catalogfile

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/wxpos/wxpos/internal/xlsx"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/wxpos/wxpos/internal/csvout"
)

// ErrFormat is matched when a file is not a catalogue this package reads.
var ErrFormat = errors.New("not a catalogue file")

// Book is what a file holds: its items table and its categories table,
// either of which may be missing.
type Book struct {
	Items, Categories *Table
}

// Read reads the catalogue file at path, .csv or .xlsx by its name.
func Read(path string) (*Book, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		return ReadCSV(filepath.Base(path), data)
	case ".xlsx":
		return readXLSX(path)
	}
	return nil, fmt.Errorf("%s: %w: the name must end in .csv or .xlsx", path, ErrFormat)
}

// ReadCSV reads a CSV catalogue named name: UTF-8 (a byte order mark is
// dropped) or, when the bytes are not UTF-8, GB18030 as Excel on Chinese
// Windows saves it. A header row starts a table.
func ReadCSV(name string, data []byte) (*Book, error) {
	data = bytes.TrimPrefix(data, []byte(csvout.BOM))
	if !utf8.Valid(data) {
		dec, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w: neither UTF-8 nor GB18030 text", name, ErrFormat)
		}
		data = dec
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	b := &Book{}
	var cur *Table
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line, err = pe.Line, pe.Err
			}
			return nil, &LineError{Source: name, Line: line, Err: fmt.Errorf("%w: %w", ErrFormat, err)}
		}
		line, _ := r.FieldPos(0)
		if cur, err = b.add(cur, name, row, line); err != nil {
			return nil, err
		}
	}
	return b.check(name)
}

func readXLSX(path string) (*Book, error) {
	sheets, err := xlsx.Read(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %w", path, ErrFormat, err)
	}
	name := filepath.Base(path)
	b := &Book{}
	for _, sheet := range sheets {
		var cur *Table
		src := fmt.Sprintf("%s, sheet %s,", name, sheet.Name)
		for i, row := range sheet.Rows {
			if cur, err = b.add(cur, src, row, i+1); err != nil {
				return nil, err
			}
		}
	}
	return b.check(name)
}

// add puts row (at line) into the table being read, or starts a table
// when row is a header. Rows before any header are an error; blank rows
// are skipped.
func (b *Book) add(cur *Table, src string, row []string, line int) (*Table, error) {
	if blank(row) {
		return cur, nil
	}
	switch kind(row) {
	case "items":
		if b.Items != nil {
			return nil, &LineError{Source: src, Line: line, Err: fmt.Errorf("%w: a second items table (the first starts at line %d)", ErrFormat, b.Items.Lines[0])}
		}
		b.Items = &Table{Source: src}
		cur = b.Items
	case "categories":
		if b.Categories != nil {
			return nil, &LineError{Source: src, Line: line, Err: fmt.Errorf("%w: a second categories table (the first starts at line %d)", ErrFormat, b.Categories.Lines[0])}
		}
		b.Categories = &Table{Source: src}
		cur = b.Categories
	default:
		if cur == nil {
			return nil, &LineError{Source: src, Line: line, Err: fmt.Errorf("%w: no header row before this line (want at least id, name and price, or 编号, 名称 and 价格)", ErrFormat)}
		}
	}
	cur.Rows = append(cur.Rows, row)
	cur.Lines = append(cur.Lines, line)
	return cur, nil
}

func (b *Book) check(name string) (*Book, error) {
	if b.Items == nil && b.Categories == nil {
		return nil, fmt.Errorf("%s: %w: no table with an id or a colour column", name, ErrFormat)
	}
	return b, nil
}

func blank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
