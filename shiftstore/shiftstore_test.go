package shiftstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/posstore"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/report"
	"github.com/wxpos/wxpos/reportstore"
	"github.com/wxpos/wxpos/shift"
	"github.com/wxpos/wxpos/shiftstore"
	"github.com/wxpos/wxpos/staff"
	"github.com/wxpos/wxpos/staffstore"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/storage/storagetest"
)

// t0 is 10:00 in Shanghai.
var t0 = time.Date(2026, 12, 5, 2, 0, 0, 0, time.UTC)

// rig is a terminal with staff (manager wang, cashiers alice and bob), the
// till and shifts, the day book and the payment core on a fake WeChat.
type rig struct {
	t     *testing.T
	db    *storage.Store
	clk   *postest.Clock
	dir   *staffstore.Directory
	book  *shiftstore.Book
	days  *reportstore.DayBook
	term  *pos.Terminal
	store *posstore.Store
}

func newRig(t *testing.T) *rig {
	t.Helper()
	r := &rig{t: t, db: storagetest.Open(t), clk: postest.NewAutoClock(t0)}
	r.dir = staffstore.New(r.db, &staffstore.Options{
		Params: staffstore.Params{Time: 1, MemoryKiB: 64, Threads: 1, SaltLen: 16, KeyLen: 32}, Now: r.clk.Now})
	ctx := context.Background()
	if _, err := r.dir.Setup(ctx, "wang", "2468"); err != nil {
		t.Fatal(err)
	}
	boss := staff.Session{Name: "wang", Role: staff.RoleManager}
	for _, n := range []string{"alice", "bob"} {
		if _, err := r.dir.Add(ctx, boss, n, staff.RoleCashier, "1357"); err != nil {
			t.Fatal(err)
		}
	}
	r.book = shiftstore.New(r.db, r.dir, &shiftstore.Options{Now: r.clk.Now})
	r.days = reportstore.New(r.db, report.Info{StoreID: "S01", TerminalID: "T01"}, &reportstore.Options{Now: r.clk.Now})
	r.store = posstore.New(r.db)
	term, err := pos.New(r.store, postest.NewGateway(r.clk.Now), pos.Config{StoreID: "S01", TerminalID: "T01", Clock: r.clk,
		Authorizer: staffstore.PaymentAuthorizer{Dir: r.dir}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { term.Close() })
	r.term = term
	return r
}

// cash sells fen in cash as the cashier signed in.
func (r *rig) cash(fen int64) *pos.Order {
	r.t.Helper()
	till, _ := r.book.Till()
	o, err := r.term.PayCash(context.Background(), pos.Sale{AmountFen: fen, Cashier: till.Cashier}, fen)
	if err != nil {
		r.t.Fatalf("cash %d: %v", fen, err)
	}
	return o
}

// scan sells fen by WeChat scan as the cashier signed in.
func (r *rig) scan(fen int64, n int) *pos.Order {
	r.t.Helper()
	till, _ := r.book.Till()
	o, err := r.term.PayScan(context.Background(), pos.Sale{AmountFen: fen, Cashier: till.Cashier}, postest.Code(postest.Success, n))
	if err != nil || o.State != pos.StatePaid {
		r.t.Fatalf("scan %d: %v", fen, err)
	}
	return o
}

func (r *rig) refund(o *pos.Order, fen int64) *pos.Refund {
	r.t.Helper()
	till, _ := r.book.Till()
	rf, err := r.term.Refund(context.Background(), pos.RefundOrder{OutTradeNo: o.OutTradeNo, AmountFen: fen,
		Cashier: till.Cashier, Approval: pos.Approval{User: "wang", Credential: "2468"}})
	if err != nil || rf.State != pos.RefundSuccess {
		r.t.Fatalf("refund %d: %v", fen, err)
	}
	return rf
}

func (r *rig) open(name string, floatFen int64) *shift.Shift {
	r.t.Helper()
	s, err := r.book.Open(context.Background(), name, "1357", floatFen)
	if err != nil {
		r.t.Fatalf("open shift for %s: %v", name, err)
	}
	return s
}

// sumOf adds up, from the records themselves, the sales and refunds
// counted in shift no: what its report must say.
func (r *rig) sumOf(no uint64) (sales, refunds, cash int64) {
	r.t.Helper()
	orders, err := r.store.AllOrders()
	if err != nil {
		r.t.Fatal(err)
	}
	for _, o := range orders {
		if o.Shift != no || !o.IsSale() {
			continue
		}
		sales += o.AmountFen
		if o.Tender == receipt.TenderCash {
			cash += o.AmountFen
		}
		rs, _ := r.store.RefundsOf(o.OutTradeNo)
		for _, rf := range rs {
			if rf.Shift == no && rf.State == pos.RefundSuccess {
				refunds += rf.AmountFen
				if o.Tender == receipt.TenderCash {
					cash -= rf.AmountFen
				}
			}
		}
	}
	return sales, refunds, cash
}

// A shift's totals are the sum of the sales and refunds made in it, by
// whoever was signed in (a quick switch keeps the shift), and nothing of
// the shift before or after it.
func TestShiftTotalsAreItsSales(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	if _, err := r.book.Open(ctx, "alice", "0000", 0); !errors.Is(err, staff.ErrBadPIN) {
		t.Fatalf("open with a wrong PIN: %v", err)
	}
	s := r.open("alice", 10000)
	a1 := r.cash(3000)
	r.scan(5000, 1)
	r.refund(a1, 1000)
	if _, err := r.book.SignIn(ctx, "bob", "1357"); err != nil { // quick switch
		t.Fatal(err)
	}
	r.cash(2000)
	if _, err := r.days.Open(r.days.Today(), "wang", 0); err != nil {
		t.Fatal(err)
	}
	if err := r.days.Move(r.days.Today(), report.Move{Kind: report.CashOut, AmountFen: 500, Reason: "paper", By: "bob", ApprovedBy: "wang"}); err != nil {
		t.Fatal(err)
	}

	x, err := r.book.X(s.No)
	if err != nil {
		t.Fatal(err)
	}
	sales, refunds, cash := r.sumOf(s.No)
	if sales != 10000 || refunds != 1000 || cash != 4000 {
		t.Fatalf("records of the shift: sales %d refunds %d cash %d, want 10000, 1000, 4000", sales, refunds, cash)
	}
	if x.SalesFen() != sales || x.RefundsFen() != refunds {
		t.Errorf("X sales %d refunds %d, records %d %d", x.SalesFen(), x.RefundsFen(), sales, refunds)
	}
	if want := int64(10000) + cash - 500; x.ExpectedFen != want {
		t.Errorf("expected cash %d, want float + cash sales − cash refunds − payout = %d", x.ExpectedFen, want)
	}
	want := []shift.CashierLine{
		{Cashier: "alice", SaleCount: 2, SaleFen: 8000, RefundCount: 1, RefundFen: 1000},
		{Cashier: "bob", SaleCount: 1, SaleFen: 2000},
	}
	if len(x.ByCashier) != 2 || x.ByCashier[0] != want[0] || x.ByCashier[1] != want[1] {
		t.Errorf("by cashier %+v, want %+v", x.ByCashier, want)
	}

	// Handover to alice's next shift: what she sells is not the old one's.
	closed, err := r.book.Close(ctx, "bob", "1357", x.ExpectedFen, &shift.Handover{Next: "alice", PIN: "1357", FloatFen: 10000})
	if err != nil {
		t.Fatal(err)
	}
	r.cash(700)
	if got, _ := r.book.X(s.No); got.SalesFen() != closed.Report.SalesFen() || got.SalesFen() != 10000 {
		t.Errorf("closed shift's sales now %d, frozen %d, want 10000", got.SalesFen(), closed.Report.SalesFen())
	}
	next, _ := r.book.X(closed.HandedTo)
	if ns, _, _ := r.sumOf(closed.HandedTo); next.SalesFen() != 700 || ns != 700 {
		t.Errorf("next shift sales %d (records %d), want 700", next.SalesFen(), ns)
	}
}

// The count is blind: the open shift shows no expected figure; the close
// takes the count first and only then gives the expected cash and the
// variance, which is audited when not 0.
func TestBlindCountVariance(t *testing.T) {
	cases := []struct {
		name    string
		counted int64
		want    int64
	}{
		{"exact", 13000, 0},
		{"short", 12950, -50},
		{"over", 13100, 100},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			ctx := context.Background()
			r.open("alice", 10000)
			r.cash(3000)
			r.scan(4000, 1) // not in the drawer
			cur, err := r.book.Current()
			if err != nil {
				t.Fatal(err)
			}
			if cur.Report != nil {
				t.Fatalf("open shift carries a report (expected %d): the count would not be blind", cur.Report.ExpectedFen)
			}
			if _, err := r.book.Close(ctx, "bob", "1357", tc.counted, nil); !errors.Is(err, shift.ErrWrongCashier) {
				t.Fatalf("bob closing alice's shift: %v, want ErrWrongCashier", err)
			}
			s, err := r.book.Close(ctx, "alice", "1357", tc.counted, nil)
			if err != nil {
				t.Fatal(err)
			}
			rep := s.Report
			if rep.ExpectedFen != 13000 || rep.CountedFen != tc.counted || rep.VarianceFen() != tc.want {
				t.Errorf("expected %d counted %d variance %d, want 13000, %d, %d", rep.ExpectedFen, rep.CountedFen, rep.VarianceFen(), tc.counted, tc.want)
			}
			var audited []int64
			err = r.db.View(func(tx *storage.Tx) error {
				return tx.Events(0, func(e storage.Event) (bool, error) {
					if e.Kind == shift.KindVariance {
						var d struct {
							VarianceFen int64 `json:"variance_fen"`
						}
						err := json.Unmarshal(e.Data, &d)
						audited = append(audited, d.VarianceFen)
						return true, err
					}
					return true, nil
				})
			})
			if err != nil {
				t.Fatal(err)
			}
			if (tc.want == 0 && len(audited) != 0) || (tc.want != 0 && (len(audited) != 1 || audited[0] != tc.want)) {
				t.Errorf("variance events %v, want %d (none for 0)", audited, tc.want)
			}
			till, _ := r.book.Till()
			if till.Cashier != "" || till.Shift != 0 {
				t.Errorf("till after a close without handover: %+v, want nobody", till)
			}
		})
	}
}

