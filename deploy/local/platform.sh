#!/usr/bin/env bash
# Runs the whole Kisum platform on this machine: a PostgreSQL cluster under .data/, the five services
# and the nginx gateway on port 8080.
#
#   platform.sh run      everything in the foreground; Ctrl-C stops it all
#   platform.sh up       the same in the background; returns once every service is ready
#   platform.sh down     stops what `up` started (services, gateway, PostgreSQL)
#   platform.sh migrate  starts PostgreSQL if needed, creates the databases, applies migrations
#   platform.sh status   what is running
#   platform.sh env SVC  prints the environment SVC runs with (contains secrets)
#   platform.sh mail [TO] the local e-mail outbox, newest first (only e-mails to TO if given)
#
# Settings are described in deploy/local/lib.sh; what each service gets is in deploy/local/services.env.sh.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=deploy/local/lib.sh
source "$HERE/lib.sh"
# shellcheck source=deploy/local/gateway.sh
source "$HERE/gateway.sh"

KISUM_BIN=""

prepare() {
    "$KISUM_ROOT/deploy/scripts/install-deps.sh"
    mkdir -p "$KISUM_DATA" "$KISUM_RUN" "$KISUM_LOGS"
    kisum_load_secrets
}

build() {
    KISUM_BUILD_CONFIG="$KISUM_BUILD_CONFIG" "$KISUM_ROOT/deploy/scripts/build.sh"
    KISUM_BIN=$(kisum_bin_dir)
    local svc
    for svc in "${KISUM_SERVICES[@]}"; do
        [[ -x "$KISUM_BIN/$svc" ]] || kisum_die "the build did not produce $KISUM_BIN/$svc"
    done
}

# ---------------------------------------------------------------------------------------------- services
# (service_pid_file, service_running and the supervisor's files are in lib.sh: other scripts read them.)

# Replaces the current (sub)shell with `<svc> <args>`, given only the service's environment: nothing
# leaks in from the caller's shell. With --setsid the service gets its own session, so Ctrl-C in the
# terminal reaches only this script, which then stops everything in order.
service_exec() {
    local wrapper=()
    if [[ "$1" == --setsid ]]; then
        wrapper=(setsid)
        shift
    fi
    local svc="$1"
    shift
    local -a env_lines
    mapfile -t env_lines < <(kisum_service_env "$svc")
    cd "$KISUM_ROOT"
    exec "${wrapper[@]}" env -i PATH="/usr/local/bin:/usr/bin:/bin" HOME="${HOME:-/tmp}" LANG=C.UTF-8 \
        "${env_lines[@]}" "$KISUM_BIN/$svc" "$@"
}

write_env_files() {
    local svc
    mkdir -p "$KISUM_DATA/env"
    chmod 700 "$KISUM_DATA/env"
    for svc in "${KISUM_SERVICES[@]}"; do
        (umask 077 && kisum_service_env "$svc" >"$KISUM_DATA/env/$svc.env")
    done
}

migrate_all() {
    local svc
    for svc in "${KISUM_SERVICES[@]}"; do
        if ! (service_exec "$svc" migrate) >>"$KISUM_LOGS/$svc.log" 2>&1; then
            tail -20 "$KISUM_LOGS/$svc.log" >&2
            kisum_die "$svc migrate failed (see .data/logs/$svc.log)"
        fi
        kisum_say "$(tail -1 "$KISUM_LOGS/$svc.log")"
    done
    load_sample_rates
}

# Base converts currencies only with stored rates (never fetched at request time): a local run gets the shipped
# sample of ECB reference rates (idempotent: a second load changes nothing). Real work loads the ECB's file:
# `base import-rates --file eurofxref-hist.csv`.
load_sample_rates() {
    local sample="Migrations/base/rates/sample-eurofxref-hist.csv"
    if ! (service_exec base import-rates --file "$sample") >>"$KISUM_LOGS/base.log" 2>&1; then
        tail -20 "$KISUM_LOGS/base.log" >&2
        kisum_die "base import-rates failed (see .data/logs/base.log)"
    fi
    kisum_say "$(grep '^exchange rates:' "$KISUM_LOGS/base.log" | tail -1)"
}

