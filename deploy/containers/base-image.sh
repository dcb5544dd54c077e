#!/usr/bin/env bash
# Makes the base image every Kisum image starts from (kisum-base:bookworm) without any container
# registry: debootstrap a minimal Debian bookworm from the mirror this machine's apt uses, trim it like
# debian:bookworm-slim, and import the tree into podman. Takes about 30 s; skipped if the image exists.
#   base-image.sh [--force]    --force rebuilds it (e.g. for newer security updates)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=deploy/containers/lib.sh
source "$HERE/lib.sh"

kisum_need podman debootstrap
if [[ "${1:-}" != --force ]] && kisum_image_exists "$KISUM_BASE_IMAGE"; then
    kisum_say "base image $KISUM_BASE_IMAGE exists (base-image.sh --force remakes it)"
    exit 0
fi

mirror=$(kisum_debian_mirror)
security=$(kisum_debian_security_mirror)
root=$(mktemp -d "${TMPDIR:-/tmp}/kisum-base.XXXXXX")
trap 'rm -rf "$root"' EXIT

kisum_say "debootstrap --variant=minbase bookworm from $mirror"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 ||
    { tail -20 "$root.log" >&2; rm -f "$root.log"; kisum_die "debootstrap failed"; }
rm -f "$root.log"

# apt inside the image reads the same mirror, with the point-release and security updates.
{
    echo "deb $mirror bookworm main"
    echo "deb $mirror bookworm-updates main"
    [[ -n "$security" ]] && echo "deb $security bookworm-security main"
} >"$root/etc/apt/sources.list"

# What debian:bookworm-slim leaves out of every later install too: documentation, man pages and
# translations (the fonts and libraries the services need are several hundred megabytes already).
cat >"$root/etc/dpkg/dpkg.cfg.d/kisum-slim" <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
CFG
# No recommended packages and no apt cache left behind by later layers.
cat >"$root/etc/apt/apt.conf.d/kisum-slim" <<'CFG'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };
CFG
find "$root/usr/share/doc" -mindepth 1 ! -name copyright ! -type d -delete 2>/dev/null || true
rm -rf "$root"/usr/share/{man,info,locale,lintian}/* "$root"/var/cache/apt/archives/*.deb \
    "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/* "$root"/var/log/* "$root"/tmp/*
# A machine id and a resolv.conf are per container, filled in by podman.
: >"$root/etc/machine-id"
rm -f "$root/etc/resolv.conf" "$root/etc/hostname"

kisum_say "importing the tree as $KISUM_BASE_IMAGE"
tar --numeric-owner -C "$root" -c . |
    podman import --quiet --change 'CMD ["/bin/bash"]' --message "debootstrap minbase bookworm from $mirror" - "$KISUM_BASE_IMAGE" >/dev/null
kisum_say "base image $KISUM_BASE_IMAGE: $(podman image inspect --format '{{.Size}}' "$KISUM_BASE_IMAGE" | numfmt --to=si)B"
