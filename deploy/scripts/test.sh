#!/usr/bin/env bash
# Installs what is missing, builds everything including the tests, and runs every test.
# Extra arguments go to `swift test` (e.g. `deploy/scripts/test.sh --filter DeployTests`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
deploy/scripts/install-deps.sh
# Every module a target imports must be a declared dependency of it (with MemberImportVisibility on in
# Package.swift, every file imports what it uses): an undeclared import fails the build here.
echo "==> swift build --build-tests --explicit-target-dependency-import-check error" >&2
begin=$SECONDS
swift build --build-tests --explicit-target-dependency-import-check error
echo "==> build took $((SECONDS - begin)) s"
echo "==> swift test $*" >&2
begin=$SECONDS
status=0
swift test --skip-build "$@" || status=$?
echo "==> tests ended after $((SECONDS - begin)) s (exit $status)"
exit "$status"
