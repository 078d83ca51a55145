package ui

import (
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
)

// TestScreenshots draws every screen of TestEveryScreenFits, in both
// languages, at the window sizes of a 1024×768 and a 1280×800 display (less
// the title bar and a panel) and writes them as PNGs under the directory in
// WXPOS_SCREENSHOTS:
//
//	WXPOS_SCREENSHOTS=$PWD/screenshots go test ./ui/ -run TestScreenshots
//
// The pictures are for a person to look at; the test asserts nothing a
// picture could show that TestEveryScreenFits does not.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("WXPOS_SCREENSHOTS")
	if dir == "" {
		t.Skip("set WXPOS_SCREENSHOTS to a directory to write the screenshots")
	}
	displays := []struct {
		name string
		size fyne.Size
	}{
		{"1024x768", windowSize},
		{"1280x800", fyne.NewSize(1280, 752)},
	}
	for _, lang := range []Lang{LangZH, LangEN} {
		w := newFitWorld(t)
		for _, d := range displays {
			out := filepath.Join(dir, d.name)
			if err := os.MkdirAll(out, 0o755); err != nil {
				t.Fatal(err)
			}
			for i, v := range fitVisits() {
				name := fmt.Sprintf("%s-%02d-%s.png", lang, i+1, strings.ReplaceAll(v.name, " ", "-"))
				t.Run(d.name+"/"+name, func(t *testing.T) {
					h := newFitHarness(t, w, lang)
					h.w.Resize(d.size)
					v.open(h, w)
					h.drain()
					f, err := os.Create(filepath.Join(out, name))
					if err != nil {
						t.Fatal(err)
					}
					defer f.Close()
					enc := png.Encoder{CompressionLevel: png.BestCompression}
					if err := enc.Encode(f, h.w.Canvas().Capture()); err != nil {
						t.Fatal(err)
					}
				})
			}
		}
	}
}
