#!/usr/bin/env python3
"""The measurements of `make bench` (deploy/local/bench.sh starts the release platform and calls this).

Drives wrk on loopback against a running platform, reads each service's CPU time and RSS from /proc, times
cold starts, runs pgbench on the same PostgreSQL cluster, and writes bench/results.md plus the README table.
Every figure comes from one run on this machine; nothing here asserts a speed.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shlex
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

TARGETS = {"read": 0.35, "list": 0.20}
# wrk's done() hook: one machine-readable line per run (latencies in microseconds).
REPORT_LUA = r'''
done = function(summary, latency, requests)
  local s = summary.errors
  io.write(string.format('BENCH {"requests":%d,"duration_us":%d,"p50":%d,"p99":%d,"max":%d,' ..
    '"non2xx":%d,"socket_errors":%d}\n', summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(99), latency.max, s.status, s.connect + s.read + s.write + s.timeout))
end
'''


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--root", required=True)
    p.add_argument("--run-dir", required=True)
    p.add_argument("--bin", required=True)
    p.add_argument("--pgbench", required=True)
    p.add_argument("--pg-port", required=True)
    p.add_argument("--pg-password", required=True)
    p.add_argument("--seconds", type=int, default=10)
    p.add_argument("--connections", type=int, default=32)
    p.add_argument("--env-command", required=True)
    p.add_argument("--port", action="append", default=[])
    args = p.parse_args()
    args.ports = dict(item.split("=", 1) for item in args.port)
    return args


def url(args, service, path):
    return f"http://127.0.0.1:{args.ports[service]}{path}"


def call(method, address, body=None, headers=None):
    request = urllib.request.Request(address, method=method, headers={"content-type": "application/json", **(headers or {})},
                                     data=None if body is None else json.dumps(body).encode())
    with urllib.request.urlopen(request, timeout=60) as response:
        text = response.read()
        return json.loads(text) if text else None


def service_pid(args, service):
    with open(os.path.join(args.run_dir, f"{service}.pid")) as f:
        return int(f.read().strip())


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


# ------------------------------------------------------------------------------------------------ seeding

def seed(args):
    """A fresh account and company with a venue, 24 spaces and 40 bookings; returns what the runs need.
    The last space is left free for the write run, so its bookings never conflict with these."""
    stamp = os.urandom(4).hex()
    email, password = f"bench-{stamp}@example.com", f"bench password {stamp}"
    signup = call("POST", url(args, "platform-core", "/api/v1/auth/signup"),
                  {"email": email, "password": password, "full_name": "Bench", "company_name": f"Bench {stamp}"})
    token, org = signup["access_token"], signup["workspace"]["id"]
    headers = {"authorization": f"Bearer {token}", "x-org": org}
    venue = call("POST", url(args, "venue", "/api/v1/venues"),
                 {"name": f"Bench Hall {stamp}", "city": "Berlin", "countryIso2": "DE", "capacity": 1800,
                  "timezone": "Europe/Berlin"}, headers)
    spaces = [call("POST", url(args, "venue", "/api/v1/spaces"),
                   {"venueId": venue["id"], "name": f"Room {n:02d}", "kind": "room", "capacity": 100 + n}, headers)
              for n in range(24)]
    start = datetime.datetime(2030, 1, 1, 18, tzinfo=datetime.timezone.utc)
    for n in range(40):
        begin = start + datetime.timedelta(days=n)
        call("POST", url(args, "venue", "/api/v1/bookings"),
             {"spaceIds": [spaces[n % (len(spaces) - 1)]["id"]], "marketCompanyId": org, "title": f"Show {n}",
              "startAt": begin.isoformat().replace("+00:00", "Z"),
              "endAt": (begin + datetime.timedelta(hours=4)).isoformat().replace("+00:00", "Z")}, headers)
    return {"email": email, "password": password, "token": token, "org": org, "venue": venue["id"],
            "write_space": spaces[-1]["id"]}


# ------------------------------------------------------------------------------------------------ wrk

def wrk_script(method="GET", body_lua=None, headers=None, delay_ms=None):
    lines = [f'wrk.method = "{method}"']
    for name, value in (headers or {}).items():
        lines.append(f'wrk.headers["{name}"] = "{value}"')
    if body_lua:
        lines.append(body_lua)
    if delay_ms:
        lines.append(f"delay = function() return {delay_ms} end")
    return "\n".join(lines) + "\n" + REPORT_LUA


def run_wrk(args, address, script, connections=None, seconds=None, pid=None):
    """One wrk run; returns its figures plus the serving process's CPU time per request."""
    connections = connections or args.connections
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
        path = f.name
    cpu_before = cpu_seconds(pid) if pid else None
    try:
        out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds or args.seconds}s", "-s", path, address],
                             capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(path)
    line = next((l for l in out.splitlines() if l.startswith("BENCH ")), None)
    if line is None:
        sys.exit(f"wrk printed no summary for {address}:\n{out}")
    result = json.loads(line[len("BENCH "):])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    if pid:
        result["cpu_us"] = (cpu_seconds(pid) - cpu_before) * 1e6 / max(1, result["requests"])
        result["rss_after"] = rss_mib(pid)
        print(f"    {result['rps']:,.0f} req/s, p99 {result['p99'] / 1000:.2f} ms, RSS after {result['rss_after']:.1f} MiB",
              file=sys.stderr)
    return result


