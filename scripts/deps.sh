#!/usr/bin/env bash
# Installs the Debian packages Fyne's cgo build needs, only when missing.
# Sourced by run.sh and test.sh; safe to run again.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/apt.sh"
install_missing gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev
export CGO_ENABLED=1
