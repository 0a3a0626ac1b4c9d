"""USHMM Tools for Atrocity Prevention factor files: versions 2 and 3 give the same facts; counts,
votes and practitioner shares face the factor the row names; the 23 tools map to response
options; every bad input gets a precise message and changes nothing in the store.

The fixtures (tests/fixtures/ushmm) use the real column names with invented numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import cli.evidence  # noqa: F401 - adds `load ushmm-tools`
from cli import cli as root
from graph.base import GraphStore
from graph.ingest import load_files
from graph.records import Edge, Node
from loaders import ushmm
from ontology.errors import SourceFormatError
from tests.loaders.stores import base_store, counts, store  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "ushmm"
V3, V2 = FIXTURES / "all_factors_3.csv", FIXTURES / "all_factors_2.csv"
EXTRACT = ROOT / "examples" / "ushmm" / "all_factors_3_extract.csv"
DAY = dt.date(2025, 8, 4)

# The 23 tool names of the published version 3 file (data/V3 - 2025_April/all_factors_3.csv).
USHMM_TOOLS = [
    "Arms embargoes", "Bilateral diplomacy", "Comprehensive economic sanctions", "Cyber attacks",
    "Development assistance", "Diplomatic sanctions", "Fact-finding", "Mediation", "Military intervention",
    "Military presence", "Multilateral diplomacy", "Naming and shaming", "Official amnesties", "Peace operations",
    "Prosecutions", "Public diplomacy", "Refugee protection", "Security assistance", "Security guarantees",
    "Support to civilian self-protection efforts", "Support to non-state armed groups", "Targeted sanctions",
    "Trade or investment incentives",
]


def findings(parsed: ushmm.UshmmFile) -> dict[tuple[str, str], dict[str, Any]]:
    """The CONDITIONED_BY facts by (option, factor), without provenance."""
    return {(e.source, e.target): {k: v for k, v in e.props.items() if k not in ("note", "sources", "asserted_on")}
            for e in parsed.findings}


def messages(path: Path, **kw: Any) -> list[str]:
    with pytest.raises(SourceFormatError) as info:
        list(ushmm.read(path, file_date=DAY, **kw))
    return [SourceFormatError.format_one(*p) for p in info.value.problems]


# ---------------------------------------------------------------------------- the mapping

def test_every_published_tool_maps_to_exactly_one_response_option() -> None:
    options = ushmm.tool_options()
    assert len(options) == 23
    mapped = {t: options[" ".join(t.casefold().split())] for t in USHMM_TOOLS}
    assert len(set(mapped.values())) == 23
    assert mapped["Peace operations"] == "option/peace-operation-poc"
    assert mapped["Official amnesties"] == "option/amnesty-policy"
    assert mapped["Arms embargoes"] == "option/arms-embargo"


@pytest.mark.parametrize(("greater", "lesser", "version", "inverted", "temp", "expected"), [
    (9, 2, 3, True, -4.0, (9, 2)),     # v3 swapped the counts and named the row by the opposite
    (2, 0, 3, False, -1.0, (0, 2)),    # v3 swapped the counts, no opposite to name it by: undo the swap
    (3, 1, 3, False, 2.0, (3, 1)),     # nothing to turn
    (2, 9, 2, True, -4.0, (9, 2)),     # v2 counts face Name; the row is named by the opposite
    (0, 2, 2, False, -1.0, (0, 2)),    # v2, no opposite: as published
    (1, 1, 3, False, None, (1, 1)),
])
def test_counts_are_turned_to_face_the_named_factor(greater: int, lesser: int, version: int, inverted: bool,
                                                    temp: float | None, expected: tuple[int, int]) -> None:
    assert ushmm.orient(greater=greater, lesser=lesser, version=version, inverted=inverted,
                        temp_vote=temp) == expected


def test_direction_follows_the_findings() -> None:
    assert [ushmm.direction_of(g, ls) for g, ls in [(2, 1), (1, 2), (0, 0), (3, 3)]] == \
        ["greater", "lesser", "mixed", "mixed"]


# ---------------------------------------------------------------------------- version 3

def test_version_3_file_yields_factors_findings_strategies_and_a_source() -> None:
    parsed = ushmm.parse(V3, file_date=DAY)
    assert (parsed.version, parsed.rows, len(parsed.tools), parsed.unmapped, parsed.notes) == (3, 16, 6, {}, [])
    assert {t.name: t.option for t in parsed.tools.values()} == {
        "Mediation": "option/mediation", "Peace operations": "option/peace-operation-poc",
        "Targeted sanctions": "option/targeted-sanctions", "Arms embargoes": "option/arms-embargo",
        "Military intervention": "option/military-intervention", "Refugee protection": "option/refugee-protection"}
    assert sorted(parsed.factors) == [
        "factor/clear-communication", "factor/concurrent-use-of-multiple-tools", "factor/economic-shock",
        "factor/international-organization-implementer", "factor/no-ongoing-armed-conflict",
        "factor/non-military-sanctions", "factor/ongoing-armed-conflict", "factor/state-implementer",
        "factor/state-target", "factor/unbiased-implementer-or-intervention"]
    unbiased = parsed.factors["factor/unbiased-implementer-or-intervention"].props
    assert unbiased == {"name": "Unbiased implementer or intervention", "factor_type": "design",
                        "family": "Implementer choices", "asserted_on": dt.date(2025, 4, 1),
                        "definition": "Invented: Unbiased implementer or intervention."}
    f = findings(parsed)
    assert len(f) == 14 and parsed.research_findings == 56
    assert f[("option/mediation", "factor/unbiased-implementer-or-intervention")] == {
        "direction": "greater", "finding_count": 16, "greater_findings": 9, "lesser_findings": 2,
        "mixed_findings": 5, "research_strength": 2.75, "outcomes": ("Conflict", "Mass atrocities")}
    # temp vote < 0 and no opposite: version 3 swapped the counts; the loader swaps them back
    assert f[("option/arms-embargo", "factor/state-implementer")] == {
        "direction": "lesser", "finding_count": 3, "greater_findings": 0, "lesser_findings": 2,
        "mixed_findings": 1, "research_strength": -0.75, "outcomes": ("Conflict",)}
    # practitioner share signed relative to Name (Biased...), turned to face the named factor
    assert f[("option/peace-operation-poc", "factor/unbiased-implementer-or-intervention")]["practitioner_strength"] \
        == 0.5
    assert f[("option/peace-operation-poc", "factor/international-organization-implementer")]["direction"] == "mixed"
    # practitioner-only factors: direction from the share, no research counts
    assert f[("option/targeted-sanctions", "factor/non-military-sanctions")] == {
        "direction": "greater", "practitioner_strength": 0.2}
    assert f[("option/targeted-sanctions", "factor/clear-communication")] == {
        "direction": "greater", "practitioner_strength": 0.6}
    note = next(e.props["note"] for e in parsed.findings if e.target == "factor/clear-communication")
    assert note == ("USHMM TfAP v3, all_factors_3.csv line 7; practitioner interviews only, no research findings; "
                    "practitioners: Moderate (10 interviewed)")
    strategies = sorted((e.source, e.target) for e in parsed.strategy_edges)
    assert ("option/military-intervention", "strategy/transition") in strategies
    assert [t for o, t in strategies if o == "option/refugee-protection"] == ["strategy/protect"]
    assert len(strategies) == 2 + 2 + 3 + 2 + 4 + 1
    assert all(e.props["sources"] == ("source/ushmm-tools-v3",) for e in parsed.strategy_edges + parsed.findings)
    assert parsed.tools["mediation"].evidence_review is True
    assert parsed.tools["military intervention"].evidence_review is False


def test_the_source_node_carries_provenance() -> None:
    source = ushmm.parse(V3, file_date=DAY).source
    assert source is not None and source.id == "source/ushmm-tools-v3"
    assert source.props == {
        "title": "Tools for Atrocity Prevention data, version 3",
        "publisher": "United States Holocaust Memorial Museum, Simon-Skjodt Center for the Prevention of Genocide",
        "published": dt.date(2025, 4, 1), "url": "https://github.com/ushmm/atrocity-prevention-data",
        "reliability": "B", "credibility": 2,
        "name": "USHMM Tools for Atrocity Prevention data v3 (data/V3 - 2025_April; file all_factors_3.csv "
                "dated 2025-08-04)"}
    # without a date given, the file's modification date
    undated = ushmm.parse(V3).source
    assert undated is not None and dt.date.fromtimestamp(V3.stat().st_mtime).isoformat() in undated.props["name"]


# ---------------------------------------------------------------------------- version 2

def test_version_2_file_gives_the_same_facts_as_version_3() -> None:
    v2, v3 = ushmm.parse(V2, file_date=DAY), ushmm.parse(V3, file_date=DAY)
    assert v2.version == 2 and v2.source is not None and v2.source.id == "source/ushmm-tools-v2"
    assert findings(v2) == findings(v3)
    assert sorted(v2.factors) == sorted(v3.factors)
    assert sorted((e.source, e.target) for e in v2.strategy_edges) == \
        sorted((e.source, e.target) for e in v3.strategy_edges)
    assert v2.notes == ["all_factors_2.csv:18 repeats line 5 (Peace operations / No ongoing armed conflict); "
                        "read once", "1 rows have no tool_name; their tool was read from the Tool column"]


# ---------------------------------------------------------------------------- bad input

def test_renamed_columns_are_named() -> None:
    assert messages(FIXTURES / "bad_renamed_column.csv") == [
        "bad_renamed_column.csv:1: closest to version 3 (data/V3 - 2025_April) but missing columns "
        "Name.Final_practitioner, greater_findings; were columns renamed?"]


def test_other_versions_and_other_files_are_refused(tmp_path: Path) -> None:
    assert messages(FIXTURES / "version_1_layout.csv") == [
        "version_1_layout.csv:1: this looks like version 1 (July 2022) of all_factors, which is not read: use "
        "version 2 (data/V2 - 2024/all_factors_2.csv) or 3 (data/V3 - 2025_April/all_factors_3.csv)"]
    other = tmp_path / "sanctions.csv"
    other.write_text("name,listed\nX,2024-01-01\n", encoding="utf-8")
    [message] = messages(other)
    assert message.startswith("sanctions.csv:1: not a Tools for Atrocity Prevention all_factors file of version "
                              "2 or 3: missing columns Name.Final_research, vote_count_factor, ")


def test_non_numeric_values_are_reported_with_row_and_column() -> None:
    assert messages(FIXTURES / "bad_non_numeric.csv") == [
        "bad_non_numeric.csv:3 count: 'four' is not a whole number",
        "bad_non_numeric.csv:5 greater_findings: '4.5' is not a whole number",
        "bad_non_numeric.csv:10 vote_count_factor: 'strong' is not a number"]


def test_empty_and_header_only_files() -> None:
    assert messages(FIXTURES / "empty.csv") == ["empty.csv: the file is empty"]
    assert messages(FIXTURES / "header_only.csv") == ["header_only.csv: the file has a header but no rows"]


def test_unmapped_tools_are_all_reported_not_dropped() -> None:
    path = FIXTURES / "bad_unknown_tool.csv"
    parsed = ushmm.parse(path, file_date=DAY)
    assert parsed.unmapped == {"Wishful thinking": [2, 3], "Sternly worded letters": [16]}
    got = messages(path)
    assert got[:2] == ["bad_unknown_tool.csv:2 tool_name: tool 'Wishful thinking' maps to no response option "
                       "(lines 2, 3)",
                       "bad_unknown_tool.csv:16 tool_name: tool 'Sternly worded letters' maps to no response "
                       "option (line 16)"]
    assert got[2].startswith("bad_unknown_tool.csv: the response options' ushmm_tool names "
                             "(ontology/vocab/response_options.ttl) are: Arms embargoes, Bilateral diplomacy")
    kept = list(ushmm.read(path, file_date=DAY, skip_unmapped=True))
    edges = [r for r in kept if isinstance(r, Edge)]
    assert not any(e.source == "option/mediation" for e in edges)  # the renamed Mediation rows are left out
    assert {e.source for e in edges if e.type == "CONDITIONED_BY"} == {
        "option/peace-operation-poc", "option/targeted-sanctions", "option/arms-embargo"}
    assert "factor/unbiased-implementer-or-intervention" in {r.id for r in kept if isinstance(r, Node)}


def test_a_near_miss_tool_name_gets_a_suggestion(tmp_path: Path) -> None:
    text = V3.read_text(encoding="utf-8").replace(",Arms embargoes,", ",Arms embargo,")
    path = tmp_path / "typo.csv"
    path.write_text(text, encoding="utf-8")
    assert "did you mean Arms embargoes?" in messages(path)[0]


def test_rows_that_contradict_each_other_or_lack_evidence(tmp_path: Path) -> None:
    lines = V3.read_text(encoding="utf-8").splitlines()
    clash = lines[2].replace(",4,3,1,0,2,1.5,", ",4,3,1,0,2,1.75,", 1)  # Mediation / Ongoing armed conflict again
    assert clash != lines[2]
    path = tmp_path / "clash.csv"
    path.write_text("\n".join([*lines, clash]) + "\n", encoding="utf-8")
    assert messages(path) == ["clash.csv:18 Name.Final_research: 'Mediation' / 'Ongoing armed conflict' is also "
                              "on line 3, with other values"]
    rows = list(csv.reader(io.StringIO(V3.read_text(encoding="utf-8"))))
    bare = rows[6]
    assert bare[rows[0].index("Name.Final_practitioner")] == "Clear communication"
    bare[rows[0].index("proportion_practitioner")] = "NA"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([rows[0], bare])
    path.write_text(out.getvalue(), encoding="utf-8")
    assert messages(path) == ["clash.csv:2 count: 'Clear communication' has neither research finding counts nor a "
                              "practitioner share (proportion_practitioner)"]


# ---------------------------------------------------------------------------- writing

def test_load_is_one_transaction_idempotent_and_bad_files_change_nothing(store: GraphStore) -> None:
    before = counts(store)
    [bad] = load_files(store, [FIXTURES / "bad_unknown_tool.csv"], ushmm.read)
    assert not bad.loaded and "Wishful thinking" in bad.problems[0]
    assert counts(store) == before
    read = lambda p: ushmm.read(p, file_date=DAY)  # noqa: E731
    [first] = load_files(store, [V3], read)
    assert first.loaded
    s = first.summary
    assert (s.nodes_created, s.edges_created) == (11, 14)  # 10 factors + the source; 14 findings
    assert s.edges_updated == 14  # the vocabulary's SUPPORTS_STRATEGY edges gain the source
    [again] = load_files(store, [V3], read)
    assert (again.summary.nodes_created, again.summary.nodes_updated, again.summary.edges_created,
            again.summary.edges_updated) == (0, 0, 0, 0)
    row = store.run_read(
        "MATCH (o:ResponseOption {id: 'option/arms-embargo'})-[c:CONDITIONED_BY]->"
        "(f:EffectivenessFactor {id: 'factor/state-implementer'}) "
        "RETURN c.direction, c.greater_findings, c.lesser_findings, c.research_strength, c.sources").rows
    assert row == [["lesser", 0, 2, -0.75, ["source/ushmm-tools-v3"]]]


def test_an_older_version_loaded_later_does_not_overwrite_a_newer_one(store: GraphStore, tmp_path: Path) -> None:
    v2 = tmp_path / "all_factors_2.csv"
    v2.write_text(V2.read_text(encoding="utf-8").replace(",16,2,9,5,-4,-2.75,", ",16,3,9,4,-4,-2.75,", 1),
                  encoding="utf-8")
    assert ushmm.parse(v2, file_date=DAY).findings[0].props["mixed_findings"] == 4
    for path in (V3, v2):
        [result] = load_files(store, [path], lambda p: ushmm.read(p, file_date=DAY))
        assert result.loaded, result.problems
    row = store.run_read(
        "MATCH (:ResponseOption {id: 'option/mediation'})-[c:CONDITIONED_BY]->"
        "(:EffectivenessFactor {id: 'factor/unbiased-implementer-or-intervention'}) "
        "RETURN c.greater_findings, c.mixed_findings, c.sources, c.note").rows
    assert row == [[9, 5, ["source/ushmm-tools-v2", "source/ushmm-tools-v3"],
                    "USHMM TfAP v3, all_factors_3.csv line 2; research: Moderate"]]


def test_the_example_extract_loads_all_23_tools() -> None:
    parsed = ushmm.parse(EXTRACT)
    assert parsed.version == 3 and parsed.unmapped == {} and len(parsed.tools) == 23
    assert sum(1 for t in parsed.tools.values() if t.evidence_review) == 12
    assert len(parsed.strategy_edges) == 53
    header = EXTRACT.read_text(encoding="utf-8").splitlines()[0]
    assert "Description" not in header and "Theory.of.change" not in header  # facts only, no prose


# ---------------------------------------------------------------------------- the command

def test_load_command_reports_what_loaded_and_the_unmapped_tools(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AKG_DB", str(tmp_path / "akg.lbug"))
    monkeypatch.setenv("AKG_BUFFER_POOL_MB", "128")
    runner = CliRunner()
    assert runner.invoke(root, ["init"]).exit_code == 0
    bad = runner.invoke(root, ["load", "ushmm-tools", str(FIXTURES / "bad_unknown_tool.csv")])
    assert bad.exit_code == 1
    assert "unmapped tools (2):\n  'Wishful thinking' (lines 2, 3)\n  'Sternly worded letters' (lines 16)\n" \
        in bad.output and bad.output.rstrip().endswith("or pass --skip-unmapped to load the others")
    skipped = runner.invoke(root, ["load", "ushmm-tools", str(FIXTURES / "bad_unknown_tool.csv"),
                                   "--skip-unmapped", "--file-date", "2025-08-04"])
    assert skipped.exit_code == 0, skipped.output
    assert "loaded " in skipped.output
    ok = runner.invoke(root, ["load", "ushmm-tools", str(V3), "--file-date", "2025-08-04"])
    assert ok.exit_code == 0, ok.output
    assert ok.output.splitlines()[:2] == [
        "all_factors_3.csv: version 3 (data/V3 - 2025_April), file dated 2025-08-04; 16 rows",
        "tools: 6 (6 mapped to response options, 4 with an evidence review); factors: 10; findings: 14 "
        "tool-factor rows, 56 research findings; strategies: 14 tool-strategy links"]
    broken = runner.invoke(root, ["load", "ushmm-tools", str(FIXTURES / "bad_non_numeric.csv")])
    assert broken.exit_code == 1
    assert "  bad_non_numeric.csv:3 count: 'four' is not a whole number" in broken.output
    assert "FAILED" in broken.output and "nothing loaded" in broken.output
