"""Dataset versions: a newer export replaces the older one (events it lacks are removed, exactly
those), an unchanged file is skipped, a scope that matches nothing is refused, a killed
replacing load leaves the previous version whole, and the log records every switch."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from cli.admin import init_store
from graph import audit
from graph.datasets import covers, list_versions, parse_scope
from graph.registry import open_store
from graph.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "events" / "acled_demo.csv"


@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("datasets") / "akg.lbug"
    store = open_store(Settings(db_path=path, buffer_pool_mb=128, threads=2))
    init_store(store)
    store.close()
    return path


@pytest.fixture(params=["one transaction", "staged"])
def db(base_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Path:
    """A store with the vocabularies; each test runs with loads in one transaction and staged
    (written into a copy of the store in several transactions, then swapped in)."""
    copy = tmp_path / "akg.lbug"
    copy.write_bytes(base_db.read_bytes())
    monkeypatch.setenv("AKG_DB", str(copy))
    staged = request.param == "staged"
    monkeypatch.setenv("AKG_STAGE_ROWS", "1" if staged else "0")
    monkeypatch.setenv("AKG_STAGE_TRANSACTION_ROWS", "500")  # several transactions even for the demo file
    return copy


def without(rows_out: int, tmp_path: Path) -> tuple[Path, list[str]]:
    """The demo export with its first ``rows_out`` events left out; returns the file and their ids."""
    text = DEMO.read_text(encoding="utf-8")
    reader = list(csv.DictReader(io.StringIO(text)))
    gone = [f"event/acled-{r['event_id_cnty']}" for r in reader[:rows_out]]
    lines = text.splitlines(keepends=True)
    out = tmp_path / "acled_reexport.csv"
    out.write_text(lines[0] + "".join(lines[1 + rows_out:]), encoding="utf-8")
    return out, gone


def events(db: Path) -> dict[str, str]:
    store = open_store(Settings(db_path=db, buffer_pool_mb=128), read_only=True)
    try:
        return {r[0]: r[1] for r in store.run_read("MATCH (e:Event) RETURN e.id, e.dataset_version").rows}
    finally:
        store.close()


def test_a_reexport_without_three_events_removes_exactly_those(db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(cli, ["load", "acled", str(DEMO), "--illustrative", "--by", "tester"])
    assert first.exit_code == 0, first.output
    before = events(db)
    again = runner.invoke(cli, ["load", "acled", str(DEMO), "--illustrative"])
    assert again.exit_code == 0 and "unchanged (same content as the current version" in again.output
    assert events(db) == before
    reexport, gone = without(3, tmp_path)
    second = runner.invoke(cli, ["load", "acled", str(reexport), "--illustrative"])
    assert second.exit_code == 0, second.output
    assert "3 events the new version no longer has removed" in second.output
    after = events(db)
    assert set(before) - set(after) == set(gone) and len(after) == len(before) - 3
    store = open_store(Settings(db_path=db, buffer_pool_mb=128), read_only=True)
    versions = {v["id"]: v for v in list_versions(store)}
    log = audit.read_log(store)
    store.close()
    [new] = [v for v in versions.values() if v["current"]]
    assert set(after.values()) == {new["id"]} and new["illustrative"] is True and new["rows"] == len(after)
    assert new["citation"].startswith("Armed Conflict Location & Event Data (ACLED); www.acleddata.com; accessed")
    assert [e["action"] for e in log] == ["dataset-replace", "dataset-load"]
    assert log[0]["removed"] == 3 and log[1]["by"] == "tester"


def test_a_scoped_version_records_its_rows_in_scope_beside_the_files_rows(db: Path) -> None:
    runner = CliRunner()
    done = runner.invoke(cli, ["load", "acled", str(DEMO), "--country", "COD", "--illustrative"])
    assert done.exit_code == 0, done.output
    store = open_store(Settings(db_path=db, buffer_pool_mb=128), read_only=True)
    try:
        [version] = [v for v in list_versions(store) if v["current"]]
        congo = store.run_read("MATCH (e:Event) WHERE e.dataset_version = $v RETURN count(e)", {"v": version["id"]})
    finally:
        store.close()
    with DEMO.open(encoding="utf-8") as f:
        in_file = list(csv.DictReader(f))
    in_scope = sum(r["iso"] == "180" for r in in_file)  # ACLED's numeric code of DR Congo
    assert 0 < in_scope < len(in_file)
    assert (version["rows_in_scope"], version["rows"]) == (in_scope, len(in_file)) == (congo.rows[0][0], len(in_file))
    listed = runner.invoke(cli, ["datasets"])
    header, row = listed.output.splitlines()[0], next(x for x in listed.output.splitlines() if version["id"] in x)
    assert "in scope" in header and "file rows" in header and f" {in_scope} " in row and f" {len(in_file)} " in row


@pytest.mark.parametrize(("code", "said"), [("RWD", "unknown country code 'RWD'; give an ISO3 code (did you mean RWA"),
                                           ("?Republic", "unknown country code '?REPUBLIC'"),
                                           ("of", "unknown country code 'OF'")])
def test_an_unknown_country_code_is_named_before_anything_is_read(db: Path, code: str, said: str) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["load", "acled", str(DEMO), "--illustrative"]).exit_code == 0
    before = events(db)
    out = runner.invoke(cli, ["load", "acled", str(DEMO), "--country", "RWA", "--country", code])
    assert out.exit_code == 2, out.output
    assert "Invalid value for '--country'" in out.output and said in out.output
    assert "Traceback" not in out.output and out.exception is None or isinstance(out.exception, SystemExit)
    assert events(db) == before


def test_a_scope_that_matches_nothing_is_refused_and_changes_nothing(db: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["load", "acled", str(DEMO), "--illustrative"]).exit_code == 0
    before = events(db)
    out = runner.invoke(cli, ["load", "acled", str(DEMO), "--country", "FRA"])
    assert out.exit_code == 1
    assert "no Event rows in scope country=FRA: nothing loaded" in str(out.exception)
    assert events(db) == before


KILL = """
import os, signal, sys
from pathlib import Path
from graph import datasets
from graph.ingest import load_bulk
from graph.registry import open_store
from graph.settings import Settings
from loaders import acled
from loaders.actors import AliasTable
store = open_store(Settings(db_path=Path(sys.argv[1]), buffer_pool_mb=128))
path = Path(sys.argv[2])
version = datasets.version_node("ACLED", "f" * 64, scope="all", file=path.name, rows=1, accessed=__import__(
    "datetime").date(2026, 1, 1))
