"""Events as integer-coded columns, for series and signals that stay column-wise at a million rows.

:class:`Slices` holds one entry per event (its country, month, ISO week, fatalities, civilian
deaths, whether it targeted civilians and whether it is political violence) and one row per
``(event, slice)``: the whole country (``all``/``*``), its admin-1 area, each perpetrator, each
targeted group, each event category (:mod:`loaders.event_mapping`) and each Framework indicator.
Slices are numbered once (``key_dimension[k]``, ``key_slice[k]``), so every group-by is a hash of
integers, never of strings. :meth:`Slices.periods` sums the slice rows per country, period and
slice: the series points before they get their names.

:func:`read_slices` reads the stored events of some countries and date spans, and their
PERPETRATED, TARGETED and EVIDENCES links, column-wise (Arrow on Ladybug).

Example:
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"id": ["a", "b"], "iso3": ["QZA", "QZA"], "date": pd.to_datetime(["2024-01-05",
    ...     "2024-02-01"]), "area": ["North", None], "dataset": "UCDP-GED", "event_type": "one-sided violence",
    ...     "sub_event_type": None, "disorder_type": None, "civilian_targeting": True, "fatalities": [3, 1],
    ...     "civilian_deaths": [3, None]})
    >>> none = pd.DataFrame({"id": [], "x": []})
    >>> s = Slices.of(EventFrames(ev, none.rename(columns={"x": "actor"}), none.rename(columns={"x": "group"}),
    ...     none.rename(columns={"x": "indicator"})))
    >>> sorted({(s.key_dimension[k], s.key_slice[k]) for k in s.row_key[s.row_event == 0]})[:3]
    [('admin1', 'North'), ('all', '*'), ('category', 'civilian-targeting')]
    >>> p = s.periods("month")
    >>> p[p.key == 0][["period", "events", "fatalities", "civilian_deaths"]].values.tolist()
    [[24288, 1, 3, 3], [24289, 1, 1, 1]]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph.base import GraphStore
from graph.columns import read_table
from loaders.event_frame import EVENTS_Q, INDICATORS_Q, PERPETRATORS_Q, TARGETS_Q, EventFrames, within
from loaders.event_mapping import category_masks

__all__ = ["DIMENSIONS", "Slices", "read_slices", "week_day", "ym_of"]

DIMENSIONS: Final = ("all", "admin1", "actor", "group", "category", "indicator")
WEEKLY: Final = ("all", "category")
_EPOCH_MONDAY: Final = 4  # 1970-01-01 was a Thursday: day d is a Monday when (d + 3) % 7 == 0

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
Objects = npt.NDArray[np.object_]


def ym_of(day: dt.date) -> int:
    """Month number (year × 12 + month − 1) of a day."""
    return day.year * 12 + day.month - 1


def week_day(day: dt.date) -> int:
    """Day number (days since 1970-01-01) of the Monday starting the day's ISO week."""
    d = (day - dt.date(1970, 1, 1)).days
    return d - (d + 3) % 7


