#!/usr/bin/env bash
# Builds wxpos and opens the cashier window. With no config file it runs in
# training mode on the embedded WeChat Pay sandbox: no real money moves.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
# no_emoji: Fyne would otherwise parse its 4 MB colour-emoji font once per
# text style (about 4 MB of memory each); a till has no use for it.
go build -tags no_emoji -o wxpos .
# Fyne reads the locale at start-up and complains about "C"/POSIX; the
# window's language comes from the config (ui.locale), not from LANG.
case "${LC_ALL:-${LANG:-C}}" in C|C.*|POSIX) export LANG=en_US.UTF-8 LC_ALL= ;; esac
exec ./wxpos "$@"
