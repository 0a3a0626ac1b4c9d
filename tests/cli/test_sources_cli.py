"""``akg load ewp|csv|rdf`` and ``akg actors unresolved|merge`` through click's runner, and the
actor merge on every backend."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from click.testing import CliRunner, Result

import cli.sources
from cli import cli as root
from graph.base import GraphStore
from graph.merge import MergeRefused, merge_actors, unresolved_actors
from graph.records import Edge, Node
from graph.registry import open_store
from graph.settings import Settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SRA_2025 = FIXTURES / "ewp" / "final_forecasts_data_3Sep2025.csv"
SANCTIONS = FIXTURES / "csv" / "sanctions.csv"
SANCTIONS_MAP = FIXTURES / "csv" / "sanctions.mapping.yaml"

A = "actor/acled-night-riders-militia"
B = "actor/qz-night-riders"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "akg.lbug"
    monkeypatch.setenv("AKG_DB", str(path))
    monkeypatch.setenv("AKG_BUFFER_POOL_MB", "128")
    result = CliRunner().invoke(root, ["init"])
    assert result.exit_code == 0, result.output
    return path


def akg(*args: str) -> Result:
    if args[0] == "actors" and "actors" not in root.commands:
        # until cli/__init__.py registers cli.sources.COMMANDS: run the group on its own
        return CliRunner().invoke(cli.sources.actors_group, list(args[1:]), obj=Settings.from_env())
    return CliRunner().invoke(root, list(args))


def stats(label: str) -> int:
    for line in akg("stats").output.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == label:
            return int(parts[1])
    return 0


# ---------------------------------------------------------------------------- load ewp

def test_load_ewp_refuses_unmatched_rows_unless_told(db: Path) -> None:
    refused = akg("load", "ewp", str(SRA_2025))
    assert refused.exit_code == 1
    assert "  line 14: 'Narnia' (COW 999)" in refused.output
    assert "nothing loaded: fix these names or codes" in refused.output
    assert stats("RiskScore") == 0
    loaded = akg("load", "ewp", "--skip-unmatched", str(SRA_2025))
    assert loaded.exit_code == 0, loaded.output
    assert "13 rows: 12 matched, 1 unmatched; 1 missing risk values skipped" in loaded.output
    # 35 scores, the dataset version and its log entry
    assert "37 nodes created, 0 updated, 0 unchanged; 35 relationships created" in loaded.output
    again = akg("load", "ewp", "--skip-unmatched", str(SRA_2025))
    assert "unchanged (same content as the current version dataset/ewp-" in again.output
    older = akg("load", "ewp", "--skip-unmatched", "--edition", "2024", "--date", "2024-09-05", str(SRA_2025))
    assert "edition 2024, dated 2024-09-05" in older.output and "37 nodes created" in older.output
    assert stats("RiskScore") == 70


def test_load_ewp_bad_file_is_one_clear_error(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "ewp.csv"
    path.write_text("ewp_name;risk.2025only.from2024\nSudan;0.1\n", encoding="utf-8")
    result = akg("load", "ewp", str(path))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "  ewp.csv:1: the header has no ',' but has ';': the file seems separated by ';'; "
        "expected the 2025 layout (ewp_name, risk.<YYYY>and<YYYY>.from<YYYY>, risk.<YYYY>only.from<YYYY>, "
        "rank columns, optional ccode) or the 2022 layout (country, SFTGcode, COW, risk_in_<YYYY>, "
        "risk_in_<YYYY>_<YY>)",
        f"FAILED {path}: nothing loaded"]
    lines = SRA_2025.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0], lines[-1]]) + "\n", encoding="utf-8")
    nothing = akg("load", "ewp", "--skip-unmatched", str(path))
    assert nothing.exit_code == 1 and f"FAILED {path}: no row matched a country; nothing loaded" in nothing.output


# ---------------------------------------------------------------------------- load rdf, csv

def test_load_rdf_then_csv_with_bad_rows(db: Path, tmp_path: Path) -> None:
    rdf_result = akg("load", "rdf", str(FIXTURES / "rdf" / "qaziria.ttl"))
    assert rdf_result.exit_code == 0 and "3 nodes created" in rdf_result.output
    broken = akg("load", "rdf", str(FIXTURES / "rdf" / "syntax_error.ttl"))
    assert broken.exit_code == 1 and "syntax_error.ttl:10: RDF syntax error" in broken.output

    ok = akg("load", "csv", str(SANCTIONS), "--mapping", str(SANCTIONS_MAP))
    assert ok.exit_code == 0, ok.output
    assert "7 nodes created" in ok.output and "11 relationships created" in ok.output
    again = akg("load", "csv", str(SANCTIONS), "--mapping", str(SANCTIONS_MAP))
    assert "0 nodes created, 0 updated, 7 unchanged" in again.output

    rows = SANCTIONS.read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "list.csv"
    bad.write_text("\n".join(rows[:2] + ["Ghost Brigade,,militia,QZZ,01/01/2024,Test Regional Body,x",
                                         "Dust Company,,cartel,QZA,01/01/2024,Test Regional Body,x"]) + "\n",
                   encoding="utf-8")
    before = stats("Actor")
    refused = akg("load", "csv", str(bad), "--mapping", str(SANCTIONS_MAP))
    assert refused.exit_code == 1
    assert "2 of 3 rows are bad:" in refused.output
    assert "  list.csv:3 OPERATES_IN: country/QZZ does not exist (not in the file, not in the store)" \
        in refused.output
    assert "  list.csv:4 Type: 'cartel' is not one of government" in refused.output
    assert stats("Actor") == before
    report = tmp_path / "bad-rows.csv"
    skipped = akg("load", "csv", str(bad), "--mapping", str(SANCTIONS_MAP), "--skip-bad-rows",
                  "--bad-rows-file", str(report))
    assert skipped.exit_code == 0, skipped.output
    assert f"skipped 2 of 3 rows (written to {report})" in skipped.output
    lines = list(csv.reader(report.read_text(encoding="utf-8").splitlines()))
    assert [r[:3] for r in lines] == [["line", "problems", "Entity"], ["3", "OPERATES_IN: country/QZZ does not "
                                      "exist (not in the file, not in the store)", "Ghost Brigade"],
                                      ["4", lines[2][1], "Dust Company"]]


def test_load_csv_with_a_bad_mapping(db: Path, tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text(SANCTIONS_MAP.read_text(encoding="utf-8").replace("class: Actor", "class: Militia", 1),
                       encoding="utf-8")
    result = akg("load", "csv", str(SANCTIONS), "--mapping", str(mapping))
    assert result.exit_code == 1
    assert "  m.yaml:8 nodes[0].class: unknown class 'Militia'" in result.output


# ---------------------------------------------------------------------------- actors

def merge_world() -> tuple[list[Node], list[Edge]]:
    """A known militia, its unresolved duplicate from a dataset, and what connects to them."""
    d = dt.date(2024, 3, 1)
    nodes = [
        Node.make("country/QZA", name="Qaziria", notation="QZA"),
        Node.make("group/valley-people", name="Valley People", basis="ethnic"),
        Node.make("source/s1", name="S1", title="S1", publisher="Test", reliability="B", credibility=2),
        Node.make("source/s2", name="S2", title="S2", publisher="Test", reliability="C", credibility=3),
        *[Node.make(f"event/e{i}", date=d, dataset="ACLED", source_event_id=f"E{i}") for i in (1, 2, 3)],
        Node.make("actor/qz-army", name="Qaziria Armed Forces", kind="state-security-force"),
        Node.make(B, name="Night Riders", kind="militia", aliases=["NR"]),
        Node.make(A, name="Night Riders Militia", aliases=["NRM"], unresolved=True),
        Node.make("actor/acled-unknown-gunmen", name="Unknown Gunmen", unresolved=True),
        Node.make("actor/acled-market-boys", name="Market Boys", unresolved=True),
    ]
    edges = [
        Edge.make("PERPETRATED", B, "event/e1", sources=["source/s1"], confidence="high"),
        Edge.make("PERPETRATED", A, "event/e1", sources=["source/s2"]),
        Edge.make("PERPETRATED", A, "event/e2", sources=["source/s2"], valid_from=d),
        Edge.make("PERPETRATED", "actor/acled-market-boys", "event/e3"),
        Edge.make("THREATENS", A, "group/valley-people", confidence="low", sources=["source/s2"]),
        Edge.make("SUPPORTS", "actor/qz-army", A, sources=["source/s1"], valid_from=d, note="training"),
        Edge.make("ALLIED_WITH", A, B),
        Edge.make("OPPOSES", B, A),
        Edge.make("OPERATES_IN", A, "country/QZA"),
        Edge.make("OPERATES_IN", B, "country/QZA"),
    ]
    return nodes, edges


class Counting:
    """A store that counts the calls a merge makes."""

    def __init__(self, inner: GraphStore) -> None:
        self.inner = inner
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.inner, name)
        if name not in {"run_read", "write", "delete_nodes"}:
            return attr

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            return attr(*args, **kwargs)
        return counted


def test_merge_moves_everything_in_four_store_calls(store: GraphStore) -> None:
    store.write(*merge_world())
    assert [r["id"] for r in unresolved_actors(store)] == [
        A, "actor/acled-market-boys", "actor/acled-unknown-gunmen"]
    assert [r["events"] for r in unresolved_actors(store)] == [2, 1, 0]
    counting = Counting(store)
    result = merge_actors(cast(GraphStore, counting), A, B)
    assert counting.calls == ["run_read", "run_read", "write", "delete_nodes"]
    assert (result.moved, result.dropped, result.deleted) == (5, 2, 1)
    assert result.aliases_added == ["NRM", "Night Riders Militia"]
    assert store.run_read("MATCH (a:Actor {id: $id}) RETURN a.id", {"id": A}).rows == []
    b = store.run_read("MATCH (a:Actor {id: $id}) RETURN a", {"id": B}).scalar()
    assert b["aliases"] == ["NR", "NRM", "Night Riders Militia"] and b["name"] == "Night Riders"
    perpetrated = store.run_read(
        "MATCH (a:Actor {id: $id})-[p:PERPETRATED]->(e:Event) RETURN e.id, p.sources, p.confidence, p.valid_from "
        "ORDER BY e.id", {"id": B}).rows
    assert perpetrated == [["event/e1", ["source/s1", "source/s2"], "high", None],
                           ["event/e2", ["source/s2"], None, dt.date(2024, 3, 1)]]
    support = store.run_read("MATCH (:Actor {id: 'actor/qz-army'})-[s:SUPPORTS]->(a:Actor) RETURN a.id, s").rows
    assert support[0][0] == B and support[0][1]["note"] == "training"
    threat = store.run_read("MATCH (a:Actor)-[t:THREATENS]->(:VictimGroup) RETURN a.id, t.confidence").rows
    assert threat == [[B, "low"]]
    loops = store.run_read("MATCH (a:Actor {id: $id})-[r]-(b:Actor {id: $id}) RETURN count(*)", {"id": B})
    assert loops.scalar() == 0
    assert store.stats().relationships["OPERATES_IN"] == 1
    assert [r["id"] for r in unresolved_actors(store)] == ["actor/acled-market-boys", "actor/acled-unknown-gunmen"]


@pytest.mark.parametrize(("source", "target", "message"), [
    (B, B, f"cannot merge {B} into itself"),
    (A, "group/valley-people", "target group/valley-people is a VictimGroup, not an Actor"),
    ("event/e1", B, "source event/e1 is an Event, not an Actor"),
    (A, "actor/nobody", "no actor actor/nobody in the store"),
    (A, "nonsense", "target 'nonsense': id 'nonsense' must start with a class prefix"),
])
def test_merge_refusals_change_nothing(store: GraphStore, source: str, target: str, message: str) -> None:
    store.write(*merge_world())
    before = (dict(store.stats().nodes), dict(store.stats().relationships))
    with pytest.raises(MergeRefused) as info:
        merge_actors(store, source, target)
    assert info.value.message.startswith(message)
    assert (dict(store.stats().nodes), dict(store.stats().relationships)) == before


@pytest.fixture
def merge_db(db: Path) -> Iterator[Path]:
    s = open_store(Settings(db_path=db, buffer_pool_mb=128, threads=2))
    s.write(*merge_world())
    s.close()
    yield db


def test_actors_unresolved_table_and_json(merge_db: Path) -> None:
    table = akg("actors", "unresolved")
    assert table.exit_code == 0, table.output
    lines = table.output.splitlines()
    assert lines[0].split() == ["id", "name", "events", "aliases"]
    assert lines[2].split()[:1] + lines[2].split()[-2:] == [A, "2", "NRM"]
    assert "3 unresolved actors" in table.output
    as_json = akg("actors", "unresolved", "--format", "json", "--limit", "1")
    assert json.loads(as_json.output) == [{"id": A, "name": "Night Riders Militia", "aliases": ["NRM"],
                                           "events": 2}]


def test_actors_merge_command(merge_db: Path) -> None:
    result = akg("actors", "merge", "acled-night-riders-militia", "qz-night-riders")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"merged {A} into {B}: 5 relationships moved, 2 dropped, 2 aliases added; {A} deleted",
        f"relationships: 3 new on {B}, 2 merged into existing ones",
    ]
    refused = akg("actors", "merge", "qz-night-riders", "qz-night-riders")
    assert refused.exit_code == 1 and f"cannot merge {B} into itself" in refused.output
    gone = akg("actors", "merge", "acled-night-riders-militia", "qz-night-riders")
    assert gone.exit_code == 1 and f"no actor {A} in the store" in gone.output
