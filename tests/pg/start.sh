#!/usr/bin/env bash
# Start a throwaway PostgreSQL 15 + PostGIS cluster for the PostGIS tests of
# geoplan (tests/test_cli.c reads LIBGEO_TEST_PG):
#
#   export LIBGEO_TEST_PG=$(bash tests/pg/start.sh)
#   ... run the tests ...
#   bash tests/pg/stop.sh
#
# The cluster lives in $LGPG_DIR (default /tmp/lgpg): data in $LGPG_DIR/data,
# the Unix socket in $LGPG_DIR itself; it listens on no TCP address.  Local
# connections are trusted, so any OS user (root in CI) can connect as the
# database superuser "postgres".  A cluster left by an earlier run is stopped
# and removed first.  Only the connection string goes to stdout; progress
# and errors go to stderr (the server log is $LGPG_DIR/server.log).
# Needs the Debian packages postgresql-15 and postgresql-15-postgis-3.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=${LGPG_DIR:-/tmp/lgpg}
pgbin=${PGBIN:-/usr/lib/postgresql/15/bin}
port=${LGPG_PORT:-5432}

for tool in initdb pg_ctl psql; do
    if [ ! -x "$pgbin/$tool" ]; then
        echo "start.sh: $pgbin/$tool not found (install postgresql-15, or set PGBIN)" >&2
        exit 1
    fi
done

# The server refuses to run as root: as root, run it as the postgres user.
if [ "$(id -u)" = 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
        echo "start.sh: running as root but there is no 'postgres' user to run the server" >&2
        exit 1
    fi
    as_server() { runuser -u postgres -- "$@"; }
else
    as_server() { "$@"; }
fi

bash "$here/stop.sh" >&2

if [ -e "$dir" ]; then
    echo "start.sh: $dir is in the way (not a cluster of start.sh): move it or set LGPG_DIR" >&2
    exit 1
fi
mkdir -p "$dir"
chmod 0755 "$dir"
touch "$dir/.lgpg-test-cluster"
if [ "$(id -u)" = 0 ]; then
    chown postgres: "$dir"
fi

as_server "$pgbin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 \
    --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
    echo "start.sh: initdb failed:" >&2
    cat "$dir/initdb.log" >&2
    exit 1
}

cat >>"$dir/data/postgresql.conf" <<CONF

# tests/pg/start.sh: a throwaway test cluster
listen_addresses = ''
unix_socket_directories = '$dir'
port = $port
fsync = off
synchronous_commit = off
full_page_writes = off
CONF

as_server "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >&2 || {
    echo "start.sh: the server did not start:" >&2
    cat "$dir/server.log" >&2
    exit 1
}

"$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d postgres \
    -c 'CREATE EXTENSION IF NOT EXISTS postgis' >&2 || {
    echo "start.sh: CREATE EXTENSION postgis failed (is postgresql-15-postgis-3 installed?)" >&2
    exit 1
}

if [ "$port" = 5432 ]; then
    echo "host=$dir dbname=postgres user=postgres"
else
    echo "host=$dir port=$port dbname=postgres user=postgres"
fi
