package catalogfile_test

import (
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/wxpos/wxpos/catalog"
	"github.com/wxpos/wxpos/catalogfile"
	"github.com/wxpos/wxpos/catalogstore"
	"github.com/wxpos/wxpos/internal/csvout"
	"github.com/wxpos/wxpos/storage/storagetest"
)

var (
	cats  = []catalog.Category{{Name: "饮料", Colour: "#3366ff", Order: 1}, {Name: "水果", Colour: "#33aa33", Order: 2}}
	items = []catalog.Item{
		{ID: "apple", Name: "苹果", Price: 1290, PLU: "00042", Category: "水果", Unit: catalog.UnitKG, Active: true},
		{ID: "cola", Name: "可口可乐", NameEN: "Coca-Cola", Price: 350, Barcodes: []string{"6901234567892", "0036000291452"}, Category: "饮料", Unit: catalog.UnitPiece, Active: true},
		{ID: "minus", Name: "-5折券", Price: 0, Unit: catalog.UnitPiece, OpenPrice: true},
	}
)

func TestRoundTrip(t *testing.T) {
	for _, ext := range []string{".csv", ".xlsx"} {
		for _, lang := range []csvout.Lang{csvout.English, csvout.Chinese} {
			t.Run(ext, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "catalog"+ext)
				if err := catalogfile.Write(path, lang, cats, items); err != nil {
					t.Fatal(err)
				}
				b, err := catalogfile.Read(path)
				if err != nil {
					t.Fatal(err)
				}
				p, errs := catalogfile.Parse(b, nil)
				if len(errs) > 0 {
					t.Fatalf("errors reading back: %v", errs)
				}
				if !reflect.DeepEqual(p.Changes.Items, items) {
					t.Errorf("items read back\n%+v\nwant\n%+v", p.Changes.Items, items)
				}
				if !reflect.DeepEqual(p.Changes.Categories, cats) {
					t.Errorf("categories read back %+v, want %+v", p.Changes.Categories, cats)
				}
			})
		}
	}
}

// errorsOf parses a CSV and returns its errors as text.
func errorsOf(t *testing.T, csv string) []string {
	t.Helper()
	b, err := catalogfile.ReadCSV("items.csv", []byte(csv))
	if err != nil {
		return []string{err.Error()}
	}
	_, errs := catalogfile.Parse(b, nil)
	var out []string
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}

func TestErrorsNameLineAndColumn(t *testing.T) {
	csv := "id,name,price,barcodes,active\n" +
		"a,苹果,12.5,6901234567892,1\n" + // line 2: fine
		"b,梨,12.555,,1\n" + // line 3: price
		"c,桃,3,6901234567891,1\n" + // line 4: check digit
		"d,,3,,1\n" + // line 5: name
		"e,瓜,0,,maybe\n" + // line 6: active
		"f g,枣,1,,\n" // line 7: id
	got := errorsOf(t, csv)
	want := []string{
		"items.csv line 3, column C (price): bad price \"12.555\": more than two decimals",
		"items.csv line 4, column D (barcodes): \"6901234567891\" has a wrong check digit (want 2)",
		"items.csv line 5, column B (name): must be 1–64 characters",
		"items.csv line 6, column E (active): \"maybe\" is not 1/0",
		"items.csv line 7, column A (id): \"f g\" is not 1–32",
	}
	if len(got) != len(want) {
		t.Fatalf("errors\n%s\nwant %d", strings.Join(got, "\n"), len(want))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("error %d = %q, want it to start %q", i, got[i], want[i])
		}
	}
}

func TestChineseHeadersAndGBK(t *testing.T) {
	text := "编号,名称,价格,条码,分类\nA1,可口可乐,3.5,6901234567892,饮料\n\n分类,颜色,顺序\n饮料,#3366ff,1\n"
	gbk, err := simplifiedchinese.GB18030.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	b, err := catalogfile.ReadCSV("gbk.csv", []byte(gbk))
	if err != nil {
		t.Fatal(err)
	}
	p, errs := catalogfile.Parse(b, nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(p.Changes.Items) != 1 || p.Changes.Items[0].Name != "可口可乐" || p.Changes.Items[0].Price != 350 || p.Changes.Items[0].Category != "饮料" {
		t.Errorf("items %+v", p.Changes.Items)
	}
	if len(p.Changes.Categories) != 1 || p.Changes.Categories[0].Colour != "#3366ff" {
		t.Errorf("categories %+v", p.Changes.Categories)
	}
}

func TestStoreProblemsNameTheLine(t *testing.T) {
	s := catalogstore.New(storagetest.Open(t), nil)
	csv := "id,name,price,barcodes,category\n" +
		"a,苹果,1,6901234567892,\n" +
		"b,梨,1,6901234567892,\n" + // line 3: same barcode as line 2
		"c,桃,1,,水果\n" // line 4: no such category
	b, err := catalogfile.ReadCSV("items.csv", []byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	p, errs := catalogfile.Parse(b, nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	_, err = s.DryRun(p.Changes)
	if !errors.Is(err, catalogstore.ErrRefused) {
		t.Fatalf("DryRun = %v, want ErrRefused", err)
	}
	var got []string
	for _, e := range p.Explain(err) {
		got = append(got, e.Error())
	}
	want := []string{
		"items.csv line 3, column D (barcodes): 6901234567892 is also the barcode of item 1 (a)",
		"items.csv line 4, column E (category): no category \"水果\"",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("explained\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestNotACatalogue(t *testing.T) {
	for name, csv := range map[string]string{
		"no header":   "a,b,c\n1,2,3\n",
		"bad quoting": "id,name,price\n\"a,b,1\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := catalogfile.ReadCSV("x.csv", []byte(csv)); !errors.Is(err, catalogfile.ErrFormat) {
				t.Errorf("ReadCSV = %v, want ErrFormat", err)
			}
		})
	}
	if _, err := catalogfile.Read("catalog.txt"); !errors.Is(err, catalogfile.ErrFormat) {
		t.Errorf("Read(.txt) = %v, want ErrFormat", err)
	}
}

func FuzzReadCSV(f *testing.F) {
	f.Add("id,name,price\na,b,1\n")
	f.Add("编号,名称,价格,条码\nA1,可口可乐,3.5,6901234567892\n\n分类,颜色,顺序\n饮料,#3366ff,1\n")
	f.Add("id,name,price\n\"a,b,1\n")
	f.Fuzz(func(t *testing.T, csv string) {
		b, err := catalogfile.ReadCSV("f.csv", []byte(csv))
		if err != nil {
			return
		}
		p, errs := catalogfile.Parse(b, nil)
		for _, e := range errs {
			if e.Line < 1 {
				t.Fatalf("error without a line: %v", e)
			}
		}
		if len(errs) == 0 {
			for i := range p.Changes.Items {
				if err := p.Changes.Items[i].Validate(nil); err != nil {
					t.Fatalf("Parse let through %v", err)
				}
			}
		}
	})
}
