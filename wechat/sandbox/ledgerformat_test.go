package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// paidNos lists the orders paidOn reports for day.
func paidNos(s *Server, day time.Time) []string {
	var out []string
	s.update(func(time.Time) bool {
		s.led.paidOn(day, func(o *order) { out = append(out, o.OutTradeNo) })
		return false
	})
	return out
}

// overMidnight fills a data directory with three payments: A paid on day
// 1, B asked for on day 1 and paid (password) after midnight, C on day 2.
func overMidnight(t *testing.T, dir string) (day1, day2 time.Time) {
	t.Helper()
	s, err := New(Options{DataDir: dir, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	day1 = s.Now() // 18:00 Beijing
	s.Advance(5*time.Hour + 59*time.Minute + 50*time.Second)
	pay := func(no string, sc Scenario) {
		in := payInput{OutTradeNo: no, AmountFen: 100, Body: "b", AuthCode: NewCode(sc), Gen: "v3"}
		s.update(func(now time.Time) bool { s.micropay(now, in); return true })
	}
	pay("A0000001", ScenarioSuccess)
	pay("B0000001", ScenarioUserPayingSuccess) // pays 5 s later: still day 1
	s.Advance(8 * time.Second)
	pay("B0000002", ScenarioUserPayingSuccess) // asked at 23:59:58, pays after midnight
	s.Advance(time.Minute)
	day2 = s.Now()
	pay("C0000001", ScenarioSuccess)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return day1, day2
}

// TestPaidOnDerivesSameDayPayments: only a payment made on another day
// than its order is kept in the paidday index; the bill of each day still
// lists every payment of the day once, in creation order.
func TestPaidOnDerivesSameDayPayments(t *testing.T) {
	dir := t.TempDir()
	day1, day2 := overMidnight(t, dir)
	s, err := New(Options{DataDir: dir, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := paidNos(s, day1); !slices.Equal(got, []string{"A0000001", "B0000001"}) {
		t.Fatalf("day 1: %v", got)
	}
	if got := paidNos(s, day2); !slices.Equal(got, []string{"B0000002", "C0000001"}) {
		t.Fatalf("day 2: %v", got)
	}
	if got := paidNos(s, day2.Add(24*time.Hour)); len(got) != 0 {
		t.Fatalf("day 3: %v", got)
	}
	var indexed, txIndexed int
	s.update(func(time.Time) bool {
		indexed, txIndexed = s.led.b(bPaidDay).Stats().KeyN, s.led.b(bTx).Stats().KeyN
		for _, no := range []string{"A0000001", "B0000002"} {
			if o := s.led.peekOrder(no); s.led.findOrder(o.TransactionID, "") != s.led.order(no) {
				t.Errorf("%s not found by its transaction_id %s", no, o.TransactionID)
			}
		}
		return false
	})
	if indexed != 1 || txIndexed != 0 {
		t.Fatalf("%d paidday entries, want 1 (B0000002, paid after midnight); %d transaction ids indexed, want 0", indexed, txIndexed)
	}
}

// TestLedgerFormat2Upgraded: a ledger of format 2 (every payment in
// paidday, creation numbers in orderseq) or 3 (orderseq) opens, drops the
// entries it no longer needs and moves the creation numbers into the
// orders tree in one commit, lists each payment once, finds orders by
// transaction_id and numbers the next order after the last; a ledger of a
// newer format is refused with a clear error instead of being misread.
func TestLedgerFormat2Upgraded(t *testing.T) {
	for _, from := range []int{2, 3} {
		t.Run(fmt.Sprint(from), func(t *testing.T) { testLedgerUpgrade(t, from) })
	}
}

func testLedgerUpgrade(t *testing.T, from int) {
	dir := t.TempDir()
	day1, day2 := overMidnight(t, dir)
	path := filepath.Join(dir, ledgerDBFile)
	setFormat := func(version int, addSameDay bool) {
		db, err := bolt.Open(path, 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		err = db.Update(func(tx *bolt.Tx) error {
			return tx.ForEach(func(name []byte, root *bolt.Bucket) error {
				if version < 4 { // creation numbers in a tree of their own
					if err := toOrderSeq(root); err != nil {
						return err
					}
				}
				if addSameDay { // what format 2 wrote for every paid order
					err := root.Bucket([]byte(bOrders)).ForEach(func(k, v []byte) error {
						var o order
						if err := json.Unmarshal(v, &o); err != nil || !o.paid() {
							return err
						}
						return root.Bucket([]byte(bPaidDay)).Put([]byte(dayKey(o.SuccessTime)+string(u64(o.N))), k)
					})
					if err != nil {
						return err
					}
				}
				mb := root.Bucket([]byte(bMeta))
				var m ledgerMeta
				if err := json.Unmarshal(mb.Get([]byte(bMeta)), &m); err != nil {
					return err
				}
				m.Version = version
				data, _ := json.Marshal(m)
				return mb.Put([]byte(bMeta), data)
			})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	setFormat(from, from == 2)
	s, err := New(Options{DataDir: dir, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	if got := paidNos(s, day1); !slices.Equal(got, []string{"A0000001", "B0000001"}) {
		t.Fatalf("day 1 after the upgrade: %v", got)
	}
	if got := paidNos(s, day2); !slices.Equal(got, []string{"B0000002", "C0000001"}) {
		t.Fatalf("day 2 after the upgrade: %v", got)
	}
	var indexed, version int
	var seqTree bool
	s.update(func(time.Time) bool {
		indexed, version = s.led.b(bPaidDay).Stats().KeyN, s.led.meta.Version
		seqTree = s.led.tx.Bucket(s.led.root).Bucket([]byte(bOrderSeq)) != nil
		for _, no := range []string{"A0000001", "B0000002", "C0000001"} {
			if o := s.led.peekOrder(no); s.led.findOrder(o.TransactionID, "") != s.led.order(no) {
				t.Errorf("%s not found by its transaction_id %s", no, o.TransactionID)
			}
		}
		return false
	})
	if indexed != 1 || version != ledgerVersion || seqTree {
		t.Fatalf("after the upgrade: %d paidday entries, format %d, orderseq kept %v", indexed, version, seqTree)
	}
	in := payInput{OutTradeNo: "D0000001", AmountFen: 100, Body: "b", AuthCode: NewCode(ScenarioSuccess), Gen: "v3"}
	var o *order
	s.update(func(now time.Time) bool { o, _ = s.micropay(now, in); return true })
	if o == nil || o.N != 5 {
		t.Fatalf("the order after the upgrade: %+v, want number 5", o)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	setFormat(ledgerVersion+1, false)
	_, err = New(Options{DataDir: dir, Now: func() time.Time { return testNow }})
	if !errors.Is(err, ErrLedgerTooNew) || !strings.Contains(err.Error(), fmt.Sprintf("format %d", ledgerVersion+1)) {
		t.Fatalf("a newer ledger: %v", err)
	}
}

// toOrderSeq moves the creation numbers out of the orders tree into a
// tree of their own, as formats before 4 kept them.
func toOrderSeq(root *bolt.Bucket) error {
	seq, err := root.CreateBucket([]byte(bOrderSeq))
	if err != nil {
		return err
	}
	orders := root.Bucket([]byte(bOrders))
	var keys [][]byte
	err = orders.ForEach(func(k, no []byte) error {
		if isSeqKey(k) {
			keys = append(keys, bytes.Clone(k))
			return seq.Put(k[1:], no)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := orders.Delete(k); err != nil {
			return err
		}
	}
	if err := seq.SetSequence(orders.Sequence()); err != nil {
		return err
	}
	return orders.SetSequence(0)
}
