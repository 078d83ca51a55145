package storage_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
)

// The rules below are checked on the type-checked source of the whole
// module, the way `go vet` checks code: the module's packages are checked
// from source, everything else is read from the compiler's export data
// (`go list -export`). Test files are not checked: tests seed records and
// build fixtures directly on purpose.

const (
	modulePath  = "github.com/wxpos/wxpos"
	storagePath = modulePath + "/storage"
	posPath     = modulePath + "/pos"
	// posStorePath applies pos's changes (pos.Change) in one transaction:
	// it writes records only as the core's transitions decided them.
	posStorePath = modulePath + "/posstore"
	bboltPath    = "go.etcd.io/bbolt"
)

// TestNoTransactionInsideATransaction fails when code that holds a bbolt
// transaction (a function or closure with a *storage.Tx or *bbolt.Tx
// parameter) calls something that opens another one, directly or through
// any chain of module functions and interface methods. bbolt forbids it:
// a write that grows the memory map in between leaves both waiting for
// ever (TestDeskUnknownWithConcurrentRemap in ui reproduces one).
func TestNoTransactionInsideATransaction(t *testing.T) {
	m := loadModule(t)
	if got := nestedTransactions(m, m.packages()); len(got) > 0 {
		t.Errorf("a transaction is opened while one is held (read through one call of the owning package instead):\n%s", strings.Join(got, "\n"))
	}
}

// TestNestedTransactionCheckFinds runs the nested-transaction check on
// testdata/txnest, whose lines marked "want" open a transaction inside one
// and whose other lines do not.
func TestNestedTransactionCheckFinds(t *testing.T) {
	m := loadModule(t)
	p, err := m.checkDir(modulePath+"/storage/testdata/txnest", filepath.Join(m.root, "storage", "testdata", "txnest"))
	if err != nil {
		t.Fatal(err)
	}
	got := lines(nestedTransactions(m, []*checked{p}))
	if want := wantLines(m, p); !slices.Equal(got, want) {
		t.Fatalf("flagged lines %v, want %v:\n%s", got, want, strings.Join(nestedTransactions(m, []*checked{p}), "\n"))
	}
}

// nestedTransactions lists, as "file:line: why", every call that opens a
// transaction from code that holds one.
func nestedTransactions(m *module, pkgs []*checked) []string {
	all := m.packages()
	for _, p := range pkgs {
		if m.checked[p.path] != p {
			all = append(all, p) // a fixture
		}
	}
	opens := openers(all)
	var out []string
	for _, p := range pkgs {
		for _, f := range p.files {
			ast.Inspect(f, func(n ast.Node) bool {
				var typ *ast.FuncType
				var body *ast.BlockStmt
				switch fn := n.(type) {
				case *ast.FuncDecl:
					typ, body = fn.Type, fn.Body
				case *ast.FuncLit:
					typ, body = fn.Type, fn.Body
				default:
					return true
				}
				if body == nil || !holdsTx(p.info, typ) {
					return true
				}
				held := m.fset.Position(typ.Pos()).Line
				ast.Inspect(body, func(n ast.Node) bool {
					call, ok := n.(*ast.CallExpr)
					if !ok {
						return true
					}
					if fn := callee(p.info, call); fn != nil && opens(fn) {
						out = append(out, fmt.Sprintf("%s: %s opens a transaction inside the one held since line %d",
							m.rel(call.Pos()), fn.FullName(), held))
					}
					return true
				})
				return false // the inner walk covered nested closures
			})
		}
	}
	sort.Strings(out)
	return out
}

// holdsTx reports whether a function of type typ is given a transaction.
func holdsTx(info *types.Info, typ *ast.FuncType) bool {
	for _, f := range typ.Params.List {
		ptr, ok := info.TypeOf(f.Type).(*types.Pointer)
		if !ok {
			continue
		}
		if named, ok := ptr.Elem().(*types.Named); ok && named.Obj().Name() == "Tx" && named.Obj().Pkg() != nil {
			if p := named.Obj().Pkg().Path(); p == storagePath || p == bboltPath {
				return true
			}
		}
	}
	return false
}

