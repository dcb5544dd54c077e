#!/usr/bin/env bash
# Crash-restart drill on a running platform (`make up`): kills one service process the way a crash
# would (SIGKILL, no chance to clean up), then checks that its supervisor started it again, that it is
# ready again, and that `make status` and .data/logs/supervisor.log say loudly that it happened.
# Usage: deploy/local/restart-drill.sh [service] (default venue)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=deploy/local/lib.sh
source "$HERE/lib.sh"

svc="${1:-venue}"
[[ -n "${KISUM_PORT[$svc]:-}" ]] || kisum_die "unknown service $svc"
service_running "$svc" || kisum_die "$svc is not running: start the platform with \`make up\` first"
before=$(restart_count "$svc")
old_pid=$(cat "$(service_pid_file "$svc")")

echo "restart drill: killing $svc (pid $old_pid) with SIGKILL"
kill -KILL "$old_pid"

deadline=$((SECONDS + 60))
until service_running "$svc" && [[ "$(cat "$(service_pid_file "$svc")")" != "$old_pid" ]] \
    && curl -fsS -m 2 -o /dev/null "http://127.0.0.1:${KISUM_PORT[$svc]}/health/ready"; do
    ((SECONDS < deadline)) || kisum_die "$svc was not restarted and ready within 60 s"
    sleep 0.5
done
new_pid=$(cat "$(service_pid_file "$svc")")
echo "restart drill: $svc is back (pid $new_pid) and ready"

status=$("$HERE/platform.sh" status)
echo "$status"
line=$(grep "^$svc " <<<"$status")
after=$(restart_count "$svc")
((after == before + 1)) || kisum_die "the restart record counts $after restart(s), expected $((before + 1))"
[[ "$line" == *"running (pid $new_pid)"*"CRASHED AND RESTARTED ${after}x"*"killed by signal KILL"* ]] \
    || kisum_die "make status does not show the crash and restart of $svc: $line"
grep -q "$svc (pid $old_pid) exited unexpectedly: killed by signal KILL" "$KISUM_LOGS/supervisor.log" \
    || kisum_die ".data/logs/supervisor.log does not record the crash"
grep -q "kisum supervisor: .*$svc (pid $old_pid) exited unexpectedly" "$KISUM_LOGS/$svc.log" \
    || kisum_die "$svc's log does not record the crash"
echo "restart drill: passed (make status, supervisor.log and $svc.log show the crash and the restart)"