@dataclass
class Slices:
    """Coded events and their slice rows (see the module docstring)."""

    ids: pa.Array            # event ids (Arrow strings)
    iso3: Objects            # country codes; ``country[i]`` indexes it
    country: Ints
    ym: Ints
    week: Ints               # day number of the Monday of the event's week
    fatalities: Ints
    civilian_deaths: Ints
    civilian: Bools
    violent: Bools           # category political-violence
    row_event: Ints
    row_key: Ints
    key_dimension: Objects
    key_slice: Objects

    @staticmethod
    def of(frames: EventFrames) -> Slices:
        """Code the events and links of ``frames`` (links to events not in it are left out)."""
        ev = frames.events
        n = len(ev)
        ids = pa.array(ev["id"], pa.string()) if n else pa.array([], pa.string())
        country, iso3 = pd.factorize(ev["iso3"])
        dates = pd.to_datetime(ev["date"]).to_numpy()
        days = dates.astype("datetime64[D]").astype(np.int64)
        months = dates.astype("datetime64[M]").astype(np.int64) + 1970 * 12
        civ = ev["civilian_targeting"].fillna(False).astype(bool).to_numpy()
        fat = pd.to_numeric(ev["fatalities"], errors="coerce").fillna(0).to_numpy().astype(np.int64)
        civd = pd.to_numeric(ev["civilian_deaths"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        civd = np.where(np.isnan(civd), np.where(civ, fat, 0), civd).astype(np.int64)
        masks = category_masks(ev) if n else {}
        dims: list[str] = []
        names: list[object] = []
        rows_e: list[Ints] = []
        rows_k: list[Ints] = []

        def add(dimension: str, events: Ints, codes: Ints, uniques: Sequence[object]) -> None:
            rows_e.append(events.astype(np.int64, copy=False))
            rows_k.append(codes.astype(np.int64, copy=False) + len(dims))
            dims.extend([dimension] * len(uniques))
            names.extend(uniques)

        every = np.arange(n, dtype=np.int64)
        add("all", every, np.zeros(n, np.int64), ["*"])
        area = ev["area"]
        has_area = (area.notna() & (area != "")).to_numpy(dtype=bool)
        codes, uniques = pd.factorize(area[has_area])
        add("admin1", every[has_area], codes, list(uniques))
        kinds = [(d, links, c) for d, links, c in (("actor", frames.actors, "actor"), ("group", frames.groups, "group"),
                                                   ("indicator", frames.indicators, "indicator")) if len(links)]
        if kinds:  # one hash of the event ids, probed by the three link tables' event ids
            link_ids = pa.chunked_array([pa.array(links["id"], pa.string()) for _, links, _ in kinds]).combine_chunks()
            events_all = pc.fill_null(pc.index_in(link_ids, value_set=ids), -1).to_numpy().astype(np.int64)
            found_all = events_all >= 0
            start = 0
            for dimension, links, column in kinds:
                found = found_all[start:start + len(links)]
                events = events_all[start:start + len(links)][found]
                start += len(links)
                codes, uniques = pd.factorize(links[column][found])
                width = max(len(uniques), 1)
                pairs = pd.unique(events * width + codes)  # a link stated twice counts once
                add(dimension, pairs // width, pairs % width, list(uniques))
        for category, mask in masks.items():
            chosen = np.flatnonzero(mask)
            if len(chosen):
                add("category", chosen, np.zeros(len(chosen), np.int64), [category])
        violent = masks["political-violence"] if n else np.zeros(0, bool)
        return Slices(ids, np.asarray(list(iso3), dtype=object), country.astype(np.int64), months,
                      days - (days + 3) % 7, fat, civd, civ, violent, np.concatenate(rows_e), np.concatenate(rows_k),
                      np.asarray(dims, dtype=object), np.asarray(names, dtype=object))

    def __len__(self) -> int:
        return len(self.ids)

    def periods(self, granularity: str, weekly_dimensions: Sequence[str] = WEEKLY) -> pd.DataFrame:
        """Per country, period (month number, or day number of the week's Monday) and slice key: events,
        fatalities, civilian-targeting events, civilian deaths and political-violence events.

        Weeks are summed for the slices of ``weekly_dimensions`` only (months for every slice)."""
        rows_e, rows_k = self.row_event, self.row_key
        period = self.ym if granularity == "month" else self.week
        if granularity == "week":
            weekly = np.isin(self.key_dimension, list(weekly_dimensions))[rows_k]
            rows_e, rows_k = rows_e[weekly], rows_k[weekly]
        columns = ["country", "period", "key", "events", "fatalities", "civilian_events", "civilian_deaths",
                   "violent_events"]
        if not len(rows_e):
            return pd.DataFrame({c: np.zeros(0, np.int64) for c in columns})
        p = period[rows_e]
        lo, span, keys = int(p.min()), int(p.max() - p.min() + 1), len(self.key_dimension)
        group = (self.country[rows_e] * span + (p - lo)) * keys + rows_k
        codes, uniques = pd.factorize(group)  # hash, then order the few distinct groups
        order = np.argsort(uniques, kind="stable")
        rank = np.empty(len(order), np.int64)
        rank[order] = np.arange(len(order))
        codes, uniques = rank[codes], uniques[order]
        size = len(uniques)

        def total(values: npt.NDArray[np.generic]) -> Ints:
            return np.bincount(codes, weights=values[rows_e], minlength=size).round().astype(np.int64)
        rest = uniques // keys
        return pd.DataFrame({"country": rest // span, "period": rest % span + lo, "key": uniques % keys,
                             "events": np.bincount(codes, minlength=size).astype(np.int64),
                             "fatalities": total(self.fatalities), "civilian_events": total(self.civilian),
                             "civilian_deaths": total(self.civilian_deaths), "violent_events": total(self.violent)})


def read_slices(store: GraphStore, windows: Mapping[str, tuple[dt.date, dt.date]]) -> EventFrames:
    """The stored events of each country (ISO3) between the two days of its window, with their links,
    read column-wise: one query per kind for all the countries."""
    if not windows:
        return EventFrames.concat([])
    params = {"countries": sorted(windows), "date_from": min(w[0] for w in windows.values()),
              "date_to": max(w[1] for w in windows.values())}
    events = read_table(store, EVENTS_Q, params).to_pandas()
    frames = EventFrames(events, read_table(store, PERPETRATORS_Q, params).to_pandas(),
                         read_table(store, TARGETS_Q, params).to_pandas().rename(columns={"grp": "group"}),
                         read_table(store, INDICATORS_Q, params).to_pandas())
    frames.events["date"] = pd.to_datetime(frames.events["date"])
    return within(frames, windows)
