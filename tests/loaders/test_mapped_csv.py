"""CSV lists through a YAML mapping: the sanctions list and the militia roster load once and
idempotently; a mapping naming anything the ontology lacks is refused before any row is read;
bad rows are reported by line and column and change nothing, or are set aside on request."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from graph.base import GraphStore
from graph.ingest import load_files
from graph.records import Node
from loaders import mapped_csv as mc
from ontology.errors import SourceFormatError
from tests.loaders.stores import base_store, counts, store  # noqa: F401 - fixtures

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "csv"
SANCTIONS = FIXTURES / "sanctions.csv"
SANCTIONS_MAP = FIXTURES / "sanctions.mapping.yaml"
ROSTER = FIXTURES / "militia_roster.csv"
ROSTER_MAP = FIXTURES / "militia_roster.mapping.yaml"


def load(store: GraphStore, path: Path, mapping: Path) -> mc.MappedFile:
    parsed = mc.parse(path, mc.load_mapping(mapping))
    mc.check_references(store, parsed)
    return parsed


def problems(exc: SourceFormatError) -> list[str]:
    return [SourceFormatError.format_one(*p) for p in exc.problems]


def mapping_errors(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceFormatError) as info:
        mc.load_mapping(path)
    return problems(info.value)


# ---------------------------------------------------------------------------- good files

def test_sanctions_list_maps_to_actors_levers_and_countries(store: GraphStore) -> None:
    parsed = load(store, SANCTIONS, SANCTIONS_MAP)
    assert parsed.bad_rows == [] and parsed.warnings == []
    [result] = load_files(store, [SANCTIONS], lambda _: parsed.records)
    assert result.loaded, result.problems
    assert result.summary.nodes_created == 7 and result.summary.edges_created == 11
    riders = store.run_read("MATCH (a:Actor {id: 'actor/night-riders'}) RETURN a").scalar()
    assert riders["aliases"] == ["NR", "Riders", "Riders of the Night"]  # two rows, aliases merged
    assert riders["kind"] == "militia"
    lever = store.run_read(
        "MATCH (b:Actor {id: 'actor/test-regional-body'})-[h:HAS_LEVERAGE_OVER]->(a:Actor {id: 'actor/night-riders'}) "
        "RETURN h").scalar()
    assert lever["lever"] == "economic" and lever["valid_from"] == dt.date(2023, 3, 15)
    assert lever["note"] == "Attacks on villages of the Valley People"
    body = store.run_read("MATCH (b:Actor {id: 'actor/test-union-of-states'}) RETURN b.kind").scalar()
    assert body == "regional-organisation"
    before = counts(store)
    [again] = load_files(store, [SANCTIONS], lambda _: load(store, SANCTIONS, SANCTIONS_MAP).records)
    assert again.loaded and again.summary.changes == 0
    assert counts(store) == before


def test_militia_roster_semicolons_bom_and_optional_relationships(store: GraphStore) -> None:
    parsed = load(store, ROSTER, ROSTER_MAP)
    assert parsed.bad_rows == []
    [result] = load_files(store, [ROSTER], lambda _: parsed.records)
    assert result.loaded, result.problems
    rows = store.run_read("MATCH (a:Actor)-[m:MEMBER_OF]->(b:Actor) "
                          "RETURN a.id, b.id, m.confidence, m.valid_from ORDER BY a.id").rows
    assert rows == [["actor/hill-watch", "actor/night-riders", "medium", dt.date(2020, 5, 1)],
                    ["actor/market-boys", "actor/hill-watch", "low", dt.date(2021, 9, 15)],
                    ["actor/river-guard", "actor/night-riders", "low", None]]
    aliases = store.run_read("MATCH (a:Actor {id: 'actor/river-guard'}) RETURN a.aliases").scalar()
    assert aliases == ["RG", "River Guards"]
    assert store.stats().relationships["OPERATES_IN"] == 4


def test_read_yields_the_records() -> None:
    records = list(mc.read(ROSTER, mc.load_mapping(ROSTER_MAP)))
    assert [r.id for r in records if isinstance(r, Node)] == [
        "actor/night-riders", "actor/hill-watch", "actor/river-guard", "actor/market-boys"]


def test_unmapped_columns_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    rows = list(csv.reader(SANCTIONS.read_text(encoding="utf-8").splitlines()))
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([r + ["x"] for r in rows])
    parsed = mc.parse(path, mc.load_mapping(SANCTIONS_MAP))
    assert parsed.warnings == ["s.csv:1 column 'x' is not mapped; its values are ignored"]


def test_latin1_file_with_its_encoding_named(tmp_path: Path) -> None:
    text = ROSTER.read_text(encoding="utf-8-sig").replace("Market Boys", "Garçons du Marché")
    path = tmp_path / "roster.csv"
    path.write_bytes(text.encode("latin-1"))
    mapping = tmp_path / "m.yaml"
    mapping.write_text(ROSTER_MAP.read_text(encoding="utf-8") + "encoding: latin-1\n", encoding="utf-8")
    parsed = mc.parse(path, mc.load_mapping(mapping))
    assert "actor/garcons-du-marche" in {r.id for r in parsed.records if isinstance(r, Node)}
    with pytest.raises(SourceFormatError) as info:
        mc.parse(path, mc.load_mapping(ROSTER_MAP))
    assert problems(info.value) == ["roster.csv:5: not utf-8 text (byte 0xe7); save the file as utf-8 "
                                    "or name its encoding"]


# ---------------------------------------------------------------------------- bad mappings

GOOD = SANCTIONS_MAP.read_text(encoding="utf-8")
MAPPING_CASES = {
    "unknown class": (GOOD.replace("class: Actor\n    id: \"actor/{slug(Entity)}\"",
                                   "class: Actr\n    id: \"actor/{slug(Entity)}\""),
                      ["m.yaml:8 nodes[0].class: unknown class 'Actr' (did you mean Actor?)"]),
    "unknown relationship": (GOOD.replace("type: OPERATES_IN", "type: OPERATE_IN"),
                             ["m.yaml:20 relationships[0].type: unknown relationship type 'OPERATE_IN' "
                              "(did you mean OPERATES_IN?)"]),
    "unknown property": (GOOD.replace("      kind: Type", "      knd: Type"),
                         ["m.yaml:13 nodes[0].properties.knd: Actor has no property 'knd' (did you mean kind?)"]),
    "unknown relationship property": (GOOD.replace("note: Reason", "notes: Reason"),
                                      ["m.yaml:29 relationships[1].properties.notes: HAS_LEVERAGE_OVER has no "
                                       "property 'notes' (did you mean note?)"]),
    "bad constant": (GOOD.replace("{value: economic}", "{value: financial}"),
                     ["m.yaml:27 relationships[1].properties.lever.value: 'financial' is not one of diplomatic, "
                      "economic, military, legal, informational"]),
    "unknown key": (GOOD.replace("{column: Also known as, split", "{colum: Also known as, split"),
                    ["m.yaml:12 nodes[0].properties.aliases.colum: unknown key 'colum' (did you mean column?)",
                     "m.yaml:12 nodes[0].properties.aliases: give either column or value"]),
    "wrong class prefix": (GOOD.replace('to: "country/{Country}"', 'to: "group/{Country}"'),
                           ["m.yaml:22 relationships[0].to: VictimGroup ids cannot go here (allowed: Country)"]),
    "unknown prefix": (GOOD.replace('id: "actor/{slug(Entity)}"', 'id: "actr/{slug(Entity)}"'),
                       ["m.yaml:9 nodes[0].id: unknown id prefix 'actr' (did you mean actor, factor?)"]),
    "required property unmapped": (GOOD.replace("      name: Listed by\n", ""),
                                   ["m.yaml:16 nodes[1].properties: Actor requires name; map it"]),
    "split on a single value": (GOOD.replace("kind: Type", "kind: {column: Type, split: \";\"}"),
                                ["m.yaml:13 nodes[0].properties.kind.split: kind holds one value; split "
                                 "needs a list property"]),
    "format on text": (GOOD.replace("note: Reason", "note: {column: Reason, format: \"%d\"}"),
                       ["m.yaml:29 relationships[1].properties.note.format: note is not a date; format "
                        "applies to dates"]),
    "not a template": (GOOD.replace('id: "actor/{slug(Listed by)}"', 'id: "actor/fixed"'),
                       ["m.yaml:15 nodes[1].id: expected an id template such as \"actor/{slug(Name)}\""]),
    "yaml syntax": (GOOD.replace("nodes:\n", "nodes:\n  - class: [Actor\n", 1),
                    ["m.yaml:9: YAML syntax error at column 10: expected ',' or ']', but got ':'"]),
    "empty": ("# nothing\n", ["m.yaml: the file is empty"]),
    "no entries": ("delimiter: \",\"\n", ["m.yaml:1: the mapping has no nodes and no relationships"]),
}


@pytest.mark.parametrize("case", list(MAPPING_CASES))
def test_bad_mappings_are_refused_before_reading_rows(case: str, tmp_path: Path) -> None:
    text, expected = MAPPING_CASES[case]
    assert mapping_errors(tmp_path, text) == expected


def test_mapping_columns_must_exist_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(GOOD.replace("note: Reason", "note: Grounds"), encoding="utf-8")
    with pytest.raises(SourceFormatError) as info:
        mc.parse(SANCTIONS, mc.load_mapping(path))
    assert problems(info.value) == [
        "sanctions.csv:1: missing column(s) Grounds named by m.yaml; the header has: Entity, Also known as, "
        "Type, Country, Listed on, Listed by, Reason"]


# ---------------------------------------------------------------------------- bad rows

def _sanctions_with(tmp_path: Path, changes: dict[tuple[int, str], str]) -> Path:
    rows = list(csv.DictReader(SANCTIONS.read_text(encoding="utf-8").splitlines()))
    for (line, column), value in changes.items():
        rows[line - 2][column] = value
    path = tmp_path / "sanctions.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


BAD_ROWS = {
    (3, "Listed on"): "31/02/2023",
    (4, "Type"): "warlord",
    (5, "Entity"): "",
    (6, "Country"): "ZZZ",
    (7, "Type"): "armed-group",
}
EXPECTED_BAD = [
    "sanctions.csv:3 Listed on: '31/02/2023' is not a date (%d/%m/%Y)",
    "sanctions.csv:4 Type: 'warlord' is not one of government, state-security-force, armed-group, militia, "
    "political-party, religious-community-body, international-organisation, regional-organisation, ngo, "
    "media-outlet, company, rioters, protesters, other",
    "sanctions.csv:5 Entity: is empty; the Actor id needs it",
    "sanctions.csv:6 OPERATES_IN: country/ZZZ does not exist (not in the file, not in the store)",
    "sanctions.csv:7 kind: actor/night-riders: 'armed-group' differs from 'militia' on line 2",
]


def test_bad_rows_are_all_reported_and_nothing_is_written(store: GraphStore, tmp_path: Path) -> None:
    path = _sanctions_with(tmp_path, BAD_ROWS)
    parsed = load(store, path, SANCTIONS_MAP)
    found = [SourceFormatError.format_one(path.name, b.line, c, m) for b in parsed.bad_rows for c, m in b.problems]
    assert found == EXPECTED_BAD
    with pytest.raises(SourceFormatError) as info:
        list(mc.read(path, mc.load_mapping(SANCTIONS_MAP)))
    assert problems(info.value) == [m for m in EXPECTED_BAD if "does not exist" not in m]
    before = counts(store)
    [result] = load_files(store, [path], lambda p: mc.read(p, mc.load_mapping(SANCTIONS_MAP)))
    assert not result.loaded and counts(store) == before


def test_skipping_bad_rows_loads_the_good_ones_and_reports_the_rest(store: GraphStore, tmp_path: Path) -> None:
    path = _sanctions_with(tmp_path, BAD_ROWS)
    parsed = load(store, path, SANCTIONS_MAP)
    assert sorted(parsed.by_line) == [2]
    report = mc.write_bad_rows(parsed, tmp_path / "bad.csv")
    rows = list(csv.DictReader(report.read_text(encoding="utf-8").splitlines()))
    assert [r["line"] for r in rows] == ["3", "4", "5", "6", "7"]
    assert rows[0]["problems"] == "Listed on: '31/02/2023' is not a date (%d/%m/%Y)"
    assert rows[0]["Entity"] == "Qaziria Armed Forces"
    [result] = load_files(store, [path], lambda _: parsed.records)
    assert result.loaded and result.summary.nodes_created == 2


def test_a_rejected_row_takes_relationships_to_its_nodes_with_it(store: GraphStore, tmp_path: Path) -> None:
    text = ROSTER.read_text(encoding="utf-8-sig").replace("Hill Watch;HW;Night Riders;QZA;2020-05-01;medium",
                                                          "Hill Watch;HW;Night Riders;QZZ;2020-05-01;medium")
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    parsed = load(store, path, ROSTER_MAP)
    assert [(b.line, b.problems) for b in parsed.bad_rows] == [
        (3, [("OPERATES_IN", "country/QZZ does not exist (not in the file, not in the store)")]),
        (5, [("MEMBER_OF", "actor/hill-watch does not exist (not in the file, not in the store)")]),
    ]


def test_slug() -> None:
    assert mc.slug("  Night   Riders ") == "night-riders"
    assert mc.slug("Forces Démocratiques (FDLR)") == "forces-democratiques-fdlr"
