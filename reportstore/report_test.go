package reportstore_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/quick"
	"time"

	"github.com/wxpos/wxpos/internal/csvout"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/posstore"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/report"
	"github.com/wxpos/wxpos/reportstore"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/storage/storagetest"
	"github.com/wxpos/wxpos/tz"
)

func fastDB(tb testing.TB) *storage.Store {
	tb.Helper()
	db, err := storage.Open(filepath.Join(tb.TempDir(), "wxpos.db"), &storage.Options{NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

var info = report.Info{StoreName: "Test store", StoreID: "S1", TerminalID: "T1"}

func fixedNow(t time.Time) *reportstore.Options {
	return &reportstore.Options{Now: func() time.Time { return t }}
}

// TestZTotalsEqualReceipts is the property: over random days (random
// sales, tenders, states, late payments, refunds in every state, cash
// movements), the Z report of each day has per tender exactly the counts
// and sums of that day's receipts, the X before it agrees, and the cash
// and pending figures follow.
func TestZTotalsEqualReceipts(t *testing.T) {
	prop := func(seed uint64) bool {
		rng := rand.New(rand.NewPCG(seed, 42))
		db := fastDB(t)
		base := time.Date(2026, time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, tz.Shanghai)
		var days []string
		seq := 0
		for d := range 4 {
			day := base.AddDate(0, 0, d).Format("20060102")
			days = append(days, day)
			reportstore.GenDay(t, db, rng, day, rng.IntN(60), &seq)
		}
		book := reportstore.New(db, info, fixedNow(base.AddDate(0, 0, 10)))
		for _, day := range days[1:3] { // days with neighbours on both sides
			float := rng.Int64N(100000)
			if _, err := book.Open(day, "Wang", float); err != nil {
				t.Log(err)
				return false
			}
			var in, out int64
			for range rng.IntN(4) {
				m := report.Move{Kind: report.CashIn, AmountFen: 1 + rng.Int64N(5000), Reason: "change", By: "Li"}
				if rng.IntN(2) == 0 {
					m.Kind, m.Reason = report.CashOut, "supplier"
					out += m.AmountFen
				} else {
					in += m.AmountFen
				}
				if err := book.Move(day, m); err != nil {
					t.Log(err)
					return false
				}
			}
			x, err := book.X(day, "Li")
			if err != nil {
				t.Log(err)
				return false
			}
			counted := rng.Int64N(200000)
			z, err := book.Close(day, "Wang", &counted)
			if err != nil {
				t.Log(err)
				return false
			}
			want := reportstore.SumReceipts(t, db, day)
			for _, r := range []*report.Report{x, z} {
				if len(r.Tenders) != 3 {
					t.Logf("%s %s: %d tenders", day, r.Kind, len(r.Tenders))
					return false
				}
				for _, ts := range r.Tenders {
					w := want[ts.Tender]
					w.Tender = ts.Tender
					if ts != w {
						t.Logf("seed %d day %s %s: %+v, receipts say %+v", seed, day, r.Kind, ts, w)
						return false
					}
				}
				cash := want[receipt.TenderCash]
				if exp := float + cash.SaleFen - cash.RefundFen + in - out; r.ExpectedCashFen != exp {
					t.Logf("%s: expected cash %d, want %d", day, r.ExpectedCashFen, exp)
					return false
				}
				if n := reportstore.OpenBefore(t, db, day); len(r.Pending) != n || r.PendingCount != int64(n) {
					t.Logf("%s: %d pending, want %d", day, len(r.Pending), n)
					return false
				}
				var hourly int64
				for _, h := range r.HourlyFen {
					hourly += h
				}
				if s, _, _ := r.Totals(); hourly != s.SaleFen {
					t.Logf("%s: hourly sum %d, sales %d", day, hourly, s.SaleFen)
					return false
				}
			}
			if z.CashDiffFen() != counted-z.ExpectedCashFen {
				t.Logf("diff %d", z.CashDiffFen())
				return false
			}
		}
		return true
	}
	if err := quick.Check(prop, &quick.Config{MaxCount: 20}); err != nil {
		t.Fatal(err)
	}
}

func TestClosedDayImmutable(t *testing.T) {
	db := fastDB(t)
	rng := rand.New(rand.NewPCG(7, 7))
	seq := 0
	now := time.Date(2026, 11, 26, 22, 0, 0, 0, tz.Shanghai)
	book := reportstore.New(db, info, fixedNow(now))
	days := []string{"20261124", "20261125", "20261126"}
	for i, day := range days {
		reportstore.GenDay(t, db, rng, day, 30, &seq)
		if _, err := book.Open(day, "Wang", 10000); err != nil {
			t.Fatal(err)
		}
		z, err := book.Close(day, "Wang", nil)
		if err != nil {
			t.Fatal(err)
		}
		if z.ZNo != int64(i+1) {
			t.Fatalf("Z number %d, want %d (sequential)", z.ZNo, i+1)
		}
	}
	day := days[1]
	before, err := book.Z(day)
	if err != nil {
		t.Fatal(err)
	}
	count := int64(1000)
	tests := []struct {
		name string
		do   func() error
	}{
		{"open again", func() error { _, err := book.Open(day, "Wang", 0); return err }},
		{"cash in", func() error {
			return book.Move(day, report.Move{Kind: report.CashIn, AmountFen: 100, Reason: "x", By: "Li"})
		}},
		{"cash out", func() error {
			return book.Move(day, report.Move{Kind: report.CashOut, AmountFen: 100, Reason: "x", By: "Wang"})
		}},
		{"close again", func() error { _, err := book.Close(day, "Wang", &count); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.do(); !errors.Is(err, report.ErrDayClosed) {
				t.Fatalf("got %v, want ErrDayClosed", err)
			}
		})
	}
	// A payment of that day resolved after the close changes the live X,
	// never the Z.
	reportstore.GenDay(t, db, rng, day, 20, &seq)
	after, err := book.Z(day)
	if err != nil {
		t.Fatal(err)
	}
	a, b := mustJSON(t, before), mustJSON(t, after)
	if a != b {
		t.Fatalf("Z changed after close:\n%s\n%s", a, b)
	}
	x, err := book.X(day, "Li")
	if err != nil {
		t.Fatal(err)
	}
	if !x.ClosedDay {
		t.Error("X of a closed day not marked")
	}
	if x.NetFen() == after.NetFen() {
		t.Error("late sales did not show in the live X (test world too small?)")
	}
	zs, err := book.Zs(0)
	if err != nil || len(zs) != 3 || zs[0].No != 3 || zs[2].No != 1 {
		t.Fatalf("Zs = %+v, %v", zs, err)
	}
	if z2, err := book.ZByNo(2); err != nil || z2.Day != day {
		t.Fatalf("ZByNo(2) = %v, %v", z2, err)
	}
	if _, err := book.ZByNo(9); !errors.Is(err, report.ErrNoZ) {
		t.Fatalf("ZByNo(9): %v", err)
	}
}

func mustJSON(t *testing.T, r *report.Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := report.WriteCSV(&b, r, csvout.English); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestDaySession(t *testing.T) {
	db := fastDB(t)
	book := reportstore.New(db, info, fixedNow(time.Date(2026, 11, 26, 12, 0, 0, 0, tz.Shanghai)))
	day := book.Today()
	if day != "20261126" {
		t.Fatalf("Today = %s", day)
	}
	tests := []struct {
		name string
		do   func() error
		want error
	}{
		{"cash in before open", func() error {
			return book.Move(day, report.Move{Kind: report.CashIn, AmountFen: 100, Reason: "change", By: "Li"})
		}, report.ErrNotOpen},
		{"negative float", func() error { _, err := book.Open(day, "Li", -1); return err }, report.ErrBadAmount},
		{"bad day", func() error { _, err := book.Open("2026-13-01", "Li", 0); return err }, report.ErrBadDay},
		{"open", func() error { _, err := book.Open(day, "Li", 50000); return err }, nil},
		{"open twice", func() error { _, err := book.Open(day, "Li", 50000); return err }, report.ErrAlreadyOpen},
		{"cash in", func() error {
			return book.Move(day, report.Move{Kind: report.CashIn, AmountFen: 2000, Reason: "coins from bank", By: "Li"})
		}, nil},
		{"cash out", func() error {
			return book.Move(day, report.Move{Kind: report.CashOut, AmountFen: 1500, Reason: "milk supplier", By: "Li", ApprovedBy: "Wang"})
		}, nil},
		{"cash out without reason", func() error {
			return book.Move(day, report.Move{Kind: report.CashOut, AmountFen: 1500, By: "Li"})
		}, report.ErrNoReason},
		{"zero cash in", func() error {
			return book.Move(day, report.Move{Kind: report.CashIn, AmountFen: 0, Reason: "x", By: "Li"})
		}, report.ErrBadAmount},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.do(); !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
	x1, err := book.X(day, "Li")
	if err != nil {
		t.Fatal(err)
	}
	x2, _ := book.X(day, "Li")
	if x1.ExpectedCashFen != 50000+2000-1500 || mustJSON(t, x1) != mustJSON(t, x2) {
		t.Fatalf("X: expected %d; two X reports differ", x1.ExpectedCashFen)
	}
	if s, _ := book.Session(day); s.State != report.StateOpen {
		t.Fatalf("an X report changed the session: %s", s.State)
	}
	counted := int64(50400)
	z, err := book.Close(day, "Wang", &counted)
	if err != nil {
		t.Fatal(err)
	}
	if z.CashDiffFen() != -100 || z.Kind != receipt.ReportZ || z.ZNo != 1 {
		t.Fatalf("Z diff %d kind %s no %d", z.CashDiffFen(), z.Kind, z.ZNo)
	}
	txt, err := report.Text(z, 32, false)
	if err != nil || !bytes.Contains([]byte(txt), []byte("milk supplier")) {
		t.Fatalf("text: %v\n%s", err, txt)
	}
}

func TestCSVRoundTrip(t *testing.T) {
	db := fastDB(t)
	rng := rand.New(rand.NewPCG(3, 3))
	seq := 0
	reportstore.GenDay(t, db, rng, "20261126", 80, &seq)
	book := reportstore.New(db, info, fixedNow(time.Date(2026, 11, 27, 9, 0, 0, 0, tz.Shanghai)))
	book.Open("20261126", "Li", 1000)
	book.Move("20261126", report.Move{Kind: report.CashOut, AmountFen: 300, Reason: "=HYPERLINK(\"x\")", By: "Li"})
	x, err := book.X("20261126", "Li")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := report.WriteCSV(&b, x, csvout.Chinese); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte(csvout.BOM)) {
		t.Fatalf("no UTF-8 BOM: %q", b.String()[:8])
	}
	rows, err := csv.NewReader(bytes.NewReader(b.Bytes()[len(csvout.BOM):])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "部分,项目,笔数,金额（分）,金额（元）,说明" {
		t.Errorf("zh header %q", rows[0])
	}
	var salesFen, netFen int64
	for _, r := range rows[1:] {
		if len(r) != len(report.CSVHeader) {
			t.Fatalf("row %v", r)
		}
		fen, _ := strconv.ParseInt(r[3], 10, 64)
		if r[3] != "" && r[4] != csvout.Yuan(fen) {
			t.Errorf("row %v: yuan %q is not the fen %q with two decimals", r, r[4], r[3])
		}
		switch {
		case r[0] == "sales":
			salesFen += fen
		case r[0] == "total" && r[1] == "net":
			netFen = fen
		case r[0] == "cash_move" && r[5][0] != '\'':
			t.Errorf("formula not defused: %q", r[5])
		}
	}
	s, _, n := x.Totals()
	if salesFen != s.SaleFen || netFen != n || s.SaleFen == 0 {
		t.Fatalf("csv sales %d net %d, report %d %d", salesFen, netFen, s.SaleFen, n)
	}
}

// TestRefundsRacedCannotExceedPaid runs two refunds of one sale at once
// through the payment core, many times: together they never exceed what
// was paid (pos serialises refunds of a sale and checks the remainder).
func TestRefundsRacedCannotExceedPaid(t *testing.T) {
	db := storagetest.Open(t)
	clk := postest.NewAutoClock(time.Date(2026, 11, 26, 10, 0, 0, 0, tz.Shanghai))
	gw := postest.NewGateway(clk.Now)
	gw.RefundDelay = 0
	allow := pos.AuthorizerFunc(func(_ context.Context, a pos.Approval, _ pos.Action, _ string) (string, error) {
		return a.User, nil
	})
	term, err := pos.New(posstore.New(db), gw, pos.Config{StoreID: "S1", TerminalID: "T1", Clock: clk, Authorizer: allow})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { term.Close() })
	ctx := context.Background()
	tests := []struct {
		name   string
		tender receipt.Tender
		paid   int64
		a, b   int64
	}{
		{"cash, 60% twice", receipt.TenderCash, 1000, 600, 600},
		{"cash, all twice", receipt.TenderCash, 999, 999, 999},
		{"wechat scan, 60% twice", receipt.TenderWeChatScan, 1000, 600, 600},
		{"wechat scan, half and a fen", receipt.TenderWeChatScan, 1001, 501, 501},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i := range 10 {
				var o *pos.Order
				var err error
				if tt.tender == receipt.TenderCash {
					o, err = term.PayCash(ctx, pos.Sale{AmountFen: tt.paid}, tt.paid)
				} else {
					o, err = term.PayScan(ctx, pos.Sale{AmountFen: tt.paid}, postest.Code(postest.Success, len(tt.name)*100+i))
				}
				if err != nil || o.State != pos.StatePaid {
					t.Fatalf("sale: %v %v", o, err)
				}
				var wg sync.WaitGroup
				for _, amt := range []int64{tt.a, tt.b} {
					wg.Go(func() {
						_, err := term.Refund(ctx, pos.RefundOrder{OutTradeNo: o.OutTradeNo, AmountFen: amt, Reason: "race",
							Approval: pos.Approval{User: "Wang"}})
						if err != nil && !errors.Is(err, pos.ErrBusy) && !errors.Is(err, pos.ErrRefundLimit) {
							t.Errorf("refund: %v", err)
						}
					})
				}
				wg.Wait()
				rs, err := term.RefundsOf(o.OutTradeNo)
				if err != nil {
					t.Fatal(err)
				}
				var held int64
				for _, r := range rs {
					if r.State.Holds() {
						held += r.AmountFen
					}
				}
				if held > tt.paid || len(rs) == 0 {
					t.Fatalf("round %d: %d refunds hold %d fen of %d paid", i, len(rs), held, tt.paid)
				}
			}
		})
	}
}