def booking_body_lua(space, org):
    # Each request books its own hour (wrk's two threads interleave by their id), so no write conflicts.
    return f'''
-- thread_id is a global so setup's thread:set reaches it (a local would shadow it).
local counter = 0
thread_id = 0
local threads = 0
setup = function(thread) thread:set("thread_id", threads); threads = threads + 1 end
request = function()
  counter = counter + 1
  local hour = counter * 2 + thread_id
  local start = 1893456000 + hour * 3600
  local body = string.format('{{"spaceIds":["{space}"],"marketCompanyId":"{org}","title":"Bench","startAt":"%s","endAt":"%s"}}',
    os.date("!%Y-%m-%dT%H:%M:%SZ", start), os.date("!%Y-%m-%dT%H:%M:%SZ", start + 1800))
  return wrk.format(nil, nil, nil, body)
end
'''


# ------------------------------------------------------------------------------------------------ other figures

def cold_start(args, service):
    """Seconds from exec to the first 200 on /health/ready, for a second instance on a free port."""
    env_lines = subprocess.run(shlex.split(args.env_command) + [service], capture_output=True, text=True, check=True).stdout
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": os.environ.get("HOME", "/tmp"), "LANG": "C.UTF-8"}
    for line in env_lines.splitlines():
        if "=" in line:
            name, value = line.split("=", 1)
            env[name] = value
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env["PORT"] = str(port)
    started = time.perf_counter()
    process = subprocess.Popen([os.path.join(args.bin, service), "serve"], env=env, cwd=args.root,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - started < 30:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/ready", timeout=1) as response:
                    if response.status == 200:
                        return time.perf_counter() - started
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.005)
        return None
    finally:
        process.terminate()
        process.wait(timeout=30)


def pgbench(args):
    env = {**os.environ, "PGPASSWORD": args.pg_password}
    common = ["-h", "127.0.0.1", "-p", args.pg_port, "-U", "kisum"]
    psql = os.path.join(os.path.dirname(args.pgbench), "psql")
    exists = subprocess.run([psql, *common, "-d", "postgres", "-tAc", "SELECT 1 FROM pg_database WHERE datname = 'kisum_bench'"],
                            env=env, capture_output=True, text=True, check=True).stdout.strip()
    if exists != "1":
        subprocess.run([psql, *common, "-d", "postgres", "-qc", "CREATE DATABASE kisum_bench"], env=env, check=True)
        subprocess.run([args.pgbench, *common, "-i", "-q", "-s", "10", "kisum_bench"], env=env, check=True,
                       capture_output=True)
    out = subprocess.run([args.pgbench, *common, "-S", "-M", "prepared", "-c", "8", "-j", "2", "-T", str(args.seconds),
                          "kisum_bench"], env=env, capture_output=True, text=True, check=True).stdout
    match = re.search(r"tps = ([0-9.]+)", out)
    return float(match.group(1)) if match else None


