"""API load: ``akg serve`` (waitress) on 127.0.0.1, concurrent clients looking up countries and actors.

Builds the demo graph (vocabularies + the example assessments) in a temporary Ladybug store,
starts the server in a subprocess on a free port of 127.0.0.1, and drives it with keep-alive
HTTP clients (one thread each) for a fixed time: one server process and ``--workers N`` worker
processes, each with the response cache (the default) and without it (``--no-cache``), in the
same run. Prints requests/s and latency percentiles as a Markdown table, with the load average
before and after each run (the machine may be shared).

    python -m benchmarks.bench_api [--seconds 30] [--clients 8] [--workers 2] [--worker-threads 2] [--quick]

After the load runs it measures, in this process, where one uncached look-up's time goes (the
store's reads against the rest of the app) and the CPU of a look-up's store reads done the way
the API does them against the list queries it used before, and each load run prints the server's and the
clients' CPU milliseconds per request: on a machine of C cores, C × 1000 / (server + client CPU
ms) is the most requests a second the look-ups can reach there.

Traffic goes to 127.0.0.1 only; every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "assessments"
HOST = "127.0.0.1"


def build_store(db: Path) -> None:
    """The demo graph: vocabularies and every example assessment."""
    from cli.admin import init_store
    from graph.ingest import load_files
    from graph.ladybug_store import LadybugStore
    from graph.settings import Settings
    from loaders import assessment

    store = LadybugStore(Settings(db_path=db, buffer_pool_mb=256, threads=2))
    try:
        init_store(store)
        failed = [r for r in load_files(store, assessment.files_in([EXAMPLES]), assessment.read) if not r.loaded]
        if failed:
            raise RuntimeError(f"example assessments failed to load: {failed}")
    finally:
        store.close()


@contextmanager
def serve(db: Path, *, threads: int = 8, cache: bool = True, workers: int = 1,
          timeout: float = 60.0) -> Iterator[str]:
    """Run ``akg serve`` (``python -m cli.serve``) on a free port of 127.0.0.1; yield its base URL."""
    with serve_process(db, threads=threads, cache=cache, workers=workers, timeout=timeout) as (base, _):
        yield base


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and all its descendants (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    todo = [pid]
    while todo:
        here = todo.pop()
        try:
            fields = Path(f"/proc/{here}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{here}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, IndexError, ValueError):
            continue
    return total


@contextmanager
def serve_process(db: Path, *, threads: int = 8, cache: bool = True, workers: int = 1,
                  timeout: float = 60.0, engine_threads: int | None = None) -> Iterator[tuple[str, int]]:
    """As :func:`serve`, also yielding the server's process id (``engine_threads``: ``AKG_THREADS``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AKG_") or k == "AKG_THREADS"}
    env.update(AKG_DB=str(db), AKG_BUFFER_POOL_MB="256")
    if engine_threads is not None:
        env["AKG_THREADS"] = str(engine_threads)
    command = [sys.executable, "-m", "cli.serve", "--host", HOST, "--port", "0", "--threads", str(threads),
               "--workers", str(workers)]
    if not cache:
        command.append("--no-cache")
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    assert proc.stdout is not None
    base = ""
    try:
        deadline = time.monotonic() + timeout
        while not base and time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stdout], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            line = proc.stdout.readline()
            if not line:
                break
            if " on http://" in line:
                base = line.split(" on ", 1)[1].split("/api/v1/", 1)[0]
        if not base:
            raise RuntimeError(f"the server did not start (exit code {proc.poll()})")
        if urlsplit(base).hostname != HOST:
            raise RuntimeError(f"refusing to load anything but {HOST}: {base}")
        yield base, proc.pid
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()


