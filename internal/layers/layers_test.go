package layers

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
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
	{"ui", "storage", "the screens read values; the databases are the stores' (posstore, reportstore, reconstore, staffstore)"},
	{"ui", "go.etcd.io/bbolt", "the screens never open a transaction"},
	{"ui/view", "storage", "view values are the window's, not records"},
	{"report", "storage", "report is values the window reads; its bbolt half is reportstore"},
	{"recon", "storage", "recon is values and the engine the window reads; its bbolt half is reconstore"},
	{"staff", "storage", "staff is values the window reads; its bbolt half is staffstore"},
	{"ui/view", "fyne.io/fyne/v2", "the values the screens show are shared with the facade, which draws nothing"},
	{"counter", "ui", "the facade implements the window's interfaces; it never drives the screens"},
	{"counter", "fyne.io/fyne/v2", "the facade draws nothing and is tested without a display"},
	{"cli", "fyne.io/fyne/v2", "the commands and the wiring work without a display"},
	{"catalog", "storage", "the catalogue is values and the scan's classification; its bbolt half is catalogstore"},
	{"catalog", "go.etcd.io/bbolt", "the catalogue is values and the scan's classification; its bbolt half is catalogstore"},
	{"catalog", "pos", "the scanner and the core both ask the catalogue what a scan is"},
	{"catalog", "fyne.io/fyne/v2", "the catalogue draws nothing"},
}

func TestImportRules(t *testing.T) {
	watchSources(t)
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

// watchSources stats every Go file of the module. The rules are read from
// `go list`, a child process the test cache cannot see into; a stat is
// recorded, so an edited or added import re-runs the test instead of
// replaying a cached pass.
func watchSources(t *testing.T) {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		t.Fatalf("go list -m: %v", err)
	}
	err = filepath.WalkDir(strings.TrimSpace(string(out)), func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata"):
			return filepath.SkipDir
		case d.IsDir() || !strings.HasSuffix(p, ".go"):
			return nil
		}
		_, err = os.Stat(p)
		return err
	})
	if err != nil {
		t.Fatalf("walk the module: %v", err)
	}
}
