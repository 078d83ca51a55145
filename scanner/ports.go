package scanner

import (
	"path/filepath"
	"slices"
	"strings"
)

// PortInfo is a candidate serial port for a scanner.
type PortInfo struct {
	// Path is what goes in Config.Port.
	Path string
	// Target is the device a stable link resolves to (Linux
	// /dev/serial/by-id/… → /dev/ttyACM0); empty for plain devices.
	Target string
	// Note says where the entry came from ("usb-serial", "usb-cdc",
	// "by-id", "uart", a Windows driver name).
	Note string
}

// ListPorts returns the serial ports that exist on this machine, stable
// names first. It lists candidates only: a port may be in use or not be a
// scanner. See the OS-specific files for what each platform can see.
func ListPorts() ([]PortInfo, error) { return listPorts() }

// globPorts expands patterns and tags each match with note.
func globPorts(note string, patterns ...string) []PortInfo {
	var out []PortInfo
	for _, p := range patterns {
		m, _ := filepath.Glob(p) // only ErrBadPattern, and ours are fixed
		for _, name := range m {
			out = append(out, PortInfo{Path: name, Note: note})
		}
	}
	return out
}

// sortPorts orders by note rank then by natural name order (ttyS2 < ttyS10).
func sortPorts(ps []PortInfo, rank func(PortInfo) int) {
	slices.SortStableFunc(ps, func(a, b PortInfo) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return naturalCompare(a.Path, b.Path)
	})
}

// naturalCompare compares strings with digit runs compared as numbers.
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if c := len(na) - len(nb); c != 0 {
				return c
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return int(a[0]) - int(b[0])
		}
		a, b = a[1:], b[1:]
	}
	return len(a) - len(b)
}

func digitRun(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}
