#!/usr/bin/env bash
# Installs what a fresh Debian (bookworm) machine lacks to build, test and run Kisum locally.
# Only missing packages are installed (after `apt-get update`); a machine that has them all is not
# touched. The Swift toolchain itself is not a Debian package: install it from swift.org.
#   install-deps.sh --fuzz   also the fuzzer of `make fuzz`: schemathesis, pinned, in a virtual
#                            environment ($KISUM_FUZZ_VENV, default .data/fuzz-venv)
#   install-deps.sh --bench  also wrk, the load generator of the benchmark scripts
#   install-deps.sh --k8s    also the manifest checkers of deploy/k8s/check.sh: kubernetes-validate and
#                            checkov, pinned, in a virtual environment ($KISUM_K8S_VENV, default .data/k8s-venv)
#   install-deps.sh --containers  also what `make image` and `make up-containers` use: podman with runc (crun
#                            refuses hybrid cgroups), netavark and aardvark-dns (containers find each other by
#                            name), debootstrap (the base image from the Debian mirror, no registry), and
#                            podman-compose, pinned, in a virtual environment ($KISUM_CONTAINERS_VENV, default
#                            .data/containers-venv): Debian's 1.0.3 ignores depends_on conditions
# Every mode also puts Swagger UI's files (PyPI's swagger-ui-bundle-v2, pinned by version and hash:
# deploy/scripts/install-swagger-ui.sh) in $KISUM_SWAGGER_UI_DIR (default .data/swagger-ui), where the services'
# /docs pages load them from (DOCS_ASSETS_DIR): the page never loads anything from a CDN.
set -euo pipefail

SCHEMATHESIS_VERSION=4.32.5
KUBERNETES_VALIDATE_VERSION=1.37.0
CHECKOV_VERSION=3.3.30
PODMAN_COMPOSE_VERSION=1.6.0
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
FUZZ=0
BENCH=0
K8S=0
CONTAINERS=0
[[ "${1:-}" == --fuzz ]] && FUZZ=1
[[ "${1:-}" == --bench ]] && BENCH=1
[[ "${1:-}" == --k8s ]] && K8S=1
[[ "${1:-}" == --containers ]] && CONTAINERS=1

PACKAGES=(
    # build: libcurl (inter-service client), libargon2 (password hashing), git (SwiftPM)
    git ca-certificates libcurl4-openssl-dev libargon2-dev
    # documents (KisumPdf): pango and cairo to build against, the Noto fonts every script renders in
    # (fontconfig falls back from Noto Sans to CJK, Arabic …), poppler-utils (pdftotext) to read them back in tests
    libpango1.0-dev libcairo2-dev fonts-noto-core fonts-noto-cjk poppler-utils
    # what Swift's toolchain links against (the rest of its dependencies come with its installer)
    libc6-dev tzdata
    # tests and local run: PostgreSQL server (throw-away clusters, local cluster), nginx gateway, curl
    postgresql nginx-light curl
    # tests: a real iCalendar parser reads Base's calendar feeds back (EventsCalendarFeedTests)
    python3 python3-icalendar
    # tests: nginx's WebDAV extension (PROPFIND) makes the real WebDAV server Base's Nextcloud client is tested
    # against (NextcloudTests)
    libnginx-mod-http-dav-ext
    # the services' /docs pages: Swagger UI comes from PyPI through a throw-away virtual environment's pip
    python3-venv
    # tests: headless Chromium renders each service's /docs page (Swagger UI) and the test reads the operations
    # off the rendered DOM (Tests/SystemTests/DocsPageTests.swift)
    chromium
)

installed() { [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" == installed ]]; }

if ! command -v dpkg-query >/dev/null; then
    echo "install-deps: not a Debian-based system; install these yourself: ${PACKAGES[*]}" >&2
    exit 0
fi

missing=()
((BENCH)) && PACKAGES+=(wrk)
# netavark sets up the containers' bridge network with iptables (only "suggested" by podman's package, so a fresh
# machine lacks it and every container fails to start with "netavark: No such file or directory").
((CONTAINERS)) && PACKAGES+=(podman runc netavark aardvark-dns iptables debootstrap python3-venv)
for package in "${PACKAGES[@]}"; do
    installed "$package" || missing+=("$package")
done

if ((${#missing[@]})); then
    echo "==> installing missing packages: ${missing[*]}" >&2
    sudo=()
    if [[ "$(id -u)" != 0 ]]; then
        command -v sudo >/dev/null || { echo "install-deps: run as root or install sudo" >&2; exit 1; }
        sudo=(sudo)
    fi
    "${sudo[@]}" apt-get update -q
    # Debian's postgresql and nginx packages start system services on install where they can; the
    # local run uses its own cluster (port 5433) and gateway config, so those do not get in the way.
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Python's venv module (pip comes with it), for the virtual environments below.
need_venv() {
    if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' 2>/dev/null; then
        echo "==> installing python3-venv" >&2
        sudo=()
        [[ "$(id -u)" != 0 ]] && sudo=(sudo)
        "${sudo[@]}" apt-get update -q
        DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends python3 python3-venv
    fi
}

# Swagger UI for the services' /docs pages (deploy/scripts/install-swagger-ui.sh; it does nothing when the pinned
# version is there already).
"$ROOT/deploy/scripts/install-swagger-ui.sh" "${KISUM_SWAGGER_UI_DIR:-$ROOT/.data/swagger-ui}"

if ((FUZZ)); then
    venv="${KISUM_FUZZ_VENV:-$ROOT/.data/fuzz-venv}"
    if [[ "$("$venv/bin/schemathesis" --version 2>/dev/null)" != *"$SCHEMATHESIS_VERSION"* ]]; then
        need_venv
        echo "==> installing schemathesis $SCHEMATHESIS_VERSION into $venv" >&2
        rm -rf "$venv"
        python3 -m venv "$venv"
        "$venv/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
    fi
fi

if ((K8S)); then
    venv="${KISUM_K8S_VENV:-$ROOT/.data/k8s-venv}"
    if [[ "$("$venv/bin/checkov" --version 2>/dev/null)" != "$CHECKOV_VERSION" ||
          "$("$venv/bin/kubernetes-validate" --version 2>/dev/null)" != "$KUBERNETES_VALIDATE_VERSION" ]]; then
        need_venv
        echo "==> installing kubernetes-validate $KUBERNETES_VALIDATE_VERSION and checkov $CHECKOV_VERSION into $venv" >&2
        rm -rf "$venv"
        python3 -m venv "$venv"
        "$venv/bin/pip" install -q --disable-pip-version-check \
            "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" "checkov==$CHECKOV_VERSION"
    fi
fi

if ((CONTAINERS)); then
    venv="${KISUM_CONTAINERS_VENV:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.data/containers-venv}"
    if [[ "$("$venv/bin/podman-compose" --version 2>/dev/null | head -1)" != *" $PODMAN_COMPOSE_VERSION" ]]; then
        echo "==> installing podman-compose $PODMAN_COMPOSE_VERSION into $venv" >&2
        rm -rf "$venv"
        # Debian's python3 (python3-venv above), whatever else is first on PATH.
        /usr/bin/python3 -m venv "$venv"
        "$venv/bin/pip" install -q --disable-pip-version-check "podman-compose==$PODMAN_COMPOSE_VERSION"
    fi
fi

if ! command -v swift >/dev/null; then
    cat >&2 <<'MSG'
install-deps: the Swift toolchain (6.x) is not on PATH. Install it from https://www.swift.org/install/linux/
(e.g. with swiftly) and run this again.
MSG
    exit 1
fi
