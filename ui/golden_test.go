package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestGoldenScreens compares whole screens with the markup in testdata/. On
// a difference Fyne writes the new markup to testdata/failed/; copy it over
// the master after checking the change is intended.
func TestGoldenScreens(t *testing.T) {
	tests := []struct {
		name  string
		steps func(h *harness)
	}{
		{"sale.xml", func(h *harness) { h.typeText("128.5+36") }},
		{"scan.xml", func(h *harness) { h.typeText("20"); h.key(fyne.KeyF1) }},
		{"cash.xml", func(h *harness) { h.typeText("12.5"); h.key(fyne.KeyF3); h.typeText("100") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, WithTraining(true))
			tt.steps(h)
			test.AssertRendersToMarkup(t, tt.name, h.w.Canvas())
		})
	}
}
