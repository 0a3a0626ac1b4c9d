"""Opening after a writer was killed with -9 in the middle of a checkpoint."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from graph.ladybug_errors import translate_error
from graph.ladybug_store import LadybugStore
from graph.records import Node
from graph.settings import Settings

# A writer that commits 100,000 regions, starts a checkpoint and is killed DELAY seconds into it.
KILLED_IN_CHECKPOINT = textwrap.dedent("""
    import os, signal, sys, threading
    import ladybug
    db = ladybug.Database(sys.argv[1], buffer_pool_size=128 * 2**20, auto_checkpoint=False)
    conn = ladybug.Connection(db)
    conn.execute("UNWIND range(1, 100000) AS i CREATE (:Region {id: 'region/k' + string(i), name: 'k'})")
    threading.Timer(float(sys.argv[2]), lambda: os.kill(os.getpid(), signal.SIGKILL)).start()
    conn.execute("CHECKPOINT")
    threading.Event().wait(10)
""")


@pytest.fixture
def crashed(tmp_path: Path) -> Settings:
    for attempt, delay in enumerate((0.02, 0.05, 0.1, 0.01, 0.2)):
        folder = tmp_path / str(attempt)
        folder.mkdir()
        settings = Settings(db_path=folder / "akg.lbug", buffer_pool_mb=128, threads=2)
        store = LadybugStore(settings)
        store.init_schema()
        store.write([Node.make("region/before", name="Before")], [])
        store.close()
        done = subprocess.run([sys.executable, "-c", KILLED_IN_CHECKPOINT, str(settings.db_path),  # noqa: S603
                               str(delay)], check=False, timeout=120)
        assert done.returncode == -9
        leftovers = {p.name.removeprefix("akg.lbug") for p in folder.iterdir()}
        if ".wal.checkpoint" in leftovers or ".shadow" in leftovers:
            return settings
    pytest.skip(f"every checkpoint finished before its kill ({sorted(leftovers)})")


def test_a_read_only_open_recovers_an_interrupted_checkpoint(crashed: Settings) -> None:
    store = LadybugStore(crashed, read_only=True)
    try:
        count = store.run_read("MATCH (r:Region) RETURN count(*)").scalar()
    finally:
        store.close()
    assert count == 100001  # the commit came before the checkpoint: exactly the state after it


def test_recovery_pending_is_not_reported_as_a_refused_write() -> None:
    message = ("Runtime exception: Cannot open database in read-only mode while checkpoint recovery is "
               "pending. If another process is checkpointing, retry after it finishes; otherwise reopen in "
               "read-write mode to complete recovery before reopening read-only.")
    error = translate_error(RuntimeError(message), "data/akg.lbug")
    assert "refused a write" not in error.message
    assert "interrupted checkpoint" in error.message and "\n" not in error.message
