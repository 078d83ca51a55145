package staffstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wxpos/wxpos/catalog"
	"github.com/wxpos/wxpos/internal/csvout"
	"github.com/wxpos/wxpos/staff"
	"github.com/wxpos/wxpos/staffstore"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/storage/storagetest"
	"github.com/wxpos/wxpos/tz"
)

// cheap keeps tests fast; the benchmark measures the real parameters.
var cheap = staffstore.Params{Time: 1, MemoryKiB: 64, Threads: 1, SaltLen: 16, KeyLen: 32}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type fixture struct {
	db      *storage.Store
	dir     *staffstore.Directory
	clk     *clock
	manager staff.Session
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{db: storagetest.Open(t), clk: &clock{t: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)}}
	f.open()
	ctx := context.Background()
	if _, err := f.dir.Setup(ctx, "Wang", "2468"); err != nil {
		t.Fatal(err)
	}
	s, err := f.dir.Login(ctx, "wang", "2468")
	if err != nil {
		t.Fatal(err)
	}
	f.manager = s
	if _, err := f.dir.Add(ctx, s, "Li", staff.RoleCashier, "1357"); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) open() {
	f.dir = staffstore.New(f.db, &staffstore.Options{Params: cheap, Policy: staff.Policy{MaxAttempts: 3, LockFor: 10 * time.Minute}, Now: f.clk.Now})
}

func events(t *testing.T, db *storage.Store, kind string) []storage.Event {
	t.Helper()
	ev, err := staffstore.Trail(db, staff.Filter{Kinds: []string{kind}})
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestSetup(t *testing.T) {
	db := storagetest.Open(t)
	d := staffstore.New(db, &staffstore.Options{Params: cheap})
	ctx := context.Background()
	if need, err := d.NeedsSetup(); err != nil || !need {
		t.Fatalf("NeedsSetup = %v, %v on an empty terminal", need, err)
	}
	if _, err := d.Login(ctx, "x", "2468"); !errors.Is(err, staff.ErrNoUsers) {
		t.Fatalf("login before setup: %v", err)
	}
	tests := []struct {
		name, user, pin string
		want            error
	}{
		{"weak pin run", "Wang", "1234", staff.ErrWeakPIN},
		{"weak pin repeat", "Wang", "0000", staff.ErrWeakPIN},
		{"short pin", "Wang", "246", staff.ErrWeakPIN},
		{"letters", "Wang", "24a8", staff.ErrWeakPIN},
		{"empty name", " ", "2468", staff.ErrBadName},
		{"ok", "Wang", "2468", nil},
		{"second setup refused", "Zhao", "9753", staff.ErrSetupDone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := d.Setup(ctx, tt.user, tt.pin)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Setup = %v, want %v", err, tt.want)
			}
			if tt.want == nil && u.Role != staff.RoleManager {
				t.Fatalf("first user role %s", u.Role)
			}
		})
	}
	if n := len(events(t, db, staff.KindSetup)); n != 1 {
		t.Errorf("%d setup events, want 1", n)
	}
}

func TestWrongPINRefusedAndCounted(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tests := []struct {
		name       string
		user, pin  string
		want       error
		wantFailed int
	}{
		{"wrong pin", "Li", "9999", staff.ErrBadPIN, 1},
		{"wrong again", "li", "1358", staff.ErrBadPIN, 2},
		{"right pin clears the count", "Li", "1357", nil, 0},
		{"wrong after right", "Li", "0001", staff.ErrBadPIN, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := f.dir.Login(ctx, tt.user, tt.pin)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Login = %v, want %v", err, tt.want)
			}
			if tt.want == nil && (s.Name != "Li" || s.Role != staff.RoleCashier) {
				t.Fatalf("session %+v", s)
			}
			u, err := f.dir.Get("Li")
			if err != nil {
				t.Fatal(err)
			}
			if u.Failed != tt.wantFailed {
				t.Errorf("Failed = %d, want %d", u.Failed, tt.wantFailed)
			}
		})
	}
	if n := len(events(t, f.db, staff.KindPINFailed)); n != 3 {
		t.Errorf("%d pin_failed events, want 3", n)
	}
	t.Run("unknown name gives the same error", func(t *testing.T) {
		_, err := f.dir.Login(ctx, "Nobody", "1357")
		if !errors.Is(err, staff.ErrBadPIN) || errors.Is(err, staff.ErrNotFound) {
			t.Fatalf("unknown name: %v", err)
		}
		// A PIN typed into the name field must not reach the audit trail.
		f.dir.Login(ctx, "975312", "1357")
		ev, _ := staffstore.Trail(f.db, staff.Filter{Text: "975312"})
		if len(ev) != 0 {
			t.Fatalf("typed name recorded: %+v", ev)
		}
		if n := len(events(t, f.db, staff.KindUnknownUser)); n != 2 {
			t.Fatalf("%d unknown-name events, want 2", n)
		}
	})
}

