#!/usr/bin/env bash
# subset-font.sh — regenerates assets/DroidSansFallback-GB2312.ttf, the CJK
# font the cashier theme embeds, from Debian's fonts-droid-fallback package.
#
# Why a subset: Fyne parses the theme font once per text style in use and
# go-text keeps every glyph's outline in memory. The full Droid Sans Fallback
# (49 382 glyphs, 4 MB) costs 16 MB of Go heap per style; the GB2312 subset
# (~8 800 code points) costs about 4 MB. GB2312's 6 763 hanzi cover everyday
# simplified Chinese; a rarer character (some names) falls back to whatever
# CJK font the machine has, through Fyne's system-font lookup.
#
# Kept: the space (the shaper needs it inside a Chinese run), every GB2312
# character, the punctuation, symbol, box-drawing and
# full-width blocks a receipt or a price can use, and every non-ASCII rune in
# ui/*.go, so nothing the catalogue says can be lost by a rerun.
# ui's TestEmbeddedFontCoversCatalogue fails when a translation uses a rune
# the font lacks: rerun this script after adding one.
#
# Needs python3-fonttools and fonts-droid-fallback (installed with apt when
# missing). Output is byte-for-byte reproducible for a given fonttools.
set -euo pipefail
cd "$(dirname "$0")/.."

src=/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf
out=assets/DroidSansFallback-GB2312.ttf

source scripts/apt.sh
install_missing fonts-droid-fallback python3-fonttools

list=$(mktemp)
trap 'rm -f "$list"' EXIT

/usr/bin/python3 - "$list" ui/*.go <<'EOF'
import sys

out, sources = sys.argv[1], sys.argv[2:]
keep = set()
for cp in range(0x20, 0x10000):
    if 0xD800 <= cp <= 0xDFFF:
        continue
    try:
        chr(cp).encode("gb2312")
        keep.add(cp)
    except UnicodeEncodeError:
        pass
blocks = [
    (0x2000, 0x206F),  # general punctuation
    (0x20A0, 0x20BF),  # currency symbols
    (0x2100, 0x214F),  # letterlike symbols (№, ℃)
    (0x2150, 0x218F),  # number forms (Ⅻ)
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # mathematical operators
    (0x2460, 0x24FF),  # enclosed alphanumerics (①)
    (0x2500, 0x25FF),  # box drawing, blocks, geometric shapes
    (0x2600, 0x26FF),  # miscellaneous symbols (★, ☎)
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3200, 0x32FF),  # enclosed CJK letters (㈠)
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # half- and full-width forms (￥)
]
for lo, hi in blocks:
    keep.update(range(lo, hi + 1))
for path in sources:
    if path.endswith("_test.go"):
        continue
    with open(path, encoding="utf-8") as f:
        keep.update(ord(c) for c in f.read() if ord(c) > 0x7F)
with open(out, "w") as f:
    f.write("\n".join("U+%04X" % cp for cp in sorted(keep)) + "\n")
EOF

# Hinting is dropped: Fyne's rasteriser never runs TrueType instructions.
/usr/bin/python3 -m fontTools.subset "$src" \
	--unicodes-file="$list" \
	--output-file="$out" \
	--layout-features='' --drop-tables+=vhea,vmtx \
	--name-IDs='*' --name-languages='*' --name-legacy \
	--notdef-outline --no-hinting --no-recalc-timestamp

echo "subset-font: $out ($(stat -c %s "$out") bytes)"
