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
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from graph.bulk import Bulk
from loaders.actors import AliasTable
from loaders.event_csv import BadCell, CsvSource, open_source, parse_dates, parse_floats, parse_ints
from loaders.event_mapping import ACLED_INDICATORS
from loaders.event_tables import TableBuilder, first_rows, pairs, row_hashes
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
# Cells parsed from text (in the checking pass, and kept for the load's pass).
PARSED: list[tuple[str, Callable[[pa.Array], tuple[pa.Array, list[int]]]]] = [
    ("event_date", parse_dates), ("fatalities", parse_ints), ("latitude", parse_floats), ("longitude", parse_floats),
    ("time_precision", parse_ints), ("geo_precision", parse_ints)]
# Mixed into every row hash: change it when the mapping of rows to nodes and links changes.
ROW_HASH_SALT = "acled-1"


def open_acled(path: Path) -> CsvSource:
    """Open an ACLED export and check its header."""
    return open_source(path, REQUIRED, OPTIONAL, "ACLED export")


def _iso3(col: pa.Array, country: pa.Array) -> pa.Array:
    """ISO3 of each row's numeric ISO code (null when unknown; XKX for ACLED's Kosovo rows, coded 0)."""
    numeric = reference().iso_numeric
    codes, _, idx = first_rows(pc.utf8_trim_whitespace(col))
    known = pa.array([numeric.get(c.split(".")[0].zfill(3)) if c else None for c in codes.to_pylist()], pa.string())
    return pc.if_else(pc.equal(pc.utf8_trim_whitespace(country), "Kosovo"), "XKX", pc.take(known, idx))


def check(source: CsvSource) -> tuple[int, list[BadCell]]:
    """First pass: the row count, and every unparsable date, number or country code (column-wise:
    only the bad cells become Python values)."""
    problems: list[BadCell] = []
    rows = 0
    for first_line, batch in source.batches():
        rows += batch.num_rows
        cols = {name: batch.column(name) for name in batch.schema.names}
        for name, parser in PARSED:
            if name in cols:
                _, bad = source.parse(first_line, batch, name, parser)
                problems += [BadCell(first_line + i, name, cols[name][i].as_py(), f"not a valid {_what(name)}")
                             for i in bad]
        bad_iso = pc.indices_nonzero(pc.is_null(_iso3(cols["iso"], cols["country"]))).to_pylist()
        problems += [BadCell(first_line + i, "iso", cols["iso"][i].as_py(), "unknown ISO 3166 numeric code")
                     for i in bad_iso]
        empty = pc.indices_nonzero(pc.equal(pc.utf8_trim_whitespace(cols["event_id_cnty"]), "")).to_pylist()
        problems += [BadCell(first_line + i, "event_id_cnty", "", "is empty") for i in empty]
    return rows, sorted(problems, key=lambda p: (p.line, p.column))


def _what(column: str) -> str:
    return {"event_date": "date (YYYY-MM-DD or 16 May 2025)", "latitude": "number",
            "longitude": "number"}.get(column, "whole number")


def _text(batch: pa.RecordBatch, name: str) -> pa.Array:
    """A trimmed text column ('' when the export lacks it)."""
    if name in batch.schema.names:
        return pc.utf8_trim_whitespace(batch.column(name))
    return pc.fill_null(pa.nulls(batch.num_rows, pa.string()), "")


def chunks(source: CsvSource, aliases: AliasTable, *, skip_lines: set[int] | None = None,
           countries: Sequence[str] | None = None, since: dt.date | None = None) -> Iterator[Bulk]:
    """Second pass: one :class:`Bulk` per Arrow batch, built column-wise (:mod:`loaders.event_tables`).

    Rows on ``skip_lines`` are left out, and so is a row whose event id an earlier row had. Per-row
    work is Arrow kernels; names, places and target lists are resolved once per distinct value.
    """
    b = TableBuilder("ACLED", aliases)
    wanted = set(countries) if countries else None
    names = reference().countries
    for first_line, batch in source.batches():
        iso3 = _iso3(batch.column("iso"), batch.column("country"))
        parsed = {name: source.parse(first_line, batch, name, parser)[0] for name, parser in PARSED
                  if name in batch.schema.names}
        dates = parsed["event_date"]
        keep = pc.and_(pc.is_valid(iso3), pc.is_valid(dates))
        if skip_lines:
            lines = pa.array(range(first_line, first_line + batch.num_rows), pa.int64())
            keep = pc.and_(keep, pc.invert(pc.is_in(lines, pa.array(sorted(skip_lines), pa.int64()))))
        if wanted is not None:
            keep = pc.and_(keep, pc.is_in(iso3, pa.array(sorted(wanted), pa.string())))
        if since is not None:
            keep = pc.and_(keep, pc.greater_equal(dates, pa.scalar(since, pa.date32())))
        keep = pc.fill_null(keep, False)
        batch, iso3, parsed = batch.filter(keep), iso3.filter(keep), {k: v.filter(keep) for k, v in parsed.items()}
        ids = pc.binary_join_element_wise("event/acled-", _text(batch, "event_id_cnty"), "")
        fresh = b.fresh_events(ids)
        if not pc.all(fresh).as_py():
            batch, iso3, ids = batch.filter(fresh), iso3.filter(fresh), ids.filter(fresh)
            parsed = {k: v.filter(fresh) for k, v in parsed.items()}
        if batch.num_rows:
            _derive(b, batch, iso3, parsed, ids, names)
        yield b.flush()


