// Package diskfull owns the one sentinel for a disk too full to commit.
// It is a leaf so that storage, which meets the full disk, and the domain
// packages, whose callers test for it without linking the database
// (package ui), share one value: errors.Is finds it from either side.
package diskfull

import "errors"

// ErrDiskFull is wrapped by every error of a commit or space check that
// found the disk under the database too full.
var ErrDiskFull = errors.New("disk full")
