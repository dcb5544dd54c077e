#!/bin/bash
# Entrypoint of the postgres image (deploy/Dockerfile, stage postgres): Debian's PostgreSQL 15 with the
# official image's interface, so deploy/compose.yaml works with either: POSTGRES_USER, POSTGRES_PASSWORD,
# POSTGRES_DB, data in $PGDATA (a volume), *.sql of /docker-entrypoint-initdb.d run once on a new cluster.
set -euo pipefail

: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
[[ -n "${POSTGRES_PASSWORD:-}" ]] || { echo "kisum-postgres: set POSTGRES_PASSWORD" >&2; exit 1; }

if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
    echo "kisum-postgres: initialising a new cluster in $PGDATA"
    pwfile=$(mktemp)
    printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
    initdb -D "$PGDATA" -U "$POSTGRES_USER" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 \
        --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$pwfile"
    # Other containers connect over the compose network, always with the password.
    echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
    # Init scripts run against a server on a private socket only, so nothing (the health check's pg_isready
    # included) sees it before it is ready for good.
    socket=$(mktemp -d)
    export PGHOST="$socket"
    pg_ctl -D "$PGDATA" -w -o "-c listen_addresses='' -c unix_socket_directories=$socket" start >/dev/null
    if [[ "$POSTGRES_DB" != postgres ]]; then
        psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d postgres -c "CREATE DATABASE \"$POSTGRES_DB\"" >/dev/null
    fi
    for script in /docker-entrypoint-initdb.d/*.sql; do
        [[ -f "$script" ]] || continue
        echo "kisum-postgres: running $script"
        psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -f "$script" >/dev/null
    done
    pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
    unset PGHOST
    rmdir "$socket"
fi

exec postgres -D "$PGDATA" -c listen_addresses='*'
