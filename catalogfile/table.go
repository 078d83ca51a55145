package catalogfile

import (
	"fmt"
	"strings"

	"github.com/wxpos/wxpos/internal/xlsx"

	"github.com/wxpos/wxpos/internal/csvout"
)

// Table is one table of a file: its rows as read, the header first, and
// the line (row) number of each in the file.
type Table struct {
	Source string // file name, or "file.xlsx, sheet 商品"
	Rows   [][]string
	Lines  []int
}

// The columns of the two tables, in the order they are written.
var (
	itemColumns = []csvout.Column{
		{Key: "id", ZH: "编号"}, {Key: "name", ZH: "名称"}, {Key: "name_en", ZH: "英文名称"},
		{Key: "price", ZH: "价格"}, {Key: "barcodes", ZH: "条码"}, {Key: "plu", ZH: "秤码"},
		{Key: "category", ZH: "分类"}, {Key: "unit", ZH: "单位"}, {Key: "active", ZH: "在售"},
		{Key: "open_price", ZH: "议价"},
	}
	categoryColumns = []csvout.Column{{Key: "category", ZH: "分类"}, {Key: "colour", ZH: "颜色"}, {Key: "order", ZH: "顺序"}}
)

// LineError is one thing wrong in a file, where it is.
type LineError struct {
	Source string
	Line   int
	Column string // "D (price)"; empty for the line as a whole
	Err    error
}

func (e *LineError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("%s line %d: %v", e.Source, e.Line, e.Err)
	}
	return fmt.Sprintf("%s line %d, column %s: %v", e.Source, e.Line, e.Column, e.Err)
}

func (e *LineError) Unwrap() error { return e.Err }

// header maps a table's header row to column indexes by key.
type header struct {
	index map[string]int
	names []string // as written in the file
}

func readHeader(row []string, cols []csvout.Column) (header, []string) {
	h := header{index: map[string]int{}, names: row}
	var unknown []string
	for i, cell := range row {
		name := strings.TrimSpace(cell)
		if name == "" {
			continue
		}
		key := ""
		for _, c := range cols {
			if strings.EqualFold(name, c.Key) || name == c.ZH {
				key = c.Key
			}
		}
		if key == "" {
			unknown = append(unknown, name)
			continue
		}
		h.index[key] = i
	}
	return h, unknown
}

// column names column i for an error: its letter and header.
func (h header) column(key string) string {
	i, ok := h.index[key]
	if !ok {
		return ""
	}
	return fmt.Sprintf("%s (%s)", xlsx.ColumnName(i+1), strings.TrimSpace(h.names[i]))
}

// cell is row's value in the column key ("" when absent), with a leading
// apostrophe that csvout.Safe added taken off again.
func (h header) cell(row []string, key string) string {
	i, ok := h.index[key]
	if !ok || i >= len(row) {
		return ""
	}
	v := strings.TrimSpace(row[i])
	if len(v) > 1 && v[0] == '\'' && strings.ContainsRune("=+-@", rune(v[1])) {
		v = v[1:]
	}
	return v
}

// kind tells an items table from a categories table by its header: one
// has an id column, the other a colour column. It runs on every row, so
// it compares bytes and allocates nothing.
func kind(row []string) string {
	for _, cell := range row {
		switch c := strings.TrimSpace(cell); {
		case strings.EqualFold(c, "id") || c == "编号":
			return "items"
		case strings.EqualFold(c, "colour") || c == "颜色":
			return "categories"
		}
	}
	return ""
}
