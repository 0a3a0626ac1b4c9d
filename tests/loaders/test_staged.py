"""Staged loads on Ladybug (graph.ladybug_stage): a file written into a copy of the store in several
transactions, then swapped in, ends exactly as the same file loaded in one transaction; readers in
other processes see the store as it was until the swap; a load that fails half-way (a full disk)
changes nothing and leaves nothing behind; what a killed one leaves is removed by the next writable
open only; a writable open waits for a swap in progress. (Killed at any moment: test_kill_anywhere.)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.acled_gen import generate
from cli import cli
from cli.admin import init_store
from graph import ladybug_stage
from graph.ladybug_write import LadybugWriter
from graph.registry import open_store
from graph.settings import Settings
from ontology.errors import StoreLocked
from tests.loaders import kill_harness as k

ROOT = Path(__file__).resolve().parents[2]
ROWS = 1_500
STAGED = {"AKG_STAGE_ROWS": "1", "AKG_STAGE_TRANSACTION_ROWS": "800"}
COUNT_EVENTS = ("import sys; from graph.registry import open_store; from graph.settings import Settings; "
                "from pathlib import Path; s = open_store(Settings(db_path=Path(sys.argv[1]), buffer_pool_mb=64), "
                "read_only=True); print(s.run_read('MATCH (e:Event) RETURN count(*)').scalar()); s.close()")


def _settings(db: Path) -> Settings:
    return Settings(db_path=db, buffer_pool_mb=128, threads=2)


def _fingerprint(db: Path) -> k.Fingerprint:
    store = open_store(_settings(db))
    try:
        return k.fingerprint(store)
    finally:
        store.close()


def _events_seen_by_another_process(db: Path) -> int:
    out = subprocess.run([sys.executable, "-c", COUNT_EVENTS, str(db)], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return int(out.stdout.strip())


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("staged")
    first, second = tmp / "v1.csv", tmp / "v2.csv"
    generate(ROWS, first, seed=1)
    generate(ROWS, second, seed=2)
    base = tmp / "base.lbug"
    store = open_store(_settings(base))
    init_store(store)
    store.close()
    return {"first": first, "second": second, "base": base}


def _load(db: Path, path: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    with monkeypatch.context() as m:
        for name, value in env.items():
            m.setenv(name, value)
        done = CliRunner().invoke(cli, ["--db", str(db), "load", "acled", str(path)])
    assert done.exit_code == 0, done.output


def test_a_staged_load_ends_as_one_transaction_and_readers_see_before_until_the_swap(
    files: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one, staged = tmp_path / "one.lbug", tmp_path / "staged.lbug"
    for db in (one, staged):
        shutil.copy(files["base"], db)
    _load(one, files["first"], monkeypatch, {"AKG_STAGE_ROWS": "0"})
    _load(staged, files["first"], monkeypatch, STAGED)
    assert _fingerprint(staged) == _fingerprint(one)

    # the second version replaces the first: count the commits, and look from another process
    seen: list[tuple[int, bool]] = []
    commit_point = LadybugWriter.commit_point

    def spying(self: LadybugWriter) -> None:
        commit_point(self)
        if not seen:
            seen.append((_events_seen_by_another_process(staged), bool(ladybug_stage.leftovers(staged))))
        else:
            seen.append((-1, True))

    before = _events_seen_by_another_process(staged)
    monkeypatch.setattr(LadybugWriter, "commit_point", spying)
    _load(staged, files["second"], monkeypatch, STAGED)
    monkeypatch.undo()
    _load(one, files["second"], monkeypatch, {"AKG_STAGE_ROWS": "0"})
    assert len(seen) >= 3, seen                 # several transactions
    assert seen[0] == (before, True)            # mid-load: the store as it was, the copy beside it
    assert _fingerprint(staged) == _fingerprint(one)
    assert _events_seen_by_another_process(staged) == ROWS != before or before == ROWS
    assert not ladybug_stage.leftovers(staged)


# The load runs in a process whose files may not grow past the store's size plus a little
# (RLIMIT_FSIZE, as tests/loaders/test_disk_full.py): the copy is made, writing it fails half-way.
CHILD = ("import resource, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); n = int(sys.argv[1]); "
         "resource.setrlimit(resource.RLIMIT_FSIZE, (n, n)); sys.argv = ['akg', *sys.argv[2:]]; "
         "from cli import main; main()")


def test_a_staged_load_failing_half_way_changes_nothing_and_leaves_nothing(
    files: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "akg.lbug"
    shutil.copy(files["base"], db)
    _load(db, files["first"], monkeypatch, STAGED)
    before = _fingerprint(db)
    limit = db.stat().st_size + (256 << 10)
    done = subprocess.run([sys.executable, "-c", CHILD, str(limit), "--db", str(db), "load", "acled",
                           str(files["second"])], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **STAGED})
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert done.returncode == 1, done.stderr[-2000:]
    assert len(errors) == 1 and "Traceback" not in done.stderr, done.stderr[-2000:]
    assert "disk full or a file size limit reached" in errors[0] and "unchanged" in errors[0], errors[0]
    assert not ladybug_stage.leftovers(db)      # the failed copy was removed at once
    assert _fingerprint(db) == before


def test_leftovers_go_at_the_next_writable_open_only_and_opens_wait_for_a_swap(
    files: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "akg.lbug"
    shutil.copy(files["base"], db)
    staging = ladybug_stage.staging_path(db)
    shutil.copy(db, staging)                    # as a load killed before its swap leaves it
    open_store(_settings(db), read_only=True).close()
    assert ladybug_stage.leftovers(db) == [staging]
    monkeypatch.setattr(ladybug_stage, "SWAP_WAIT_S", 0.3)
    with ladybug_stage.swap_lock(db, exclusive=True), pytest.raises(StoreLocked, match="staged load"):
        open_store(_settings(db))
    assert ladybug_stage.leftovers(db) == [staging]
    open_store(_settings(db)).close()
    assert not ladybug_stage.leftovers(db)
