#!/usr/bin/env bash
# paybench.sh — a whole-process `wxpos pay` beside a one-shot payment made
# with the official SDK (github.com/wechatpay-apiv3/wechatpay-go, in
# scripts/paybench, a module of its own so the SDK is no dependency of
# wxpos), both against the same `wxpos sandbox`, in turn, N times each.
# Prints each one's median wall time and the ratio of the medians.
#
#   scripts/paybench.sh [N]     (default 21)
#   BASE_REF=main scripts/paybench.sh [N]   (also the tree at BASE_REF, in the same run)
#
# Each payment uses a fresh code; wxpos keeps its training books in a
# temporary XDG_CONFIG_HOME. Quote medians from one run: machines drift.
#
# It also times the SDK payment with -persist: a synced bbolt commit of the
# intent before the POST and of the result after, as our standards ask of
# anything that moves money — the like-for-like floor for `wxpos pay`.
#
# wxpos is timed as the .deb installs it: /usr/bin/wxpos is the headless
# build (CGO_ENABLED=0 go build -tags headless: every command, no window,
# static), and the desktop build (wxpos-window, which `wxpos` alone execs)
# is timed too, to show what linking the window would cost every command.
#
# Until 6 Dec 2026 each wxpos payment's code was made by a $(…) inside its
# timed call — a forked subshell charged to wxpos — and the SDK's outside
# its own: the headless build's 1.52–1.58× then is 1.37–1.38× timed alike.
#
# Where a `wxpos pay` spends its wall time (2 shared cores, a paravirtual
# VM where a page fault costs ~25 µs; strace --seccomp-bpf -r, perf record,
# GODEBUG=inittrace=1; Dec 2026, a quiet moment):
#
#   phase                                   wxpos    SDK one-shot
#   exec, ld.so (libGL, X11, xcb …: cgo)    ~5 ms    — (no GL)
#   Go runtime + package inits             ~15 ms    ~6 ms
#     of which Fyne's (fyne/v2/lang 4.5, goldmark 1.6, go-text 1.5 ms)  ~8 ms
#   cobra tree, config, logs, data dir      ~2 ms    —
#   open the database, claim its mode       ~1 ms    —
#   profile JSON, keys parsed               ~1 ms    ~1 ms
#   commit 1: intent, number minted         ~1 ms    —      (2 fdatasync)
#   sign, POST codepay, verify the answer   ~5 ms    ~5 ms
#   commit 2: PAID, receipt                 ~1 ms    —      (2 fdatasync)
#   exit                                    ~1 ms    ~1 ms
#
# `wxpos version` alone (no payment) took 29 ms beside the SDK's whole
# payment at 20 ms, and 21.5 ms built without the window: with the window
# linked, startup alone is ~1.5× the SDK's payment. Page faults follow the
# time (version: 1094 faults with Fyne linked, 622 without; the SDK's 368).
#
# Package inits, each package's minimum over 15 runs of `wxpos version`
# (GODEBUG=inittrace=1): 10.5 ms and 1.5 MB of heap in all, of which
# Fyne and its dependencies 8.2 ms and 1.37 MB (fyne/v2/lang alone 4.4 ms,
# 0.9 MB: it parses its translations and builds a language matcher in
# init), wxpos's own 0.4 ms and 56 KB (the window's message catalogue) —
# 1.0 ms and 157 KB before the package-level regexps became byte checks
# (internal/ident). Go runs every linked package's init before main, so
# no command of a binary that links the window escapes Fyne's; its
# glfw driver also locks main to the main thread (measured: no cost).
#
# Tried and measured, no effect beyond noise (so run.sh and the README
# keep their plain build): -extldflags -Wl,-O1,--as-needed,--hash-style=gnu
# and -Wl,-z,lazy (the binary already binds lazily with GNU hashes; ld.so
# does 535 relocations — its time is mapping the eleven shared libraries
# GL and X11 bring),
# -s -w, GODEBUG=containermaxprocs=0,updatemaxprocs=0, unlocking the main
# thread for CLI commands, a MADV_HUGEPAGE heap (−110 faults, same time),
# building only the command run instead of the whole cobra tree (0.12 ms,
# 83 KB warm; −20 to −50 faults, within noise), a lower GOGC for the
# headless build (no collection runs in a short command at the default;
# GOGC=25 or 10 only added the GC workers' faults: `version` 537–568 →
# 584–712), and MADV_POPULATE_READ over the binary's mappings at start-up
# (20 MiB in 1.4 ms; the populated pages count as faults, 770 → 880 for a
# pay, peak RSS 16 → 22 MiB; pay cpu 0.978× the plain build's, median of
# 31 pairs at load 16). The payment path is the
# SDK's like for like: one signed POST on a fresh loopback connection, no
# TLS, RSA keys precomputed by x509, the answer's signature verified, no
# query after an immediate SUCCESS, no sleep. What stays is the window
# linked (~7 ms) and the crash-safety floor, four fdatasync (intent before
# the call, result after: 0.2–15 ms each on this shared disk).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-21}
tmp=$(mktemp -d)
sb=
trap '[ -z "$sb" ] || kill "$sb" 2>/dev/null || true; rm -rf "$tmp"' EXIT
# build DIR SUFFIX: the tree in DIR as the .deb installs it — the headless
# build as wxpos (/usr/bin/wxpos) and the desktop build as wxpos-window
# (/usr/lib/wxpos/wxpos-window). Before ab15d9c the .deb's /usr/bin/wxpos
# was the desktop build: for such a BASE_REF, its wxpos-window is what
# `wxpos pay` ran. A tree from before the headless build gets a throwaway
# window-less main.
build() {
	(cd "$1" && CGO_ENABLED=1 go build -tags no_emoji -o "$tmp/wxpos-window$2" . &&
		if [ -f headless.go ]; then
			CGO_ENABLED=0 go build -tags headless -o "$tmp/wxpos$2" .
		else
			printf '%s\n' 'package main' 'import ("context"; "errors"; "os"; "github.com/wxpos/wxpos/cli")' \
				'func main() { os.Exit(cli.Execute(context.Background(), cli.NewRoot(func(context.Context, *cli.Env) error { return errors.New("no window") }))) }' >"$tmp/cli$2.go" &&
				CGO_ENABLED=1 go build -o "$tmp/wxpos$2" "$tmp/cli$2.go"
		fi)
}
build . ""
labels=(wxpos wxpos-window)
if [ -n "${BASE_REF:-}" ]; then # the same run also times the tree at BASE_REF: before and after, side by side
	mkdir "$tmp/base"
	git archive "$BASE_REF" | tar -x -C "$tmp/base"
	build "$tmp/base" -base
	labels+=(wxpos-base wxpos-window-base)
