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

import datetime as dt
import hashlib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from loaders.event_frame import EventFrames
from loaders.event_mapping import categories
from loaders.tails import binomial_tail, count_tail

__all__ = ["AlertDraft", "evaluate"]

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


def _prepare(frames: EventFrames) -> tuple[pd.DataFrame, pd.DataFrame]:
    ev = frames.events
    civ = ev["civilian_targeting"].fillna(False).astype(bool)
    fat = pd.to_numeric(ev["fatalities"], errors="coerce").fillna(0).astype("int64")
    civd = pd.to_numeric(ev["civilian_deaths"], errors="coerce").fillna(fat.where(civ, 0)).astype("int64")
    cats = categories(ev)
    ids = ev["id"].to_numpy(dtype=object)
    pv_ids = cats.loc[cats["category"] == "political-violence", "id"].to_numpy(dtype=object)
    pv = pd.Series(ids, dtype=object).isin(pd.Series(pv_ids, dtype=object)).to_numpy()  # hash table, object ids
    dates = pd.to_datetime(ev["date"])
    base = pd.DataFrame({"id": ids, "iso3": ev["iso3"].to_numpy(dtype=object),
                         "ym": (dates.dt.year * 12 + dates.dt.month - 1).to_numpy(), "fat": fat.to_numpy(),
                         "civd": civd.to_numpy(), "civ": civ.to_numpy(), "pv": pv})
    parts = [ev[["id"]].assign(dimension="all", slice="*"),
             cats.rename(columns={"category": "slice"}).assign(dimension="category"),
             frames.indicators.rename(columns={"indicator": "slice"}).assign(dimension="indicator"),
             frames.actors.rename(columns={"actor": "slice"}).assign(dimension="actor"),
             frames.groups.rename(columns={"group": "slice"}).assign(dimension="group"),
             ev.loc[ev["area"].notna() & (ev["area"] != ""), ["id", "area"]].rename(columns={"area": "slice"})
             .assign(dimension="admin1")]
    slices = pd.concat([p[["id", "dimension", "slice"]].astype(object) for p in parts if len(p)], ignore_index=True)
    slices = slices.drop_duplicates().merge(base[["id", "iso3", "ym", "pv"]], on="id")
    return base, slices


