//go:build !linux && !windows

package scanner

// On macOS the call-out devices /dev/cu.* are the ones to open (the
// matching /dev/tty.* wait for carrier detect); on the BSDs USB serial
// adapters appear as /dev/cuaU* and /dev/ttyU*.
func listPorts() ([]PortInfo, error) {
	out := globPorts("call-out", "/dev/cu.*", "/dev/cuaU*")
	out = append(out, globPorts("usb-serial", "/dev/ttyU*")...)
	sortPorts(out, func(PortInfo) int { return 0 })
	return out, nil
}