// callee resolves the function or method a call invokes statically (an
// interface method for a call through an interface); nil for calls of
// function values, conversions and builtins.
func callee(info *types.Info, call *ast.CallExpr) *types.Func {
	fun := ast.Unparen(call.Fun)
	switch ix := fun.(type) {
	case *ast.IndexExpr:
		fun = ix.X
	case *ast.IndexListExpr:
		fun = ix.X
	}
	var obj types.Object
	switch f := fun.(type) {
	case *ast.Ident:
		obj = info.Uses[f]
	case *ast.SelectorExpr:
		if sel := info.Selections[f]; sel != nil {
			obj = sel.Obj()
		} else {
			obj = info.Uses[f.Sel]
		}
	}
	fn, _ := obj.(*types.Func)
	if fn == nil {
		return nil
	}
	return fn.Origin()
}

func isMethod(fn *types.Func, pkg, recv string) bool {
	sig := fn.Signature()
	if sig.Recv() == nil || fn.Pkg() == nil || fn.Pkg().Path() != pkg {
		return false
	}
	t := sig.Recv().Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	named, ok := t.(*types.Named)
	return ok && named.Obj().Name() == recv
}

// bboltOpens reports whether fn is one of bbolt's own ways to begin a
// transaction.
func bboltOpens(fn *types.Func) bool {
	if !isMethod(fn, bboltPath, "DB") {
		return false
	}
	switch fn.Name() {
	case "View", "Update", "Batch", "Begin":
		return true
	}
	return false
}

// openers computes, to a fixed point over pkgs, which functions may open a
// transaction when called: bbolt's DB.View/Update/Batch/Begin, every
// function that calls one of those, and every interface method that some
// type of pkgs implements with one.
func openers(pkgs []*checked) func(*types.Func) bool {
	calls := map[*types.Func][]*types.Func{}
	var named []*types.Named
	for _, p := range pkgs {
		for _, f := range p.files {
			for _, d := range f.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok || fd.Body == nil {
					continue
				}
				fn, ok := p.info.Defs[fd.Name].(*types.Func)
				if !ok {
					continue
				}
				calls[fn] = nil
				ast.Inspect(fd.Body, func(n ast.Node) bool {
					if call, ok := n.(*ast.CallExpr); ok {
						if c := callee(p.info, call); c != nil {
							calls[fn] = append(calls[fn], c)
						}
					}
					return true
				})
			}
		}
		for _, name := range p.pkg.Scope().Names() {
			if tn, ok := p.pkg.Scope().Lookup(name).(*types.TypeName); ok {
				if n, ok := tn.Type().(*types.Named); ok && !types.IsInterface(n) {
					named = append(named, n)
				}
			}
		}
	}
	// implementations lists the methods of pkgs' types that may run when
	// the interface method im is called.
	implementations := func(im *types.Func) []*types.Func {
		iface, _ := im.Signature().Recv().Type().Underlying().(*types.Interface)
		if iface == nil {
			return nil
		}
		var out []*types.Func
		for _, n := range named {
			for _, t := range []types.Type{n, types.NewPointer(n)} {
				if types.Implements(t, iface) {
					if fn, ok := types.NewMethodSet(t).Lookup(im.Pkg(), im.Name()).Obj().(*types.Func); ok {
						out = append(out, fn.Origin())
					}
					break
				}
			}
		}
		return out
	}
	opener := map[*types.Func]bool{}
	opens := func(fn *types.Func) bool { return bboltOpens(fn) || opener[fn] }
	for changed := true; changed; {
		changed = false
		for fn, cs := range calls {
			for _, c := range cs {
				if !opens(c) && isInterfaceMethod(c) && slices.ContainsFunc(implementations(c), opens) {
					opener[c], changed = true, true
				}
				if !opener[fn] && opens(c) {
					opener[fn], changed = true, true
				}
			}
		}
	}
	return opens
}

func isInterfaceMethod(fn *types.Func) bool {
	recv := fn.Signature().Recv()
	return recv != nil && types.IsInterface(recv.Type())
}

// module is the type-checked source of this module.
type module struct {
	root   string
	fset   *token.FileSet
	listed map[string]*listed
	gc     types.Importer

	mu      sync.Mutex
	checked map[string]*checked
	order   []string // import paths of the module's packages, as listed

}

type listed struct {
	ImportPath string
	Dir        string
	Export     string
	GoFiles    []string
	CgoFiles   []string // checked too, with C's names left unresolved (FakeImportC)
	Module     *struct{ Main bool }
}

