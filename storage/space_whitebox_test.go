package storage

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func openSpace(t *testing.T, dir string, reserve, minFree int64) *Store {
	t.Helper()
	s, err := Open(filepath.Join(dir, "wxpos.db"), &Options{Reserve: reserve, MinFree: minFree})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func putValue(s *Store, key string, size int) error {
	return s.Update(func(tx *Tx) error { return tx.PutRaw(BucketMeta, key, make([]byte, size)) })
}

func TestRoom_FreeSpaceAndReserve(t *testing.T) {
	s := openSpace(t, t.TempDir(), 1<<20, 8<<20)
	if !s.slackPresent() {
		t.Fatal("Open did not create the reserve file")
	}
	tests := []struct {
		name      string
		free      int64
		noReserve bool
		wantFull  bool
		wantSlack bool
	}{
		{"room", 100 << 20, false, false, true},
		{"below the margin", 7 << 20, false, true, true},
		{"reserve gone, room to re-create it", 100 << 20, true, false, true},
		{"reserve gone, margin left but not both", 8 << 20, true, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s.free = func(string) (int64, error) { return tc.free, nil }
			if tc.noReserve {
				s.releaseSlack()
			}
			err := s.Room()
			var df *DiskFullError
			if got := errors.As(err, &df); got != tc.wantFull {
				t.Fatalf("Room() = %v, want disk full %v", err, tc.wantFull)
			}
			if tc.wantFull && (!errors.Is(err, ErrDiskFull) || df.Dir != filepath.Dir(s.path) ||
				!strings.Contains(err.Error(), "free space on "+df.Dir+" before taking WeChat payments")) {
				t.Errorf("error %q does not say where to free space", err)
			}
			if s.slackPresent() != tc.wantSlack {
				t.Errorf("reserve file present %v, want %v", s.slackPresent(), tc.wantSlack)
			}
		})
	}
}

func TestUpdate_NoSpaceReleasesReserveOnce(t *testing.T) {
	s := openSpace(t, t.TempDir(), 1<<20, 1)
	enospc := &os.PathError{Op: "write", Path: s.path, Err: syscall.ENOSPC}
	fails := 1
	s.commitFault = func() error {
		if fails > 0 {
			fails--
			return enospc
		}
		return nil
	}
	if err := putValue(s, "outcome", 100); err != nil {
		t.Fatalf("commit after releasing the reserve: %v", err)
	}
	if s.slackPresent() {
		t.Error("reserve file still there after a full disk")
	}
	// The reserve is spent: the next full-disk commit fails, typed, and
	// the file keeps what was committed.
	fails = 1
	err := putValue(s, "next", 100)
	if !errors.Is(err, ErrDiskFull) || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("got %v, want ErrDiskFull wrapping ENOSPC", err)
	}
	err = s.View(func(tx *Tx) error {
		if !tx.Has(BucketMeta, "outcome") || tx.Has(BucketMeta, "next") {
			return fmt.Errorf("database holds the wrong writes")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestTinyFilesystem fills a real 8 MiB file system under the database:
// the reserve lets the first writes through, then commits fail with
// ErrDiskFull, and the file reopens with everything committed before. It
// needs root to mount a tmpfs (CI runs as root) and skips otherwise.
func TestTinyFilesystem(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a tmpfs")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs: %v %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", dir, err, out)
		}
	})
	s := openSpace(t, dir, 1<<20, 1<<20)
	if err := s.Room(); err != nil {
		t.Fatalf("empty file system: %v", err)
	}
	if err := putValue(s, "before", 1000); err != nil {
		t.Fatal(err)
	}
	// Another program fills the disk.
	filler, err := os.Create(filepath.Join(dir, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	writeZeros(filler, 64<<20) // stops at ENOSPC
	filler.Close()
	err = s.Room()
	if !errors.Is(err, ErrDiskFull) {
		t.Fatalf("Room on a full disk: %v", err)
	}
	t.Log(err)
	// An outcome already decided at WeChat is still recorded: the
	// reserve is released for it.
	if err := putValue(s, "outcome", 256<<10); err != nil {
		t.Fatalf("recording with the reserve: %v", err)
	}
	if s.slackPresent() {
		t.Error("reserve file still there")
	}
	var full error
	for i := range 16 {
		if full = putValue(s, fmt.Sprintf("more%d", i), 256<<10); full != nil {
			break
		}
	}
	if !errors.Is(full, ErrDiskFull) {
		t.Fatalf("writes past the reserve: %v, want ErrDiskFull", full)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := Open(s.path, &Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("reopen after a full disk: %v", err)
	}
	defer r.Close()
	err = r.View(func(tx *Tx) error {
		if !tx.Has(BucketMeta, "before") || !tx.Has(BucketMeta, "outcome") {
			return fmt.Errorf("committed writes lost")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Space freed: the reserve comes back before the next payment.
	os.Remove(filepath.Join(dir, "filler"))
	r.Close()
	s2 := openSpace(t, dir, 1<<20, 1<<20)
	if err := s2.Room(); err != nil || !s2.slackPresent() {
		t.Fatalf("after freeing space: Room %v, reserve %v", err, s2.slackPresent())
	}
}
