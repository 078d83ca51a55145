package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// bin is wxpos built once for the tests that need a real second process:
// exit statuses, what reaches stderr before main runs, a missing display.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "wxpos-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = filepath.Join(dir, "wxpos")
	build := exec.Command("go", "build", "-tags", "no_emoji", "-o", bin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build wxpos:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// wxpos runs the binary with env (on top of a clean environment with its
// own config dir) and returns its exit status and outputs.
func wxpos(t *testing.T, env []string, args ...string) (int, string, string) {
	t.Helper()
	return runBinary(t, bin, env, args...)
}

// runBinary is wxpos for the binary at path.
func runBinary(t *testing.T, path string, env []string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(path, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "XDG_CONFIG_HOME=" + t.TempDir()}, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, out.String(), errb.String()
	case errors.As(err, &ee):
		return ee.ExitCode(), out.String(), errb.String()
	}
	t.Fatalf("run wxpos %v: %v", args, err)
	return 0, "", ""
}

// TestNoDisplay: the window without a desktop session is one line and
// status 1, not a GLFW panic with its stack and status 2.
func TestNoDisplay(t *testing.T) {
	code, out, errOut := wxpos(t, []string{"LANG=C.UTF-8"})
	want := "wxpos: no display: the window needs a desktop session; the CLI works without one: wxpos --help\n"
	if code != 1 || errOut != want || out != "" {
		t.Fatalf("exit %d\nstdout %q\nstderr %q\nwant exit 1 and stderr %q", code, out, errOut, want)
	}
}

// TestExitStatusTable holds every command to the one table (README, "Exit
// status").
func TestExitStatusTable(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "bad.toml")
	if err := os.WriteFile(cfg, []byte("[wechat]\nmode = \"v5\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"--version", []string{"--version"}, 0},
		{"version", []string{"version"}, 0},
		{"help", []string{"--help"}, 0},
		{"unknown flag", []string{"--bogus"}, 2},
		{"unknown command", []string{"bogus"}, 2},
		{"unknown subcommand of a group", []string{"hq", "bogus"}, 2},
		{"unknown flag of a command", []string{"orders", "--bogus"}, 2},
		{"missing argument", []string{"backup"}, 2},
		{"extra argument", []string{"orders", "extra"}, 2},
		{"bad value", []string{"pay", "--amount", "1.005", "--qr"}, 2},
		{"invalid config", []string{"--config", cfg, "orders"}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := wxpos(t, nil, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout %s\nstderr %s", code, tc.code, out, errOut)
			}
			if tc.name == "--version" && !strings.HasPrefix(out, "wxpos ") {
				t.Fatalf("stdout %q", out)
			}
		})
	}
}

// TestNoLocaleNoise: with Debian's container locale (and its cousins) a
// command prints what it was asked and nothing else.
func TestNoLocaleNoise(t *testing.T) {
	for _, lang := range []string{"C.UTF-8", "C.utf8", "C", "POSIX", "POSIX.UTF-8"} {
		t.Run(lang, func(t *testing.T) {
			code, out, errOut := wxpos(t, []string{"LANG=" + lang}, "version")
			if code != 0 || errOut != "" || !strings.HasPrefix(out, "wxpos ") {
				t.Fatalf("exit %d\nstdout %q\nstderr %q", code, out, errOut)
			}
		})
	}
}
