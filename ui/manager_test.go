package ui

import (
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/wxpos/wxpos/config"
	"github.com/wxpos/wxpos/counter"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/posstore"
	"github.com/wxpos/wxpos/report"
	"github.com/wxpos/wxpos/reportstore"
	"github.com/wxpos/wxpos/shiftstore"
	"github.com/wxpos/wxpos/staff"
	"github.com/wxpos/wxpos/staffstore"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/storage/storagetest"
)

// The facade implements the interfaces the screens drive.
var (
	_ Manager       = (*counter.Manager)(nil)
	_ Checkout      = (*counter.Checkout)(nil)
	_ StatusFeed    = (*counter.Checkout)(nil)
	_ Announcer     = (*counter.Checkout)(nil)
	_ Reconciler    = (*counter.Reconciler)(nil)
	_ Customer      = (*counter.SandboxCustomer)(nil)
	_ Printer       = counter.DocPrinter{}
	_ ReportPrinter = counter.DocPrinter{}
)

// TestManagerCatalogComplete checks every manager key has both texts with
// the same formatting verbs.
func TestManagerCatalogComplete(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "manager_messages.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var keys []msg
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.CONST {
			for _, s := range g.Specs {
				for _, v := range s.(*ast.ValueSpec).Values {
					if lit, ok := v.(*ast.BasicLit); ok {
						k, _ := strconv.Unquote(lit.Value)
						keys = append(keys, msg(k))
					}
				}
			}
		}
	}
	if len(keys) != len(managerMessages) || len(keys) < 100 {
		t.Fatalf("%d keys, %d texts", len(keys), len(managerMessages))
	}
	for _, k := range keys {
		t.Run(string(k), func(t *testing.T) {
			tr, ok := managerMessages[k]
			if !ok || tr.zh == "" || tr.en == "" {
				t.Fatalf("missing text: %+v", tr)
			}
			if _, clash := messages[k]; clash {
				t.Fatalf("key also in the shared catalogue")
			}
			if a, b := verbRe.FindAllString(tr.zh, -1), verbRe.FindAllString(tr.en, -1); strings.Join(a, ",") != strings.Join(b, ",") {
				t.Fatalf("verbs differ: zh %v en %v", a, b)
			}
		})
	}
}

// mgrWorld is a real back end for the manager screens: database, staff
// (cheap hashes), day book, payment core on the fake WeChat.
type mgrWorld struct {
	db   *storage.Store
	dir  *staffstore.Directory
	core *pos.Terminal
	desk *counter.Manager
	cfg  counter.ManagerConfig // what desk was built from, for a variant
	gw   *postest.Gateway
	till *shiftstore.Book
}

