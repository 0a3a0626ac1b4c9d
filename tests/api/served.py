"""``akg serve`` in a child process on a free port of 127.0.0.1, for the tests that need a real
server (signals, worker processes, crashes): start it on a store, read the port it prints, stop it."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from cli.admin import init_store
from graph.ladybug_store import LadybugStore
from graph.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def empty_store(path: Path) -> Path:
    """A Ladybug store at ``path`` holding the vocabularies only (closed again)."""
    store = LadybugStore(Settings(db_path=path, buffer_pool_mb=128, threads=2))
    try:
        init_store(store)
    finally:
        store.close()
    return path


def serve_env(db: Path | None, **extra: str) -> dict[str, str]:
    """This process's environment without its ``AKG_`` settings, serving the Ladybug store at
    ``db`` with a small pool, or (``None``) the Neo4j database that ``NEO4J_*`` name."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AKG_")}
    env.update(AKG_BACKEND="neo4j") if db is None else env.update(AKG_DB=str(db), AKG_BUFFER_POOL_MB="128")
    env.update(AKG_QUERY_WORKERS="2", **extra)
    return env


def start_serve(env: dict[str, str], *args: str) -> tuple[subprocess.Popen[str], int]:
    """Start ``akg serve --port 0 ARGS`` and wait (60 s at most) for the URL it prints."""
    process = subprocess.Popen([sys.executable, "-m", "cli.serve", "--port", "0", *args],  # noqa: S603
                               env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    port = 0
    deadline = time.monotonic() + 60
    while not port and time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 1.0)
        line = process.stdout.readline() if ready else ""
        if " on http://127.0.0.1:" in line:
            port = int(line.split("127.0.0.1:", 1)[1].split("/", 1)[0])
        elif ready and not line:
            break
    if not port:
        stop_serve(process)
        raise AssertionError(f"the server did not start (exit {process.poll()})")
    return process, port


def stop_serve(process: subprocess.Popen[str]) -> None:
    """SIGTERM, as a service manager stops it; SIGKILL after 30 s."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout is not None:
        process.stdout.close()
