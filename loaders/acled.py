"""ACLED CSV exports to Events, Locations, Actors and victim groups, as bulk chunks.

Reads the 31-column layout ACLED ships today and tolerates older exports (no
``disorder_type``, ``civilian_targeting`` or ``tags``), ``16 May 2025`` dates, a UTF-8 BOM and
``;``-separated associated actors. The mapping (documented in docs/loading.md):

- each row → ``Event`` ``event/acled-<event_id_cnty>`` (type, sub-type, date, fatalities,
  precision, civilian targeting, notes), ``OCCURRED_IN`` a ``Location`` that is ``IN_COUNTRY``
  the country of the numeric ISO code;
- ``actor1`` and its associated actors ``PERPETRATED`` political-violence events (battles:
  both sides); actors resolve through the alias table, new names become ``unresolved`` actors;
- civilian targeting (``civilian_targeting``, ``inter2`` = civilians, or violence against
  civilians) → ``TARGETED`` the victim group named by ``actor2``/``assoc_actor_2`` (a known group,
  a named communal group, or the civilians of the country);
- some sub-event types are evidence of Framework indicators (``EVIDENCES``), see INDICATORS.

Example:
    >>> KIND["1"], KIND["Identity militia"]
    ('state-security-force', 'militia')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from graph.bulk import Bulk
from loaders.actors import AliasTable
from loaders.event_csv import BadCell, CsvSource, open_source, parse_dates, parse_floats, parse_ints
from loaders.event_rows import EventBuilder
from loaders.reference import reference
from ontology.errors import SourceFormatError

__all__ = ["INDICATORS", "KIND", "OPTIONAL", "REQUIRED", "check", "chunks", "open_acled"]

REQUIRED = ["event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1", "actor2",
            "iso", "country", "location", "latitude", "longitude", "fatalities"]
OPTIONAL = ["year", "time_precision", "disorder_type", "assoc_actor_1", "inter1", "assoc_actor_2",
            "inter2", "interaction", "civilian_targeting", "region", "admin1", "admin2", "admin3",
            "geo_precision", "source", "source_scale", "notes", "tags", "timestamp"]
# ACLED actor types (numeric codes, and the text labels of the 2024-25 API) → Actor.kind.
KIND = {"1": "state-security-force", "2": "armed-group", "3": "militia", "4": "militia",
        "5": "rioters", "6": "protesters", "8": "other",
        "State forces": "state-security-force", "Rebel group": "armed-group",
        "Political militia": "militia", "Identity militia": "militia", "Rioters": "rioters",
        "Protesters": "protesters", "External/Other forces": "other"}
CIVILIANS = {"7", "Civilians"}
VIOLENT = {"Battles", "Explosions/Remote violence", "Violence against civilians", "Riots"}
# Sub-event types that evidence Framework indicators (team judgement, see docs/loading.md).
INDICATORS = {"Sexual violence": ["7.9"], "Abduction/forced disappearance": ["7.8"],
              "Attack": ["7.8"], "Looting/property destruction": ["7.11"],
              "Chemical weapon": ["13.10"], "Excessive force against protesters": ["7.8"]}


def open_acled(path: Path) -> CsvSource:
    """Open an ACLED export and check its header."""
    return open_source(path, REQUIRED, OPTIONAL, "ACLED export")


def _iso3(col: pa.Array) -> tuple[list[str | None], list[int]]:
    numeric = reference().iso_numeric
    out: list[str | None] = []
    bad: list[int] = []
    for i, value in enumerate(col.to_pylist()):
        code = value.strip().split(".")[0].zfill(3) if value and value.strip() else ""
        iso3 = numeric.get(code)
        out.append(iso3)
        if iso3 is None:
            bad.append(i)
    return out, bad


def check(source: CsvSource) -> tuple[int, list[BadCell]]:
    """First pass: the row count, and every unparsable date, number or country code."""
    problems: list[BadCell] = []
    rows = 0
    for first_line, batch in source.batches():
        rows += batch.num_rows
        cols = {name: batch.column(name) for name in batch.schema.names}
        for name, parser in (("event_date", parse_dates), ("fatalities", parse_ints),
                             ("latitude", parse_floats), ("longitude", parse_floats),
                             ("time_precision", parse_ints), ("geo_precision", parse_ints)):
            if name in cols:
                _, bad = parser(cols[name])
                problems += [BadCell(first_line + i, name, cols[name][i].as_py(), f"not a valid {_what(name)}")
                             for i in bad]
        _, bad_iso = _iso3(cols["iso"])
        problems += [BadCell(first_line + i, "iso", cols["iso"][i].as_py(), "unknown ISO 3166 numeric code")
                     for i in bad_iso]
        empty = pc.equal(pc.utf8_trim_whitespace(cols["event_id_cnty"]), "").to_pylist()
        problems += [BadCell(first_line + i, "event_id_cnty", "", "is empty") for i, e in enumerate(empty) if e]
    return rows, sorted(problems, key=lambda p: (p.line, p.column))


def _what(column: str) -> str:
    return {"event_date": "date (YYYY-MM-DD or 16 May 2025)", "latitude": "number",
            "longitude": "number"}.get(column, "whole number")


def chunks(source: CsvSource, aliases: AliasTable, *, skip_lines: set[int] | None = None,
           countries: Sequence[str] | None = None, since: dt.date | None = None) -> Iterator[Bulk]:
    """Second pass: one :class:`Bulk` per Arrow batch (rows on ``skip_lines`` are left out)."""
    builder = EventBuilder("ACLED", aliases)
    wanted = set(countries) if countries else None
    for first_line, batch in source.batches():
        cols: dict[str, list[Any]] = {name: batch.column(name).to_pylist() for name in batch.schema.names}
        dates, _ = parse_dates(batch.column("event_date"))
        fatalities, _ = parse_ints(batch.column("fatalities"))
        lat, _ = parse_floats(batch.column("latitude"))
        lon, _ = parse_floats(batch.column("longitude"))
        tprec = parse_ints(batch.column("time_precision"))[0].to_pylist() if "time_precision" in cols \
            else [None] * batch.num_rows
        gprec = parse_ints(batch.column("geo_precision"))[0].to_pylist() if "geo_precision" in cols \
            else [None] * batch.num_rows
        iso3, _ = _iso3(batch.column("iso"))
        date_list, fat_list, lat_list, lon_list = (dates.to_pylist(), fatalities.to_pylist(),
                                                   lat.to_pylist(), lon.to_pylist())

        def get(name: str, i: int, cols: dict[str, list[Any]] = cols) -> str:
            return str(cols[name][i] or "").strip() if name in cols else ""

        for i in range(batch.num_rows):
            line = first_line + i
            country = iso3[i]
            if (skip_lines and line in skip_lines) or country is None or date_list[i] is None:
                continue
            if wanted is not None and country not in wanted:
                continue
            if since is not None and date_list[i] < since:
                continue
            event_type = get("event_type", i)
            civ = bool(get("civilian_targeting", i)) or get("inter2", i) in CIVILIANS \
                or event_type == "Violence against civilians"
            event = builder.event(
                source_id=get("event_id_cnty", i), country=country, date=date_list[i],
                name=f"{event_type}: {get('location', i)}, {date_list[i].isoformat()}",
                event_type=event_type, sub_event_type=get("sub_event_type", i) or None,
                disorder_type=get("disorder_type", i) or None, fatalities=fat_list[i],
                time_precision=tprec[i], civilian_targeting=civ, description=get("notes", i) or None)
            if event is None:
                continue  # the same event id twice in one file: the first row wins
            builder.located(event, country, place=get("location", i), admin1=get("admin1", i),
                            admin2=get("admin2", i), latitude=lat_list[i], longitude=lon_list[i],
                            precision=gprec[i])
            actor1 = get("actor1", i)
            if event_type in VIOLENT and actor1 and get("inter1", i) not in CIVILIANS:
                kind = KIND.get(get("inter1", i), "other")
                builder.perpetrated(event, actor1, kind, country)
                for assoc in _split(get("assoc_actor_1", i)):
                    builder.perpetrated(event, assoc, kind, country)
                if event_type == "Battles" and get("actor2", i) and get("inter2", i) not in CIVILIANS:
                    builder.perpetrated(event, get("actor2", i), KIND.get(get("inter2", i), "other"), country)
            if civ:
                targets = [a for a in [get("actor2", i), *_split(get("assoc_actor_2", i))] if a]
                builder.targeted(event, targets, country, get("country", i))
            for ind in INDICATORS.get(get("sub_event_type", i), []):
                builder.evidences(event, ind)
        yield builder.flush()


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def read_all(path: Path, aliases: AliasTable) -> list[Bulk]:
    """Check, then build every chunk (small files and tests); raises on any bad cell."""
    source = open_acled(path)
    _, bad = check(source)
    if bad:
        raise SourceFormatError([(path.name, b.line, b.column, f"{b.message} ({b.value!r})") for b in bad])
    return list(chunks(source, aliases))

