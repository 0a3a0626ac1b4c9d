"""Early Warning Project risk files and the country crosswalk: both layouts load as a time
series of dated scores; unmatched countries are reported; every bad input gets a precise
message and changes nothing in the store."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from graph.base import GraphStore
from graph.ingest import load_files
from graph.records import Edge, Node
from loaders import ewp
from loaders.crosswalk import COW_FILE, crosswalk, normalise
from loaders.reference import reference
from ontology.errors import SourceFormatError
from tests.loaders.stores import base_store, counts, store  # noqa: F401 - fixtures

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ewp"
SRA_2025 = FIXTURES / "final_forecasts_data_3Sep2025.csv"
SRA_2022 = FIXTURES / "base2021-run-2022-09-30.csv"


def scores(store: GraphStore, iso3: str) -> list[list[object]]:
    return store.run_read(
        "MATCH (s:RiskScore)-[:SCORES]->(c:Country {id: $c}) "
        "RETURN s.edition, s.window, s.risk, s.rank, s.date, s.dataset ORDER BY s.edition, s.window",
        {"c": f"country/{iso3}"}).rows


def messages(path: Path, edition: str | None = None, skip_unmatched: bool = False) -> list[str]:
    with pytest.raises(SourceFormatError) as info:
        list(ewp.read(path, edition=edition, skip_unmatched=skip_unmatched))
    return [SourceFormatError.format_one(*p) for p in info.value.problems]


# ---------------------------------------------------------------------------- crosswalk

def test_cow_table_is_consistent_with_the_vocabulary() -> None:
    cw = crosswalk()
    known = reference().countries
    text = COW_FILE.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO("\n".join(ln for ln in text.splitlines() if not ln.startswith("#")))))
    codes = [int(r["cow"]) for r in rows]
    assert len(codes) == len(set(codes)) == len(cw.states)
    assert {r["iso3"] for r in rows if r["iso3"]} <= set(known)
    # every present-day state EWP scores (population over 500,000) has a row
    assert len({r["iso3"] for r in rows if r["iso3"]}) >= 190


def test_cow_codes_agree_with_the_region_vocabulary() -> None:
    """The vocabulary's cow_code on region members (domain.md §7) matches the table."""
    from loaders import vocabularies

    cw = crosswalk()
    tagged = [(n.props["cow_code"], n.props["notation"]) for n in vocabularies.read()
              if isinstance(n, Node) and "cow_code" in n.props]
    assert len(tagged) >= 30
    assert [(cow, cw.by_cow(cow)) for cow, _ in tagged] == [(cow, iso) for cow, iso in tagged]


@pytest.mark.parametrize(("cow", "iso3"), [
    (490, "COD"), (517, "RWA"), (775, "MMR"), (625, "SDN"), (626, "SSD"), (345, "SRB"),
    (347, "XKX"), (365, "RUS"), (2, "USA"), (437, "CIV"), (484, "COG"), (572, "SWZ"), (343, "MKD"),
    (316, "CZE"), (731, "PRK"), (732, "KOR"), (860, "TLS"), (402, "CPV"), (696, "ARE"), (420, "GMB"),
    (703, "KGZ"), (816, "VNM"), (713, "TWN"), ("490.0", "COD"), (" 517 ", "RWA"),
])
def test_cow_codes(cow: int | str, iso3: str) -> None:
    assert crosswalk().by_cow(cow) == iso3


@pytest.mark.parametrize("cow", [265, 315, 678, 680, 817, 730, 240, 999, "NA", "x"])
def test_historical_and_unknown_cow_codes_match_nothing(cow: int | str) -> None:
    assert crosswalk().by_cow(cow) is None


@pytest.mark.parametrize(("code", "iso3"), [
    ("ZAI", "COD"), ("BUI", "BDI"), ("SUD", "SDN"), ("TAZ", "TZA"), ("CEN", "CAF"), ("MYA", "MMR"),
    ("ETI", "ETH"), ("IVO", "CIV"), ("VIE", "VNM"), ("RUM", "ROU"), ("GER", "DEU"), ("SWZ", "CHE"),
    ("mya", "MMR"), ("CZE", None), ("GDR", None), ("XXX", None),
])
def test_sftg_codes(code: str, iso3: str | None) -> None:
    assert crosswalk().by_sftg(code) == iso3


