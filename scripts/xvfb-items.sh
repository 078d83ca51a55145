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
#   scripts/xvfb-items.sh [OUTDIR [zh|en]]   (screenshots and texts, default
#                                            /tmp/xvfb-items, zh)
#
# zh runs the window with ui.locale zh-CN and LANG=zh_CN.UTF-8, en with
# ui.locale en and LANG=en_US.UTF-8. The receipt goes to a printer that is
# a file (usb:FILE), F6 prints it, and its text is kept as receipt.txt; the
# Z report (closed with the manager's PIN) and the day's sales by item are
# kept as z.txt and items.txt. Screenshots are of the window (1024×720).
#
# DISPLAY picks the Xvfb display (default :84). Exits non-zero when a check fails.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/tmp/xvfb-items}
lang=${2:-zh}
case $lang in
zh) locale=zh-CN LANG=zh_CN.UTF-8 names=('可口可乐 330ml' '全麦面包' '纯棉毛巾') ;;
en) locale=en LANG=en_US.UTF-8 names=('Cola 330ml' 'Wholemeal bread' 'Cotton towel') ;;
*) echo "xvfb-items: language zh or en, not $lang" >&2; exit 2 ;;
esac
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
export HOME="$work/home" XDG_CONFIG_HOME="$work/cfg" LANG
: >"$work/printer.bin"
cat >"$work/config.toml" <<TOML
[printer]
target = "usb:$work/printer.bin"
width = 80

[ui]
locale = "$locale"
TOML
wx() { "$work/wxpos" --config "$work/config.toml" --data "$work/data" "$@"; }
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
# A till with staff sells only under a cashier signed in: Wang opens the shift.
echo 2468 | wx shift open --cashier Wang --float 0 >/dev/null || fail "shift open"

"$work/wxpos" --config "$work/config.toml" --data "$work/data" --verbose >>"$work/app.out" 2>>"$work/app.err" &
app_pid=$!
wid=$(timeout 30 xdotool search --sync --onlyvisible --name 'wxpos' | head -1)
xdotool windowfocus --sync "$wid" 2>/dev/null || true
sleep 3
shot() { sleep "${2:-0.5}"; import -window "$wid" "$out/$1.png"; }
# waitlog waits (up to 60 s) for a line of the window's log matching the
# extended regular expression $1: each step waits for the screen it needs,
# so a loaded machine makes the run slower, not wrong.
waitlog() {
	for _ in $(seq 600); do grep -Eq -- "$1" "$work/app.err" && return 0; sleep 0.1; done
	fail "no log line like $1 in 60 s"
}
shown='msg="sale lines shown"'

for code in 6901939621233 6900000000014 6901939621233 6900000000021; do
	xdotool type --delay 4 "$code"$'\n'
	sleep 0.3
done
waitlog "$shown lines=3 selected=3 qty=1 total_fen=4950 "
shot 1-three-items
# A person types at 300 ms a key (faster, a loaded machine's stalls bunch
# keys into what looks like a scan); Enter is the Return key (xdotool
# types "\n" as Linefeed).
xdotool key Up
xdotool type --delay 300 '3*'
waitlog "$shown lines=3 selected=2 qty=3 total_fen=7450 "
shot 2-bread-times-3
xdotool key Down F4
waitlog 'msg="discount form shown" line=3 whole=false'
xdotool type --delay 300 50; xdotool key Return
sleep 0.5
xdotool type --delay 300 sample
shot 3-discount-form
xdotool key Return
waitlog 'msg="manager PIN asked" action=discount amount_fen=1500'
xdotool type --delay 300 Wang
shot 4-manager-pin
xdotool key Return
sleep 0.5
xdotool type --delay 300 2468; xdotool key Return
waitlog "$shown lines=3 selected=3 qty=1 total_fen=5950 discount_fen=1500"
shot 5-discounted
xdotool type --delay 4 $'130001000000000001\n'
waitlog 'msg="receipt shown" .* total_fen=5950'
shot 6-receipt
xdotool key F6
for _ in $(seq 100); do [ -s "$work/printer.bin" ] && break; sleep 0.1; done
shot 7-printed 1
# 2 × 3.50 + 3 × 12.50 + 30.00 − 15.00 = 59.50
grep -q 'to=SUBMITTING amount_fen=5950 ' "$work/app.err" || fail "not charged ¥59.50: $(grep -o 'to=SUBMITTING amount_fen=[0-9]*' "$work/app.err")"
grep -q 'to=PAID' "$work/app.err" || fail "not paid"
grep -o 'line 3 discount[^;"]*' "$work/app.err" | head -1 >"$out/audit.txt"
grep -q 'approved by Wang (sample)' "$out/audit.txt" || fail "the discount's audit: $(cat "$out/audit.txt")"
kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=""

# The printed receipt as text: ESC/POS commands out (the QR code's
# GS ( k blocks by their length), GB18030 to UTF-8.
LC_ALL=C perl -0777 -pe 's/\x1d\(k(.)(.)((??{".{".(ord($1)+256*ord($2))."}"}))//gs; s/\x1b\@//g; s/\x1c[&.]//g; s/\x1b[!aEdM-].//gs; s/\x1dV[AB].//gs; s/\x1d[V!].//gs; tr/\x00-\x09\x0b-\x1f//d' \
	<"$work/printer.bin" | iconv -f GB18030 -t UTF-8 -c | grep -v '^[[:space:]]*$' >"$out/receipt.txt" || true
for want in "${names[@]}" '15.00' '59.50'; do
	grep -q -- "$want" "$out/receipt.txt" || fail "the printed receipt lacks $want: $(cat "$out/receipt.txt")"
done
echo 2468 | wx shift close --by Wang --counted 0 >/dev/null || fail "shift close" # the Z sums closed shifts
echo 2468 | wx report z --close --manager Wang >"$out/z.txt" || fail "z: $(cat "$out/z.txt")"
grep -q '74.50' "$out/z.txt" && grep -q -- '-15.00' "$out/z.txt" && grep -q '59.50' "$out/z.txt" || fail "the Z has no gross 74.50, discounts -15.00, net 59.50"
wx report items >"$out/items.txt" || fail "items: $(cat "$out/items.txt")"
for want in "${names[@]}" '15.00'; do
	grep -q -- "$want" "$out/items.txt" || fail "the sales by item lack $want: $(cat "$out/items.txt")"
done
echo "xvfb-items: ok; screenshots and texts in $out"
