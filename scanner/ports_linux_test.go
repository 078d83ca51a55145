package scanner

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestListLinuxPorts(t *testing.T) {
	root := t.TempDir()
	dev, sys := filepath.Join(root, "dev"), filepath.Join(root, "sys")
	mk := func(path, content string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{"ttyUSB0", "ttyUSB10", "ttyUSB2", "ttyACM0", "ttyS0", "ttyS1", "ttyS4", "tty0", "null"} {
		mk(filepath.Join(dev, n), "")
	}
	mk(filepath.Join(sys, "ttyS0", "type"), "4\n") // a 16550A UART
	mk(filepath.Join(sys, "ttyS1", "type"), "0\n") // no UART behind it
	// ttyS4 has no sysfs entry: listed, we cannot tell.
	byID := filepath.Join(dev, "serial", "by-id")
	if err := os.MkdirAll(byID, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../../ttyACM0", filepath.Join(byID, "usb-Newland_Scanner-if00")); err != nil {
		t.Fatal(err)
	}

	got, err := listLinuxPorts(dev, sys)
	if err != nil {
		t.Fatal(err)
	}
	want := []PortInfo{
		{Path: filepath.Join(byID, "usb-Newland_Scanner-if00"), Target: filepath.Join(dev, "ttyACM0"), Note: "by-id"},
		{Path: filepath.Join(dev, "ttyACM0"), Note: "usb-cdc"},
		{Path: filepath.Join(dev, "ttyS0"), Note: "uart"},
		{Path: filepath.Join(dev, "ttyS4"), Note: "uart"},
		{Path: filepath.Join(dev, "ttyUSB0"), Note: "usb-serial"},
		{Path: filepath.Join(dev, "ttyUSB2"), Note: "usb-serial"},
		{Path: filepath.Join(dev, "ttyUSB10"), Note: "usb-serial"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ports:\n got %+v\nwant %+v", got, want)
	}
}

func TestListPortsRuns(t *testing.T) {
	ports, err := ListPorts()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ports {
		if _, err := os.Stat(p.Path); err != nil {
			t.Errorf("listed port %s does not exist: %v", p.Path, err)
		}
	}
}
