// Command funclen lists the functions longer than -n lines (default 80),
// longest first, so a review can ask whether a split would make them read
// as what they do. Test files and testdata are skipped unless -tests.
//
//	go run ./internal/funclen [-n 80] [-tests] [dir ...]   # default: .
package main

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// fn is one function and its length in lines, braces included.
type fn struct {
	where, name string
	lines       int
}

func main() {
	n := flag.Int("n", 80, "list functions longer than `n` lines")
	tests := flag.Bool("tests", false, "include _test.go files")
	flag.Parse()
	dirs := flag.Args()
	if len(dirs) == 0 {
		dirs = []string{"."}
	}
	var all []fn
	for _, d := range dirs {
		found, err := scan(d, *tests)
		if err != nil {
			fmt.Fprintln(os.Stderr, "funclen:", err)
			os.Exit(1)
		}
		all = append(all, found...)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].lines > all[j].lines })
	for _, f := range all {
		if f.lines > *n {
			fmt.Printf("%4d  %s  %s\n", f.lines, f.name, f.where)
		}
	}
}

// scan measures every function declared in the Go files under dir.
func scan(dir string, tests bool) ([]fn, error) {
	fset := token.NewFileSet()
	var out []fn
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != dir && (name == "testdata" || strings.HasPrefix(name, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || (!tests && strings.HasSuffix(path, "_test.go")) {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			if d, ok := decl.(*ast.FuncDecl); ok && d.Body != nil {
				start, end := fset.Position(d.Pos()), fset.Position(d.End())
				out = append(out, fn{where: fmt.Sprintf("%s:%d", path, start.Line), name: name(d), lines: end.Line - start.Line + 1})
			}
		}
		return nil
	})
	return out, err
}

// name is "Recv.Func" for a method, else the function's name.
func name(d *ast.FuncDecl) string {
	if d.Recv == nil || len(d.Recv.List) == 0 {
		return d.Name.Name
	}
	t := d.Recv.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	if ix, ok := t.(*ast.IndexExpr); ok {
		t = ix.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name + "." + d.Name.Name
	}
	return d.Name.Name
}
