package catalogfile

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/wxpos/wxpos/catalog"
	"github.com/wxpos/wxpos/internal/csvout"
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
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetItems); err != nil {
		return err
	}
	rows := make([][]string, 0, len(items))
	for i := range items {
		rows = append(rows, itemRow(&items[i]))
	}
	if err := writeSheet(f, SheetItems, csvout.Headers(itemColumns, lang), rows); err != nil {
		return err
	}
	if len(cats) > 0 {
		if _, err := f.NewSheet(SheetCategories); err != nil {
			return err
		}
		rows = rows[:0]
		for _, c := range cats {
			rows = append(rows, categoryRow(c))
		}
		if err := writeSheet(f, SheetCategories, csvout.Headers(categoryColumns, lang), rows); err != nil {
			return err
		}
	}
	return f.SaveAs(path)
}

// writeSheet streams header and rows into sheet, every cell text.
func writeSheet(f *excelize.File, sheet string, head []string, rows [][]string) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	put := func(n int, row []string) error {
		cells := make([]any, len(row))
		for i, c := range row {
			cells[i] = c
		}
		cell, err := excelize.CoordinatesToCellName(1, n)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, cells)
	}
	if err := put(1, head); err != nil {
		return err
	}
	for i, row := range rows {
		if err := put(i+2, row); err != nil {
			return fmt.Errorf("sheet %s row %d: %w", sheet, i+2, err)
		}
	}
	return sw.Flush()
}