func newMgrWorld(t *testing.T) *mgrWorld {
	t.Helper()
	w := &mgrWorld{db: storagetest.Open(t)}
	w.dir = staffstore.New(w.db, &staffstore.Options{Params: staffstore.Params{Time: 1, MemoryKiB: 64, Threads: 1, SaltLen: 16, KeyLen: 32}})
	ctx := context.Background()
	if _, err := w.dir.Setup(ctx, "Wang", "2468"); err != nil {
		t.Fatal(err)
	}
	boss, _ := w.dir.Login(ctx, "Wang", "2468")
	w.dir.Add(ctx, boss, "Li", staff.RoleCashier, "1357")
	clk := postest.NewAutoClock(time.Now())
	w.gw = postest.NewGateway(clk.Now)
	w.gw.RefundDelay = 0
	core, err := pos.New(posstore.New(w.db), w.gw, pos.Config{StoreID: "S1", TerminalID: "T1", Clock: clk,
		Authorizer: staffstore.PaymentAuthorizer{Dir: w.dir, Actor: func() string { return "Li" }}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { core.Close() })
	w.core = core
	book := reportstore.New(w.db, report.Info{StoreName: "Test", StoreID: "S1", TerminalID: "T1"}, nil)
	w.cfg = counter.ManagerConfig{Core: core, Staff: w.dir, Book: book, DB: w.db, Config: *config.Default(),
		ExportDir: t.TempDir(), Actor: func() string { return "Li" }}
	w.desk = counter.NewManager(w.cfg)
	// Li is signed in at the till, in her shift: the core refuses sales
	// and refunds without a cashier once the terminal has staff.
	w.till = shiftstore.New(w.db, w.dir, nil)
	if _, err := w.till.Open(ctx, "Li", "1357", 0); err != nil {
		t.Fatal(err)
	}
	return w
}

func answerPIN(h *harness, c *console, name, pin string) {
	h.t.Helper()
	h.waitFor("PIN prompt", func() bool { return c.prompt != nil })
	c.prompt.name.SetText(name)
	c.prompt.pin.SetText(pin)
	c.prompt.submit()
}

func TestRefundScreenFlow(t *testing.T) {
	w := newMgrWorld(t)
	ctx := context.Background()
	sale, err := w.core.PayScan(ctx, pos.Sale{AmountFen: 2500, Cashier: "Li"}, postest.Code(postest.Success, 1))
	if err != nil || sale.State != pos.StatePaid {
		t.Fatalf("sale %v %v", sale, err)
	}
	h := newHarness(t)
	h.term.ShowRefund(w.desk, sale.OutTradeNo)
	s := screenAs[*refundScreen](h)
	h.waitFor("sale picked", func() bool { return s.sale != nil && s.fresh })
	if s.left() != 2500 {
		t.Fatalf("left %d", s.left())
	}
	s.full.SetSelected(h.term.mt(msgRefPartial))
	s.amount.SetText("30.00")
	s.reason.SetText("wrong size")
	test.Tap(s.submit)
	if !strings.Contains(s.amountErr.Text, "25.00") {
		t.Fatalf("too much accepted: %q", s.amountErr.Text)
	}
	if s.c.prompt != nil {
		t.Fatal("PIN asked for an impossible refund")
	}
	s.amount.SetText("10.00")
	test.Tap(s.submit)
	answerPIN(h, s.c, "Li", "1357") // the cashier cannot approve
	h.waitFor("refusal", func() bool { return s.c.prompt.nameErr.Text == h.term.mt(msgMgrNotManager) })
	h.assertCatalogue(t, "refund: not a manager", "Li", "wrong size")
	answerPIN(h, s.c, "Wang", "0000")
	h.waitFor("wrong PIN", func() bool { return s.c.prompt.pinErr.Text == h.term.mt(msgMgrBadPIN) })
	h.assertCatalogue(t, "refund: wrong PIN", "Wang", "wrong size")
	answerPIN(h, s.c, "Wang", "2468")
	h.waitFor("refund success", func() bool { return strings.Contains(s.state.Text, h.term.mt(msgRefStSuccess)) })
	h.assertCatalogue(t, "refund: success", "wrong size")
	rs, _ := w.core.RefundsOf(sale.OutTradeNo)
	if len(rs) != 1 || rs[0].AmountFen != 1000 || rs[0].AuthorisedBy != "Wang" {
		t.Fatalf("refunds %+v", rs)
	}
	ov, _ := staffstore.Trail(w.db, staff.Filter{Kinds: []string{staff.KindOverride}})
	if len(ov) != 1 || !strings.Contains(string(ov[0].Data), `"actor":"Li"`) {
		t.Fatalf("override events %+v", ov)
	}
	h.waitFor("refund receipt printed", func() bool { return len(h.print.printed()) == 1 })
}

func TestDayScreenOpenXZ(t *testing.T) {
	w := newMgrWorld(t)
	ctx := context.Background()
	if _, err := w.core.PayCash(ctx, pos.Sale{AmountFen: 1234}, 2000); err != nil {
		t.Fatal(err)
	}
	w.endShift(t)
	h := newHarness(t)
	c := &console{t: h.term, m: w.desk}
	h.term.show(newDayScreen(c))
	s := screenAs[*dayScreen](h)
	h.waitFor("session", func() bool { return s.session != nil })
	s.float.SetText("500")
	test.Tap(s.openBtn)
	h.waitFor("opened", func() bool { return s.session.State == report.StateOpen })
	s.moveAmt.SetText("20")
	s.moveWhy.SetText("milk")
	test.Tap(s.outBtn)
	answerPIN(h, c, "Wang", "2468")
	h.waitFor("moved", func() bool { return s.rep.r != nil && s.rep.r.CashOutFen == 2000 })
	if s.rep.r.ExpectedCashFen != 50000+1234-2000 {
		t.Fatalf("expected cash %d", s.rep.r.ExpectedCashFen)
	}
	s.counted.SetText("492.34")
	test.Tap(s.zBtn)
	if want := h.term.mt(msgDayZAsk, dashed(s.day), "¥492.34"); s.message.Text != want || c.prompt != nil {
		t.Fatalf("first Z press: message %q (prompt %v), want only the question %q", s.message.Text, c.prompt != nil, want)
	}
	test.Tap(s.zBtn)
	answerPIN(h, c, "Wang", "2468")
	h.waitFor("closed", func() bool { return s.session.State == report.StateClosed })
	if z := s.rep.r; z.ZNo != 1 || z.CashDiffFen() != 0 || !s.inBtn.Disabled() || !s.zBtn.Disabled() {
		t.Fatalf("Z %+v", z)
	}
	h.assertCatalogue(t, "day: Z", "Wang", "milk", "(Li / Wang)")
	test.Tap(s.rep.export)
	h.waitFor("exported", func() bool { return strings.Contains(s.rep.status.Text, "z-000001-") })

	// A sale after the Z belongs to the next business day: the closed
	// day's Z and X still agree (no late note), the next day's X has it.
	w.nextShift(t)
	late, err := w.core.PayCash(ctx, pos.Sale{AmountFen: 500}, 500)
	if err != nil {
		t.Fatal(err)
	}
	closedDay := s.day
	if late.BusinessDay <= closedDay {
		t.Fatalf("sale after the Z of %s booked on %s", closedDay, late.BusinessDay)
	}
	s.dayIn.SetText(late.BusinessDay)
	s.load()
	h.waitFor("next day's X", func() bool {
		return s.rep.r != nil && s.rep.r.Day == late.BusinessDay && s.rep.r.Tenders[0].SaleFen == 500
	})
	s.dayIn.SetText(closedDay)
	s.message.SetText("")
	s.load()
	h.waitFor("closed day reloaded", func() bool { return s.rep.r.Day == closedDay })
	if s.message.Text != "" || s.rep.r.ZNo != 1 || s.rep.r.Tenders[0].SaleFen != 1234 {
		t.Fatalf("closed day after a later sale: note %q, Z %+v", s.message.Text, s.rep.r.Tenders)
	}
}

func TestSettingsScanTest(t *testing.T) {
	w := newMgrWorld(t)
	h := newHarness(t)
	c := &console{t: h.term, m: w.desk}
	h.term.show(newManagerSettings(c, "Wang"))
	s := screenAs[*managerSettings](h)
	tests := []struct {
		name, code, want string
	}{
		{"wechat code", "134567890123456789", "6789"},
		{"alipay code", "284567890123456789", h.term.mt(msgSetScanBad, "••••••••••••••6789", 18)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h.codes <- tt.code
			h.waitFor("scan shown", func() bool { return strings.Contains(s.scanResult.Text, tt.want) })
			if strings.Contains(s.scanResult.Text, tt.code[:10]) {
				t.Fatalf("full code shown: %q", s.scanResult.Text)
			}
		})
	}
}

