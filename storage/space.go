package storage

import (
	"errors"
	"fmt"
	"github.com/wxpos/wxpos/internal/diskfull"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// ErrDiskFull is returned (inside a *DiskFullError) by Room when the disk
// the database lives on has too little free space to record what happens
// next, and by Update when a commit ran out of space even after the
// reserve was released. It is diskfull's sentinel, shared with the domain
// packages so their callers need not link the database to test for it.
var ErrDiskFull = diskfull.ErrDiskFull

// DiskFullError says where space is missing and how much.
type DiskFullError struct {
	Dir       string // the database's directory
	FreeBytes int64  // free space found there
	NeedBytes int64  // what Room wants free (the reserve included when it is missing)
	Err       error  // the write that failed, when a commit ran out of space
}

// Unwrap returns the failed write's error, if any.
func (e *DiskFullError) Unwrap() error { return e.Err }

// Error implements error.
func (e *DiskFullError) Error() string {
	msg := fmt.Sprintf("disk full: free space on %s before taking WeChat payments (%s free, %s needed)",
		e.Dir, mib(e.FreeBytes), mib(e.NeedBytes))
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Is makes errors.Is(err, ErrDiskFull) true.
func (e *DiskFullError) Is(target error) bool { return target == ErrDiskFull }

func mib(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/(1<<20)) }

// Defaults of Options.Reserve and Options.MinFree.
const (
	// DefaultReserve is the slack file kept next to the database. A
	// payment outcome is a few pages; 4 MiB records thousands of them
	// after the disk filled up under the terminal.
	DefaultReserve = 4 << 20
	// DefaultMinFree is the free space Room wants besides the reserve:
	// bbolt grows the file in steps of up to 16 MiB, and a payment must
	// not be the write that finds the disk full.
	DefaultMinFree = 16 << 20
)

// slackPath is the reserve file of the database at path.
func slackPath(path string) string { return path + ".slack" }

// Room reports whether the store can record the outcome of a payment that
// is about to be sent: the reserve file is in place (re-created if it was
// released and the disk has room again) and the disk has MinFree free
// besides. Otherwise it returns a *DiskFullError; nothing is written.
// The payment core calls it before any request that can move money.
func (s *Store) Room() error {
	if s.readOnly {
		return nil
	}
	free, err := s.free(filepath.Dir(s.path))
	if err != nil {
		return fmt.Errorf("free space on %s: %w", filepath.Dir(s.path), err)
	}
	need := s.minFree
	if s.reserve > 0 && !s.slackPresent() {
		need += s.reserve
		if free >= need && s.makeSlack() == nil {
			free -= s.reserve
			need -= s.reserve
		}
	}
	if free < need {
		return &DiskFullError{Dir: filepath.Dir(s.path), FreeBytes: free, NeedBytes: need}
	}
	return nil
}

func (s *Store) slackPresent() bool {
	fi, err := os.Stat(slackPath(s.path))
	return err == nil && fi.Size() >= s.reserve
}

// makeSlack writes the reserve file with its blocks really allocated
// (zeros written, not a sparse file, which would reserve nothing; a file
// system that compresses zeros away reserves nothing either, and then only
// MinFree protects), under a temporary name first so a crash never leaves
// a short one that looks complete.
func (s *Store) makeSlack() error {
	final := slackPath(s.path)
	f, err := os.CreateTemp(filepath.Dir(final), ".wxpos-slack-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after the rename
	err = writeZeros(f, s.reserve)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, final)
	}
	return err
}

// releaseSlack deletes the reserve file, giving its space to the database.
// It reports whether there was one to release.
func (s *Store) releaseSlack() bool {
	return os.Remove(slackPath(s.path)) == nil
}

// writeZeros writes size zero bytes to w.
func writeZeros(w io.Writer, size int64) error {
	buf := make([]byte, 64<<10)
	for size > 0 {
		n := min(size, int64(len(buf)))
		if _, err := w.Write(buf[:n]); err != nil {
			return err
		}
		size -= n
	}
	return nil
}

// isNoSpace reports whether err is the file system running out of space.
// bbolt formats some growth errors with %s, so the text is checked too.
func isNoSpace(err error) bool {
	return err != nil && (errors.Is(err, syscall.ENOSPC) || strings.Contains(err.Error(), syscall.ENOSPC.Error()))
}
