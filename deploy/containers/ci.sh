#!/usr/bin/env bash
# CI's containers step: builds the images (debug executables: the test step's build, re-linked with the
# static Swift runtime), brings the platform up as containers, runs the smoke test through the gateway
# container, checks that only the gateway is published and /internal/ is not reachable through it, kills a
# service's process as a crash would and sees podman restart it, measures each service's start-up, and
# removes everything (volumes included).
#   KISUM_CONTAINERS_PORT  the gateway's port (default 8080; `make up` must not be holding it)
#   KISUM_IMAGE_CONFIG     the executables' build (default debug here)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export KISUM_IMAGE_CONFIG="${KISUM_IMAGE_CONFIG:-debug}"
# shellcheck source=deploy/containers/lib.sh
source "$HERE/lib.sh"
export KISUM_CONTAINERS_PORT

compose=("$HERE/compose.sh")
gateway="http://127.0.0.1:$KISUM_CONTAINERS_PORT"

teardown() {
    local status=$?
    if ((status != 0)); then
        "${compose[@]}" ps || true
        for svc in postgres "${KISUM_SERVICES[@]}" gateway; do
            echo "--- $svc (last 15 lines)"
            "${compose[@]}" logs "$svc" 2>&1 | tail -15 || true
        done
    fi
    "${compose[@]}" down --volumes || true
    exit "$status"
}

"$KISUM_ROOT/deploy/scripts/install-deps.sh" --containers
begin=$SECONDS
"$HERE/image.sh"
echo "containers: images built in $((SECONDS - begin)) s"
for image in "$KISUM_IMAGE" kisum-postgres:local kisum-gateway:local; do
    echo "containers: $image $(($(podman image inspect --format '{{.Size}}' "$image") / 1000000)) MB"
done

trap teardown EXIT
# CI's timeout sends TERM: exit through the EXIT trap, so the containers are removed even then.
trap 'exit 143' TERM INT
# A run that died half-way must not leave its containers or its database behind.
"${compose[@]}" down --volumes >/dev/null 2>&1 || true
begin=$SECONDS
"${compose[@]}" up
echo "containers: up in $((SECONDS - begin)) s"

"$KISUM_ROOT/deploy/local/smoke.sh" --containers "$gateway"

# Only the gateway is published: every other container has no host port.
for svc in postgres "${KISUM_SERVICES[@]}"; do
    ports=$(podman port "$("${compose[@]}" container "$svc")")
    [[ -z "$ports" ]] || kisum_die "$svc publishes $ports; only the gateway may"
done
# /internal/ through the gateway, with the key the service accepts: the gateway's own 404.
kisum_load_secrets
headers=$(curl -s -o /dev/null -D - -H "X-Internal-API-Key: $VENUE_INTERNAL_KEY" "$gateway/venue/internal/venues")
[[ "$headers" == *" 404"* && "$headers" == *"X-Kisum-Gateway: not-found"* ]] ||
    kisum_die "/venue/internal/venues through the gateway was not blocked: $headers"
echo "containers: only the gateway is published; /internal/ is blocked by it"

# The user is not root in the services' containers.
user=$(podman exec "$("${compose[@]}" container venue)" id -u)
[[ "$user" == 10001 ]] || kisum_die "venue runs as uid $user, not 10001"

# A crash: SIGKILL to venue's process (not `podman kill`, which podman counts as a deliberate stop).
id=$("${compose[@]}" container venue)
restarts=$(podman inspect --format '{{.RestartCount}}' "$id")
pid=$(podman inspect --format '{{.State.Pid}}' "$id")
kill -KILL "$pid"
killed=$(date +%s%N)
deadline=$((SECONDS + 30))
until [[ "$(podman inspect --format '{{.RestartCount}} {{.State.Status}}' "$id")" == "$((restarts + 1)) running" ]] &&
    podman healthcheck run "$id" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || kisum_die "venue was not restarted within 30 s of its crash"
    sleep 0.1
done
echo "containers: venue killed (SIGKILL), restarted by podman and ready again in $((($(date +%s%N) - killed) / 1000000)) ms"
curl -fsS -o /dev/null "$gateway/venue/health/ready" || kisum_die "venue does not answer through the gateway after its restart"

# Start-up time of each service: from `podman start` of its stopped container to its /health/ready answering
# 200 on the container's address (polled every 20 ms from here). Not through the gateway: a container started
# again gets a new address, which nginx, resolving its upstreams once, would not see until it restarts itself
# (a crash restart by podman keeps the address, as the drill above shows).
for svc in "${KISUM_SERVICES[@]}"; do
    id=$("${compose[@]}" container "$svc")
    podman stop --time 10 "$id" >/dev/null
    started=$(date +%s%N)
    podman start "$id" >/dev/null
    address=$(podman inspect --format '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$id")
    deadline=$((SECONDS + 30))
    until curl -fsS -o /dev/null "http://$address:${KISUM_PORT[$svc]}/health/ready" 2>/dev/null; do
        ((SECONDS < deadline)) || kisum_die "$svc did not get ready within 30 s of its start"
        sleep 0.02
    done
    echo "containers: $svc ready $((($(date +%s%N) - started) / 1000000)) ms after podman start"
done
echo "containers: all checks passed"
