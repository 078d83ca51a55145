//go:build !windows

package escpos

import "errors"

// openSpool fails: the print spooler target exists on Windows only (on
// Linux a USB printer is a device file, usb:/dev/usb/lp0).
func openSpool(name string) (conn, error) {
	return nil, &PrintError{Target: "spool:" + name, Op: "open", Kind: ErrInvalidArgument,
		Cause: errors.New("the spool: target is for Windows; use usb:/dev/usb/lpN")}
}
