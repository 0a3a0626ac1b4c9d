"""The app on 127.0.0.1 in a thread, serving the demo store (for the browser tests and the benchmark)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from waitress.server import BaseWSGIServer, create_server

from api import create_app
from cli.demo import build_demo
from graph.base import GraphStore
from graph.registry import open_store
from graph.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def demo_store(path: Path) -> GraphStore:
    """A Ladybug store at ``path`` holding the bundled demo data (assessments, events, scores)."""
    store = open_store(Settings.from_env().with_overrides(backend="ladybug", db_path=path, buffer_pool_mb=2048,
                                                          threads=2))
    build_demo(store, ROOT / "examples")
    return store


@contextmanager
def serve(store: GraphStore) -> Iterator[str]:
    """Serve the app with waitress on a free port of 127.0.0.1; yields the base URL.

    A fixed pool of worker threads: the Ladybug store keeps one connection per thread, so a
    server that starts a thread per request (werkzeug's ``threaded=True``) would open one per
    request.
    """
    app = create_app({"STORE": store, "TESTING": True})
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    assert isinstance(server, BaseWSGIServer) and server.socket is not None  # one address, one socket
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.socket.getsockname()[1]}"
    finally:
        server.close()
        thread.join(5)