def get_json(base: str, path: str) -> object:
    """One GET, parsed."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname or HOST, parts.port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return json.loads(response.read())
    finally:
        conn.close()


def lookup_paths(base: str) -> list[str]:
    """Country look-ups (every assessed country and a few more) and actor look-ups (every actor)."""
    countries = sorted({p.name.split("-")[0] for p in EXAMPLES.glob("*.yaml")} | {"AGO", "FRA", "KEN", "USA"})
    found = get_json(base, "/api/v1/actors?limit=1000")
    assert isinstance(found, dict)
    actors = [a["id"].split("/", 1)[1] for a in found["items"]]
    paths = [f"/api/v1/countries/{c}" for c in countries] + [f"/api/v1/actors/{a}" for a in actors]
    # Interleave so that both kinds of look-up run throughout.
    return paths[::2] + paths[1::2]


@dataclass
class Result:
    """What a run measured."""

    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    load: str = ""
    server_cpu_s: float = 0.0
    client_cpu_s: float = 0.0

    def cpu_ms(self, seconds: float) -> float:
        """CPU milliseconds per request."""
        return 1000 * seconds / self.requests if self.requests else 0.0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if len(self.latencies_ms) < 2:
            return self.latencies_ms[0] if self.latencies_ms else 0.0
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[int(q) - 1]


def drive(base: str, paths: Sequence[str], *, seconds: float, clients: int = 8) -> Result:
    """``clients`` threads, each with its own keep-alive connection, GET ``paths`` in turn for ``seconds``."""
    parts = urlsplit(base)
    if parts.hostname != HOST:
        raise ValueError(f"load goes to {HOST} only, not {parts.hostname}")
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    start = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def worker(k: int) -> None:
        conn = http.client.HTTPConnection(HOST, parts.port, timeout=30)
        i = k * 7
        start.wait()
        while time.perf_counter() < stop_at[0]:
            path = paths[i % len(paths)]
            i += 1
            t = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection(HOST, parts.port, timeout=30)
            latencies[k].append((time.perf_counter() - t) * 1000)
            if not ok:
                errors[k] += 1
        conn.close()

    threads = [threading.Thread(target=worker, args=(k,), daemon=True) for k in range(clients)]
    for th in threads:
        th.start()
    began = time.perf_counter()
    stop_at[0] = began + seconds
    start.wait()
    for th in threads:
        th.join(timeout=seconds + 60)
    elapsed = time.perf_counter() - began
    flat = [x for xs in latencies for x in xs]
    return Result(len(flat), sum(errors), elapsed, flat)


def table(rows: Sequence[tuple[str, Result]], clients: int) -> str:
    """The results as a Markdown table."""
    out = ["| server | clients | seconds | requests | errors | requests/s | p50 ms | p95 ms | p99 ms "
           "| server CPU ms/req | client CPU ms/req | load before → after |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for label, r in rows:
        out.append(f"| {label} | {clients} | {r.seconds:.0f} | {r.requests} | {r.errors} | {r.rps:.0f} | "
                   f"{r.percentile(50):.1f} | {r.percentile(95):.1f} | {r.percentile(99):.1f} | "
                   f"{r.cpu_ms(r.server_cpu_s):.2f} | {r.cpu_ms(r.client_cpu_s):.2f} | {r.load} |")
    return "\n".join(out)


def profile_lookups(db: Path, paths: Sequence[str], rounds: int = 5) -> str:
    """Where an uncached look-up's time goes, in this process (Flask test client, cache off).

    Every path is requested ``rounds`` times; the store's ``run_read`` (the query in the engine,
    its own read transaction on this read-only store, rows to Python values) is timed around each call,
    the rest (routing, validation, API code, JSON) is the difference. CPU time includes every
    thread of this process.
    """
    from api import CACHE_SIZE, SETTINGS, create_app
    from graph.ladybug_store import LadybugStore
    from graph.settings import Settings
    from queries.registry import catalogue

    app = create_app({SETTINGS: Settings(db_path=db, buffer_pool_mb=256), CACHE_SIZE: 0})
    client = app.test_client()
    spent = [0.0, 0]
    names = {q.text_for("ladybug"): name for name, q in catalogue().items() if q.function is None}
    reads: dict[str, list[float]] = {}  # query → [calls, seconds]
    original = LadybugStore.run_read

    def timed(self: LadybugStore, cypher: str, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(self, cypher, *args, **kwargs)
        finally:
            took = time.perf_counter() - start
            spent[0] += took
            spent[1] += 1
            name = names.get(cypher) or " ".join(cypher.split())[:48] + "…"
            seen = reads.setdefault(name, [0, 0.0])
            seen[0] += 1
            seen[1] += took

    out = ["| look-up | requests | store reads / request | in the store ms | rest of the app ms "
           "| wall ms / request | CPU ms / request |", "|---|---:|---:|---:|---:|---:|---:|"]
    LadybugStore.run_read = timed  # type: ignore[method-assign]
    try:
        for kind in ("countries", "actors"):
            chosen = [p for p in paths if f"/{kind}/" in p]
            for path in chosen:  # warm up
                assert client.get(path).status_code == 200, path
            spent[:] = [0.0, 0]
            wall, cpu = time.perf_counter(), time.process_time()
            for _ in range(rounds):
                for path in chosen:
                    client.get(path)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            n = rounds * len(chosen)
            out.append(f"| /api/v1/{kind}/… | {n} | {spent[1] / n:.1f} | {1000 * spent[0] / n:.2f} | "
                       f"{1000 * (wall - spent[0]) / n:.2f} | {1000 * wall / n:.2f} | {1000 * cpu / n:.2f} |")
        spent[:] = [0.0, 0]
        reads.clear()
        for _ in range(rounds):  # each store read on its own: fixed cost, then the look-ups' queries
            for path in paths:
                client.get(path)
        for _ in range(rounds * 20):
            app.extensions["akg"].store().run_read("RETURN 1 AS one")
    finally:
        LadybugStore.run_read = original  # type: ignore[method-assign]
        app.extensions["akg"].close()
    out += ["", "| store read (the query in the engine, rows to Python) | calls | ms / read |", "|---|---:|---:|"]
    for name, (calls, took) in sorted(reads.items(), key=lambda kv: -kv[1][1]):
        out.append(f"| `{name}` | {calls:.0f} | {1000 * took / calls:.2f} |")
    return "\n".join(out)


# actor_lookup with the cited sources joined in the same read (what issue 17 first proposed): the
# claims' source ids unwound and matched to Source nodes, collected beside the claims.
ACTOR_WITH_SOURCES_CYPHER = """
MATCH (x:Actor {id: $actor})
OPTIONAL MATCH (x)-[:OPERATES_IN]->(c:Country)
WITH x, collect(DISTINCT c.id) AS countries
OPTIONAL MATCH (a:Assessment)-[i:IDENTIFIES]->(x)
WITH x, countries, collect(DISTINCT i.role) AS roles, collect(DISTINCT a.id) AS assessments,
     collect({assessment: a.id, date: a.date, status: a.status, role: i.role, sources: i.sources}) AS claims
