#!/usr/bin/env bash
# scripts/ci-package.sh [OUTDIR] — what CI builds and checks after the test
# suite (.ci/run runs it after scripts/test.sh): the .deb, checked unpacked
# in an empty root (scripts/deb.sh); the Windows test binaries run under
# Wine; both Windows .exe files (the window, and the headless commands)
# with icon and version resources, the window .exe selling under Wine on
# Xvfb, and the zip a store unpacks (scripts/windows.sh). Prints how long each step took. OUTDIR (default
# dist/) receives wxpos_VERSION_amd64.deb, wxpos.exe, wxpos-cli.exe and
# wxpos-VERSION-windows-amd64.zip.
#
# The window .exe is the slow step cold: GLFW's and go-gl's C through mingw,
# about 9 CPU-minutes (README, "Install").
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-dist}")
mkdir -p "$out"

timings=()
step() {
  local name=$1 start=$SECONDS
  shift
  echo "== $name"
  "$@"
  timings+=("$(printf '%-28s %4ds' "$name" $((SECONDS - start)))")
  echo "== $name: $((SECONDS - start))s"
}

step "deb: build and check" scripts/deb.sh "$out"
step "windows: tests under Wine" scripts/windows.sh tests "$out"
step "windows: headless .exe" scripts/windows.sh exe "$out"
step "windows: window .exe" scripts/windows.sh window-exe "$out"
step "windows: a sale in the .exe" scripts/windows.sh window-run "$out"
step "windows: zip" scripts/windows.sh zip "$out"

echo "ci-package: all steps passed"
printf '  %s\n' "${timings[@]}"
ls -l "$out"
