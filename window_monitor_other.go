//go:build !headless && !windows && (wayland || !(linux || freebsd || netbsd || openbsd))

package main

import (
	"fyne.io/fyne/v2"
	"github.com/go-gl/glfw/v3.3/glfw"

	"github.com/wxpos/wxpos/ui"
)

// nativeWindows: Wayland lets no program place its windows, and macOS is
// not done; the customer window goes where the system puts it.
func nativeWindows() (func(fyne.Window) (ui.Rect, bool), func(fyne.Window, int, int) error) {
	return nil, nil
}

func monitorNames(m *glfw.Monitor) (name, alias string) { return m.GetName(), "" }
