"""Assessment files: valid ones load once and idempotently; every bad input gets a precise
message (file:line field: problem) and changes nothing in the store."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import loaders.reference
from cli import cli
from graph.base import GraphStore
from graph.editorial import file_writer
from graph.ingest import load_files
from graph.registry import open_store
from graph.settings import Settings
from loaders import assessment
from loaders.assessment_schema import SCHEMA_FILE, schema_json
from ontology.errors import SourceFormatError
from tests.loaders.stores import base_store, counts, store  # noqa: F401 - fixtures

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "assessments" / "QZA-2024-01.yaml"
TEXT = FIXTURE.read_text(encoding="utf-8")
NAME = FIXTURE.name


@pytest.fixture(autouse=True)
def qaziria(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fictional country of the fixtures is known to the reference check."""
    monkeypatch.setitem(loaders.reference.reference().countries, "QZA", "Qaziria")


def write(tmp_path: Path, text: str, name: str = NAME) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def messages(path: Path) -> list[str]:


    return [SourceFormatError.format_one(*p) for p in assessment.validate_path(path)]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


# ---------------------------------------------------------------------------- valid files

def test_fixture_is_valid_and_maps_to_the_graph(store: GraphStore) -> None:
    assert messages(FIXTURE) == []
    [result] = load_files(store, [FIXTURE], assessment.read, write=file_writer())
    assert result.loaded, result.problems
    rows = store.run_read(
        "MATCH (a:Assessment {id: 'assessment/QZA-2024-01'})-[f:FINDS]->(rf:RiskFactor) "
        "RETURN rf.id, f.level, f.trend, f.sources ORDER BY rf.id").rows
    assert rows == [["rf/RF7", 2, "rising", ["source/qz-monitor-2023-12"]], ["rf/RF9", 2, "stable", ["source/qz-monitor-2023-12"]]]
    role = store.run_read("MATCH (:Assessment)-[r:IDENTIFIES]->(a:Actor {id: 'actor/qz-night-riders'}) "
                          "RETURN r.role").scalar()
    assert role == "potential-perpetrator"
    threat = store.run_read("MATCH (:Actor)-[t:THREATENS]->(g:VictimGroup) RETURN t").scalar()
    assert threat["valid_from"] == dt.date(2023, 9, 1) and threat["owners"] == ["assessment/QZA-2024-01"]
    group = store.run_read("MATCH (g:VictimGroup) RETURN g").scalar()
    assert group["protected"] is True  # ethnic groups are protected by the Genocide Convention
    rec = store.run_read(
        "MATCH (:Assessment)-[:MAKES]->(r:Recommendation)-[:OF_OPTION]->(o:ResponseOption) "
        "MATCH (r)-[:ADDRESSED_TO]->(a:Actor) RETURN r.id, r.status, o.id, a.id").rows
    assert rec == [["rec/QZA-2024-01/r1", "proposed", "option/targeted-sanctions", "actor/test-regional-body"]]
    targets = store.run_read("MATCH (:Recommendation)-[:TARGETS]->(x) RETURN x.id ORDER BY x.id").rows
    assert [t[0] for t in targets] == ["actor/qz-night-riders", "group/valley-people", "rf/RF7",
                                       "trigger/qz-elections-2024"]
    window = store.run_read("MATCH (:Assessment)-[a:ANTICIPATES]->(t:Trigger)-[:OF_TYPE]->(tt:TriggerType) "
                            "RETURN a.expected_from, a.expected_to, a.likelihood, tt.id").rows[0]
    assert window == [dt.date(2024, 5, 1), dt.date(2024, 5, 31), "high", "trigger-type/elections"]
    interval = store.run_read("MATCH (c:Country {id: 'country/QZA'}) RETURN c.review_interval_months").scalar()
    assert interval == 6


