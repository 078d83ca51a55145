#!/usr/bin/env bash
# scripts/deb.sh [OUTDIR] — builds the Linux window binary and its .deb
# (packaging/nfpm.yaml, through scripts/pack), then checks the package the
# way a clean machine would see it: unpacked with dpkg-deb -x into an empty
# root, it must hold the binary, the desktop entry and the icon; the binary
# must run (`wxpos version`); and every shared library the binary names
# (its ELF NEEDED entries) must come from a package the .deb's Depends
# lists. Exits non-zero on the first failed check. OUTDIR defaults to dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
out=$(realpath -m "${1:-dist}")
mkdir -p "$out"
version=$(sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml)
commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
ldflags="-X github.com/wxpos/wxpos/cli.Commit=$commit -X github.com/wxpos/wxpos/cli.BuildDate=$date"

go build -tags no_emoji -trimpath -ldflags "$ldflags" -o "$out/wxpos" .
deb="$out/wxpos_${version}_amd64.deb"
(cd scripts/pack && go run . deb -o "$deb" -bin "$out/wxpos" -version "$version")

fail() { echo "deb check: $*" >&2; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dpkg-deb -I "$deb"
dpkg-deb -x "$deb" "$root"
for f in usr/bin/wxpos usr/share/applications/io.github.wxpos.desktop \
  usr/share/icons/hicolor/512x512/apps/io.github.wxpos.png usr/lib/systemd/user/wxpos.service \
  usr/share/doc/wxpos/README.Debian; do
  [ -s "$root/$f" ] || fail "$f missing from the package"
done
[ -x "$root/usr/bin/wxpos" ] || fail "usr/bin/wxpos is not executable"
grep -qx 'Exec=wxpos' "$root/usr/share/applications/io.github.wxpos.desktop" || fail "the desktop entry does not run wxpos"
grep -qx 'Icon=io.github.wxpos' "$root/usr/share/applications/io.github.wxpos.desktop" || fail "the desktop entry names another icon"
head -c 8 "$root/usr/share/icons/hicolor/512x512/apps/io.github.wxpos.png" | od -An -c | grep -q 'P   N   G' || fail "the icon is not a PNG"
# (not `tee /dev/stderr`: with stderr sent to a file, tee reopens it and
# truncates what CI logged before.)
v=$("$root/usr/bin/wxpos" version) || fail "the packaged binary does not run"
echo "$v"
grep -q "$commit" <<<"$v" || fail "the packaged binary's version does not name commit $commit"

# owner PATH prints the package that installed PATH, whichever of its
# spellings dpkg recorded (/lib or /usr/lib, the link or its target).
owner() {
  local p real
  real=$(realpath "$1")
  for p in "$1" "$real" "${1#/usr}" "/usr$1" "${real#/usr}" "/usr$real"; do
    dpkg -S "$p" 2>/dev/null | head -1 | cut -d: -f1 | grep . && return 0
  done
  return 0
}

# Each NEEDED library → the Debian package that holds it → must be in Depends.
depends=$(dpkg-deb --field "$deb" Depends)
echo "Depends: $depends"
for lib in $(objdump -p "$root/usr/bin/wxpos" | awk '$1 == "NEEDED" {print $2}'); do
  path=$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64/ {print $NF; exit}')
  [ -n "$path" ] || fail "$lib: not found on this machine"
  pkg=$(owner "$path")
  [ -n "$pkg" ] || fail "$lib: no package owns $path"
  grep -Eq "(^|, )$pkg( |,|$)" <<<"$depends" || fail "$lib is in $pkg, which Depends does not list"
  echo "needs $lib: $pkg, declared"
done
echo "deb: $deb ($(du -h "$deb" | cut -f1)) checked"
