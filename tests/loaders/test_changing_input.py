"""A file that changes while it is loaded (an export still being written, rows appended by another
writer) is refused with one line, and the version loaded before stays whole and current; once the
file is complete it loads, and the version's content hash is that of what was loaded.

The reader compares the file's size, modification time and inode at the end of each pass with
those when it was opened (:class:`loaders.event_csv.CsvSource`); the content hash is taken after
opening, so an unchanged file at the end of the passes is the file the hash describes.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.acled_gen import generate
from cli.admin import init_store
from graph.base import GraphStore
from graph.bulk import Bulk
from graph.datasets import current_versions, scope_text, version_node
from graph.editorial import file_hash
from graph.ingest import load_dataset
from graph.registry import open_store
from graph.settings import Settings
from loaders import acled
from loaders.actors import AliasTable
from ontology.errors import SourceFormatError
from tests.loaders import kill_harness as k

ROOT = Path(__file__).resolve().parents[2]
ROWS = 120


def _append(path: Path, rows: int, start: int) -> None:
    """``rows`` more valid rows at the end of ``path`` (copies of its second line with new ids)."""
    with path.open(encoding="utf-8") as fh:
        fh.readline()
        model = fh.readline()
    with path.open("a", encoding="utf-8") as fh:
        for n in range(start, start + rows):
            fh.write(f"LATE{n}" + model[model.index(","):])
            fh.flush()


def _load(store: GraphStore, path: Path, *, keep: int | None = None,
          during: threading.Thread | None = None) -> None:
    """What ``akg load acled`` does before the series (small read blocks: several batches); ``during``
    runs (and is waited for) once the writing pass has built its first chunk."""
    source = acled.open_acled(path)
    source.block_size = source.reread_block = 16 << 10
    if keep is not None:
        source.keep = keep
    digest = file_hash(path)
    rows, bad = acled.check(source)
    assert not bad
    version = version_node("ACLED", digest, scope=scope_text(), file=path.name, rows=rows, accessed=dt.date.today())

    def chunks() -> Iterator[Bulk]:
        for n, chunk in enumerate(acled.chunks(source, AliasTable.from_store(store))):
            if n == 0 and during is not None:
                during.start()
                during.join()
            yield chunk

    load_dataset(store, chunks(), version, "Event")


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    first, second = tmp_path / "v1.csv", tmp_path / "v2.csv"
    generate(ROWS, first, seed=1)
    generate(ROWS, second, seed=2)
    return first, second


@pytest.mark.parametrize("keep", [None, 0], ids=["replayed", "read-again"])
def test_rows_appended_during_the_writing_pass_load_nothing(
    store: GraphStore, keep: int | None, files: tuple[Path, Path]
) -> None:
    """The second pass either replays what the first read (a file that fits in memory) or reads the
    file again (``keep=0``: a larger one, which would then see the appended rows): both refuse."""
    first, second = files
    init_store(store)
    _load(store, first)
    before = k.fingerprint(store)
    grow = threading.Thread(target=_append, args=(second, 50, 0))
    with pytest.raises(SourceFormatError) as err:
        _load(store, second, keep=keep, during=grow)
    message = str(err.value)
    assert len(message.splitlines()) == 1, message
    assert message.startswith("v2.csv: the file changed while it was being loaded (") and \
        "bytes when opened" in message and "nothing was loaded" in message, message
    assert k.fingerprint(store) == before
    assert [v["content_hash"] for v in current_versions(store, "ACLED")] == [file_hash(first)]
    # once complete, the file loads; the current version's hash is that of what was loaded
    _load(store, second, keep=keep)
    assert [v["content_hash"] for v in current_versions(store, "ACLED")] == [file_hash(second)]
    late = store.run_read("MATCH (e:Event) WHERE e.id STARTS WITH 'event/acled-LATE' RETURN count(e)").rows
    assert late == [[50]]


def test_akg_load_of_a_file_being_written_fails_in_one_line(files: tuple[Path, Path], tmp_path: Path) -> None:
    """``akg load acled`` while another writer keeps appending rows: exit 1, one line, and the
    previous version is still the current one."""
    first, second = files
    db = tmp_path / "akg.lbug"
    store = open_store(Settings(db_path=db, buffer_pool_mb=128, threads=2))
    init_store(store)
    _load(store, first)
    before = k.fingerprint(store)
    store.close()
    stop = threading.Event()
    appended = threading.Event()

    def writer() -> None:
        n = 0
        while not stop.is_set():
            _append(second, 1, n)
            appended.set()
            n += 1
            time.sleep(0.002)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert appended.wait(5)
        done = subprocess.run([sys.executable, "-c", "from cli import main; main()", "--db", str(db), "load", "acled",
                               str(second)], cwd=ROOT, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "AKG_BUFFER_POOL_MB": "128"})
    finally:
        stop.set()
        thread.join()
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert done.returncode == 1, done.stderr
    assert len(errors) == 1 and "Traceback" not in done.stderr, done.stderr
    assert errors[0].startswith("error: v2.csv: the file changed while it was being loaded ("), errors[0]
    store = open_store(Settings(db_path=db, buffer_pool_mb=128, threads=2))
    try:
        assert k.fingerprint(store) == before
        assert [v["content_hash"] for v in current_versions(store, "ACLED")] == [file_hash(first)]
    finally:
        store.close()
