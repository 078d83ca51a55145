package storage_test

import (
	"fmt"
	"go/ast"
	"go/types"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

const statePath = modulePath + "/state"

// TestStatesSpelledOnce fails when code outside package state spells a
// payment or refund state: a string literal used as a state.Order or
// state.Refund, a string constant standing in for one, or a conversion of
// one. The states are named once, in package state, and read everywhere
// through its constants (or pos's, which are the same).
func TestStatesSpelledOnce(t *testing.T) {
	m := loadModule(t)
	if got := stateLiterals(m.packages()); len(got) > 0 {
		t.Errorf("a state spelled outside package state (use its constant, e.g. state.Paid or pos.StatePaid):\n%s",
			strings.Join(got, "\n"))
	}
}

// TestStateLiteralCheckFinds runs the state-literal check on
// testdata/statelit, whose lines marked "want" spell a state.
func TestStateLiteralCheckFinds(t *testing.T) {
	m := loadModule(t)
	p, err := m.checkDir(modulePath+"/storage/testdata/statelit", filepath.Join(m.root, "storage", "testdata", "statelit"))
	if err != nil {
		t.Fatal(err)
	}
	got := lines(stateLiterals([]*checked{p}))
	if want := wantLines(m, p); !slices.Equal(got, want) {
		t.Fatalf("flagged lines %v, want %v", got, want)
	}
}

// stateLiterals lists every constant expression of a state type outside
// package state that does not come from a constant of that type.
func stateLiterals(pkgs []*checked) []string {
	m, _ := moduleOnce()
	var out []string
	for _, p := range pkgs {
		if p.path == statePath {
			continue
		}
		for e, tv := range p.info.Types {
			if tv.Value == nil || !isState(tv.Type) {
				continue
			}
			var why string
			switch e := e.(type) {
			case *ast.BasicLit:
				if e.Value != `""` { // "" is no state yet, not a state's name
					why = "the literal " + e.Value
				}
			case *ast.Ident:
				why = untypedConst(p.info.Uses[e])
			case *ast.SelectorExpr:
				why = untypedConst(p.info.Uses[e.Sel])
			case *ast.CallExpr: // a conversion: State(x)
				if len(e.Args) == 1 && !isState(p.info.TypeOf(e.Args[0])) {
					why = "a conversion of a string constant"
				}
			}
			if why != "" {
				out = append(out, fmt.Sprintf("%s: %s used as %s", m.rel(e.Pos()), why, tv.Type))
			}
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// untypedConst describes obj when it is a constant of another type than
// the state types (a string copy of a state's name), else "".
func untypedConst(obj types.Object) string {
	if c, ok := obj.(*types.Const); ok && !isState(c.Type()) {
		return "the constant " + c.Name()
	}
	return ""
}

// isState reports whether t is state.Order or state.Refund.
func isState(t types.Type) bool {
	named, ok := types.Unalias(t).(*types.Named) // pos.State and ui.State are aliases
	if !ok || named.Obj().Pkg() == nil || named.Obj().Pkg().Path() != statePath {
		return false
	}
	return named.Obj().Name() == "Order" || named.Obj().Name() == "Refund"
}
