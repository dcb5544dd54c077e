#!/usr/bin/env bash
# `make bench-finance`: two figures of the money path on a running platform (`make up`; CONFIG=release
# for numbers worth quoting). Not a test: nothing here passes or fails on speed.
#   1. deposit create → Finance linked: a deposit is POSTed to Venue and its GET polled until
#      financeSyncStatus is synced (the outbox relay has posted it to Finance and recorded the invoice);
#      p50 / p99 / max over KISUM_BENCH_DEPOSITS (100) deposits made one after another.
#   2. Finance `GET /api/income` (a page of 20 with lines) throughput with wrk, machine mode (internal key
#      + x-org), KISUM_BENCH_SECONDS (10) seconds, KISUM_BENCH_CONNECTIONS (16) connections, 2 threads,
#      over KISUM_BENCH_INVOICES (500) invoices.
# The figures and the machine they came from belong in Services/Finance/NOTES.md ("Benchmarks").
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=deploy/local/lib.sh
source "$HERE/lib.sh"

DEPOSITS="${KISUM_BENCH_DEPOSITS:-100}"
INVOICES="${KISUM_BENCH_INVOICES:-500}"
SECONDS_RUN="${KISUM_BENCH_SECONDS:-10}"
CONNECTIONS="${KISUM_BENCH_CONNECTIONS:-16}"

"$KISUM_ROOT/deploy/scripts/install-deps.sh" --bench
kisum_load_secrets
for svc in platform-core venue finance; do
    curl -fsS -m 5 -o /dev/null "$(kisum_direct_url "$svc")/health/ready" \
        || kisum_die "$svc is not ready: start the platform with \`make up\` first"
done
read -r token workspace < <(kisum_throwaway_user bench)
[[ -n "${workspace:-}" ]] || kisum_die "could not sign up a benchmark user"
VENUE="$(kisum_direct_url venue)"
FINANCE="$(kisum_direct_url finance)"

echo "==> deposit create → Finance linked ($DEPOSITS deposits, one after another)"
python3 - "$VENUE" "$token" "$workspace" "$DEPOSITS" <<'PY'
import json, sys, time, urllib.request
venue, token, org, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
headers = {"authorization": f"Bearer {token}", "x-org": org, "content-type": "application/json"}
def call(method, path, body=None):
    request = urllib.request.Request(venue + path, method=method, headers=headers,
                                     data=None if body is None else json.dumps(body).encode())
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)
latencies = []
for n in range(count):
    started = time.perf_counter()
    deposit = call("POST", "/api/v1/deposits", {"payerName": f"Bench {n}", "amountMinor": 1000 + n, "currency": "EUR"})
    while call("GET", f"/api/v1/deposits/{deposit['id']}")["financeSyncStatus"] != "synced":
        if time.perf_counter() - started > 60:
            sys.exit(f"deposit {deposit['id']} not linked after 60 s")
        time.sleep(0.005)
    latencies.append((time.perf_counter() - started) * 1000)
latencies.sort()
pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
print(f"    p50 {pick(0.50):.0f} ms   p99 {pick(0.99):.0f} ms   max {latencies[-1]:.0f} ms   ({count} deposits)")
PY

echo "==> Finance GET /api/income throughput ($INVOICES invoices, ${SECONDS_RUN}s, $CONNECTIONS connections)"
python3 - "$FINANCE" "$FINANCE_INTERNAL_KEY" "$workspace" "$INVOICES" <<'PY'
import json, sys, urllib.request
finance, key, org, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
headers = {"x-internal-api-key": key, "x-org": org, "content-type": "application/json"}
for n in range(count):
    body = {"customerName": f"Customer {n % 37}", "currency": "EUR", "status": "issued",
            "lines": [{"description": "Room hire", "quantity": 1 + n % 3, "unitMinor": 10000 + n, "taxRateBp": 2100}]}
    urllib.request.urlopen(urllib.request.Request(finance + "/api/income", method="POST", headers=headers,
                                                  data=json.dumps(body).encode()), timeout=30).read()
PY
wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_RUN}s" --latency -H "X-Internal-API-Key: $FINANCE_INTERNAL_KEY" -H "x-org: $workspace" \
    "$FINANCE/api/income?limit=20" | sed 's/^/    /'
