package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// Fyne (2.7) does not scroll a container.Scroll to the widget that gains
// focus: on a 1024×768 screen with the away banners up, Tab moved a
// keyboard-only manager into a field below the fold, who then typed into
// it unseen. Every focusable widget of ours calls reveal from FocusGained,
// which scrolls each Scroll around it just enough to show it.

// reveal scrolls every container.Scroll that holds o, innermost first, so
// that o is inside the visible part of each (its top-left corner when o is
// larger than the scroll). An object reveal cannot find is left as it is.
func reveal(o fyne.CanvasObject) {
	c := canvasOf(o)
	if c == nil {
		return
	}
	roots := c.Overlays().List()
	if c.Content() != nil {
		roots = append(roots, c.Content())
	}
	for _, root := range roots {
		if path := pathTo(root, o); path != nil {
			revealOnPath(path)
			return
		}
	}
}

// pathTo is the chain of objects from root down to o, both included, or
// nil when o is not under root. Hidden objects are skipped: focus never
// goes there.
func pathTo(root, o fyne.CanvasObject) []fyne.CanvasObject {
	if root == nil || !root.Visible() {
		return nil
	}
	if root == o {
		return []fyne.CanvasObject{root}
	}
	for _, child := range children(root) {
		if p := pathTo(child, o); p != nil {
			return append([]fyne.CanvasObject{root}, p...)
		}
	}
	return nil
}

// children are the objects drawn inside o that a focusable widget of our
// screens can sit in. Fyne keeps a widget's renderer private, so the
// composites we use are named here: containers, scrolls, splits, cards,
// forms, pop-ups (dialogs), a field's action button, and our own widgets
// made of parts.
func children(o fyne.CanvasObject) []fyne.CanvasObject {
	switch o := o.(type) {
	case *fyne.Container:
		return o.Objects
	case *container.Scroll:
		return []fyne.CanvasObject{o.Content}
	case *container.Split:
		return []fyne.CanvasObject{o.Leading, o.Trailing}
	case *widget.Card:
		return []fyne.CanvasObject{o.Content}
	case *widget.Form:
		var out []fyne.CanvasObject
		for _, it := range o.Items {
			out = append(out, it.Widget)
		}
		return out
	case *widget.PopUp:
		return []fyne.CanvasObject{o.Content}
	case classifiedField:
		return []fyne.CanvasObject{o.entry().ActionItem}
	case composite:
		return o.parts()
	}
	return nil
}

// composite is one of our widgets drawn from parts that hold focusable
// widgets.
type composite interface {
	parts() []fyne.CanvasObject
}

// revealOnPath scrolls each Scroll on path (root first) so that the last
// object of path is in its visible part. It goes innermost first: an inner
// scroll's offset moves the object within the outer one's content.
func revealOnPath(path []fyne.CanvasObject) {
	o := path[len(path)-1]
	for i := len(path) - 2; i >= 0; i-- {
		s, ok := path[i].(*container.Scroll)
		if !ok {
			continue
		}
		// Where o lies in s's content, whatever s's offset: the driver
		// knows the renderers' insides (a field's button, a keypad's
		// grid) that children does not name.
		d := fyne.CurrentApp().Driver()
		at := d.AbsolutePositionForObject(o).Subtract(d.AbsolutePositionForObject(s.Content))
		off := s.Offset
		view := s.Size()
		if s.Direction == container.ScrollBoth || s.Direction == container.ScrollVerticalOnly {
			off.Y = showSpan(off.Y, view.Height, at.Y, o.Size().Height)
		}
		if s.Direction == container.ScrollBoth || s.Direction == container.ScrollHorizontalOnly {
			off.X = showSpan(off.X, view.Width, at.X, o.Size().Width)
		}
		s.ScrollToOffset(off)
	}
}

// showSpan is the least change to offset, of a view length long, that
// shows the span [start, start+length); a span longer than the view shows
// its start.
func showSpan(offset, view, start, length float32) float32 {
	switch {
	case start < offset || length > view:
		return start
	case start+length > offset+view:
		return start + length - view
	}
	return offset
}
