"""ACLED CSV exports to Events, Locations, Actors and victim groups, as bulk chunks.

Reads the 31-column layout ACLED ships today and tolerates older exports (no
``disorder_type``, ``civilian_targeting`` or ``tags``), ``16 May 2025`` dates, a UTF-8 BOM and
``;``-separated associated actors. The mapping (documented in docs/loading.md):

- each row → ``Event`` ``event/acled-<event_id_cnty>`` (type, sub-type, date, fatalities,
  precision, civilian targeting, notes, its country ``iso3`` — XKX for ACLED's Kosovo rows, which
  carry ISO code 0 — and ``admin1`` as ``area``), ``OCCURRED_IN`` a ``Location`` that is ``IN_COUNTRY``
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

import pyarrow as pa
import pyarrow.compute as pc

from graph.bulk import Bulk
from loaders.actors import AliasTable
from loaders.event_csv import BadCell, CsvSource, open_source, parse_dates, parse_floats, parse_ints
from loaders.event_mapping import ACLED_INDICATORS
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
# Sub-event types that evidence Framework indicators (team judgement, see docs/loading.md); the
# one mapping of event types to categories and indicators is loaders/event_mapping.py.
INDICATORS = ACLED_INDICATORS


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
        kosovo = pc.equal(pc.utf8_trim_whitespace(cols["country"]), "Kosovo").to_pylist()
        bad_iso = [i for i in bad_iso if not kosovo[i]]
        problems += [BadCell(first_line + i, "iso", cols["iso"][i].as_py(), "unknown ISO 3166 numeric code")
                     for i in bad_iso]
        empty = pc.equal(pc.utf8_trim_whitespace(cols["event_id_cnty"]), "").to_pylist()
        problems += [BadCell(first_line + i, "event_id_cnty", "", "is empty") for i, e in enumerate(empty) if e]
    return rows, sorted(problems, key=lambda p: (p.line, p.column))


def _what(column: str) -> str:
    return {"event_date": "date (YYYY-MM-DD or 16 May 2025)", "latitude": "number",
            "longitude": "number"}.get(column, "whole number")


def _text(batch: pa.RecordBatch, name: str) -> pa.Array:
    """A trimmed text column ('' when the export lacks it)."""
    if name in batch.schema.names:
        return pc.utf8_trim_whitespace(batch.column(name))
    return pa.array([""] * batch.num_rows, pa.string())


def _keys(*columns: pa.Array) -> tuple[list[str], pa.Array]:
    """Distinct joined keys of several text columns, and each row's index into them."""
    joined = pc.binary_join_element_wise(*columns, "\x1f")
    encoded = pc.dictionary_encode(joined)
    return encoded.dictionary.to_pylist(), encoded.indices


