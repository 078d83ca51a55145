#!/usr/bin/env bash
# scripts/ci-package.sh [OUTDIR] — what CI builds and checks after the test
# suite (.ci/run runs it after scripts/test.sh): the .deb, checked unpacked
# in an empty root (scripts/deb.sh); the Windows test binaries run under
# Wine; the headless Windows .exe with icon and version resources
# (scripts/windows.sh). Prints how long each step took. OUTDIR (default
# dist/) receives wxpos_VERSION_amd64.deb and wxpos-cli.exe.
#
# The Windows window .exe (scripts/windows.sh window-exe) is not built here:
# cold, its C (GLFW and go-gl through mingw) costs more than CI can spare;
# README, "Install", has the numbers.
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

echo "ci-package: all steps passed"
printf '  %s\n' "${timings[@]}"
ls -l "$out"