@pytest.mark.parametrize(("name", "iso3"), [
    ("Burma/Myanmar", "MMR"), ("Ivory Coast", "CIV"), ("Côte d’Ivoire", "CIV"),
    ("Congo-Kinshasa", "COD"), ("Democratic Republic of the Congo", "COD"),
    ("Democratic Republic of Congo", "COD"), ("Congo-Brazzaville", "COG"), ("Republic of Congo", "COG"),
    ("Swaziland", "SWZ"), ("Eswatini", "SWZ"), ("Macedonia", "MKD"), ("Czech Republic", "CZE"),
    ("North Korea", "PRK"), ("South Korea", "KOR"), ("Timor-Leste", "TLS"), ("East Timor", "TLS"),
    ("Cape Verde", "CPV"), ("UAE", "ARE"), ("Gambia", "GMB"), ("The Gambia", "GMB"),
    ("Kyrgyz Republic", "KGZ"), ("Kyrgystan", "KGZ"), ("Democratic Republic of Vietnam", "VNM"),
    ("Kosovo", "XKX"), ("Russia", "RUS"), ("Russian Federation", "RUS"), ("Brunei Darussalam", "BRN"),
    ("Trinidad & Tobago", "TTO"), ("  rwanda ", "RWA"), ("Niger", "NER"), ("Guinea", "GIN"),
])
def test_names(name: str, iso3: str) -> None:
    assert crosswalk().by_name(name) == iso3


@pytest.mark.parametrize("name", ["Narnia", "Republic of Narnia", "Atlantis", "", "Darfur"])
def test_unknown_names_match_nothing(name: str) -> None:
    assert crosswalk().by_name(name) is None


def test_normalise() -> None:
    assert normalise("The Gambia") == normalise("Gambia")
    assert normalise("Congo-Kinshasa") == "congo kinshasa"


# ---------------------------------------------------------------------------- the 2025 layout

def test_2025_layout_is_read_with_every_window() -> None:
    parsed = ewp.parse(SRA_2025)
    assert (parsed.layout, parsed.edition, parsed.date) == ("2025", "2025", dt.date(2025, 9, 3))
    assert parsed.windows == ["2025-2026", "2025", "2024-2025"]
    assert parsed.rows == 13 and parsed.missing_values == 1  # Kosovo has no 2024-2025 forecast
    assert [str(u) for u in parsed.unmatched] == ["line 14: 'Narnia' (COW 999)"]
    assert parsed.notes == []
    matched = sorted({r.target.split("/")[1] for r in parsed.records if not isinstance(r, Node)})
    assert matched == ["BDI", "CIV", "COD", "GMB", "KGZ", "MKD", "MMR", "RWA", "SDN", "SRB", "SSD", "XKX"]


def test_unmatched_rows_stop_the_load_by_default(store: GraphStore) -> None:
    before = counts(store)
    assert messages(SRA_2025) == ["final_forecasts_data_3Sep2025.csv:14 country: no country matches 'Narnia' (COW 999)"]
    [result] = load_files(store, [SRA_2025], ewp.read)
    assert not result.loaded and "Narnia" in result.problems[0]
    assert counts(store) == before


def test_skip_unmatched_loads_dated_scores_and_reloading_changes_nothing(store: GraphStore) -> None:
    def read(p: Path) -> Iterator[Node | Edge]:
        return ewp.read(p, skip_unmatched=True)

    [result] = load_files(store, [SRA_2025], read)
    assert result.loaded, result.problems
    assert result.summary.nodes_created == 35 and result.summary.edges_created == 35
    assert scores(store, "MMR") == [
        ["2025", "2024-2025", 0.08175, 1, dt.date(2025, 9, 3), "EWP-SRA"],
        ["2025", "2025", 0.03977, 1, dt.date(2025, 9, 3), "EWP-SRA"],
        ["2025", "2025-2026", 0.0723, 1, dt.date(2025, 9, 3), "EWP-SRA"],
    ]
    name = store.run_read("MATCH (s:RiskScore {id: 'score/ewp-2025-CIV-2025-2026'}) RETURN s.name").scalar()
    assert name == "EWP 2025 risk 2025-2026: Ivory Coast"
    assert len(scores(store, "XKX")) == 2
    before = counts(store)
    [again] = load_files(store, [SRA_2025], read)
    assert again.loaded and again.summary.changes == 0
    assert counts(store) == before


