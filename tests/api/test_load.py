"""A short load test of the real server: `akg serve` (waitress) on 127.0.0.1, 8 clients, a few
seconds of country and actor look-ups; no request may fail. `make bench` runs the 30-second
version (benchmarks/bench_api.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from benchmarks.bench_api import drive, get_json, lookup_paths, serve


# Ladybug only for now: benchmarks/bench_api.py starts the server over a Ladybug file.
@pytest.mark.slow
def test_server_under_load(api_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "akg.lbug"
    shutil.copyfile(api_db, db)
    with serve(db) as base:
        assert base.startswith("http://127.0.0.1:")
        assert get_json(base, "/readyz") == {"status": "ok", "backend": "ladybug"}
        paths = lookup_paths(base)
        assert len(paths) > 50
        result = drive(base, paths, seconds=4.0, clients=8)
    assert result.errors == 0
    assert result.requests > 100
    with capsys.disabled():
        print(f"\n  load: {result.requests} requests in {result.seconds:.1f} s, {result.rps:.0f} req/s, "
              f"p95 {result.percentile(95):.1f} ms, 0 errors (8 clients, waitress 8 threads, 127.0.0.1)")
