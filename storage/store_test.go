package storage_test

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/storage/storagetest"
)

type record struct {
	V      int    `json:"v"`
	No     string `json:"no"`
	Amount int64  `json:"amount_fen"`
}

func TestOpen_SecondInstanceRefused(t *testing.T) {
	s := storagetest.Open(t)
	start := time.Now()
	_, err := storage.Open(s.Path(), &storage.Options{Timeout: 100 * time.Millisecond})
	if !errors.Is(err, storage.ErrLocked) {
		t.Fatalf("second open: got %v, want ErrLocked", err)
	}
	if want := "another wxpos is running on " + s.Path(); err.Error() != want {
		t.Errorf("message = %q, want %q", err, want)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("second open took %v; it must fail promptly", d)
	}
}

func TestSequences_MonotonicAcrossReopen(t *testing.T) {
	s := storagetest.Open(t)
	var last uint64
	next := func() uint64 {
		t.Helper()
		var n uint64
		if err := s.Update(func(tx *storage.Tx) error {
			var err error
			n, err = tx.NextSeq("order")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for round := 0; round < 3; round++ {
		for i := 0; i < 5; i++ {
			n := next()
			if n <= last {
				t.Fatalf("round %d: sequence went from %d to %d", round, last, n)
			}
			last = n
		}
		s = storagetest.Reopen(t, s)
	}
	if last != 15 {
		t.Errorf("after 15 draws last = %d, want 15", last)
	}
	// A rolled-back transaction does not consume a number.
	_ = s.Update(func(tx *storage.Tx) error {
		if _, err := tx.NextSeq("order"); err != nil {
			return err
		}
		return errors.New("abandon")
	})
	if n := next(); n != 16 {
		t.Errorf("after rollback got %d, want 16", n)
	}
	// Sequences are independent by name.
	var r uint64
	_ = s.Update(func(tx *storage.Tx) (err error) { r, err = tx.NextSeq("refund"); return err })
	if r != 1 {
		t.Errorf("first refund seq = %d, want 1", r)
	}
}

func TestBackup_OpensWithSameData(t *testing.T) {
	s := storagetest.Open(t)
	want := map[string]record{}
	if err := s.Update(func(tx *storage.Tx) error {
		for i := 0; i < 50; i++ {
			r := record{V: 1, No: fmt.Sprintf("T%04d", i), Amount: int64(i * 101)}
			want[r.No] = r
			if err := tx.Put(storage.BucketOrders, r.No, r); err != nil {
				return err
			}
			if _, err := tx.AppendEvent(storage.Event{Kind: "test", Ref: r.No}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "backup.db")
	n, err := s.BackupFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(dst); fi == nil || fi.Size() != n {
		t.Fatalf("backup reported %d bytes, file is %v", n, fi)
	}
	b := storagetest.OpenPath(t, dst)
	got := map[string]record{}
	var events int
	if err := b.View(func(tx *storage.Tx) error {
		if err := tx.ForEach(storage.BucketOrders, "", func(k string, _ []byte) error {
			var r record
			if err := tx.Get(storage.BucketOrders, k, &r); err != nil {
				return err
			}
			got[k] = r
			return nil
		}); err != nil {
			return err
		}
		return tx.Events(0, func(storage.Event) (bool, error) { events++; return true, nil })
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) || events != 50 {
		t.Fatalf("backup has %d orders and %d events, want %d and 50", len(got), events, len(want))
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: got %+v, want %+v", k, got[k], w)
		}
	}
	if _, err := s.BackupFile(s.Path()); err == nil {
		t.Error("backup over the live database must be refused")
	}
}

func TestOpen_RefusesDamagedFilesUntouched(t *testing.T) {
	good := storagetest.Open(t)
	if err := good.Update(func(tx *storage.Tx) error {
		return tx.Put(storage.BucketOrders, "A1", record{V: 1, No: "A1", Amount: 100})
	}); err != nil {
		t.Fatal(err)
	}
	var full bytes.Buffer
	if _, err := good.Backup(&full); err != nil {
		t.Fatal(err)
	}
	random := make([]byte, 64<<10)
	rand.Read(random)

	foreign := filepath.Join(t.TempDir(), "other.db")
	odb, err := bolt.Open(foreign, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = odb.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("widgets")); return err })
	odb.Close()
	foreignBytes, _ := os.ReadFile(foreign)
	// Without a persisted freelist, a read-write open by bbolt writes one:
	// Open must refuse this file before it opens it read-write.
	nofree := filepath.Join(t.TempDir(), "nofree.db")
	ndb, err := bolt.Open(nofree, 0o600, &bolt.Options{NoFreelistSync: true})
	if err != nil {
		t.Fatal(err)
	}
	_ = ndb.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("widgets")); return err })
	ndb.Close()
	nofreeBytes, _ := os.ReadFile(nofree)

	cases := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"random bytes", random},
		{"truncated to 100 bytes", full.Bytes()[:100]},
		{"truncated to half", full.Bytes()[:full.Len()/2]},
		{"text file", []byte("[store]\nid = \"S1\"\n")},
		{"another program's bbolt file", foreignBytes},
		{"another program's bbolt file without a freelist", nofreeBytes},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "wxpos.db")
			if err := os.WriteFile(p, tc.data, 0o600); err != nil {
				t.Fatal(err)
			}
			before := sha256.Sum256(tc.data)
			s, err := storage.Open(p, &storage.Options{Timeout: 200 * time.Millisecond})
			if err == nil {
				s.Close()
				t.Fatal("opened a damaged file")
			}
			if !errors.Is(err, storage.ErrNotDatabase) {
				t.Errorf("got %v, want ErrNotDatabase", err)
			}
			after, _ := os.ReadFile(p)
			if sha256.Sum256(after) != before {
				t.Error("the refused file was modified")
			}
		})
	}
}

