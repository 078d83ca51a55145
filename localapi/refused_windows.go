package localapi

import (
	"errors"

	"golang.org/x/sys/windows"
)

// refused reports a connection refused: nothing listens on the socket file
// (Windows reports it as WSAECONNREFUSED, not syscall.ECONNREFUSED).
func refused(err error) bool { return errors.Is(err, windows.WSAECONNREFUSED) }
