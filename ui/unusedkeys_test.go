package ui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoUnusedCatalogueKey: every catalogue key declared as a constant is
// used by the code, not only declared and translated: a key nobody shows
// is a translation nobody maintains (msgSimTitle and msgSimScenario lived
// on after the customer panel's title became msgSimTitlePick).
func TestNoUnusedCatalogueKey(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{} // the constants' names
	uses := map[string]int{}      // identifiers, outside declarations and table keys
	var parsed []*ast.File
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, f)
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.CONST {
				for _, s := range g.Specs {
					vs := s.(*ast.ValueSpec)
					if id, ok := vs.Type.(*ast.Ident); ok && id.Name == "msg" {
						for _, n := range vs.Names {
							declared[n.Name] = true
						}
					}
				}
			}
		}
	}
	for _, f := range parsed {
		tableKeys := map[*ast.Ident]bool{}
		ast.Inspect(f, func(n ast.Node) bool {
			switch v := n.(type) {
			case *ast.ValueSpec:
				for _, id := range v.Names {
					tableKeys[id] = true
				}
			case *ast.KeyValueExpr:
				if id, ok := v.Key.(*ast.Ident); ok {
					tableKeys[id] = true
				}
			case *ast.Ident:
				if declared[v.Name] && !tableKeys[v] {
					uses[v.Name]++
				}
			}
			return true
		})
	}
	if len(declared) < 300 {
		t.Fatalf("found only %d declared keys", len(declared))
	}
	for k := range declared {
		if uses[k] == 0 {
			t.Errorf("catalogue key %s is declared but never used", k)
		}
	}
}
