#!/usr/bin/env bash
# xvfb-counter.sh — issue 17's counter checks on the real binary under Xvfb
# (training mode, the sandbox in-process), with keys typed by xdotool:
#
#  1. key 36 at a person's pace, then a keyboard-wedge scan of a payment
#     code (18 digits + Enter, 4 ms apart) without F1: the order charged
#     must be ¥36.00 (3600 fen), and a product barcode burst must not
#     change the amount;
#  2. a scan waiting for the customer's password, the app killed (-9) and
#     started again: recovery finds it PAID and the window shows "while you
#     were away" until F7.
#
#   scripts/xvfb-counter.sh [OUTDIR]     (screenshots, default /tmp/xvfb-counter)
#
# The same checks run in go test as TestRealWindowUnderXvfb (window_xvfb_test.go,
# skipped where Xvfb or xdotool is missing); this script is for a person
# who wants the screenshots. Exits non-zero when a check fails.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/tmp/xvfb-counter}
mkdir -p "$out"
source scripts/deps.sh
install_missing xvfb xauth x11-utils xdotool imagemagick

work=$(mktemp -d)
xvfb_pid="" app_pid=""
source scripts/xvfb.sh
trap cleanup EXIT
start_xvfb
go build -tags no_emoji -o "$work/wxpos" .
mkdir -p "$work/data" "$work/home"

launch() {
	HOME="$work/home" LANG=en_US.UTF-8 "$work/wxpos" --verbose --data "$work/data" >>"$work/app.out" 2>>"$work/app.err" &
	app_pid=$!
	local wid
	wid=$(timeout 30 xdotool search --sync --onlyvisible --name 'wxpos' | head -1)
	xdotool windowfocus --sync "$wid" 2>/dev/null || true
	sleep 3
}
fail() { echo "xvfb-counter: FAIL: $*" >&2; exit 1; }

launch
xdotool type --delay 300 36
xdotool type --delay 4 $'6901234567890\n'
sleep 0.7
import -window root "$out/1-not-a-code.png"
xdotool type --delay 4 $'130001000000000001\n'
sleep 2.5
import -window root "$out/2-scanned.png"
grep -q 'to=SUBMITTING amount_fen=3600 ' "$work/app.err" || fail "the wedge scan did not charge ¥36.00: $(grep -o 'to=SUBMITTING amount_fen=[0-9]*' "$work/app.err")"
[ "$(grep -c 'to=SUBMITTING' "$work/app.err")" = 1 ] || fail "the product barcode started a payment"

xdotool key Return
sleep 0.5
xdotool type --delay 300 12.34
xdotool type --delay 4 $'130002000000000002\n'
sleep 0.8
import -window root "$out/3-password-wait.png"
kill -9 "$app_pid"
wait "$app_pid" 2>/dev/null || true
launch
# Recovery asks WeChat until the customer's password wait ends: wait for
# the answer (up to 30 s), then give the banner a moment to draw.
for _ in $(seq 60); do
	grep -q 'from=WAITING_PASSWORD to=PAID amount_fen=1234 ' "$work/app.err" && break
	sleep 0.5
done
grep -q 'from=WAITING_PASSWORD to=PAID amount_fen=1234 ' "$work/app.err" || fail "recovery did not find the payment paid"
sleep 1
import -window root "$out/4-after-restart.png"
xdotool key F7
sleep 1
import -window root "$out/5-acknowledged.png"
echo "xvfb-counter: ok; screenshots in $out"
