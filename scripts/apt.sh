#!/usr/bin/env bash
# apt.sh — sourced by the other scripts. install_missing PKG... installs, with
# apt and sudo unless root, those Debian packages among PKG that are not
# installed yet; it does nothing (and needs no network) when all are.
# Progress goes to stderr, so a script's stdout stays its own.
install_missing() {
	local missing=() p sudo=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		return 0
	fi
	echo "installing: ${missing[*]}" >&2
	[ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
