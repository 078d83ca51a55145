//go:build !headless && !wayland && (linux || freebsd || netbsd || openbsd)

package main

/*
#cgo LDFLAGS: -lX11
#include <X11/Xlib.h>

// wxposWhere is window w's top-left corner on the root window and its size.
static int wxposWhere(void *d, unsigned long w, int *x, int *y, unsigned *width, unsigned *height) {
	Window root, child;
	int gx, gy;
	unsigned border, depth;
	if (!XGetGeometry((Display *)d, (Window)w, &root, &gx, &gy, width, height, &border, &depth)) return 0;
	return XTranslateCoordinates((Display *)d, (Window)w, root, 0, 0, x, y, &child);
}

// wxposMove asks for window w at x, y and waits until the server has it.
static void wxposMove(void *d, unsigned long w, int x, int y) {
	XMoveWindow((Display *)d, (Window)w, x, y);
	XSync((Display *)d, False);
}
*/
import "C"

import (
	"errors"
	"unsafe"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
	"github.com/go-gl/glfw/v3.3/glfw"

	"github.com/wxpos/wxpos/ui"
)

// nativeWindows places windows through Xlib on GLFW's own connection to
// the X server, so GLFW hears of the move in its next event poll. With a
// window manager the move is a request it grants a moment later; without
// one (a kiosk X session) it is done at once.
func nativeWindows() (func(fyne.Window) (ui.Rect, bool), func(fyne.Window, int, int) error) {
	return x11Where, x11Move
}

// monitorNames: on X11 a monitor is named by its RandR output, as xrandr
// lists it (HDMI-2, DP-1).
func monitorNames(m *glfw.Monitor) (name, alias string) { return m.GetName(), "" }

func x11Where(w fyne.Window) (ui.Rect, bool) {
	id := x11Window(w)
	if id == 0 {
		return ui.Rect{}, false
	}
	var x, y C.int
	var width, height C.uint
	ok := C.wxposWhere(unsafe.Pointer(glfw.GetX11Display()), C.ulong(id), &x, &y, &width, &height) != 0
	glfw.PollEvents() // Fyne learns where the window is from GLFW's events
	return ui.Rect{X: int(x), Y: int(y), Width: int(width), Height: int(height)}, ok
}

func x11Move(w fyne.Window, x, y int) error {
	id := x11Window(w)
	if id == 0 {
		return errors.New("the window has no X window yet")
	}
	C.wxposMove(unsafe.Pointer(glfw.GetX11Display()), C.ulong(id), C.int(x), C.int(y))
	return nil
}

// x11Window is w's X window id (0: none yet).
func x11Window(w fyne.Window) uintptr {
	var id uintptr
	if nw, ok := w.(driver.NativeWindow); ok {
		nw.RunNative(func(ctx any) {
			if c, ok := ctx.(driver.X11WindowContext); ok {
				id = c.WindowHandle
			}
		})
	}
	return id
}
