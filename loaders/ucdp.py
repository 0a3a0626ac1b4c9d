"""UCDP Georeferenced Event Dataset (GED) CSVs to Events, as bulk chunks.

The 49-column release layout. ``type_of_violence`` 1 state-based, 2 non-state, 3 one-sided;
one-sided violence is the atrocity signal: ``side_a`` PERPETRATED the event and the event
TARGETED the civilians (of the country, or a named group ``side_b`` the alias table knows).
For state-based and non-state events both sides PERPETRATED it. Deaths: ``best`` →
fatalities, ``low``/``high``, ``deaths_civilians``; dates ``date_start``/``date_end``; precision
``date_prec``/``where_prec``; dates may carry a time of day as UCDP's CSV downloads write them
(``2014-08-03 00:00:00.000``), which is dropped. Countries are matched by name (UCDP writes
``Myanmar (Burma)``, ``DR Congo (Zaire)``, ``Bosnia-Herzegovina``…); events UCDP codes to
"Serbia (Yugoslavia)" whose ``adm_1`` is in Kosovo belong to Kosovo (XKX). Each event carries its
country (``iso3``) and ``adm_1`` (``area``) as columns.

Example:
    >>> iso3_of("Myanmar (Burma)"), iso3_of("DR Congo (Zaire)"), iso3_of("Bosnia-Herzegovina")
    ('MMR', 'COD', 'BIH')
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import pycountry

from graph.bulk import Bulk
from loaders.actors import AliasTable
from loaders.event_csv import BadCell, CsvSource, open_source, parse_dates, parse_floats, parse_ints
from loaders.event_mapping import UCDP_INDICATORS
from loaders.event_rows import EventBuilder, in_kosovo
from loaders.reference import reference

__all__ = ["COLUMNS", "REQUIRED", "check", "chunks", "iso3_of", "open_ucdp"]

COLUMNS = ["id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id",
           "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name", "side_a_dset_id",
           "side_a_new_id", "side_a", "side_b_dset_id", "side_b_new_id", "side_b", "number_of_sources",
           "source_article", "source_office", "source_date", "source_headline", "source_original", "where_prec",
           "where_coordinates", "where_description", "adm_1", "adm_2", "latitude", "longitude", "geom_wkt",
           "priogrid_gid", "country", "country_id", "region", "event_clarity", "date_prec", "date_start",
           "date_end", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high", "low",
           "gwnoa", "gwnob"]
REQUIRED = ["id", "type_of_violence", "side_a", "side_b", "country", "date_start", "date_end", "best",
            "latitude", "longitude"]
VIOLENCE = {"1": "state-based conflict", "2": "non-state conflict", "3": "one-sided violence"}
# UCDP spellings that ISO names do not cover.
_NAMES = {"dr congo": "COD", "congo": "COG", "bosnia-herzegovina": "BIH", "russia": "RUS", "syria": "SYR",
          "iran": "IRN", "kosovo": "XKX", "ivory coast": "CIV", "laos": "LAO", "vietnam": "VNM",
          "tanzania": "TZA", "bolivia": "BOL", "venezuela": "VEN", "moldova": "MDA", "north korea": "PRK",
          "south korea": "KOR", "macedonia": "MKD", "macedonia, fyr": "MKD", "turkey": "TUR",
          "cambodia": "KHM", "yemen": "YEM", "serbia": "SRB", "palestine": "PSE", "swaziland": "SWZ"}
_PAREN = re.compile(r"\s*\([^)]*\)\s*")


@cache
def iso3_of(name: str) -> str | None:
    """ISO3 of a UCDP country name (``Myanmar (Burma)`` → ``MMR``), or None."""
    base = _PAREN.sub(" ", name).strip().lower()
    if base in _NAMES:
        return _NAMES[base]
    by_name = {v.lower(): k for k, v in reference().countries.items()}
    if base in by_name:
        return by_name[base]
    try:
        found = pycountry.countries.lookup(base)
    except LookupError:
        return None
    return str(found.alpha_3)


def open_ucdp(path: Path) -> CsvSource:
    """Open a UCDP GED CSV and check its header."""
    return open_source(path, REQUIRED, COLUMNS, "UCDP GED")


def check(source: CsvSource) -> tuple[int, list[BadCell]]:
    """First pass: row count and every bad date, number, violence type or country."""
    problems: list[BadCell] = []
    rows = 0
    for first_line, batch in source.batches():
        rows += batch.num_rows
        cols = {n: batch.column(n) for n in batch.schema.names}
        for name, parser, what in (("date_start", parse_dates, "date"), ("date_end", parse_dates, "date"),
                                   ("best", parse_ints, "whole number"), ("low", parse_ints, "whole number"),
                                   ("high", parse_ints, "whole number"),
                                   ("deaths_civilians", parse_ints, "whole number"),
                                   ("latitude", parse_floats, "number"), ("longitude", parse_floats, "number"),
                                   ("date_prec", parse_ints, "whole number")):
            if name in cols:
                _, bad = parser(cols[name])
                problems += [BadCell(first_line + i, name, cols[name][i].as_py(), f"not a valid {what}") for i in bad]
        for i, (kind, country) in enumerate(zip(cols["type_of_violence"].to_pylist(),
                                                cols["country"].to_pylist(), strict=True)):
            if kind.strip() not in VIOLENCE:
                problems.append(BadCell(first_line + i, "type_of_violence", kind, "must be 1, 2 or 3"))
            if iso3_of(country) is None:
                problems.append(BadCell(first_line + i, "country", country, "unknown country name"))
    return rows, sorted(problems, key=lambda p: (p.line, p.column))


def chunks(source: CsvSource, aliases: AliasTable, *, skip_lines: set[int] | None = None,
           countries: Sequence[str] | None = None, since: dt.date | None = None) -> Iterator[Bulk]:
    """One :class:`Bulk` per Arrow batch of the file."""
    builder = EventBuilder("UCDP-GED", aliases)
    wanted = set(countries) if countries else None
    for first_line, batch in source.batches():
        cols: dict[str, list[Any]] = {n: batch.column(n).to_pylist() for n in batch.schema.names}
        start = parse_dates(batch.column("date_start"))[0].to_pylist()
        end = parse_dates(batch.column("date_end"))[0].to_pylist()
        numeric = ("best", "low", "high", "deaths_civilians", "date_prec", "where_prec")
        nums: dict[str, list[Any]] = {n: parse_ints(batch.column(n))[0].to_pylist() for n in numeric if n in cols}
        lat = parse_floats(batch.column("latitude"))[0].to_pylist()
        lon = parse_floats(batch.column("longitude"))[0].to_pylist()

        def get(name: str, i: int, cols: dict[str, list[Any]] = cols) -> str:
            return str(cols[name][i] or "").strip() if name in cols else ""

        def num(name: str, i: int, nums: dict[str, list[Any]] = nums) -> Any:
            return nums[name][i] if name in nums else None

        for i in range(batch.num_rows):
            country = iso3_of(get("country", i))
            if country is not None and in_kosovo(country, get("adm_1", i)):
                country = "XKX"
            kind = VIOLENCE.get(get("type_of_violence", i))
            if (skip_lines and first_line + i in skip_lines) or country is None or kind is None or start[i] is None:
                continue
            if (wanted is not None and country not in wanted) or (since is not None and start[i] < since):
                continue
            one_sided = kind == "one-sided violence"
            precision = num("date_prec", i)
            event = builder.event(
                source_id=get("id", i), date=start[i], date_end=end[i] if end[i] != start[i] else None,
                name=f"{kind}: {get('dyad_name', i) or get('side_a', i)}, {start[i].isoformat()}",
                event_type=kind, fatalities=num("best", i), fatalities_low=num("low", i),
                fatalities_high=num("high", i), civilian_deaths=num("deaths_civilians", i),
                time_precision=precision if precision is not None and 1 <= precision <= 5 else None,
                civilian_targeting=one_sided, description=get("source_headline", i) or None,
                iso3=country, area=get("adm_1", i) or None)
            if event is None:
                continue
            where = get("where_coordinates", i) or get("adm_2", i) or get("adm_1", i)
            builder.located(event, country, place=where, admin1=get("adm_1", i), admin2=get("adm_2", i),
                            latitude=lat[i], longitude=lon[i], precision=num("where_prec", i))
            side_a_kind = "government" if get("side_a", i).startswith("Government of") else "armed-group"
            builder.perpetrated(event, get("side_a", i), side_a_kind, country)
            if one_sided:
                builder.targeted(event, [get("side_b", i)], country, reference().countries.get(country, ""))
                for indicator in UCDP_INDICATORS[kind]:
                    builder.evidences(event, indicator)
            elif get("side_b", i):
                side_b_kind = "government" if get("side_b", i).startswith("Government of") else "armed-group"
                builder.perpetrated(event, get("side_b", i), side_b_kind, country)
        yield builder.flush()