plan = datasets.plan_version(store, version, "Event")
def die(summary):
    print("killing after the deletes, before commit", summary.nodes_removed, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
plan.switch.entries = die
chunks = acled.chunks(acled.open_acled(path), AliasTable.from_store(store))
load_bulk(store, datasets.stamped(chunks, "Event", version.id), switch=plan.switch)
"""


def test_a_replacing_load_killed_before_commit_leaves_the_previous_version_whole(db: Path,
                                                                                tmp_path: Path) -> None:
    assert CliRunner().invoke(cli, ["load", "acled", str(DEMO), "--illustrative"]).exit_code == 0
    before = events(db)
    reexport, _ = without(5, tmp_path)
    out = subprocess.run([sys.executable, "-c", KILL, str(db), str(reexport)], capture_output=True, text=True,
                         timeout=120, cwd=ROOT)
    assert out.returncode == -9 and "killing after the deletes, before commit 5" in out.stdout, out.stderr
    store = open_store(Settings(db_path=db, buffer_pool_mb=128))   # read-write: recovers the log
    store.close()
    assert events(db) == before


def test_scopes() -> None:
    assert parse_scope("all") == {} and parse_scope("country=SDN,since=2024-01-01") == {
        "country": "SDN", "since": "2024-01-01"}
    with pytest.raises(ValueError, match="is not edition"):
        parse_scope("region=Africa")
    assert covers("country=SDN+TCD", "country=SDN") and not covers("country=SDN", "country=SDN+TCD")
    assert covers("since=2020-01-01", "since=2024-01-01") and not covers("since=2024-01-01", "since=2020-01-01")
    assert not covers("edition=2025", "edition=2024") and covers("edition=2025", "edition=2025")


def test_a_changed_row_replaces_its_links(db: Path, tmp_path: Path) -> None:
    """An event the new export places elsewhere (or gives other actors) keeps only the new links."""
    runner = CliRunner()
    assert runner.invoke(cli, ["load", "acled", str(DEMO), "--illustrative"]).exit_code == 0
    moved = tmp_path / "acled_moved.csv"
    moved.write_text(DEMO.read_text(encoding="utf-8").replace(
        "Nord-Kivu,Rutshuru,Rumangabo,Rumangabo,-1.3500,29.3700", "Nord-Kivu,Rutshuru,Kiwanja,Kiwanja,-1.1900,29.4500"),
        encoding="utf-8")
    out = runner.invoke(cli, ["load", "acled", str(moved), "--illustrative"])
    assert out.exit_code == 0, out.output
    store = open_store(Settings(db_path=db, buffer_pool_mb=128), read_only=True)
    places = store.run_read("MATCH (e:Event {id: 'event/acled-COD-DEMO-001'})-[:OCCURRED_IN]->(p) "
                            "RETURN p.name").rows
    doubled = store.run_read("MATCH (e:Event)-[r:OCCURRED_IN]->() WITH e, count(r) AS n WHERE n > 1 "
                             "RETURN count(e)").scalar()
    store.close()
    assert places == [["Kiwanja"]] and doubled == 0