type checked struct {
	path  string
	pkg   *types.Package
	info  *types.Info
	files []*ast.File
}

var moduleOnce = sync.OnceValues(func() (*module, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOMOD: %w", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(out)))
	cmd := exec.Command("go", "list", "-e", "-export", "-deps", "-json=ImportPath,Dir,Export,GoFiles,CgoFiles,Module", "./...")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if out, err = cmd.Output(); err != nil {
		return nil, fmt.Errorf("go list: %w: %s", err, stderr.String())
	}
	m := &module{root: root, fset: token.NewFileSet(), listed: map[string]*listed{}, checked: map[string]*checked{}}
	for dec := json.NewDecoder(bytes.NewReader(out)); ; {
		var l listed
		if err := dec.Decode(&l); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, err
		}
		m.listed[l.ImportPath] = &l
		if l.Module != nil && l.Module.Main {
			m.order = append(m.order, l.ImportPath)
		}
	}
	m.gc = importer.ForCompiler(m.fset, "gc", func(path string) (io.ReadCloser, error) {
		l := m.listed[path]
		if l == nil || l.Export == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(l.Export)
	})
	for _, path := range m.order {
		if _, err := m.Import(path); err != nil {
			return nil, err
		}
	}
	return m, nil
})

func loadModule(t *testing.T) *module {
	t.Helper()
	m, err := moduleOnce()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Import checks a module package from source and reads any other from
// export data.
func (m *module) Import(path string) (*types.Package, error) {
	l := m.listed[path]
	if l == nil || l.Module == nil || !l.Module.Main {
		return m.gc.Import(path)
	}
	m.mu.Lock()
	c := m.checked[path]
	m.mu.Unlock()
	if c != nil {
		return c.pkg, nil
	}
	c, err := m.check(path, l.Dir, append(slices.Clip(l.GoFiles), l.CgoFiles...))
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	m.checked[path] = c
	m.mu.Unlock()
	return c.pkg, nil
}

// checkDir checks the package in dir (a test fixture) without adding it to
// the module's packages.
func (m *module) checkDir(path, dir string) (*checked, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	for i := range names {
		names[i] = filepath.Base(names[i])
	}
	return m.check(path, dir, names)
}

func (m *module) check(path, dir string, names []string) (*checked, error) {
	c := &checked{path: path, info: &types.Info{
		Types: map[ast.Expr]types.TypeAndValue{}, Defs: map[*ast.Ident]types.Object{},
		Uses: map[*ast.Ident]types.Object{}, Selections: map[*ast.SelectorExpr]*types.Selection{},
	}}
	for _, name := range names {
		f, err := parser.ParseFile(m.fset, filepath.Join(dir, name), nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		c.files = append(c.files, f)
	}
	// A cgo file (window_monitor_x11.go) is checked like the others; what
	// it names in package C is left unresolved, without an error.
	conf := types.Config{Importer: m, FakeImportC: true}
	pkg, err := conf.Check(path, m.fset, c.files, c.info)
	if err != nil {
		return nil, fmt.Errorf("type-check %s: %w", path, err)
	}
	c.pkg = pkg
	return c, nil
}

// packages returns the module's packages in `go list` order.
func (m *module) packages() []*checked {
	out := make([]*checked, 0, len(m.order))
	for _, path := range m.order {
		out = append(out, m.checked[path])
	}
	return out
}

func (m *module) rel(pos token.Pos) string {
	p := m.fset.Position(pos)
	if r, err := filepath.Rel(m.root, p.Filename); err == nil {
		p.Filename = r
	}
	return fmt.Sprintf("%s:%d", p.Filename, p.Line)
}

// lines turns "file:line: why" findings into "file:line".
func lines(findings []string) []string {
	var out []string
	for _, f := range findings {
		file, rest, _ := strings.Cut(f, ":")
		line, _, _ := strings.Cut(rest, ":")
		out = append(out, file+":"+line)
	}
	sort.Strings(out)
	return out
}

// wantLines lists the "file:line" of each line of p that carries a
// "// want" comment.
func wantLines(m *module, p *checked) []string {
	var out []string
	for _, f := range p.files {
		for _, g := range f.Comments {
			for _, c := range g.List {
				if strings.HasPrefix(c.Text, "// want") {
					out = append(out, m.rel(c.Pos()))
				}
			}
		}
	}
	sort.Strings(out)
	return out
}
