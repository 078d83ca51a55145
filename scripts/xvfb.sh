#!/usr/bin/env bash
# Sourced by the scripts that drive the real window (screenshots.sh,
# xvfb-counter.sh). They set work (a scratch directory), app_pid and xvfb_pid.

# start_xvfb starts a private 1280x800 Xvfb on a free display, exports
# DISPLAY, sets xvfb_pid and waits until the server answers.
start_xvfb() {
	local n=90
	while [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
	export DISPLAY=":$n"
	Xvfb "$DISPLAY" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
	xvfb_pid=$!
	for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
}

# cleanup stops the app and Xvfb and removes the scratch directory (an EXIT trap).
cleanup() {
	[ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
	[ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$work"
}
