"""`akg query` speaks like the API (bare ids, an 80-column list) and `akg recommendation status`
records coded status changes, on the query fixture world."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from graph.registry import open_store
from graph.settings import Settings
from tests.queries.world import build_world


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    db = tmp_path / "akg.lbug"
    monkeypatch.setenv("AKG_DB", str(db))
    monkeypatch.setenv("AKG_BUFFER_POOL_MB", "512")
    store = open_store(Settings.from_env())
    try:
        build_world(store)
    finally:
        store.close()
    return CliRunner()


def rows(runner: CliRunner, *args: str) -> list[dict[str, object]]:
    result = runner.invoke(cli, ["query", "run", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    out: list[dict[str, object]] = json.loads(result.stdout)["rows"]
    return out


def test_bare_and_prefixed_ids_give_the_same_rows(runner: CliRunner) -> None:
    bare = rows(runner, "perpetrators_in_country", "--param", "country=QZA")
    full = rows(runner, "perpetrators_in_country", "--param", "country=country/QZA")
    lower = rows(runner, "perpetrators_in_country", "--param", "country=qza")
    assert bare and bare == full == lower
    assert rows(runner, "leverage_chains", "--param", "actor=qz-night-riders") == \
        rows(runner, "leverage_chains", "--param", "actor=actor/qz-night-riders")
    assert rows(runner, "lessons_learnt", "--param", "option=targeted-sanctions")


def test_list_fits_80_columns_and_long_gives_details(runner: CliRunner) -> None:
    short = runner.invoke(cli, ["query", "--list"])
    assert short.exit_code == 0 and "leverage_chains" in short.stdout
    assert max(len(line) for line in short.stdout.splitlines()) <= 80
    long = runner.invoke(cli, ["query", "--list", "--long"])
    assert max(len(line) for line in long.stdout.splitlines()) <= 80
    assert "parameters: actor: str" in long.stdout and "[planners, analysts]" in long.stdout


def test_recommendation_status(runner: CliRunner) -> None:
    ok = runner.invoke(cli, ["recommendation", "status", "QZB-2019-06/r2", "adopted", "--date", "2021-03-01",
                             "--source", "test-report-1", "--note", "adopted after all", "--outcome", "partly"])
    assert ok.exit_code == 0, ok.output
    assert "rec/QZB-2019-06/r2: adopted on 2021-03-01, outcome partly (cites source/test-report-1)" in ok.output
    case = next(r for r in rows(runner, "lessons_learnt", "--param", "option=arms-embargo")
                if r["recommendation"] == "rec/QZB-2019-06/r2")
    assert (case["status"], case["outcome_code"]) == ("adopted", "partly")
    proposed = runner.invoke(cli, ["recommendation", "status", "QZB-2019-06/r2", "proposed", "--date",
                                   "2021-03-01", "--source", "x", "--outcome", "partly"])
    assert proposed.exit_code == 1 and "a proposed recommendation has no outcome" in str(proposed.exception)
    unknown = runner.invoke(cli, ["recommendation", "status", "QZB-2019-06/r9", "adopted", "--date", "2021-03-01",
                                  "--source", "x"])
    assert unknown.exit_code == 1 and "did you mean rec/QZB-2019-06/r2" in str(unknown.exception)
    bad = runner.invoke(cli, ["recommendation", "status", "QZB-2019-06/r2", "adopted", "--date", "2021-03-01",
                              "--source", "x", "--outcome", "great"])
    assert bad.exit_code == 2 and "'great' is not one of" in bad.output
