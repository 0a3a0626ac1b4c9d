"""ACLED and UCDP GED loaders: real column layouts, the bulk path, idempotent re-loads, bad input."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import loaders.reference
import loaders.ucdp
from cli import cli
from cli.admin import init_store
from graph.base import GraphStore
from graph.ingest import load_bulk
from graph.ladybug_write import LadybugWriter
from graph.records import Node
from graph.registry import open_store
from graph.settings import Settings
from loaders import acled, ucdp
from loaders.actors import AliasTable
from tests.conftest import NEO4J_SKIP, _wipe_neo4j, backend_params

FIX = Path(__file__).resolve().parents[1] / "fixtures"
ACLED = FIX / "acled" / "acled_sample.csv"
UCDP = FIX / "ucdp" / "ucdp_ged_sample.csv"


@pytest.fixture(autouse=True)
def qaziria(monkeypatch: pytest.MonkeyPatch) -> None:
    ref = loaders.reference.reference()
    monkeypatch.setitem(ref.countries, "QZA", "Qaziria")
    monkeypatch.setitem(ref.iso_numeric, "999", "QZA")
    monkeypatch.setitem(loaders.ucdp._NAMES, "qaziria", "QZA")
    loaders.ucdp.iso3_of.cache_clear()


def fill(store: GraphStore) -> None:
    init_store(store)
    store.write([Node.make("country/QZA", name="Qaziria", notation="QZA"),
                 Node.make("actor/qz-night-riders", name="Night Riders", kind="militia", aliases=["NR"]),
                 Node.make("group/valley-people", name="Valley People", basis="ethnic",
                           aliases=["Valley People Ethnic Group (Qaziria)"])], [])


@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("events") / "akg.lbug"
    store = open_store(Settings(db_path=path, buffer_pool_mb=128, threads=2))
    fill(store)
    store.close()
    return path


@pytest.fixture
def db(base_db: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "akg.lbug"
    shutil.copy(base_db, copy)
    return copy


@pytest.fixture
def neo4j_store() -> Iterator[GraphStore]:
    """The test server's database holding the base graph (wiped before and after)."""
    s = open_store(Settings.from_env().with_overrides(backend="neo4j"))
    s.init_schema()
    _wipe_neo4j(s)
    fill(s)
    try:
        yield s
    finally:
        _wipe_neo4j(s)
        s.close()


@pytest.fixture(params=backend_params())
def store(request: pytest.FixtureRequest, db: Path) -> Iterator[GraphStore]:
    if request.param == "neo4j":
        yield request.getfixturevalue("neo4j_store")
        return
    s = open_store(Settings(db_path=db, buffer_pool_mb=128, threads=2))
    yield s
    s.close()


def counts(store: GraphStore) -> tuple[dict[str, int], dict[str, int]]:
    st = store.stats()
    return dict(st.nodes), dict(st.relationships)


def load_acled(store: GraphStore, path: Path = ACLED) -> object:
    source = acled.open_acled(path)
    rows, bad = acled.check(source)
    assert not bad
    return load_bulk(store, acled.chunks(source, AliasTable.from_store(store)))


def test_acled_maps_rows_to_the_graph(store: GraphStore) -> None:
    summary = load_acled(store)
    rows = store.run_read("MATCH (e:Event) RETURN e.id, e.date, e.fatalities, e.civilian_targeting, e.time_precision "
                          "ORDER BY e.id").rows
    assert rows == [["event/acled-QZA1001", dt.date(2024, 1, 5), 4, True, 1],
                    ["event/acled-QZA1002", dt.date(2024, 1, 12), 0, True, 2],
                    ["event/acled-QZA1003", dt.date(2024, 2, 1), 7, False, 1],
                    ["event/acled-QZA1004", dt.date(2024, 2, 10), 0, False, 1]]
    perp = store.run_read("MATCH (a:Actor)-[:PERPETRATED]->(e:Event) RETURN a.id, e.id ORDER BY e.id, a.id").rows
    assert perp == [["actor/qz-night-riders", "event/acled-QZA1001"],
                    ["actor/qaziria-armed-forces", "event/acled-QZA1002"],
                    ["actor/qz-night-riders", "event/acled-QZA1002"],  # "Night Riders (2020-)" resolved
                    ["actor/hill-front", "event/acled-QZA1003"],
                    ["actor/qaziria-armed-forces", "event/acled-QZA1003"]]
    targeted = store.run_read("MATCH (e:Event)-[:TARGETED]->(g:VictimGroup) RETURN e.id, g.id ORDER BY e.id").rows
    assert targeted == [["event/acled-QZA1001", "group/valley-people"],
                        ["event/acled-QZA1002", "group/civilians-qza"]]
    unresolved = store.run_read("MATCH (a:Actor) WHERE a.unresolved RETURN a.id, a.kind ORDER BY a.id").rows
    assert unresolved == [["actor/hill-front", "armed-group"], ["actor/qaziria-armed-forces", "state-security-force"]]
    evidence = store.run_read("MATCH (e:Event)-[:EVIDENCES]->(i:Indicator) RETURN e.id, i.id ORDER BY e.id").rows
    assert evidence == [["event/acled-QZA1001", "ind/7.8"], ["event/acled-QZA1002", "ind/7.9"]]
    places = store.run_read("MATCH (e:Event)-[:OCCURRED_IN]->(l:Location)-[:IN_COUNTRY]->(c:Country) "
                            "RETURN count(DISTINCT l), count(e), min(c.id)").rows
    assert places == [[2, 4, "country/QZA"]]
    assert summary.nodes_created > 0  # type: ignore[attr-defined]


