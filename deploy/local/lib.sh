# shellcheck shell=bash
# Helpers for the local run (deploy/local/platform.sh). Sourced, not executed.
#
# Settings (environment variables, all optional):
#   KISUM_BUILD_CONFIG   debug | release (default debug; `make run CONFIG=release`)
#   KISUM_SWIFT_SCRATCH  SwiftPM --scratch-path (default .build)
#   KISUM_DATA_DIR       where the cluster, logs, pids and secrets live (default <repo>/.data)
#   KISUM_PG_PORT        local PostgreSQL port (default 5433, away from a system cluster on 5432)
#   KISUM_GATEWAY_LISTEN nginx listen address (default 127.0.0.1:8080)
#   KISUM_LOG_LEVEL      services' LOG_LEVEL (default info)
#   KISUM_LOG_FORMAT     services' LOG_FORMAT (default text; json as in containers)
#   KISUM_READY_TIMEOUT  seconds to wait for every service to be ready (default 120)
#   PG_BIN               PostgreSQL server binaries (default: newest /usr/lib/postgresql/<v>/bin)
#   KISUM_ENV_EXTRA      more "who NAME value" rows after KISUM_ENV_TABLE's (a later row wins); `make bench`
#                        uses it to lift the login rate limit for its login storm

KISUM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
KISUM_DATA="${KISUM_DATA_DIR:-$KISUM_ROOT/.data}"
KISUM_BUILD_CONFIG="${KISUM_BUILD_CONFIG:-debug}"
KISUM_PG_PORT="${KISUM_PG_PORT:-5433}"
KISUM_GATEWAY_LISTEN="${KISUM_GATEWAY_LISTEN:-127.0.0.1:8080}"
KISUM_LOG_LEVEL="${KISUM_LOG_LEVEL:-info}"
KISUM_LOG_FORMAT="${KISUM_LOG_FORMAT:-text}"
KISUM_READY_TIMEOUT="${KISUM_READY_TIMEOUT:-120}"

KISUM_PGDATA="$KISUM_DATA/pg"
KISUM_RUN="$KISUM_DATA/run"
KISUM_LOGS="$KISUM_DATA/logs"
KISUM_SECRETS="$KISUM_DATA/secrets.env"
KISUM_NGINX_DIR="$KISUM_DATA/nginx"

# shellcheck source=deploy/local/services.env.sh
source "$KISUM_ROOT/deploy/local/services.env.sh"

# ---------------------------------------------------------------------------------------------- output

kisum_say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
kisum_warn() { printf '\033[1;33mwarning:\033[0m %s\n' "$*" >&2; }
kisum_die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------- tables

# Lines of a table without blanks.
kisum_rows() { printf '%s\n' "$1" | sed -e 's/#.*//' -e '/^[[:space:]]*$/d'; }

KISUM_SERVICES=()
declare -A KISUM_PORT=() KISUM_DB=() KISUM_PREFIX=()
while read -r _svc _port _db _prefix; do
    KISUM_SERVICES+=("$_svc")
    KISUM_PORT[$_svc]=$_port
    KISUM_DB[$_svc]=$_db
    KISUM_PREFIX[$_svc]=$_prefix
done < <(kisum_rows "$KISUM_SERVICE_TABLE")
unset _svc _port _db _prefix

# platform-core -> PLATFORM_CORE
kisum_upper() { printf '%s' "$1" | tr 'a-z-' 'A-Z_'; }

# Exports <SERVICE>_LOCAL_URL for every service.
for _svc in "${KISUM_SERVICES[@]}"; do
    printf -v "$(kisum_upper "$_svc")_LOCAL_URL" 'http://127.0.0.1:%s' "${KISUM_PORT[$_svc]}"
done
unset _svc

kisum_gateway_port() { printf '%s' "${KISUM_GATEWAY_LISTEN##*:}"; }
kisum_gateway_url() {
    local host="${KISUM_GATEWAY_LISTEN%:*}"
    [[ "$host" == "0.0.0.0" || "$host" == "*" || "$host" == "$KISUM_GATEWAY_LISTEN" ]] && host=127.0.0.1
    printf 'http://%s:%s' "$host" "$(kisum_gateway_port)"
}

# ---------------------------------------------------------------------------------------------- secrets

kisum_random_hex() { head -c "$1" /dev/urandom | od -An -tx1 -v | tr -d ' \n'; }

kisum_generate_secret() {
    case "$1" in
        key) kisum_random_hex 32 ;;
        base64-32) head -c 32 /dev/urandom | base64 -w0 ;;
        hex-24) kisum_random_hex 24 ;;
        *) kisum_die "unknown secret kind $1" ;;
    esac
}

# Creates .data/secrets.env on first run and adds any secret the table gained since; never rewrites one.
kisum_ensure_secrets() {
    mkdir -p "$KISUM_DATA"
    local old_umask
    old_umask=$(umask)
    umask 077
    touch "$KISUM_SECRETS"
    umask "$old_umask"
    chmod 600 "$KISUM_SECRETS"
    local name kind added=() lock
    # Two runs starting at once must not both generate a secret.
    exec {lock}>>"$KISUM_SECRETS"
    flock "$lock"
    while read -r name kind; do
        if ! grep -q "^${name}=" "$KISUM_SECRETS"; then
            printf '%s=%s\n' "$name" "$(kisum_generate_secret "$kind")" >>"$KISUM_SECRETS"
            added+=("$name")
        fi
    done < <(kisum_rows "$KISUM_SECRET_TABLE")
    exec {lock}>&-
    if ((${#added[@]})); then
        kisum_say "generated local secrets into ${KISUM_SECRETS#"$KISUM_ROOT"/}: ${added[*]}"
    fi
}

kisum_load_secrets() {
    kisum_ensure_secrets
    local line name
    # Split at the first '=' only: `IFS='=' read name value` drops a trailing '=', which is base64 padding.
    while IFS= read -r line; do
        name="${line%%=*}"
        [[ "$line" == *=* && "$name" =~ ^[A-Z_][A-Z0-9_]*$ ]] || continue
        printf -v "$name" '%s' "${line#*=}"
    done <"$KISUM_SECRETS"
}

# ---------------------------------------------------------------------------------------------- environment

# Prints NAME=value lines of a service's environment (KISUM_ENV_TABLE); secrets must be loaded.
kisum_service_env() {
    local svc="$1" who name template value
    [[ -n "${KISUM_PORT[$svc]:-}" ]] || kisum_die "unknown service $svc"
    # Per-service values the templates may use.
    local SVC="$svc" SVC_PORT="${KISUM_PORT[$svc]}" SVC_DB="${KISUM_DB[$svc]}"
    local key_var
    key_var="$(kisum_upper "$svc")_INTERNAL_KEY"
    local SVC_INTERNAL_KEY="${!key_var:-}"
    [[ -n "$SVC_INTERNAL_KEY" ]] || kisum_die "no $key_var in $KISUM_SECRETS (add it to KISUM_SECRET_TABLE)"
    while read -r who name template; do
        case "$who" in
            all) ;;
            others) [[ "$svc" != "platform-core" ]] || continue ;;
            *) [[ "$who" == "$svc" ]] || continue ;;
        esac
        eval "value=\"$template\""
        printf '%s=%s\n' "$name" "$value"
    done < <(kisum_rows "$KISUM_ENV_TABLE"; kisum_rows "${KISUM_ENV_EXTRA:-}")
}

# ---------------------------------------------------------------------------------------------- processes

kisum_is_root() { [[ "$(id -u)" == 0 ]]; }

# Runs a command as the postgres user when root (initdb and postgres refuse root).
kisum_as_pg() {
    if kisum_is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

# True when the pid in <file> is alive and its command line mentions <marker>.
kisum_pid_alive() {
    local file="$1" marker="$2" pid
    [[ -s "$file" ]] || return 1
    pid=$(cat "$file")
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kisum_running_pid "$pid" || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$marker"
}

# True while <pid> runs (a zombie waiting for its parent to reap it has already stopped).
kisum_running_pid() {
    local state
    state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
    [[ -n "$state" && "$state" != Z && "$state" != X ]]
}

# Sends SIGTERM to the process in <file> (if it is ours), waits up to <timeout> seconds, then SIGKILL.
kisum_stop_pid() {
    local file="$1" marker="$2" label="$3" timeout="${4:-20}" pid i
    if ! kisum_pid_alive "$file" "$marker"; then
        rm -f "$file"
        return 0
    fi
    pid=$(cat "$file")
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < timeout * 20; i++)); do
        kisum_running_pid "$pid" || break
        sleep 0.05
    done
    if kisum_running_pid "$pid"; then
        kisum_warn "$label did not stop within ${timeout}s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$file"
    kisum_say "stopped $label"
}

# A service's files under $KISUM_RUN: its pid, its supervisor's pid (platform.sh supervise), the
# supervisor's restart record ("<count> <when> <what>"), and the marker that says a stop was asked for.
service_pid_file() { printf '%s/%s.pid' "$KISUM_RUN" "$1"; }
# A service process is recognised by its pid file and its command line (`.../<svc> serve`).
service_running() { kisum_pid_alive "$(service_pid_file "$1")" "/$1 serve"; }
supervisor_pid_file() { printf '%s/%s.supervisor.pid' "$KISUM_RUN" "$1"; }
restarts_file() { printf '%s/%s.restarts' "$KISUM_RUN" "$1"; }
stop_marker() { printf '%s/%s.stopping' "$KISUM_RUN" "$1"; }
supervisor_running() { kisum_pid_alive "$(supervisor_pid_file "$1")" "platform.sh supervise $1"; }
# Restarts so far, the first word of the restarts file (0 when there were none).
restart_count() { local count; read -r count _ 2>/dev/null <"$(restarts_file "$1")" && printf '%s' "${count:-0}" || printf 0; }

# True when something accepts TCP connections on 127.0.0.1:<port>.
kisum_port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---------------------------------------------------------------------------------------------- build

kisum_bin_dir() {
    local args=(-c "$KISUM_BUILD_CONFIG")
    [[ -n "${KISUM_SWIFT_SCRATCH:-}" ]] && args+=(--scratch-path "$KISUM_SWIFT_SCRATCH")
    (cd "$KISUM_ROOT" && swift build "${args[@]}" --show-bin-path)
}

# ---------------------------------------------------------------------------------------------- postgres

kisum_pg_bin() {
    if [[ -n "${PG_BIN:-}" ]]; then printf '%s' "$PG_BIN"; return; fi
    local newest
    newest=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | grep -E '^[0-9]+$' | sort -n | tail -1)
    [[ -n "$newest" && -x "/usr/lib/postgresql/$newest/bin/initdb" ]] ||
        kisum_die "PostgreSQL server binaries not found under /usr/lib/postgresql (run deploy/scripts/install-deps.sh or set PG_BIN)"
    printf '/usr/lib/postgresql/%s/bin' "$newest"
}

kisum_pg_running() {
    [[ -s "$KISUM_PGDATA/PG_VERSION" ]] || return 1
    kisum_as_pg "$(kisum_pg_bin)/pg_ctl" -D "$KISUM_PGDATA" status >/dev/null 2>&1
}

kisum_pg_init() {
    local bin
    bin=$(kisum_pg_bin)
    if [[ -s "$KISUM_PGDATA/PG_VERSION" ]]; then
        local have want
        have=$(cat "$KISUM_PGDATA/PG_VERSION")
        want=$(basename "$(dirname "$bin")")
        [[ "$have" == "$want" || ! "$want" =~ ^[0-9]+$ ]] ||
            kisum_die "the local cluster in ${KISUM_PGDATA} is PostgreSQL $have but the installed server is $want; remove .data/pg (make clean-data) to start over"
        return 0
    fi
    kisum_say "initializing a PostgreSQL cluster in ${KISUM_PGDATA#"$KISUM_ROOT"/}"
    mkdir -p "$KISUM_PGDATA"
    chmod 700 "$KISUM_PGDATA"
    local pwdir
    pwdir=$(mktemp -d)
    printf '%s\n' "$KISUM_DB_PASSWORD" >"$pwdir/pw"
    if kisum_is_root; then
        chown -R postgres:postgres "$KISUM_PGDATA" "$pwdir"
    fi
    if ! kisum_as_pg "$bin/initdb" -D "$KISUM_PGDATA" -U kisum --pwfile="$pwdir/pw" --auth=scram-sha-256 \
        -E UTF8 --locale=C --no-instructions >"$KISUM_LOGS/initdb.log" 2>&1; then
        rm -rf "$pwdir"
        cat "$KISUM_LOGS/initdb.log" >&2
        rm -rf "$KISUM_PGDATA"
        kisum_die "initdb failed"
    fi
    rm -rf "$pwdir"
    printf "\n# Local-run settings, rewritten on every start by deploy/local/lib.sh\ninclude_if_exists = 'kisum.conf'\n" \
        >>"$KISUM_PGDATA/postgresql.conf"
}

kisum_pg_start() {
    local bin
    bin=$(kisum_pg_bin)
    kisum_pg_init
    if kisum_pg_running; then
        kisum_say "PostgreSQL already running on 127.0.0.1:$KISUM_PG_PORT"
        return 0
    fi
    if kisum_port_busy "$KISUM_PG_PORT"; then
        kisum_die "port $KISUM_PG_PORT is in use by another program; choose another with KISUM_PG_PORT=<port>"
    fi
    cat >"$KISUM_PGDATA/kisum.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $KISUM_PG_PORT
unix_socket_directories = ''
max_connections = 300
EOF
    local log="$KISUM_LOGS/postgres.log"
    touch "$log"
    if kisum_is_root; then chown postgres:postgres "$KISUM_PGDATA/kisum.conf" "$log"; fi
    kisum_say "starting PostgreSQL on 127.0.0.1:$KISUM_PG_PORT"
    kisum_as_pg "$bin/pg_ctl" -D "$KISUM_PGDATA" -l "$log" -w -t 60 start >/dev/null ||
        { tail -20 "$log" >&2; kisum_die "PostgreSQL did not start (see ${log#"$KISUM_ROOT"/})"; }
}

kisum_pg_stop() {
    if kisum_pg_running; then
        kisum_as_pg "$(kisum_pg_bin)/pg_ctl" -D "$KISUM_PGDATA" -m fast -w -t 60 stop >/dev/null &&
            kisum_say "stopped PostgreSQL"
    fi
}

kisum_psql() {
    PGPASSWORD="$KISUM_DB_PASSWORD" "$(kisum_pg_bin)/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$KISUM_PG_PORT" \
        -U kisum -d postgres "$@"
}

kisum_pg_create_databases() {
    local svc db
    for svc in "${KISUM_SERVICES[@]}"; do
        db="${KISUM_DB[$svc]}"
        if [[ "$(kisum_psql -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" != "1" ]]; then
            kisum_psql -c "CREATE DATABASE $db" || kisum_die "could not create database $db"
            kisum_say "created database $db"
        fi
    done
}

# A service's own address (not through the gateway).
kisum_direct_url() { printf 'http://127.0.0.1:%s' "${KISUM_PORT[$1]}"; }

# A new account and workspace (Platform Core's sign-up): prints "<access token> <workspace id>". The
# fuzzing itself may have used up the sign-up rate limit: a 429 is waited out as its Retry-After says.
kisum_throwaway_user() {
    local email body status attempt wait
    for attempt in 1 2 3 4 5 6; do
        email="${1:-throwaway}-$(kisum_random_hex 6)@example.com"
        body=$(mktemp)
        status=$(curl -sS -m 30 -o "$body" -D "$body.headers" -w '%{http_code}' "$(kisum_direct_url platform-core)/api/v1/auth/signup" \
            -H 'content-type: application/json' \
            -d "{\"email\":\"$email\",\"password\":\"fuzzing password $(kisum_random_hex 4)\",\"full_name\":\"Fuzz\",\"company_name\":\"Fuzz $(kisum_random_hex 3)\"}" || true)
        if [[ "$status" == 200 || "$status" == 201 ]]; then
            python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["access_token"], d["workspace"]["id"])' <"$body"
            rm -f "$body" "$body.headers"
            return 0
        fi
        wait=$(grep -i '^retry-after:' "$body.headers" | tr -dc '0-9')
        rm -f "$body" "$body.headers"
        [[ "$status" == 429 ]] || break
        echo "sign-up rate-limited; retrying in ${wait:-15}s (attempt $attempt)" >&2
        sleep "${wait:-15}"
    done
    echo "sign-up of a throw-away user failed (HTTP $status)" >&2
    return 1
}

