package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/wxpos/wxpos/assets"
)

// Colours of the cashier theme, beyond Fyne's named ones.
var (
	colorWeChatGreen = color.NRGBA{R: 0x07, G: 0xC1, B: 0x60, A: 0xFF}
	colorDanger      = color.NRGBA{R: 0xD9, G: 0x30, B: 0x26, A: 0xFF}
	colorWarning     = color.NRGBA{R: 0xE8, G: 0x8B, B: 0x00, A: 0xFF}
	colorBackground  = color.NRGBA{R: 0xF5, G: 0xF6, B: 0xF7, A: 0xFF}
	colorBar         = color.NRGBA{R: 0x2E, G: 0x33, B: 0x38, A: 0xFF}
	colorOnBar       = color.NRGBA{R: 0xFF, G: 0xFF, B: 0xFF, A: 0xFF}
)

// Sizes of the cashier theme beyond Fyne's named ones. Each screen has one
// thing that matters most (the total, the change, the countdown, the
// failure) drawn at sizeNameHero; other amounts at sizeNameAmount.
const (
	sizeNameHero   fyne.ThemeSizeName = "wxpos.hero"
	sizeNameAmount fyne.ThemeSizeName = "wxpos.amount"
)

// Theme is the wxpos cashier theme: light, WeChat green as the primary
// colour, slightly larger text for a counter screen, and the embedded CJK
// font so Chinese renders on a machine without CJK fonts installed.
type Theme struct {
	font fyne.Resource
}

// NewTheme returns the cashier theme with the embedded font.
func NewTheme() *Theme {
	return &Theme{font: fyne.NewStaticResource(assets.FontName, assets.Font)}
}

// Color returns the theme colour for name; the variant is ignored because a
// counter screen always uses the light palette.
func (t *Theme) Color(name fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	switch name {
	case theme.ColorNamePrimary, theme.ColorNameFocus:
		return colorWeChatGreen
	case theme.ColorNameSuccess:
		return colorWeChatGreen
	case theme.ColorNameError:
		return colorDanger
	case theme.ColorNameWarning:
		return colorWarning
	case theme.ColorNameBackground:
		return colorBackground
	}
	return theme.DefaultTheme().Color(name, theme.VariantLight)
}

// Font returns the embedded CJK face for every style; runes it lacks (Latin,
// digits) fall back to Fyne's bundled font of the same style.
func (t *Theme) Font(fyne.TextStyle) fyne.Resource {
	return t.font
}

// Icon returns Fyne's default icon for name.
func (t *Theme) Icon(name fyne.ThemeIconName) fyne.Resource {
	return theme.DefaultTheme().Icon(name)
}

// Size returns a slightly enlarged text size and Fyne's defaults otherwise.
func (t *Theme) Size(name fyne.ThemeSizeName) float32 {
	switch name {
	case theme.SizeNameText:
		return 16
	case theme.SizeNameHeadingText:
		return 26
	case theme.SizeNameSubHeadingText:
		return 20
	case sizeNameHero:
		return 60
	case sizeNameAmount:
		return 36
	}
	return theme.DefaultTheme().Size(name)
}

// themeSize returns the current theme's size for name, or the cashier
// theme's when the current theme does not define it (a test theme).
func themeSize(name fyne.ThemeSizeName) float32 {
	if v := theme.Size(name); v > 0 {
		return v
	}
	return (&Theme{}).Size(name)
}
