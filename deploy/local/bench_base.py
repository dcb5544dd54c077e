#!/usr/bin/env python3
"""The measurements of `make bench-base` (deploy/local/bench-base.sh checks the platform and calls this).

Seeds a large artist registry into one company straight through SQL (the API would take minutes for 100,000
rows and measure nothing of interest), shows the plans PostgreSQL picks, then drives wrk against artist search.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import REPORT_LUA  # noqa: E402  (one wrk summary format for every benchmark)

TARGET_P99_MS = 50

WORDS_A = """midnight velvet electric golden silver neon crimson hollow wild lunar northern paper glass iron
broken quiet burning frozen little big lost royal cosmic static wooden savage gentle hidden ancient modern
urban desert ocean mountain river summer winter autumn spring solar atomic digital analog acoustic echo
shadow crystal marble copper scarlet violet amber indigo ivory obsidian""".split()
WORDS_B = """riot hearts wolves tigers ravens dreamers saints sinners kings queens machines ghosts lovers
strangers brothers sisters pilots sailors drifters rebels poets prophets orchestra collective quartet trio
ensemble syndicate society club parade circus empire republic kingdom garden forest harbor highway avenue
station signal frequency wave tide storm thunder lightning""".split()
CITIES = ["Berlin", "London", "Paris", "Madrid", "Lisbon", "Amsterdam", "Vienna", "Prague", "Warsaw", "Dublin",
          "New York", "Los Angeles", "Chicago", "Toronto", "Mexico City", "São Paulo", "Buenos Aires", "Tokyo",
          "Seoul", "Sydney", "Melbourne", "Cape Town", "Lagos", "Nairobi", "Mumbai", "Stockholm", "Oslo", "Helsinki"]
# Whole words, prefixes, two words, a typo, a short fragment: what people type into a picker.
QUERIES = ["mi", "s", "midnight", "velvet riot", "neon", "wolv", "golden hearts", "crimsn", "echo", "sil", "the lunar",
           "orchestra", "atomic tigers", "paper", "ghosts", "sum", "obsidian kings", "harbour", "digital wave"]


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--base", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--org", required=True)
    p.add_argument("--psql", required=True)
    p.add_argument("--pg-port", required=True)
    p.add_argument("--pg-password", required=True)
    p.add_argument("--artists", type=int, default=100000)
    p.add_argument("--seconds", type=int, default=10)
    return p.parse_args()


def psql(args, sql):
    env = {**os.environ, "PGPASSWORD": args.pg_password}
    return subprocess.run([args.psql, "-h", "127.0.0.1", "-p", args.pg_port, "-U", "kisum", "-d", "kisum_base",
                           "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql], env=env, capture_output=True, text=True,
                          check=True).stdout


def array(words):
    return "ARRAY[" + ",".join("'" + w.replace("'", "''") + "'" for w in words) + "]"


def seed(args):
    print(f"==> seeding {args.artists:,} artists into company {args.org}", file=sys.stderr)
    psql(args, f"""
        SELECT setseed(0.42);
        WITH words AS (SELECT {array(WORDS_A)} AS a, {array(WORDS_B)} AS b, {array(CITIES)} AS cities,
                              (SELECT array_agg(id ORDER BY iso2) FROM countries) AS countries),
             rows AS (SELECT n, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5
                      FROM generate_series(1, {args.artists}) AS n)
        INSERT INTO artists (company_id, name, kind, status, country_id, city, created_at)
        SELECT '{args.org}'::uuid,
               initcap(w.a[1 + floor(r1 * array_length(w.a, 1))::int]) || ' '
                   || initcap(w.b[1 + floor(r2 * array_length(w.b, 1))::int])
                   || CASE WHEN r3 < 0.6 THEN ' ' || n ELSE '' END,
               (ARRAY['solo', 'band', 'dj', 'ensemble', 'orchestra', 'other'])[1 + floor(r4 * 6)::int],
               CASE WHEN r5 < 0.9 THEN 'active' ELSE 'inactive' END,
               w.countries[1 + floor(r5 * array_length(w.countries, 1))::int],
               w.cities[1 + floor(r3 * array_length(w.cities, 1))::int],
               now() - (r4 * interval '1000 days')
        FROM rows, words AS w;
        INSERT INTO artist_genres (company_id, artist_id, genre_id)
        SELECT a.company_id, a.id, g.ids[1 + floor(random() * array_length(g.ids, 1))::int]
        FROM artists AS a, (SELECT array_agg(id ORDER BY slug) AS ids FROM genres) AS g
        WHERE a.company_id = '{args.org}'::uuid
        ON CONFLICT DO NOTHING;
        ANALYZE artists; ANALYZE artist_genres;
    """)


def PLAN_QUERIES(org):
    """The index-bearing cores of ArtistSearchRepository's statements (the full ones add the page's genres and
    the total): a name search, a one/two-letter prefix and the default sorted page."""
    company = f"a.company_id = '{org}'::uuid"
    return [
        ("text search: the matches (trigram GIN artists_company_name_trgm)",
         f"SELECT a.id FROM artists a WHERE {company} AND a.name ILIKE '%wolves%'"),
        ("short text: names starting with it (C-collated artists_company_name_prefix)",
         f"SELECT a.id FROM artists a WHERE {company} AND lower(a.name) COLLATE \"C\" LIKE 'mi%' "
         "ORDER BY lower(a.name) COLLATE \"C\", a.id LIMIT 20"),
        ("list sorted by name, page 1 (artists_company_name)",
         f"SELECT a.id FROM artists a WHERE {company} ORDER BY lower(a.name), a.id LIMIT 20"),
    ]


def plans(args):
    """The plans for a name search and the default list, as the repository writes them (ArtistsRepository)."""
    for title, sql in PLAN_QUERIES(args.org):
        print(f"\n--- plan: {title}", file=sys.stderr)
        print(psql(args, "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) " + sql), file=sys.stderr)


def wrk(args, paths, connections):
    lua = [f'wrk.headers["authorization"] = "Bearer {args.token}"', f'wrk.headers["x-org"] = "{args.org}"',
           "local paths = {" + ",".join(json.dumps(p) for p in paths) + "}",
           "local n = 0",
           "request = function() n = n + 1; return wrk.format(nil, paths[(n % #paths) + 1]) end",
           REPORT_LUA]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write("\n".join(lua))
        script = f.name
    try:
        out = subprocess.run(["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{args.seconds}s", "-s", script, args.base],
                             capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script)
    line = next(l for l in out.splitlines() if l.startswith("BENCH "))
    result = json.loads(line[len("BENCH "):])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def alone(args, path):
    import time
    import urllib.request
    request = urllib.request.Request(args.base + path, headers={"authorization": f"Bearer {args.token}", "x-org": args.org})
    times = []
    for _ in range(5):
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
        times.append((time.perf_counter() - started) * 1000)
    return sorted(times)[2]


def main():
    args = parse_args()
    existing = int(psql(args, f"SELECT count(*) FROM artists WHERE company_id = '{args.org}'").strip() or 0)
    if existing < args.artists:
        seed(args)
    plans(args)
    germany = psql(args, "SELECT id FROM countries WHERE iso2 = 'DE'").strip()
    from urllib.parse import quote
    search = [f"/api/artists/search?q={quote(q)}&limit=20" for q in QUERIES]
    filtered = [f"/api/artists/search?q={quote(q)}&countryId={germany}&status=active&limit=20" for q in QUERIES]
    listing = ["/api/artists?limit=20&sort=name", "/api/artists?limit=20&sort=-createdAt",
               "/api/artists?limit=20&page=50&sort=name"]
    # Each query alone, one after another: which texts cost what (the wrk runs below mix them).
    print("\n==> each search alone (median of 5, ms)", file=sys.stderr)
    for path in search:
        print(f"    {alone(args, path):7.2f}  {path}", file=sys.stderr)
    rows = []
    for name, paths in [("search", search), ("search + filters", filtered), ("list (sorted, paged)", listing)]:
        for connections in (1, 4, 16):
            r = wrk(args, paths, connections)
            rows.append((name, connections, r))
            print(f"    {name:22} c={connections:<3} {r['rps']:8,.0f} req/s  p50 {r['p50'] / 1000:6.2f} ms  "
                  f"p99 {r['p99'] / 1000:6.2f} ms  non-2xx {r['non2xx']}", file=sys.stderr)
    print(f"\n| request | connections | req/s | p50 ms | p99 ms (target < {TARGET_P99_MS}) | non-2xx |")
    print("|---|---|---|---|---|---|")
    for name, connections, r in rows:
        print(f"| {name} | {connections} | {r['rps']:,.0f} | {r['p50'] / 1000:.2f} | {r['p99'] / 1000:.2f} | {r['non2xx']} |")


if __name__ == "__main__":
    main()