def chunks(source: CsvSource, aliases: AliasTable, *, skip_lines: set[int] | None = None,
           countries: Sequence[str] | None = None, since: dt.date | None = None) -> Iterator[Bulk]:
    """Second pass: one :class:`Bulk` per Arrow batch, built column-wise.

    Rows on ``skip_lines`` are left out. Per-row work is done once per distinct value (actor
    names, places, target names), so a batch costs a few dictionary encodings, not a Python loop.
    """
    b = EventBuilder("ACLED", aliases)
    wanted = set(countries) if countries else None
    numeric = reference().iso_numeric
    names = reference().countries
    for first_line, batch in source.batches():
        iso_codes, iso_idx = _keys(pc.utf8_lpad(pc.utf8_trim_whitespace(batch.column("iso")), 3, "0"))
        iso3 = pc.take(pa.array([numeric.get(c.split(".")[0].zfill(3)) for c in iso_codes], pa.string()), iso_idx)
        iso3 = pc.if_else(pc.equal(_text(batch, "country"), "Kosovo"), "XKX", iso3)  # ACLED: iso 0
        dates, _ = parse_dates(batch.column("event_date"))
        keep = pc.and_(pc.is_valid(iso3), pc.is_valid(dates))
        if skip_lines:
            lines = pa.array(range(first_line, first_line + batch.num_rows), pa.int64())
            keep = pc.and_(keep, pc.invert(pc.is_in(lines, pa.array(sorted(skip_lines), pa.int64()))))
        if wanted is not None:
            keep = pc.and_(keep, pc.is_in(iso3, pa.array(sorted(wanted), pa.string())))
        if since is not None:
            keep = pc.and_(keep, pc.greater_equal(dates, pa.scalar(since, pa.date32())))
        keep = pc.fill_null(keep, False)
        batch, iso3, dates = batch.filter(keep), iso3.filter(keep), dates.filter(keep)
        ids = pc.binary_join_element_wise("event/acled-", _text(batch, "event_id_cnty"), "")
        first = [i not in b.events_seen for i in ids.to_pylist()]
        fresh = pa.array(first) if first else pa.array([], pa.bool_())
        if not pc.all(fresh).as_py() if len(first) else False:
            batch, iso3, dates, ids = batch.filter(fresh), iso3.filter(fresh), dates.filter(fresh), ids.filter(fresh)
        b.events_seen.update(ids.to_pylist())
        if batch.num_rows == 0:
            yield b.flush()
            continue
        event_type = _text(batch, "event_type")
        sub_type = _text(batch, "sub_event_type")
        inter1, inter2 = _text(batch, "inter1"), _text(batch, "inter2")
        civ = pc.or_(pc.or_(pc.not_equal(_text(batch, "civilian_targeting"), ""),
                            pc.is_in(inter2, pa.array(sorted(CIVILIANS)))),
                     pc.equal(event_type, "Violence against civilians"))
        place = _text(batch, "location")
        name = pc.binary_join_element_wise(event_type, ": ", place, ", ", pc.cast(dates, pa.string()), "")
        columns: dict[str, pa.Array] = {
            "id": ids, "name": name, "dataset": pa.array(["ACLED"] * batch.num_rows),
            "source_event_id": _text(batch, "event_id_cnty"), "date": dates, "event_type": event_type,
            "sub_event_type": _null_empty(sub_type), "fatalities": parse_ints(batch.column("fatalities"))[0],
            "civilian_targeting": civ, "iso3": iso3, "area": _null_empty(_text(batch, "admin1")),
        }
        for column, target in (("disorder_type", "disorder_type"), ("notes", "description")):
            if column in batch.schema.names:
                columns[target] = _null_empty(_text(batch, column))
        if "time_precision" in batch.schema.names:
            tp = parse_ints(batch.column("time_precision"))[0]
            columns["time_precision"] = pc.if_else(pc.and_(pc.greater_equal(tp, 1), pc.less_equal(tp, 5)), tp, None)
        b.event_table(columns)
        event_ids = ids.to_pylist()
        # places
        lat, lon = parse_floats(batch.column("latitude"))[0], parse_floats(batch.column("longitude"))[0]
        gp = parse_ints(batch.column("geo_precision"))[0] if "geo_precision" in batch.schema.names \
            else pa.nulls(batch.num_rows, pa.int64())
        keys, idx = _keys(iso3, _text(batch, "admin1"), _text(batch, "admin2"), place,
                          pc.fill_null(pc.cast(lat, pa.string()), ""), pc.fill_null(pc.cast(lon, pa.string()), ""),
                          pc.fill_null(pc.cast(gp, pa.string()), ""))
        place_ids = []
        for key in keys:
            country, a1, a2, where, la, lo, prec = key.split("\x1f")
            if not where and not la:
                place_ids.append(f"country/{country}")
                continue
            place_ids.append(b.location(country, place=where, admin1=a1, admin2=a2,
                                        latitude=float(la) if la else None, longitude=float(lo) if lo else None,
                                        precision=int(prec) if prec else None))
        where_ids = pc.take(pa.array(place_ids, pa.string()), idx).to_pylist()
        at_place = [(e, w) for e, w in zip(event_ids, where_ids, strict=True) if w.startswith("location/")]
        in_country = [(e, w) for e, w in zip(event_ids, where_ids, strict=True) if w.startswith("country/")]
        b.links_from("OCCURRED_IN", "Event", "Location", [p[0] for p in at_place], [p[1] for p in at_place])
        b.links_from("OCCURRED_IN", "Event", "Country", [p[0] for p in in_country], [p[1] for p in in_country])
        # perpetrators
        violent = pc.is_in(event_type, pa.array(sorted(VIOLENT)))
        actor1 = _text(batch, "actor1")
        acts = pc.and_(pc.and_(violent, pc.not_equal(actor1, "")),
                       pc.invert(pc.is_in(inter1, pa.array(sorted(CIVILIANS)))))
        _perpetrators(b, acts, actor1, inter1, iso3, event_ids)
        battles = pc.and_(pc.and_(pc.equal(event_type, "Battles"), pc.not_equal(_text(batch, "actor2"), "")),
                          pc.invert(pc.is_in(inter2, pa.array(sorted(CIVILIANS)))))
        _perpetrators(b, battles, _text(batch, "actor2"), inter2, iso3, event_ids)
        assoc = _text(batch, "assoc_actor_1")
        for i in pc.indices_nonzero(pc.and_(acts, pc.not_equal(assoc, ""))).to_pylist():
            kind = KIND.get(inter1[i].as_py(), "other")
            for raw in _split(assoc[i].as_py()):
                b.perpetrated(event_ids[i], raw, kind, iso3[i].as_py())
        # targets
        country_names = pc.take(pa.array([names.get(c, c) for c in pc.unique(iso3).to_pylist()], pa.string()),
                                pc.index_in(iso3, pc.unique(iso3)))
        civ_rows = pc.fill_null(civ, False)
        if pc.any(civ_rows).as_py():
            tkeys, tidx = _keys(_text(batch, "actor2").filter(civ_rows), _text(batch, "assoc_actor_2").filter(civ_rows),
                                iso3.filter(civ_rows),
                                pc.coalesce(_null_empty(_text(batch, "country")), country_names).filter(civ_rows))
            targets = []
            for key in tkeys:
                actor2, assoc2, country, cname = key.split("\x1f")
                targets.append(b.groups([a for a in [actor2, *_split(assoc2)] if a], country, cname))
            per_row = pc.take(pa.array(targets, pa.list_(pa.string())), tidx)
            civ_ids = [event_ids[i] for i in pc.indices_nonzero(civ_rows).to_pylist()]
            _explode(b, "TARGETED", "Event", "VictimGroup", pa.array([True] * len(civ_ids)), per_row, civ_ids)
        # indicators
        skeys, sidx = _keys(sub_type)
        per_sub = pc.take(pa.array([[f"ind/{n}" for n in INDICATORS.get(k, [])] for k in skeys],
                                   pa.list_(pa.string())), sidx)
        _explode(b, "EVIDENCES", "Event", "Indicator", pa.array([True] * batch.num_rows), per_sub, event_ids)
        yield b.flush()


