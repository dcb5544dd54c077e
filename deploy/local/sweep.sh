#!/usr/bin/env bash
# `make sweep`: the cross-tenant sweep (deploy/local/sweep.py) against a running platform (`make up`): two fresh
# companies, A creates one of everything it can, B tries A's ids on every route and reads every list; any answer
# but 404 for A's ids, or A's ids in B's lists, is a leak. Prints "N passed, N failed"; exits 1 on any leak.
# Runs with the fuzz virtual environment's Python (it has PyYAML); the deps script makes it.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=deploy/local/lib.sh
source "$HERE/lib.sh"

export KISUM_FUZZ_VENV="${KISUM_FUZZ_VENV:-$KISUM_DATA/fuzz-venv}"
"$KISUM_ROOT/deploy/scripts/install-deps.sh" --fuzz

targets=()
for svc in "${KISUM_SERVICES[@]}"; do
    curl -fsS -m 5 -o /dev/null "$(kisum_direct_url "$svc")/health/ready" \
        || kisum_die "$svc is not ready on port ${KISUM_PORT[$svc]}: start the platform with \`make up\` first"
    targets+=("$svc=$(kisum_direct_url "$svc")")
done

exec "$KISUM_FUZZ_VENV/bin/python" "$HERE/sweep.py" "$(kisum_direct_url platform-core)" "${targets[@]}"