# ---------------------------------------------------------------------------------------------- supervision
# Each service runs under `platform.sh supervise <svc> <bin dir>`, all in one session of their own (so
# Ctrl-C reaches only the foreground script; `cmd_launch` says why one session for all). A service that exits without being asked to is logged loudly (its log,
# .data/logs/supervisor.log, `make status`) and started again after a back-off, as compose's
# `restart: unless-stopped` and Kubernetes do: one crash must not take every tenant down until someone
# notices. Exit status 78 (the configuration is invalid) is not retried: it would only fail again.


cmd_supervise() {
    [[ $# == 2 ]] || kisum_die "usage: platform.sh supervise <service> <bin dir>"
    local svc="$1" pid status restarts=0 started delay=1 how line
    KISUM_BIN="$2"
    kisum_load_secrets
    echo $$ >"$(supervisor_pid_file "$svc")"
    while :; do
        printf '\n----- %s serve, %s -----\n' "$svc" "$(date -Is)"
        (service_exec "$svc" serve) </dev/null &
        pid=$!
        echo "$pid" >"$(service_pid_file "$svc")"
        started=$SECONDS
        status=0
        wait "$pid" || status=$?
        [[ -e "$(stop_marker "$svc")" ]] && break
        how="exit status $status"
        ((status > 128)) && how="killed by signal $(kill -l $((status - 128)) 2>/dev/null || echo $((status - 128)))"
        restarts=$((restarts + 1))
        line="$(date -Is) $svc (pid $pid) exited unexpectedly: $how; restart $restarts"
        printf '%s %s\n' "$restarts" "$line" >"$(restarts_file "$svc")"
        printf '%s\n' "$line" >>"$KISUM_LOGS/supervisor.log"
        printf '\n\033[1;31m!!!!! kisum supervisor: %s !!!!!\033[0m\n' "$line"
        if ((status == 78)); then
            printf '!!!!! kisum supervisor: %s has an invalid configuration; not restarting it !!!!!\n' "$svc"
            break
        fi
        ((SECONDS - started >= 60)) && delay=1
        sleep "$delay"
        delay=$((delay * 2 > 30 ? 30 : delay * 2))
        [[ -e "$(stop_marker "$svc")" ]] && break
    done
    rm -f "$(supervisor_pid_file "$svc")"
}

# Starts every supervisor from one new session. One session, not one each: Linux's scheduler gives each
# session an equal CPU share (autogroups), and thread priorities count only inside a share, so with a session
# per service Platform Core's password hashing (run at a lower nice value) took half the machine from the
# other services during a login storm (bench/results.md). In one session a request of any service outranks
# hashing.
cmd_launch() {
    [[ $# == 1 ]] || kisum_die "usage: platform.sh launch <bin dir>"
    local svc
    for svc in "${KISUM_SERVICES[@]}"; do
        "$HERE/platform.sh" supervise "$svc" "$1" >>"$KISUM_LOGS/$svc.log" 2>&1 </dev/null &
    done
}

start_services() {
    local svc i
    for svc in "${KISUM_SERVICES[@]}"; do
        if kisum_port_busy "${KISUM_PORT[$svc]}"; then
            kisum_die "port ${KISUM_PORT[$svc]} ($svc) is in use by another program"
        fi
        rm -f "$(stop_marker "$svc")" "$(restarts_file "$svc")" "$(service_pid_file "$svc")"
    done
    setsid "$HERE/platform.sh" launch "$KISUM_BIN" </dev/null >/dev/null 2>&1
    for svc in "${KISUM_SERVICES[@]}"; do
        for ((i = 0; i < 100; i++)); do
            [[ -s "$(service_pid_file "$svc")" ]] && break
            sleep 0.05
        done
        kisum_say "started $svc (pid $(cat "$(service_pid_file "$svc")" 2>/dev/null || echo '?'), port ${KISUM_PORT[$svc]}, log .data/logs/$svc.log, restarted if it exits)"
    done
}

stop_services() {
    local i svc
    for ((i = ${#KISUM_SERVICES[@]} - 1; i >= 0; i--)); do
        svc="${KISUM_SERVICES[$i]}"
        touch "$(stop_marker "$svc")"
        kisum_stop_pid "$(service_pid_file "$svc")" "/$svc serve" "$svc" 20
        kisum_stop_pid "$(supervisor_pid_file "$svc")" "platform.sh supervise $svc" "$svc supervisor" 5 >/dev/null 2>&1
        rm -f "$(stop_marker "$svc")"
    done
}

# Waits until every service answers 200 on /health/ready through the gateway.
wait_ready() {
    local base deadline svc code pending
    base=$(kisum_gateway_url)
    deadline=$((SECONDS + KISUM_READY_TIMEOUT))
    kisum_say "waiting for every service to be ready through the gateway"
    while :; do
        pending=()
        for svc in "${KISUM_SERVICES[@]}"; do
            if ! supervisor_running "$svc" || (($(restart_count "$svc") > 0)); then
                tail -30 "$KISUM_LOGS/$svc.log" >&2
                kisum_die "$svc exited during start-up (see .data/logs/$svc.log)"
            fi
            code=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$base/${KISUM_PREFIX[$svc]}/health/ready" || true)
            [[ "$code" == 200 ]] || pending+=("$svc:$code")
        done
        ((${#pending[@]} == 0)) && return 0
        if ((SECONDS >= deadline)); then
            kisum_die "not ready after ${KISUM_READY_TIMEOUT}s: ${pending[*]} (logs in .data/logs/)"
        fi
        sleep 0.5
    done
}

# ---------------------------------------------------------------------------------------------- messages

print_urls() {
    local base svc
    base=$(kisum_gateway_url)
    printf '\n\033[1mKisum is running.\033[0m\n\n'
    printf '  Gateway            %s\n' "$base"
    for svc in "${KISUM_SERVICES[@]}"; do
        printf '  %-18s %s/%s/   (direct: http://127.0.0.1:%s, contract: %s/%s/openapi.yaml)\n' \
            "$svc" "$base" "${KISUM_PREFIX[$svc]}" "${KISUM_PORT[$svc]}" "$base" "${KISUM_PREFIX[$svc]}"
    done
    printf '  PostgreSQL         postgres://kisum@127.0.0.1:%s (password: KISUM_DB_PASSWORD in .data/secrets.env)\n' \
        "$KISUM_PG_PORT"
    printf '  Logs               .data/logs/<service>.log   Environments: .data/env/<service>.env\n'
    print_sign_in_help
}

# How a newcomer gets an account on the local platform: the web app is not part of this repository, so
# the steps use curl through the gateway, and e-mails are read from Platform Core's local outbox.
print_sign_in_help() {
    local base
    base=$(kisum_gateway_url)
    cat <<EOF

  Signing up and in (nothing is e-mailed locally: \`make mail\` lists the e-mails and their links)
    1. Sign up: an account, a workspace (company) and a local trial, signed in at once
         curl -s $base/platform/api/v1/auth/signup -H 'content-type: application/json' \\
           -d '{"email":"you@example.com","password":"a long password","full_name":"You","company_name":"My Venue"}'
       Or register only (POST $base/platform/api/v1/auth/register with email, password, full_name),
       read the activation link with \`make mail TO=you@example.com\`, and activate with
       POST $base/platform/api/v1/auth/activate {"token":"<the token in the link>"}.
    2. Sign in: POST $base/platform/api/v1/auth/login {"email":"…","password":"…"}
       answers access_token, refresh_token and your workspaces (a workspace id is a company id).
    3. Call any service with both headers, e.g.
         curl -s $base/venue/api/v1/venues -H "authorization: Bearer \$ACCESS_TOKEN" -H "x-org: \$WORKSPACE_ID"

EOF
}

# ---------------------------------------------------------------------------------------------- commands

anything_running() {
    local svc
    kisum_gateway_running && return 0
    for svc in "${KISUM_SERVICES[@]}"; do
        service_running "$svc" && return 0
        supervisor_running "$svc" && return 0
    done
    kisum_pg_running
}

cmd_down() {
    mkdir -p "$KISUM_RUN"
    kisum_gateway_stop
    stop_services
    kisum_pg_stop
}

start_all() {
    prepare
    # A `make run` still in the foreground elsewhere owns the platform; do not pull it down under it.
    if kisum_pid_alive "$KISUM_RUN/session.pid" "platform.sh run"; then
        kisum_die "a \`make run\` is active (pid $(cat "$KISUM_RUN/session.pid")); stop it with Ctrl-C first"
    fi
    if anything_running; then
        kisum_say "stopping the previous local run first"
        cmd_down
    fi
    build
    kisum_pg_start
    kisum_pg_create_databases
    write_env_files
    migrate_all
    start_services
    kisum_gateway_start
    wait_ready
}

# Stops everything once, whatever ended the script (a failure, Ctrl-C, a service that died).
KISUM_CLEANED=0
cleanup_on_exit() {
    local status=$?
    ((KISUM_CLEANED)) && return
    KISUM_CLEANED=1
    trap '' INT TERM HUP
    [[ -n "${KISUM_TAIL_PID:-}" ]] && kill "$KISUM_TAIL_PID" 2>/dev/null
    if ((status != 0 && status != 130 && status != 143)); then
        kisum_warn "stopping everything (exit status $status)"
    else
        printf '\n' >&2
        kisum_say "stopping"
    fi
    cmd_down || true
    [[ "$(cat "$KISUM_RUN/session.pid" 2>/dev/null)" == "$$" ]] && rm -f "$KISUM_RUN/session.pid"
    return 0
}

cmd_up() {
    trap cleanup_on_exit EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM HUP
    start_all
    trap - EXIT INT TERM HUP
    print_urls
    printf '  Stop everything with: make down\n\n'
}

cmd_run() {
    trap cleanup_on_exit EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM HUP
    start_all
    echo $$ >"$KISUM_RUN/session.pid"
    print_urls
    printf '  Press Ctrl-C to stop everything. Service logs follow.\n\n'
    local files=() svc
    for svc in "${KISUM_SERVICES[@]}"; do files+=("$KISUM_LOGS/$svc.log"); done
    tail -n 0 -F "${files[@]}" &
    KISUM_TAIL_PID=$!
    while :; do
        # A crashed service is restarted by its supervisor (and says so loudly in the log followed here);
        # only a supervisor that gave up ends the run.
        for svc in "${KISUM_SERVICES[@]}"; do
            supervisor_running "$svc" || kisum_die "$svc stopped and is not restarted (see .data/logs/$svc.log)"
        done
        kisum_gateway_running || kisum_die "the gateway stopped unexpectedly (see .data/logs/gateway-error.log)"
        sleep 1
    done
}

cmd_migrate() {
    prepare
    build
    local started=0
    if ! kisum_pg_running; then
        kisum_pg_start
        started=1
    fi
    kisum_pg_create_databases
    write_env_files
    migrate_all
    ((started)) && kisum_pg_stop
    return 0
}

cmd_status() {
    local svc state
    if kisum_pg_running; then state=running; else state=stopped; fi
    printf '%-14s %s\n' postgres "$state"
    local restarts last
    for svc in "${KISUM_SERVICES[@]}"; do
        if service_running "$svc"; then
            state="running (pid $(cat "$(service_pid_file "$svc")"))"
        elif supervisor_running "$svc"; then
            state="restarting"
        else
            state=stopped
        fi
        restarts=$(restart_count "$svc")
        if ((restarts > 0)); then
            last=$(cut -d' ' -f2- "$(restarts_file "$svc")")
            state+=", CRASHED AND RESTARTED ${restarts}x (last: $last)"
        fi
        printf '%-14s %s\n' "$svc" "$state"
    done
    if kisum_gateway_running; then state="running on $(kisum_gateway_url)"; else state=stopped; fi
    printf '%-14s %s\n' gateway "$state"
}

# The local e-mail outbox (Platform Core keeps e-mails there when no SMTP_URL is set): activation,
# invitation and password-reset links. Reads Platform Core's internal route directly (the gateway blocks it).
cmd_mail() {
    local to="${1:-}" query="limit=20"
    mkdir -p "$KISUM_DATA"
    kisum_load_secrets
    [[ -n "$to" ]] && query+="&to=$(printf '%s' "$to" | sed 's/+/%2B/g; s/@/%40/g')"
    curl -fsS "http://127.0.0.1:${KISUM_PORT[platform-core]}/internal/outbox/emails?$query" \
        -H "X-Internal-API-Key: $PLATFORM_CORE_INTERNAL_KEY" \
        || kisum_die "Platform Core does not answer on port ${KISUM_PORT[platform-core]} (is the platform up?)"
    echo
}

cmd_env() {
    [[ $# == 1 ]] || kisum_die "usage: platform.sh env <service>"
    mkdir -p "$KISUM_DATA"
    kisum_load_secrets
    kisum_service_env "$1"
}

main() {
    local command="${1:-}"
    shift || true
    case "$command" in
        run) cmd_run ;;
        up) cmd_up ;;
        down) cmd_down ;;
        migrate) cmd_migrate ;;
        status) cmd_status ;;
        env) cmd_env "$@" ;;
        mail) cmd_mail "$@" ;;
        supervise) cmd_supervise "$@" ;;
        launch) cmd_launch "$@" ;;
        *) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
    esac
}

main "$@"
