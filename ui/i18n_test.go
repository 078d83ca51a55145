package ui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

var verbRe = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z]`)

// TestCatalogComplete checks that every declared key has both texts with the
// same formatting verbs.
func TestCatalogComplete(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "messages.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var keys []msg
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			for _, v := range vs.Values {
				lit, ok := v.(*ast.BasicLit)
				if !ok {
					continue
				}
				k, _ := strconv.Unquote(lit.Value)
				keys = append(keys, msg(k))
			}
		}
	}
	if len(keys) < 50 {
		t.Fatalf("parsed only %d keys from messages.go", len(keys))
	}
	for _, k := range keys {
		t.Run(string(k), func(t *testing.T) {
			tr, ok := messages[k]
			if !ok {
				t.Fatal("no translation")
			}
			if tr.zh == "" || tr.en == "" {
				t.Fatalf("empty text: %+v", tr)
			}
			if a, b := verbRe.FindAllString(tr.zh, -1), verbRe.FindAllString(tr.en, -1); strings.Join(a, ",") != strings.Join(b, ",") {
				t.Fatalf("verbs differ: zh %v en %v", a, b)
			}
		})
	}
	if len(messages) != len(keys) {
		t.Errorf("messages has %d entries, %d keys declared", len(messages), len(keys))
	}
}

// TestNoChineseOutsideCatalog fails when a Chinese string literal appears
// anywhere but in a translation table (a map[msg]translation literal):
// every text goes through the catalogue.
func TestNoChineseOutsideCatalog(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, name, src, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				if isTranslationTable(n) {
					return false
				}
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				for _, r := range lit.Value {
					if unicode.Is(unicode.Han, r) {
						t.Errorf("%s: Chinese literal %s outside the catalogue", fset.Position(lit.Pos()), lit.Value)
						break
					}
				}
				return true
			})
		})
	}
}

func TestCatalogLanguages(t *testing.T) {
	tests := []struct {
		name string
		lang Lang
		key  msg
		args []any
		want string
	}{
		{"chinese default", LangZH, msgScanPrompt, nil, "请出示付款码"},
		{"english", LangEN, msgScanPrompt, nil, "Please show your payment code"},
		{"unknown language falls back to chinese", Lang("fr"), msgCashExact, nil, "刚好 F3"},
		{"regional english", Lang("en-US"), msgCashExact, nil, "Exact F3"},
		{"posix english", Lang("en_GB"), msgCashExact, nil, "Exact F3"},
		{"chinese tag", Lang("zh-CN"), msgCashExact, nil, "刚好 F3"},
		{"empty is chinese", Lang(""), msgCashExact, nil, "刚好 F3"},
		{"formatted", LangZH, msgStatusPending, []any{3}, "待处理 3"},
		{"missing key shows the key", LangEN, msg("no.such"), nil, "no.such"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := newCatalog(tt.lang).T(tt.key, tt.args...); got != tt.want {
				t.Errorf("T(%q) = %q, want %q", tt.key, got, tt.want)
			}
		})
	}
}

// isTranslationTable reports whether n is a map[msg]translation literal.
func isTranslationTable(n ast.Node) bool {
	cl, ok := n.(*ast.CompositeLit)
	if !ok {
		return false
	}
	mt, ok := cl.Type.(*ast.MapType)
	if !ok {
		return false
	}
	k, ok1 := mt.Key.(*ast.Ident)
	v, ok2 := mt.Value.(*ast.Ident)
	return ok1 && ok2 && k.Name == "msg" && v.Name == "translation"
}

// TestCatalogueKeys is the zh/en parity check over every table: each key
// declared anywhere in the package (a const of type msg) has a text in both
// languages, in exactly one table, with the same formatting verbs; and no
// key is in two tables.
func TestCatalogueKeys(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	declared := map[msg]string{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, s := range g.Specs {
				vs := s.(*ast.ValueSpec)
				if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "msg" {
					continue
				}
				for _, v := range vs.Values {
					if lit, ok := v.(*ast.BasicLit); ok {
						k, _ := strconv.Unquote(lit.Value)
						declared[msg(k)] = name
					}
				}
			}
		}
	}
	if len(declared) < 300 {
		t.Fatalf("found only %d declared keys", len(declared))
	}
	for k, file := range declared {
		n := 0
		for _, table := range catalogue {
			if tr, ok := table[k]; ok {
				n++
				if tr.zh == "" || tr.en == "" {
					t.Errorf("%s (%s): zh %q, en %q: a language is missing", k, file, tr.zh, tr.en)
				}
				if a, b := verbRe.FindAllString(tr.zh, -1), verbRe.FindAllString(tr.en, -1); strings.Join(a, ",") != strings.Join(b, ",") {
					t.Errorf("%s: verbs differ: zh %v en %v", k, a, b)
				}
			}
		}
		if n != 1 {
			t.Errorf("%s (%s) is in %d tables, want exactly 1", k, file, n)
		}
	}
	// Keys built at run time (msg("recon.kind." + kind)) are not declared;
	// they too must be in one table only, in both languages.
	seen := map[msg]int{}
	for _, table := range catalogue {
		for k, tr := range table {
			seen[k]++
			if _, ok := declared[k]; !ok && (tr.zh == "" || tr.en == "") {
				t.Errorf("%s: zh %q, en %q: a language is missing", k, tr.zh, tr.en)
			}
		}
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%s is in %d tables, want exactly 1", k, n)
		}
	}
}
