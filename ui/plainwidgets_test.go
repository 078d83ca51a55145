package ui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// plainFocusable are Fyne's constructors of widgets that take focus and keep
// every key to themselves; screens build the wrappers in keywidgets.go and
// keyburst.go instead, which hand Esc, F-keys and scanner bursts back.
var plainFocusable = map[string]bool{
	"NewButton": true, "NewButtonWithIcon": true, "NewSelect": true, "NewRadioGroup": true,
	"NewCheck": true, "NewCheckGroup": true, "NewTable": true, "NewTableWithHeaders": true,
	"NewList": true, "NewListWithData": true, "NewSlider": true, "NewHyperlink": true,
	"NewEntry": true, "NewPasswordEntry": true, "NewMultiLineEntry": true, "NewSelectEntry": true,
	"NewTree": true, "NewGridWrap": true,
}

// TestNoPlainFocusableWidget keeps the Esc fix from eroding: a screen that
// builds one of Fyne's focusable widgets directly (constructor or composite
// literal) would again swallow Esc once Tab reaches it.
func TestNoPlainFocusableWidget(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var bad []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			var sel *ast.SelectorExpr
			name := ""
			switch n := n.(type) {
			case *ast.CallExpr:
				sel, _ = n.Fun.(*ast.SelectorExpr)
				if sel != nil {
					name = sel.Sel.Name
				}
			case *ast.CompositeLit:
				sel, _ = n.Type.(*ast.SelectorExpr)
				if sel != nil {
					name = "New" + sel.Sel.Name
				}
			}
			if sel == nil || !plainFocusable[name] {
				return true
			}
			if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "widget" {
				bad = append(bad, fset.Position(n.Pos()).String()+": widget."+sel.Sel.Name)
			}
			return true
		})
	}
	if len(bad) > 0 {
		t.Errorf("focusable Fyne widgets built directly; use newButton, newIconButton, newSelect, newRadio, newTable, newKeyList, newKeyEntry or newKeySelectEntry:\n%s",
			strings.Join(bad, "\n"))
	}
}