def machine():
    model = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1]) / 1024 / 1024
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()
    return f"{os.cpu_count()} cores ({model}), {mem:.0f} GiB, Linux {platform.release()}, {swift[0] if swift else 'swift ?'}"


# ------------------------------------------------------------------------------------------------ main

def main():
    args = parse_args()
    services = ["platform-core", "venue", "finance", "promoter", "base"]
    pids = {s: service_pid(args, s) for s in services}
    idle_rss = {s: rss_mib(pids[s]) for s in services}
    data = seed(args)
    auth = {"authorization": f"Bearer {data['token']}", "x-org": data["org"]}
    venue_pid, core_pid = pids["venue"], pids["platform-core"]
    read_url = url(args, "venue", f"/api/v1/venues/{data['venue']}")
    list_url = url(args, "venue", f"/api/v1/spaces?venueId={data['venue']}&limit=20")
    login_body = json.dumps({"email": data["email"], "password": data["password"]}).replace('"', '\\"')
    login_lua = f'wrk.body = "{login_body}"'
    json_headers = {**auth, "content-type": "application/json"}

    print("==> warm-up", file=sys.stderr)
    run_wrk(args, read_url, wrk_script(headers=auth), seconds=2)
    runs = {}
    plan = [
        ("health", "GET /health/live", url(args, "venue", "/health/live"), wrk_script(), venue_pid, None),
        ("read", "GET /api/v1/venues/{id}", read_url, wrk_script(headers=auth), venue_pid, None),
        ("list", "GET /api/v1/spaces?venueId=…&limit=20", list_url, wrk_script(headers=auth), venue_pid, None),
        ("write", "POST /api/v1/bookings", url(args, "venue", "/api/v1/bookings"),
         wrk_script("POST", booking_body_lua(data["write_space"], data["org"]), json_headers), venue_pid, None),
        ("login", "POST /api/v1/auth/login (Platform Core)", url(args, "platform-core", "/api/v1/auth/login"),
         wrk_script("POST", login_lua, {"content-type": "application/json"}), core_pid, 8),
    ]
    for key, label, address, script, pid, connections in plan:
        print(f"==> {label}", file=sys.stderr)
        runs[key] = {"label": label, **run_wrk(args, address, script, connections=connections, pid=pid)}

    # Reads at about half their peak: wrk's delay() paces each connection (10 ms between requests).
    half_rate = runs["read"]["rps"] / 2
    paced_connections = max(1, round(half_rate * 0.010))
    print(f"==> reads at half peak (~{half_rate:.0f}/s)", file=sys.stderr)
    half = {}
    for key, address in (("read", read_url), ("list", list_url)):
        half[key] = run_wrk(args, address, wrk_script(headers=auth, delay_ms=10), connections=paced_connections, pid=venue_pid)

    print("==> reads at half peak under a login storm (50 concurrent logins)", file=sys.stderr)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(wrk_script("POST", login_lua, {"content-type": "application/json"}))
        storm_script = f.name
    storm = subprocess.Popen(["wrk", "-t1", "-c50", f"-d{args.seconds + 2}s", "-s", storm_script,
                              url(args, "platform-core", "/api/v1/auth/login")], stdout=subprocess.PIPE, text=True)
    time.sleep(1)
    under_storm = run_wrk(args, read_url, wrk_script(headers=auth, delay_ms=10), connections=paced_connections, pid=venue_pid)
    storm_out = storm.communicate()[0]
    os.unlink(storm_script)
    storm_line = next((l for l in storm_out.splitlines() if l.startswith("BENCH ")), None)
    storm_result = json.loads(storm_line[6:]) if storm_line else {}

    loaded_rss = {s: rss_mib(pids[s]) for s in services}
    print("==> cold starts", file=sys.stderr)
    cold = {s: cold_start(args, s) for s in services}
    print("==> pgbench -S -M prepared -c 8", file=sys.stderr)
    tps = pgbench(args)

    write_results(args, runs, half, under_storm, storm_result, idle_rss, loaded_rss, cold, tps, paced_connections)


