#!/bin/sh
# Runs inside the Dockerfile's runtime-root stage: copies into ROOT (default /rootfs) only what the services need at
# run time, and the runtime stage is that folder on an empty image. The Debian tree they are picked from (apt, dpkg,
# perl, the -dev-free libraries' own dependencies on tools) would be 80 MB more that nothing runs.
#   - /app: the executable, its role links, contracts, migrations and Swagger UI;
#   - every shared library `ldd` names for the executable and the few tools the image keeps (sh for the health check's
#     ${PORT}, curl for the health check, id), with the dynamic loader: libcurl, libargon2, libxml2 (and ICU behind
#     it), pango/cairo and their own dependencies;
#   - fontconfig's configuration, the fonts and their cache (the PDFs); CA certificates; time zones; the service user.
# Then it proves the result: the executable, curl and sh start inside ROOT (chroot), so a missing library fails the
# build, not the first request.
set -eu
ROOT=${ROOT:-/rootfs}
TOOLS="/usr/bin/dash /usr/bin/curl /usr/bin/id"

mkdir -p "$ROOT"
# Debian's merged /usr: /bin, /lib, /lib64 and /sbin are links into /usr, as in the tree the files come from.
mkdir -p "$ROOT/usr/bin" "$ROOT/usr/lib" "$ROOT/usr/lib64" "$ROOT/usr/sbin"
for dir in bin lib lib64 sbin; do ln -s "usr/$dir" "$ROOT/$dir"; done

# copy PATH: the file (or link) at its real folder, and the file a link points to, recursively.
copy() {
    path=$1
    dir=$(readlink -f "$(dirname "$path")")
    name=$(basename "$path")
    [ -e "$ROOT$dir/$name" ] || [ -L "$ROOT$dir/$name" ] && return 0
    mkdir -p "$ROOT$dir"
    cp -a "$dir/$name" "$ROOT$dir/$name"
    if [ -L "$dir/$name" ]; then copy "$(readlink -f "$dir/$name")"; fi
}

# The executable and everything it and the tools link (ldd lists the whole closure, the loader included).
cp -a /app "$ROOT/app"
for binary in /app/bin/kisum $TOOLS; do
    copy "$binary"
    ldd "$binary" | awk '/=> \// { print $3 } /^\t\// { print $1 }' | while read -r library; do copy "$library"; done
done
ln -s dash "$ROOT/usr/bin/sh"

# Data read at run time: fontconfig (its conf.d links point into /usr/share/fontconfig), the fonts and the cache built
# at install time, CA certificates (OpenSSL looks in /usr/lib/ssl, whose certs link to /etc/ssl/certs), time zones.
for path in /etc/fonts /usr/share/fontconfig /usr/share/fonts /var/cache/fontconfig \
            /etc/ssl/certs/ca-certificates.crt /etc/ssl/openssl.cnf /usr/lib/ssl /usr/share/zoneinfo; do
    [ -e "$path" ] || { echo "runtime-root: $path is missing" >&2; exit 1; }
    mkdir -p "$ROOT$(dirname "$path")"
    cp -a "$path" "$ROOT$(dirname "$path")/"
done

# The service user (uid 10001), root for the tools, and the folders a read-only root file system leaves writable.
mkdir -p "$ROOT/etc"
grep -E '^(root|kisum):' /etc/passwd >"$ROOT/etc/passwd"
grep -E '^(root|kisum):' /etc/group >"$ROOT/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$ROOT/etc/nsswitch.conf"
mkdir -p "$ROOT/tmp" "$ROOT/var/lib/kisum/storage"
chmod 1777 "$ROOT/tmp"
chown 10001:10001 "$ROOT/var/lib/kisum/storage"

# Proof: each starts with nothing but ROOT.
chroot "$ROOT" /app/bin/kisum --help >/dev/null
chroot "$ROOT" /app/bin/venue --help >/dev/null
chroot "$ROOT" /usr/bin/curl --version >/dev/null
[ "$(chroot "$ROOT" /bin/sh -c 'exec id -u')" = 0 ]
echo "runtime-root: $(du -sm "$ROOT" | cut -f1) MB"