func TestForceScreen(t *testing.T) {
	w := newMgrWorld(t)
	ctx := context.Background()
	w.gw.Down = true
	o, err := w.core.PayScan(ctx, pos.Sale{AmountFen: 888}, postest.Code(postest.Success, 9))
	if err != nil && o == nil {
		t.Fatal(err)
	}
	if o.State != pos.StateUnknown {
		t.Skipf("payment ended %s, not UNKNOWN", o.State)
	}
	h := newHarness(t)
	c := &console{t: h.term, m: w.desk}
	h.term.show(newForceScreen(c))
	s := screenAs[*forceScreen](h)
	h.waitFor("list", func() bool { return len(s.list.Objects) == 1 })
	s.force(o, staff.ActionForcePaid)
	if s.message.Text != h.term.mt(msgRefNeedReason) || c.prompt != nil {
		t.Fatalf("forced without a reason: %q", s.message.Text)
	}
	s.reason.SetText("saw the customer's payment")
	s.force(o, staff.ActionForcePaid)
	answerPIN(h, c, "Li", "1357")
	h.waitFor("cashier refused", func() bool { return c.prompt.nameErr.Text == h.term.mt(msgMgrNotManager) })
	answerPIN(h, c, "Wang", "2468")
	h.waitFor("forced", func() bool { return strings.Contains(s.message.Text, string(pos.StatePaid)) })
	got, _ := w.core.Order(o.OutTradeNo)
	if got.State != pos.StatePaid || !got.Forced || got.ForcedBy != "Wang" {
		t.Fatalf("order %+v", got)
	}
}

