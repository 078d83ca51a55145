package main

import (
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestHeadlessBuild: `CGO_ENABLED=0 go build -tags headless` (README,
// "Servers and scripts") links no window — no Fyne, no GL, not even libc —
// keeps every command, and says so where the window would open.
func TestHeadlessBuild(t *testing.T) {
	deps, err := exec.Command("go", "list", "-deps", "-tags", "headless", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, p := range strings.Fields(string(deps)) {
		if strings.HasPrefix(p, "fyne.io/") || strings.HasPrefix(p, "github.com/go-gl/") || p == "github.com/wxpos/wxpos/ui" {
			t.Errorf("the headless build links %s", p)
		}
	}

	bin := buildHeadless(t, filepath.Join(t.TempDir(), "wxpos"))
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	libs, err := f.ImportedLibraries()
	f.Close()
	if err != nil || len(libs) != 0 {
		t.Fatalf("the headless build needs shared libraries %v (%v); want a static binary", libs, err)
	}

	code, out, errOut := runBinary(t, bin, []string{"DISPLAY=:0"})
	want := "wxpos: this wxpos is the headless build (-tags headless): every command, no window; the till needs the desktop build, installed as wxpos-window beside it or in ../lib/wxpos/: wxpos --help\n"
	if code != 1 || out != "" || errOut != want {
		t.Fatalf("no command: exit %d\nstdout %q\nstderr %q\nwant exit 1 and %q", code, out, errOut, want)
	}
	if code, out, errOut := runBinary(t, bin, nil, "version"); code != 0 || !strings.HasPrefix(out, "wxpos ") {
		t.Fatalf("version: exit %d\nstdout %q\nstderr %q", code, out, errOut)
	}
}

// buildHeadless builds the headless binary at bin.
func buildHeadless(t *testing.T, bin string) string {
	t.Helper()
	build := exec.Command("go", "build", "-tags", "headless", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// TestHeadlessHandsTheWindowOver: installed as the .deb installs it —
// the headless build as bin/wxpos, the desktop build as
// lib/wxpos/wxpos-window — `wxpos` alone runs the window binary in its
// place, with the same arguments, and every command stays the headless
// build's. A stand-in script plays the window: it prints what it was given.
func TestHeadlessHandsTheWindowOver(t *testing.T) {
	root := t.TempDir()
	bin := buildHeadless(t, filepath.Join(root, "usr", "bin", "wxpos"))
	window := filepath.Join(root, "usr", "lib", "wxpos", "wxpos-window")
	if err := os.MkdirAll(filepath.Dir(window), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(window, []byte("#!/bin/sh\necho \"window pid $$ args $*\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	// Not executable: not the window; the headless build says so itself.
	if code, out, errOut := runBinary(t, bin, nil); code != 1 || out != "" || !strings.Contains(errOut, "headless build") {
		t.Fatalf("non-executable window: exit %d\nstdout %q\nstderr %q", code, out, errOut)
	}
	if err := os.Chmod(window, 0o755); err != nil {
		t.Fatal(err)
	}
	// Exec, not a child: the window is the same process (a systemd unit's
	// main PID), given the same arguments.
	cmd := exec.Command(bin, "--data", "/srv/till", "--verbose")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("no command: %v", err)
	}
	if want := fmt.Sprintf("window pid %d args --data /srv/till --verbose\n", cmd.Process.Pid); string(b) != want {
		t.Fatalf("no command: stdout %q\nwant %q", b, want)
	}
	// A command is the headless build's own, whatever is installed.
	if code, out, errOut := runBinary(t, bin, nil, "version"); code != 0 || !strings.HasPrefix(out, "wxpos ") {
		t.Fatalf("version: exit %d\nstdout %q\nstderr %q", code, out, errOut)
	}
	// Through a symlink (/usr/local/bin/wxpos → the package's), and with
	// the window beside the binary (an unpacked build).
	link := filepath.Join(root, "wxpos")
	if err := os.Symlink(bin, link); err != nil {
		t.Fatal(err)
	}
	if _, out, _ := runBinary(t, link, nil); !strings.HasPrefix(out, "window pid ") {
		t.Fatalf("through a symlink: stdout %q, want the window", out)
	}
	if err := os.Rename(window, filepath.Join(filepath.Dir(bin), "wxpos-window")); err != nil {
		t.Fatal(err)
	}
	if _, out, _ := runBinary(t, bin, nil); !strings.HasPrefix(out, "window pid ") {
		t.Fatalf("window beside the binary: stdout %q, want the window", out)
	}
}
