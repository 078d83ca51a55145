#!/usr/bin/env bash
# xvfb-items.sh — issue 22's counter check on the real binary under Xvfb
# (training mode, the sandbox in-process), keys typed by xdotool:
#
#   scan three items with the keyboard wedge (4 ms a key), the first
#   twice; select the bread and make it 3 (key 3, then *); discount the
#   towel 50 % — above the cashier's 10 % — with the manager's PIN; pay by
#   scanning a payment code. The order must be charged the discounted
#   total, and the receipt and the Z report must show the lines and the
#   discount.
#
#   scripts/xvfb-items.sh [OUTDIR]   (screenshots and texts, default /tmp/xvfb-items)
#
# DISPLAY picks the Xvfb display (default :84). Exits non-zero when a check fails.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/tmp/xvfb-items}
mkdir -p "$out"
export DISPLAY=${DISPLAY:-:84}
work=$(mktemp -d)
xvfb_pid="" app_pid=""
cleanup() {
	[ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
	[ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
Xvfb "$DISPLAY" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
CGO_ENABLED=1 go build -tags no_emoji -o "$work/wxpos" .
mkdir -p "$work/data" "$work/home" "$work/cfg"
export HOME="$work/home" XDG_CONFIG_HOME="$work/cfg" LANG=en_US.UTF-8
wx() { "$work/wxpos" --data "$work/data" "$@"; }
fail() { echo "xvfb-items: FAIL: $*" >&2; cp "$work/app.err" "$out/" 2>/dev/null || true; exit 1; }

printf '2468\n2468\n' | wx staff setup Wang >/dev/null
cat >"$work/items.csv" <<'CSV'
id,name,name_en,price,barcodes,category
C1,可口可乐 330ml,Cola 330ml,3.50,6901939621233,饮料
B1,全麦面包,Wholemeal bread,12.50,6900000000014,食品
T1,纯棉毛巾,Cotton towel,30.00,6900000000021,日用

category,colour,order
饮料,#3366FF,1
食品,#FF9900,2
日用,#33AA55,3
CSV
echo 2468 | wx catalog import "$work/items.csv" --manager Wang >"$out/import.txt" || fail "import: $(cat "$out/import.txt")"

"$work/wxpos" --verbose --data "$work/data" >>"$work/app.out" 2>>"$work/app.err" &
app_pid=$!
wid=$(timeout 30 xdotool search --sync --onlyvisible --name 'wxpos' | head -1)
xdotool windowfocus --sync "$wid" 2>/dev/null || true
sleep 3
shot() { sleep "${2:-0.8}"; import -window root "$out/$1.png"; }

for code in 6901939621233 6900000000014 6901939621233 6900000000021; do
	xdotool type --delay 4 "$code"$'\n'
	sleep 0.6
done
shot 1-three-items
xdotool key Up
xdotool type --delay 300 '3*'
shot 2-bread-times-3
xdotool key Down F4
sleep 1.5
# A person types at 300 ms a key (faster, a loaded machine's stalls bunch
# keys into what looks like a scan); Enter is the Return key (xdotool
# types "\n" as Linefeed).
xdotool type --delay 300 50; xdotool key Return
sleep 0.5
xdotool type --delay 300 sample; xdotool key Return
shot 3-manager-pin 2
xdotool type --delay 300 Wang; xdotool key Return
sleep 0.5
xdotool type --delay 300 2468; xdotool key Return
shot 4-discounted 1.5
xdotool type --delay 4 $'130001000000000001\n'
shot 5-receipt 3
# 2 × 3.50 + 3 × 12.50 + 30.00 − 15.00 = 59.50
grep -q 'to=SUBMITTING amount_fen=5950 ' "$work/app.err" || fail "not charged ¥59.50: $(grep -o 'to=SUBMITTING amount_fen=[0-9]*' "$work/app.err")"
grep -q 'to=PAID' "$work/app.err" || fail "not paid"
grep -o 'line 3 discount[^;"]*' "$work/app.err" | head -1 >"$out/audit.txt"
grep -q 'approved by Wang (sample)' "$out/audit.txt" || fail "the discount's audit: $(cat "$out/audit.txt")"
kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=""

echo 2468 | wx report z --close --manager Wang --lang zh >"$out/z.txt" || fail "z: $(cat "$out/z.txt")"
grep -q '原价合计' "$out/z.txt" && grep -q '折扣优惠' "$out/z.txt" || fail "the Z has no gross and discounts"
echo "xvfb-items: ok; screenshots and texts in $out"
