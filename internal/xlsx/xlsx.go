// Package xlsx reads and writes the plain tables a store keeps in a
// spreadsheet: every sheet as rows of cell text. It is what the catalogue
// import and export need and no more — no styles, formulas or formats.
//
// Why not excelize: linking it costs every wxpos process 5.8 ms and 1.3 MB
// of heap in package init (GODEBUG=inittrace=1), a tenth of a whole
// `wxpos pay`, for a feature used a few times a year. An xlsx file is a zip
// of XML parts (ECMA-376 Part 1, SpreadsheetML); reading the cell values
// and writing inline strings is the small part of it we need.
package xlsx

import (
	"errors"
	"strconv"
)

// Sheet is one worksheet: its name and its rows of cell text. A row may be
// shorter than others; a missing cell is "".
type Sheet struct {
	Name string
	Rows [][]string
}

// ErrFormat: the file is not a spreadsheet this package can read.
var ErrFormat = errors.New("not an xlsx workbook")

// ColumnName is column n's letters (1 → A, 27 → AA), as a spreadsheet
// names it; "" for n < 1.
func ColumnName(n int) string {
	var b []byte
	for n > 0 {
		n--
		b = append([]byte{byte('A' + n%26)}, b...)
		n /= 26
	}
	return string(b)
}

// columnIndex is the 0-based column of a cell reference such as "AB12";
// -1 when ref starts with no letter.
func columnIndex(ref string) int {
	n := 0
	i := 0
	for ; i < len(ref); i++ {
		c := ref[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c < 'A' || c > 'Z' {
			break
		}
		n = n*26 + int(c-'A'+1)
		if n > 1<<14 { // Excel's limit is 16,384 columns (XFD)
			return -1
		}
	}
	if i == 0 {
		return -1
	}
	return n - 1
}

// cellRef is the reference of row r (1-based) and column c (0-based).
func cellRef(c, r int) string { return ColumnName(c+1) + strconv.Itoa(r) }
