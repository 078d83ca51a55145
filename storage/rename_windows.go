//go:build windows

package storage

import (
	"os"

	"golang.org/x/sys/windows"
)

// renameDurable renames from to to (replacing it) with MOVEFILE_WRITE_THROUGH,
// which returns only once the move is on disk. Windows has no directory
// fsync: a directory opened for reading cannot be flushed (Access denied).
func renameDurable(from, to string) error {
	f, err := windows.UTF16PtrFromString(from)
	if err != nil {
		return err
	}
	t, err := windows.UTF16PtrFromString(to)
	if err != nil {
		return err
	}
	if err := windows.MoveFileEx(f, t, windows.MOVEFILE_REPLACE_EXISTING|windows.MOVEFILE_WRITE_THROUGH); err != nil {
		return &os.LinkError{Op: "rename", Old: from, New: to, Err: err}
	}
	return nil
}