// The manager's Z is per day and sums the shifts: refused while one is
// open, then its totals are the shifts' reports added up.
func TestZSumsShifts(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	day := r.days.Today()
	r.open("alice", 5000)
	a := r.cash(1200)
	r.scan(3300, 1)
	r.refund(a, 200)
	if _, err := r.days.Close(day, "wang", nil); !errors.Is(err, report.ErrShiftOpen) {
		t.Fatalf("Z with a shift open: %v, want ErrShiftOpen", err)
	}
	// A handover to a wrong PIN refuses the close as the next cashier's
	// error, and the shift stays open.
	_, err := r.book.Close(ctx, "alice", "1357", 6000, &shift.Handover{Next: "bob", PIN: "0000", FloatFen: 5000})
	var he *shift.HandoverError
	if !errors.As(err, &he) || he.Next != "bob" || !errors.Is(err, staff.ErrBadPIN) {
		t.Fatalf("handover with a wrong PIN: %v, want a HandoverError for bob wrapping ErrBadPIN", err)
	}
	first, err := r.book.Close(ctx, "alice", "1357", 6000, &shift.Handover{Next: "bob", PIN: "1357", FloatFen: 5000})
	if err != nil {
		t.Fatal(err)
	}
	b := r.cash(800)
	r.scan(2500, 2)
	r.refund(b, 500)
	second, err := r.book.Close(ctx, "bob", "1357", 5300, nil)
	if err != nil {
		t.Fatal(err)
	}
	z, err := r.days.Close(day, "wang", nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, ts := range z.Tenders {
		var sale, refund int64
		for _, s := range []*shift.Shift{first, second} {
			sale += s.Report.Tenders[i].SaleFen
			refund += s.Report.Tenders[i].RefundFen
		}
		if ts.SaleFen != sale || ts.RefundFen != refund {
			t.Errorf("Z %s sales %d refunds %d, shifts add up to %d, %d", ts.Tender, ts.SaleFen, ts.RefundFen, sale, refund)
		}
	}
	if len(z.Shifts) != 2 {
		t.Fatalf("Z lists shifts %+v, want the two", z.Shifts)
	}
	for i, s := range []*shift.Shift{first, second} {
		p := z.Shifts[i]
		if p.Shift != s.No || p.SaleFen != s.Report.SalesFen() || p.RefundFen != s.Report.RefundsFen() {
			t.Errorf("Z part %+v, shift %d sold %d refunded %d", p, s.No, s.Report.SalesFen(), s.Report.RefundsFen())
		}
	}
	if z.NetFen() != 1200+3300-200+800-500+2500 {
		t.Errorf("Z net %d", z.NetFen())
	}
}

// A locked till is unlocked by the cashier or a manager; anyone else signs
// in instead. The lock and the sign-in survive a restart.
func TestLockAndSignInAreTheTerminals(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	r.open("alice", 0)
	if err := r.book.Lock("idle"); err != nil {
		t.Fatal(err)
	}
	r.db = storagetest.Reopen(t, r.db)
	book := shiftstore.New(r.db, staffstore.New(r.db, &staffstore.Options{
		Params: staffstore.Params{Time: 1, MemoryKiB: 64, Threads: 1, SaltLen: 16, KeyLen: 32}}), nil)
	if till, _ := book.Till(); till.Cashier != "alice" || !till.Locked || till.Shift == 0 {
		t.Fatalf("till after restart %+v, want alice, locked, in her shift", till)
	}
	if _, err := book.Unlock(ctx, "bob", "1357"); !errors.Is(err, shift.ErrWrongCashier) {
		t.Errorf("bob unlocking alice: %v, want ErrWrongCashier", err)
	}
	if _, err := book.Unlock(ctx, "wang", "2468"); err != nil {
		t.Errorf("manager unlock: %v", err)
	}
	if till, _ := book.Till(); till.Cashier != "alice" || till.Locked {
		t.Errorf("till after the manager's unlock %+v, want alice unlocked", till)
	}
	if err := book.SignOut(); err != nil {
		t.Fatal(err)
	}
	if till, _ := book.Till(); till.Cashier != "" || till.Shift == 0 {
		t.Errorf("after sign-out %+v: nobody, shift still open", till)
	}
	if _, err := book.Open(ctx, "bob", "1357", 0); !errors.Is(err, shift.ErrShiftOpen) {
		t.Errorf("second shift while one is open: %v", err)
	}
}

// TestSalesRefusedWithoutCashier: on a terminal with staff, every way to
// sell or refund (scan, QR, cash, refund) is refused by the payment core
// while nobody is signed in, while the till is locked, and for a cashier
// other than the one signed in; a sale naming nobody is the signed-in
// cashier's; a terminal without staff sells without sign-in.
func TestSalesRefusedWithoutCashier(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	r.open("alice", 0)
	paid := r.cash(500)
	if err := r.book.SignOut(); err != nil {
		t.Fatal(err)
	}
	tries := map[string]func(cashier string) error{
		"scan": func(c string) error {
			_, err := r.term.PayScan(ctx, pos.Sale{AmountFen: 100, Cashier: c}, postest.Code(postest.Success, 7))
			return err
		},
		"qr": func(c string) error {
			_, err := r.term.BeginQR(ctx, pos.Sale{AmountFen: 100, Cashier: c})
			return err
		},
		"cash": func(c string) error {
			_, err := r.term.PayCash(ctx, pos.Sale{AmountFen: 100, Cashier: c}, 100)
			return err
		},
		"refund": func(c string) error {
			_, err := r.term.Refund(ctx, pos.RefundOrder{OutTradeNo: paid.OutTradeNo, AmountFen: 100, Cashier: c,
				Approval: pos.Approval{User: "wang", Credential: "2468"}})
			return err
		},
	}
	refused := func(when, cashier string) {
		t.Helper()
		for what, try := range tries {
			if err := try(cashier); !errors.Is(err, pos.ErrNotSignedIn) {
				t.Errorf("%s %s as %q: %v, want ErrNotSignedIn", what, when, cashier, err)
			}
		}
	}
	refused("nobody signed in", "")
	refused("nobody signed in", "alice")
	if _, err := r.book.SignIn(ctx, "bob", "1357"); err != nil {
		t.Fatal(err)
	}
	refused("bob signed in", "alice")
	if err := r.book.Lock("manual"); err != nil {
		t.Fatal(err)
	}
	refused("locked", "")
	refused("locked", "bob")
	if _, err := r.book.Unlock(ctx, "bob", "1357"); err != nil {
		t.Fatal(err)
	}
	o, err := r.term.PayCash(ctx, pos.Sale{AmountFen: 100}, 100)
	if err != nil || o.Cashier != "bob" || o.Shift == 0 {
		t.Fatalf("sale naming nobody while bob is signed in: %v %+v, want bob's in the shift", err, o)
	}
	if rc, err := r.term.Receipt(o.ReceiptNo); err != nil || rc.Cashier != "bob" {
		t.Errorf("receipt of bob's sale: %v %+v", err, rc)
	}
	rf, err := r.term.Refund(ctx, pos.RefundOrder{OutTradeNo: o.OutTradeNo, AmountFen: 100,
		Approval: pos.Approval{User: "wang", Credential: "2468"}})
	if err != nil || rf.Cashier != "bob" {
		t.Errorf("refund naming nobody: %v %+v, want bob's", err, rf)
	}
}

// TestNoStaffNoSignIn: a terminal nobody has set up (training out of the
// box) sells and refunds without a cashier signed in.
func TestNoStaffNoSignIn(t *testing.T) {
	db := storagetest.Open(t)
	clk := postest.NewAutoClock(t0)
	term, err := pos.New(posstore.New(db), postest.NewGateway(clk.Now), pos.Config{StoreID: "S01", TerminalID: "T01", Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { term.Close() })
	ctx := context.Background()
	o, err := term.PayScan(ctx, pos.Sale{AmountFen: 300}, postest.Code(postest.Success, 1))
	if err != nil || o.State != pos.StatePaid || o.Cashier != "" {
		t.Fatalf("scan without staff: %v %+v", err, o)
	}
	if _, err := term.PayCash(ctx, pos.Sale{AmountFen: 300, Cashier: "cli"}, 500); err != nil {
		t.Fatalf("cash without staff: %v", err)
	}
}