func TestGet_NotFound(t *testing.T) {
	s := storagetest.Open(t)
	err := s.View(func(tx *storage.Tx) error {
		var r record
		return tx.Get(storage.BucketOrders, "missing", &r)
	})
	if !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("got %v, want ErrNotFound", err)
	}
}

func TestUpdate_RollsBackOnError(t *testing.T) {
	s := storagetest.Open(t)
	boom := errors.New("boom")
	err := s.Update(func(tx *storage.Tx) error {
		if err := tx.Put(storage.BucketOrders, "X", record{No: "X"}); err != nil {
			return err
		}
		if _, err := tx.AppendEvent(storage.Event{Kind: "x"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("got %v", err)
	}
	_ = s.View(func(tx *storage.Tx) error {
		if tx.Has(storage.BucketOrders, "X") || tx.LastEventSeq() != 0 {
			t.Error("a failed Update left writes behind")
		}
		return nil
	})
}

func TestEvents_AppendOnlyInOrder(t *testing.T) {
	s := storagetest.Open(t)
	for i := 0; i < 3; i++ {
		_ = s.Update(func(tx *storage.Tx) error {
			_, err := tx.AppendEvent(storage.Event{Kind: "k", Ref: fmt.Sprint(i)})
			return err
		})
	}
	s = storagetest.Reopen(t, s)
	var seqs []uint64
	_ = s.View(func(tx *storage.Tx) error {
		return tx.Events(2, func(e storage.Event) (bool, error) {
			seqs = append(seqs, e.Seq)
			if e.Ref != fmt.Sprint(e.Seq-1) || e.Time.IsZero() || e.V != 1 {
				t.Errorf("event %d = %+v", e.Seq, e)
			}
			return true, nil
		})
	})
	if fmt.Sprint(seqs) != "[2 3]" {
		t.Errorf("events from 2 = %v, want [2 3]", seqs)
	}
}

func ExampleStore_Update() {
	dir, _ := os.MkdirTemp("", "wxpos-example")
	defer os.RemoveAll(dir)
	s, err := storage.Open(filepath.Join(dir, "wxpos.db"), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	// One transition: the record, its event and the open index, atomically.
	err = s.Update(func(tx *storage.Tx) error {
		seq, err := tx.NextSeq("order")
		if err != nil {
			return err
		}
		no := fmt.Sprintf("S1T1%08d", seq)
		if err := tx.Put(storage.BucketOrders, no, map[string]any{"v": 1, "state": "SUBMITTING", "amount_fen": 1234}); err != nil {
			return err
		}
		if err := tx.PutRaw(storage.BucketOpen, no, nil); err != nil {
			return err
		}
		_, err = tx.AppendEvent(storage.Event{Kind: "order.transition", Ref: no, From: "NEW", To: "SUBMITTING"})
		return err
	})
	fmt.Println(err, s.Commits())
	// Output: <nil> 1
}
