//go:build windows

package scanner

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows/registry"
)

// On Windows the serial ports present right now are the values of
// HKLM\HARDWARE\DEVICEMAP\SERIALCOMM: name = kernel device (\Device\USBSER000),
// data = COM name. Friendly names (the "USB Serial Device" shown in Device
// Manager) need SetupAPI and are not listed.
func listPorts() ([]PortInfo, error) {
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, `HARDWARE\DEVICEMAP\SERIALCOMM`, registry.QUERY_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return nil, nil // no serial port at all
	}
	if err != nil {
		return nil, fmt.Errorf("list serial ports: %w", err)
	}
	defer k.Close()
	names, err := k.ReadValueNames(0)
	if err != nil {
		return nil, fmt.Errorf("list serial ports: %w", err)
	}
	var out []PortInfo
	for _, n := range names {
		com, _, err := k.GetStringValue(n)
		if err != nil {
			continue
		}
		out = append(out, PortInfo{Path: com, Note: n})
	}
	sortPorts(out, func(PortInfo) int { return 0 })
	return out, nil
}
