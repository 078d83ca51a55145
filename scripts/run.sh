#!/usr/bin/env bash
# Builds wxpos and opens the cashier window. With no config file it runs in
# training mode on the embedded WeChat Pay sandbox: no real money moves.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
go build -o wxpos .
exec ./wxpos "$@"
