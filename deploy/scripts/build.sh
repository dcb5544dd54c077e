#!/usr/bin/env bash
# Builds the five service executables.
#   KISUM_BUILD_CONFIG=debug|release (default debug)
#   KISUM_SWIFT_SCRATCH=<dir>  optional --scratch-path (default: SwiftPM's .build)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
args=(-c "${KISUM_BUILD_CONFIG:-debug}")
[[ -n "${KISUM_SWIFT_SCRATCH:-}" ]] && args+=(--scratch-path "$KISUM_SWIFT_SCRATCH")
echo "==> swift build ${args[*]}" >&2
swift build "${args[@]}"
