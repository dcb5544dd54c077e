#!/usr/bin/env bash
# `make bench`: the request path measured on this machine, written to bench/results.md (and its table into
# the README). Not a test: nothing here passes or fails on speed; the targets are printed beside the figures.
#
#   1. builds release and (re)starts the platform with it (`platform.sh up`, JSON logs as in containers, the
#      login rate limit lifted so the login storm measures hashing, not 429s);
#   2. deploy/local/bench.py seeds a company (a venue, 24 spaces, bookings), drives wrk against health, a
#      tenant read by id, a list of 20, a booking create and login, reads at half their peak alone and under a
#      login storm, measures pgbench -S -M prepared on the same cluster, CPU per request, RSS and cold start;
#   3. stops the platform it started (KISUM_BENCH_KEEP=1 leaves it running).
#
# Settings: KISUM_BENCH_SECONDS (10) per wrk run, KISUM_BENCH_CONNECTIONS (32).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export KISUM_BUILD_CONFIG=release
export KISUM_LOG_FORMAT=json
export KISUM_ENV_EXTRA='
platform-core     LOGIN_RATE_LIMIT_BURST        10000
platform-core     LOGIN_RATE_LIMIT_PER_MINUTE   10000
platform-core     LOGIN_LOCKOUT_FAILURES        100
'
# shellcheck source=deploy/local/lib.sh
source "$HERE/lib.sh"

"$KISUM_ROOT/deploy/scripts/install-deps.sh" --bench
"$HERE/platform.sh" down >/dev/null 2>&1 || true
"$HERE/platform.sh" up
if [[ "${KISUM_BENCH_KEEP:-0}" != 1 ]]; then
    trap '"$HERE/platform.sh" down >/dev/null 2>&1 || true' EXIT
fi
kisum_load_secrets

python3 "$HERE/bench.py" \
    --root "$KISUM_ROOT" --run-dir "$KISUM_RUN" --bin "$(kisum_bin_dir)" \
    --pgbench "$(kisum_pg_bin)/pgbench" --pg-port "$KISUM_PG_PORT" --pg-password "$KISUM_DB_PASSWORD" \
    --seconds "${KISUM_BENCH_SECONDS:-10}" --connections "${KISUM_BENCH_CONNECTIONS:-32}" \
    --env-command "$HERE/platform.sh env" \
    --port platform-core="${KISUM_PORT[platform-core]}" --port venue="${KISUM_PORT[venue]}" \
    --port finance="${KISUM_PORT[finance]}" --port promoter="${KISUM_PORT[promoter]}" --port base="${KISUM_PORT[base]}"
