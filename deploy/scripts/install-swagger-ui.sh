#!/usr/bin/env bash
# Puts Swagger UI's files for the services' /docs pages in a folder (DOCS_ASSETS_DIR):
#   install-swagger-ui.sh DEST     (install-deps.sh: DEST = .data/swagger-ui; an image: e.g. /app/swagger-ui)
# The files come from PyPI's swagger-ui-bundle-v2, pinned by version and by the wheel's sha256, so what browsers
# are served is exactly what was reviewed; only the two files the page loads and the licence are kept. Needs
# python3 with its venv module (Debian: python3-venv), whose pip downloads the wheel. Does nothing when DEST
# already holds this version (DEST/VERSION is written last, so a folder that has it is complete).
set -euo pipefail

SWAGGER_UI_VERSION=5.31.0
SWAGGER_UI_WHEEL_SHA256=ad8484399c8da2868db86080bcd89bd3209d8efb69159a2c0145766da8968112

dest="${1:?usage: install-swagger-ui.sh DEST}"
[[ "$(cat "$dest/VERSION" 2>/dev/null)" == "$SWAGGER_UI_VERSION" ]] && exit 0

echo "==> installing Swagger UI $SWAGGER_UI_VERSION (PyPI swagger-ui-bundle-v2) into $dest" >&2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" download -q --disable-pip-version-check --no-deps --only-binary=:all: -d "$work/wheel" \
    "swagger-ui-bundle-v2==$SWAGGER_UI_VERSION"
wheel="$work/wheel/swagger_ui_bundle_v2-$SWAGGER_UI_VERSION-py3-none-any.whl"
if ! echo "$SWAGGER_UI_WHEEL_SHA256  $wheel" | sha256sum --check --quiet - >/dev/null 2>&1; then
    echo "install-swagger-ui: $(basename "$wheel") does not have the pinned sha256 $SWAGGER_UI_WHEEL_SHA256" >&2
    exit 1
fi
python3 - "$wheel" "$work/out" "$SWAGGER_UI_VERSION" <<'PY'
import os, sys, zipfile
wheel, out, version = sys.argv[1:]
os.makedirs(out)
vendor = f"swagger_ui_bundle/vendor/swagger-ui-{version}"
with zipfile.ZipFile(wheel) as archive:
    for member, name in [(f"{vendor}/swagger-ui-bundle.js", "swagger-ui-bundle.js"),
                         (f"{vendor}/swagger-ui.css", "swagger-ui.css"),
                         (f"swagger_ui_bundle_v2-{version}.dist-info/licenses/LICENSE", "LICENSE")]:
        with open(os.path.join(out, name), "wb") as target:
            target.write(archive.read(member))
with open(os.path.join(out, "VERSION"), "w") as marker:
    marker.write(version + "\n")
PY
mkdir -p "$(dirname "$dest")"
rm -rf "$dest"
mv "$work/out" "$dest"
