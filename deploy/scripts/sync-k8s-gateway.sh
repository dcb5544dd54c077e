#!/usr/bin/env bash
# Copies deploy/gateway/{server,upstreams,routes}.conf into the kisum-gateway ConfigMap of
# deploy/k8s/gateway.yaml (its first document); Tests/DeployTests checks that they are identical.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
manifest=deploy/k8s/gateway.yaml
rest=$(awk 'found { print; next } /^---$/ { found = 1; print }' "$manifest")
{
    cat <<'HEAD'
# The gateway: nginx with the same configuration as the local run and compose. The kisum-gateway
# ConfigMap holds exact copies of deploy/gateway/{server,upstreams,routes}.conf (Tests/DeployTests
# fails when they drift: run deploy/scripts/sync-k8s-gateway.sh after editing them). /internal/ is
# blocked there.
apiVersion: v1
kind: ConfigMap
metadata:
  name: kisum-gateway
  labels:
    app.kubernetes.io/part-of: kisum
data:
HEAD
    for file in server.conf upstreams.conf routes.conf; do
        printf '  %s: |\n' "$file"
        sed -e 's/^\(.\)/    \1/' "deploy/gateway/$file"
    done
    printf '%s\n' "$rest"
} >"$manifest.tmp"
mv "$manifest.tmp" "$manifest"
echo "updated $manifest"
