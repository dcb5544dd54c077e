#!/usr/bin/env bash
# `make image`: the Kisum images, built with podman and no container registry:
#   kisum:local           the five services: one executable, `kisum`, linked under each role's name
#                         (deploy/Dockerfile, stage runtime; the command picks the role)
#   kisum-postgres:local  Debian's PostgreSQL for compose (stage postgres)
#   kisum-gateway:local   Debian's nginx with deploy/gateway/ (stage gateway)
# all from kisum-base:bookworm (base-image.sh: debootstrap from this machine's Debian mirror). The
# executable is built here with --static-swift-stdlib and handed to the Dockerfile's runtime stage as
# the `prebuilt` stage, so this and `docker build` share one recipe (see the Dockerfile's header).
#   KISUM_IMAGE_CONFIG=debug|release   the executables' build (default release; CI uses debug, which only
#                                      re-links the test step's build)
#   KISUM_SWIFT_SCRATCH=<dir>          SwiftPM --scratch-path (default .build)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=deploy/containers/lib.sh
source "$HERE/lib.sh"

kisum_need podman swift
cd "$KISUM_ROOT"
"$HERE/base-image.sh"

# The same static link flags as the Dockerfile's build stage (see the comment there).
read -r -a link_flags < <(sed -n 's/^ARG KISUM_STATIC_LINK_FLAGS="\(.*\)"$/\1/p' deploy/Dockerfile)
swift_args=(-c "$KISUM_IMAGE_CONFIG" --static-swift-stdlib "${link_flags[@]}")
[[ -n "${KISUM_SWIFT_SCRATCH:-}" ]] && swift_args+=(--scratch-path "$KISUM_SWIFT_SCRATCH")
kisum_say "swift build -c $KISUM_IMAGE_CONFIG --static-swift-stdlib --product kisum (and the link flags of deploy/Dockerfile)"
begin=$SECONDS
swift build "${swift_args[@]}" --product kisum
kisum_say "built in $((SECONDS - begin)) s"
bin=$(swift build "${swift_args[@]}" --show-bin-path)
[[ -x "$bin/kisum" ]] || kisum_die "the build did not produce $bin/kisum"

# Stage the executable as the build stage does: without symbols and debug info (a third of a release executable,
# most of a debug one), which stay beside the image in kisum.debug, linked by build id, for reading a backtrace.
objcopy=$(command -v objcopy || command -v llvm-objcopy || printf '%s' "$(dirname "$(readlink -f "$(command -v swift)")")/llvm-objcopy")
out="${KISUM_SWIFT_SCRATCH:-$KISUM_ROOT/.build}/kisum-image"
stage="$out/bin"
rm -rf "$stage"
mkdir -p "$stage"
"$objcopy" --only-keep-debug "$bin/kisum" "$out/kisum.debug"
"$objcopy" --strip-all --add-gnu-debuglink="$out/kisum.debug" "$bin/kisum" "$stage/kisum"
find "$bin" -maxdepth 1 -name '*.resources' -exec cp -R {} "$stage/" \;

# Swagger UI's files for /docs, where the deps script puts them (installed here if missing).
docs="$KISUM_ROOT/.data/swagger-ui"
"$KISUM_ROOT/deploy/scripts/install-swagger-ui.sh" "$docs"

build() {
    local target="$1" tag="$2"
    kisum_say "podman build --target $target -t $tag"
    # --format docker keeps HEALTHCHECK (the OCI format has no field for it); the ignore file keeps
    # .build and .data out of the context, as for docker build. --network host: apt in a build step reaches the
    # mirror as this machine does (some sandboxes' name server is unreachable from a container's own network).
    podman build --quiet --format docker --network host --target "$target" --tag "$tag" \
        --file deploy/Dockerfile --ignorefile deploy/Dockerfile.dockerignore \
        --build-arg BASE_IMAGE="$KISUM_BASE_IMAGE" --build-arg BINARIES=prebuilt \
        --build-context prebuilt-bin="$stage" --build-context docs-assets="$docs" \
        . >/dev/null
}
begin=$SECONDS
build runtime "$KISUM_IMAGE"
build postgres kisum-postgres:local
build gateway kisum-gateway:local
kisum_say "images built in $((SECONDS - begin)) s"

# Every shared library the executable links is in the image: runtime-root.sh starts it inside the picked files.
for image in "$KISUM_IMAGE" kisum-postgres:local kisum-gateway:local; do
    printf '  %-22s %s MB\n' "$image" "$(($(podman image inspect --format '{{.Size}}' "$image") / 1000000))"
done