def test_acled_reload_changes_nothing(store: GraphStore) -> None:
    load_acled(store)
    before = counts(store)
    again = load_acled(store)
    assert again.changes == 0  # type: ignore[attr-defined]
    assert counts(store) == before


def test_acled_changed_row_is_updated_and_its_links_restated(store: GraphStore, tmp_path: Path) -> None:
    """Both backends' bulk paths: a re-export where one event has moved and has more deaths updates
    that event only, drops its old links and writes its new ones (none doubled)."""
    load_acled(store)
    lines = ACLED.read_text(encoding="utf-8").splitlines(keepends=True)
    moved = [ln.replace("South,Lowland,,Town B,11.0,21.0", "North,Upper Valley,,Village A,10.5,20.25")
             .replace("Synthetic clash.,7,", "Synthetic clash.,9,") if ln.startswith("QZA1003,") else ln
             for ln in lines]
    changed = tmp_path / "changed.csv"
    changed.write_text("".join(moved), encoding="utf-8")
    before = counts(store)
    summary = load_acled(store, changed)
    assert summary.as_dict() == {"nodes_created": 0, "nodes_updated": 1, "nodes_unchanged": 6,  # type: ignore[attr-defined]
                                 "edges_created": 3, "edges_updated": 0, "edges_unchanged": 17,
                                 "nodes_removed": 0, "edges_removed": 0}
    assert counts(store) == before
    event = "MATCH (e:Event {id: 'event/acled-QZA1003'})"
    assert store.run_read(f"{event}-[:OCCURRED_IN]->(p) RETURN p.name, e.fatalities").rows == [["Village A", 9]]
    assert store.run_read(f"{event}<-[:PERPETRATED]-(a) RETURN a.id ORDER BY a.id").rows == \
        [["actor/hill-front"], ["actor/qaziria-armed-forces"]]


def test_acled_bulk_path_with_copy(store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LadybugWriter, "copy_threshold", 1)
    load_acled(store)
    assert store.run_read("MATCH (:Actor)-[r:PERPETRATED]->(:Event) RETURN count(r)").scalar() == 5
    again = load_acled(store)
    assert again.changes == 0  # type: ignore[attr-defined]


def test_acled_older_export_with_bom_and_text_dates(store: GraphStore, tmp_path: Path) -> None:
    text = ACLED.read_text(encoding="utf-8")
    lines = text.splitlines()
    header = lines[0].split(",")
    drop = {header.index(c) for c in ("disorder_type", "civilian_targeting", "tags")}
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    csv.writer(out).writerows([[v for i, v in enumerate(r) if i not in drop] for r in rows])
    older = tmp_path / "old.csv"
    older.write_text("\ufeff" + out.getvalue().replace("2024-01-05", "05 January 2024"), encoding="utf-8")
    load_acled(store, older)
    assert store.run_read("MATCH (e:Event {id: 'event/acled-QZA1001'}) RETURN e.date, e.civilian_targeting").rows \
        == [[dt.date(2024, 1, 5), True]]


def test_ucdp_one_sided_violence(store: GraphStore) -> None:
    source = ucdp.open_ucdp(UCDP)
    rows, bad = ucdp.check(source)
    assert (rows, bad) == (2, [])
    load_bulk(store, ucdp.chunks(source, AliasTable.from_store(store)))
    events = store.run_read("MATCH (e:Event) RETURN e.id, e.event_type, e.fatalities, e.fatalities_low, "
                            "e.fatalities_high, e.civilian_deaths, e.date_end ORDER BY e.id").rows
    assert events == [["event/ucdp-900001", "one-sided violence", 9, 8, 12, 9, None],
                      ["event/ucdp-900002", "state-based conflict", 5, 5, 6, 0, dt.date(2024, 2, 3)]]
    assert store.run_read("MATCH (a:Actor)-[:PERPETRATED]->(e:Event {id: 'event/ucdp-900001'})-[:TARGETED]->"
                          "(g:VictimGroup) RETURN a.id, g.id").rows == [["actor/qz-night-riders", "group/civilians-qza"]]
    sides = store.run_read("MATCH (a:Actor)-[:PERPETRATED]->(:Event {id: 'event/ucdp-900002'}) "
                           "RETURN a.id, a.kind ORDER BY a.id").rows
    assert sides == [["actor/government-of-qaziria", "government"], ["actor/hill-front", "armed-group"]]