func TestLockout(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for i := range 3 {
		if _, err := f.dir.Login(ctx, "Li", "8642"); !errors.Is(err, staff.ErrBadPIN) {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
	var le *staff.LockedError
	if _, err := f.dir.Login(ctx, "Li", "1357"); !errors.As(err, &le) {
		t.Fatalf("right PIN while locked: %v, want LockedError", err)
	}
	if want := f.clk.Now().Add(10 * time.Minute); !le.Until.Equal(want) {
		t.Errorf("locked until %v, want %v", le.Until, want)
	}
	// Said in the store's zone, whatever zone the time is held in.
	utc := &staff.LockedError{Name: "Li", Until: le.Until.UTC()}
	if want := le.Until.In(tz.Shanghai).Format("15:04:05"); !strings.HasSuffix(utc.Error(), "until "+want) {
		t.Errorf("lockout says %q, want the store's time %s", utc.Error(), want)
	}
	if n := len(events(t, f.db, staff.KindLockedOut)); n != 1 {
		t.Errorf("%d lock events, want 1", n)
	}

	// A restart does not reset the count.
	f.db = storagetest.Reopen(t, f.db)
	f.open()
	if _, err := f.dir.Login(ctx, "Li", "1357"); !errors.Is(err, staff.ErrLocked) {
		t.Fatalf("after restart: %v, want ErrLocked", err)
	}
	// Another user is not affected.
	if _, err := f.dir.Login(ctx, "Wang", "2468"); err != nil {
		t.Fatalf("manager while cashier locked: %v", err)
	}
	f.clk.Add(10*time.Minute - time.Second)
	if _, err := f.dir.Login(ctx, "Li", "1357"); !errors.Is(err, staff.ErrLocked) {
		t.Fatalf("one second before the end: %v", err)
	}
	f.clk.Add(time.Second)
	if _, err := f.dir.Login(ctx, "Li", "1357"); err != nil {
		t.Fatalf("after the lock ran out: %v", err)
	}
	// A manager can lift a lock at once.
	for range 3 {
		f.dir.Login(ctx, "Li", "8642")
	}
	if err := f.dir.Update(ctx, f.manager, "Li", staff.Change{Unlock: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.dir.Login(ctx, "Li", "1357"); err != nil {
		t.Fatalf("after unlock: %v", err)
	}
}

func TestConcurrentGuessesStayWithinLimit(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 12)
	for range 12 {
		wg.Go(func() {
			_, err := f.dir.Login(ctx, "Li", "8642")
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	checked := 0
	for err := range errs {
		if !errors.Is(err, staff.ErrBadPIN) && !errors.Is(err, staff.ErrLocked) {
			t.Fatalf("unexpected %v", err)
		}
		if !errors.Is(err, staff.ErrLocked) || errors.Is(err, staff.ErrBadPIN) {
			checked++
		}
	}
	if checked != 3 {
		t.Errorf("%d guesses were checked, policy allows 3", checked)
	}
	if n := len(events(t, f.db, staff.KindPINFailed)); n != 3 {
		t.Errorf("%d pin_failed events, want 3", n)
	}
}

func TestCashierCannotRefundWithoutOverride(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cashier, err := f.dir.Login(ctx, "Li", "1357")
	if err != nil {
		t.Fatal(err)
	}
	if cashier.Can(staff.ActionRefund) {
		t.Fatal("a cashier session may refund by itself")
	}
	if !cashier.Can(staff.ActionSale) {
		t.Fatal("a cashier session may not sell")
	}
	tests := []struct {
		name     string
		approver string
		pin      string
		want     error
	}{
		{"cashier's own PIN", "Li", "1357", staff.ErrForbidden},
		{"manager, wrong PIN", "Wang", "1111", staff.ErrBadPIN},
		{"nobody", "", "2468", staff.ErrBadPIN},
		{"manager PIN", "Wang", "2468", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ap, err := f.dir.Authorize(ctx, staff.Request{
				Action: staff.ActionRefund, Actor: cashier.Name, Approver: tt.approver, PIN: tt.pin,
				Ref: "S1T1000042", AmountFen: 1500, Reason: "wrong size",
			})
			if !errors.Is(err, tt.want) {
				t.Fatalf("Authorize = %v, want %v", err, tt.want)
			}
			if tt.want == nil && (ap.Actor != "Li" || ap.Approver != "Wang" || ap.EventSeq == 0) {
				t.Fatalf("approval %+v", ap)
			}
		})
	}
	ov := events(t, f.db, staff.KindOverride)
	if len(ov) != 1 {
		t.Fatalf("%d override events, want 1", len(ov))
	}
	var data map[string]any
	if err := json.Unmarshal(ov[0].Data, &data); err != nil {
		t.Fatal(err)
	}
	if ov[0].Actor != "Wang" || data["actor"] != "Li" || data["approver"] != "Wang" || data["action"] != "refund" || ov[0].Ref != "S1T1000042" || ov[0].Reason != "wrong size" {
		t.Errorf("override event %+v data %v", ov[0], data)
	}
	if n := len(events(t, f.db, staff.KindDenied)); n != 1 {
		t.Errorf("%d denied events, want 1", n)
	}
	// Check verifies without recording an approval.
	if err := f.dir.Check(ctx, staff.Request{Action: staff.ActionRefund, Approver: "Wang", PIN: "2468"}); err != nil {
		t.Errorf("Check with the manager PIN: %v", err)
	}
	if err := f.dir.Check(ctx, staff.Request{Action: staff.ActionRefund, Approver: "Li", PIN: "1357"}); !errors.Is(err, staff.ErrForbidden) {
		t.Errorf("Check with the cashier PIN: %v", err)
	}
	if n := len(events(t, f.db, staff.KindOverride)); n != 1 {
		t.Errorf("Check wrote an override: %d", n)
	}
	// Who filter finds the override from the cashier's side too.
	got, err := staffstore.Trail(f.db, staff.Filter{Kinds: []string{"override"}, Who: "li"})
	if err != nil || len(got) != 1 {
		t.Errorf("filter by requester: %d events, %v", len(got), err)
	}
}

func TestStaffChanges(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cashier, _ := f.dir.Login(ctx, "Li", "1357")
	mgr := staff.RoleManager
	cash := staff.RoleCashier
	yes := true
	pin := "9753"
	tests := []struct {
		name string
		by   staff.Session
		user string
		c    staff.Change
		want error
	}{
		{"cashier cannot promote", cashier, "Li", staff.Change{Role: &mgr}, staff.ErrForbidden},
		{"last manager cannot be demoted", f.manager, "Wang", staff.Change{Role: &cash}, staff.ErrLastManager},
		{"last manager cannot be disabled", f.manager, "Wang", staff.Change{Disabled: &yes}, staff.ErrLastManager},
		{"promote", f.manager, "Li", staff.Change{Role: &mgr}, nil},
		{"now a manager can be demoted", f.manager, "Wang", staff.Change{Role: &cash}, nil},
		{"new pin", f.manager, "Wang", staff.Change{PIN: &pin}, nil},
		{"no such user", f.manager, "Zhao", staff.Change{Unlock: true}, staff.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := f.dir.Update(ctx, tt.by, tt.user, tt.c); !errors.Is(err, tt.want) {
				t.Fatalf("Update = %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := f.dir.Login(ctx, "Wang", "9753"); err != nil {
		t.Errorf("new PIN: %v", err)
	}
	if _, err := f.dir.Add(ctx, f.manager, "li", staff.RoleCashier, "8642"); !errors.Is(err, staff.ErrExists) {
		t.Errorf("duplicate name (case folded): %v", err)
	}
}

func TestRehashWithStrongerParams(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	stronger := cheap
	stronger.MemoryKiB = 128
	d := staffstore.New(f.db, &staffstore.Options{Params: stronger, Now: f.clk.Now})
	if _, err := d.Login(ctx, "Li", "1357"); err != nil {
		t.Fatal(err)
	}
	var u staff.User
	f.db.View(func(tx *storage.Tx) error { return tx.Get(storage.BucketUsers, "li", &u) })
	if !strings.Contains(u.PINHash, "m=128,") {
		t.Fatalf("hash not upgraded: %s", u.PINHash)
	}
	if _, err := d.Login(ctx, "Li", "1357"); err != nil {
		t.Fatalf("login with the upgraded hash: %v", err)
	}
	if _, err := d.Login(ctx, "Li", "1358"); !errors.Is(err, staff.ErrBadPIN) {
		t.Fatalf("wrong PIN with the upgraded hash: %v", err)
	}
}

func TestCSVEscapesFormulas(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=1+1", "'=1+1"},
		{"+cmd", "'+cmd"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"-12.50", "-12.50"},
		{"-x", "'-x"},
		{"plain", "plain"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := staffstore.SafeCell(tt.in); got != tt.want {
				t.Errorf("SafeCell(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	f := newFixture(t)
	ev, _ := staffstore.Trail(f.db, staff.Filter{})
	var b strings.Builder
	if err := staffstore.WriteCSV(&b, ev, time.UTC, csvout.English); err != nil {
		t.Fatal(err)
	}
	body, ok := strings.CutPrefix(b.String(), csvout.BOM)
	if !ok {
		t.Fatalf("no UTF-8 BOM: %q", b.String()[:8])
	}
	lines := strings.Split(strings.TrimSpace(body), "\n")
	if len(lines) != len(ev)+1 || !strings.HasPrefix(lines[0], "seq,time,kind") {
		t.Errorf("csv has %d lines for %d events:\n%s", len(lines), len(ev), b.String())
	}
}

// TestStaffCard: a user's card code is a staff card to the catalogue's
// classifier (never an item or a payment), names that user whatever the
// case the wedge typed, and a disabled user's card names nobody.
func TestStaffCard(t *testing.T) {
	f := newFixture(t)
	d := f.dir
	code := staffstore.CardCode("wang")
	if c := catalog.Classify(code); c.Kind != catalog.KindStaffCard {
		t.Fatalf("card %s classified %s", code, c.Kind)
	}
	if code != staffstore.CardCode(" WANG ") {
		t.Error("the card depends on the name's case or spaces")
	}
	if n, err := d.CardName(strings.ToLower(code)); err != nil || n != "Wang" {
		t.Errorf("card %s names %q, %v", code, n, err)
	}
	if _, err := d.CardName(staffstore.CardCode("zhao")); !errors.Is(err, staff.ErrNotFound) {
		t.Errorf("card of nobody: %v", err)
	}
	yes := true
	if err := d.Update(context.Background(), f.manager, "Li", staff.Change{Disabled: &yes}); err != nil {
		t.Fatal(err)
	}
	if n, err := d.CardName(staffstore.CardCode("li")); !errors.Is(err, staff.ErrNotFound) {
		t.Errorf("a disabled user's card names %q, %v", n, err)
	}
}
