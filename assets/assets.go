// Package assets embeds the files the binary carries with it: the CJK font
// the UI theme renders Chinese with, and the application icon.
//
// Font is a GB2312 subset of Droid Sans Fallback Full (Apache License 2.0,
// from the Android Open Source Project via Debian; see NOTICE), about 1 MB,
// made by scripts/subset-font.sh. The subset exists for memory: Fyne parses
// the theme font once per text style and keeps every glyph outline, 16 MB of
// heap per style for the full 4 MB font against about 4 MB for this one.
// It has CJK ideographs and punctuation but no Latin; the theme lets Fyne
// fall back to its bundled Latin font for those runes. It is a single-face
// TrueType file on purpose: Fyne 2.7 panics on a TrueType collection (.ttc).
//
// Icon is a 512×512 PNG (a white 付 on WeChat green) referenced by
// FyneApp.toml for `fyne package`.
package assets

import _ "embed" // for go:embed

// Font is the embedded CJK TrueType font (single face).
//
//go:embed DroidSansFallback-GB2312.ttf
var Font []byte

// FontName is the file name of Font, used as the Fyne resource name.
const FontName = "DroidSansFallback-GB2312.ttf"

// Icon is the application icon as PNG bytes.
//
//go:embed icon.png
var Icon []byte