def _ym(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _date(ym: int, end: bool = False) -> dt.date:
    first = dt.date(ym // 12, ym % 12 + 1, 1)
    return (pd.Timestamp(first) + pd.offsets.MonthEnd(0)).date() if end else first


def evaluate(frames: EventFrames, months: Mapping[str, tuple[dt.date, dt.date]],
             first_event: Mapping[str, dt.date], limits_of: Callable[[str], Mapping[str, float]],
             named_groups: Mapping[str, set[str]]) -> list[AlertDraft]:
    """Alerts for each country's evaluated months (``months[iso3]`` = first and last month)."""
    if frames.events.empty:
        return []
    base, slices = _prepare(frames)
    out: list[AlertDraft] = []
    by_country = dict(tuple(base.groupby("iso3")))
    slices_by = dict(tuple(slices.groupby("iso3")))
    for iso3, (first, last) in sorted(months.items()):
        if iso3 not in first_event or iso3 not in by_country:
            continue
        out += _Country(iso3, by_country[iso3], slices_by.get(iso3, slices.iloc[0:0]), _ym(first_event[iso3]),
                        limits_of(iso3), named_groups.get(iso3, set())).alerts(_ym(first), _ym(last))
    return out


class _Matrix:
    """Monthly counts per (dimension, slice) as a dense array with running sums (column 0 = origin)."""

    def __init__(self, rows: pd.DataFrame, origin: int, width: int) -> None:
        counts = rows.groupby(["dimension", "slice", "ym"]).size()
        pairs = pd.MultiIndex.from_arrays([counts.index.get_level_values(0), counts.index.get_level_values(1)])
        keys = pairs.unique()
        self.keys = list(keys)
        grid = np.zeros((len(keys), width), dtype=np.int64)
        if len(counts):
            r = keys.get_indexer(pairs)
            grid[r, counts.index.get_level_values(2).to_numpy() - origin] = counts.to_numpy()
        self.cum = np.concatenate([np.zeros((len(keys), 1), np.int64), grid.cumsum(axis=1)], axis=1)
        self.cum2 = np.concatenate([np.zeros((len(keys), 1), np.int64), (grid ** 2).cumsum(axis=1)], axis=1)

    def total(self, lo: int, hi: int) -> npt.NDArray[np.int64]:
        """Per row, the sum over columns lo..hi (inclusive)."""
        out: npt.NDArray[np.int64] = self.cum[:, hi + 1] - self.cum[:, lo]
        return out

    def squares(self, lo: int, hi: int) -> npt.NDArray[np.int64]:
        out: npt.NDArray[np.int64] = self.cum2[:, hi + 1] - self.cum2[:, lo]
        return out


class _Country:
    """One country's events and the signals over its months."""

    def __init__(self, iso3: str, events: pd.DataFrame, slices: pd.DataFrame, first: int,
                 limits: Mapping[str, float], named: set[str]) -> None:
        self.iso3, self.lim, self.named, self.origin = iso3, limits, named, first
        self.events = events.set_index("id")
        self.width = int(max(events["ym"].max(), first) - first + 1)
        self.slices = slices[slices["ym"] >= first]
        self.matrix = _Matrix(self.slices, first, self.width)
        self.spread = _Matrix(self.slices[(self.slices["dimension"] == "admin1") & self.slices["pv"]], first,
                              self.width)
        self.positions = self.slices.groupby(["dimension", "slice"]).indices
        ym = (events["ym"] - first).clip(lower=0).to_numpy()
        self.pv = np.bincount(ym[events["pv"].to_numpy()], minlength=self.width)
        self.civ_pv = np.bincount(ym[(events["pv"] & events["civ"]).to_numpy()], minlength=self.width)
        self.any = np.bincount(ym, minlength=self.width)
        mass = events[events["civd"] >= limits["mass_fatality_civilian_deaths"]]
        self.mass = {int(g["ym"].iloc[0]): g for _, g in mass.set_index("id").groupby("ym")}

    def ids(self, dimension: str, key: str, lo: int, hi: int) -> list[str]:
        pos = self.positions.get((dimension, key))
        if pos is None:
            return []
        rows = self.slices.iloc[pos]
        month = rows["ym"].to_numpy() - self.origin
        return [str(i) for i in rows["id"].to_numpy()[(month >= lo) & (month <= hi)]]

    def evidence(self, ids: list[str]) -> list[str]:
        chosen = self.events.loc[ids, ["civd", "fat"]].reset_index()
        chosen = chosen.sort_values(["civd", "fat", "id"], ascending=[False, False, True])
        return chosen["id"].head(int(self.lim["max_evidence"])).tolist()

    def alerts(self, first: int, last: int) -> list[AlertDraft]:
        out: list[AlertDraft] = []
        window = int(self.lim["window_months"])
        for j in range(max(first - self.origin, 0), min(last - self.origin, self.width - 1) + 1):
            lo = j - window + 1
            if lo < 0 or not self.any[lo:j + 1].sum():
                continue  # nothing happened in the period: nothing can alert
            b_lo = max(lo - int(self.lim["baseline_months"]), 0)
            n_base = lo - b_lo
            if n_base < self.lim["min_baseline_months"]:
                continue
            out += self._month(j, lo, b_lo, n_base)
        return out

    def _month(self, j: int, lo: int, b_lo: int, n_base: int) -> list[AlertDraft]:
        lim, m, window = self.lim, self.matrix, int(self.lim["window_months"])
        period = (_date(self.origin + lo), _date(self.origin + j, end=True))
        out: list[AlertDraft] = []

        def draft(kind: str, dimension: str, key: str, observed: float, baseline: float, strength: float,
                  text: str, ids: list[str], p: float | None = None, points: tuple[str, ...] = ()) -> None:
            chosen = list(dict.fromkeys(ids))
            evidence = self.evidence(chosen)
            if len(evidence) < len(chosen):
                text += f"; the {len(evidence)} of {len(chosen)} events with most deaths are linked as evidence"
            out.append(AlertDraft(self.iso3, kind, period[0], period[1], dimension, key, float(observed),
                                  float(baseline), round(strength, 4), text, p, evidence, list(points)))

        obs = m.total(lo, j)
        sums = m.total(b_lo, lo - 1)
        mean = sums / n_base
        var = (m.squares(b_lo, lo - 1) - n_base * mean ** 2) / max(n_base - 1, 1)
        for r in np.flatnonzero((obs >= lim["surge_min_events"]) & (obs >= lim["surge_min_ratio"] * mean * window)):
            dimension, key = m.keys[r]
            if dimension not in SURGE_DIMENSIONS:
                continue
            observed, expected = int(obs[r]), float(mean[r] * window)
            p = count_tail(observed, max(expected, 1e-9), max(float(var[r]) * window, expected))
            if p <= lim["surge_probability"]:
                draft("surge", dimension, key, observed, expected, _strength(p),
                      f"{observed} events ({_label(dimension, key)}) in {window} month(s) against {expected:.1f} "
                      f"expected from the {n_base}-month baseline (mean {mean[r]:.1f}, variance {var[r]:.1f}); "
                      f"negative-binomial P(X ≥ {observed}) = {p:.2g} ≤ {lim['surge_probability']:g}",
                      self.ids(dimension, key, lo, j), p, (key,) if dimension == "indicator" else ())
        # civilian share among political-violence events
        n_w, civ_w = int(self.pv[lo:j + 1].sum()), int(self.civ_pv[lo:j + 1].sum())
        n_b, civ_b = int(self.pv[b_lo:lo].sum()), int(self.civ_pv[b_lo:lo].sum())
        if n_w and n_b and civ_w >= lim["civilian_share_min_events"]:
            share_w, share_b = civ_w / n_w, civ_b / n_b
            if share_w - share_b >= lim["civilian_share_min_increase"]:
                p = binomial_tail(civ_w, n_w, max(share_b, 1e-6))
                if p <= lim["civilian_share_probability"]:
                    ids = [i for i in self.ids("category", "civilian-targeting", lo, j)
                           if self.events.at[i, "pv"]]
                    draft("civilian-share", "category", "civilian-targeting", round(share_w, 4), round(share_b, 4),
                          _strength(p), f"{civ_w} of {n_w} political-violence events ({share_w:.0%}) targeted "
                          f"civilians against {share_b:.0%} in the {n_base}-month baseline; binomial "
                          f"P(X ≥ {civ_w}) = {p:.2g}", ids, p)
        # perpetrators new to the country, first events against groups an assessment names
        for r in np.flatnonzero((sums == 0) & (obs > 0)):
            dimension, key = m.keys[r]
            kind = {"actor": "new-actor", "group": "new-group"}.get(dimension)
            minimum = lim["new_actor_min_events"] if kind == "new-actor" else lim["new_group_min_events"]
            if kind is None or obs[r] < minimum or (kind == "new-group" and key not in self.named):
                continue
            count = int(obs[r])
            strength = 0.6 if kind == "new-group" else min(0.6, 0.3 + 0.05 * (count - minimum))
            what = "perpetrator" if kind == "new-actor" else "group named in an assessment, targeted"
            draft(kind, dimension, key, count, 0, strength,
                  f"{key}: {count} event(s) in the period, none in the {n_base}-month baseline ({what})",
                  self.ids(dimension, key, lo, j), None, (key,))
        # spread of political violence to admin-1 areas without any in the baseline
        s = self.spread
        if s.keys:
            s_obs, s_base = s.total(lo, j), s.total(b_lo, lo - 1)
            fresh = [s.keys[r][1] for r in np.flatnonzero((s_base == 0) & (s_obs >= lim["spread_min_events"]))]
            if len(fresh) >= lim["spread_min_new_areas"]:
                names = sorted(map(str, fresh))
                before = int((s_base > 0).sum())
                ids = [i for a in names for i in self.ids("admin1", a, lo, j) if self.events.at[i, "pv"]]
                draft("spread", "admin1", "; ".join(names), len(names), before,
                      min(0.6, 0.3 + 0.05 * (len(names) - lim["spread_min_new_areas"])),
                      f"political violence in {len(names)} admin-1 area(s) with none in the {n_base}-month "
                      f"baseline: {', '.join(names)} ({before} areas had some before)", ids)
        # single events with many civilian deaths, in the evaluated month
        limit = lim["mass_fatality_civilian_deaths"]
        mass = self.mass.get(self.origin + j)
        if mass is not None and len(mass):
            top = mass.sort_values(["civd"], ascending=False).iloc[0]
            top_id = str(mass["civd"].idxmax())
            draft("mass-fatality", "all", f"civilian deaths >= {limit:g}", int(top["civd"]), limit,
                  min(1.0, 0.6 + int(top["civd"]) / 1000),
                  f"{len(mass)} event(s) in the month with at least {limit:g} civilian deaths each, "
                  f"{int(mass['civd'].sum())} in all; the largest, {top_id}, {int(top['civd'])}",
                  [str(i) for i in mass.index])
        return out
