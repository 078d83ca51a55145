#!/usr/bin/env bash
# Starts and stops a throwaway PostgreSQL cluster for the replication tests
# (package replica). Nothing is shared with a system cluster: the data
# directory, socket and log live in DIR, the server listens on 127.0.0.1 on
# a free port, authentication is "trust" for local connections only, and
# fsync is off (the data is thrown away).
#
#   scripts/postgres.sh start [DIR]   prints the DSN on stdout (DIR default: a new temp dir)
#   scripts/postgres.sh stop DIR      stops the server and removes DIR
#   scripts/postgres.sh pause DIR     stops the server, keeps DIR (pg_ctl stop)
#   scripts/postgres.sh resume DIR    starts it again on the same port
#
# CI use:
#   pgdir=$(mktemp -d)
#   export WXPOS_TEST_PG_DSN="$(scripts/postgres.sh start "$pgdir")"
#   trap 'scripts/postgres.sh stop "$pgdir"' EXIT
#
# When PostgreSQL is missing it installs the Debian package (root, or sudo).
# postgres refuses to run as root, so as root every server command runs as
# the "postgres" OS user (created by the package) through runuser.
set -euo pipefail

die() { echo "postgres.sh: $*" >&2; exit 1; }

bindir() {
  local d
  if command -v pg_config >/dev/null 2>&1; then
    d=$(pg_config --bindir 2>/dev/null || true)
    [ -x "$d/initdb" ] && { echo "$d"; return; }
  fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && { echo "$d"; return; }
  done
  d=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")
  [ -x "$d/initdb" ] && { echo "$d"; return; }
  return 1
}

source "$(dirname "${BASH_SOURCE[0]}")/apt.sh"

# as runs a server command as the postgres OS user when we are root.
as() {
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root and there is no postgres user to run the server"
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

free_port() {
  # Ask the kernel for a free port: bind port 0, read it back, release it.
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
  else
    local p
    for _ in $(seq 50); do
      p=$((20000 + RANDOM % 40000))
      (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null || { echo "$p"; return; }
    done
    die "no free port found"
  fi
}

server_start() {
  local dir=$1 bin=$2 port
  port=$(cat "$dir/port")
  as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" start >&2 ||
    { cat "$dir/server.log" >&2 2>/dev/null; die "server did not start"; }
}

cmd=${1:-}
case "$cmd" in
  start)
    # The package starts its own system cluster; we never use it.
    bin=$(bindir) || { install_missing postgresql; bin=$(bindir) || die "PostgreSQL still not found after install"; }
    dir=${2:-$(mktemp -d "${TMPDIR:-/tmp}/wxpos-pg.XXXXXX")}
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [ -e "$dir/data" ] && die "$dir/data exists: already started?"
    echo "$bin" >"$dir/bin"
    free_port >"$dir/port"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; chmod 0700 "$dir"; fi
    as "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    server_start "$dir" "$bin"
    echo "postgres://postgres@127.0.0.1:$(cat "$dir/port")/postgres?sslmode=disable"
    ;;
  pause)
    dir=${2:?usage: postgres.sh pause DIR}
    as "$(cat "$dir/bin")/pg_ctl" -D "$dir/data" -m fast -w stop >&2
    ;;
  resume)
    dir=${2:?usage: postgres.sh resume DIR}
    server_start "$dir" "$(cat "$dir/bin")"
    ;;
  stop)
    dir=${2:?usage: postgres.sh stop DIR}
    if [ -f "$dir/bin" ] && [ -f "$dir/data/postmaster.pid" ]; then
      as "$(cat "$dir/bin")/pg_ctl" -D "$dir/data" -m immediate -w stop >&2 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    die "usage: postgres.sh start [DIR] | stop DIR | pause DIR | resume DIR"
    ;;
esac
