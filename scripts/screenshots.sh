#!/usr/bin/env bash
# screenshots.sh — run the wxpos binary under Xvfb in training mode (no
# merchant configured: real payment core, real WeChat client, the sandbox
# in-process), walk the main screens with real keystrokes (xdotool) and
# save PNGs.
#
#   scripts/screenshots.sh [OUTDIR]        (default: screenshots/)
#   SOAK=1000 scripts/screenshots.sh       also rings up 1000 sales by keyboard
#                                          afterwards and reports the app's RSS
#
# Needs Xvfb, xdotool, ImageMagick (import) and curl; installs them with apt
# when missing, like the build packages (scripts/deps.sh).
# Also prints the cold start, process start to the window being mapped, for a
# first launch (sandbox keys generated) and a second one (keys on disk, as
# every later day starts). HOME points at a scratch directory so no real
# configuration is read.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-screenshots}
mkdir -p "$out"

source scripts/deps.sh
install_missing xvfb xauth x11-utils xdotool imagemagick curl

work=$(mktemp -d)
xvfb_pid="" app_pid=""
source scripts/xvfb.sh
trap cleanup EXIT
start_xvfb

echo "screenshots: building"
go build -tags no_emoji -o "$work/wxpos" .  # as scripts/run.sh builds it
mkdir -p "$work/data" "$work/home"

now_ms() { date +%s%3N; }

# launch starts the app and waits for its window; it sets app_pid, wid and
# sandbox (the embedded sandbox's base URL, for its control API).
launch() {
	local t0 t1
	t0=$(now_ms)
	HOME="$work/home" LANG=en_US.UTF-8 "$work/wxpos" --verbose --data "$work/data" >"$work/app.out" 2>"$work/app.err" &
	app_pid=$!
	wid=$(timeout 30 xdotool search --sync --onlyvisible --name 'wxpos' | head -1)
	t1=$(now_ms)
	echo "screenshots: $1: window mapped after $((t1 - t0)) ms"
	xdotool windowfocus --sync "$wid" 2>/dev/null || true
	sandbox=$(sed -n 's/.*training sandbox listening.*base_url=\([^ ]*\).*/\1/p' "$work/app.err" | tail -1)
	[ -n "$sandbox" ] || { echo "screenshots: no training sandbox in the log (is a merchant configured?)" >&2; exit 1; }
}

stop_app() {
	kill "$app_pid" 2>/dev/null || true
	wait "$app_pid" 2>/dev/null || true
	app_pid=""
}

shot() { # name [settle seconds]
	sleep "${2:-0.8}"
	import -window "$wid" "$out/$1.png"
	echo "screenshots: $out/$1.png"
}
keys() { xdotool key --delay "${KEY_DELAY:-60}" "$@"; }
# typ types at a person's pace: faster than ui/keyburst.go's 35 ms gap is a
# scanner's burst, which the window rightly keeps out of the amount.
typ() { xdotool type --delay "${KEY_DELAY:-120}" "$1"; }
# scan types like a keyboard-wedge scanner (4 ms a key).
scan() { xdotool type --delay 4 "$1"; }
# code SCENARIO-PREFIX: a fresh 18-digit sandbox payment code.
code() { printf '%s%06d%06d' "$1" $((RANDOM % 1000000)) $((RANDOM % 1000000)); }

launch "first launch (sandbox keys generated)"
stop_app
launch "second launch"

typ "128.5+36";                                   shot 01-sale
keys F1;                                          shot 02-scan
scan "$(code 130002)"; keys Return;                shot 03-scan-password 1.5
sleep 5;                                          shot 04-receipt
keys Return
typ "58"; keys F1; scan "$(code 130004)"; keys Return; shot 05-scan-notenough 1.5
keys Escape Escape
typ "23"; keys F2;                                shot 06-qr 1.5
keys Escape; sleep 1.5; keys Return
keys Escape; typ "12.5"; keys F3; typ "100";     shot 07-cash
keys Return; sleep 1; keys Return
curl -fsS -X POST -d '{"drop":"after","count":-1}' "$sandbox/sandbox/faults" >/dev/null
typ "66"; keys F1; scan "$(code 130001)"; keys Return; shot 08-unknown 4
curl -fsS -X DELETE "$sandbox/sandbox/faults" >/dev/null
keys F4; sleep 3; keys Return
keys F5;                                          shot 09-history 1.2
keys Escape
# English: settings (F9), then the "English" radio button.
keys F9; sleep 0.8
xdotool mousemove --window "$wid" 70 220 click 1 2>/dev/null || true
sleep 0.5; typ "9.9";                             shot 10-sale-en
keys F1;                                          shot 11-scan-en
keys Escape

rss() { awk '/^VmRSS/ {printf "%.1f MB", $2/1024}' "/proc/$app_pid/status"; }
# breakdown: where the RSS lives, so the GL driver's share (Mesa's llvmpipe
# on a machine without a GPU) can be told from wxpos's own.
breakdown() {
	awk -v bin="$work/wxpos" '
		/^[0-9a-f]+-[0-9a-f]+ / { name = (NF >= 6) ? $6 : "" }
		/^Rss:/ {
			k = "other files"
			if (name == "") k = "anonymous (Go heap, GL buffers)"
			else if (name == "[heap]") k = "C heap (Mesa, GLFW, X11)"
			else if (name == bin) k = "wxpos binary"
			else if (name ~ /libLLVM|dri\//) k = "Mesa llvmpipe and LLVM code"
			r[k] += $2
		}
		END { for (k in r) printf "screenshots:   %7.1f MB  %s\n", r[k] / 1024, k }' "/proc/$app_pid/smaps" | sort -k2 -rn
}
if [ -n "${SOAK:-}" ]; then
	echo "screenshots: soak: $SOAK sales (two cash, one scan in three); RSS before $(rss)"
	export KEY_DELAY=8
	for i in $(seq "$SOAK"); do
		keys Escape Escape
		if [ $((i % 3)) -eq 0 ]; then
			typ "$((i % 200 + 1))"; keys F1; scan "$(code 130001)"; keys Return
		else
			typ "12.5"; keys F3; typ "20"; keys Return
		fi
		sleep 0.25; keys Return
		[ $((i % 100)) -eq 0 ] && echo "screenshots: soak: $i sales, RSS $(rss)"
	done
	echo "screenshots: soak: RSS after $SOAK sales $(rss); waiting 70 s for Fyne's renderer cache to expire"
	sleep 70
	echo "screenshots: soak: RSS after idle $(rss), of which:"
	breakdown
fi
stop_app
echo "screenshots: done ($out)"
