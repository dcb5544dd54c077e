#!/usr/bin/env bash
# Installs what is missing, builds everything including the tests, and runs every test.
# Extra arguments go to `swift test` (e.g. `deploy/scripts/test.sh --filter DeployTests`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
deploy/scripts/install-deps.sh
# Every module a target imports must be a declared dependency of it (with MemberImportVisibility on in
# Package.swift, every file imports what it uses): an undeclared import fails the build here.
echo "==> swift build --build-tests --explicit-target-dependency-import-check error" >&2
swift build --build-tests --explicit-target-dependency-import-check error
echo "==> swift test $*" >&2
swift test "$@"
