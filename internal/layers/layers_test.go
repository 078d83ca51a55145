package layers

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/wxpos/wxpos/"

// forbidden lists, for each package, what it must never depend on, directly
// or through another package, with the reason a reviewer would give.
var forbidden = []struct {
	pkg, never, why string
}{
	{"pos", "ui", "the domain never knows the window"},
	{"pos", "fyne.io/fyne/v2", "the domain never knows the window"},
	{"pos", "net/http", "the core knows WeChat only as a Gateway; HTTP is paygate's and wechat's"},
	{"pos", "wechat", "the core knows WeChat only as a Gateway"},
	{"pos", "storage", "the core's values and errors are read by the window; its bbolt Store is posstore's"},
	{"pos", "go.etcd.io/bbolt", "the core's values and errors are read by the window; its bbolt Store is posstore's"},
	{"wechat", "pos", "the WeChat client knows nothing of the terminal"},
	{"wechat", "storage", "the WeChat client knows nothing of the terminal"},
	{"wechat/bill", "pos", "the bill parser knows nothing of the terminal"},
	{"wechat/sandbox", "pos", "the simulator is WeChat's side, not ours"},
	{"wechat/sandbox", "storage", "the simulator is WeChat's side, not ours"},
	{"storage", "pos", "storage knows records, not the state machines"},
	{"state", "pos", "the states' names sit below the core and the records that both use them"},
	{"state", "storage", "the states' names sit below the core and the records that both use them"},
	{"storage", "wechat", "storage knows records, not the network"},
	{"scanner", "pos", "the scanner hands codes up; it does not decide"},
	{"scanner", "storage", "the scanner hands codes up; it does not decide"},
	{"report", "ui", "reports are read by the window, never the other way round"},
	{"recon", "ui", "reconciliation is read by the window, never the other way round"},
	{"staff", "ui", "staff is read by the window, never the other way round"},
	{"receipt", "storage", "a receipt is a value, printed and stored by others"},
	{"escpos", "storage", "the printer driver prints; it does not read the books"},
	{"paygate", "ui", "the gateway adapter is below the window"},
	{"notify", "pos", "a notification is a hint the wiring hands the terminal; the receiver moves no order"},
	{"notify", "storage", "a notification is a hint the wiring hands the terminal; the receiver moves no order"},
	{"pos", "notify", "the core takes hints by number (Terminal.Hint), not the receiver"},
	{"ui", "wechat/sandbox", "the window knows the simulator only as the Customer the wiring hands it"},
	{"ui", "wechat", "the window knows WeChat only through the facade and the core"},
	{"ui", "replica", "the window gets replication's health as a view.ReplicaStatus, not the worker"},
	{"ui", "github.com/jackc/pgx/v5", "the window never links PostgreSQL's driver"},
	{"ui", "counter", "the wiring hands the facade to the window; the window never builds it"},
	{"ui/view", "fyne.io/fyne/v2", "the values the screens show are shared with the facade, which draws nothing"},
	{"counter", "ui", "the facade implements the window's interfaces; it never drives the screens"},
	{"counter", "fyne.io/fyne/v2", "the facade draws nothing and is tested without a display"},
	{"cli", "fyne.io/fyne/v2", "the commands and the wiring work without a display"},
}

// notImported lists packages a package must not import directly. ui still
// reaches storage through the domain packages whose values it shows
// (staff.Approval, report.Report, recon.Result live beside their bbolt
// code; pos's moved to posstore), but it never opens the database itself.
var notImported = []struct {
	pkg, never, why string
}{
	{"ui", "storage", "the screens change state only through the facade and the domain"},
	{"ui", "go.etcd.io/bbolt", "the screens never open a transaction"},
	{"ui/view", "storage", "view values are the window's, not records"},
}

func TestImportRules(t *testing.T) {
	deps := map[string]map[string]bool{}
	for _, r := range forbidden {
		if deps[r.pkg] == nil {
			deps[r.pkg] = depsOf(t, module+r.pkg)
		}
		never := r.never
		if !strings.Contains(never, ".") {
			never = module + never
		}
		if deps[r.pkg][never] {
			t.Errorf("%s depends on %s: %s", r.pkg, r.never, r.why)
		}
	}
}

func TestDirectImports(t *testing.T) {
	for _, r := range notImported {
		out, err := exec.Command("go", "list", "-f", `{{join .Imports "\n"}}`, module+r.pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", r.pkg, err)
		}
		never := r.never
		if !strings.Contains(never, ".") {
			never = module + never
		}
		for _, imp := range strings.Fields(string(out)) {
			if imp == never {
				t.Errorf("%s imports %s: %s", r.pkg, r.never, r.why)
			}
		}
	}
}

// TestImportRulesSeeDependencies keeps TestImportRules honest: a rule can only
// fail if depsOf really lists what a package imports.
func TestImportRulesSeeDependencies(t *testing.T) {
	d := depsOf(t, module+"paygate")
	for _, want := range []string{module + "pos", module + "wechat", "net/http"} {
		if !d[want] {
			t.Errorf("go list -deps paygate does not list %s", want)
		}
	}
}

func depsOf(t *testing.T, pkg string) map[string]bool {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", pkg).Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	m := map[string]bool{}
	for _, p := range strings.Fields(string(out)) {
		m[p] = true
	}
	return m
}
