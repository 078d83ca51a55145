#!/usr/bin/env bash
# xvfb-display.sh — the customer display on the real binary under Xvfb
# (training mode, the sandbox in-process): the customer window beside the
# cashier's and an ESC/POS pole display on a pseudo-terminal, driven by a
# scan sale with lines, a QR sale, a failed payment (NOTENOUGH) and a cash
# sale with change, typed by xdotool. Writes a screenshot per step (cashier
# left, customer right) and the pole's transcript, one frame a line.
#
#   scripts/xvfb-display.sh [OUTDIR]     (default /tmp/xvfb-display)
#   XVFB_DISPLAY=81 scripts/xvfb-display.sh   (use :81 instead of the first free display)
#
# ui.TestCustomerDisplaySales checks the same flows in go test; this script
# is for a person who wants to look at them. Exits non-zero when the pole
# did not get a frame it should have.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/tmp/xvfb-display}
mkdir -p "$out"
source scripts/deps.sh
install_missing xvfb xauth x11-utils xdotool imagemagick python3

work=$(mktemp -d)
xvfb_pid="" app_pid="" pty_pid=""
source scripts/xvfb.sh
trap 'kill $pty_pid 2>/dev/null || true; cleanup' EXIT
if [ -n "${XVFB_DISPLAY:-}" ]; then
	export DISPLAY=":$XVFB_DISPLAY"
	Xvfb "$DISPLAY" -screen 0 2200x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
	xvfb_pid=$!
	for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
else
	start_xvfb
fi
go build -tags no_emoji -o "$work/wxpos" .

# The pole: a pseudo-terminal whose far end keeps every byte.
python3 - "$work" <<'EOF' &
import os, pty, sys, tty
m, s = pty.openpty()
tty.setraw(s)
open(sys.argv[1] + "/pole.name", "w").write(os.ttyname(s))
with open(sys.argv[1] + "/pole.bin", "wb") as out:
    while True:
        out.write(os.read(m, 4096)); out.flush()
EOF
pty_pid=$!
for _ in $(seq 50); do [ -s "$work/pole.name" ] && break; sleep 0.1; done
mkdir -p "$work/cfg/wxpos"
cat >"$work/cfg/wxpos/config.toml" <<EOF
[store]
name = "Demo 便利店"

[display]
customer_window = true
target = "serial:$(cat "$work/pole.name")?baud=9600&protocol=escpos"
EOF

XDG_CONFIG_HOME="$work/cfg" LANG=en_US.UTF-8 "$work/wxpos" --verbose >>"$work/app.out" 2>>"$work/app.err" &
app_pid=$!
customer=$(timeout 30 xdotool search --sync --onlyvisible --name 'customer display' | head -1)
cashier=$(timeout 30 xdotool search --sync --onlyvisible --name 'wxpos' | grep -v "^$customer\$" | head -1)
sleep 3
xdotool windowmove "$customer" 1100 0
xdotool windowactivate "$cashier" 2>/dev/null || xdotool windowfocus "$cashier" 2>/dev/null || true
sleep 0.5
shot() { import -window root -crop 2124x768+0+0 "$out/$1.png"; }

xdotool type --delay 300 '4.5+8+'; sleep 1; shot 1-scan-sale-lines
xdotool key F1; sleep 1; shot 2-scan-ask-code
xdotool type --delay 4 $'130001000000000021\n'; sleep 2.5; shot 3-scan-paid
xdotool key Return; sleep 0.5
xdotool type --delay 300 '23'; xdotool key F2; sleep 2; shot 4-qr-shown
xdotool mousemove 890 694 click 1; sleep 3; shot 5-qr-paid # the training panel's "customer scans and pays"
xdotool key Return; sleep 0.5
xdotool type --delay 300 '9.9'; xdotool key F1; sleep 0.5
xdotool type --delay 4 $'130004000000000022\n'; sleep 2.5; shot 6-failed-not-enough
xdotool key Escape; sleep 0.5; xdotool key Escape; sleep 0.5
xdotool type --delay 300 '12.5'; xdotool key F3; sleep 0.7
xdotool type --delay 300 '20'; xdotool key Return; sleep 1.5; shot 7-cash-change

# The transcript: CLR starts each frame, US $ 1 1 and US $ 1 2 each line.
python3 - "$work/pole.bin" >"$out/pole.txt" <<'EOF'
import sys
for f in open(sys.argv[1], "rb").read().split(b"\x0c")[1:]:
    f = f.replace(b"\x1f$\x01\x01", b"").replace(b"\x1f$\x01\x02", b" | ")
    print(f.decode("ascii", "replace"))
EOF
cat "$out/pole.txt"
for want in 'PLEASE SHOW PAY CODE | TOTAL          12.50' 'THANK YOU            | PAID           12.50' \
	'SCAN THE QR CODE     | TOTAL          23.00' 'THANK YOU            | PAID           23.00' \
	'PAYMENT FAILED       | INSUFFICIENT BALANCE' 'CASH           20.00 | CHANGE          7.50'; do
	grep -qF "$want" "$out/pole.txt" || { echo "xvfb-display: FAIL: the pole never showed: $want" >&2; exit 1; }
done
echo "xvfb-display: ok; screenshots and pole.txt in $out"