def test_editions_form_a_time_series(store: GraphStore, tmp_path: Path) -> None:
    older = tmp_path / "ewp-sra-2024.csv"
    shutil.copy(SRA_2025, older)
    for path in (SRA_2025, older):
        [r] = load_files(store, [path], lambda p: ewp.read(p, skip_unmatched=True))
        assert r.loaded, r.problems
    rows = scores(store, "SDN")
    assert [(r[0], r[1]) for r in rows] == [("2024", "2024-2025"), ("2024", "2025"), ("2024", "2025-2026"),
                                            ("2025", "2024-2025"), ("2025", "2025"), ("2025", "2025-2026")]
    assert {r[4] for r in rows if r[0] == "2024"} == {dt.date(2024, 1, 1)}  # no date in that name


def test_edition_and_date_options_override_the_file_name() -> None:
    parsed = ewp.parse(SRA_2025, edition="2026", date=dt.date(2026, 1, 31))
    assert (parsed.edition, parsed.date) == ("2026", dt.date(2026, 1, 31))
    assert any(isinstance(r, Node) and r.id == "score/ewp-2026-MMR-2025" for r in parsed.records)
    assert messages(SRA_2025, edition="25") == ["final_forecasts_data_3Sep2025.csv edition: '25' is not a year (YYYY)"]


def test_date_falls_back_to_the_first_of_january_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "ewp.csv"
    shutil.copy(SRA_2025, path)
    parsed = ewp.parse(path)
    assert (parsed.edition, parsed.date) == ("2025", dt.date(2025, 1, 1))  # edition from the columns
    assert parsed.notes == ["no date given or found in the file name: using 2025-01-01 (pass --date)"]


# ---------------------------------------------------------------------------- the 2022 layout

def test_2022_layout_matches_by_cow_then_sftg_then_name_and_ranks_the_risks(store: GraphStore) -> None:
    parsed = ewp.parse(SRA_2022)
    assert (parsed.layout, parsed.edition, parsed.date) == ("2022", "2022", dt.date(2022, 9, 30))
    assert parsed.windows == ["2022", "2022-2023"] and parsed.unmatched == []
    nodes = {r.id: r.props for r in parsed.records if isinstance(r, Node)}
    assert len(nodes) == 24
    assert "score/ewp-2022-BDI-2022" in nodes  # SFTG BUI only (COW blank)
    assert "score/ewp-2022-KGZ-2022-2023" in nodes  # "Kyrgyz Republic", no codes
    assert "score/ewp-2022-VNM-2022" in nodes and "score/ewp-2022-ETH-2022" in nodes
    ranks = sorted(p["rank"] for i, p in nodes.items() if i.endswith("-2022"))
    assert ranks == list(range(1, 13))
    assert nodes["score/ewp-2022-MMR-2022"]["rank"] == 1
    [result] = load_files(store, [SRA_2022], ewp.read)
    assert result.loaded and result.summary.nodes_created == 24


# ---------------------------------------------------------------------------- bad input

def _lines() -> list[str]:
    return SRA_2025.read_text(encoding="utf-8").splitlines()


def _edit(line_no: int, column: str, value: str) -> Callable[[list[str]], list[str]]:
    def change(lines: list[str]) -> list[str]:
        header = next(csv.reader([lines[0]]))
        row = next(csv.reader([lines[line_no - 1]]))
        row[header.index(column)] = value
        buf = io.StringIO()
        csv.writer(buf, lineterminator="").writerow(row)
        return lines[: line_no - 1] + [buf.getvalue()] + lines[line_no:]
    return change


