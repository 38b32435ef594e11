#!/usr/bin/env bash
# Stop and remove the throwaway PostgreSQL cluster of tests/pg/start.sh
# ($LGPG_DIR, default /tmp/lgpg).  Does nothing when there is none; refuses
# to remove a directory that start.sh did not make.
set -euo pipefail

dir=${LGPG_DIR:-/tmp/lgpg}
pgbin=${PGBIN:-/usr/lib/postgresql/15/bin}

[ -e "$dir" ] || exit 0
# Ours: the marker start.sh leaves, or (older runs) a cluster with its log beside it.
if [ ! -f "$dir/.lgpg-test-cluster" ] &&
    ! { [ -f "$dir/data/PG_VERSION" ] && [ -f "$dir/server.log" ]; }; then
    echo "stop.sh: $dir was not made by tests/pg/start.sh (no .lgpg-test-cluster); not touching it" >&2
    exit 1
fi
if [ -f "$dir/data/postmaster.pid" ]; then
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$pgbin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >&2 ||
            echo "stop.sh: pg_ctl stop failed (server not running?)" >&2
    else
        "$pgbin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >&2 ||
            echo "stop.sh: pg_ctl stop failed (server not running?)" >&2
    fi
fi
rm -rf "$dir"
