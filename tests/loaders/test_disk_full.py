"""A disk that fills during ``akg load acled`` (simulated without root: the load runs in a process
whose files may not grow past N bytes, ``RLIMIT_FSIZE``, so Ladybug's writes fail as on a full
disk) ends the command with exit 1 and one true line, and the store opens afterwards holding the
previous version or, when the failure came once the transaction was in the log, the new one whole.

Where the write fails decides which: before COMMIT (the previous version: "unchanged"), during
COMMIT ("either ... never a part": Ladybug may have logged the whole transaction, and reopening the
database applies it), or after it (the checkpoint into the database file, or the series computed
after the load: "is loaded"/"was committed"). Each message is checked against the store it left.

Neo4j is not concerned: the client writes no file, and a server out of disk fails the transaction,
which it rolls back.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.acled_gen import generate
from cli import cli
from cli.admin import init_store
from graph.datasets import current_versions
from graph.editorial import file_hash
from graph.registry import open_store
from graph.settings import Settings
from tests.loaders import kill_harness as k

ROOT = Path(__file__).resolve().parents[2]
ROWS = 120
CHILD = ("import resource, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); n = int(sys.argv[1]); "
         "resource.setrlimit(resource.RLIMIT_FSIZE, (n, n)); sys.argv = ['akg', *sys.argv[2:]]; "
         "from cli import main; main()")


def _settings(db: Path) -> Settings:
    return Settings(db_path=db, buffer_pool_mb=128, threads=2)


def _fingerprint(db: Path) -> tuple[k.Fingerprint, list[str]]:
    store = open_store(_settings(db))  # opening recovers what the failed process logged
    try:
        return k.fingerprint(store), [v["content_hash"] for v in current_versions(store, "ACLED")]
    finally:
        store.close()


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A store holding a first version, the second export, and both fingerprints."""
    tmp = tmp_path_factory.mktemp("disk-full")
    first, second = tmp / "v1.csv", tmp / "v2.csv"
    generate(ROWS, first, seed=1)
    generate(ROWS, second, seed=2)
    base = tmp / "base.lbug"
    store = open_store(_settings(base))
    init_store(store)
    store.close()
    done = CliRunner().invoke(cli, ["--db", str(base), "load", "acled", str(first)])
    assert done.exit_code == 0, done.output
    after = tmp / "after.lbug"
    shutil.copy(base, after)
    done = CliRunner().invoke(cli, ["--db", str(after), "load", "acled", str(second)])
    assert done.exit_code == 0, done.output
    return {"base": base, "second": second, "before": _fingerprint(base), "after": _fingerprint(after),
            "hashes": (file_hash(first), file_hash(second))}


# 64 KiB: COMMIT fails writing the log (the store stays before); 1 MiB: the load commits and the
# series computed after it fail (the store is after). Larger limits let this small load finish.
@pytest.mark.parametrize("limit_kib", [64, 1024])
def test_a_disk_filling_during_a_load_fails_in_one_true_line(
    stores: dict[str, object], limit_kib: int, tmp_path: Path
) -> None:
    db = tmp_path / "akg.lbug"
    shutil.copy(stores["base"], db)  # type: ignore[arg-type]
    done = subprocess.run([sys.executable, "-c", CHILD, str(limit_kib << 10), "--db", str(db), "load", "acled",
                           str(stores["second"])], cwd=ROOT, capture_output=True, text=True, timeout=300)
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert done.returncode == 1, done.stderr[-2000:]
    assert len(errors) == 1 and "Traceback" not in done.stderr and "terminate called" not in done.stderr, \
        done.stderr[-2000:]
    message = errors[0]
    assert "disk full or a file size limit reached" in message, message
    got = _fingerprint(db)  # the store and its current version's content hash
    before, after = stores["before"], stores["after"]
    assert before[1] == [stores["hashes"][0]] and after[1] == [stores["hashes"][1]]  # type: ignore[index]
    if "the database is unchanged" in message:
        assert got == before, message
    elif "is loaded" in message or "was committed" in message:
        assert got == after, message
    else:
        assert "either the state before this write or all of it" in message, message
        assert got in (before, after), message
    print(f"{limit_kib} KiB: {'before' if got == before else 'after'}: {message[:160]}")
