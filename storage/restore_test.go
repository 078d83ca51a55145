package storage_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/wxpos/wxpos/storage"
)

// putOrder writes a minimal order into the database at path.
func putOrder(t *testing.T, path, no string) {
	t.Helper()
	s, err := storage.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Update(func(tx *storage.Tx) error {
		return tx.PutOrder(&storage.Order{OutTradeNo: no, State: "PAID", AmountFen: 1, CreatedAt: time.Now()})
	}); err != nil {
		t.Fatal(err)
	}
}

// usedBytes is how much of the bbolt file at path its pages use.
func usedBytes(t *testing.T, path string) int64 {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int64
	db.View(func(tx *bolt.Tx) error { n = tx.Size(); return nil })
	return n
}

// orders lists the order numbers in the database at path (read-only).
func orders(t *testing.T, path string) []string {
	t.Helper()
	s, err := storage.Open(path, &storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var nos []string
	s.View(func(tx *storage.Tx) error {
		return tx.ForEach(storage.BucketOrders, "", func(k string, _ []byte) error { nos = append(nos, k); return nil })
	})
	return nos
}

func lineageOf(t *testing.T, path string) storage.Lineage {
	t.Helper()
	s, err := storage.Open(path, &storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	l, err := s.Lineage()
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestRestore_InstallsBackupSetsOldAsideWithNewLineage(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "data", "wxpos.db")
	putOrder(t, live, "A")
	s, err := storage.Open(live, nil)
	if err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "backup.db")
	if _, err := s.BackupFile(backup); err != nil {
		t.Fatal(err)
	}
	s.Close()
	putOrder(t, live, "B") // a sale after the backup
	before := lineageOf(t, live)
	liveSum := sum(t, live)

	now := time.Date(2026, 12, 4, 9, 30, 0, 0, time.UTC)
	res, err := storage.Restore(live, backup, &storage.RestoreOptions{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if got := orders(t, live); strings.Join(got, ",") != "A" {
		t.Errorf("restored database holds %v, want the backup's [A]", got)
	}
	if want := live + ".before-restore-20261204T093000Z"; res.Aside != want {
		t.Errorf("aside %q, want %q", res.Aside, want)
	}
	if sum(t, res.Aside) != liveSum {
		t.Error("the database set aside is not byte for byte the one replaced")
	}
	if got := orders(t, res.Aside); strings.Join(got, ",") != "A,B" {
		t.Errorf("the replaced database set aside holds %v, want [A B]", got)
	}
	if res.Backup.Orders != 1 || res.Backup.Lineage != before {
		t.Errorf("backup info %+v, want 1 order and lineage %+v", res.Backup, before)
	}
	got := lineageOf(t, live)
	if got != res.Lineage || got.Epoch == before.Epoch || got.Generation != 1 {
		t.Fatalf("restored lineage %+v (reported %+v); want a new epoch (not %s) and generation 1", got, res.Lineage, before.Epoch)
	}
	s, err = storage.Open(live, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ev []storage.Event
	s.View(func(tx *storage.Tx) error {
		return tx.Events(0, func(e storage.Event) (bool, error) {
			if e.Kind == storage.RestoreEvent {
				ev = append(ev, e)
			}
			return true, nil
		})
	})
	s.Close()
	if len(ev) != 1 || ev[0].Ref != got.Epoch || !strings.Contains(ev[0].Reason, "backup.db") {
		t.Errorf("restore audit events %+v", ev)
	}

	// The same backup again: the generation goes above the replaced
	// database's (1), not back to the backup's + 1, so no receipt number
	// of the first restore's life is handed out again.
	res2, err := storage.Restore(live, backup, &storage.RestoreOptions{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if res2.Lineage.Generation != 2 || res2.Lineage.Epoch == got.Epoch {
		t.Errorf("second restore lineage %+v, want generation 2 and a new epoch", res2.Lineage)
	}
	if res2.Aside == res.Aside {
		t.Errorf("second restore overwrote the first set-aside file %s", res.Aside)
	}
	if _, err := os.Stat(res.Aside); err != nil {
		t.Errorf("first set-aside file: %v", err)
	}
	if m, _ := filepath.Glob(filepath.Join(filepath.Dir(live), ".wxpos-restore-*")); len(m) != 0 {
		t.Errorf("temporary files left: %v", m)
	}
}

func TestRestore_NoCurrentDatabase(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.db")
	putOrder(t, src, "A")
	live := filepath.Join(dir, "new", "wxpos.db")
	res, err := storage.Restore(live, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Aside != "" || strings.Join(orders(t, live), ",") != "A" {
		t.Fatalf("aside %q, orders %v", res.Aside, orders(t, live))
	}
}

// newerSchema writes a wxpos database that claims a schema this build does
// not know.
func newerSchema(t *testing.T, path string) {
	t.Helper()
	putOrder(t, path, "A")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.Update(func(tx *bolt.Tx) error {
		var v [8]byte
		binary.BigEndian.PutUint64(v[:], storage.SchemaVersion+1)
		return tx.Bucket([]byte(storage.BucketMeta)).Put([]byte("schema_version"), v[:])
	})
}

func TestRestore_RefusesBadFilesAndLeavesTheDatabase(t *testing.T) {
	tests := []struct {
		name string
		make func(t *testing.T, path string)
		want error
	}{
		{"missing", func(*testing.T, string) {}, os.ErrNotExist},
		{"empty", func(t *testing.T, p string) { os.WriteFile(p, nil, 0o600) }, storage.ErrNotDatabase},
		{"random bytes", func(t *testing.T, p string) { os.WriteFile(p, bytes.Repeat([]byte("not a db"), 4096), 0o600) }, storage.ErrNotDatabase},
		{"truncated", func(t *testing.T, p string) {
			// Cut in the middle of the pages in use: the file itself may
			// run on past them (bbolt grows it ahead of need).
			putOrder(t, p, "A")
			data, _ := os.ReadFile(p)
			os.WriteFile(p, data[:usedBytes(t, p)/2], 0o600)
		}, storage.ErrNotDatabase},
		{"damaged data page", damagedOrdersPage, storage.ErrNotDatabase},
		{"another program's bbolt file", func(t *testing.T, p string) {
			db, err := bolt.Open(p, 0o600, nil)
			if err != nil {
				t.Fatal(err)
			}
			db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("widgets")); return err })
			db.Close()
		}, storage.ErrNotDatabase},
		{"newer schema", newerSchema, storage.ErrSchemaTooNew},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			live := filepath.Join(dir, "wxpos.db")
			putOrder(t, live, "LIVE")
			src := filepath.Join(t.TempDir(), "backup.db")
			tc.make(t, src)
			before := sum(t, live)
			srcBefore, _ := os.ReadFile(src)

			_, err := storage.Restore(live, src, nil)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if sum(t, live) != before {
				t.Error("the live database changed")
			}
			if after, _ := os.ReadFile(src); !bytes.Equal(after, srcBefore) {
				t.Error("the refused backup file was written to")
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if n := e.Name(); n != "wxpos.db" && n != "wxpos.db.slack" {
					t.Errorf("the refused restore left %s in the data directory", n)
				}
			}
		})
	}
	t.Run("the live database itself", func(t *testing.T) {
		live := filepath.Join(t.TempDir(), "wxpos.db")
		putOrder(t, live, "LIVE")
		if _, err := storage.Restore(live, live, nil); err == nil || !strings.Contains(err.Error(), "live database") {
			t.Fatalf("got %v", err)
		}
	})
}

func TestRestore_RefusedWhileInUse(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "wxpos.db")
	src := filepath.Join(dir, "backup.db")
	putOrder(t, src, "A")
	s, err := storage.Open(live, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	before := sum(t, live)
	_, err = storage.Restore(live, src, &storage.RestoreOptions{Timeout: 50 * time.Millisecond})
	if !errors.Is(err, storage.ErrLocked) {
		t.Fatalf("got %v, want ErrLocked", err)
	}
	if sum(t, live) != before {
		t.Error("the database in use changed")
	}
	if m, _ := filepath.Glob(live + ".before-restore-*"); len(m) != 0 {
		t.Errorf("set aside although refused: %v", m)
	}
}

func TestRestore_DamagedCurrentIsSetAside(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "wxpos.db")
	os.WriteFile(live, []byte("garbage after a disk error"), 0o600)
	src := filepath.Join(dir, "backup.db")
	putOrder(t, src, "A")
	res, err := storage.Restore(live, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(res.Aside); string(data) != "garbage after a disk error" {
		t.Errorf("damaged database not kept aside as it was: %q", data)
	}
	if strings.Join(orders(t, live), ",") != "A" {
		t.Error("backup not installed")
	}
}

func sum(t *testing.T, path string) [32]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(data)
}

// damagedOrdersPage writes a database whose meta pages, meta bucket and
// root are sound but one page of the orders bucket has a broken header:
// opening it works, reading it all does not.
func damagedOrdersPage(t *testing.T, path string) {
	t.Helper()
	s, err := storage.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Update(func(tx *storage.Tx) error {
		for i := range 200 {
			no := fmt.Sprintf("PS1-T1-MARKER-%08d", i)
			if err := tx.PutOrder(&storage.Order{OutTradeNo: no, State: "PAID", AmountFen: 1, Description: strings.Repeat("x", 100)}); err != nil {
				return err
			}
		}
		return nil
	})
	s.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(data, []byte("PS1-T1-MARKER-00000100"))
	if i < 0 {
		t.Fatal("marker not found")
	}
	const pageSize = 4096
	page := i / pageSize * pageSize
	data[page+8], data[page+9] = 0xFF, 0xFF // page flags: no such page type
	os.WriteFile(path, data, 0o600)
}

func TestRestore_RefusesTheOtherModesBooks(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "live-backup.db")
	putOrder(t, src, "A") // storage.Order's Training is false: live books
	live := filepath.Join(dir, "training", "wxpos.db")
	putOrder(t, live, "T")
	before := sum(t, live)
	_, err := storage.Restore(live, src, &storage.RestoreOptions{Mode: storage.ModeTraining})
	if !errors.Is(err, storage.ErrModeMismatch) {
		t.Fatalf("got %v, want ErrModeMismatch", err)
	}
	if sum(t, live) != before {
		t.Error("the database changed")
	}
	if _, err := storage.Restore(live, src, &storage.RestoreOptions{Mode: storage.ModeLive}); err != nil {
		t.Fatalf("the same backup on live books: %v", err)
	}
}
