#!/usr/bin/env bash
# The platform as containers (`make up-containers`, `make down-containers`): deploy/compose.yaml run by
# podman-compose with the images of `make image`, secrets from .data/secrets.env (the same generated
# file as `make up`), only the gateway published, on KISUM_CONTAINERS_PORT (default 8080).
#
#   compose.sh up              start everything; returns once every service and the gateway are ready
#   compose.sh down [--volumes] stop and remove the containers (--volumes: the database and files too)
#   compose.sh ps              the containers and their state
#   compose.sh logs SVC        a container's output (postgres, <service>, <service>-migrate, gateway)
#   compose.sh mail [TO]       Platform Core's e-mail outbox (inside its container: /internal/ is not published)
#   compose.sh container SVC   the id of a service's container
#
# compose.yaml orders the start with depends_on conditions; podman-compose cannot keep them here: podman
# 4.3 (Debian bookworm) has no `podman wait --condition=healthy` and, without systemd, runs no health check
# on its own, and the --requires links podman-compose adds for depends_on trip podman 4.3's dependency graph
# ("depends on container … not found in input list"). So `up` starts the same order in phases, each with
# --no-deps: PostgreSQL, then the migrate jobs (their exit codes checked), then the five services, then the
# gateway, running each health check itself (`podman healthcheck run`) until it passes.
#
# A service that crashes is restarted by podman (restart: on-failure) at the same address. One stopped and
# started by hand gets a new address, which the gateway (nginx resolves its upstreams when it starts) does not
# follow: restart the gateway too (podman restart "$(compose.sh container gateway)").
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=deploy/containers/lib.sh
source "$HERE/lib.sh"

PROJECT=kisum   # compose.yaml's `name:`
COMPOSE_LOG="$KISUM_LOGS/containers-compose.log"

podman_compose_bin() {
    local venv="${KISUM_CONTAINERS_VENV:-$KISUM_ROOT/.data/containers-venv}"
    if [[ -x "$venv/bin/podman-compose" ]]; then printf '%s' "$venv/bin/podman-compose"; return; fi
    command -v podman-compose 2>/dev/null || kisum_die "podman-compose not found: run deploy/scripts/install-deps.sh --containers"
}

# podman-compose with the project's file and secrets; its chatter goes to a log (shown on failure).
compose() {
    mkdir -p "$KISUM_LOGS"
    KISUM_CONTAINERS_PORT="$KISUM_CONTAINERS_PORT" \
        "$(podman_compose_bin)" --project-name "$PROJECT" --file "$KISUM_ROOT/deploy/compose.yaml" \
        --env-file "$KISUM_SECRETS" "$@" >>"$COMPOSE_LOG" 2>&1 ||
        { tail -30 "$COMPOSE_LOG" >&2; kisum_die "podman-compose $1 failed (log: ${COMPOSE_LOG#"$KISUM_ROOT"/})"; }
}

container() {
    podman ps -a -q --filter "label=com.docker.compose.project=$PROJECT" \
        --filter "label=com.docker.compose.service=$1" | head -1
}

# Runs a container's health check until it passes (podman records the result: `podman ps` shows it).
wait_healthy() {
    local svc="$1" deadline=$((SECONDS + KISUM_READY_TIMEOUT)) id
    id=$(container "$svc")
    [[ -n "$id" ]] || kisum_die "no $svc container"
    until podman healthcheck run "$id" >/dev/null 2>&1; do
        if ((SECONDS > deadline)); then
            podman logs --tail 30 "$id" >&2 || true
            kisum_die "$svc is not healthy after ${KISUM_READY_TIMEOUT}s (its output above)"
        fi
        sleep 1
    done
}

