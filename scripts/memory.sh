#!/usr/bin/env bash
# memory.sh — the terminal's resident memory (RSS) under Xvfb beside a
# minimal Fyne window (internal/minwindow: one window, one label) on the
# same display in the same run:
#
#   1. the minimal window, settled;
#   2. wxpos on fresh training books, settled after start;
#   3. after KEYED cash sales keyed into the window (amount, F3 cash, F3
#      exact, Enter, Enter for the next sale) at a person's pace;
#   4. the window closed, SALES scan sales recorded on the same books by
#      the command line's pay (internal/seedsales, one process), the
#      window started again on them;
#   5. with history open (F5: today's sales, all of them), after leaving
#      it (Esc), and after a second opening and leaving.
#
#   scripts/memory.sh [SALES [KEYED]]   (default 1000 and 30; DISPLAY_NUM, default :85)
#
# Prints one table: RSS in MiB and its ratio to the minimal window. The
# goal (issue 17) is ≤ 1.3× after the sales and after history.
set -euo pipefail
cd "$(dirname "$0")/.."
sales=${1:-1000}
keyed=${2:-30}
display=${DISPLAY_NUM:-:85}
settle=${SETTLE:-6}
source scripts/deps.sh
install_missing xvfb x11-utils xdotool

work=$(mktemp -d)
xvfb_pid="" app_pid=""
source scripts/xvfb.sh
trap cleanup EXIT
export DISPLAY=$display
Xvfb "$DISPLAY" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
go build -tags no_emoji -o "$work/wxpos" .
go build -o "$work/minwindow" ./internal/minwindow
go build -o "$work/seedsales" ./internal/seedsales
mkdir -p "$work/data" "$work/home" "$work/cfg"

rss() { awk '/^VmRSS/ {printf "%.1f", $2/1024}' "/proc/$app_pid/status"; }
# start NAME CMD… starts a window and waits until it is shown and settled.
start() {
	local name=$1
	shift
	HOME="$work/home" XDG_CONFIG_HOME="$work/cfg" LANG=en_US.UTF-8 "$@" >>"$work/app.out" 2>>"$work/app.err" &
	app_pid=$!
	wid=$(timeout 30 xdotool search --sync --onlyvisible --name "$name" | head -1)
	xdotool windowfocus --sync "$wid" 2>/dev/null || true
	sleep "$settle"
}
stop() { kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=""; }

declare -a rows
row() { rows+=("$1|$2"); }

start minwindow "$work/minwindow"
base=$(rss)
row "minimal Fyne window" "$base"
stop

start wxpos "$work/wxpos" --verbose --data "$work/data"
row "wxpos after start" "$(rss)"
# Keys 60 ms apart: slower than a keyboard-wedge scanner, so they are a
# person's keys, not a scan.
for i in $(seq "$keyed"); do
	xdotool type --delay 60 "$((i % 90 + 1))"
	xdotool key --delay 60 F3 F3 Return
	sleep 0.15
	xdotool key Return
done
sleep "$settle"
paid=$(grep -c 'to=PAID' "$work/app.err" || true)
row "wxpos after $keyed sales keyed ($paid paid)" "$(rss)"
stop

HOME="$work/home" XDG_CONFIG_HOME="$work/cfg" "$work/seedsales" -n "$sales" -- --data "$work/data"
start wxpos "$work/wxpos" --verbose --data "$work/data"
row "wxpos started on $((sales + paid)) sales" "$(rss)"
xdotool key F5
sleep "$settle"
row "wxpos with history open" "$(rss)"
xdotool key Escape Escape
sleep "$settle"
row "wxpos after leaving history" "$(rss)"
xdotool key F5
sleep "$settle"
xdotool key Escape Escape
sleep "$settle"
row "wxpos after history a second time" "$(rss)"
stop

printf '%-40s %9s %7s\n' "" "RSS MiB" "ratio"
for r in "${rows[@]}"; do
	printf '%-40s %9s %7s\n' "${r%%|*}" "${r##*|}" "$(awk -v a="${r##*|}" -v b="$base" 'BEGIN {printf "%.2f", a/b}')"
done
