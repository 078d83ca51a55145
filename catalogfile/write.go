package catalogfile

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/wxpos/wxpos/catalog"
	"github.com/wxpos/wxpos/internal/csvout"
	"github.com/wxpos/wxpos/internal/xlsx"
)

// Sheet names of a written xlsx file.
const (
	SheetItems      = "商品"
	SheetCategories = "分类"
)

// Write writes the catalogue to path, .csv or .xlsx by its name, with
// headers in lang. Prices are text ("12.50"), never floats, and barcodes
// text, so a spreadsheet keeps their leading zeros; Read reads the file
// back as it was.
func Write(path string, lang csvout.Lang, cats []catalog.Category, items []catalog.Item) error {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		if err := WriteCSV(f, lang, cats, items); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	case ".xlsx":
		return writeXLSX(path, lang, cats, items)
	}
	return fmt.Errorf("%s: %w: the name must end in .csv or .xlsx", path, ErrFormat)
}

// WriteCSV writes the items table and, when there are categories, the
// categories table after a blank line (csvout's rules).
func WriteCSV(w io.Writer, lang csvout.Lang, cats []catalog.Category, items []catalog.Item) error {
	x := csvout.New(w, lang, itemColumns)
	for i := range items {
		x.Row(itemRow(&items[i])...)
	}
	if len(cats) > 0 {
		x.Table(categoryColumns)
		for _, c := range cats {
			x.Row(categoryRow(c)...)
		}
	}
	return x.Flush()
}

func itemRow(it *catalog.Item) []string {
	return []string{it.ID, it.Name, it.NameEN, catalog.Yuan(it.Price), strings.Join(it.Barcodes, " "), it.PLU,
		it.Category, string(it.Unit), yesNo(it.Active), yesNo(it.OpenPrice)}
}

func categoryRow(c catalog.Category) []string {
	return []string{c.Name, c.Colour, strconv.Itoa(c.Order)}
}

func yesNo(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func writeXLSX(path string, lang csvout.Lang, cats []catalog.Category, items []catalog.Item) error {
	rows := make([][]string, 0, len(items)+1)
	rows = append(rows, csvout.Headers(itemColumns, lang))
	for i := range items {
		rows = append(rows, itemRow(&items[i]))
	}
	sheets := []xlsx.Sheet{{Name: SheetItems, Rows: rows}}
	if len(cats) > 0 {
		rows := [][]string{csvout.Headers(categoryColumns, lang)}
		for _, c := range cats {
			rows = append(rows, categoryRow(c))
		}
		sheets = append(sheets, xlsx.Sheet{Name: SheetCategories, Rows: rows})
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := xlsx.Write(f, sheets); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
