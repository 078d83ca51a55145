package cli_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/wxpos/wxpos/cli"
	"github.com/wxpos/wxpos/paygate/gatetest"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/posstore"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// payJSON runs `wxpos pay --json` with args and decodes the answer.
func payJSON(t *testing.T, args ...string) payOut {
	t.Helper()
	code, out, errOut := run(t, append(args, "--json")...)
	var p payOut
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("pay: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	return p
}

// localOrders reads every order of the database file at path.
func localOrders(t *testing.T, path string) map[string]*storage.Order {
	t.Helper()
	s, err := storage.Open(path, &storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	m := map[string]*storage.Order{}
	if err := s.View(func(tx *storage.Tx) error {
		return tx.ForEach(storage.BucketOrders, "", func(k string, _ []byte) error {
			o, err := tx.GetOrder(k)
			m[k] = o
			return err
		})
	}); err != nil {
		t.Fatal(err)
	}
	return m
}

// leaveUnknown takes a scan payment on the terminal database in data the
// way the payment core does, and stops the core (as a crash would) while
// the order is UNKNOWN: WeChat took the money, the answer was lost and
// every query since has failed.
func leaveUnknown(t *testing.T, data string, env *gatetest.Env, fen int64) string {
	t.Helper()
	st, err := storage.Open(filepath.Join(data, "wxpos.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	term, err := pos.New(posstore.New(st), env.Gateway, pos.Config{StoreID: "S1", TerminalID: "T1", CallTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	events := term.Subscribe(ctx)
	env.Sandbox.AddFault(sandbox.Fault{Path: "/v3/pay/transactions/codepay", Drop: sandbox.DropAfter})
	env.Sandbox.AddFault(sandbox.Fault{Path: "/v3/pay/transactions/out-trade-no/", Status: 503, Count: -1})
	defer env.Sandbox.ClearFaults()
	p, err := term.BeginScan(ctx, pos.Sale{AmountFen: fen}, sandbox.NewCode(sandbox.ScenarioSuccess))
	if err != nil {
		t.Fatal(err)
	}
	for e := range events {
		if e.Order != nil && e.Ref == p.OutTradeNo() && e.Order.State == pos.StateUnknown {
			return p.OutTradeNo()
		}
	}
	t.Fatalf("order %s never became UNKNOWN", p.OutTradeNo())
	return ""
}

// TestBackupMoreSalesRestoreRecover is the restore story against an
// external sandbox over HTTP: a sale, a sale left UNKNOWN (paid at WeChat,
// answer lost), a backup, one more sale, a restore. The restore's recovery
// finds the UNKNOWN sale paid; nothing is booked twice, the sale after the
// backup exists only at WeChat, and no order or receipt number repeats.
func TestBackupMoreSalesRestoreRecover(t *testing.T) {
	env := gatetest.Start(t, time.Now, nil)
	dir := t.TempDir()
	setConfigHome(t, filepath.Join(dir, "xdg"))
	profile := filepath.Join(dir, "profile.json")
	if err := env.Sandbox.Profile(env.HTTP.URL).WriteFile(profile); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	base := []string{"--data", data, "--sandbox-profile", profile}
	cmd := func(args ...string) []string { return append(append([]string{}, base...), args...) }

	a := payJSON(t, cmd("pay", "--fen", "5", "--code", sandbox.NewCode(sandbox.ScenarioSuccess))...)
	if a.State != "PAID" {
		t.Fatalf("sale A: %+v", a)
	}
	unknown := leaveUnknown(t, data, env, 8888)

	backup := filepath.Join(dir, "backup.db")
	if code, _, errOut := run(t, cmd("backup", backup)...); code != 0 {
		t.Fatalf("backup: exit %d: %s", code, errOut)
	}
	b := payJSON(t, cmd("pay", "--fen", "700", "--code", sandbox.NewCode(sandbox.ScenarioSuccess))...)
	if b.State != "PAID" {
		t.Fatalf("sale B after the backup: %+v", b)
	}
	before := localOrders(t, filepath.Join(data, "wxpos.db"))

	code, out, errOut := run(t, cmd("restore", backup, "--timeout", "20s")...)
	if code != 0 {
		t.Fatalf("restore: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	for _, want := range []string{"open at the backup", "→ PAID", "unresolved 0, outbox 0", "not in the restored database", "only there and in WeChat's daily bill", "reconcile", ".before-restore-"} {
		if !strings.Contains(out, want) {
			t.Errorf("restore output lacks %q:\n%s", want, out)
		}
	}
	c := payJSON(t, cmd("pay", "--fen", "300", "--code", sandbox.NewCode(sandbox.ScenarioSuccess))...)
	if c.State != "PAID" {
		t.Fatalf("sale C after the restore: %+v", c)
	}

	after := localOrders(t, filepath.Join(data, "wxpos.db"))
	if _, ok := after[b.OutTradeNo]; ok {
		t.Errorf("sale B (after the backup) is in the restored database")
	}
	for _, no := range []string{a.OutTradeNo, unknown, c.OutTradeNo} {
		if o := after[no]; o == nil || o.State != "PAID" {
			t.Errorf("restored database: %s is %+v, want PAID", no, o)
		}
	}
	// Every paid order at WeChat is either booked here with WeChat's
	// amount and transaction id, or is sale B, which reconciliation lists.
	txids := map[string]string{}
	for _, w := range env.Sandbox.Ledger().Orders {
		if prev, dup := txids[w.TransactionID]; dup && w.TransactionID != "" {
			t.Errorf("transaction id %s for %s and %s", w.TransactionID, prev, w.OutTradeNo)
		}
		txids[w.TransactionID] = w.OutTradeNo
		o := after[w.OutTradeNo]
		switch {
		case w.OutTradeNo == b.OutTradeNo:
			if o != nil || w.TradeState != "SUCCESS" {
				t.Errorf("sale B: local %+v, WeChat %+v", o, w)
			}
		case o == nil:
			t.Errorf("WeChat order %s (%s) unknown to the restored database", w.OutTradeNo, w.TradeState)
		case o.AmountFen != w.AmountFen || o.TransactionID != w.TransactionID || (w.TradeState == "SUCCESS") != (o.State == "PAID"):
			t.Errorf("%s: booked %s %d fen on %q, WeChat has %s %d fen on %q", w.OutTradeNo, o.State, o.AmountFen, o.TransactionID, w.TradeState, w.AmountFen, w.TransactionID)
		}
	}
	if len(env.Sandbox.Ledger().Orders) != 4 {
		t.Errorf("WeChat has %d orders, want 4 (A, the unknown one, B, C)", len(env.Sandbox.Ledger().Orders))
	}

	// Order numbers: C is new to the merchant and carries a new epoch.
	for _, no := range []string{a.OutTradeNo, unknown, b.OutTradeNo} {
		if no == c.OutTradeNo {
			t.Fatalf("order number %s minted again after the restore", no)
		}
	}
	if epoch(c.OutTradeNo) == epoch(b.OutTradeNo) {
		t.Errorf("after the restore the epoch is still %s", epoch(c.OutTradeNo))
	}
	// Receipt numbers: none printed before the restore (in either
	// database's life) is issued again after it.
	printed := map[string]string{}
	for _, o := range before {
		if o.ReceiptNo != "" {
			printed[o.ReceiptNo] = o.OutTradeNo
		}
	}
	for _, no := range []string{unknown, c.OutTradeNo} {
		r := after[no].ReceiptNo
		if r == "" {
			t.Errorf("%s paid without a receipt", no)
		}
		if prev, ok := printed[r]; ok {
			t.Errorf("receipt %s of %s was already printed for %s", r, no, prev)
		}
		printed[r] = no
	}
}

// epoch is the third dash-separated field of a new-style order number.
func epoch(no string) string {
	f := strings.Split(no, "-")
	if len(f) != 4 {
		return ""
	}
	return f[2]
}

// TestRestoreTraining backs up a training terminal (database and embedded
// simulator in one zip), takes another sale, restores in place and on an
// empty data directory (a new machine).
func TestRestoreTraining(t *testing.T) {
	dir := t.TempDir()
	setConfigHome(t, filepath.Join(dir, "xdg")) // no config: training
	data := filepath.Join(dir, "data")
	a := payJSON(t, "--data", data, "pay", "--fen", "5", "--code", sandbox.NewCode(sandbox.ScenarioSuccess))
	backup := filepath.Join(dir, "training-backup.zip")
	if code, out, errOut := run(t, "--data", data, "backup", backup); code != 0 || !strings.Contains(out, "simulator") {
		t.Fatalf("backup: exit %d %q %s", code, out, errOut)
	}
	b := payJSON(t, "--data", data, "pay", "--fen", "700", "--code", sandbox.NewCode(sandbox.ScenarioSuccess))

	t.Run("in place: the simulator that saw more is kept", func(t *testing.T) {
		code, out, errOut := run(t, "--data", data, "restore", backup)
		if code != 0 || !strings.Contains(out, "it is kept") {
			t.Fatalf("restore: exit %d\n%s\n%s", code, out, errOut)
		}
		c := payJSON(t, "--data", data, "pay", "--fen", "300", "--code", sandbox.NewCode(sandbox.ScenarioSuccess))
		if c.State != "PAID" || c.TransactionID == a.TransactionID || c.TransactionID == b.TransactionID {
			t.Fatalf("sale after the restore %+v; earlier transactions %s, %s", c, a.TransactionID, b.TransactionID)
		}
		if c.ReceiptNo == b.ReceiptNo || c.ReceiptNo == a.ReceiptNo {
			t.Fatalf("receipt %s issued again", c.ReceiptNo)
		}
		// The simulator still knows sale B: WeChat did not forget it.
		if w := simulatorOrder(t, data, b.OutTradeNo); w.TransactionID != b.TransactionID || w.TradeState != "SUCCESS" {
			t.Fatalf("the simulator has %+v for the sale after the backup %+v", w, b)
		}
	})
	t.Run("new machine: the backup's simulator is installed", func(t *testing.T) {
		fresh := filepath.Join(dir, "fresh")
		code, out, errOut := run(t, "--data", fresh, "restore", backup)
		if code != 0 || !strings.Contains(out, "restored from the backup") {
			t.Fatalf("restore: exit %d\n%s\n%s", code, out, errOut)
		}
		// The simulator knows the backup's sale: same merchant, same ledger.
		if w := simulatorOrder(t, fresh, a.OutTradeNo); w.TransactionID != a.TransactionID || w.TradeState != "SUCCESS" {
			t.Fatalf("the new machine's simulator has %+v for the backup's sale %+v", w, a)
		}
		c := payJSON(t, "--data", fresh, "pay", "--fen", "300", "--code", sandbox.NewCode(sandbox.ScenarioSuccess))
		if c.State != "PAID" || c.TransactionID == a.TransactionID || c.OutTradeNo == a.OutTradeNo || c.ReceiptNo == a.ReceiptNo {
			t.Fatalf("sale on the new machine %+v repeats the backup's %+v", c, a)
		}
	})
	t.Run("a training backup is refused by a merchant terminal", func(t *testing.T) {
		env := gatetest.Start(t, time.Now, nil)
		profile := filepath.Join(t.TempDir(), "profile.json")
		env.Sandbox.Profile(env.HTTP.URL).WriteFile(profile)
		other := filepath.Join(t.TempDir(), "data")
		code, _, errOut := run(t, "--data", other, "--sandbox-profile", profile, "restore", backup)
		if code != cli.ExitFailure || !strings.Contains(errOut, "training backup") {
			t.Fatalf("exit %d, stderr %q", code, errOut)
		}
		if _, err := os.Stat(filepath.Join(other, "wxpos.db")); err == nil {
			t.Error("a database was installed")
		}
	})
}

func TestRestoreRefusesAndLeavesTheDatabase(t *testing.T) {
	dir := t.TempDir()
	setConfigHome(t, filepath.Join(dir, "xdg"))
	data := filepath.Join(dir, "data")
	payJSON(t, "--data", data, "pay", "--fen", "5", "--code", sandbox.NewCode(sandbox.ScenarioSuccess))
	live := filepath.Join(data, "wxpos.db")
	good := filepath.Join(dir, "good.zip")
	if code, _, errOut := run(t, "--data", data, "backup", good); code != 0 {
		t.Fatal(errOut)
	}
	goodDB := unzipDB(t, good)

	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, data, 0o600)
		return p
	}
	goodBytes, _ := os.ReadFile(goodDB)
	newer := write("newer.db", goodBytes)
	func() {
		db, err := bolt.Open(newer, 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		db.Update(func(tx *bolt.Tx) error {
			var v [8]byte
			binary.BigEndian.PutUint64(v[:], storage.SchemaVersion+1)
			return tx.Bucket([]byte("meta")).Put([]byte("schema_version"), v[:])
		})
	}()
	foreign := filepath.Join(dir, "foreign.db")
	func() {
		db, err := bolt.Open(foreign, 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("widgets")); return err })
		db.Close()
	}()
	liveBooks := filepath.Join(dir, "live.db")
	func() {
		s, err := storage.Open(liveBooks, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.ClaimMode(storage.ModeLive); err != nil {
			t.Fatal(err)
		}
	}()
	// The system's own words for a missing file (Windows has its own).
	missing := filepath.Join(dir, "nope.db")
	var noFile *os.PathError
	if _, err := os.Stat(missing); !errors.As(err, &noFile) {
		t.Fatalf("stat of a missing file: %v", err)
	}
	tests := []struct{ name, file, says string }{
		{"a merchant's live books on a training terminal", liveBooks, "never mix"},
		{"corrupt", write("corrupt.db", bytes.Repeat([]byte{0xA5}, 64<<10)), "not a wxpos database"},
		{"truncated", write("truncated.db", goodBytes[:len(goodBytes)/3]), "not a wxpos database"},
		{"foreign", foreign, "another program"},
		{"newer", newer, "newer than this wxpos"},
		{"missing", missing, noFile.Err.Error()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := fileSum(t, live)
			code, _, errOut := run(t, "--data", data, "restore", tc.file)
			if code != cli.ExitFailure || !strings.Contains(errOut, tc.says) {
				t.Fatalf("exit %d, stderr %q; want 1 and %q", code, errOut, tc.says)
			}
			if fileSum(t, live) != before {
				t.Error("the database changed")
			}
			if m, _ := filepath.Glob(live + ".before-restore-*"); len(m) != 0 {
				t.Errorf("set aside although refused: %v", m)
			}
		})
	}
	t.Run("while another wxpos holds the database", func(t *testing.T) {
		s, err := storage.Open(live, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		before := fileSum(t, live)
		code, _, errOut := run(t, "--data", data, "restore", good)
		if code != cli.ExitFailure || !strings.Contains(errOut, "another wxpos is running") || !strings.Contains(errOut, "nothing was changed") {
			t.Fatalf("exit %d, stderr %q", code, errOut)
		}
		if fileSum(t, live) != before {
			t.Error("the database in use changed")
		}
	})
}

func fileSum(t *testing.T, p string) [32]byte {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(data)
}

// simulatorOrder reads one order from the training simulator's ledger in a
// data directory (no command is running on it).
func simulatorOrder(t *testing.T, data, no string) sandbox.LedgerOrder {
	t.Helper()
	sb, err := sandbox.New(sandbox.Options{DataDir: filepath.Join(data, "sandbox")})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	for _, o := range sb.Ledger().Orders {
		if o.OutTradeNo == no {
			return o
		}
	}
	return sandbox.LedgerOrder{}
}