UNWIND claims AS claim
UNWIND coalesce(claim.sources, []) + [''] AS cited
OPTIONAL MATCH (s:Source {id: cited})
WITH x, countries, roles, assessments, claims,
     collect(DISTINCT {id: s.id, title: coalesce(s.title, s.name), publisher: s.publisher, date: s.published,
                       url: s.url, reliability: s.reliability, credibility: s.credibility}) AS sources
RETURN x.id AS actor, x.name AS name, x.kind AS kind, x.aliases AS aliases,
       x.description AS description, countries, roles, assessments, claims, sources
"""


def compare_reads(db: Path, paths: Sequence[str], rounds: int = 5) -> str:
    """CPU of one look-up's store reads: the id-first queries the API runs against the list
    queries filtered to one id (what it ran before) and against the actor's sources joined in the
    same read; one engine thread, the ways interleaved round by round, every look-up URL's id."""
    from graph.ladybug_store import LadybugStore
    from graph.settings import Settings
    from queries.citations import role_sources
    from queries.lookups import latest_score, role_claims
    from queries.registry import execute

    store = LadybugStore(Settings(db_path=db, buffer_pool_mb=256, threads=1), read_only=True)
    countries = [f"country/{p.rsplit('/', 1)[1]}" for p in paths if "/countries/" in p]
    actors = [f"actor/{p.rsplit('/', 1)[1]}" for p in paths if "/actors/" in p]

    def rows(name: str, **params: Any) -> list[dict[str, Any]]:
        return execute(store, name, params).dicts()

    ways: list[tuple[str, list[str], Any]] = [
        ("country: `country_lookup` (id first)", countries,
         lambda c: latest_score(rows("country_lookup", country=c)[0]["scores"])),
        ("country: `country_overview` filtered to the id (before)", countries,
         lambda c: rows("country_overview", country=c)),
        ("actor: `actor_lookup` (id first), then the cited sources (API now)", actors,
         lambda a: role_claims(store, rows("actor_lookup", actor=a)[0]["claims"])),
        ("actor: `actor_lookup` with the sources joined in the same read", actors,
         lambda a: store.run_read(ACTOR_WITH_SOURCES_CYPHER, {"actor": a}).dicts()),
        ("actor: `actor_search` filtered to the id, then `role_sources`' two reads (before)", actors,
         lambda a: (rows("actor_search", actor=a), role_sources(store, [a]))),
    ]
    spent = [0.0] * len(ways)
    try:
        for k in range(rounds + 1):  # round 0 warms up
            order = list(enumerate(ways)) if k % 2 else list(enumerate(ways))[::-1]
            for i, (_, ids, way) in order:
                cpu = time.process_time()
                for ident in ids:
                    way(ident)
                if k:
                    spent[i] += time.process_time() - cpu
    finally:
        store.close()
    out = ["| reads of one look-up (Ladybug, 1 engine thread) | look-ups | CPU ms / look-up |", "|---|---:|---:|"]
    for (label, ids, _), took in zip(ways, spent, strict=True):
        out.append(f"| {label} | {rounds * len(ids)} | {1000 * took / (rounds * len(ids)):.2f} |")
    return "\n".join(out)