def test_reloading_changes_nothing_and_later_assessment_keeps_history(
    store: GraphStore, tmp_path: Path
) -> None:
    load_files(store, [FIXTURE], assessment.read, write=file_writer())
    before = counts(store)
    [again] = load_files(store, [FIXTURE], assessment.read, write=file_writer())
    assert again.loaded and again.summary.changes == 0
    assert counts(store) == before
    later = TEXT.replace("id: QZA-2024-01", "id: QZA-2024-07").replace("date: 2024-01-31", "date: 2024-07-31") \
        .replace("level: 2                    # 0 absent", "level: 3                    # 0 absent") \
        .replace("status: proposed", "status: adopted")
    [second] = load_files(store, [write(tmp_path, later, "QZA-2024-07.yaml")], assessment.read, write=file_writer())
    assert second.loaded, second.problems
    rows = store.run_read("MATCH (a:Assessment)-[f:FINDS]->(:RiskFactor {id: 'rf/RF7'}) "
                          "RETURN a.date, f.level ORDER BY a.date").rows
    assert rows == [[dt.date(2024, 1, 31), 2], [dt.date(2024, 7, 31), 3]]
    # actors are shared by id; the relationship keeps every assessment that found it
    threat = store.run_read("MATCH (:Actor)-[t:THREATENS]->(:VictimGroup) RETURN t.owners").scalar()
    assert threat == ["assessment/QZA-2024-01", "assessment/QZA-2024-07"]
    assert store.run_read("MATCH (a:Actor {id: 'actor/qz-night-riders'}) RETURN count(*)").scalar() == 1


def test_json_body_is_accepted_too(tmp_path: Path) -> None:
    import yaml

    data = yaml.safe_load(TEXT)
    path = write(tmp_path, json.dumps(data, default=str, indent=1), "QZA-2024-01.json")
    assert messages(path) == []


def test_shipped_schema_file_is_current() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_json(), "run `akg docs` to regenerate"


def test_template_fails_until_every_placeholder_is_replaced_then_is_valid() -> None:
    text = assessment.template("RWA", dt.date(1994, 1, 11))
    with pytest.raises(SourceFormatError) as err:
        assessment.read_text(text, "RWA-1994-01.yaml")
    assert [(p[1], p[2]) for p in err.value.problems] == [(7, "title"), (9, "authors[0]"), (14, "summary")]
    assert all("template placeholder «" in p[3] for p in err.value.problems)
    half = text.replace("«RWA, 1994-01: a title»", "Rwanda, January 1994")
    with pytest.raises(SourceFormatError) as err:
        assessment.read_text(half, "RWA-1994-01.yaml")
    assert [p[2] for p in err.value.problems] == ["authors[0]", "summary"]
    filled = half.replace("«team or unit that wrote it»", "Risk assessment team").replace(
        "«One paragraph", "One paragraph").replace("whom.»", "whom.")
    recs = assessment.read_text(filled, "RWA-1994-01.yaml")
    assert recs[0].id == "assessment/RWA-1994-01"


# ---------------------------------------------------------------------------- the bad-input corpus

L_LEVEL = line_of(TEXT, "level: 2                    # 0 absent")
L_REL = line_of(TEXT, "reliability: B")
L_CRED = line_of(TEXT, "credibility: 2")
L_HORIZON = line_of(TEXT, "horizon_months")
L_COUNTRY = line_of(TEXT, "country: QZA ")

