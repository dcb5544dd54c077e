#!/usr/bin/env bash
# Installs what is missing, builds everything including the tests, and runs every test.
# Extra arguments go to `swift test` (e.g. `deploy/scripts/test.sh --filter DeployTests`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
deploy/scripts/install-deps.sh
echo "==> swift build --build-tests" >&2
swift build --build-tests
echo "==> swift test $*" >&2
swift test "$@"
