#!/usr/bin/env bash
# `make bench-base`: artist search over a large registry on a running platform (`make up`; CONFIG=release for
# figures worth quoting). Not a test: nothing here passes or fails on speed; the issue's target (p99 < 50 ms over
# 100,000 artists) is printed beside the figures, which belong in Services/Base/NOTES.md ("Artist search").
#   1. signs up a throw-away company and seeds KISUM_BENCH_ARTISTS (100,000) artists straight into kisum_base
#      (names drawn from word lists, countries, cities and genres; a fixed seed, so runs are comparable);
#   2. prints the plan PostgreSQL chooses for a name search and for the default list, to show the indexes at work;
#   3. drives wrk against GET /api/artists/search with rotating queries (whole words, prefixes, typos, filters)
#      and against the sorted list, at 1, 4 and 16 connections for KISUM_BENCH_SECONDS (10).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=deploy/local/lib.sh
source "$HERE/lib.sh"

"$KISUM_ROOT/deploy/scripts/install-deps.sh" --bench
kisum_load_secrets
for svc in platform-core base; do
    curl -fsS -m 5 -o /dev/null "$(kisum_direct_url "$svc")/health/ready" \
        || kisum_die "$svc is not ready: start the platform with \`make up\` first"
done
read -r token workspace < <(kisum_throwaway_user bench)
[[ -n "${workspace:-}" ]] || kisum_die "could not sign up a benchmark user"

python3 "$HERE/bench_base.py" --base "$(kisum_direct_url base)" --token "$token" --org "$workspace" \
    --psql "$(kisum_pg_bin)/psql" --pg-port "$KISUM_PG_PORT" --pg-password "$KISUM_DB_PASSWORD" \
    --artists "${KISUM_BENCH_ARTISTS:-100000}" --seconds "${KISUM_BENCH_SECONDS:-10}"