CORPUS = {
    "malformed-yaml": (TEXT.replace("title: Qaziria, January 2024", "title: [Qaziria"),
                       f"{NAME}:8: YAML syntax error at column"),
    "unknown-top-level-key": (TEXT + "colour: red\n", f"{NAME}:{len(TEXT.splitlines()) + 1} colour: unknown key"),
    "missing-required-field": (TEXT.replace("title: Qaziria, January 2024\n", ""), " title: is required"),
    "wrong-type": (TEXT.replace("horizon_months: 12 ", "horizon_months: twelve "),
                   f"{NAME}:{L_HORIZON} horizon_months: expected integer, got str 'twelve'"),
    "unknown-country": (TEXT.replace("country: QZA ", "country: RWD "),
                        f"{NAME}:{L_COUNTRY} country: unknown country code 'RWD'; did you mean RWA (Rwanda)"),
    "unknown-risk-factor": (TEXT.replace("factor: RF9", "factor: RF15"),
                            "risk_factors[1].factor: unknown risk factor 'RF15'"),
    "unknown-indicator": (TEXT.replace('indicator: "7.5"', 'indicator: "7.99"'),
                          "indicators[0].indicator: unknown Framework indicator '7.99'"),
    "level-out-of-range": (TEXT.replace("level: 2                    # 0 absent", "level: 5  # 0 absent"),
                           f"{NAME}:{L_LEVEL} risk_factors[0].level: 5 is not one of 0, 1, 2, 3"),
    "reliability-out-of-range": (TEXT.replace("reliability: B ", "reliability: G "),
                                 f"{NAME}:{L_REL} sources[0].reliability: 'G' is not one of A, B, C, D, E, F"),
    "credibility-out-of-range": (TEXT.replace("credibility: 2 ", "credibility: 7 "),
                                 f"{NAME}:{L_CRED} sources[0].credibility: 7 is not one of 1, 2, 3, 4, 5, 6"),
    "dangling-actor": (TEXT.replace("type: SUPPORTS, to: qz-night-riders", "type: SUPPORTS, to: ghost-militia"),
                       "relationships[0].to: actor 'ghost-militia' is not defined in this file's actors"),
    "dangling-group": (TEXT.replace("type: THREATENS, to: valley-people", "type: THREATENS, to: hill-people"),
                       "relationships[1].to: victim group 'hill-people' is not defined in this file's "
                       "victim_groups"),
    "dangling-source": (TEXT.replace("sources: [qz-monitor-2023-12]}", "sources: [no-such-report]}", 1),
                        "relationships[0].sources[0]: source 'no-such-report' is not defined"),
    "dangling-addressee": (TEXT.replace("addressee: test-regional-body", "addressee: un-security-council"),
                           "recommendations[0].addressee: actor 'un-security-council' is not defined"),
    "unknown-option": (TEXT.replace("option: targeted-sanctions", "option: targeted-sanction"),
                       "unknown response option 'targeted-sanction'; did you mean targeted-sanctions"),
    "conflicting-duplicate-id": (TEXT.replace("  - id: test-regional-body\n    name: Test Regional Body",
                                              "  - id: qz-government\n    name: Another Government"),
                                 "actors[2].id: 'qz-government' is defined twice with conflicting data"),
    "date-in-future": (TEXT.replace("date: 2024-01-31 ", "date: 2099-01-31 "), "date: 2099-01-31 is in the future"),
    "end-before-start": (TEXT.replace("period: {from: 2023-07-01, to: 2024-01-31}",
                                      "period: {from: 2024-07-01, to: 2024-01-31}"),
                         "period.to: ends (2024-01-31) before it starts (2024-07-01)"),
    "bad-date": (TEXT.replace("date: 2024-01-31 ", "date: 2024-02-30 "),
                 "date: '2024-02-30' is not a valid date (YYYY-MM-DD)"),
    "threatens-an-actor": (TEXT.replace("type: THREATENS, to: valley-people", "type: THREATENS, to: qz-government"),
                           "THREATENS must point to a victim group, and 'qz-government' is an actor"),
    "lever-on-wrong-type": (TEXT.replace("type: SUPPORTS, to: qz-night-riders,", "type: SUPPORTS, to: qz-night-riders, "
                                         "lever: economic,"),
                            "relationships[0].lever: SUPPORTS does not take 'lever'"),
    "lever-not-in-vocabulary": (TEXT.replace("lever: economic,", "lever: financial,"),
                                ":77 relationships[2].lever: 'financial' is not one of diplomatic, economic, "
                                "military, legal, informational"),
    "outcome-on-proposed": (TEXT.replace("    status: proposed ", "    outcome_code: partly\n    status: proposed "),
                            "outcome_code: a proposed recommendation has no outcome yet"),
    "outcome-code-not-in-vocabulary": (TEXT.replace("    status: proposed ", "    outcome_code: great\n"
                                                    "    status: adopted "),
                                       "outcome_code: 'great' is not one of effective, partly, not-effective"),
    "duplicate-yaml-key": (TEXT.replace("status: published", "status: published\nstatus: draft"),
                           "status: duplicate key"),
    "empty-file": ("   \n", f"{NAME}: the file is empty"),
    "yaml-alias-bomb": ("a: &a [x, x, x]\nb: &b [*a, *a, *a]\n" + TEXT,
                        f"{NAME}:1: YAML anchors and aliases (& and *) are not accepted"),
    "not-a-mapping": ("- just\n- a list\n", "an assessment must be a mapping"),
}


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_bad_input_is_reported_precisely_and_writes_nothing(
    case: str, store: GraphStore, tmp_path: Path
) -> None:
    text, expected = CORPUS[case]
    path = write(tmp_path, text)
    found = messages(path)
    assert any(expected in m for m in found), f"{case}: {found}"
    assert all(m.startswith(NAME) for m in found)
    before = counts(store)
    [result] = load_files(store, [path], assessment.read, write=file_writer())
    assert not result.loaded and result.problems
    assert counts(store) == before


