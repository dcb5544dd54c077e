# shellcheck shell=bash
# Helpers for the container scripts (image.sh, compose.sh, base-image.sh). Sourced, not executed.
#
# Settings (environment variables, all optional):
#   KISUM_BASE_IMAGE        the base every image starts from (default kisum-base:bookworm, made by base-image.sh)
#   KISUM_IMAGE             the services' image (default kisum:local)
#   KISUM_CONTAINERS_PORT   the gateway's published port (default 8080)
#   KISUM_IMAGE_CONFIG      debug | release build of the executables in the image (default release)
#   KISUM_DEBIAN_MIRROR     the Debian mirror for the base image (default: the one apt uses on this machine)

KISUM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
KISUM_BASE_IMAGE="${KISUM_BASE_IMAGE:-kisum-base:bookworm}"
KISUM_IMAGE="${KISUM_IMAGE:-kisum:local}"
KISUM_CONTAINERS_PORT="${KISUM_CONTAINERS_PORT:-8080}"
KISUM_IMAGE_CONFIG="${KISUM_IMAGE_CONFIG:-release}"

# podman reads this file instead of /etc/containers/containers.conf (runc, no rlimit raising, no systemd).
export CONTAINERS_CONF="$KISUM_ROOT/deploy/containers/containers.conf"

# shellcheck source=deploy/local/lib.sh
source "$KISUM_ROOT/deploy/local/lib.sh"

kisum_need() {
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null ||
            kisum_die "$tool not found: run deploy/scripts/install-deps.sh --containers"
    done
}

kisum_image_exists() { podman image exists "$1"; }

# The Debian archive apt uses on this machine (sources.list or deb822 .sources), e.g. http://deb.debian.org/debian:
# the base image is made from the same mirror, never from a container registry.
kisum_debian_mirror() {
    if [[ -n "${KISUM_DEBIAN_MIRROR:-}" ]]; then
        printf '%s' "$KISUM_DEBIAN_MIRROR"
        return
    fi
    local found
    found=$(kisum_apt_sources | awk '$2 ~ /^bookworm$/ { print $1; exit }')
    [[ -n "$found" ]] || kisum_die "no Debian bookworm mirror in /etc/apt/sources.list(.d); set KISUM_DEBIAN_MIRROR"
    printf '%s' "$found"
}

# The security archive apt uses here, if any (for the base image's sources.list).
kisum_debian_security_mirror() {
    kisum_apt_sources | awk '$2 ~ /^bookworm-security$/ { print $1; exit }'
}

# "URI SUITE" lines of every enabled deb source (one-line .list and deb822 .sources formats).
kisum_apt_sources() {
    local file
    for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [[ -f "$file" ]] || continue
        # deb [options] URI SUITE COMPONENTS…
        sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$file" | awk '$1 == "deb" { print $2, $3 }'
    done
    for file in /etc/apt/sources.list.d/*.sources; do
        [[ -f "$file" ]] || continue
        # Stanzas separated by blank lines; Types, URIs and Suites may list several values.
        awk '
            function flush() { if (types ~ /(^| )deb( |$)/ && enabled != "no") for (u in uris) for (s in suites) print uris[u], suites[s]
                               delete uris; delete suites; types = ""; enabled = "" }
            /^[[:space:]]*#/ { next }
            /^[[:space:]]*$/ { flush(); next }
            tolower($1) == "types:" { types = ""; for (i = 2; i <= NF; i++) types = types " " $i; types = types " " }
            tolower($1) == "uris:" { for (i = 2; i <= NF; i++) uris[i] = $i }
            tolower($1) == "suites:" { for (i = 2; i <= NF; i++) suites[i] = $i }
            tolower($1) == "enabled:" { enabled = tolower($2) }
            END { flush() }
        ' "$file"
    done
}
