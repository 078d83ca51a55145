// Package assets embeds the files the binary carries with it: the CJK font
// the UI theme renders Chinese with, and the application icon.
//
// Font is Droid Sans Fallback Full (DroidSansFallbackFull.ttf, Apache License
// 2.0, from the Android Open Source Project), about 4 MB. It covers CJK
// ideographs and punctuation but not Latin; the theme lets Fyne fall back to
// its bundled Latin font for those runes. It is a single-face TrueType file on
// purpose: Fyne 2.7 panics on a TrueType collection (.ttc).
//
// Icon is a 512×512 PNG (a white 付 on WeChat green) referenced by
// FyneApp.toml for `fyne package`.
package assets

import _ "embed" // for go:embed

// Font is the embedded CJK TrueType font (single face).
//
//go:embed DroidSansFallbackFull.ttf
var Font []byte

// FontName is the file name of Font, used as the Fyne resource name.
const FontName = "DroidSansFallbackFull.ttf"

// Icon is the application icon as PNG bytes.
//
//go:embed icon.png
var Icon []byte
