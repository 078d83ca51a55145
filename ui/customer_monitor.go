package ui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
)

// Monitor is one monitor of the desktop as the window system lists it,
// in the desktop's pixels.
type Monitor struct {
	Name                string // X11: the output, as xrandr names it (HDMI-2); Windows: \\.\DISPLAY2
	Alias               string // another name it answers to (Windows: the monitor's model); may be ""
	X, Y, Width, Height int
}

func (m Monitor) contains(x, y int) bool {
	return x >= m.X && x < m.X+m.Width && y >= m.Y && y < m.Y+m.Height
}

func (m Monitor) String() string {
	return fmt.Sprintf("%s %dx%d+%d+%d", m.Name, m.Width, m.Height, m.X, m.Y)
}

// Rect is a window's place on the desktop, in pixels.
type Rect struct{ X, Y, Width, Height int }

// Screens is what the window system tells and does about monitors, for
// putting the customer window on its monitor: Fyne can do neither. The
// window (package main) supplies it for X11 and Windows; every function
// runs on the UI goroutine.
type Screens struct {
	Monitors func() []Monitor // the primary first, then as the system lists them
	// Where is w's place now; it also lets Fyne hear of a move (GLFW's
	// event poll), so that Fyne's full screen fills the monitor w is on.
	Where func(w fyne.Window) (Rect, bool)
	Move  func(w fyne.Window, x, y int) error // w's top-left corner to x, y
}

// WithScreens lets the customer window be put on the monitor [display]
// monitor names (CustomerWindow.Monitor).
func WithScreens(s Screens) Option { return func(o *options) { o.screens = s } }

// custPlacement is the customer window being put on its monitor.
type custPlacement struct {
	w      fyne.Window
	want   string // [display] monitor: a name, a 1-based number, or "" for the default
	full   bool
	gen    int    // a newer placement stops the retries of an older one
	list   string // the monitors connected, for the log
	hidden bool   // while no monitor but the cashier's is left
}

// Moving the window is asked of the window manager, which may take a
// moment: where it is is checked every placeEvery, placeTries times.
const (
	placeEvery = 50 * time.Millisecond
	placeTries = 60
)

// pickMonitor is the monitor for want: its name (or alias, any case) or
// its number from 1 in ms. When want is "" or not connected (ok false) it
// is the first monitor that does not hold the point avoid (the cashier
// window's centre), else the first, which is the primary.
func pickMonitor(ms []Monitor, want string, avoid [2]int, haveAvoid bool) (m Monitor, ok bool) {
	if want != "" {
		if n, err := strconv.Atoi(want); err == nil {
			if n >= 1 && n <= len(ms) {
				return ms[n-1], true
			}
		} else {
			for _, m := range ms {
				if strings.EqualFold(m.Name, want) || (m.Alias != "" && strings.EqualFold(m.Alias, want)) {
					return m, true
				}
			}
		}
	}
	for _, m := range ms {
		if !haveAvoid || !m.contains(avoid[0], avoid[1]) {
			return m, want == ""
		}
	}
	return ms[0], want == ""
}

// placeCustomer puts the customer window on its monitor, full screen when
// configured. Without Screens (a desktop that cannot move windows) full
// screen fills whichever monitor the window is on.
func (t *Terminal) placeCustomer() {
	p := t.custPlace
	if p == nil {
		return
	}
	s := t.opt.screens
	var ms []Monitor
	if s.Monitors != nil {
		ms = s.Monitors()
	}
	if len(ms) == 0 || s.Where == nil || s.Move == nil {
		if p.want != "" {
			t.log().Warn("display.monitor is ignored: this desktop does not let wxpos place windows", "monitor", p.want)
		}
		if p.full {
			p.w.SetFullScreen(true)
		}
		return
	}
	if p.hidden {
		p.hidden = false
		p.w.Show()
	}
	var avoid [2]int
	r, haveAvoid := s.Where(t.w)
	avoid[0], avoid[1] = r.X+r.Width/2, r.Y+r.Height/2
	m, ok := pickMonitor(ms, p.want, avoid, haveAvoid)
	if !ok {
		t.log().Warn("display.monitor is not connected; the customer window goes on another monitor until it is",
			"monitor", p.want, "using", m.Name, "connected", monitorList(ms))
	}
	p.gen++
	p.list = monitorList(ms)
	if p.w.FullScreen() {
		if r, _ := s.Where(p.w); m.contains(r.X+r.Width/2, r.Y+r.Height/2) {
			t.settleCustomer(p, m, p.gen, 1) // there already (another monitor came): no flicker
			return
		}
		p.w.SetFullScreen(false) // a full-screen window stays where it is
	}
	t.moveCustomer(p, m, p.gen)
}

// moveCustomer centres the window on m, then, once it is there, makes it
// full screen (Fyne's full screen fills the monitor the window is on).
func (t *Terminal) moveCustomer(p *custPlacement, m Monitor, gen int) {
	s := t.opt.screens
	r, _ := s.Where(p.w)
	x, y := m.X+max(m.Width-r.Width, 0)/2, m.Y+max(m.Height-r.Height, 0)/2
	if err := s.Move(p.w, x, y); err != nil {
		t.log().Warn("the customer window could not be moved to its monitor", "monitor", m.Name, "err", err)
	}
	t.settleCustomer(p, m, gen, placeTries)
}

// settleCustomer waits (tries times, placeEvery apart) for the window
// manager to have moved the window onto m, then finishes the placement.
func (t *Terminal) settleCustomer(p *custPlacement, m Monitor, gen, tries int) {
	if gen != p.gen {
		return
	}
	r, _ := t.opt.screens.Where(p.w)
	there := m.contains(r.X+r.Width/2, r.Y+r.Height/2)
	if !there && tries > 1 {
		time.AfterFunc(placeEvery, func() {
			if t.ctx.Err() == nil {
				t.do(func() { t.settleCustomer(p, m, gen, tries-1) })
			}
		})
		return
	}
	if !there {
		t.log().Warn("the window manager did not move the customer window to its monitor", "monitor", m.Name, "at", fmt.Sprintf("%+v", r))
	}
	if p.full {
		p.w.SetFullScreen(true)
	}
	t.log().Info("customer window placed", "monitor", m.String(), "fullscreen", p.full, "connected", p.list)
}

// hideCustomerIfAlone hides the customer window when every monitor left
// holds the cashier's window (the customer's was unplugged): a window
// manager would move it over the till. placeCustomer shows it again when
// a monitor comes.
func (t *Terminal) hideCustomerIfAlone() {
	p, s := t.custPlace, t.opt.screens
	if p == nil || p.hidden || s.Monitors == nil || s.Where == nil {
		return
	}
	r, ok := s.Where(t.w)
	if !ok {
		return
	}
	ms := s.Monitors()
	for _, m := range ms {
		if !m.contains(r.X+r.Width/2, r.Y+r.Height/2) {
			return
		}
	}
	p.hidden = true
	p.gen++ // a placement under way stops
	p.w.Hide()
	t.log().Warn("the customer window is hidden until a monitor for it is connected", "connected", monitorList(ms))
}

// monitorList is "1:HDMI-1 1920x1080+0+0, 2:HDMI-2 …" for the log.
func monitorList(ms []Monitor) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = strconv.Itoa(i+1) + ":" + m.String()
	}
	return strings.Join(parts, ", ")
}