type fakeDrawer struct{ opened int }

func (d *fakeDrawer) OpenDrawer(context.Context) error { d.opened++; return nil }

// Opening the drawer outside a sale needs a manager's PIN and leaves an
// audit event naming the manager and the cashier at the counter.
func TestOpenDrawerAudited(t *testing.T) {
	w := newMgrWorld(t)
	drawer := &fakeDrawer{}
	cfg := w.cfg
	cfg.Drawer = drawer
	desk := counter.NewManager(cfg)
	h := newHarness(t, WithLanguage(LangEN))
	h.term.ShowManager(desk)
	home := screenAs[*managerHome](h)
	var btn *keyButton
	h.waitFor("menu", func() bool {
		for _, b := range buttons(home.body) {
			if strings.HasSuffix(b.Text, "  Open drawer") {
				btn = b
			}
		}
		return btn != nil
	})
	test.Tap(btn)
	answerPIN(h, home.c, "Li", "1357") // a cashier cannot
	h.waitFor("refusal", func() bool { return home.c.prompt.nameErr.Text == h.term.mt(msgMgrNotManager) })
	answerPIN(h, home.c, "Wang", "2468")
	h.waitFor("opened", func() bool { return home.message.Text == h.term.mt(msgMgrDrawerOpened, "Wang") })
	h.assertCatalogue(t, "manager menu", "Wang")
	if drawer.opened != 1 {
		t.Fatalf("drawer pulsed %d times, want 1", drawer.opened)
	}
	ev, err := staffstore.Trail(w.db, staff.Filter{Kinds: []string{"drawer.open"}})
	if err != nil || len(ev) != 1 || ev[0].Actor != "Wang" || ev[0].Ref != "Li" || ev[0].Reason != "opened" {
		t.Fatalf("drawer events %+v, %v", ev, err)
	}

	// Without a printer there is no drawer, and the manager is told so.
	if err := w.desk.OpenDrawer(context.Background(), staff.Approval{Approver: "Wang"}); !errors.Is(err, ErrNoDrawer) {
		t.Errorf("no drawer: got %v", err)
	}
}

// The language a cashier picks is kept in the config file for the next
// start, and the change is audited.
func TestLanguageChoiceIsKept(t *testing.T) {
	w := newMgrWorld(t)
	cfg := w.cfg
	cfg.Config.Path = filepath.Join(t.TempDir(), "config.toml")
	desk := counter.NewManager(cfg)
	h := newHarness(t, WithLanguageStore(desk.SaveLanguage))
	h.key(fyne.KeyF9)
	screenAs[*settingsScreen](h).lang.SetSelected("English")
	// The file is renamed into place before the audit event is committed:
	// wait for the event, then read both.
	h.waitFor("settings change audited", func() bool {
		ev, err := staffstore.Trail(w.db, staff.Filter{Kinds: []string{staff.KindSettings}})
		return err == nil && len(ev) > 0
	})
	got, _, err := config.Load(cfg.Config.Path, true)
	if err != nil || got.UI.Locale != "en" {
		t.Fatalf("saved config %+v, %v; want locale en", got, err)
	}
	ev, err := staffstore.Trail(w.db, staff.Filter{Kinds: []string{staff.KindSettings}})
	if err != nil || len(ev) != 1 || ev[0].Actor != "counter" || !strings.Contains(ev[0].Reason, "ui.locale") {
		t.Fatalf("settings events %+v, %v", ev, err)
	}
}

