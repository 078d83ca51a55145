// Package ctxtime waits as long as a context lets it: the one sleep the
// background workers (scanner, bill fetcher, scheduled backups, the
// training CLI) share, so that closing the window never waits out a timer.
package ctxtime

import (
	"context"
	"time"
)

// Sleep waits d, or until ctx ends; it returns ctx.Err() in that case
// and nil when the whole d has passed.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
