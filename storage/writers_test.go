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

// TestOnlyPosWritesOrders fails when code outside pos, its store (posstore)
// and storage writes
// an order or refund record (PutOrder, PutRefund, or a raw write to their
// buckets): every state change goes through pos.Terminal's transitions,
// with their table, event, receipt and outbox.
func TestOnlyPosWritesOrders(t *testing.T) {
	m := loadModule(t)
	if got := orderWriters(m, m.packages()); len(got) > 0 {
		t.Errorf("order or refund records written outside pos (go through a pos.Terminal method):\n%s", strings.Join(got, "\n"))
	}
}

// TestOrderWriterCheckFinds runs the order-writer check on
// testdata/orderwrite, whose lines marked "want" write records.
func TestOrderWriterCheckFinds(t *testing.T) {
	m := loadModule(t)
	p, err := m.checkDir(modulePath+"/storage/testdata/orderwrite", filepath.Join(m.root, "storage", "testdata", "orderwrite"))
	if err != nil {
		t.Fatal(err)
	}
	got := lines(orderWriters(m, []*checked{p}))
	if want := wantLines(m, p); !slices.Equal(got, want) {
		t.Fatalf("flagged lines %v, want %v", got, want)
	}
}

// orderWriters lists every write of an order or refund record outside pos,
// posstore and storage.
func orderWriters(m *module, pkgs []*checked) []string {
	var out []string
	for _, p := range pkgs {
		if p.path == posPath || p.path == posStorePath || p.path == storagePath {
			continue
		}
		for _, f := range p.files {
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				fn := callee(p.info, call)
				if fn == nil || !isMethod(fn, storagePath, "Tx") {
					return true
				}
				switch fn.Name() {
				case "PutOrder", "PutRefund":
					out = append(out, fmt.Sprintf("%s: %s", m.rel(call.Pos()), fn.FullName()))
				case "Put", "PutRaw", "Delete":
					if len(call.Args) > 0 && recordBucket(p.info, call.Args[0]) {
						out = append(out, fmt.Sprintf("%s: %s into an order or refund bucket", m.rel(call.Pos()), fn.FullName()))
					}
				}
				return true
			})
		}
	}
	sort.Strings(out)
	return out
}

// recordBucket reports whether e names a bucket that holds order or refund
// state or its indexes.
func recordBucket(info *types.Info, e ast.Expr) bool {
	tv, ok := info.Types[e]
	if !ok || tv.Value == nil {
		return true // not a constant: cannot tell, so not allowed
	}
	switch strings.Trim(tv.Value.ExactString(), `"`) {
	case "orders", "orders_by_day", "open", "refunds", "codes":
		return true
	}
	return false
}
