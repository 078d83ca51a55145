//go:build windows

package escpos

import "golang.org/x/sys/windows"

// offlineErrnos are the Winsock codes of an unreachable printer: Windows
// reports a refused connection as WSAECONNREFUSED (10061), which is not
// syscall.ECONNREFUSED.
var offlineErrnos = []error{
	windows.WSAECONNREFUSED, windows.WSAECONNRESET, windows.WSAECONNABORTED,
	windows.WSAEHOSTUNREACH, windows.WSAENETUNREACH, windows.WSAENETDOWN,
}
