package counter

import (
	"github.com/wxpos/wxpos/autobackup"
	"github.com/wxpos/wxpos/ui/view"
)

// BackupStatus is the scheduled backups' status as the window's status bar
// needs it.
func BackupStatus(s autobackup.Status) view.BackupStatus {
	return view.BackupStatus{Failed: s.State == autobackup.StateFailed, RetryAt: s.NextAt, Err: s.Err}
}