fi
(cd scripts/paybench && go build -o "$tmp/paybench" .)
"$tmp/wxpos-window" sandbox --profile "$tmp/profile.json" >"$tmp/sandbox.log" 2>&1 &
sb=$!
for _ in $(seq 50); do [ -s "$tmp/profile.json" ] && break; sleep 0.1; done
export XDG_CONFIG_HOME=$tmp/xdg

code() { local t=${EPOCHREALTIME/./}; echo "130001${t: -12}"; }
ms() { local s=$EPOCHREALTIME; "$@" >/dev/null; echo "($EPOCHREALTIME - $s) * 1000" | bc; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# pay LABEL CODE; the code is made before the clock starts, as for the SDK
# (a $(…) inside the timed call would charge wxpos a forked subshell).
pay() { XDG_CONFIG_HOME=$tmp/xdg-$1 "$tmp/$1" --sandbox-profile "$tmp/profile.json" pay --fen 1 --code "$2"; }

for l in "${labels[@]}"; do ms pay "$l" "$(code)" >/dev/null; done # warm-up; the first creates the books
ms "$tmp/paybench" "$tmp/profile.json" "$(code)" >/dev/null
ms "$tmp/paybench" -persist "$tmp/sdk.db" "$tmp/profile.json" "$(code)" >/dev/null
for _ in $(seq "$n"); do
	for l in "${labels[@]}"; do ms pay "$l" "$(code)" >>"$tmp/$l.ms"; done
	ms "$tmp/paybench" "$tmp/profile.json" "$(code)" >>"$tmp/sdk.ms"
	ms "$tmp/paybench" -persist "$tmp/sdk.db" "$tmp/profile.json" "$(code)" >>"$tmp/sdkp.ms"
done
b=$(median <"$tmp/sdk.ms")
p=$(median <"$tmp/sdkp.ms")
printf 'SDK one-shot            median %6.1f ms (n=%d each, interleaved)\n' "$b" "$n"
printf 'SDK + intent persisted  median %6.1f ms  ratio %.2f\n' "$p" "$(echo "$p / $b" | bc -l)"
for l in "${labels[@]}"; do
	a=$(median <"$tmp/$l.ms")
	printf '%-14s pay      median %6.1f ms  ratio %.2f  (%.2f of SDK + intent)\n' "$l" "$a" "$(echo "$a / $b" | bc -l)" "$(echo "$a / $p" | bc -l)"
done
