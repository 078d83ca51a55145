package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestKioskSurvivesMonitorUnplug is issue 24's "survives a display
// disconnect" on the real binary: the window in kiosk mode on a private
// Xvfb, its only monitor switched off with xrandr (what X does when the
// cable is pulled: the output loses its CRTC, no monitor is left) and on
// again. GLFW takes a full-screen window out of full screen when its
// monitor goes and, with no window manager, leaves it far off the screen:
// before the fix the monitor came back to a black screen. The till must go
// on selling while the monitor is away, and fill the monitor again when
// it is back.
func TestKioskSurvivesMonitorUnplug(t *testing.T) {
	for _, tool := range []string{"Xvfb", "xdotool", "xrandr"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed: this test unplugs the monitor of a private X server (apt-get install xvfb xauth xdotool x11-xserver-utils)", tool)
		}
	}
	display := startXvfb(t)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "config", "wxpos"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config", "wxpos", "config.toml"), []byte("[ui]\nkiosk = true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	w := startWindow(t, display, dir)
	fills := func(when string) {
		t.Helper()
		if geom, ok := w.waitGeometry("^wxpos", 0, 0, 1280, 800); !ok {
			t.Fatalf("%s: the window does not fill the 1280×800 monitor:\n%s", when, geom)
		}
	}
	fills("at start")

	xrandr(t, display, true, "--output", "screen", "--off")
	if got := xrandr(t, display, false, "--listmonitors"); !strings.HasPrefix(got, "Monitors: 0") {
		t.Fatalf("the monitor is still there after --off:\n%s", got)
	}
	w.log.waitFor(t, "the disconnect noticed", 30*time.Second, `msg="a monitor was disconnected`)
	paid := w.sell(t, "8", 800, "130001000000000001", nil)
	w.log.waitFor(t, "the sale without a monitor paid", 30*time.Second, `msg=order out_trade_no=`+field(paid, "out_trade_no")+` .* to=PAID amount_fen=800 `)

	xrandr(t, display, false, "--output", "screen", "--mode", "1280x800")
	w.log.waitFor(t, "the monitor back", 30*time.Second, `msg="a monitor was connected`)
	fills("with the monitor back")
	w.shot(os.Getenv("WXPOS_XVFB_SHOTS"), "kiosk-monitor-back")
}

// xrandr runs xrandr on display and returns its output. Switching Xvfb's
// only output off also asks X to shrink the screen to nothing, which it
// refuses (BadValue) after the CRTC is off: mayFail allows that.
func xrandr(t *testing.T, display string, mayFail bool, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "xrandr", args...)
	cmd.Env = []string{"DISPLAY=" + display}
	out, err := cmd.CombinedOutput()
	if err != nil && !mayFail {
		t.Fatalf("xrandr %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}
