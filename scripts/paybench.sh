#!/usr/bin/env bash
# paybench.sh — a whole-process `wxpos pay` beside a one-shot payment made
# with the official SDK (github.com/wechatpay-apiv3/wechatpay-go, in
# scripts/paybench, a module of its own so the SDK is no dependency of
# wxpos), both against the same `wxpos sandbox`, in turn, N times each.
# Prints each one's median wall time and the ratio of the medians.
#
#   scripts/paybench.sh [N]     (default 21)
#
# Each payment uses a fresh code; wxpos keeps its training books in a
# temporary XDG_CONFIG_HOME. Quote medians from one run: machines drift.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-21}
tmp=$(mktemp -d)
trap 'kill "$sb" 2>/dev/null || true; rm -rf "$tmp"' EXIT
CGO_ENABLED=1 go build -tags no_emoji -o "$tmp/wxpos" .
(cd scripts/paybench && go build -o "$tmp/paybench" .)
"$tmp/wxpos" sandbox --profile "$tmp/profile.json" >"$tmp/sandbox.log" 2>&1 &
sb=$!
for _ in $(seq 50); do [ -s "$tmp/profile.json" ] && break; sleep 0.1; done
export XDG_CONFIG_HOME=$tmp/xdg

code() { local t=${EPOCHREALTIME/./}; echo "130001${t: -12}"; }
ms() { local s=$EPOCHREALTIME; "$@" >/dev/null; echo "($EPOCHREALTIME - $s) * 1000" | bc; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

ms "$tmp/wxpos" --sandbox-profile "$tmp/profile.json" pay --fen 1 --code "$(code)" >/dev/null # warm-up, creates the books
ms "$tmp/paybench" "$tmp/profile.json" "$(code)" >/dev/null
for _ in $(seq "$n"); do
	ms "$tmp/wxpos" --sandbox-profile "$tmp/profile.json" pay --fen 1 --code "$(code)" >>"$tmp/wxpos.ms"
	ms "$tmp/paybench" "$tmp/profile.json" "$(code)" >>"$tmp/sdk.ms"
done
a=$(median <"$tmp/wxpos.ms")
b=$(median <"$tmp/sdk.ms")
printf 'wxpos pay  median %.1f ms\nSDK one-shot median %.1f ms\nratio %.2f (n=%d each)\n' "$a" "$b" "$(echo "$a / $b" | bc -l)" "$n"