def _derive(b: TableBuilder, batch: pa.RecordBatch, iso3: pa.Array, parsed: dict[str, pa.Array], ids: pa.Array,
            names: dict[str, str]) -> None:
    """The tables of one batch of kept rows (see :func:`chunks`), with their cells parsed from text."""
    dates = parsed["event_date"]
    event_type = _text(batch, "event_type")
    sub_type = _text(batch, "sub_event_type")
    inter1, inter2 = _text(batch, "inter1"), _text(batch, "inter2")
    civ = pc.or_(pc.or_(pc.not_equal(_text(batch, "civilian_targeting"), ""),
                        pc.is_in(inter2, pa.array(sorted(CIVILIANS)))),
                 pc.equal(event_type, "Violence against civilians"))
    place = _text(batch, "location")
    name = pc.binary_join_element_wise(event_type, ": ", place, ", ", pc.cast(dates, pa.string()), "")
    columns: dict[str, pa.Array] = {
        "id": ids, "name": name, "dataset": pa.repeat(pa.scalar("ACLED"), batch.num_rows),
        "source_event_id": _text(batch, "event_id_cnty"), "date": dates, "event_type": event_type,
        "sub_event_type": _null_empty(sub_type), "fatalities": parsed["fatalities"],
        "civilian_targeting": civ, "iso3": iso3, "area": _null_empty(_text(batch, "admin1")),
    }
    for column, target in (("disorder_type", "disorder_type"), ("notes", "description")):
        if column in batch.schema.names:
            columns[target] = _null_empty(_text(batch, column))
    if "time_precision" in parsed:
        tp = parsed["time_precision"]
        columns["time_precision"] = pc.if_else(pc.and_(pc.greater_equal(tp, 1), pc.less_equal(tp, 5)), tp, None)
    links: list[tuple[str, pa.Array, pa.Array]] = []
    # places: one per distinct (country, admin areas, name, coordinates); the first row's precision
    lat, lon = parsed["latitude"], parsed["longitude"]
    gp = parsed.get("geo_precision", pa.nulls(batch.num_rows, pa.int64()))
    keys, first, idx = first_rows(pc.binary_join_element_wise(
        iso3, _text(batch, "admin1"), _text(batch, "admin2"), place, pc.fill_null(pc.cast(lat, pa.string()), ""),
        pc.fill_null(pc.cast(lon, pa.string()), ""), "\x1f"))
    place_ids = []
    for key, prec in zip(keys.to_pylist(), pc.take(gp, first).to_pylist(), strict=True):
        country, a1, a2, where, la, lo = key.split("\x1f")
        if not where and not la:
            place_ids.append(f"country/{country}")
            continue
        place_ids.append(b.location(country, place=where, admin1=a1, admin2=a2, latitude=float(la) if la else None,
                                    longitude=float(lo) if lo else None, precision=prec))
    where_ids = pc.take(pa.array(place_ids, pa.string()), idx)
    at_place = pc.starts_with(where_ids, "location/")
    for mask, label in ((at_place, "Location"), (pc.invert(at_place), "Country")):
        b.add_links("OCCURRED_IN", "Event", label, ids.filter(mask), where_ids.filter(mask))
    links.append(("OCCURRED_IN", ids, where_ids))
    # perpetrators: actor1 (and its associates) of political violence, both sides of battles
    violent = pc.is_in(event_type, pa.array(sorted(VIOLENT)))
    actor1, actor2 = _text(batch, "actor1"), _text(batch, "actor2")
    civilians = pa.array(sorted(CIVILIANS))
    acts = pc.fill_null(pc.and_(pc.and_(violent, pc.not_equal(actor1, "")), pc.invert(pc.is_in(inter1, civilians))),
                        False)
    battles = pc.fill_null(pc.and_(pc.and_(pc.equal(event_type, "Battles"), pc.not_equal(actor2, "")),
                                   pc.invert(pc.is_in(inter2, civilians))), False)
    assoc_rows = pc.and_(acts, pc.not_equal(_text(batch, "assoc_actor_1"), ""))
    assoc = pc.split_pattern(_text(batch, "assoc_actor_1").filter(assoc_rows), ";")
    parents = pc.list_parent_indices(assoc)
    assoc_names = pc.utf8_trim_whitespace(pc.list_flatten(assoc))
    named = pc.not_equal(assoc_names, "")
    rows = pa.array(range(batch.num_rows), pa.int64())
    sides = [(actor1.filter(acts), inter1.filter(acts), iso3.filter(acts), ids.filter(acts), rows.filter(acts)),
             (actor2.filter(battles), inter2.filter(battles), iso3.filter(battles), ids.filter(battles),
              rows.filter(battles)),
             (assoc_names.filter(named), *(pc.take(c.filter(assoc_rows), parents).filter(named)
                                           for c in (inter1, iso3, ids, rows)))]
    named_actors = pa.concat_tables([
        pa.table({"raw": raw, "code": code, "country": country, "event": event, "row": row,
                  "side": pa.repeat(pa.scalar(n, pa.int8()), len(raw))})
        for n, (raw, code, country, event, row) in enumerate(sides)])
    if named_actors.num_rows:
        # an actor's type is that of the first row naming it as actor1, else as actor2, else as an associate
        named_actors = named_actors.sort_by([("side", "ascending"), ("row", "ascending")])
        actor_ids = _actors(b, *(named_actors.column(c) for c in ("raw", "code", "country")))
        perpetrated = pairs(actor_ids, named_actors.column("event"))
        b.add_links("PERPETRATED", "Actor", "Event", perpetrated.column("from"), perpetrated.column("to"))
        links.append(("PERPETRATED", perpetrated.column("to"), perpetrated.column("from")))
    # targets: the groups actor2 and its associates name, else the civilians of the country
    civ_rows = pc.fill_null(civ, False)
    if pc.any(civ_rows).as_py():
        country_names = pc.take(pa.array([names.get(c, c) for c in pc.unique(iso3).to_pylist()], pa.string()),
                                pc.index_in(iso3, pc.unique(iso3)))
        tkeys, _, tidx = first_rows(pc.binary_join_element_wise(
            actor2.filter(civ_rows), _text(batch, "assoc_actor_2").filter(civ_rows), iso3.filter(civ_rows),
            pc.coalesce(_null_empty(_text(batch, "country")), country_names).filter(civ_rows), "\x1f"))
        targets = []
        for key in tkeys.to_pylist():
            target, assoc2, country, cname = key.split("\x1f")
            targets.append(b.groups([a for a in [target, *_split(assoc2)] if a], country, cname))
        per_row = pc.take(pa.array(targets, pa.list_(pa.string())), tidx)
        froms = pc.take(ids.filter(civ_rows), pc.list_parent_indices(per_row))
        b.add_links("TARGETED", "Event", "VictimGroup", froms, pc.list_flatten(per_row))
        links.append(("TARGETED", froms, pc.list_flatten(per_row)))
    # indicators
    skeys, _, sidx = first_rows(sub_type)
    per_sub = pc.take(pa.array([[f"ind/{n}" for n in INDICATORS.get(k, [])] for k in skeys.to_pylist()],
                               pa.list_(pa.string())), sidx)
    evidence_from = pc.take(ids, pc.list_parent_indices(per_sub))
    b.add_links("EVIDENCES", "Event", "Indicator", evidence_from, pc.list_flatten(per_sub))
    links.append(("EVIDENCES", evidence_from, pc.list_flatten(per_sub)))
    columns["row_hash"] = row_hashes(columns, links, ROW_HASH_SALT)
    b.event_table(columns)


def _actors(b: TableBuilder, raw: pa.ChunkedArray, code: pa.ChunkedArray, country: pa.ChunkedArray) -> pa.Array:
    """Each row's actor id (resolved once per distinct name, actor type and country)."""
    keys, _, idx = first_rows(pc.binary_join_element_wise(raw, code, country, "\x1f"))
    actor_ids = []
    for key in keys.to_pylist():
        name, kind, iso = key.split("\x1f")
        actor_ids.append(b.actor(name, KIND.get(kind, "other"), iso))
    return pc.take(pa.array(actor_ids, pa.string()), idx)


def _null_empty(col: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(col, ""), None, col)


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def read_all(path: Path, aliases: AliasTable) -> list[Bulk]:
    """Check, then build every chunk (small files and tests); raises on any bad cell."""
    source = open_acled(path)
    _, bad = check(source)
    if bad:
        raise SourceFormatError([(path.name, b.line, b.column, f"{b.message} ({b.value!r})") for b in bad])
    return list(chunks(source, aliases))

