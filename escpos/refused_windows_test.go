//go:build windows

package escpos_test

import "golang.org/x/sys/windows"

// errConnRefused is how Winsock says a port is closed (10061).
var errConnRefused error = windows.WSAECONNREFUSED