def ms(us):
    return f"{us / 1000:.2f} ms"


def write_results(args, runs, half, storm, storm_result, idle_rss, loaded_rss, cold, tps, paced):
    health = runs["health"]["rps"]
    commit = subprocess.run(["git", "-C", args.root, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", args.root, "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    table = ["| run | RPS | p50 | p99 | CPU per request | share of health RPS | non-2xx |", "|---|---:|---:|---:|---:|---:|---:|"]
    for key, run in runs.items():
        share = "" if key in ("health", "login") else f"{run['rps'] / health:.0%}" + (
            f" (target ≥ {TARGETS[key]:.0%})" if key in TARGETS else "")
        table.append(f"| {run['label']} | {run['rps']:,.0f} | {ms(run['p50'])} | {ms(run['p99'])} | {run['cpu_us']:.0f} µs | "
                     f"{share} | {run['non2xx'] + run['socket_errors']} |")
    table.append(f"| pgbench -S -M prepared -c 8 (same cluster) | {tps:,.0f} TPS | | | | | |" if tps else "| pgbench | failed | | | | | |")
    lines = [
        "# Benchmark results (`make bench`)", "",
        f"- **When**: {when}; commit `{commit}`{' with uncommitted changes' if dirty else ''}; release build.",
        f"- **Machine**: {machine()}.",
        f"- **Load**: wrk `-t2 -c{args.connections} -d{args.seconds}s` on loopback to the service's own port (no gateway); "
        "login with 8 connections. CPU per request = the serving process's user+system CPU time during the run / requests.",
        "", "## Throughput and latency", "", *table, "",
        "## Reads at half their peak", "",
        f"wrk with {paced} connections, each pausing 10 ms between requests (wrk has no fixed-rate mode).", "",
        "| run | RPS | p50 | p99 | target |", "|---|---:|---:|---:|---|",
    ]
    for key in ("read", "list"):
        lines.append(f"| {runs[key]['label']} | {half[key]['rps']:,.0f} | {ms(half[key]['p50'])} | {ms(half[key]['p99'])} | p99 < 5 ms |")
    ratio = storm["p99"] / max(1, half["read"]["p99"])
    lines += [
        f"| {runs['read']['label']} during 50 concurrent logins | {storm['rps']:,.0f} | {ms(storm['p50'])} | {ms(storm['p99'])} | "
        f"within 2× of alone: {ratio:.1f}× |",
        "", f"The login storm itself: {storm_result.get('requests', 0) / max(1, args.seconds + 2):,.0f} logins/s, "
        f"p99 {ms(storm_result.get('p99', 0))}.", "",
        "## Memory and cold start", "",
        "| service | RSS idle | RSS after the bench | cold start (exec → ready) |", "|---|---:|---:|---:|",
    ]
    for service in idle_rss:
        start = f"{cold[service] * 1000:.0f} ms" if cold[service] else "not ready in 30 s"
        lines.append(f"| {service} | {idle_rss[service]:.1f} MiB | {loaded_rss[service]:.1f} MiB | {start} |")
    lines += ["", "Targets: idle RSS < 50 MiB, < 100 MiB after the bench, cold start < 1 s.", ""]
    notes = os.path.join(args.root, "bench", "profile-notes.md")
    if os.path.exists(notes):
        with open(notes) as f:
            lines += [f.read()]
    os.makedirs(os.path.join(args.root, "bench"), exist_ok=True)
    with open(os.path.join(args.root, "bench", "results.md"), "w") as f:
        f.write("\n".join(lines))
    readme = os.path.join(args.root, "README.md")
    with open(readme) as f:
        text = f.read()
    block = "\n".join(["<!-- bench:start -->", f"Latest `make bench` ({when}, `{commit}`, {os.cpu_count()} cores):", "", *table,
                       "<!-- bench:end -->"])
    text = re.sub(r"<!-- bench:start -->.*?<!-- bench:end -->", lambda _: block, text, flags=re.S)
    with open(readme, "w") as f:
        f.write(text)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
