//go:build !windows

package localapi

import (
	"errors"
	"syscall"
)

// refused reports a connection refused: nothing listens on the socket file.
func refused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }
