#!/usr/bin/env bash
# `make fuzz`: schemathesis (pinned, in a virtual environment the deps script makes) against every
# running service's /openapi.yaml, with every check on, a fixed seed and example count. Requests carry a
# throw-away user's token, its workspace as x-org / x-workspace-id, and the service's internal key, so
# tenant and internal routes are fuzzed past authentication. Operations that end the caller's session or
# take its access away run last, one per fresh user.
#
# Fails on any 5xx, any service process that exited (its supervisor's restart record, a crash report in
# its log) and any response that violates the contract. Needs a running platform (`make up`).
#   KISUM_FUZZ_SEED (20261205), KISUM_FUZZ_EXAMPLES (50 per operation), KISUM_FUZZ_SERVICES (all),
#   KISUM_FUZZ_WORKERS (1), KISUM_FUZZ_LANES (2 services fuzzed at once), KISUM_FUZZ_ARGS (extra schemathesis filters for a partial run, e.g.
#   "--include-tag Xero"; CI sets none). Reports: .data/fuzz/<service>[-<operation>]/.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=deploy/local/lib.sh
source "$HERE/lib.sh"

SEED="${KISUM_FUZZ_SEED:-20261205}"
EXAMPLES="${KISUM_FUZZ_EXAMPLES:-50}"
WORKERS="${KISUM_FUZZ_WORKERS:-1}"
read -r -a SERVICES <<<"${KISUM_FUZZ_SERVICES:-${KISUM_SERVICES[*]}}"
read -r -a EXTRA <<<"${KISUM_FUZZ_ARGS:-}"
export KISUM_FUZZ_VENV="${KISUM_FUZZ_VENV:-$KISUM_DATA/fuzz-venv}"
REPORTS="$KISUM_DATA/fuzz"

# Operations that sign the caller out, change its password, remove members, switch modules off or
# rotate signing keys: each runs alone with a user of its own, so it cannot blind the others.
SESSION_ENDING=(
    logout updateMe updateUserById switchWorkspace updateWorkspace
    removeWorkspaceMember removeMember deleteMemberPermanently
    toggleModule updateModuleSettings createModuleSettings
    updateRolePermissions setRolePermission resetRolePermissions seedPermissions
    internalRotateSigningKeys
)

"$KISUM_ROOT/deploy/scripts/install-deps.sh" --fuzz
ST="$KISUM_FUZZ_VENV/bin/schemathesis"
kisum_load_secrets
mkdir -p "$REPORTS"


for svc in "${SERVICES[@]}"; do
    curl -fsS -m 5 -o /dev/null "$(kisum_direct_url "$svc")/health/ready" \
        || kisum_die "$svc is not ready on port ${KISUM_PORT[$svc]}: start the platform with \`make up\` first"
done


declare -A RESTARTS_BEFORE LOG_LINES_BEFORE
for svc in "${KISUM_SERVICES[@]}"; do
    RESTARTS_BEFORE[$svc]=$(restart_count "$svc")
    LOG_LINES_BEFORE[$svc]=$(wc -l <"$KISUM_LOGS/$svc.log" 2>/dev/null || echo 0)
done

FAILED_FILE="$REPORTS/failed.txt"
: >"$FAILED_FILE"
# fuzz SERVICE LABEL [schemathesis filter arguments...]
fuzz() {
    local svc="$1" label="$2" token workspace key_var
    shift 2
    read -r token workspace < <(kisum_throwaway_user fuzz) || true
    if [[ -z "${workspace:-}" ]]; then
        echo "FAIL could not sign up a throw-away user for $svc ($label)"
        echo "$svc:$label:sign-up" >>"$FAILED_FILE"
        return
    fi
    key_var="$(kisum_upper "$svc")_INTERNAL_KEY"
    printf '\n\033[1m----- fuzz %s (%s): seed %s, %s examples per operation -----\033[0m\n' "$svc" "$label" "$SEED" "$EXAMPLES"
    if ! "$ST" --config-file "$KISUM_ROOT/deploy/fuzz/schemathesis.toml" run "$(kisum_direct_url "$svc")/openapi.yaml" \
        --url "$(kisum_direct_url "$svc")" --seed "$SEED" --max-examples "$EXAMPLES" --workers "$WORKERS" \
        --header "Authorization: Bearer $token" --header "x-org: $workspace" --header "x-workspace-id: $workspace" \
        --header "X-Internal-API-Key: ${!key_var}" \
        --report junit --report-dir "$REPORTS/$svc-$label" --no-color "$@"; then
        echo "$svc:$label" >>"$FAILED_FILE"
    fi
}

