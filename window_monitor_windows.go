//go:build !headless && windows

package main

import (
	"errors"
	"syscall"
	"unsafe"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
	"github.com/go-gl/glfw/v3.3/glfw"

	"github.com/wxpos/wxpos/ui"
)

var (
	user32        = syscall.NewLazyDLL("user32.dll")
	getWindowRect = user32.NewProc("GetWindowRect")
	setWindowPos  = user32.NewProc("SetWindowPos")
)

// SetWindowPos flags: keep the size, the stacking order and the focus.
const swpKeep = 0x0001 | 0x0004 | 0x0010 // SWP_NOSIZE | SWP_NOZORDER | SWP_NOACTIVATE

// nativeWindows places windows with user32's GetWindowRect and
// SetWindowPos. The move is done at once, and GLFW's window procedure
// hears of it before SetWindowPos returns.
func nativeWindows() (func(fyne.Window) (ui.Rect, bool), func(fyne.Window, int, int) error) {
	return winWhere, winMove
}

// monitorNames: on Windows a monitor is named by its display device
// (\\.\DISPLAY2, the number Windows' display settings show) and answers
// to its model's name too.
func monitorNames(m *glfw.Monitor) (name, alias string) { return m.GetWin32Adapter(), m.GetName() }

type rect struct{ left, top, right, bottom int32 }

func winWhere(w fyne.Window) (ui.Rect, bool) {
	h := hwnd(w)
	if h == 0 {
		return ui.Rect{}, false
	}
	var r rect
	ok, _, _ := getWindowRect.Call(h, uintptr(unsafe.Pointer(&r)))
	glfw.PollEvents()
	return ui.Rect{X: int(r.left), Y: int(r.top), Width: int(r.right - r.left), Height: int(r.bottom - r.top)}, ok != 0
}

func winMove(w fyne.Window, x, y int) error {
	h := hwnd(w)
	if h == 0 {
		return errors.New("the window has no HWND yet")
	}
	if ok, _, err := setWindowPos.Call(h, 0, uintptr(int32(x)), uintptr(int32(y)), 0, 0, swpKeep); ok == 0 {
		return err
	}
	return nil
}

// hwnd is w's window handle (0: none yet).
func hwnd(w fyne.Window) uintptr {
	var h uintptr
	if nw, ok := w.(driver.NativeWindow); ok {
		nw.RunNative(func(ctx any) {
			if c, ok := ctx.(driver.WindowsWindowContext); ok {
				h = c.HWND
			}
		})
	}
	return h
}