def _null_empty(col: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(col, ""), None, col)


def _perpetrators(b: EventBuilder, mask: pa.Array, names: pa.Array, inter: pa.Array, iso3: pa.Array,
                  event_ids: list[str]) -> None:
    chosen = pc.fill_null(mask, False)
    rows = pc.indices_nonzero(chosen).to_pylist()
    if not rows:
        return
    keys, idx = _keys(names.filter(chosen), inter.filter(chosen), iso3.filter(chosen))
    actor_ids = []
    for key in keys:
        raw, code, country = key.split("\x1f")
        actor_ids.append(b.actor(raw, KIND.get(code, "other"), country))
    ids = pc.take(pa.array(actor_ids, pa.string()), idx).to_pylist()
    b.links_from("PERPETRATED", "Actor", "Event", ids, [event_ids[i] for i in rows])


def _explode(b: EventBuilder, rel: str, src_label: str, dst_label: str, mask: pa.Array, lists: pa.Array,
             event_ids: list[str]) -> None:
    chosen = pc.fill_null(mask, False)
    picked = lists.filter(chosen)
    rows = pc.indices_nonzero(chosen).to_pylist()
    parents = pc.list_parent_indices(picked).to_pylist()
    targets = pc.list_flatten(picked).to_pylist()
    b.links_from(rel, src_label, dst_label, [event_ids[rows[p]] for p in parents], targets)


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def read_all(path: Path, aliases: AliasTable) -> list[Bulk]:
    """Check, then build every chunk (small files and tests); raises on any bad cell."""
    source = open_acled(path)
    _, bad = check(source)
    if bad:
        raise SourceFormatError([(path.name, b.line, b.column, f"{b.message} ({b.value!r})") for b in bad])
    return list(chunks(source, aliases))

