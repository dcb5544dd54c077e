"""Cross-tenant sweep (`make sweep`, issue 15), driven from the running services' contracts.

Company A creates one of everything it can (every POST that documents 201, bodies built from the contract's schemas,
ids of earlier creations filled into id fields and path parameters). Company B then calls every operation that
takes an id in its path with A's ids, and every list with its own workspace: anything but 404 for A's ids (2xx, or
A's ids in any answer) is a leak. Writes answered before the lookup (400/422 on the body) are counted apart, not as
passes. Then: B's token with A's workspace header → 403; A's API key with B's workspace → 403; and A still reads
everything it made (B's writes changed nothing). Prints `N passed, N failed` and exits 1 on any failure.

Usage: sweep.py <platform-core direct URL> <service>=<direct URL> ...  (deploy/local/sweep.sh passes them)
"""

import json
import random
import re
import sys
import urllib.error
import urllib.request
import uuid

import yaml

METHODS = ("get", "post", "put", "patch", "delete")
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Operations A must not run while creating: they end its session or take its access away (as in fuzz.sh).
# Resources shared by design, each documented so in its contract: B may see them, but never A's own data.
SHARED = {
    ("base", "get", "/api/venues/search"): "Venue's inventory is the platform's venue directory (every company's venues)",
    ("base", "get", "/api/venues/{id}/events"): "B's own events at a directory venue (empty for A's venue)",
    ("venue", "post", "/api/v1/customers/{id}/overlays"): "B's own overlay on a shared Market party (A's overlays untouched)",
}
NEVER = re.compile(r"/auth/|/internal/|/signup|/switch|/logout|/impersonat|/transfer|/leave|/deprecated|/reset")


def call(method, url, headers, body=None):
    data = None if body is None else json.dumps(body).encode()
    hdrs = dict(headers)
    if data is not None:
        hdrs["content-type"] = "application/json"
    request = urllib.request.Request(url, data=data, method=method.upper(), headers=hdrs)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")
    except Exception as error:  # a dropped connection is a finding too, never a pass
        return 0, str(error)


class Contract:
    def __init__(self, document):
        self.doc = document

    def resolve(self, schema):
        seen = 0
        while isinstance(schema, dict) and "$ref" in schema and seen < 20:
            node = self.doc
            for part in schema["$ref"].lstrip("#/").split("/"):
                node = node.get(part, {})
            schema, seen = node, seen + 1
        return schema if isinstance(schema, dict) else {}

    def operations(self):
        for path, item in (self.doc.get("paths") or {}).items():
            shared = item.get("parameters", [])
            for method in METHODS:
                if method in item:
                    op = item[method]
                    # Server-Sent Event streams never end; their access rule is their route group's, swept elsewhere.
                    answers = [self.resolve(r) for r in (op.get("responses") or {}).values()]
                    if path.endswith("/stream") or any("text/event-stream" in (r.get("content") or {}) for r in answers):
                        continue
                    params = [self.resolve(p) for p in shared + op.get("parameters", [])]
                    yield path, method, op, params


