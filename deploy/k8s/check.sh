#!/usr/bin/env bash
# Checks the Kubernetes manifests as a platform team would: renders them (kustomize), validates every
# resource against the Kubernetes schemas (kubernetes-validate, strict) and scans them with checkov.
# Fails when a resource is invalid or when checkov reports a failed check that is not accepted in
# deploy/k8s/README.md ("Accepted checkov findings", each with its reason); also fails when an accepted
# check no longer fails anywhere, so the list cannot go stale.
#
# Installs nothing: the tools come from `deploy/scripts/install-deps.sh --k8s` (a virtual environment,
# $KISUM_K8S_VENV, default .data/k8s-venv). Renders with `kubectl kustomize` or `kustomize build` when
# one is on PATH, otherwise applies kustomization.yaml's namespace and images itself (all it uses).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
k8s="$root/deploy/k8s"
venv="${KISUM_K8S_VENV:-$root/.data/k8s-venv}"
for tool in python kubernetes-validate checkov; do
    if [[ ! -x "$venv/bin/$tool" ]]; then
        echo "k8s-check: $venv/bin/$tool is missing: run deploy/scripts/install-deps.sh --k8s" >&2
        exit 2
    fi
done

work="$(mktemp -d "${TMPDIR:-/tmp}/kisum-k8s-check.XXXXXX")"
trap 'rm -rf "$work"' EXIT
rendered="$work/rendered/kisum.yaml"
mkdir -p "$work/rendered"

# 1. Render.
if command -v kubectl >/dev/null && kubectl kustomize "$k8s" >"$rendered" 2>"$work/kustomize.err"; then
    renderer="kubectl kustomize"
elif command -v kustomize >/dev/null && kustomize build "$k8s" >"$rendered" 2>"$work/kustomize.err"; then
    renderer="kustomize build"
else
    if command -v kubectl >/dev/null || command -v kustomize >/dev/null; then
        cat "$work/kustomize.err" >&2
        echo "k8s-check: kustomize failed to render deploy/k8s" >&2
        exit 1
    fi
    renderer="built-in (namespace and images of kustomization.yaml)"
    "$venv/bin/python" - "$k8s" "$rendered" <<'PY'
import sys, yaml, pathlib
k8s, out = pathlib.Path(sys.argv[1]), sys.argv[2]
kustomization = yaml.safe_load((k8s / "kustomization.yaml").read_text())
unsupported = set(kustomization) - {"apiVersion", "kind", "namespace", "resources", "images"}
if unsupported:
    sys.exit(f"k8s-check: kustomization.yaml uses {sorted(unsupported)}: install kubectl or kustomize to render it")
namespace = kustomization.get("namespace")
images = {i["name"]: i for i in kustomization.get("images", [])}
cluster_scoped = {"Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass"}

def image(ref):
    name, suffix = ref, ""
    if "@" in name:
        name, digest = name.split("@", 1)
        suffix = "@" + digest
    if ":" in name.rsplit("/", 1)[-1]:
        name, tag = name.rsplit(":", 1)
        suffix = ":" + tag + suffix
    rule = images.get(name)
    if not rule:
        return ref
    new = rule.get("newName", name)
    if "digest" in rule:
        return f"{new}@{rule['digest']}"
    if "newTag" in rule:
        return f"{new}:{rule['newTag']}"
    return new + suffix

def containers(document):
    spec = document.get("spec", {})
    pod = spec.get("template", {}).get("spec", spec.get("jobTemplate", {}).get("spec", {}).get("template", {}).get("spec", {}))
    return pod.get("initContainers", []) + pod.get("containers", [])

documents = []
for resource in kustomization["resources"]:
    for document in yaml.safe_load_all((k8s / resource).read_text()):
        if not document:
            continue
        if namespace and document["kind"] not in cluster_scoped:
            document["metadata"]["namespace"] = namespace
        for container in containers(document):
            container["image"] = image(container["image"])
        documents.append(document)
pathlib.Path(out).write_text(yaml.safe_dump_all(documents, sort_keys=False))
PY
fi
resources=$(grep -c '^kind:' "$rendered")
echo "k8s-check: rendered $resources resources with $renderer"

# 2. Schema validation of every resource (unknown fields are errors).
if ! "$venv/bin/kubernetes-validate" --strict --quiet "$rendered"; then
    echo "k8s-check: FAIL kubernetes-validate $("$venv/bin/kubernetes-validate" --version) rejected the manifests" >&2
    exit 1
fi
echo "k8s-check: kubernetes-validate $("$venv/bin/kubernetes-validate" --version) (Kubernetes schemas, strict): $resources resources valid"

# 3. checkov, offline (--skip-download: no calls to its vendor's platform), every check; the failures are
#    then compared with the accepted list in README.md.
set +e
"$venv/bin/checkov" --directory "$work/rendered" --framework kubernetes --skip-download --compact \
    --output json >"$work/checkov.json" 2>"$work/checkov.err"
status=$?
set -e
if [[ ! -s "$work/checkov.json" ]] || ((status > 1)); then
    cat "$work/checkov.err" >&2
    echo "k8s-check: FAIL checkov did not run (exit $status)" >&2
    exit 1
fi
"$venv/bin/python" - "$work/checkov.json" "$k8s/README.md" "$("$venv/bin/checkov" --version)" <<'PY'
import json, re, sys, collections
report_path, readme_path, version = sys.argv[1:4]
report = json.load(open(report_path))
if isinstance(report, list):
    report = next((r for r in report if r.get("check_type") == "kubernetes"), report[0])
results = report.get("results", {})
passed, failed = results.get("passed_checks", []), results.get("failed_checks", [])
if not passed and not failed:
    sys.exit("k8s-check: FAIL checkov scanned nothing")

# The accepted list: rows "| `CKV_…` | title | reason |" in the README's "Accepted checkov findings" section.
readme = open(readme_path).read()
section = re.search(r"^## Accepted checkov findings\n(.*?)(?=^## |\Z)", readme, re.S | re.M)
if not section:
    sys.exit("k8s-check: FAIL deploy/k8s/README.md has no '## Accepted checkov findings' section")
accepted = {}
for row in re.finditer(r"^\|\s*`(CKV2?_[A-Z0-9_]+)`\s*\|([^|\n]*)\|([^|\n]*)\|\s*$", section.group(1), re.M):
    check, reason = row.group(1), row.group(3).strip()
    if len(reason) < 20:
        sys.exit(f"k8s-check: FAIL {check} is accepted in README.md without a reason")
    accepted[check] = reason

unexplained = [f for f in failed if f["check_id"] not in accepted]
by_check = collections.Counter(f["check_id"] for f in failed)
stale = sorted(set(accepted) - set(by_check))
for f in unexplained:
    print(f"k8s-check: FAIL {f['check_id']} {f['check_name']}: {f['resource']}", file=sys.stderr)
for check in stale:
    print(f"k8s-check: FAIL {check} is accepted in README.md but no longer fails: remove it from the list", file=sys.stderr)
accepted_text = ", ".join(f"{c} x{n}" for c, n in sorted(by_check.items()) if c in accepted) or "none"
print(f"k8s-check: checkov {version}: {len(passed)} checks passed; {len(failed) - len(unexplained)} findings accepted "
      f"in README.md ({accepted_text}); {len(unexplained)} unexplained")
sys.exit(1 if unexplained or stale else 0)
PY
echo "k8s-check: ok"
