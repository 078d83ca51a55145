package counter

import (
	"github.com/wxpos/wxpos/replica"
	"github.com/wxpos/wxpos/ui/view"
)

// ReplicaStatus is the replication worker's status as the window's status
// bar needs it, so the window never links PostgreSQL's driver.
func ReplicaStatus(s replica.Status) view.ReplicaStatus {
	return view.ReplicaStatus{Err: s.Err, Pending: s.Pending, OldestPendingAt: s.OldestPendingAt}
}
