package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCustomerWindowOnSecondMonitor is [display] monitor on the real
// binary: two monitors side by side, the customer window asked on the
// second by its name, full screen. It must fill the second monitor
// exactly, leaving the cashier's window on the first; the second monitor
// unplugged (xrandr), it is hidden rather than left to cover the till,
// and plugged back in, it must fill it again.
//
// Xvfb cannot be the X server here: it has one RandR output, and GLFW,
// which Fyne lists monitors through, counts outputs (RandR 1.5 "monitors"
// made with xrandr --setmonitor are not seen), so it is Xorg with the
// dummy video driver, whose outputs DUMMY0…DUMMY15 xrandr can switch on.
// It runs as root (Xorg's own rule for a private server, as in CI) and
// skips without xserver-xorg-video-dummy. WXPOS_XVFB_SHOTS keeps the
// screenshots.
func TestCustomerWindowOnSecondMonitor(t *testing.T) {
	display := startTwoMonitors(t)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "config", "wxpos"), 0o755); err != nil {
		t.Fatal(err)
	}
	conf := "[display]\ncustomer_window = true\nfullscreen = true\nmonitor = \"DUMMY1\"\n"
	if err := os.WriteFile(filepath.Join(dir, "config", "wxpos", "config.toml"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	w := startWindow(t, display, dir)
	fills := func(when string) {
		t.Helper()
		w.log.waitFor(t, when+": the placement", 30*time.Second, `msg="customer window placed" monitor="DUMMY1 1280x800\+1280\+0" fullscreen=true`)
		if geom, ok := w.waitGeometry("customer display", 1280, 0, 1280, 800); !ok {
			t.Fatalf("%s: the customer window does not fill DUMMY1 (1280×800 at 1280,0):\n%s", when, geom)
		}
	}
	fills("at start")
	cashier := w.xdotool(10*time.Second, "search", "--name", "^wxpos [^/]*$", "getwindowgeometry", "--shell")
	if x, _ := strconv.Atoi(field(strings.ReplaceAll(cashier, "\n", " "), "X")); x >= 1280 || !strings.Contains(cashier, "Y=0\n") {
		t.Errorf("the cashier's window left the first monitor:\n%s", cashier)
	}
	// What the customer sees as the cashier keys: the total, on their monitor.
	w.xdotool(10*time.Second, "search", "--name", "^wxpos [^/]*$", "windowfocus", "--sync")
	w.typeAt(personGap, "12.5")
	w.xdotool(10*time.Second, "sleep", "1") // for the screenshot only: the last key drawn
	w.shot(os.Getenv("WXPOS_XVFB_SHOTS"), "customer-second-monitor")

	xrandr(t, display, false, "--output", "DUMMY1", "--off")
	w.log.waitFor(t, "the unplug noticed", 30*time.Second, `msg="a monitor was disconnected`)
	w.log.waitFor(t, "the customer window hidden", 10*time.Second, `msg="the customer window is hidden until a monitor for it is connected"`)
	mapped := exec.Command("xdotool", "search", "--onlyvisible", "--name", "customer display")
	mapped.Env = []string{"DISPLAY=" + display}
	if out, err := mapped.Output(); err == nil || len(out) > 0 { // xdotool fails when it finds none
		t.Errorf("the customer window is still mapped with only the cashier's monitor left: %q, %v", out, err)
	}
	xrandr(t, display, false, "--output", "DUMMY1", "--mode", "1280x800", "--pos", "1280x0")
	w.log.waitFor(t, "the monitor back", 30*time.Second, `msg="a monitor was connected`)
	if n := w.log.count(`msg="customer window placed"`); n < 2 {
		w.log.waitForNext(t, "the window put back", 30*time.Second, map[string]int{`msg="customer window placed"`: 1})
	}
	fills("with the monitor back")
	w.xdotool(10*time.Second, "sleep", "1") // for the screenshot only: the first frame drawn
	w.shot(os.Getenv("WXPOS_XVFB_SHOTS"), "customer-monitor-back")
}

// startTwoMonitors starts Xorg with the dummy driver on a display it picks
// (-displayfd) and switches on two 1280×800 monitors side by side, DUMMY0
// (primary) at 0,0 and DUMMY1 at 1280,0. It returns ":N".
func startTwoMonitors(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("Xorg starts a private server only for root")
	}
	for _, tool := range []string{"Xorg", "xdotool", "xrandr"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (apt-get install xserver-xorg-core xserver-xorg-video-dummy xdotool x11-xserver-utils)", tool)
		}
	}
	if _, err := os.Stat("/usr/lib/xorg/modules/drivers/dummy_drv.so"); err != nil {
		t.Skip("Xorg's dummy driver is not installed (apt-get install xserver-xorg-video-dummy)")
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "xorg.conf")
	if err := os.WriteFile(conf, []byte(xorgDummy), 0o644); err != nil {
		t.Fatal(err)
	}
	r, wr, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("Xorg", "-displayfd", "3", "-noreset", "-nolisten", "tcp", "-config", conf, "-logfile", filepath.Join(dir, "Xorg.log"))
	cmd.ExtraFiles = []*os.File{wr}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start Xorg: %v", err)
	}
	wr.Close()
	t.Cleanup(func() { // TERM: Xorg removes its lock file and socket
		cmd.Process.Signal(syscall.SIGTERM)
		done := time.AfterFunc(10*time.Second, func() { cmd.Process.Kill() })
		cmd.Wait()
		done.Stop()
	})
	got := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		r.Close()
		got <- strings.TrimSpace(line)
	}()
	var display string
	select {
	case n := <-got:
		if _, err := strconv.Atoi(n); err != nil {
			log, _ := os.ReadFile(filepath.Join(dir, "Xorg.log"))
			t.Fatalf("Xorg gave no display number (%q):\n%s", n, log)
		}
		display = ":" + n
	case <-time.After(30 * time.Second):
		t.Fatal("Xorg did not start in 30 s")
	}
	xrandr(t, display, false, "--newmode", "1280x800", "83.50", "1280", "1352", "1480", "1680", "800", "803", "809", "831", "-hsync", "+vsync")
	for _, out := range []string{"DUMMY0", "DUMMY1"} {
		xrandr(t, display, false, "--addmode", out, "1280x800")
	}
	xrandr(t, display, false, "--output", "DUMMY0", "--mode", "1280x800", "--pos", "0x0", "--primary",
		"--output", "DUMMY1", "--mode", "1280x800", "--pos", "1280x0")
	if got := xrandr(t, display, false, "--listmonitors"); !strings.HasPrefix(got, "Monitors: 2") {
		t.Fatalf("not two monitors:\n%s", got)
	}
	return display
}

// xorgDummy is a screen for the dummy driver, large enough for two
// 1280×800 monitors side by side.
const xorgDummy = `Section "Device"
  Identifier "dummy"
  Driver "dummy"
  VideoRam 65536
EndSection
Section "Screen"
  Identifier "screen"
  Device "dummy"
  DefaultDepth 24
  SubSection "Display"
    Depth 24
    Virtual 2560 800
  EndSubSection
EndSection
`
