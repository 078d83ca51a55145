package ui

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/wxpos/wxpos/custdisplay"
)

func TestPickMonitor(t *testing.T) {
	ms := []Monitor{
		{Name: "eDP-1", X: 0, Y: 0, Width: 1920, Height: 1080},
		{Name: "HDMI-2", Alias: "DELL P2219H", X: 1920, Y: 0, Width: 1280, Height: 1024},
		{Name: "DP-1", X: 3200, Y: 0, Width: 800, Height: 600},
	}
	onFirst, onSecond := [2]int{960, 540}, [2]int{2000, 10}
	for _, c := range []struct {
		want      string
		avoid     [2]int
		haveAvoid bool
		got       string
		ok        bool
	}{
		{"HDMI-2", onFirst, true, "HDMI-2", true},
		{"hdmi-2", onSecond, true, "HDMI-2", true}, // the name in any case, even where the cashier is
		{"dell p2219h", onFirst, true, "HDMI-2", true},
		{"3", onFirst, true, "DP-1", true},
		{"1", onFirst, true, "eDP-1", true},
		{"", onFirst, true, "HDMI-2", true},        // the first without the cashier's window
		{"", onSecond, true, "eDP-1", true},        // the primary is free
		{"", onFirst, false, "eDP-1", true},        // the cashier's window unknown: the primary
		{"HDMI-9", onFirst, true, "HDMI-2", false}, // not connected: the default, reported
		{"4", onFirst, true, "HDMI-2", false},
		{"0", onSecond, true, "eDP-1", false},
	} {
		m, ok := pickMonitor(ms, c.want, c.avoid, c.haveAvoid)
		if m.Name != c.got || ok != c.ok {
			t.Errorf("monitor %q, cashier at %v: got %s (ok %v), want %s (ok %v)", c.want, c.avoid, m.Name, ok, c.got, c.ok)
		}
	}
	if m, _ := pickMonitor(ms[:1], "", onFirst, true); m.Name != "eDP-1" {
		t.Errorf("one monitor holding the cashier's window: got %s, want it anyway", m.Name)
	}
}

// fakeDesk is a desktop of monitors and window places: Move is done by a
// window manager that takes lag checks of Where before the window is
// there, as a real one takes a moment.
type fakeDesk struct {
	mu       sync.Mutex
	monitors []Monitor
	at       map[fyne.Window]Rect
	lag      int
	pending  map[fyne.Window]int // Where checks left before a move lands
	target   map[fyne.Window]Rect
	moves    int
}

func (d *fakeDesk) screens() Screens {
	return Screens{
		Monitors: func() []Monitor {
			d.mu.Lock()
			defer d.mu.Unlock()
			return append([]Monitor(nil), d.monitors...)
		},
		Where: func(w fyne.Window) (Rect, bool) {
			d.mu.Lock()
			defer d.mu.Unlock()
			if n, ok := d.pending[w]; ok {
				if n <= 0 {
					d.at[w] = d.target[w]
					delete(d.pending, w)
				} else {
					d.pending[w] = n - 1
				}
			}
			r, ok := d.at[w]
			return r, ok
		},
		Move: func(w fyne.Window, x, y int) error {
			d.mu.Lock()
			defer d.mu.Unlock()
			d.moves++
			r := d.at[w]
			r.X, r.Y = x, y
			d.target[w], d.pending[w] = r, d.lag
			return nil
		},
	}
}

func (d *fakeDesk) setMonitors(ms ...Monitor) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.monitors = ms
}

func (d *fakeDesk) on(w fyne.Window) Rect {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.at[w]
}

// TestCustomerWindowOnItsMonitor: [display] monitor puts the customer
// window on that monitor, full screen once the window manager has moved
// it there; a monitor not connected is said once in the log and the
// window goes on another one (never the cashier's while there is a
// free one), and back on its own when that is connected again. With only
// the cashier's monitor left it is hidden until a monitor comes. The real
// window on a two-monitor X server: TestCustomerWindowOnSecondMonitor.
func TestCustomerWindowOnItsMonitor(t *testing.T) {
	left := Monitor{Name: "DUMMY0", X: 0, Y: 0, Width: 1280, Height: 800}
	right := Monitor{Name: "DUMMY1", X: 1280, Y: 0, Width: 1280, Height: 800}
	third := Monitor{Name: "DUMMY2", X: 2560, Y: 0, Width: 1024, Height: 768}
	desk := &fakeDesk{monitors: []Monitor{left, right, third}, at: map[fyne.Window]Rect{}, lag: 3,
		pending: map[fyne.Window]int{}, target: map[fyne.Window]Rect{}}
	var changed func(bool)
	var logs bytes.Buffer
	var logMu sync.Mutex
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &logMu}, nil))
	hub := custdisplay.NewHub(time.Hour, nil)
	h := newHarness(t, WithScreens(desk.screens()), WithLogger(logger), WithMonitorEvents(func(f func(bool)) { changed = f }),
		WithCustomerDisplay(hub, CustomerWindow{Open: true, Fullscreen: true, Monitor: "DUMMY1"}))
	openCustomerWindow(fyne.CurrentApp(), h.term)
	cw := h.term.custPlace.w
	desk.at[h.w], desk.at[cw] = Rect{0, 0, 1280, 800}, Rect{0, 0, 1024, 768}

	placed := func(when string, m Monitor) {
		t.Helper()
		h.waitFor(when+": the customer window full screen on "+m.Name, func() bool {
			r := desk.on(cw)
			return cw.FullScreen() && r == Rect{m.X + (m.Width-1024)/2, m.Y + (m.Height-768)/2, 1024, 768}
		})
	}
	h.term.placeCustomer()
	if cw.FullScreen() {
		t.Fatal("full screen before the window manager moved the window: it fills the monitor it was on")
	}
	placed("at start", right)
	changed(true) // another monitor: the window stays, full screen, unmoved
	h.drain()
	if desk.moves != 1 || !cw.FullScreen() {
		t.Errorf("a monitor connected elsewhere: %d moves (want 1, the first), full screen %v", desk.moves, cw.FullScreen())
	}

	desk.setMonitors(left, third) // DUMMY1 unplugged
	cw.SetFullScreen(false)       // what GLFW does
	changed(false)
	changed(true) // another monitor connected meanwhile
	placed("its monitor away", third)
	logMu.Lock()
	n := strings.Count(logs.String(), "display.monitor is not connected")
	line := logs.String()
	logMu.Unlock()
	if n != 1 || !strings.Contains(line, "monitor=DUMMY1 using=DUMMY2") {
		t.Errorf("%d lines saying the monitor is away, want 1 naming it and the one used:\n%s", n, line)
	}

	desk.setMonitors(left, third, right) // back, listed last now
	changed(true)
	placed("its monitor back", right)

	desk.setMonitors(left) // only the cashier's is left: hidden, not over the till
	changed(false)
	if !h.term.custPlace.hidden {
		t.Error("the customer window stays shown with only the cashier's monitor left")
	}
	desk.setMonitors(left, right)
	changed(true)
	placed("after it was hidden", right)
	if h.term.custPlace.hidden {
		t.Error("the customer window stays hidden with its monitor back")
	}
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
