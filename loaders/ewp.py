"""Early Warning Project Statistical Risk Assessment CSVs to dated risk scores per country.

Two layouts are read:

- 2025 style (``final_forecasts_data_3Sep2025.csv``): ``ewp_name``, risk columns such as
  ``risk.2025and2026.from2024`` and ``risk.2025only.from2024``, rank columns
  ``rank.2025and2026.from2025`` / ``riskrank.2025only.from2024``, predictors, ``ccode`` (COW);
- 2022 style (``base2021-run-2022-09-30.csv``): ``country``, ``SFTGcode``, ``COW``,
  ``risk_in_2022``, ``risk_in_2022_23``, predictors.

Each (country, risk column) becomes a RiskScore node ``score/ewp-<edition>-<ISO3>-<window>``
that SCORES the country, so editions form a time series and never overwrite each other.
Countries are matched by COW code, then PITF/SFTG code, then name (``loaders.crosswalk``);
rows that match nothing are reported with their line, name and code. Ranks pair with risk
columns by forecast window; a layout without rank columns (2022) gets ranks computed from the
file's risks (1 = highest, ties share the better rank).

Example:
    >>> window_of("risk.2025and2026.from2024"), window_of("risk_in_2022_23"), window_of("year")
    ('2025-2026', '2022-2023', None)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from graph.records import Edge, Node
from loaders.crosswalk import crosswalk
from loaders.csv_table import read_table
from ontology.errors import InvalidRecord, SourceFormatError
from ontology.model import load_model

__all__ = ["DATASET", "EwpFile", "Unmatched", "parse", "read", "window_of"]

DATASET = "EWP-SRA"
NAME_COLUMNS = ("ewp_name", "country", "country_name")
COW_COLUMNS = ("ccode", "COW", "cow")
SFTG_COLUMNS = ("SFTGcode", "sftgcode")
_RISK_2025 = re.compile(r"^risk\.(\d{4})(?:and(\d{4})|only)\.from(\d{4})$")
_RANK_2025 = re.compile(r"^(?:risk)?rank\.(\d{4})(?:and(\d{4})|only)\.from(\d{4})$")
_RISK_2022 = re.compile(r"^risk_in_(\d{4})(?:_(\d{2}|\d{4}))?$")
_MISSING = {"", "NA", "NaN", "nan", "N/A", "."}
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
# Columns the model files carry that are predictors, not outputs: read past without warning.
PREDICTORS = frozenset("""
widetargeting narrowtargeting v2csgender_binary v2mecenefm_binary partyban.new.0 partyban.new.1
partyban.new.2 minorityrule judicialreform religiousfreedom pol_killing_approved freediscussion
social_inequality even_civilrights repress_civilsoc social_power_dist ses_power_dist
popsize.log2 gdppcgrowth un_imr_sqrt efindex discrimpop ios.iccpr1 battledeaths.log2
coup.try.5yr mk_ongoing_count_log2 mean_mk_onset_interaction mk_onset_prev_year newcountry
mk_ever year_sq year countryage.new.log2 includesnonstate anymk.ongoing anymk.ever
countryage.ln popsize.ln.combined imr.sqrt gdppcgrowth.combined elf.ethnic battledeaths.ln
candidaterestriction partyban freemove_men4 freemove_women4 tradeshare.ln.combined
""".split())
EXPECTED = ("expected the 2025 layout (ewp_name, risk.<YYYY>and<YYYY>.from<YYYY>, "
            "risk.<YYYY>only.from<YYYY>, rank columns, optional ccode) or the 2022 layout "
            "(country, SFTGcode, COW, risk_in_<YYYY>, risk_in_<YYYY>_<YY>)")


def window_of(column: str) -> str | None:
    """The forecast window a risk or rank column covers ("2025" or "2025-2026")."""
    for pattern in (_RISK_2025, _RANK_2025, _RISK_2022):
        found = pattern.match(column)
        if found:
            start, end = found.group(1), found.group(2)
            if end and len(end) == 2:
                end = start[:2] + end
            return f"{start}-{end}" if end else start
    return None


@dataclass(frozen=True)
class Unmatched:
    """A row whose country could not be matched."""

    line: int
    name: str
    code: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.name!r}" + (f" ({self.code})" if self.code else "")


@dataclass
class EwpFile:
    """What one EWP file yields."""

    path: Path
    layout: str
    edition: str
    date: dt.date
    windows: list[str]
    rows: int = 0
    records: list[Node | Edge] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    missing_values: int = 0


def _date_in_name(name: str) -> dt.date | None:
    iso = re.search(r"(\d{4})-(\d{2})-(\d{2})", name)
    try:
        if iso:
            return dt.date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        short = re.search(r"(\d{1,2})([A-Za-z]{3})(\d{4})", name)
        if short and short.group(2).lower() in _MONTHS:
            return dt.date(int(short.group(3)), _MONTHS[short.group(2).lower()], int(short.group(1)))
    except ValueError:
        return None
    return None


def _edition(path: Path, given: str | None, windows: list[str], named: dt.date | None) -> str:
    if given:
        if not re.fullmatch(r"\d{4}", given):
            raise SourceFormatError([(path.name, None, "edition", f"{given!r} is not a year (YYYY)")])
        return given
    if named:
        return str(named.year)
    years: set[str] = set(re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", path.stem))
    if len(years) == 1:
        return years.pop()
    return max(w[:4] for w in windows)


def _rank(text: str) -> int:
    value = float(text)
    if not value.is_integer():
        raise ValueError(text)
    return int(value)


def _ranks(values: dict[int, float]) -> dict[int, int]:
    """Competition ranks (1 = highest risk) of the rows' values."""
    ordered = sorted(values.values(), reverse=True)
    first = {v: ordered.index(v) + 1 for v in set(ordered)}
    return {line: first[v] for line, v in values.items()}


