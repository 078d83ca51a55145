package autobackup_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/wxpos/wxpos/autobackup"
	"github.com/wxpos/wxpos/tz"
)

// clock is a fake clock: Wait moves it forward at once.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }
func (c *clock) Wait(ctx context.Context, d time.Duration) error {
	c.now = c.now.Add(d)
	return ctx.Err()
}

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, tz.Shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

// scheduler is a Scheduler on a fake clock whose Write records when it ran
// and stops Run after stopAfter backups.
func scheduler(t *testing.T, start string, keep, stopAfter int) (*autobackup.Scheduler, *[]time.Time, context.Context) {
	t.Helper()
	c := &clock{now: at(start)}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	var ran []time.Time
	s := &autobackup.Scheduler{
		Dir: t.TempDir(), At: 2*time.Hour + 30*time.Minute, Zone: tz.Shanghai, Keep: keep, Ext: ".db",
		Now: c.Now, Wait: c.Wait,
		Write: func(_ context.Context, path string) error {
			ran = append(ran, c.now)
			if len(ran) == stopAfter {
				cancel()
			}
			return os.WriteFile(path, []byte("backup"), 0o600)
		},
		Audit: func(string) error { return nil },
	}
	return s, &ran, ctx
}

func names(t *testing.T, s *autobackup.Scheduler) []string {
	t.Helper()
	n, err := s.Backups()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRunsAtTheTimeAndKeepsN(t *testing.T) {
	s, ran, ctx := scheduler(t, "2026-12-04 09:00", 3, 5)
	s.Run(ctx)
	want := []time.Time{
		at("2026-12-04 09:00"), // today's 02:30 was missed while the window was closed: at once
		at("2026-12-05 02:30"), at("2026-12-06 02:30"), at("2026-12-07 02:30"), at("2026-12-08 02:30"),
	}
	if !reflect.DeepEqual(*ran, want) {
		t.Errorf("backups ran at %v, want %v", *ran, want)
	}
	kept := []string{"wxpos-20261206-0230.db", "wxpos-20261207-0230.db", "wxpos-20261208-0230.db"}
	if got := names(t, s); !reflect.DeepEqual(got, kept) {
		t.Errorf("kept %v, want the newest 3 %v", got, kept)
	}
	st := s.Status()
	if st.State != autobackup.StateWaiting || st.Last != filepath.Join(s.Dir, kept[2]) {
		t.Errorf("status %+v", st)
	}
}

func TestNoCatchUpWhenTodaysExists(t *testing.T) {
	s, ran, ctx := scheduler(t, "2026-12-04 09:00", 7, 1)
	os.WriteFile(filepath.Join(s.Dir, "wxpos-20261204-0230.db"), []byte("earlier window"), 0o600)
	s.Run(ctx)
	if want := []time.Time{at("2026-12-05 02:30")}; !reflect.DeepEqual(*ran, want) {
		t.Errorf("backups ran at %v, want only the next slot %v", *ran, want)
	}
}

func TestBeforeTheTimeWaitsForIt(t *testing.T) {
	// Yesterday's slot has its backup; today's is at 02:30, not yet.
	s, ran, ctx := scheduler(t, "2026-12-04 01:00", 7, 1)
	os.WriteFile(filepath.Join(s.Dir, "wxpos-20261203-0230.db"), []byte("yesterday"), 0o600)
	s.Run(ctx)
	if want := []time.Time{at("2026-12-04 02:30")}; !reflect.DeepEqual(*ran, want) {
		t.Errorf("backups ran at %v, want %v", *ran, want)
	}
}

func TestFailureIsShownAndKeepsTheGoodOnes(t *testing.T) {
	s, ran, ctx := scheduler(t, "2026-12-04 09:00", 1, 2)
	good := filepath.Join(s.Dir, "wxpos-20261203-0230.db")
	os.WriteFile(good, []byte("yesterday"), 0o600)
	s.Audit = func(path string) error { return errors.New("not a wxpos database") }
	var status []autobackup.Status // as the status bar sees it while the scheduler waits
	wait := s.Wait
	s.Wait = func(ctx context.Context, d time.Duration) error {
		status = append(status, s.Status())
		return wait(ctx, d)
	}
	s.Run(ctx)
	if want := []time.Time{at("2026-12-04 09:00"), at("2026-12-04 09:30")}; !reflect.DeepEqual(*ran, want) {
		t.Errorf("backups ran at %v, want a retry after 30 minutes: %v", *ran, want)
	}
	if len(status) == 0 || status[0].State != autobackup.StateFailed || status[0].Err == "" ||
		!status[0].NextAt.Equal(at("2026-12-04 09:30")) || status[0].Last != good {
		t.Errorf("status before the retry: %+v, want the failure, why, the retry time and the good backup", status)
	}
	if got := names(t, s); !reflect.DeepEqual(got, []string{"wxpos-20261203-0230.db"}) {
		t.Errorf("after failed backups the directory holds %v; want only the good one (keep 1 must not push it out)", got)
	}
}

func TestPrunesOnlyItsOwnFiles(t *testing.T) {
	s, _, ctx := scheduler(t, "2026-12-04 09:00", 1, 2)
	for _, n := range []string{"notes.txt", "wxpos-manual.db", "wxpos-20261101-0230.zip", "wxpos.db"} {
		os.WriteFile(filepath.Join(s.Dir, n), []byte("x"), 0o600)
	}
	s.Run(ctx)
	entries, _ := os.ReadDir(s.Dir)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	want := []string{"notes.txt", "wxpos-20261101-0230.zip", "wxpos-20261205-0230.db", "wxpos-manual.db", "wxpos.db"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("directory %v, want %v", got, want)
	}
}
