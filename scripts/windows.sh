#!/usr/bin/env bash
# scripts/windows.sh tests|exe|window-exe|window-run|zip [OUTDIR] — the Windows side, on
# Linux: Debian's mingw-w64 cross compiler and Wine 8 (wine64), installed
# when missing.
#
#   tests       builds the test binaries of the packages below for
#               windows/amd64 and runs each under Wine in its package
#               directory; fails if one fails.
#   exe         OUTDIR/wxpos-cli.exe: the headless build (every command, no
#               window; no cgo) with the icon and version resources of
#               FyneApp.toml, checked under Wine with `wxpos version`.
#   window-exe  OUTDIR/wxpos.exe: the cashier window (Fyne, cgo through
#               mingw, -H windowsgui), with the same resources, checked
#               under Wine with `wxpos version`. Slow cold (README,
#               "Install": go-gl's and GLFW's C).
#   window-run  OUTDIR/wxpos.exe (built by window-exe first) as a cashier
#               uses it, under Wine on a private Xvfb (Wine's OpenGL is
#               Mesa's software GLX): training mode, ¥12 keyed at a
#               person's pace, a payment code typed at a keyboard-wedge
#               scanner's 4 ms a key; the sale must be PAID and its
#               receipt shown. Keeps OUTDIR/wine-window.png.
#   zip         OUTDIR/wxpos-VERSION-windows-amd64.zip: both .exe files
#               (built by exe and window-exe first), docs/windows.md as
#               README-windows.md, docs/kiosk.md as README-kiosk.md, and
#               the font's licence.
#
# OUTDIR defaults to dist/. Wine runs in a throwaway prefix with no display.
# Every Wine call has a timeout (coreutils' timeout, then SIGKILL), so a
# hung Wine fails CI instead of holding it to its limit.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/apt.sh
install_missing gcc-mingw-w64-x86-64 wine64
mode=${1:?usage: scripts/windows.sh tests|exe|window-exe|window-run|zip [OUTDIR]}
out=$(realpath -m "${2:-dist}")
mkdir -p "$out"

export GOOS=windows GOARCH=amd64
WINE=${WINE:-$(command -v wine64 || echo /usr/lib/wine/wine64)}
WINESERVER=${WINESERVER:-$(command -v wineserver || echo /usr/lib/wine/wineserver)}
version=$(sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml)
commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
ldflags="-X github.com/wxpos/wxpos/cli.Commit=$commit -X github.com/wxpos/wxpos/cli.BuildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
tmp=$(mktemp -d)
cleanup() {
  if [ -d "$tmp/prefix" ]; then WINEPREFIX="$tmp/prefix" timeout -k 5 60 "$WINESERVER" -k 2>/dev/null || true; fi
  rm -rf "$tmp" rsrc_windows_amd64.syso
}
trap cleanup EXIT

# wine_prefix makes a fresh Wine prefix with the ProcessPrng stand-in (Go
# 1.22+ needs it at start-up; Wine 8 lacks it: scripts/wine/bcryptprimitives.c)
# in its system32, where Go's runtime looks for system DLLs.
wine_prefix() {
  export WINEPREFIX="$tmp/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" DISPLAY=
  timeout -k 10 300 "$WINE" wineboot --init >/dev/null 2>&1
  timeout -k 10 120 "$WINESERVER" -w
  x86_64-w64-mingw32-gcc -shared -O2 -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
    scripts/wine/bcryptprimitives.c -lbcrypt
}

# The packages whose tests run under Wine in CI, with the tests skipped
# there and why (README, "Install": what runs, what is skipped, what is left
# out). A skip names its tests exactly, for what Wine 8 cannot do, or (in
# wechat/sandbox) a Unix-only check in a test.
declare -A wine_skip=(
  # go vet-style source checks that run the go command, which Wine has not.
  [storage]='^(TestNoTransactionInsideATransaction|TestNestedTransactionCheckFinds|TestStatesSpelledOnce|TestStateLiteralCheckFinds|TestOnlyPosWritesOrders|TestOrderWriterCheckFinds)$'
  # (its tests on a fake serial port skip: a Unix pseudo-terminal, none on Windows)
  [scanner]=''
  [config]='' [escpos]='' [tz]='' [logging]='' [catalog]='' [catalogfile]='' [catalogstore]='' [autobackup]=''
  # TestWindowServesCLI: the stand-in window serves the CLI on an AF_UNIX
  # socket, which Wine 8 lacks (winapi error #10047).
  # TestReplicateWaitsForAServerDownAtStart: stops replicate with Ctrl+Break
  # (Windows has no SIGINT to send), and Wine 8's GenerateConsoleCtrlEvent
  # fails with "Invalid access".
  # The other seven start PostgreSQL, a Linux program here (so does the
  # subtest TestRefundCommandOtherCounter/with_the_replica, which skips
  # itself: "PostgreSQL cannot be started here").
  [cli]='^(TestWindowServesCLI|TestReplicateWaitsForAServerDownAtStart|TestNotificationsThroughReplica|TestHQCatalogPull|TestDoctorReplication|TestHQVerifyAndRepair|TestHQEnrol|TestHQJSONAndCSV|TestReplicaFinderCrossTerminal)$'
  [pos]='' [posstore]='' [counter]='' [state]='' [pricing]='' [receipt]='' [notify]='' [paygate]='' [poledisplay]=''
  [recon]='' [recon/live]='' [report]='' [reportstore]='' [shiftstore]='' [staffstore]='' [wechat]='' [wechat/bill]=''
  [internal/csvout]='' [internal/xlsx]='' [internal/ctxtime]='' [internal/ident]='' [internal/latency]='' [internal/pgdsn]=''
  [wechat/sandbox]=''
)
# Packages run with -test.short under Wine, to keep CI's Windows part lean:
# pos's TestCrashSafety (157 s) and TestSoak (2000 payments, 179 s) took
# minutes under Wine at load 15, and sweep faults in-process, nothing
# Windows in them; short, the soak makes 200 payments and the crash and
# concurrency suites skip. In full on Linux.
declare -A wine_short=([pos]=1)

