"""Signals: which months of which countries' event series warrant an alert, and why.

Each evaluated period is the ``window_months`` months ending with an evaluated month; its
baseline is the ``baseline_months`` before it, counted only from the country's first stored
event (a country with fewer than ``min_baseline_months`` of history never alerts: nothing is
"new" or "a surge" in the first months of a dataset). Absent months count as zero events.

- **surge** (dimensions ``all``, ``admin1``, ``category``, ``indicator``): the period's event count against
  the baseline's monthly mean and variance under a negative-binomial model (Poisson when the
  baseline is not overdispersed). Alerts when the tail probability P(X ≥ observed) ≤
  ``surge_probability`` *and* observed ≥ ``surge_min_events`` *and* observed ≥
  ``surge_min_ratio`` × expected — so a quiet country does not alert on 0 → 2.
- **civilian-share**: share of political-violence events that targeted civilians, period
  against baseline; alerts when it rose by ``civilian_share_min_increase``, with at least
  ``civilian_share_min_events`` such events and a binomial tail ≤ ``civilian_share_probability``.
- **new-actor**: a perpetrator with ≥ ``new_actor_min_events`` events in the period and none in
  the baseline.
- **new-group**: first events (≥ ``new_group_min_events``) in the baseline targeting a group an
  assessment of the country names (CONCERNS).
- **spread**: at least ``spread_min_new_areas`` admin-1 areas with ≥ ``spread_min_events``
  political-violence events in the period and none in the baseline.
- **mass-fatality**: single events in the evaluated month with ≥ ``mass_fatality_civilian_deaths``
  civilian deaths each (one alert per country and month; observed = the largest).

Strength (0–1, for sorting): for the probability-based kinds ``min(1, −log10 p / 12)``;
mass-fatality 0.6 + deaths/1000 (capped at 1), new-group 0.6, new-actor and spread 0.3 + 0.05 per
extra event or area (capped at 0.6).
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from loaders.event_frame import EventFrames
from loaders.event_slices import Slices
from loaders.tails import binomial_tail, count_tail

__all__ = ["AlertDraft", "Monthly", "evaluate", "evaluate_series"]

Ints = npt.NDArray[np.int64]

SURGE_DIMENSIONS = ("all", "admin1", "category", "indicator")


@dataclass
class AlertDraft:
    """An alert before it is written: what, where, when, how strong and the events behind it."""

    iso3: str
    kind: str
    period_start: dt.date
    period_end: dt.date
    dimension: str
    slice: str
    observed: float
    baseline: float
    strength: float
    explanation: str
    tail_probability: float | None = None
    evidence: list[str] = field(default_factory=list)
    points_to: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        """Stable id, so a recomputation updates the alert (and keeps its status)."""
        digest = hashlib.sha1(f"{self.dimension}|{self.slice}".encode(), usedforsecurity=False).hexdigest()[:10]
        return f"alert/{self.iso3}-{self.kind}-{self.period_start:%Y-%m}-{digest}"


def _strength(p: float) -> float:
    return min(1.0, -math.log10(max(p, 1e-300)) / 12)


def _label(dimension: str, key: str) -> str:
    return "all events" if dimension == "all" else f"{dimension} {key}"


def _ym(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _date(ym: int, end: bool = False) -> dt.date:
    year, month = ym // 12, ym % 12 + 1
    return dt.date(year, month, calendar.monthrange(year, month)[1] if end else 1)


def _pair_codes(first: pd.Series, second: pd.Series) -> tuple[Ints, npt.NDArray[np.object_],
                                                              npt.NDArray[np.object_]]:
    """Codes of the distinct (first, second) pairs, and the pairs' two columns."""
    a, a_values = pd.factorize(first)
    b, b_values = pd.factorize(second)
    codes, pairs = pd.factorize(a.astype(np.int64) * max(len(b_values), 1) + b)
    width = max(len(b_values), 1)
    return (codes.astype(np.int64), np.asarray(a_values, dtype=object)[pairs // width],
            np.asarray(b_values, dtype=object)[pairs % width])


@dataclass
class Monthly:
    """Monthly series points of some countries, one row per country, month and slice (absent: zero).

    ``key`` indexes ``key_dimension`` / ``key_slice``; ``violent`` counts the political-violence
    events of the point (the spread signal counts only those per admin-1 area).
    """

    iso3: npt.NDArray[np.object_]
    ym: Ints
    key: Ints
    events: Ints
    civilian: Ints
    violent: Ints
    key_dimension: npt.NDArray[np.object_]
    key_slice: npt.NDArray[np.object_]

    @staticmethod
    def of(s: Slices) -> Monthly:
        """The monthly points of coded events."""
        return Monthly.of_rows(s, s.periods("month"))

    @staticmethod
    def of_rows(s: Slices, p: pd.DataFrame) -> Monthly:
        """From monthly rows of :meth:`Slices.periods`."""
        return Monthly(s.iso3[p["country"].to_numpy()], p["period"].to_numpy(), p["key"].to_numpy(),
                       p["events"].to_numpy(), p["civilian_events"].to_numpy(), p["violent_events"].to_numpy(),
                       s.key_dimension, s.key_slice)

    @staticmethod
    def of_points(points: pd.DataFrame) -> Monthly:
        """From named points (columns iso3, period_start as a date or ISO text, dimension, slice,
        event_count, civilian_event_count, political_violence_count)."""
        codes, dims, names = _pair_codes(points["dimension"], points["slice"])
        start = pd.to_datetime(points["period_start"]).to_numpy().astype("datetime64[M]").astype(np.int64)
        events, civilian, violent = (pd.to_numeric(points[c]).fillna(0).to_numpy().astype(np.int64)
                                     for c in ("event_count", "civilian_event_count", "political_violence_count"))
        return Monthly(points["iso3"].to_numpy(dtype=object), start + 1970 * 12, codes.astype(np.int64),
                       events, civilian, violent, dims, names)

    @staticmethod
    def concat(parts: list[Monthly]) -> Monthly:
        """One set of points from several (their months must not overlap), on one slice numbering."""
        dims = np.concatenate([p.key_dimension for p in parts])
        names = np.concatenate([p.key_slice for p in parts])
        codes, dims, names = _pair_codes(pd.Series(dims, dtype=object), pd.Series(names, dtype=object))
        offsets = np.cumsum([0] + [len(p.key_dimension) for p in parts])
        return Monthly(np.concatenate([p.iso3 for p in parts]), np.concatenate([p.ym for p in parts]),
                       np.concatenate([codes[offsets[i] + p.key] for i, p in enumerate(parts)]).astype(np.int64),
                       np.concatenate([p.events for p in parts]), np.concatenate([p.civilian for p in parts]),
                       np.concatenate([p.violent for p in parts]), dims, names)


def evaluate(frames: EventFrames, months: Mapping[str, tuple[dt.date, dt.date]],
             first_event: Mapping[str, dt.date], limits_of: Callable[[str], Mapping[str, float]],
             named_groups: Mapping[str, set[str]]) -> list[AlertDraft]:
    """Alerts for each country's evaluated months (``months[iso3]`` = first and last month), from events."""
    if frames.events.empty:
        return []
    coded = Slices.of(frames)
    return evaluate_series(Monthly.of(coded), coded, months, first_event, limits_of, named_groups)


def evaluate_series(monthly: Monthly, window: Slices, months: Mapping[str, tuple[dt.date, dt.date]],
                    first_event: Mapping[str, dt.date], limits_of: Callable[[str], Mapping[str, float]],
                    named_groups: Mapping[str, set[str]]) -> list[AlertDraft]:
    """Alerts for each country's evaluated months from its monthly points (from its first event to the
    last evaluated month) and the events of the evaluated periods (``window``: the evidence)."""
    out: list[AlertDraft] = []
    rows_of = _groups(monthly.iso3)
    events_of = {window.iso3[c]: rows for c, rows in _groups(window.country).items()}
    slice_rows = _groups(window.country[window.row_event])
    window_codes = {str(c): i for i, c in enumerate(window.iso3)}
    slice_codes = {(str(d), str(s)): k for k, (d, s) in enumerate(zip(window.key_dimension, window.key_slice,
                                                                      strict=True))}
    for iso3, (first, last) in sorted(months.items()):
        if iso3 not in first_event or iso3 not in rows_of:
            continue
        code = window_codes.get(iso3, -1)
        mine: Ints = rows_of[iso3]
        mine = mine[monthly.ym[mine] <= _ym(last)]
        country = _Country(iso3, monthly, mine, _Evidence(window, events_of.get(iso3, np.zeros(0, np.int64)),
                                                          slice_rows.get(code, np.zeros(0, np.int64)), slice_codes),
                           _ym(first_event[iso3]), limits_of(iso3), named_groups.get(iso3, set()))
        out += country.alerts(_ym(first), _ym(last))
    return out


def _groups(values: npt.NDArray[Any]) -> dict[Any, Ints]:
    """Row positions per distinct value."""
    if not len(values):
        return {}
    codes, uniques = pd.factorize(values)
    order = np.argsort(codes, kind="stable").astype(np.int64)  # positions, ascending within each value
    bounds = np.cumsum(np.bincount(codes, minlength=len(uniques)))[:-1]
    return dict(zip(uniques, np.split(order, bounds), strict=True))


class _Matrix:
    """Monthly values per slice as a dense array with running sums and running sums of squares
    (column 0 = origin)."""

    def __init__(self, keys: list[tuple[str, str]], rows: Ints, months: Ints, values: Ints, width: int) -> None:
        self.keys = keys
        grid = np.zeros((len(keys), width), dtype=np.int64)
        grid[rows, months] = values
        self.cum = np.concatenate([np.zeros((len(keys), 1), np.int64), grid.cumsum(axis=1)], axis=1)
        self.cum2 = np.concatenate([np.zeros((len(keys), 1), np.int64), (grid ** 2).cumsum(axis=1)], axis=1)


class _Evidence:
    """The events of one country's evaluated periods: which are in a slice in some months, which
    count as evidence (most civilian deaths, then fatalities, then id), which had mass fatalities."""

    def __init__(self, window: Slices, events: Ints, rows: Ints, codes: Mapping[tuple[str, str], int]) -> None:
        self.w, self.events = window, events
        self.row_event, self.row_key = window.row_event[rows], window.row_key[rows]
        self.row_ym = window.ym[self.row_event]
        self.code = codes
        self._mass: tuple[float, dict[Any, Ints], Ints] | None = None

    def positions(self, dimension: str, key: str, lo: int, hi: int, violent: bool = False) -> Ints:
        """Events of the slice in months lo..hi (month numbers), only political violence if asked."""
        k = self.code.get((dimension, key))
        if k is None:
            return np.zeros(0, np.int64)
        chosen: Ints = self.row_event[(self.row_key == k) & (self.row_ym >= lo) & (self.row_ym <= hi)]
        return chosen[self.w.violent[chosen]] if violent else chosen

    def best(self, positions: Ints, limit: int) -> list[str]:
        if not len(positions):
            return []
        table = pa.table({"id": self.w.ids.take(pa.array(positions)), "civd": self.w.civilian_deaths[positions],
                          "fat": self.w.fatalities[positions]})
        order = pc.sort_indices(table, sort_keys=[("civd", "descending"), ("fat", "descending"), ("id", "ascending")])
        return [str(i) for i in table.column("id").take(order[:limit]).to_pylist()]

    def mass(self, ym: int, limit: float) -> Ints:
        """Events of the month with at least ``limit`` civilian deaths, in input order."""
        if self._mass is None or self._mass[0] != limit:
            heavy = self.events[self.w.civilian_deaths[self.events] >= limit]
            self._mass = (limit, _groups(self.w.ym[heavy]), heavy)
        at = self._mass[1].get(ym)
        return self._mass[2][at] if at is not None else np.zeros(0, np.int64)

    def mass_months(self, limit: float) -> Ints:
        """Month numbers with at least one event of ``limit`` civilian deaths or more."""
        heavy = self.events[self.w.civilian_deaths[self.events] >= limit]
        return np.unique(self.w.ym[heavy])

    def id_of(self, position: int) -> str:
        return str(self.w.ids[position].as_py())


class _Country:
    """One country's monthly points and the signals over its months."""

    def __init__(self, iso3: str, m: Monthly, rows: Ints, evidence: _Evidence, first: int,
                 limits: Mapping[str, float], named: set[str]) -> None:
        self.iso3, self.lim, self.named, self.origin, self.ev = iso3, limits, named, first, evidence
        rows = rows[m.ym[rows] >= first]
        ym = m.ym[rows] - first
        self.width = int(max(ym.max() if len(ym) else 0, 0) + 1)
        keys, local = np.unique(m.key[rows], return_inverse=True)
        names = [(str(m.key_dimension[k]), str(m.key_slice[k])) for k in keys]
        self.matrix = _Matrix(names, local, ym, m.events[rows], self.width)
        spread = [i for i, (d, _) in enumerate(names) if d == "admin1"]
        area_rows = np.isin(local, spread) & (m.violent[rows] > 0)
        area_keys, area_local = np.unique(local[area_rows], return_inverse=True)
        self.spread = _Matrix([names[k] for k in area_keys], area_local, ym[area_rows], m.violent[rows][area_rows],
                              self.width)
        # running sums (0 first) of all events, political-violence events and those targeting civilians
        self.any_cum, self.pv_cum, self.civ_cum = (
            np.concatenate([np.zeros(1, np.int64), self._row(names, local, ym, key, values).cumsum()])
            for key, values in ((("all", "*"), m.events[rows]), (("category", "political-violence"), m.events[rows]),
                                (("category", "political-violence"), m.civilian[rows])))
        dims = np.asarray([d for d, _ in names], dtype=object)
        self.surge_rows = np.isin(dims, SURGE_DIMENSIONS)
        self.new_rows = np.isin(dims, ("actor", "group"))

    def _row(self, names: list[tuple[str, str]], local: Ints, ym: Ints, key: tuple[str, str], values: Ints) -> Ints:
        out = np.zeros(self.width, np.int64)
        if key in names:
            chosen = local == names.index(key)
            out[ym[chosen]] = values[chosen]
        return out

    def ids(self, dimension: str, key: str, lo: int, hi: int, violent: bool = False) -> Ints:
        return self.ev.positions(dimension, key, self.origin + lo, self.origin + hi, violent)

    def alerts(self, first: int, last: int) -> list[AlertDraft]:
        """The drafts of the evaluated months ``first``..``last`` (month numbers): every month's counts,
        baselines and candidates in one numpy pass over the country's slices, then the few months
        where some signal may fire are examined one by one."""
        lim, m = self.lim, self.matrix
        window = int(lim["window_months"])
        j = np.arange(max(first - self.origin, 0), min(last - self.origin, self.width - 1) + 1, dtype=np.int64)
        lo = j - window + 1
        j, lo = j[lo >= 0], lo[lo >= 0]
        b_lo = np.maximum(lo - int(lim["baseline_months"]), 0)
        n_base = lo - b_lo
        # something happened in the period, and the baseline is long enough
        keep = (self.any_cum[j + 1] - self.any_cum[lo] > 0) & (n_base >= lim["min_baseline_months"])
        j, lo, b_lo, n_base = j[keep], lo[keep], b_lo[keep], n_base[keep]
        if not len(j):
            return []
        # per slice (row) and evaluated month (column), the same operations as one month at a time
        obs = m.cum[:, j + 1] - m.cum[:, lo]
        sums = m.cum[:, lo] - m.cum[:, b_lo]
        mean = sums / n_base
        var = ((m.cum2[:, lo] - m.cum2[:, b_lo]) - n_base * mean ** 2) / np.maximum(n_base - 1, 1)
        surge = (obs >= lim["surge_min_events"]) & (obs >= lim["surge_min_ratio"] * mean * window) & \
            self.surge_rows[:, None]
        new = (sums == 0) & (obs > 0) & self.new_rows[:, None]
        pv, civ = (np.stack([cum[j + 1] - cum[lo], cum[lo] - cum[b_lo]]) for cum in (self.pv_cum, self.civ_cum))
        sp = self.spread
        fresh, before = np.zeros((0, len(j)), bool), np.zeros(len(j), np.int64)
        if sp.keys:
            base = sp.cum[:, lo] - sp.cum[:, b_lo]
            fresh = (base == 0) & (sp.cum[:, j + 1] - sp.cum[:, lo] >= lim["spread_min_events"])
            before = (base > 0).sum(axis=0)
        maybe = surge.any(axis=0) | new.any(axis=0) | (fresh.sum(axis=0) >= lim["spread_min_new_areas"])
        maybe |= (pv[0] > 0) & (pv[1] > 0) & (civ[0] >= lim["civilian_share_min_events"])
        maybe |= np.isin(self.origin + j, self.ev.mass_months(lim["mass_fatality_civilian_deaths"]))
        out: list[AlertDraft] = []
        for t in np.flatnonzero(maybe):
            out += self._month(int(j[t]), int(lo[t]), int(b_lo[t]), int(n_base[t]), obs[:, t], mean[:, t], var[:, t],
                               np.flatnonzero(surge[:, t]), np.flatnonzero(new[:, t]),
                               (int(pv[0, t]), int(civ[0, t]), int(pv[1, t]), int(civ[1, t])),
                               np.flatnonzero(fresh[:, t]), int(before[t]))
        return out

    def _month(self, j: int, lo: int, b_lo: int, n_base: int, obs: Ints, mean: npt.NDArray[np.float64],
               var: npt.NDArray[np.float64], surge: Ints, new: Ints, shares: tuple[int, int, int, int],
               fresh_areas: Ints, before: int) -> list[AlertDraft]:
        """The drafts of one evaluated month (index ``j`` from the origin, period from ``lo``, baseline
        ``b_lo``..``lo``-1) from the columns :meth:`alerts` computed: per slice the period's count,
        the baseline's mean and variance; the surge and new-slice candidate rows; political-violence
        and civilian-targeting counts of the period and the baseline; the admin-1 areas (rows of
        ``spread``) with violence now and none before, and how many had some before."""
        lim, m, window = self.lim, self.matrix, int(self.lim["window_months"])
        period = (_date(self.origin + lo), _date(self.origin + j, end=True))
        out: list[AlertDraft] = []

        def draft(kind: str, dimension: str, key: str, observed: float, baseline: float, strength: float,
                  text: str, ids: Ints, p: float | None = None, points: tuple[str, ...] = ()) -> None:
            chosen = np.unique(ids)
            evidence = self.ev.best(chosen, int(lim["max_evidence"]))
            if len(evidence) < len(chosen):
                text += f"; the {len(evidence)} of {len(chosen)} events with most deaths are linked as evidence"
            out.append(AlertDraft(self.iso3, kind, period[0], period[1], dimension, key, float(observed),
                                  float(baseline), round(strength, 4), text, p, evidence, list(points)))

        for r in surge:
            dimension, key = m.keys[r]
            observed, expected = int(obs[r]), float(mean[r] * window)
            p = count_tail(observed, max(expected, 1e-9), max(float(var[r]) * window, expected))
            if p <= lim["surge_probability"]:
                draft("surge", dimension, key, observed, expected, _strength(p),
                      f"{observed} events ({_label(dimension, key)}) in {window} month(s) against {expected:.1f} "
                      f"expected from the {n_base}-month baseline (mean {mean[r]:.1f}, variance {var[r]:.1f}); "
                      f"negative-binomial P(X ≥ {observed}) = {p:.2g} ≤ {lim['surge_probability']:g}",
                      self.ids(dimension, key, lo, j), p, (key,) if dimension == "indicator" else ())
        # civilian share among political-violence events
        n_w, civ_w, n_b, civ_b = shares
        if n_w and n_b and civ_w >= lim["civilian_share_min_events"]:
            share_w, share_b = civ_w / n_w, civ_b / n_b
            if share_w - share_b >= lim["civilian_share_min_increase"]:
                p = binomial_tail(civ_w, n_w, max(share_b, 1e-6))
                if p <= lim["civilian_share_probability"]:
                    draft("civilian-share", "category", "civilian-targeting", round(share_w, 4), round(share_b, 4),
                          _strength(p), f"{civ_w} of {n_w} political-violence events ({share_w:.0%}) targeted "
                          f"civilians against {share_b:.0%} in the {n_base}-month baseline; binomial "
                          f"P(X ≥ {civ_w}) = {p:.2g}", self.ids("category", "civilian-targeting", lo, j, True), p)
        # perpetrators new to the country, first events against groups an assessment names
        for r in new:
            dimension, key = m.keys[r]
            kind = "new-actor" if dimension == "actor" else "new-group"
            minimum = lim["new_actor_min_events"] if kind == "new-actor" else lim["new_group_min_events"]
            if obs[r] < minimum or (kind == "new-group" and key not in self.named):
                continue
            count = int(obs[r])
            strength = 0.6 if kind == "new-group" else min(0.6, 0.3 + 0.05 * (count - minimum))
            what = "perpetrator" if kind == "new-actor" else "group named in an assessment, targeted"
            draft(kind, dimension, key, count, 0, strength,
                  f"{key}: {count} event(s) in the period, none in the {n_base}-month baseline ({what})",
                  self.ids(dimension, key, lo, j), None, (key,))
        # spread of political violence to admin-1 areas without any in the baseline
        fresh = [self.spread.keys[r][1] for r in fresh_areas]
        if fresh and len(fresh) >= lim["spread_min_new_areas"]:
            names = sorted(map(str, fresh))
            ids = np.concatenate([self.ids("admin1", a, lo, j, True) for a in names])
            draft("spread", "admin1", "; ".join(names), len(names), before,
                  min(0.6, 0.3 + 0.05 * (len(names) - lim["spread_min_new_areas"])),
                  f"political violence in {len(names)} admin-1 area(s) with none in the {n_base}-month "
                  f"baseline: {', '.join(names)} ({before} areas had some before)", ids)
        # single events with many civilian deaths, in the evaluated month
        limit = lim["mass_fatality_civilian_deaths"]
        mass = self.ev.mass(self.origin + j, limit)
        if len(mass):
            deaths = self.ev.w.civilian_deaths[mass]
            top = int(deaths.max())
            top_id = self.ev.id_of(int(mass[int(np.argmax(deaths))]))
            draft("mass-fatality", "all", f"civilian deaths >= {limit:g}", top, limit,
                  min(1.0, 0.6 + top / 1000),
                  f"{len(mass)} event(s) in the month with at least {limit:g} civilian deaths each, "
                  f"{int(deaths.sum())} in all; the largest, {top_id}, {top}", mass)
        return out
