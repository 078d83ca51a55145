package main

import (
	"debug/elf"
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

	bin := filepath.Join(t.TempDir(), "wxpos")
	build := exec.Command("go", "build", "-tags", "headless", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
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
	want := "wxpos: this wxpos is the headless build (-tags headless): every command, no window; the till needs the desktop build: wxpos --help\n"
	if code != 1 || out != "" || errOut != want {
		t.Fatalf("no command: exit %d\nstdout %q\nstderr %q\nwant exit 1 and %q", code, out, errOut, want)
	}
	if code, out, errOut := runBinary(t, bin, nil, "version"); code != 0 || !strings.HasPrefix(out, "wxpos ") {
		t.Fatalf("version: exit %d\nstdout %q\nstderr %q", code, out, errOut)
	}
}
