"""The columns of the published versions of USHMM's ``all_factors`` files (version 2, April 2024;
version 3, April 2025), which of them a header is, and typed access to a row's cells (missing
values are ``NA``, ``NaN`` or empty; problems are collected with line and column).

Example:
    >>> detect(list(LAYOUTS[3].required) + list(LAYOUTS[3].signature), "all_factors_3.csv").version
    3
    >>> detect(["Name", "tool_name"], "x.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ontology.errors.SourceFormatError: x.csv:1: not a Tools for Atrocity Prevention all_factors file of ...
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from ontology.errors import SourceFormatError

__all__ = ["LAYOUTS", "OPTIONAL", "STRATEGIES", "Layout", "Problem", "Row", "detect"]

STRATEGIES = ("dissuade", "degrade", "protect", "transition")
_MISSING = {"", "NA", "NaN", "nan", "N/A"}
Problem = tuple[str, int | None, str, str]


@dataclass(frozen=True)
class Layout:
    """The columns of one published version of ``all_factors``."""

    version: int
    released: dt.date  # month of release (the day is the 1st)
    folder: str
    name: str  # the research name of the factor (after inversion)
    description: str
    vote: str  # vote count facing the named factor
    practitioner_name: str | None  # version 3: factors only practitioners named
    practitioner_description: str | None
    tool_fallback: str | None  # version 2: some rows leave tool_name NA but fill Tool
    signature: tuple[str, ...]  # columns that tell this version from the others
    # proportion_practitioner is signed relative to the original factor (Name) in version 3 (the
    # R code names the practitioner factor by its opposite when the count is negative); version 2's
    # dictionary defines it for the factor the row is named by.
    practitioner_faces_name: bool = False

    @property
    def required(self) -> tuple[str, ...]:
        """Columns the loader reads (descriptions and ratings are optional)."""
        own = [self.name, self.vote] + [c for c in (self.practitioner_name,) if c]
        return (*own, "tool_name", "Name", "Inverse.factor", "inversion_with_neg_strength", "count",
                "greater_findings", "lesser_findings", "no_mixed_findings", "temp_vote_count_factor",
                "proportion_practitioner", "outcomes", "Contextual.or.design.factor", "Family",
                *STRATEGIES)


LAYOUTS: dict[int, Layout] = {
    3: Layout(3, dt.date(2025, 4, 1), "data/V3 - 2025_April", "Name.Final_research",
              "Description.Final_research", "vote_count_factor", "Name.Final_practitioner",
              "Description.Final_practitioner", None,
              ("Name.Final_research", "Name.Final_practitioner"),
              practitioner_faces_name=True),
    2: Layout(2, dt.date(2024, 4, 1), "data/V2 - 2024", "Name.Final", "Description.Final", "vote_count",
              None, None, "Tool", ("Name.Final", "Tool")),
}


OPTIONAL = ("Evidence.review", "research_qualitative", "practitioner_qualitative", "number_practitioners")


def detect(header: list[str], name: str) -> Layout:
    """The layout whose columns the header has; otherwise an error naming what is missing."""
    columns = set(header)
    fits = {v: [c for c in lay.required if c not in columns] for v, lay in LAYOUTS.items()}
    for version, missing in fits.items():
        if not missing and set(LAYOUTS[version].signature) <= columns:
            return LAYOUTS[version]
    if "Name.Final" in columns and "Tool" not in columns and "greater_practitioner" in columns:
        raise SourceFormatError([(name, 1, "", "this looks like version 1 (July 2022) of all_factors, "
                                  "which is not read: use version 2 (data/V2 - 2024/all_factors_2.csv) "
                                  "or 3 (data/V3 - 2025_April/all_factors_3.csv)")])

    def closeness(v: int) -> tuple[int, int]:
        lay = LAYOUTS[v]
        return (sum(c in columns for c in lay.signature), -len(fits[v]))

    best = max(LAYOUTS, key=closeness)
    if closeness(best)[0] == 0:  # none of the columns that tell a version: report the current one's
        best = max(LAYOUTS)
    lay = LAYOUTS[best]
    missing = fits[best] + [c for c in lay.signature if c not in columns and c not in fits[best]]
    if closeness(best)[0] == 0 and len(missing) > len(lay.required) // 2:
        raise SourceFormatError([(name, 1, "", "not a Tools for Atrocity Prevention all_factors file of "
                                  f"version 2 or 3: missing columns {', '.join(missing)}")])
    return _refuse(name, lay, missing)


def _refuse(name: str, lay: Layout, missing: list[str]) -> Layout:
    raise SourceFormatError([(name, 1, "", f"closest to version {lay.version} ({lay.folder}) but missing "
                              f"column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; "
                              "were columns renamed?")])


def _cell(cells: Mapping[str, str], column: str) -> str | None:
    value = cells.get(column, "")
    return None if value in _MISSING else value


class Row:
    """Typed access to one row's cells, collecting problems with line and column."""

    def __init__(self, name: str, line: int, cells: Mapping[str, str], problems: list[Problem]) -> None:
        self.name, self.line, self.cells, self.problems = name, line, cells, problems

    def text(self, column: str) -> str | None:
        return _cell(self.cells, column)

    def integer(self, column: str) -> int | None:
        raw = self.text(column)
        if raw is None:
            return None
        try:
            value = float(raw)
        except ValueError:
            value = float("nan")
        if value != value or not value.is_integer():
            self.problems.append((self.name, self.line, column, f"{raw!r} is not a whole number"))
            return None
        return int(value)

    def number(self, column: str) -> float | None:
        raw = self.text(column)
        if raw is None:
            return None
        try:
            value = float(raw)
        except ValueError:
            self.problems.append((self.name, self.line, column, f"{raw!r} is not a number"))
            return None
        if value != value:
            return None
        return value

    def flag(self, column: str) -> bool | None:
        value = self.integer(column)
        if value is None:
            return None
        if value not in (0, 1):
            self.problems.append((self.name, self.line, column, f"{value} is not 0 or 1"))
            return None
        return value == 1
