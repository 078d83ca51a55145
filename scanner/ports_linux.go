//go:build linux

package scanner

import (
	"os"
	"path/filepath"
	"strings"
)

// On Linux the candidates are the stable links in /dev/serial/by-id (the
// best choice for Config.Port: they survive re-plugging into another USB
// socket), USB serial adapters (ttyUSB*), USB-CDC scanners (ttyACM*),
// on-board UARTs (ttyS*, ttyAMA*) whose /sys type says a UART is present.
func listPorts() ([]PortInfo, error) { return listLinuxPorts("/dev", "/sys/class/tty") }

func listLinuxPorts(dev, sysTTY string) ([]PortInfo, error) {
	var out []PortInfo
	for _, p := range globPorts("by-id", filepath.Join(dev, "serial", "by-id", "*")) {
		if t, err := filepath.EvalSymlinks(p.Path); err == nil {
			p.Target = t
		}
		out = append(out, p)
	}
	out = append(out, globPorts("usb-serial", filepath.Join(dev, "ttyUSB*"))...)
	out = append(out, globPorts("usb-cdc", filepath.Join(dev, "ttyACM*"))...)
	for _, p := range globPorts("uart", filepath.Join(dev, "ttyS*"), filepath.Join(dev, "ttyAMA*")) {
		// Most PCs have 4–32 ttyS nodes with no UART behind them; the kernel
		// reports those with type 0 (PORT_UNKNOWN).
		b, err := os.ReadFile(filepath.Join(sysTTY, filepath.Base(p.Path), "type"))
		if err == nil && strings.TrimSpace(string(b)) == "0" {
			continue
		}
		out = append(out, p)
	}
	sortPorts(out, func(p PortInfo) int {
		if p.Note == "by-id" {
			return 0
		}
		return 1
	})
	return out, nil
}