def parse(path: Path, *, edition: str | None = None, date: dt.date | None = None) -> EwpFile:
    """Read one EWP file; header and value problems raise SourceFormatError listing them all.

    Rows whose country cannot be matched are collected in ``unmatched``, not raised.
    """
    table = read_table(path, expected=f"; {EXPECTED}")
    header, name = table.header, table.name
    if not table.rows:
        raise SourceFormatError([(name, None, "", "the file has a header but no rows")])
    risk_cols = [c for c in header if _RISK_2025.match(c) or _RISK_2022.match(c)]
    if not risk_cols:
        raise SourceFormatError([(name, 1, "", f"no risk columns in the header; {EXPECTED}; "
                                  f"the header has: {', '.join(h or '(unnamed)' for h in header[:12])}"
                                  + (" …" if len(header) > 12 else ""))])
    layout = "2025" if _RISK_2025.match(risk_cols[0]) else "2022"
    wanted_name = "ewp_name" if layout == "2025" else "country"
    name_col = next((c for c in NAME_COLUMNS if c in header), None)
    if name_col is None:
        raise SourceFormatError([(name, 1, "", f"missing column {wanted_name}; {EXPECTED}")])
    cow_col = next((c for c in COW_COLUMNS if c in header), None)
    sftg_col = next((c for c in SFTG_COLUMNS if c in header), None)
    rank_cols = {window_of(c): c for c in header if _RANK_2025.match(c)}
    windows = [str(window_of(c)) for c in risk_cols]
    named = _date_in_name(path.name)
    ed = _edition(path, edition, windows, named)
    out = EwpFile(path, layout, ed, date or named or dt.date(int(ed), 1, 1), windows)
    if date is None and named is None:
        out.notes.append(f"no date given or found in the file name: using {out.date} (pass --date)")
    used = {name_col, cow_col, sftg_col, "", *risk_cols, *rank_cols.values()}
    for column in header:
        if column not in used and column not in PREDICTORS and not column.startswith("reg."):
            out.notes.append(f"{name}:1 column {column!r} is not used")

    problems: list[tuple[str, int | None, str, str]] = []
    rows: dict[int, tuple[str, dict[str, str]]] = {}
    by_iso: dict[str, int] = {}
    cw = crosswalk()
    for line, cells_list in table.rows:
        out.rows += 1
        cells = dict(zip(header, cells_list, strict=True))
        country = cells[name_col]
        cow = cells[cow_col] if cow_col and cells[cow_col] not in _MISSING else ""
        sftg = cells[sftg_col] if sftg_col and cells[sftg_col] not in _MISSING else ""
        codes = [(f"COW {cow}" if cow else "", cw.by_cow(cow) if cow else None),
                 (f"SFTG {sftg}" if sftg else "", cw.by_sftg(sftg) if sftg else None)]
        iso3 = next((iso for _, iso in codes if iso), None)
        by_name = cw.match_name(country) if country else None
        if iso3 is None and by_name is not None:
            iso3 = by_name.iso3
            if by_name.how == "fuzzy":
                out.notes.append(f"{name}:{line} {country!r} matched {iso3} by fuzzy search; check it")
        elif iso3 and by_name and by_name.iso3 != iso3:
            out.notes.append(f"{name}:{line} {country!r} looks like {by_name.iso3} but its code gives {iso3}")
        if iso3 is None:
            out.unmatched.append(Unmatched(line, country, ", ".join(c for c, _ in codes if c)))
            continue
        if iso3 in by_iso:
            problems.append((name, line, name_col, f"{country!r} is {iso3} again (first on line {by_iso[iso3]})"))
            continue
        by_iso[iso3] = line
        rows[line] = (iso3, cells)

    risks: dict[str, dict[int, float]] = {}
    ranks: dict[str, dict[int, int]] = {}
    for column, window in zip(risk_cols, windows, strict=True):
        risks[window], ranks[window] = {}, {}
        rank_col = rank_cols.get(window)
        for line, cells_list in table.rows:
            cells = dict(zip(header, cells_list, strict=True))
            risk_text, rank_text = cells[column], cells[rank_col] if rank_col else ""
            try:
                if risk_text not in _MISSING:
                    risks[window][line] = float(risk_text)
            except ValueError:
                problems.append((name, line, column, f"{risk_text!r} is not a number (risk 0..1)"))
            try:
                if rank_col and rank_text not in _MISSING:
                    ranks[window][line] = _rank(rank_text)
            except ValueError:
                problems.append((name, line, str(rank_col), f"{rank_text!r} is not a whole-number rank"))
        if rank_col is None:
            ranks[window] = _ranks(risks[window])
    if problems:
        raise SourceFormatError(sorted(problems, key=lambda p: (p[1] or 0, p[2])))

    m = load_model()
    for line, (iso3, cells) in sorted(rows.items()):
        for window in windows:
            if line not in risks[window]:
                out.missing_values += 1
                continue
            score_id = f"score/ewp-{ed}-{iso3}-{window}"
            try:
                out.records.append(Node.make(
                    score_id, source=name, line=line, model=m, dataset=DATASET, edition=ed, window=window,
                    risk=risks[window][line], rank=ranks[window].get(line), date=out.date,
                    name=f"EWP {ed} risk {window}: {cells[name_col]}"))
                out.records.append(Edge.make("SCORES", score_id, f"country/{iso3}", origin=name,
                                             line=line, model=m))
            except InvalidRecord as exc:
                column = next(c for c, w in zip(risk_cols, windows, strict=True) if w == window)
                for key, messages in exc.errors.items():
                    col = rank_cols.get(window, key) if key == "rank" else column if key == "risk" else key
                    problems.append((name, line, col, "; ".join(messages)))
    if problems:
        raise SourceFormatError(problems)
    return out


def read(path: Path, *, edition: str | None = None, date: dt.date | None = None,
         skip_unmatched: bool = False) -> Iterator[Node | Edge]:
    """Records of one EWP file; unmatched countries raise unless ``skip_unmatched``."""
    parsed = parse(path, edition=edition, date=date)
    if parsed.unmatched and not skip_unmatched:
        raise SourceFormatError([(path.name, u.line, "country", f"no country matches {u.name!r}"
                                  + (f" ({u.code})" if u.code else "")) for u in parsed.unmatched])
    yield from parsed.records