NAME = SRA_2025.name
BAD: dict[str, tuple[Callable[[list[str]], list[str]] | bytes, list[str]]] = {
    "empty": (b"", [f"{NAME}: the file is empty"]),
    "header only": (lambda ls: ls[:1], [f"{NAME}: the file has a header but no rows"]),
    "missing name column": (lambda ls: [ls[0].replace('"ewp_name"', '"name"')] + ls[1:],
                            [f"{NAME}:1: missing column ewp_name; {ewp.EXPECTED}"]),
    "no risk columns": (lambda ls: [ls[0].replace("risk.", "p.")] + ls[1:],
                        [f"{NAME}:1: no risk columns in the header; {ewp.EXPECTED}; the header has: (unnamed), "
                         "ewp_name, p.2025and2026.from2024, rank.2025and2026.from2025, p.2025only.from2024, "
                         "riskrank.2025only.from2024, p.2024and2025.from2023, rank.2024and2025.from2023, "
                         "widetargeting, narrowtargeting, v2csgender_binary, v2mecenefm_binary …"]),
    "text risk": (_edit(3, "risk.2025and2026.from2024", "high"),
                  [f"{NAME}:3 risk.2025and2026.from2024: 'high' is not a number (risk 0..1)"]),
    "fractional rank": (_edit(4, "rank.2025and2026.from2025", "2.5"),
                        [f"{NAME}:4 rank.2025and2026.from2025: '2.5' is not a whole-number rank"]),
    "risk above 1": (_edit(5, "risk.2025only.from2024", "1.7"),
                     [f"{NAME}:5 risk.2025only.from2024: 1.7 is above the maximum 1"]),
    "rank 0": (_edit(5, "riskrank.2025only.from2024", "0"),
               [f"{NAME}:5 riskrank.2025only.from2024: 0 is below the minimum 1"]),
    "semicolons": (lambda ls: [ln.replace(",", ";") for ln in ls],
                   [f"{NAME}:1: the header has no ',' but has ';': the file seems separated by ';'; "
                    f"{ewp.EXPECTED}"]),
    "latin-1": (lambda ls: ls, [f"{NAME}:6: not utf-8 text (byte 0xf4); save the file as utf-8 or name its encoding"]),
    "short row": (lambda ls: ls[:2] + [ls[2].rsplit(",", 1)[0]] + ls[3:],
                  [f"{NAME}:3: has 47 fields; the header has 48"]),
    "same country twice": (_edit(12, "ccode", "345"),
                           [f"{NAME}:12 ewp_name: 'Macedonia' is SRB again (first on line 11)"]),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_is_reported_and_changes_nothing(case: str, store: GraphStore, tmp_path: Path) -> None:
    change, expected = BAD[case]
    path = tmp_path / NAME
    if isinstance(change, bytes):
        path.write_bytes(change)
    elif case == "latin-1":
        lines = _lines()
        lines[5] = lines[5].replace("Ivory Coast", "Côte d'Ivoire")
        path.write_bytes("\n".join(lines).encode("latin-1"))
    else:
        path.write_text("\n".join(change(_lines())) + "\n", encoding="utf-8")
    before = counts(store)
    assert messages(path, skip_unmatched=True) == expected
    [result] = load_files(store, [path], lambda p: ewp.read(p, skip_unmatched=True))
    assert not result.loaded
    assert counts(store) == before


def test_utf8_bom_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / NAME
    path.write_bytes(b"\xef\xbb\xbf" + SRA_2025.read_bytes())
    assert ewp.parse(path).records == ewp.parse(SRA_2025).records


def test_unknown_columns_and_disagreeing_codes_are_noted(tmp_path: Path) -> None:
    lines = _lines()
    lines = [lines[0] + ',"comment"'] + [ln + ',""' for ln in lines[1:]]
    lines = _edit(3, "ewp_name", "Chad")(lines)  # COW 625 says Sudan
    path = tmp_path / NAME
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    parsed = ewp.parse(path)
    assert parsed.notes == [f"{NAME}:1 column 'comment' is not used",
                            f"{NAME}:3 'Chad' looks like TCD but its code gives SDN"]
