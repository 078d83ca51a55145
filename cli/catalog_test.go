package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCatalogCommands: a dry run lists what would change and writes
// nothing, a real import needs a manager, a file with errors names each
// line and column and imports nothing (exit 2), export writes what import
// reads back unchanged, list searches by pinyin initials.
func TestCatalogCommands(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	good := filepath.Join(dir, "items.csv")
	bad := filepath.Join(dir, "bad.csv")
	out := filepath.Join(dir, "out.xlsx")
	write := func(path, text string) {
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(good, "编号,名称,价格,条码,分类\ncola,可口可乐,3.5,6901234567892,饮料\nwater,农夫山泉,2,96385074,饮料\n\n分类,颜色,顺序\n饮料,#3366ff,1\n")
	write(bad, "id,name,price,barcodes\ntea,茶,12.555,\n")
	taken := filepath.Join(dir, "taken.csv")
	write(taken, "id,name,price,barcodes\nmilk,牛奶,5,6901234567892\n")
	steps := []struct {
		name, stdin string
		args        []string
		code        int
		out         string
	}{
		{"dry run", "", []string{"catalog", "import", good, "--dry-run"}, 0, "line 2: add item cola\nline 3: add item water\n"},
		{"nothing written", "", []string{"catalog", "list"}, 0, "0 items, catalogue version 0"},
		{"no manager", "", []string{"catalog", "import", good}, 2, ""},
		{"no manager yet", "2468\n", []string{"catalog", "import", good, "--manager", "Wang"}, 1, ""},
		{"setup", "2468\n2468\n", []string{"staff", "setup", "Wang"}, 0, "manager Wang created"},
		{"wrong PIN", "1111\n", []string{"catalog", "import", good, "--manager", "Wang"}, 1, ""},
		{"import", "2468\n", []string{"catalog", "import", good, "--manager", "Wang"}, 0, "items 2 added, 0 changed"},
		{"again", "2468\n", []string{"catalog", "import", good, "--manager", "Wang"}, 0, "items 0 added, 0 changed, 2 unchanged"},
		{"errors by line", "2468\n", []string{"catalog", "import", bad, "--manager", "Wang"}, 2,
			"bad.csv line 2, column C (price): error: bad price \"12.555\": more than two decimals"},
		{"taken barcode", "", []string{"catalog", "import", taken, "--dry-run"}, 2,
			"taken.csv line 2, column D (barcodes): error: 6901234567892 already names item \"cola\""},
		{"search", "", []string{"catalog", "list", "--search", "kkkl"}, 0, "cola"},
		{"export", "", []string{"catalog", "export", out}, 0, "exported 2 items and 1 categories (catalogue version 1)"},
		{"audit", "", []string{"staff", "audit", "--kind", "catalog."}, 0, "catalog.change"},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			code, stdout, stderr := runIn(t, s.stdin, append([]string{"--data", data}, s.args...)...)
			if code != s.code || !strings.Contains(stdout, s.out) {
				t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s", code, s.code, stdout, stderr)
			}
		})
	}
	// The exported file imports as "nothing changed".
	code, stdout, stderr := runIn(t, "", "--data", data, "catalog", "import", out, "--dry-run", "--json")
	var j struct {
		Items  struct{ Added, Changed, Unchanged int }
		Errors []any
	}
	if err := json.Unmarshal([]byte(stdout), &j); code != 0 || err != nil || j.Items.Unchanged != 2 || j.Items.Added+j.Items.Changed != 0 || len(j.Errors) != 0 {
		t.Fatalf("re-import of the export: exit %d %v %+v\n%s\n%s", code, err, j, stdout, stderr)
	}
}

// TestHQCatalogPull: head office imports a file into PostgreSQL, a
// terminal pulls it, a second HQ import reaches the terminal as a change,
// and a pull from a server that is not there fails and keeps the copy.
func TestHQCatalogPull(t *testing.T) {
	_, dsn := replicaPool(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	file := filepath.Join(dir, "hq.csv")
	write := func(text string) {
		if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("id,name,price,barcodes,category\ncola,可口可乐,3.5,6901234567892,饮料\n\ncategory,colour\n饮料,#3366ff\n")
	steps := []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"hq import", []string{"hq", "catalog", "import", file, "--dsn", dsn}, 0, "1 items and 1 categories added or changed"},
		{"pull", []string{"catalog", "pull", "--dsn", dsn}, 0, "items 1 added, 0 changed"},
		{"listed", []string{"catalog", "list"}, 0, "3.50"},
		{"price change", []string{"hq", "catalog", "import", file, "--dsn", dsn}, 0, "1 items and 0 categories"},
		{"pull again", []string{"catalog", "pull", "--dsn", dsn}, 0, "items 0 added, 1 changed"},
		{"listed again", []string{"catalog", "list"}, 0, "3.80"},
		{"hq down", []string{"catalog", "pull", "--dsn", "postgres://nobody@127.0.0.1:1/none?connect_timeout=1", "--timeout", "3s"}, 1, ""},
		{"still selling", []string{"catalog", "list", "--search", "kkkl"}, 0, "3.80"},
		{"refused", []string{"hq", "catalog", "import", filepath.Join(dir, "dup.csv"), "--dsn", dsn}, 2, ""},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if s.name == "price change" {
				write("id,name,price,barcodes,category\ncola,可口可乐,3.8,6901234567892,饮料\n\ncategory,colour\n饮料,#3366ff\n")
			}
			if s.name == "refused" {
				if err := os.WriteFile(filepath.Join(dir, "dup.csv"), []byte("id,name,price,barcodes\nfake,假可乐,1,6901234567892\n"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			code, stdout, stderr := runIn(t, "", append([]string{"--data", data}, s.args...)...)
			if code != s.code || !strings.Contains(stdout, s.out) {
				t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s", code, s.code, stdout, stderr)
			}
		})
	}
}