def test_oversized_file_is_refused_before_reading(store: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / NAME
    with path.open("w", encoding="utf-8") as fh:
        fh.write(TEXT)
        fh.write("# " + "x" * 1000 + "\n" * 1)
        fh.truncate(50 * 1024 * 1024)
    found = messages(path)
    assert found == [f"{NAME}: the file is 52,428,800 bytes; the limit is 5,000,000 (AKG_MAX_ASSESSMENT_BYTES)"]
    before = counts(store)
    assert not load_files(store, [path], assessment.read, write=file_writer())[0].loaded
    assert counts(store) == before


def test_every_error_is_reported_not_just_the_first(tmp_path: Path) -> None:
    text = TEXT.replace("reliability: B ", "reliability: G ").replace("credibility: 2 ", "credibility: 9 ") \
        .replace("factor: RF9", "factor: RF15")
    assert len(messages(write(tmp_path, text))) == 3


def test_folder_with_one_bad_file_loads_the_others(store: GraphStore, tmp_path: Path) -> None:
    folder = tmp_path / "assessments"
    folder.mkdir()
    write(folder, TEXT, "QZA-2024-01.yaml")
    write(folder, CORPUS["level-out-of-range"][0].replace("id: QZA-2024-01", "id: QZA-2024-02"),
          "QZA-2024-02.yaml")
    results = load_files(store, assessment.files_in([folder]), assessment.read, write=file_writer())
    assert [(r.path.name, r.loaded) for r in results] == [("QZA-2024-01.yaml", True), ("QZA-2024-02.yaml", False)]
    ids = [r[0] for r in store.run_read("MATCH (a:Assessment) RETURN a.id").rows]
    assert ids == ["assessment/QZA-2024-01"]


# ---------------------------------------------------------------------------- the commands

def test_cli_validate_load_and_reload(base_store: Path, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    db = tmp_path / "cli.lbug"
    shutil.copy(base_store, db)
    monkeypatch.setenv("AKG_DB", str(db))
    runner = CliRunner()
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder, TEXT, NAME)
    ok = runner.invoke(cli, ["validate", str(folder)])
    assert ok.exit_code == 0 and "1 of 1 files valid" in ok.output
    bad = write(tmp_path, CORPUS["level-out-of-range"][0] .replace("credibility: 2 ", "credibility: 9 "))
    result = runner.invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:{L_LEVEL} risk_factors[0].level: 5 is not one of 0, 1, 2, 3" in result.output
    assert "sources[0].credibility: 9 is not one of" in result.output
    first = runner.invoke(cli, ["load", "assessment", str(folder)])
    assert first.exit_code == 0, first.output
    assert "1 of 1 files loaded" in first.output
    second = runner.invoke(cli, ["load", "assessment", str(folder)])
    assert "0 changes in all" in second.output


def test_cli_new_assessment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(cli, ["new-assessment", "mmr"])
    assert result.exit_code == 0, result.output
    [written] = list(tmp_path.glob("MMR-*.yaml"))
    assert [m.split(" ", 1)[1].split(":")[0] for m in messages(written)] == ["title", "authors[0]", "summary"]
    unknown = runner.invoke(cli, ["new-assessment", "MMX"])
    assert unknown.exit_code == 2 and "unknown country code 'MMX'" in unknown.output


# ---------------------------------------------------------------------------- the bundled examples

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "assessments"


def test_bundled_case_studies_are_valid_cover_every_region_and_reload_idempotently(base_store: Path,
                                                                                  tmp_path: Path) -> None:
    import shutil

    files = assessment.files_in([EXAMPLES])
    assert len(files) >= 20
    for path in files:
        assert messages(path) == [], path
    db = tmp_path / "examples.lbug"
    shutil.copy(base_store, db)
    store = open_store(Settings(db_path=db, buffer_pool_mb=256, threads=2))
    results = load_files(store, files, assessment.read, write=file_writer())
    assert all(r.loaded for r in results), [r.problems for r in results if not r.loaded]
    regions = store.run_read(
        "MATCH (a:Assessment)-[:ASSESSES]->(c:Country)-[:IN_REGION]->(r:Region) RETURN DISTINCT r.id ORDER BY r.id").rows
    assert [r[0] for r in regions] == ["region/balkans", "region/central-asia", "region/great-lakes",
                                       "region/middle-east"]
    per_country = store.run_read("MATCH (a:Assessment)-[:ASSESSES]->(c:Country) RETURN c.id, count(a)").rows
    assert all(n >= 2 for _, n in per_country)
    before = counts(store)
    again = load_files(store, files, assessment.read, write=file_writer())
    assert sum(r.summary.changes for r in again) == 0
    assert counts(store) == before
    store.close()
