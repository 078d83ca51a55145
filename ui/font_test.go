package ui

import (
	"bytes"
	"testing"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"github.com/go-text/typesetting/font"

	"github.com/wxpos/wxpos/assets"
)

// TestEmbeddedFontCoversCatalogue fails when a translation uses a rune that
// neither the embedded CJK subset nor Fyne's bundled Latin fonts can draw:
// on a machine without CJK fonts it would render as a box. The fix is to
// rerun scripts/subset-font.sh, which keeps every rune used in ui/*.go.
func TestEmbeddedFontCoversCatalogue(t *testing.T) {
	faces := []*font.Face{
		parseFace(t, fyne.NewStaticResource(assets.FontName, assets.Font)),
		parseFace(t, theme.DefaultTextFont()),
		parseFace(t, theme.DefaultTextBoldFont()),
	}
	tables := map[string]map[msg]translation{
		"messages":              messages,
		"managerMessages":       managerMessages,
		"refundForeignMessages": refundForeignMessages,
		"reconMessages":         reconMessages,
		"errorMessages":         errorMessages,
		"auditMessages":         auditMessages,
	}
	missing := map[rune]string{}
	for name, table := range tables {
		for k, tr := range table {
			for _, r := range tr.zh + tr.en {
				if unicode.IsControl(r) || r == ' ' {
					continue
				}
				if !drawable(faces, r) {
					missing[r] = name + "[" + string(k) + "]"
				}
			}
		}
	}
	for r, where := range missing {
		t.Errorf("%q (U+%04X) in %s has no glyph in %s or Fyne's fonts", r, r, where, assets.FontName)
	}
}

// TestEmbeddedFontIsASubset pins what the subset is for: it draws everyday
// Chinese and receipt symbols, and it is small (see package assets). The
// space must stay: without it the shaper gives the space inside a Chinese
// run the width of two ideographs.
func TestEmbeddedFontIsASubset(t *testing.T) {
	cjk := parseFace(t, fyne.NewStaticResource(assets.FontName, assets.Font))
	for _, r := range " 微信支付收款退款余额不足训练模式￥，。：（）、" {
		if _, ok := cjk.NominalGlyph(r); !ok {
			t.Errorf("%q (U+%04X) missing from %s", r, r, assets.FontName)
		}
	}
	if n := len(assets.Font); n > 1_500_000 {
		t.Errorf("%s is %d bytes; the GB2312 subset is about 1 MB (scripts/subset-font.sh)", assets.FontName, n)
	}
}

func parseFace(t *testing.T, res fyne.Resource) *font.Face {
	t.Helper()
	f, err := font.ParseTTF(bytes.NewReader(res.Content()))
	if err != nil {
		t.Fatalf("parse %s: %v", res.Name(), err)
	}
	return f
}

func drawable(faces []*font.Face, r rune) bool {
	for _, f := range faces {
		if _, ok := f.NominalGlyph(r); ok {
			return true
		}
	}
	return false
}
