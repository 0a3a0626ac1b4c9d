"""The foundation commands through click's runner, on a fresh Ladybug store."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("AKG_DB", str(tmp_path / "akg.lbug"))
    monkeypatch.setenv("AKG_BUFFER_POOL_MB", "128")
    return CliRunner()


def test_init_then_stats_shows_the_vocabularies(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["init"])
    assert result.exit_code == 0, result.output
    assert "466 nodes and 309 relationships created" in result.output
    again = runner.invoke(cli, ["init"])
    assert "0 nodes and 0 relationships created, 0 updated" in again.output
    stats = runner.invoke(cli, ["stats"])
    lines = {tuple(line.split()[:2]) for line in stats.output.splitlines()}
    assert ("RiskFactor", "14") in lines
    assert ("Indicator", "124") in lines
    assert ("ResponseOption", "43") in lines
    assert ("Country", "250") in lines


def test_ontology_table(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["ontology"])
    assert result.exit_code == 0
    assert "VictimGroup" in result.output and "HAS_LEVERAGE_OVER" in result.output
    props = runner.invoke(cli, ["ontology", "--properties"])
    assert "valid_from" in props.output and "date" in props.output


def test_export_every_format_and_validate(runner: CliRunner, tmp_path: Path) -> None:
    runner.invoke(cli, ["init"])
    for fmt, name in [("ttl", "g.ttl"), ("jsonld", "g.jsonld"), ("graphml", "g.graphml"),
                      ("csv", "csv")]:
        result = runner.invoke(cli, ["export", "--format", fmt, "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
    assert (tmp_path / "csv" / "nodes.csv").read_text().startswith("id,label,")
    assert "akg:RiskFactor" in (tmp_path / "g.ttl").read_text()
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 0 and "conforms" in result.output


def test_unknown_backend_is_one_line_error(tmp_path: Path) -> None:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", "from cli import main; main()", "--backend", "oops", "stats"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 1
    assert out.stderr.strip() == "error: unknown backend 'oops'; valid backends: ladybug, neo4j"
