//go:build !windows

package escpos_test

import "syscall"

// errConnRefused is how the system says a port is closed.
var errConnRefused error = syscall.ECONNREFUSED