// TestForceScreenConflict: a sale whose order number belongs to another
// payment at WeChat (a copy of this database put in place by hand — same
// ids, same epoch — paid under it first) is on the manager's in-doubt list
// with the conflict message; it cannot be forced paid, and force void
// acknowledges it (FAILED).
func TestForceScreenConflict(t *testing.T) {
	w := newMgrWorld(t)
	ctx := context.Background()
	copied := filepath.Join(t.TempDir(), "copy.db")
	if _, err := w.db.BackupFile(copied); err != nil {
		t.Fatal(err)
	}
	other, err := pos.New(posstore.New(storagetest.OpenPath(t, copied)), w.gw, pos.Config{StoreID: "S1", TerminalID: "T1",
		Clock: postest.NewAutoClock(time.Now())})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	if o, err := other.PayScan(ctx, pos.Sale{AmountFen: 5}, postest.Code(postest.Success, 1)); err != nil || o.State != pos.StatePaid {
		t.Fatalf("the other database's payment: %v %+v", err, o)
	}
	o, err := w.core.PayScan(ctx, pos.Sale{AmountFen: 8888}, postest.Code(postest.Success, 2))
	if err != nil || o.State != pos.StateConflict {
		t.Fatalf("sale on the reused number: %v %+v, want CONFLICT", err, o)
	}
	h := newHarness(t)
	c := &console{t: h.term, m: w.desk}
	h.term.show(newForceScreen(c))
	s := screenAs[*forceScreen](h)
	h.waitFor("list", func() bool { return len(s.list.Objects) == 1 })
	row := s.list.Objects[0].(*fyne.Container)
	var label *widget.Label
	var paid *keyButton
	for _, obj := range row.Objects {
		switch v := obj.(type) {
		case *widget.Label:
			label = v
		case *fyne.Container:
			paid = v.Objects[0].(*keyButton)
		}
	}
	if label == nil || !strings.Contains(label.Text, h.term.mt(msgForceConflict)) || !strings.Contains(label.Text, o.OutTradeNo) {
		t.Fatalf("row does not say the number is another payment's: %+v", label)
	}
	if paid == nil || !paid.Disabled() {
		t.Errorf("force paid offered on a conflict")
	}
	s.reason.SetText("customer paid again by cash")
	s.force(o, staff.ActionForceVoid)
	answerPIN(h, c, "Wang", "2468")
	h.waitFor("acknowledged", func() bool { return strings.Contains(s.message.Text, string(pos.StateFailed)) })
	if got, _ := w.core.Order(o.OutTradeNo); got.State != pos.StateFailed || got.ForcedBy != "Wang" {
		t.Fatalf("order %+v", got)
	}
}

// endShift closes Li's shift, counted as expected, so the day's Z may be
// taken; nextShift signs her in again with a new one.
func (w *mgrWorld) endShift(t testing.TB) {
	t.Helper()
	cur, err := w.till.Current()
	if err != nil {
		t.Fatal(err)
	}
	x, err := w.till.X(cur.No)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.till.Close(context.Background(), "Li", "1357", x.ExpectedFen, nil); err != nil {
		t.Fatal(err)
	}
}

func (w *mgrWorld) nextShift(t testing.TB) {
	t.Helper()
	if _, err := w.till.Open(context.Background(), "Li", "1357", 0); err != nil {
		t.Fatal(err)
	}
}