fuzz_service() {
    local svc="$1" op excluded=()
    if [[ "$svc" == platform-core && ${#EXTRA[@]} -gt 0 ]]; then
        # A partial run: only what the filters name (session-ending operations included if named).
        fuzz "$svc" main "${EXTRA[@]}"
    elif [[ "$svc" == platform-core ]]; then
        for op in "${SESSION_ENDING[@]}"; do excluded+=(--exclude-operation-id "$op"); done
        fuzz "$svc" main "${excluded[@]}"
        for op in "${SESSION_ENDING[@]}"; do fuzz "$svc" "$op" --include-operation-id "$op"; done
    else
        fuzz "$svc" main ${EXTRA[@]+"${EXTRA[@]}"}
    fi
}

# Lanes run side by side (KISUM_FUZZ_LANES, 2 by default): the services mostly wait on the network and the database,
# so two schemathesis processes nearly halve the gate's time on two cores. Services are dealt to the lanes in turn,
# largest contracts first; each lane's output is kept apart and printed whole when it ends.
LANES="${KISUM_FUZZ_LANES:-2}"
declare -A SIZE
for svc in "${SERVICES[@]}"; do SIZE[$svc]=$(wc -c <"$KISUM_ROOT/contracts/$svc.yaml"); done
mapfile -t ORDERED < <(for svc in "${SERVICES[@]}"; do echo "${SIZE[$svc]} $svc"; done | sort -rn | awk '{print $2}')
declare -A LANE_OF LOAD
for ((lane = 0; lane < LANES; lane++)); do LOAD[$lane]=0; done
for svc in "${ORDERED[@]}"; do
    # The lightest lane so far takes the next service.
    best=0
    for ((lane = 1; lane < LANES; lane++)); do ((LOAD[$lane] < LOAD[$best])) && best=$lane; done
    LANE_OF[$svc]=$best
    LOAD[$best]=$((LOAD[$best] + SIZE[$svc]))
done
pids=()
for ((lane = 0; lane < LANES; lane++)); do
    lane_services=()
    for svc in "${ORDERED[@]}"; do [[ "${LANE_OF[$svc]}" == "$lane" ]] && lane_services+=("$svc"); done
    ((${#lane_services[@]})) || continue
    echo "fuzz lane $lane: ${lane_services[*]}"
    (for svc in "${lane_services[@]}"; do fuzz_service "$svc"; done) >"$REPORTS/lane-$lane.log" 2>&1 &
    pids+=("$!:$lane")
done
for entry in "${pids[@]}"; do
    wait "${entry%%:*}" || true
    printf '\n\033[1m===== fuzz lane %s =====\033[0m\n' "${entry#*:}"
    cat "$REPORTS/lane-${entry#*:}.log"
done
mapfile -t failed <"$FAILED_FILE"

# A process that died and was restarted still fails the run, even if every response looked fine.
printf '\n\033[1m----- processes -----\033[0m\n'
for svc in "${KISUM_SERVICES[@]}"; do
    restarts=$(restart_count "$svc")
    crashes=$(tail -n +"$((LOG_LINES_BEFORE[$svc] + 1))" "$KISUM_LOGS/$svc.log" 2>/dev/null | grep -c 'Program crashed' || true)
    if ((restarts > RESTARTS_BEFORE[$svc] || crashes > 0)) || ! service_running "$svc"; then
        printf '  FAIL %s: %s restart(s), %s crash report(s) during the run (see .data/logs/%s.log)\n' \
            "$svc" "$((restarts - RESTARTS_BEFORE[$svc]))" "$crashes" "$svc"
        failed+=("$svc:process")
    else
        printf '  ok   %s: no exit, no crash\n' "$svc"
    fi
done

echo
if ((${#failed[@]})); then
    echo "fuzz: FAILED: ${failed[*]} (reports in .data/fuzz/)"
    exit 1
fi
echo "fuzz: every service passed (seed $SEED, $EXAMPLES examples per operation)"
