package xlsx

import (
	"archive/zip"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	in := []Sheet{
		{Name: "items", Rows: [][]string{
			{"id", "name", "price", "barcodes"},
			{"A1", "可口可乐 <330ml> & \"冰\"", "3.50", "0012345678905"},
			nil, // a blank line keeps its place
			{"A2", "", "12", "6901234567892 6901234567893"},
			{"", "", "", "", "  spaces kept  "},
		}},
		{Name: "分类", Rows: [][]string{{"name", "colour"}, {"饮料", "#ff0000"}}},
	}
	name := filepath.Join(t.TempDir(), "book.xlsx")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := Write(f, in); err != nil {
		t.Fatal(err)
	}
	f.Close()
	got, err := Read(name)
	if err != nil {
		t.Fatal(err)
	}
	// Read gives a row the length of its last non-empty cell.
	want := []Sheet{
		{Name: "items", Rows: [][]string{in[0].Rows[0], in[0].Rows[1], nil, {"A2", "", "12", "6901234567892 6901234567893"}, in[0].Rows[4]}},
		in[1],
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

// A workbook as Excel and LibreOffice write it: a shared-string table with
// rich text and phonetic runs, numbers, booleans, formulas with their
// cached values, cells without references, pretty-printed XML, sheet parts
// named by absolute targets.
func TestReadsWhatSpreadsheetsWrite(t *testing.T) {
	parts := map[string]string{
		"[Content_Types].xml": `<Types/>`,
		"xl/workbook.xml": `<?xml version="1.0"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
  <sheets>
    <sheet name="Items" sheetId="1" r:id="rId7"/>
    <sheet name="Other" sheetId="2" r:id="rId8"/>
  </sheets>
</workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
  <Relationship Id="rId7" Type="worksheet" Target="worksheets/sheet2.xml"/>
  <Relationship Id="rId8" Type="worksheet" Target="/xl/worksheets/sheet1.xml"/>
</Relationships>`,
		"xl/sharedStrings.xml": `<sst count="3">
  <si><t>name</t></si>
  <si><r><rPr><b/></rPr><t>面</t></r><r><t xml:space="preserve">包 </t></r><rPh sb="0" eb="1"><t>ミエン</t></rPh></si>
  <si>
    <t>price</t>
  </si>
</sst>`,
		"xl/worksheets/sheet2.xml": `<worksheet><sheetData>
  <row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>2</v></c></row>
  <row r="3">
    <c r="A3" t="s"><v>1</v></c>
    <c r="B3"><f>1+1</f><v>2</v></c>
    <c r="C3"><v>12.5</v></c>
    <c r="D3" t="b"><v>1</v></c>
    <c r="E3" t="str"><f>A3</f><v>面包 </v></c>
  </row>
  <row><c><v>7</v></c><c t="inlineStr"><is><t>x</t></is></c></row>
</sheetData></worksheet>`,
		"xl/worksheets/sheet1.xml": `<worksheet><sheetData/></worksheet>`,
	}
	got, err := Read(zipOf(t, parts))
	if err != nil {
		t.Fatal(err)
	}
	want := []Sheet{
		{Name: "Items", Rows: [][]string{{"name", "", "price"}, nil, {"面包 ", "2", "12.5", "1", "面包 "}, {"7", "x"}}},
		{Name: "Other"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

func TestRefuses(t *testing.T) {
	good := func() map[string]string {
		return map[string]string{
			"xl/workbook.xml":            `<workbook><sheets><sheet name="S" r:id="rId1" xmlns:r="r"/></sheets></workbook>`,
			"xl/_rels/workbook.xml.rels": `<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>`,
			"xl/worksheets/sheet1.xml":   `<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>`,
		}
	}
	if _, err := Read(zipOf(t, good())); err != nil {
		t.Fatalf("the good workbook: %v", err)
	}
	for name, change := range map[string]func(map[string]string){
		"no workbook":        func(p map[string]string) { delete(p, "xl/workbook.xml") },
		"sheet without part": func(p map[string]string) { delete(p, "xl/worksheets/sheet1.xml") },
		"rows backwards": func(p map[string]string) {
			p["xl/worksheets/sheet1.xml"] = `<worksheet><sheetData><row r="2"/><row r="1"/></sheetData></worksheet>`
		},
		"cells backwards": func(p map[string]string) {
			p["xl/worksheets/sheet1.xml"] = `<worksheet><sheetData><row r="1"><c r="B1"><v>1</v></c><c r="A1"><v>1</v></c></row></sheetData></worksheet>`
		},
		"beyond the last column": func(p map[string]string) {
			p["xl/worksheets/sheet1.xml"] = `<worksheet><sheetData><row r="1"><c r="XFE1"><v>1</v></c></row></sheetData></worksheet>`
		},
		"shared string out of range": func(p map[string]string) {
			p["xl/worksheets/sheet1.xml"] = `<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>3</v></c></row></sheetData></worksheet>`
		},
		"broken XML": func(p map[string]string) { p["xl/worksheets/sheet1.xml"] = `<worksheet><sheetData><row>` },
	} {
		t.Run(name, func(t *testing.T) {
			p := good()
			change(p)
			if _, err := Read(zipOf(t, p)); !errors.Is(err, ErrFormat) {
				t.Fatalf("err %v, want ErrFormat", err)
			}
		})
	}
	t.Run("not a zip", func(t *testing.T) {
		name := filepath.Join(t.TempDir(), "a.xlsx")
		os.WriteFile(name, []byte("id,name\n"), 0o600)
		if _, err := Read(name); !errors.Is(err, ErrFormat) {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("zip bomb", func(t *testing.T) {
		defer func(was int64) { MaxXML = was }(MaxXML)
		MaxXML = 1 << 20
		p := good()
		p["xl/worksheets/sheet1.xml"] = `<worksheet><sheetData>` + strings.Repeat(`<row><c><v>1</v></c></row>`, 100_000) + `</sheetData></worksheet>`
		if _, err := Read(zipOf(t, p)); !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "MB of XML") {
			t.Fatalf("err %v, want the budget refused", err)
		}
	})
}

func TestColumnName(t *testing.T) {
	for n, want := range map[int]string{0: "", 1: "A", 26: "Z", 27: "AA", 52: "AZ", 53: "BA", 702: "ZZ", 703: "AAA", 16384: "XFD"} {
		if got := ColumnName(n); got != want {
			t.Errorf("ColumnName(%d) = %q, want %q", n, got, want)
		}
		if n > 0 {
			if got := columnIndex(want + "12"); got != n-1 {
				t.Errorf("columnIndex(%q) = %d, want %d", want+"12", got, n-1)
			}
		}
	}
}

// zipOf writes parts as a zip file and returns its name.
func zipOf(t *testing.T, parts map[string]string) string {
	t.Helper()
	name := filepath.Join(t.TempDir(), "book.xlsx")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	z := zip.NewWriter(f)
	for n, body := range parts {
		w, err := z.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return name
}
