#!/usr/bin/env bash
# scripts/deb.sh [OUTDIR] — builds the Linux binaries and their .deb
# (packaging/nfpm.yaml, through scripts/pack): the headless build as
# /usr/bin/wxpos and the desktop build as /usr/lib/wxpos/wxpos-window. Then
# it checks the package the way a clean machine would see it: unpacked with
# dpkg-deb -x into an empty root, it must hold both binaries, the desktop
# entry and the icon; both must run (`wxpos version`); /usr/bin/wxpos must
# be static and hand `wxpos` alone to the window (which, with no display,
# says so); and every shared library the window binary names (its ELF
# NEEDED entries) must come from a package the .deb's Depends lists.
# Exits non-zero on the first failed check. OUTDIR defaults to dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
out=$(realpath -m "${1:-dist}")
mkdir -p "$out"
version=$(sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml)
commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
ldflags="-X github.com/wxpos/wxpos/cli.Commit=$commit -X github.com/wxpos/wxpos/cli.BuildDate=$date"

CGO_ENABLED=0 go build -tags headless -trimpath -ldflags "$ldflags" -o "$out/wxpos" .
go build -tags no_emoji -trimpath -ldflags "$ldflags" -o "$out/wxpos-window" .
deb="$out/wxpos_${version}_amd64.deb"
(cd scripts/pack && go run . deb -o "$deb" -bin "$out/wxpos" -window "$out/wxpos-window" -version "$version")

fail() { echo "deb check: $*" >&2; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dpkg-deb -I "$deb"
dpkg-deb -x "$deb" "$root"
for f in usr/bin/wxpos usr/lib/wxpos/wxpos-window usr/share/applications/io.github.wxpos.desktop \
  usr/share/icons/hicolor/512x512/apps/io.github.wxpos.png usr/lib/systemd/user/wxpos.service \
  usr/share/doc/wxpos/README.Debian; do
  [ -s "$root/$f" ] || fail "$f missing from the package"
done
[ -x "$root/usr/bin/wxpos" ] || fail "usr/bin/wxpos is not executable"
[ -x "$root/usr/lib/wxpos/wxpos-window" ] || fail "usr/lib/wxpos/wxpos-window is not executable"
grep -qx 'Exec=wxpos' "$root/usr/share/applications/io.github.wxpos.desktop" || fail "the desktop entry does not run wxpos"
grep -qx 'Icon=io.github.wxpos' "$root/usr/share/applications/io.github.wxpos.desktop" || fail "the desktop entry names another icon"
head -c 8 "$root/usr/share/icons/hicolor/512x512/apps/io.github.wxpos.png" | od -An -c | grep -q 'P   N   G' || fail "the icon is not a PNG"
# (not `tee /dev/stderr`: with stderr sent to a file, tee reopens it and
# truncates what CI logged before.)
for b in usr/bin/wxpos usr/lib/wxpos/wxpos-window; do
  v=$("$root/$b" version) || fail "$b does not run"
  echo "$v"
  grep -q "$commit" <<<"$v" || fail "$b's version does not name commit $commit"
done
objdump -p "$root/usr/bin/wxpos" | grep -q NEEDED && fail "usr/bin/wxpos needs shared libraries; want the static headless build"
# `wxpos` alone is the window's: with no display, the window binary's one line.
hand=$(env -u DISPLAY -u WAYLAND_DISPLAY HOME="$root/home" XDG_CONFIG_HOME="$root/home" "$root/usr/bin/wxpos" 2>&1) && fail "wxpos with no display exited 0"
grep -q "no display: the window needs a desktop session" <<<"$hand" || fail "wxpos alone did not start the window binary: $hand"

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
for lib in $(objdump -p "$root/usr/lib/wxpos/wxpos-window" | awk '$1 == "NEEDED" {print $2}'); do
  path=$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64/ {print $NF; exit}')
  [ -n "$path" ] || fail "$lib: not found on this machine"
  pkg=$(owner "$path")
  [ -n "$pkg" ] || fail "$lib: no package owns $path"
  grep -Eq "(^|, )$pkg( |,|$)" <<<"$depends" || fail "$lib is in $pkg, which Depends does not list"
  echo "needs $lib: $pkg, declared"
done
echo "deb: $deb ($(du -h "$deb" | cut -f1)) checked"
