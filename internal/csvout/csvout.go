package csvout

import (
	"encoding/csv"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/wxpos/wxpos/receipt"
)

// BOM is the UTF-8 byte order mark every file starts with.
const BOM = "\ufeff"

// Lang is the language of a file's header rows.
type Lang int

// Languages a header can be written in.
const (
	English Lang = iota
	Chinese
)

// LangOf maps a UI locale ("zh-CN", "en") or a POSIX locale ("zh_CN.UTF-8",
// "C") to a header language: anything starting with zh is Chinese.
func LangOf(locale string) Lang {
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(locale)), "zh") {
		return Chinese
	}
	return English
}

// LangFromEnv is the command line's header language: the first of LC_ALL,
// LC_MESSAGES and LANG that is set decides; none set means English.
func LangFromEnv() Lang {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(k); v != "" {
			return LangOf(v)
		}
	}
	return English
}

// Column is one column of a table: a stable English key and its headers.
// EN defaults to Key.
type Column struct {
	Key, ZH, EN string
}

// Header returns the column's header in lang.
func (c Column) Header(lang Lang) string {
	switch {
	case lang == Chinese && c.ZH != "":
		return c.ZH
	case c.EN != "":
		return c.EN
	}
	return c.Key
}

// Headers returns the header row of cols in lang.
func Headers(cols []Column, lang Lang) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Header(lang)
	}
	return out
}

// Writer writes one CSV file under the package's rules. The first error
// sticks: later calls do nothing and Flush returns it.
type Writer struct {
	cw     *csv.Writer
	lang   Lang
	tables int
	err    error
}

// New starts a file on w: the byte order mark, then the header row of
// cols in lang.
func New(w io.Writer, lang Lang, cols []Column) *Writer {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	x := &Writer{cw: cw, lang: lang}
	_, x.err = io.WriteString(w, BOM)
	x.Table(cols)
	return x
}

// Table starts another table in the same file: a blank line unless it is
// the first, then the header row of cols.
func (x *Writer) Table(cols []Column) {
	if x.tables > 0 {
		x.write(nil)
	}
	x.tables++
	x.write(Headers(cols, x.lang))
}

// Row writes one row; every cell is defused (Safe).
func (x *Writer) Row(cells ...string) {
	row := make([]string, len(cells))
	for i, c := range cells {
		row[i] = Safe(c)
	}
	x.write(row)
}

func (x *Writer) write(row []string) {
	if x.err != nil {
		return
	}
	x.err = x.cw.Write(row)
}

// Flush writes what is buffered and returns the first error of the file.
func (x *Writer) Flush() error {
	x.cw.Flush()
	if x.err != nil {
		return x.err
	}
	return x.cw.Error()
}

// Safe defuses CSV formula injection: a cell starting with = + @, a tab or
// a CR, or a - that does not start a number, gets a leading apostrophe.
func Safe(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '@', '\t', '\r':
		return "'" + s
	case '-':
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return "'" + s
		}
	}
	return s
}

// Yuan formats fen as yuan with two decimals and no sign of currency
// ("12.34", "-0.30"): a number to a spreadsheet.
func Yuan(fen int64) string { return receipt.Yuan(fen) }

// Fen formats an exact amount in fen.
func Fen(fen int64) string { return strconv.FormatInt(fen, 10) }

// FeeFen rounds a fee in thousandths of a fen to whole fen, half away
// from zero: 295 → 0, 500 → 1, -1500 → -2.
func FeeFen(milliFen int64) int64 {
	if milliFen < 0 {
		return -FeeFen(-milliFen)
	}
	return (milliFen + 500) / 1000
}

// FeeExact formats a fee in thousandths of a fen as yuan with the bill's
// five decimals ("0.07200", "-1.00000"), exactly.
func FeeExact(milliFen int64) string {
	sign := ""
	u := uint64(milliFen)
	if milliFen < 0 {
		sign, u = "-", -u
	}
	return sign + strconv.FormatUint(u/100000, 10) + "." + pad5(u%100000)
}

func pad5(n uint64) string {
	s := strconv.FormatUint(n, 10)
	return strings.Repeat("0", 5-len(s)) + s
}