BAD = {
    "missing column": (lambda t: t.replace("fatalities,", "deaths,", 1),
                       "missing column(s) fatalities; a ACLED export file has: event_id_cnty"),
    "semicolons": (lambda t: t.replace(",", ";"), "the header is separated by semicolons"),
    "empty": (lambda t: "", "the file is empty"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_acled_bad_files(case: str, tmp_path: Path) -> None:
    from ontology.errors import SourceFormatError

    change, expected = BAD[case]
    path = tmp_path / "bad.csv"
    path.write_text(change(ACLED.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(SourceFormatError, match=re.escape(expected)):
        acled.open_acled(path)


def test_bad_cells_are_located_and_nothing_is_written(db: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AKG_DB", str(db))
    bad = tmp_path / "bad.csv"
    bad.write_text(ACLED.read_text(encoding="utf-8").replace("2024-02-01", "2024-02-31")
                   .replace(",7,,1706745600", ",seven,,1706745600"), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["load", "acled", str(bad)])
    assert result.exit_code == 1
    assert "bad.csv:4 event_date: not a valid date" in result.output
    assert "bad.csv:4 fatalities: not a valid whole number ('seven')" in result.output
    assert "nothing was loaded" in result.output
    store = open_store(Settings(db_path=db, buffer_pool_mb=128))
    assert store.run_read("MATCH (e:Event) RETURN count(e)").scalar() == 0
    store.close()
    skipped = runner.invoke(cli, ["load", "acled", str(bad), "--skip-bad-rows"])
    assert skipped.exit_code == 0, skipped.output
    assert (tmp_path / "bad.csv.bad-rows.txt").read_text().count("bad.csv:4") == 2
    store = open_store(Settings(db_path=db, buffer_pool_mb=128))
    assert store.run_read("MATCH (e:Event) RETURN count(e)").scalar() == 3
    store.close()


KILL = """
import os, signal, sys
from pathlib import Path
import loaders.reference
ref = loaders.reference.reference()
ref.countries["QZA"] = "Qaziria"; ref.iso_numeric["999"] = "QZA"
from graph.ingest import load_bulk
from graph.ladybug_write import LadybugWriter
from graph.registry import open_store
from graph.settings import Settings
from loaders import acled
from loaders.actors import AliasTable
LadybugWriter.copy_threshold = 1
store = open_store(Settings(db_path=Path(sys.argv[1]), buffer_pool_mb=128))
source = acled.open_acled(Path(sys.argv[2]))
def die(chunk):
    print("killing mid-load", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
load_bulk(store, acled.chunks(source, AliasTable.from_store(store)), on_chunk=die)
"""


def test_load_killed_half_way_leaves_no_partial_load(db: Path) -> None:
    out = subprocess.run([sys.executable, "-c", KILL, str(db), str(ACLED)], capture_output=True, text=True,
                         timeout=120, cwd=Path(__file__).resolve().parents[2])
    assert out.returncode == -9 and "killing mid-load" in out.stdout, out.stderr
    store = open_store(Settings(db_path=db, buffer_pool_mb=128))
    assert store.run_read("MATCH (e:Event) RETURN count(e)").scalar() == 0
    assert store.run_read("MATCH (a:Actor) RETURN count(a)").scalar() == 1
    store.close()


KILL_NEO4J = """
import os, signal
import loaders.reference
ref = loaders.reference.reference()
ref.countries["QZA"] = "Qaziria"; ref.iso_numeric["999"] = "QZA"
from pathlib import Path
import sys
from graph import neo4j_write
from graph.ingest import load_bulk
from graph.registry import open_store
from graph.settings import Settings
from loaders import acled
from loaders.actors import AliasTable
store = open_store(Settings.from_env().with_overrides(backend="neo4j"))
apply = neo4j_write._apply
def apply_then_die(tx, query, rows):
    apply(tx, query, rows)
    if "CREATE" in query and "`Event`" in query:
        print("killing mid-transaction", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
neo4j_write._apply = apply_then_die
source = acled.open_acled(Path(sys.argv[1]))
load_bulk(store, acled.chunks(source, AliasTable.from_store(store)))
"""


@pytest.mark.neo4j
@pytest.mark.skipif(not os.environ.get("NEO4J_URI"), reason=NEO4J_SKIP)
def test_neo4j_load_killed_mid_transaction_leaves_nothing(neo4j_store: GraphStore) -> None:
    """One transaction per file on Neo4j: the client dies after events were created in it."""
    before = counts(neo4j_store)
    out = subprocess.run([sys.executable, "-c", KILL_NEO4J, str(ACLED)], capture_output=True,
                         text=True, timeout=120, cwd=Path(__file__).resolve().parents[2])
    assert out.returncode == -9 and "killing mid-transaction" in out.stdout, out.stderr
    assert counts(neo4j_store) == before
    assert neo4j_store.run_read("MATCH (e:Event) RETURN count(e)").scalar() == 0
