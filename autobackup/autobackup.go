package autobackup

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/wxpos/wxpos/internal/ctxtime"
	"github.com/wxpos/wxpos/internal/ident"
)

// State is what the scheduler is doing, for the status bar.
type State string

// States.
const (
	StateWaiting State = "waiting" // the last backup is good (or none is due yet)
	StateRunning State = "running" // writing and auditing a backup
	StateFailed  State = "failed"  // the last backup failed; retried at NextAt
)

// Status is the scheduler's state as the manager sees it.
type Status struct {
	State  State
	Last   string    // the newest good backup this window wrote or found, "" if none
	LastAt time.Time // its slot
	NextAt time.Time // when the next backup runs
	Err    string    // why the last one failed (StateFailed)
}

// Scheduler writes a backup into Dir at At every day and keeps Keep of them.
// Set the fields, then call Run.
type Scheduler struct {
	Dir  string
	At   time.Duration // since midnight in Zone
	Zone *time.Location
	Keep int    // how many backups to keep; at least 1
	Ext  string // file extension with its dot: ".db", ".zip"
	// Write writes one backup to path (atomically: a temporary file,
	// synced, renamed), as `wxpos backup PATH` does.
	Write func(ctx context.Context, path string) error
	// Audit checks the file Write wrote; a backup that fails it is removed
	// and counts as failed.
	Audit func(path string) error
	// RetryFailed is the wait after a failure (default 30 minutes), never
	// past the next slot.
	RetryFailed time.Duration
	// Now and Wait are the clock; nil means the real one.
	Now      func() time.Time
	Wait     func(ctx context.Context, d time.Duration) error
	Logger   *slog.Logger
	mu       sync.Mutex
	status   Status
	defaults sync.Once
}

func (s *Scheduler) init() {
	s.defaults.Do(func() {
		if s.Zone == nil {
			s.Zone = time.Local
		}
		if s.Keep < 1 {
			s.Keep = 1
		}
		if s.RetryFailed <= 0 {
			s.RetryFailed = 30 * time.Minute
		}
		if s.Now == nil {
			s.Now = time.Now
		}
		if s.Wait == nil {
			s.Wait = ctxtime.Sleep
		}
		if s.Logger == nil {
			s.Logger = slog.New(slog.DiscardHandler)
		}
	})
}

// Status returns the scheduler's current status. It is safe to call from
// any goroutine.
func (s *Scheduler) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

func (s *Scheduler) setStatus(fn func(*Status)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(&s.status)
}

// slot is the start of the backup slot of the day of t (in Zone).
func (s *Scheduler) slot(t time.Time) time.Time {
	t = t.In(s.Zone)
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, s.Zone).Add(s.At)
}

// Due is the newest slot at or before now.
func (s *Scheduler) Due(now time.Time) time.Time {
	s.init()
	if sl := s.slot(now); !sl.After(now) {
		return sl
	}
	return s.slot(now.In(s.Zone).AddDate(0, 0, -1))
}

// Next is the first slot after now.
func (s *Scheduler) Next(now time.Time) time.Time {
	s.init()
	if sl := s.slot(now); sl.After(now) {
		return sl
	}
	return s.slot(now.In(s.Zone).AddDate(0, 0, 1))
}

// Name is the file name of the backup of a slot.
func (s *Scheduler) Name(slot time.Time) string {
	return "wxpos-" + slot.In(s.Zone).Format("20060102-1504") + s.Ext
}

// isBackupName reports whether name is wxpos-YYYYMMDD-HHMM.ext, the ext
// in lower-case letters: a name Name gives.
func isBackupName(name string) bool {
	stamp, ok := strings.CutPrefix(name, "wxpos-")
	if !ok || len(stamp) < len("20060102-1504.") {
		return false
	}
	return ident.Run(stamp[:8], 8, 8, ident.Digit) && stamp[8] == '-' && ident.Run(stamp[9:13], 4, 4, ident.Digit) &&
		stamp[13] == '.' && ident.Run(stamp[14:], 1, len(stamp), ident.Lower)
}

// Backups lists the scheduled backups in Dir, oldest first.
func (s *Scheduler) Backups() ([]string, error) {
	entries, err := os.ReadDir(s.Dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && isBackupName(e.Name()) && filepath.Ext(e.Name()) == s.Ext {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

// Run makes a backup at every slot until ctx ends: at once when the slot
// due now has none (the window was closed at the time), then at each next
// slot; after a failure it retries sooner.
func (s *Scheduler) Run(ctx context.Context) {
	s.init()
	now := s.Now()
	due := s.Due(now)
	if names, err := s.Backups(); err == nil && len(names) > 0 {
		last := names[len(names)-1]
		lastAt, _ := time.ParseInLocation("20060102-1504", last[len("wxpos-"):len("wxpos-")+13], s.Zone)
		s.setStatus(func(st *Status) { st.Last, st.LastAt = filepath.Join(s.Dir, last), lastAt })
		if last >= s.Name(due) {
			due = s.Next(now)
		}
	}
	for {
		s.setStatus(func(st *Status) { st.NextAt = due })
		if d := due.Sub(s.Now()); d > 0 {
			if s.Wait(ctx, d) != nil {
				return
			}
		}
		if ctx.Err() != nil {
			return
		}
		err := s.RunOnce(ctx, due)
		now := s.Now()
		next := s.Next(now)
		if err != nil {
			if retry := now.Add(s.RetryFailed); retry.Before(next) {
				next = retry
			}
		}
		due = next
	}
}

// RunOnce writes, audits and prunes the backup of slot, and records the
// outcome in the status.
func (s *Scheduler) RunOnce(ctx context.Context, slot time.Time) error {
	s.init()
	s.setStatus(func(st *Status) { st.State = StateRunning })
	path, err := s.backup(ctx, slot)
	if err != nil {
		s.Logger.Error("scheduled backup failed", "dir", s.Dir, "err", err)
		s.setStatus(func(st *Status) { st.State, st.Err = StateFailed, err.Error() })
		return err
	}
	s.Logger.Info("scheduled backup", "file", path)
	s.setStatus(func(st *Status) { *st = Status{State: StateWaiting, Last: path, LastAt: slot} })
	if err := s.prune(); err != nil {
		// The backup is good; an old one left behind is only untidy.
		s.Logger.Warn("scheduled backup: pruning old ones", "dir", s.Dir, "err", err)
	}
	return nil
}

func (s *Scheduler) backup(ctx context.Context, slot time.Time) (string, error) {
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return "", fmt.Errorf("backup directory: %w", err)
	}
	path := filepath.Join(s.Dir, s.Name(slot))
	if err := s.Write(ctx, path); err != nil {
		return "", fmt.Errorf("backup %s: %w", path, err)
	}
	if err := s.Audit(path); err != nil {
		// A backup that does not check out must not be mistaken for one
		// to restore from, nor push a good one out of the kept set.
		rmErr := os.Remove(path)
		return "", errors.Join(fmt.Errorf("backup %s failed its check: %w", path, err), rmErr)
	}
	return path, nil
}

// prune removes all but the newest Keep scheduled backups.
func (s *Scheduler) prune() error {
	names, err := s.Backups()
	if err != nil {
		return err
	}
	var errs []error
	for len(names) > s.Keep {
		errs = append(errs, os.Remove(filepath.Join(s.Dir, names[0])))
		names = names[1:]
	}
	return errors.Join(errs...)
}