class Sweep:
    def __init__(self, core_url, services):
        self.core_url = core_url
        self.services = services
        self.passed = 0
        self.failures = []
        self.undecided = {}
        self.created = []  # (service, path template of the create, filled path, id)

    def fail(self, what):
        self.failures.append(what)
        print("  LEAK " + what)

    def check(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.fail(what)

    def signup(self, label):
        email = "sweep-%s-%s@example.com" % (label, uuid.uuid4().hex[:8])
        status, text = call("post", self.core_url + "/api/v1/auth/signup", {}, {
            "email": email, "password": "sweeping password %s" % uuid.uuid4().hex[:6],
            "full_name": "Sweep " + label, "company_name": "Sweep %s %s" % (label, uuid.uuid4().hex[:4])})
        if status not in (200, 201):
            sys.exit("sweep: sign-up of company %s failed (HTTP %s): %s" % (label, status, text[:300]))
        body = json.loads(text)
        return {"token": body["access_token"], "workspace": body["workspace"]["id"]}

    @staticmethod
    def headers(token, workspace):
        return {"authorization": "Bearer " + token, "x-org": workspace, "x-workspace-id": workspace}

    # ---- values from schemas

    def id_for(self, service, name):
        """An id A created whose create path names `name` (artistId → …/artists), else None."""
        stem = re.sub(r"(_id|Id|_ids|Ids)$", "", name).lower().replace("_", "")
        if not stem or stem == name.lower():
            return None
        for svc, template, _, ident in reversed(self.created):
            last = [s for s in template.split("/") if s and not s.startswith("{")]
            if svc == service and last and last[-1].replace("-", "").replace("_", "").rstrip("s").endswith(stem.rstrip("s")):
                return ident
        return None

    def value(self, contract, schema, name, service, depth=0):
        schema = contract.resolve(schema)
        for key in ("anyOf", "oneOf"):
            if key in schema:
                options = [contract.resolve(o) for o in schema[key]]
                options = [o for o in options if o.get("type") != "null"] or options
                return self.value(contract, options[0], name, service, depth)
        if "allOf" in schema:
            merged = {}
            for part in schema["allOf"]:
                part = contract.resolve(part)
                merged.setdefault("properties", {}).update(part.get("properties", {}))
                merged.setdefault("required", []).extend(part.get("required", []))
            merged["type"] = "object"
            schema = merged
        if "example" in schema:
            return schema["example"]
        if "examples" in schema and schema["examples"]:
            return schema["examples"][0]
        if "enum" in schema:
            return next((e for e in schema["enum"] if e is not None), None)
        if "const" in schema:
            return schema["const"]
        if "default" in schema and schema["default"] is not None:
            return schema["default"]
        kind = schema.get("type", "object" if "properties" in schema else "string")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "null")
        if kind == "object":
            if depth > 4:
                return {}
            props = schema.get("properties", {})
            return {k: self.value(contract, props.get(k, {}), k, service, depth + 1) for k in schema.get("required", [])}
        if kind == "array":
            count = max(schema.get("minItems", 0), 0)
            return [self.value(contract, schema.get("items", {}), name, service, depth + 1) for _ in range(count)]
        if kind == "integer":
            low, high = schema.get("minimum", 1), schema.get("maximum", 10**6)
            return max(min(max(low, 1), high), low)
        if kind == "number":
            return max(schema.get("minimum", 1), 1)
        if kind == "boolean":
            return False
        if kind == "null":
            return None
        fmt = schema.get("format", "")
        lowered = name.lower()
        if fmt == "uuid":
            return self.id_for(service, name) or str(uuid.uuid4())
        if fmt == "date":
            return "2027-0%d-1%d" % (random.randint(1, 9), random.randint(0, 8))
        if fmt == "date-time":
            return "2027-05-1%dT20:00:00Z" % random.randint(0, 8)
        if fmt == "email":
            return "sweep-%s@example.com" % uuid.uuid4().hex[:6]
        if fmt in ("uri", "url"):
            return "https://example.com/sweep"
        if "currency" in lowered:
            return "EUR"
        if "country" in lowered:
            return "DE"
        if "timezone" in lowered:
            return "Europe/Berlin"
        if lowered.endswith("time"):
            return "20:00"
        text = "Sweep %s" % uuid.uuid4().hex[:6]
        low, high = schema.get("minLength", 0), schema.get("maxLength", 200)
        text = (text * (low // len(text) + 1))[: max(low, min(len(text), high))]
        return text

    def body(self, contract, op, service):
        content = (contract.resolve(op.get("requestBody", {})).get("content") or {})
        if "application/json" not in content:
            return None if content else {}
        return self.value(contract, content["application/json"].get("schema", {}), "body", service)

    # ---- the sweep

    def fill(self, path, params, service, owner_ids):
        """The path with every path parameter filled by an id of A, or None when one is not an id."""
        filled = path
        for name in re.findall(r"{([^}]+)}", path):
            schema = next((p.get("schema", {}) for p in params if p.get("name") == name and p.get("in") == "path"), {})
            if schema.get("format") != "uuid":
                return None
            prefix = path.split("{" + name + "}")[0].rstrip("/")
            match = next((i for s, t, _, i in reversed(self.created) if s == service and t.rstrip("/") == prefix), None)
            ident = match or self.id_for(service, name) or (owner_ids[-1] if owner_ids else None)
            if ident is None:
                return None
            filled = filled.replace("{" + name + "}", ident, 1)
        return filled

    def create_everything(self, service, url, contract, a):
        ops = [(p, m, o, ps) for p, m, o, ps in contract.operations()
               if m == "post" and "201" in (o.get("responses") or {}) and not NEVER.search(p) and not o.get("deprecated")]
        for _ in range(2):  # a second pass fills ids the first pass made
            for path, method, op, params in ops:
                if any(t == path for s, t, _, _ in self.created if s == service):
                    continue
                filled = self.fill(path, params, service, [i for s, _, _, i in self.created if s == service])
                body = self.body(contract, op, service)
                if filled is None or body is None:
                    continue
                status, text = call("post", url + filled, a, body)
                if status in (200, 201):
                    try:
                        answer = json.loads(text)
                    except ValueError:
                        continue
                    ident = answer.get("id") if isinstance(answer, dict) else None
                    if ident is None and isinstance(answer, dict):
                        ident = next((v.get("id") for v in answer.values() if isinstance(v, dict) and "id" in v), None)
                    if isinstance(ident, str) and UUID_RE.fullmatch(ident):
                        self.created.append((service, path, filled, ident))

    def probe(self, service, url, contract, b, a_ids, all_ids):
        for path, method, op, params in contract.operations():
            if path.startswith("/internal") or op.get("deprecated") and method != "get":
                continue
            if "{" not in path:
                if method == "get" and op.get("security", [{}]) != [] and (service, method, path) not in SHARED:
                    status, text = call("get", url + path, b)
                    leaked = [i for i in all_ids if i in text]
                    self.check(not leaked, "%s GET %s as B shows A's %s" % (service, path, leaked[:2]))
                continue
            filled = self.fill(path, params, service, a_ids)
            if filled is None:
                continue
            body = self.body(contract, op, service) if method in ("post", "put", "patch") else None
            status, text = call(method, url + filled, b, body if body is not None else ({} if method != "get" and method != "delete" else None))
            label = "%s %s %s" % (service, method.upper(), path)
            if (service, method, path) in SHARED:
                others = [i for i in all_ids if i in text and i not in filled]
                self.check(status < 500 and not others, "%s (shared: %s) as B: HTTP %s, A's %s in the answer"
                           % (label, SHARED[(service, method, path)], status, others[:2]))
            elif status == 404:
                self.passed += 1
            elif 200 <= status < 300 or status == 0 or (status >= 500 and status != 503):
                self.fail("%s with A's ids as B: HTTP %s" % (label, status))
            elif method == "get" and status not in (410, 503):  # 410: a retired route; 503: a provider not configured here
                self.fail("%s with A's ids as B: HTTP %s (not 404)" % (label, status))
            else:
                self.undecided[status] = self.undecided.get(status, 0) + 1

    def run(self):
        company_a, company_b = self.signup("a"), self.signup("b")
        a = self.headers(company_a["token"], company_a["workspace"])
        b = self.headers(company_b["token"], company_b["workspace"])
        contracts = {}
        for service, url in self.services.items():
            status, text = call("get", url + "/openapi.yaml", {})
            if status != 200:
                sys.exit("sweep: %s has no contract at %s/openapi.yaml (HTTP %s)" % (service, url, status))
            contracts[service] = Contract(yaml.safe_load(text))
            self.create_everything(service, url, contracts[service], a)
        a_ids = [i for _, _, _, i in self.created] + [company_a["workspace"]]
        print("company A created %d resources across %d services" % (len(self.created), len(self.services)))
        for service, url in self.services.items():
            # Lists must not show A's ids from any service (a shared table would leak across services too).
            self.probe(service, url, contracts[service], b, [i for s, _, _, i in self.created if s == service] or a_ids, a_ids)
        # B's token naming A's workspace, and A's API key naming B's workspace: 403 everywhere.
        crossed = self.headers(company_b["token"], company_a["workspace"])
        for service, url in self.services.items():
            probe = "/api/v1/members" if service == "platform-core" else next(
                (p for p, m, o, _ in contracts[service].operations() if m == "get" and "{" not in p and p.startswith("/api/")
                 and o.get("security") and not o.get("deprecated")), None)
            if probe:
                status, _ = call("get", url + probe, crossed)
                self.check(status == 403, "%s GET %s with B's token and A's workspace: HTTP %s (not 403)" % (service, probe, status))
        status, text = call("post", self.core_url + "/api/v1/api-keys", a, {"name": "sweep", "scopes": ["basic.*", "venue.*", "finance.*", "promoter.*", "members.read"]})
        key = next(iter(re.findall(r"kisum_sk_[A-Za-z0-9_\-]+", text)), None)
        self.check(key is not None, "could not create an API key for company A (HTTP %s)" % status)
        if key:
            for service, url in self.services.items():
                if service == "platform-core":
                    continue
                probe = next((p for p, m, o, _ in contracts[service].operations() if m == "get" and "{" not in p
                              and p.startswith("/api/") and o.get("security") and not o.get("deprecated")), None)
                if probe:
                    own, _ = call("get", url + probe, self.headers(key, company_a["workspace"]))
                    status, _ = call("get", url + probe, self.headers(key, company_b["workspace"]))
                    self.check(status == 403 and own != 403, "%s GET %s with A's API key: own workspace HTTP %s, B's HTTP %s (want 403)" % (service, probe, own, status))
        # A still reads what it made: B's writes and deletes did not land.
        for service, template, filled, ident in self.created:
            ops = {(p, m) for p, m, _, _ in contracts[service].operations()}
            item = re.sub(r"/$", "", template) + "/{"
            getter = next((p for p, m in ops if m == "get" and p.startswith(item) and p.count("{") == template.count("{") + 1
                           and p.endswith("}")), None)
            if getter:
                status, _ = call("get", self.services[service] + filled.rstrip("/") + "/" + ident, a)
                self.check(status == 200, "%s GET %s/%s as A after B's attempts: HTTP %s" % (service, filled, ident, status))
        undecided = ", ".join("%s×%d" % (k, v) for k, v in sorted(self.undecided.items()))
        print("answered before any lookup (body rules, retired routes, providers not configured here): %s" % (undecided or "none"))
        print("shared by design (checked for A's data only): %s" % "; ".join("%s %s %s" % k for k in SHARED))
        print("sweep: %d passed, %d failed" % (self.passed, len(self.failures)))
        return 1 if self.failures else 0


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    core = sys.argv[1]
    services = dict(arg.split("=", 1) for arg in sys.argv[2:])
    sys.exit(Sweep(core, services).run())