# only_wine_cleanup OUT: true when the only failures in a test binary's
# output are t.TempDir's cleanup meeting Wine 8's "Invalid function": Go
# 1.24+ removes a directory's entries relative to its handle
# (NtSetInformationFile with FileDispositionInformationEx), which Wine 8's
# ntdll does not implement; the tests' own checks all passed. Any other line
# (a failed check, a panic) is a real failure, but for known texts that
# fail nothing (a test's log is printed when it fails): scanner's skip "no
# pseudo-terminals on this platform", storage's fill-factor log "N leaf
# pages, P % used", cli's subtest skipped for want of PostgreSQL, and pos's
# soak summary when nothing was lost, double-charged or left unresolved.
only_wine_cleanup() {
  grep -q 'TempDir RemoveAll cleanup: unlinkat .*: Invalid function\.$' "$1" &&
    ! grep -Ev -e '^ *--- FAIL: ' -e '^FAIL$' -e '^=== ' -e '^ *$' \
      -e 'TempDir RemoveAll cleanup: unlinkat .*: Invalid function\.$' \
      -e '_test\.go:[0-9]*: no pseudo-terminals on this platform$' \
      -e '_test\.go:[0-9]*: [a-z_]*: [0-9]* leaf pages, [0-9]* % used$' \
      -e '_test\.go:[0-9]*: no PostgreSQL for the cross-terminal refund test: PostgreSQL cannot be started here: ' \
      -e '_test\.go:[0-9]*: soak seed=[0-9]*: .* lost=0 double-charged=0 unresolved=0$' "$1" | grep -q .
}

