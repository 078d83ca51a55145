package ui

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/wxpos/wxpos/recon"
	"github.com/wxpos/wxpos/tz"
)

// backgroundEvery is how often the status bar asks the background workers
// (daily bill, head-office replication) how they are doing.
const backgroundEvery = 3 * time.Second

// WithBillStatus shows the daily bill worker's state in the status bar
// (fetching, not ready yet, failed and when it retries, differences open).
func WithBillStatus(f func() recon.Status) Option { return func(o *options) { o.billStatus = f } }

// WithReplicaStatus shows head-office replication in the status bar when it
// is behind or offline.
func WithReplicaStatus(f func() ReplicaStatus) Option {
	return func(o *options) { o.replicaStatus = f }
}

// WithCatalogStatus shows in the status bar when the pull of head
// office's catalogue fails: the till sells from the version it has.
func WithCatalogStatus(f func() CatalogStatus) Option {
	return func(o *options) { o.catalogStatus = f }
}

// WithBackupStatus shows a failed scheduled backup in the status bar,
// until a later one succeeds.
func WithBackupStatus(f func() BackupStatus) Option {
	return func(o *options) { o.backupStatus = f }
}

// watchBackground polls the background workers off the UI goroutine and
// puts one line about them in the status bar.
func (t *Terminal) watchBackground(ctx context.Context) {
	if t.opt.billStatus == nil && t.opt.replicaStatus == nil && t.opt.backupStatus == nil && t.opt.catalogStatus == nil {
		return
	}
	tick := time.NewTicker(backgroundEvery)
	defer tick.Stop()
	for {
		// The workers are asked here; the text is made on the UI goroutine,
		// which owns the catalogue (the language can change at any time).
		var bill *recon.Status
		var rep *ReplicaStatus
		if t.opt.billStatus != nil {
			st := t.opt.billStatus()
			bill = &st
		}
		if t.opt.replicaStatus != nil {
			st := t.opt.replicaStatus()
			rep = &st
		}
		var bk *BackupStatus
		if t.opt.backupStatus != nil {
			st := t.opt.backupStatus()
			bk = &st
		}
		var cs *CatalogStatus
		if t.opt.catalogStatus != nil {
			st := t.opt.catalogStatus()
			cs = &st
		}
		now := time.Now()
		t.do(func() {
			line, warn := t.backgroundLine(bill, rep, bk, now)
			if c := t.catalogLine(cs); c != "" {
				line, warn = strings.Join(slices.DeleteFunc([]string{line, c}, func(s string) bool { return s == "" }), " · "), true
			}
			t.bar.SetBackground(line, warn)
		})
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// backgroundLine is the status-bar text for the background workers (nil:
// not running); warn is set when something needs attention. Healthy
// workers say nothing.
func (t *Terminal) backgroundLine(bill *recon.Status, rep *ReplicaStatus, bk *BackupStatus, now time.Time) (string, bool) {
	var parts []string
	warn := false
	if bill != nil {
		st := *bill
		if s := reconStatusText(t.cat, st); s != "" {
			parts = append(parts, s)
			warn = warn || st.State == recon.FetchFailed || st.Open > 0
		}
	}
	if rep != nil {
		st := *rep
		switch {
		case st.Err != nil:
			parts = append(parts, t.cat.T(msgStatusReplicaDown, st.Pending))
			warn = true
		case st.Pending > 0 && st.Lag(now) > time.Minute:
			parts = append(parts, t.cat.T(msgStatusReplicaBehind, st.Pending, int(st.Lag(now)/time.Minute)))
			warn = true
		}
	}
	if bk != nil && bk.Failed {
		parts = append(parts, t.cat.T(msgStatusBackupFailed, bk.RetryAt.In(tz.Shanghai).Format("15:04")))
		warn = true
	}
	return strings.Join(parts, " · "), warn
}

// catalogLine is the status-bar text for the catalogue pull: empty while
// it works, else the head-office version the till sells from and since
// when head office could not be reached.
func (t *Terminal) catalogLine(cs *CatalogStatus) string {
	if cs == nil || cs.Err == nil {
		return ""
	}
	return t.cat.T(msgStatusCatalogStale, cs.Version, cs.FailingFrom.In(tz.Shanghai).Format("15:04"))
}
