"""The engine's floor for an ACLED load: a bare pyarrow parse (all threads, the whole file at
once, with the parse options a correct load needs), a column-wise derivation of exactly the
node and relationship tables the pipeline writes (same ids, same columns), and one ``COPY`` per table
into a fresh store, in one transaction. No checks, no lookups, no re-load logic: what is left when
everything the pipeline adds is taken away.

The derivation covers the columns the synthetic files of :mod:`benchmarks.acled_gen` fill (no
associated actors, actors never found in the alias table, civilians of the event's country as the
victim group); the benchmark checks that the floor and the pipeline end with the same row counts.

    python -m benchmarks.acled_floor FILE.csv STORE
"""

from __future__ import annotations

import hashlib
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

__all__ = ["derive", "floor"]


def _first_rows(keys: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Distinct values of ``keys`` in order of first appearance, and the row of each first appearance."""
    encoded = pc.dictionary_encode(keys).combine_chunks() if isinstance(keys, pa.ChunkedArray) \
        else pc.dictionary_encode(keys)
    _, first = np.unique(encoded.indices.to_numpy(zero_copy_only=False), return_index=True)
    return encoded.dictionary, pa.array(first)


def derive(table: pa.Table) -> tuple[dict[str, pa.Table], dict[tuple[str, str, str], pa.Table]]:
    """Node tables by label and relationship tables by (type, from label, to label)."""
    from loaders.acled import CIVILIANS, INDICATORS, KIND, VIOLENT
    from loaders.actors import display_name, slug
    from loaders.reference import reference

    ref = reference()

    def text(name: str) -> pa.ChunkedArray:
        return pc.utf8_trim_whitespace(table.column(name))

    def null_empty(col: Any) -> Any:
        return pc.if_else(pc.equal(col, ""), None, col)

    codes = pc.utf8_lpad(text("iso"), 3, "0")
    iso3 = pc.if_else(pc.equal(text("country"), "Kosovo"), "XKX",
                      pc.take(pa.array([ref.iso_numeric.get(c) for c in pc.unique(codes).to_pylist()], pa.string()),
                              pc.index_in(codes, pc.unique(codes))))
    dates = pc.cast(pc.strptime(text("event_date"), format="%Y-%m-%d", unit="s"), pa.date32())
    ids = pc.binary_join_element_wise("event/acled-", text("event_id_cnty"), "")
    event_type, sub_type, place = text("event_type"), text("sub_event_type"), text("location")
    inter1, inter2, actor1, actor2 = text("inter1"), text("inter2"), text("actor1"), text("actor2")
    civ = pc.or_(pc.or_(pc.not_equal(text("civilian_targeting"), ""), pc.is_in(inter2, pa.array(sorted(CIVILIANS)))),
                 pc.equal(event_type, "Violence against civilians"))
    tp = pc.cast(text("time_precision"), pa.int64())
    events = pa.table({
        "id": ids, "name": pc.binary_join_element_wise(event_type, ": ", place, ", ", pc.cast(dates, pa.string()), ""),
        "dataset": pa.repeat(pa.scalar("ACLED"), table.num_rows), "source_event_id": text("event_id_cnty"),
        "date": dates, "event_type": event_type, "sub_event_type": null_empty(sub_type),
        "fatalities": pc.cast(text("fatalities"), pa.int64()), "civilian_targeting": civ, "iso3": iso3,
        "area": null_empty(text("admin1")), "disorder_type": null_empty(text("disorder_type")),
        "description": null_empty(text("notes")),
        "time_precision": pc.if_else(pc.and_(pc.greater_equal(tp, 1), pc.less_equal(tp, 5)), tp, None)})
    # places: one per (country, admin1, admin2, name, latitude, longitude), first row's precision
    lat, lon = pc.cast(text("latitude"), pa.float64()), pc.cast(text("longitude"), pa.float64())
    keys = pc.binary_join_element_wise(iso3, text("admin1"), text("admin2"), place, pc.cast(lat, pa.string()),
                                       pc.cast(lon, pa.string()), "\x1f")
    distinct, first = _first_rows(keys)
    place_ids = []
    for key in distinct.to_pylist():
        country, a1, a2, where, la, lo = key.split("\x1f")
        digest = hashlib.sha1(f"{country}|{a1}|{a2}|{where}|{float(la)}|{float(lo)}".encode(),
                              usedforsecurity=False).hexdigest()[:12]
        place_ids.append(f"location/{country.lower()}-{digest}")
    place_id = pa.array(place_ids, pa.string())
    gp = pc.cast(pc.take(text("geo_precision"), first), pa.int64())
    locations = pa.table({
        "id": place_id, "name": pc.take(place, first), "admin1": null_empty(pc.take(text("admin1"), first)),
        "admin2": null_empty(pc.take(text("admin2"), first)), "latitude": pc.take(lat, first),
        "longitude": pc.take(lon, first),
        "geo_precision": pc.if_else(pc.and_(pc.greater_equal(gp, 1), pc.less_equal(gp, 7)), gp, None)})
    where_of_row = pc.take(place_id, pc.index_in(keys, distinct))
    # perpetrators: actor1 of violent events, actor2 of battles (not civilians)
    civilians = pa.array(sorted(CIVILIANS))
    violent = pc.is_in(event_type, pa.array(sorted(VIOLENT)))
    side1 = pc.and_(pc.and_(violent, pc.not_equal(actor1, "")), pc.invert(pc.is_in(inter1, civilians)))
    side2 = pc.and_(pc.and_(pc.equal(event_type, "Battles"), pc.not_equal(actor2, "")),
                    pc.invert(pc.is_in(inter2, civilians)))
    perp = pa.concat_tables([
        pa.table({"name": actor1.filter(side1), "inter": inter1.filter(side1), "iso3": iso3.filter(side1),
                  "event": ids.filter(side1)}),
        pa.table({"name": actor2.filter(side2), "inter": inter2.filter(side2), "iso3": iso3.filter(side2),
                  "event": ids.filter(side2)})])
    names, first_name = _first_rows(perp.column("name"))
    actor_ids = pa.array([f"actor/{slug(n)}" for n in names.to_pylist()], pa.string())
    actor_of_row = pc.take(actor_ids, pc.index_in(perp.column("name"), names))
    kinds = pa.array([KIND.get(c, "other") for c in pc.take(perp.column("inter"), first_name).to_pylist()])
    actors = pa.table({"id": actor_ids, "name": pa.array([display_name(n) for n in names.to_pylist()]),
                       "aliases": pa.array([[n] for n in names.to_pylist()], pa.list_(pa.string())),
                       "kind": kinds, "unresolved": pa.repeat(pa.scalar(True), len(actor_ids))})
    operates = pa.table({"from": actor_of_row, "to": pc.binary_join_element_wise("country/", perp.column("iso3"), "")}
                        ).group_by(["from", "to"], use_threads=False).aggregate([])
    perpetrated = pa.table({"from": actor_of_row, "to": perp.column("event")}).group_by(
        ["from", "to"], use_threads=False).aggregate([])
    # victims: the civilians of the event's country
    civ_iso = iso3.filter(civ)
    group_of_row = pc.binary_join_element_wise("group/civilians-", pc.utf8_lower(civ_iso), "")
    countries = pc.unique(civ_iso).to_pylist()
    groups = pa.table({"id": [f"group/civilians-{c.lower()}" for c in countries],
                       "name": [f"Civilians ({ref.countries.get(c, c)})" for c in countries],
                       "basis": ["other"] * len(countries), "protected": [False] * len(countries)})
    indicator_lists = pa.array([[f"ind/{i}" for i in INDICATORS.get(s, [])] for s in pc.unique(sub_type).to_pylist()],
                               pa.list_(pa.string()))
    per_row = pc.take(indicator_lists, pc.index_in(sub_type, pc.unique(sub_type)))
    evidences = pa.table({"from": pc.take(ids, pc.list_parent_indices(per_row)), "to": pc.list_flatten(per_row)})
    nodes = {"Event": events, "Location": locations, "Actor": actors, "VictimGroup": groups}
    edges = {
        ("OCCURRED_IN", "Event", "Location"): pa.table({"from": ids, "to": where_of_row}),
        ("IN_COUNTRY", "Location", "Country"): pa.table(
            {"from": place_id, "to": pc.binary_join_element_wise("country/", pc.take(iso3, first), "")}),
        ("PERPETRATED", "Actor", "Event"): perpetrated,
        ("OPERATES_IN", "Actor", "Country"): operates,
        ("TARGETED", "Event", "VictimGroup"): pa.table({"from": ids.filter(civ), "to": group_of_row}),
        ("LIVES_IN", "VictimGroup", "Country"): pa.table(
            {"from": groups.column("id"), "to": [f"country/{c}" for c in countries]}),
        ("EVIDENCES", "Event", "Indicator"): evidences,
    }
    return nodes, edges


def floor(csv_path: Path, db: Path, buffer_pool_mb: int = 2048) -> dict[str, Any]:
    """Parse, derive and COPY into a fresh store (vocabularies loaded first, not timed); seconds per stage."""
    from cli.admin import init_store
    from graph.ladybug_store import LadybugStore
    from graph.registry import open_store
    from graph.schema import literal, quote
    from graph.settings import Settings

    store = open_store(Settings(db_path=db, buffer_pool_mb=buffer_pool_mb))
    assert isinstance(store, LadybugStore)
    init_store(store)
    conn = store._writer.conn  # the floor talks to the engine directly
    model = store.model
    stages: dict[str, float] = {}
    started = t = time.perf_counter()
    # newlines inside quoted cells, as ACLED's notes have them: the parse options a correct load needs
    table = pacsv.read_csv(csv_path, parse_options=pacsv.ParseOptions(newlines_in_values=True),
                           convert_options=pacsv.ConvertOptions(
        column_types={c: pa.string() for c in pacsv.open_csv(csv_path).schema.names},
        strings_can_be_null=False))
    stages["parse"] = time.perf_counter() - t
    t = time.perf_counter()
    nodes, edges = derive(table)
    del table
    stages["derive"] = time.perf_counter() - t
    counts: dict[str, int] = {}
    conn.execute("BEGIN TRANSACTION")
    for label, rows in nodes.items():
        t = time.perf_counter()
        props = model.classes[label].properties
        arrow_rows = pa.table({"id": rows.column("id"), **{  # noqa: F841 - COPY reads it by name
            name: rows.column(name) if name in rows.column_names else pa.nulls(rows.num_rows, _type(prop))
            for name, prop in props.items() if name != "id"}})
        conn.execute(f"COPY {quote(label)} FROM arrow_rows")
        stages[f"COPY {label}"] = time.perf_counter() - t
        counts[label] = rows.num_rows
    for (rel, src, dst), rows in edges.items():
        t = time.perf_counter()
        props = model.relationships[rel].properties
        arrow_rows = pa.table({"from": rows.column("from"), "to": rows.column("to"),  # noqa: F841
                               **{name: pa.nulls(rows.num_rows, _type(prop)) for name, prop in props.items()}})
        conn.execute(f"COPY {quote(rel)} FROM arrow_rows (from={literal(src)}, to={literal(dst)})")
        stages[f"COPY {rel}"] = time.perf_counter() - t
        counts[rel] = counts.get(rel, 0) + rows.num_rows
    t = time.perf_counter()
    conn.execute("COMMIT")
    stages["commit"] = time.perf_counter() - t
    seconds = time.perf_counter() - started
    store.close()
    return {"seconds": seconds, "stages": stages, "counts": counts,
            "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "arrow_peak_mib": pa.default_memory_pool().max_memory() / 2**20}


def _type(prop: Any) -> pa.DataType:
    from graph.bulk import arrow_type
    return arrow_type(prop)


if __name__ == "__main__":
    print(json.dumps(floor(Path(sys.argv[1]), Path(sys.argv[2]))))