run_tests() {
  local pkgs=() dir bin failed=() start short
  for dir in "${!wine_skip[@]}"; do pkgs+=("./$dir"); done
  CGO_ENABLED=0 go test -c -o "$tmp/bin/" "${pkgs[@]}"
  wine_prefix
  for dir in $(printf '%s\n' "${!wine_skip[@]}" | sort); do
    bin="$tmp/bin/$(basename "$dir").test.exe"
    start=$SECONDS
    # -test.timeout makes a stuck test panic with its stacks; timeout(1)
    # is for a Wine that hangs outside the test binary's control.
    short=false
    [ -z "${wine_short[$dir]:-}" ] || short=true
    if (cd "$dir" && timeout -k 10 660 "$WINE" "$bin" -test.count=1 -test.timeout=10m -test.short=$short \
      -test.skip="${wine_skip[$dir]:-^$}" >"$tmp/out" 2>&1); then
      echo "ok   $dir (wine, $((SECONDS - start))s)"
    elif only_wine_cleanup "$tmp/out"; then
      echo "ok   $dir (wine, $((SECONDS - start))s; $(grep -c 'TempDir RemoveAll cleanup' "$tmp/out") temp dirs left: Wine 8 lacks what Go 1.24+'s RemoveAll calls)"
    else
      echo "FAIL $dir (wine, $((SECONDS - start))s)"
      grep -v '^=== ' "$tmp/out" | tail -60
      failed+=("$dir")
    fi
  done
  if [ ${#failed[@]} -gt 0 ]; then
    echo "windows tests failed under Wine: ${failed[*]}" >&2
    return 1
  fi
}

# syso writes the icon and version resources the Go linker takes from the
# package directory (removed again on exit).
syso() {
  (cd scripts/pack && GOOS= GOARCH= go run . syso -o ../../rsrc_windows_amd64.syso -version "$version")
}

# check_exe EXE: the resources are in it, and Wine runs it.
check_exe() {
  local exe=$1 s
  x86_64-w64-mingw32-objdump -h "$exe" | grep -q '\.rsrc' || { echo "$exe: no resource section" >&2; return 1; }
  s=$(strings -el "$exe")
  for want in "FileVersion" "$version" "wxpos" "WeChat Pay point-of-sale terminal"; do
    grep -qxF "$want" <<<"$s" || { echo "$exe: version resource lacks \"$want\"" >&2; return 1; }
  done
}

# window_run: see window-run above. The window logs to stderr (--verbose);
# each step waits for its line, with a deadline.
window_run() {
  local exe="$out/wxpos.exe" display wid
  [ -x "$exe" ] || { echo "window-run: no $exe (scripts/windows.sh window-exe first)" >&2; return 1; }
  install_missing xvfb xauth xdotool imagemagick
  wine_prefix
  exec 3>"$tmp/displayfd"
  Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
  xvfb_pid=$!
  exec 3>&-
  for _ in $(seq 100); do [ -s "$tmp/displayfd" ] && break; sleep 0.1; done
  display=":$(head -1 "$tmp/displayfd")"
  DISPLAY=$display LANG=en_US.UTF-8 timeout -k 10 600 "$WINE" "$exe" --verbose --data 'C:\wxdata' \
    >"$tmp/app.out" 2>"$tmp/app.err" &
  app_pid=$!
  trap 'kill "$app_pid" "$xvfb_pid" 2>/dev/null || true; cleanup' EXIT
  wait_log "the window to start" 'msg="window started"' 120
  wid=$(DISPLAY=$display timeout 30 xdotool search --sync --onlyvisible --name '^wxpos' | head -1)
  DISPLAY=$display xdotool windowfocus --sync "$wid"
  DISPLAY=$display xdotool type --delay 300 12
  sleep 1
  DISPLAY=$display xdotool type --delay 4 $'130001000000000001\n'
  wait_log "the payment" 'to=PAID amount_fen=1200 ' 60
  wait_log "its receipt" 'msg="receipt shown" .* total_fen=1200' 30
  DISPLAY=$display import -window root "$out/wine-window.png"
  echo "window-run: wxpos.exe under Wine sold ¥12.00 by a wedge scan; screen in $out/wine-window.png"
}

# wait_log WHAT REGEXP SECONDS: the window's log has a line matching REGEXP.
wait_log() {
  local i
  for i in $(seq $(($3 * 10))); do
    grep -Eq "$2" "$tmp/app.err" && return 0
    sleep 0.1
  done
  echo "window-run: no sign of $1 in $3 s; the window's log:" >&2
  cat "$tmp/app.err" >&2
  return 1
}

case $mode in
tests)
  run_tests
  ;;
exe)
  syso
  CGO_ENABLED=0 go build -tags headless -trimpath -ldflags "$ldflags" -o "$out/wxpos-cli.exe" .
  check_exe "$out/wxpos-cli.exe"
  wine_prefix
  timeout -k 10 120 "$WINE" "$out/wxpos-cli.exe" version | tee "$tmp/version"
  grep -q "$commit" "$tmp/version" || { echo "wxpos-cli.exe version: no commit $commit" >&2; exit 1; }
  echo "exe: $out/wxpos-cli.exe ($(du -h "$out/wxpos-cli.exe" | cut -f1)) checked"
  ;;
window-exe)
  syso
  # -O0 -g0 for the C only: nearly all of it is GLFW and go-gl's OpenGL
  # loader, thin wrappers around the driver's calls, where gcc's optimiser
  # gains nothing a till would notice and costs most of a cold build
  # (README, "Install": the numbers).
  CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc CGO_CFLAGS="-O0 -g0" go build -tags no_emoji -trimpath \
    -ldflags "-H=windowsgui $ldflags" -o "$out/wxpos.exe" .
  check_exe "$out/wxpos.exe"
  wine_prefix
  timeout -k 10 120 "$WINE" "$out/wxpos.exe" version | tee "$tmp/version"
  grep -q "$commit" "$tmp/version" || { echo "wxpos.exe version: no commit $commit" >&2; exit 1; }
  echo "window exe: $out/wxpos.exe ($(du -h "$out/wxpos.exe" | cut -f1)) checked"
  ;;
window-run)
  window_run
  ;;
zip)
  zip="$out/wxpos-$version-windows-amd64.zip"
  (cd scripts/pack && GOOS= GOARCH= go run . zip -o "$zip" wxpos.exe="$out/wxpos.exe" \
    wxpos-cli.exe="$out/wxpos-cli.exe" README-windows.md=../../docs/windows.md README-kiosk.md=../../docs/kiosk.md \
    NOTICE.txt=../../assets/NOTICE LICENSE-DroidSansFallback.txt=../../assets/LICENSE-DroidSansFallback.txt)
  echo "zip: $zip ($(du -h "$zip" | cut -f1))"
  ;;
*)
  echo "usage: scripts/windows.sh tests|exe|window-exe|window-run|zip [OUTDIR]" >&2
  exit 2
  ;;
esac