def load_average() -> str:
    """The 1-minute load average."""
    return f"{os.getloadavg()[0]:.1f}"


def main(quick: bool = False, seconds: float = 30.0, clients: int = 8, workers: int = 2, threads: int = 8,
         worker_threads: int = 2) -> None:
    if quick:
        seconds = min(seconds, 3.0)
    rows: list[tuple[str, Result]] = []
    with tempfile.TemporaryDirectory(prefix="akg-bench-api-") as tmp:
        db = Path(tmp) / "akg.lbug"
        build_store(db)
        runs: list[tuple[int, bool, int | None]] = [(1, False, None), (1, True, None), (workers, False, None),
                                                     (workers, True, None), (workers, False, 1)]
        for n, cache, engine in runs:
            each = threads if n == 1 else worker_threads
            label = (f"{'1 process' if n == 1 else f'--workers {n}'}, {each} threads"
                     f"{'' if n == 1 else ' each'}, cache {'on' if cache else 'off'}"
                     f"{'' if engine is None else f', AKG_THREADS={engine}'}")
            with serve_process(db, cache=cache, workers=n, threads=each, engine_threads=engine) as (base, pid):
                paths = lookup_paths(base)
                drive(base, paths, seconds=min(2.0, seconds), clients=clients)  # warm up
                before = load_average()
                server_cpu, client_cpu = tree_cpu_seconds(pid), time.process_time()
                result = drive(base, paths, seconds=seconds, clients=clients)
                result.server_cpu_s = tree_cpu_seconds(pid) - server_cpu
                result.client_cpu_s = time.process_time() - client_cpu
                result.load = f"{before} → {load_average()}"
                rows.append((label, result))
        before = load_average()
        profile = profile_lookups(db, paths)
        profile_load = f"{before} → {load_average()}"
        before = load_average()
        reads = compare_reads(db, paths)
        reads_load = f"{before} → {load_average()}"
    print(f"\nAPI look-ups (GET /api/v1/countries/{{iso3}} and /api/v1/actors/{{id}}), "
          f"{len(paths)} URLs in turn, {os.cpu_count()} cores:\n")
    print(table(rows, clients))
    print(f"\nOne uncached look-up, in one process (no HTTP), load {profile_load}:\n")
    print(profile)
    print(f"\nThe store reads of one look-up, each way in turn, load {reads_load}:\n")
    print(reads)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="API load benchmark (127.0.0.1 only)")
    parser.add_argument("--quick", action="store_true", help="3 seconds per run, for a smoke run")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each measured run")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=2, help="worker processes to compare with one process")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads of the one process")
    parser.add_argument("--worker-threads", type=int, default=2, help="waitress threads of each worker process")
    args = parser.parse_args()
    main(quick=args.quick, seconds=args.seconds, clients=args.clients, workers=args.workers, threads=args.threads,
         worker_threads=args.worker_threads)
