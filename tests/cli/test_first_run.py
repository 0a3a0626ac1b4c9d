"""First run: the demo finds its data from any directory, says so in one line when it cannot, and a
busy port is a one-line error; the package builds without warnings and ships the demo data."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli.demo import EXAMPLES, find_examples

ROOT = Path(__file__).resolve().parents[2]
AKG = [sys.executable, "-c", "from cli import main; main()"]


def _akg(args: list[str], cwd: Path, db: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AKG_DB": str(db), "AKG_BUFFER_POOL_MB": "384", "PYTHONPATH": str(ROOT)}
    return subprocess.run([*AKG, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port of 127.0.0.1 that another socket listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def test_the_package_ships_the_demo_data() -> None:
    assert find_examples() == EXAMPLES
    assert EXAMPLES.resolve() == (ROOT / "examples").resolve()
    assert len(list((EXAMPLES / "assessments").glob("*.yaml"))) == 20


def test_demo_without_data_is_one_line_error_and_creates_nothing(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    out = _akg(["demo", "--no-serve", "--examples", str(empty)], cwd=tmp_path, db=tmp_path / "akg.lbug")
    assert out.returncode == 1
    assert out.stderr.strip().count("\n") == 0 and "Traceback" not in out.stderr
    assert "no demo data" in out.stderr and "--examples" in out.stderr
    assert not (tmp_path / "akg.lbug").exists()


@pytest.mark.slow
def test_demo_from_another_directory_loads_the_shipped_data(tmp_path: Path) -> None:
    out = _akg(["demo", "--no-serve"], cwd=tmp_path, db=tmp_path / "akg.lbug")
    assert out.returncode == 0, out.stderr
    assert "assessments: 20 of 20 files loaded" in out.stdout
    assert "ACLED acled_demo.csv" in out.stdout and "EWP ewp_sra_2025_demo.csv" in out.stdout
    assert len(out.stdout.splitlines()) <= 15  # a summary, not tables


def test_serve_on_a_busy_port_is_one_line_error(tmp_path: Path, busy_port: int) -> None:
    db = tmp_path / "akg.lbug"
    assert _akg(["init"], cwd=tmp_path, db=db).returncode == 0
    out = _akg(["serve", "--port", str(busy_port)], cwd=tmp_path, db=db, timeout=60)
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    assert out.stderr.strip() == (f"Error: cannot listen on 127.0.0.1:{busy_port}: the port is in use "
                                  "(another server running? stop it or choose another with --port)")


def test_demo_on_a_busy_port_fails_before_building(tmp_path: Path, busy_port: int) -> None:
    out = _akg(["demo", "--port", str(busy_port)], cwd=tmp_path, db=tmp_path / "akg.lbug", timeout=60)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert out.stderr.strip().startswith(f"Error: cannot listen on 127.0.0.1:{busy_port}: the port is in use")
    assert not (tmp_path / "akg.lbug").exists()


@pytest.mark.slow
def test_wheel_builds_without_warnings_and_holds_the_demo_data(tmp_path: Path) -> None:
    source = tmp_path / "src"  # a copy, so the build leaves nothing in the checkout
    shutil.copytree(ROOT, source, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", ".venv", "data", "build", "*.egg-info", "__pycache__", ".*_cache", "node_modules", "docs", "tests"))
    out = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(tmp_path), str(source)],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    assert "Warning" not in out.stdout + out.stderr, out.stdout + out.stderr
    wheel = next(tmp_path.glob("atrocity_kg-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert sum(n.startswith("cli/examples/assessments/") and n.endswith(".yaml") for n in names) == 20
    for needed in ("cli/examples/events/acled_demo.csv", "cli/examples/ewp/ewp_sra_2025_demo.csv",
                   "cli/examples/aliases.csv", "ontology/akg.ttl", "api/templates/pages/home.html",
                   "queries/cypher/country_overview.cypher", "viz/static/vis-network.min.js"):
        assert needed in names, needed
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    assert "License-Expression: MIT" in zipfile.ZipFile(wheel).read(metadata).decode()
