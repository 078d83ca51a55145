package view

import "time"

// ReplicaStatus is head-office replication as the status bar needs it: the
// window learns it without knowing PostgreSQL.
type ReplicaStatus struct {
	// Err is the last failure, nil when the last attempt succeeded.
	Err error
	// Pending counts events not yet replicated; OldestPendingAt is the
	// time of the oldest of them (zero when nothing is pending).
	Pending         uint64
	OldestPendingAt time.Time
}

// Lag is how long the oldest pending event has been waiting at now.
func (s ReplicaStatus) Lag(now time.Time) time.Duration {
	if s.Pending == 0 || s.OldestPendingAt.IsZero() {
		return 0
	}
	return max(now.Sub(s.OldestPendingAt), 0)
}

// BackupStatus is the scheduled backups as the status bar needs them: only
// a failure is shown, until a later backup succeeds.
type BackupStatus struct {
	Failed  bool
	RetryAt time.Time // when the failed backup is tried again
	Err     string    // why it failed (for the log; the bar says see the log)
}

// CatalogStatus is the background pull of head office's catalogue as the
// status bar needs it: the head-office version the till sells from and,
// while head office cannot be reached, the failure and since when.
type CatalogStatus struct {
	Version     uint64
	LastOK      time.Time // the last pull that succeeded (zero: none yet)
	Err         error     // nil when the last pull succeeded
	FailingFrom time.Time // the first failed pull in a row (zero when not failing)
}