cmd_up() {
    kisum_need podman
    local image
    for image in "$KISUM_IMAGE" kisum-postgres:local kisum-gateway:local; do
        kisum_image_exists "$image" || kisum_die "no image $image: run make image first"
    done
    if kisum_port_busy "$KISUM_CONTAINERS_PORT" && [[ -z "$(container gateway)" ]]; then
        kisum_die "port $KISUM_CONTAINERS_PORT is in use by another program; choose another with KISUM_CONTAINERS_PORT=<port>"
    fi
    kisum_ensure_secrets
    mkdir -p "$KISUM_LOGS"
    : >"$COMPOSE_LOG"
    local begin=$SECONDS svc id code
    kisum_say "starting PostgreSQL"
    compose up -d --no-deps postgres
    wait_healthy postgres
    kisum_say "migrating every service's database"
    compose up -d --no-deps "${KISUM_SERVICES[@]/%/-migrate}"
    for svc in "${KISUM_SERVICES[@]}"; do
        id=$(container "$svc-migrate")
        code=$(podman wait "$id")
        if [[ "$code" != 0 ]]; then
            podman logs --tail 30 "$id" >&2 || true
            kisum_die "$svc migrate exited with $code (its output above)"
        fi
    done
    kisum_say "starting the services"
    compose up -d --no-deps "${KISUM_SERVICES[@]}"
    for svc in "${KISUM_SERVICES[@]}"; do
        wait_healthy "$svc"
    done
    kisum_say "starting the gateway"
    compose up -d --no-deps gateway
    wait_healthy gateway
    curl -fsS -o /dev/null "http://127.0.0.1:$KISUM_CONTAINERS_PORT/health" ||
        kisum_die "the gateway does not answer on port $KISUM_CONTAINERS_PORT"
    # Names between containers come from podman's name server (aardvark-dns), which reloads as containers join; a
    # lookup lost in a reload made a service's first call to Platform Core wait 40 s (the resolver then waited on
    # the host's name server too, which a container cannot reach). compose.yaml shortens the resolver's waits
    # (dns_opt); up also means every service reaches Platform Core by name.
    local svc id tries
    for svc in "${KISUM_SERVICES[@]}"; do
        id=$(container "$svc")
        tries=0
        until podman exec "$id" curl -fsS -o /dev/null -m 3 "http://platform-core:${KISUM_PORT[platform-core]}/health/live"; do
            ((++tries < 20)) || kisum_die "$svc cannot reach platform-core by name"
            sleep 1
        done
    done
    kisum_say "up in $((SECONDS - begin)) s: the gateway on http://127.0.0.1:$KISUM_CONTAINERS_PORT (make down-containers stops it)"
}

cmd_down() {
    kisum_need podman
    # Secrets only interpolate compose.yaml; down needs them to parse it, not to be right.
    [[ -f "$KISUM_SECRETS" ]] || kisum_ensure_secrets
    if [[ "${1:-}" == --volumes ]]; then
        compose down --volumes
        kisum_say "containers and volumes removed"
    else
        compose down
        kisum_say "containers removed (the database stays in volume ${PROJECT}_postgres-data; compose.sh down --volumes removes it)"
    fi
}

cmd_mail() {
    local to="${1:-}" query="limit=20" id
    kisum_load_secrets
    [[ -n "$to" ]] && query+="&to=$(printf '%s' "$to" | sed 's/+/%2B/g; s/@/%40/g')"
    id=$(container platform-core)
    [[ -n "$id" ]] || kisum_die "no platform-core container (is the platform up? make up-containers)"
    podman exec "$id" curl -fsS "http://127.0.0.1:${KISUM_PORT[platform-core]}/internal/outbox/emails?$query" \
        -H "X-Internal-API-Key: $PLATFORM_CORE_INTERNAL_KEY"
    echo
}

main() {
    local command="${1:-}"
    shift || true
    case "$command" in
        up) cmd_up ;;
        down) cmd_down "$@" ;;
        ps) podman ps -a --filter "label=com.docker.compose.project=$PROJECT" ;;
        logs) [[ $# == 1 ]] || kisum_die "usage: compose.sh logs SVC"; podman logs "$(container "$1")" ;;
        mail) cmd_mail "$@" ;;
        container) [[ $# == 1 ]] || kisum_die "usage: compose.sh container SVC"; container "$1" ;;
        *) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
    esac
}

main "$@"
