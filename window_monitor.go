//go:build !headless

package main

import (
	"github.com/go-gl/glfw/v3.3/glfw"

	"github.com/wxpos/wxpos/ui"
)

// screens is how the customer window is put on its monitor ([display]
// monitor): GLFW (Fyne's window system library) lists the monitors, the
// operating system moves the window (window_monitor_*.go). Fyne itself has
// neither, but its full screen fills the monitor the window is on.
func screens() ui.Screens {
	where, move := nativeWindows()
	return ui.Screens{Monitors: glfwMonitors, Where: where, Move: move}
}

// glfwMonitors lists the monitors, the primary first. It runs on the UI
// goroutine (GLFW's main thread).
func glfwMonitors() []ui.Monitor {
	var out []ui.Monitor
	for _, m := range glfw.GetMonitors() {
		mode := m.GetVideoMode()
		if mode == nil {
			continue
		}
		x, y := m.GetPos()
		name, alias := monitorNames(m)
		out = append(out, ui.Monitor{Name: name, Alias: alias, X: x, Y: y, Width: mode.Width, Height: mode.Height})
	}
	return out
}
