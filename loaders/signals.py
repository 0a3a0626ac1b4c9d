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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

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


def _months(first: dt.date, last: dt.date) -> list[pd.Timestamp]:
    return list(pd.date_range(pd.Timestamp(first).to_period("M").start_time,
                              pd.Timestamp(last).to_period("M").start_time, freq="MS"))


def _label(dimension: str, key: str) -> str:
    return "all events" if dimension == "all" else f"{dimension} {key}"


@dataclass
class _Country:
    """One country's events, pre-grouped by month, and the helpers the signals share."""

    iso3: str
    events: pd.DataFrame          # id, month, fat, civd, civ, pv
    slices: pd.DataFrame          # id, dimension, slice, month
    first_month: pd.Timestamp
    limits: Mapping[str, float]

    def evidence(self, ids: Iterable[str]) -> list[str]:
        chosen = self.events[self.events["id"].isin(set(ids))]
        chosen = chosen.sort_values(["civd", "fat", "id"], ascending=[False, False, True])
        return chosen["id"].head(int(self.limits["max_evidence"])).tolist()


def _prepare(frames: EventFrames) -> tuple[pd.DataFrame, pd.DataFrame]:
    ev = frames.events
    civ = ev["civilian_targeting"].fillna(False).astype(bool)
    fat = pd.to_numeric(ev["fatalities"], errors="coerce").fillna(0).astype("int64")
    civd = pd.to_numeric(ev["civilian_deaths"], errors="coerce").fillna(fat.where(civ, 0)).astype("int64")
    cats = categories(ev)
    pv_ids = set(cats.loc[cats["category"] == "political-violence", "id"])
    base = pd.DataFrame({"id": ev["id"], "iso3": ev["iso3"], "month": pd.to_datetime(ev["date"]).dt.to_period("M")
                         .dt.start_time, "fat": fat, "civd": civd, "civ": civ, "pv": ev["id"].isin(pv_ids)})
    parts = [ev[["id"]].assign(dimension="all", slice="*"),
             cats.rename(columns={"category": "slice"}).assign(dimension="category"),
             frames.indicators.rename(columns={"indicator": "slice"}).assign(dimension="indicator"),
             frames.actors.rename(columns={"actor": "slice"}).assign(dimension="actor"),
             frames.groups.rename(columns={"group": "slice"}).assign(dimension="group"),
             ev.loc[ev["area"].notna() & (ev["area"] != ""), ["id", "area"]].rename(columns={"area": "slice"})
             .assign(dimension="admin1")]
    slices = pd.concat([p[["id", "dimension", "slice"]] for p in parts if len(p)], ignore_index=True)
    slices = slices.drop_duplicates().merge(base[["id", "iso3", "month", "pv"]], on="id")
    return base, slices


def evaluate(frames: EventFrames, months: Mapping[str, tuple[dt.date, dt.date]],
             first_event: Mapping[str, dt.date], limits_of: Callable[[str], Mapping[str, float]],
             named_groups: Mapping[str, set[str]]) -> list[AlertDraft]:
    """Alerts for each country's evaluated months (``months[iso3]`` = first and last month)."""
    if frames.events.empty:
        return []
    base, slices = _prepare(frames)
    out: list[AlertDraft] = []
    for iso3, (first, last) in sorted(months.items()):
        if iso3 not in first_event:
            continue
        c = _Country(iso3, base[base["iso3"] == iso3], slices[slices["iso3"] == iso3],
                     pd.Timestamp(first_event[iso3]).to_period("M").start_time, limits_of(iso3))
        for month in _months(first, last):
            out += _month(c, month, named_groups.get(iso3, set()))
    return out


def _month(c: _Country, month: pd.Timestamp, named: set[str]) -> list[AlertDraft]:
    lim = c.limits
    window = int(lim["window_months"])
    w_start = month - pd.DateOffset(months=window - 1)
    b_start = max(w_start - pd.DateOffset(months=int(lim["baseline_months"])), c.first_month)
    n_base = (w_start.year - b_start.year) * 12 + w_start.month - b_start.month
    if n_base < lim["min_baseline_months"]:
        return []
    period = (w_start.date(), (month + pd.offsets.MonthEnd(0)).date())
    in_w = (c.slices["month"] >= w_start) & (c.slices["month"] <= month)
    in_b = (c.slices["month"] >= b_start) & (c.slices["month"] < w_start)
    win, bas = c.slices[in_w], c.slices[in_b]
    out: list[AlertDraft] = []

    def draft(kind: str, dimension: str, key: str, observed: float, baseline: float, strength: float,
              text: str, ids: Iterable[str], p: float | None = None, points: Iterable[str] = ()) -> None:
        chosen = list(dict.fromkeys(ids))
        evidence = c.evidence(chosen)
        if len(evidence) < len(chosen):
            text += f"; the {len(evidence)} of {len(chosen)} events with most deaths are linked as evidence"
        out.append(AlertDraft(c.iso3, kind, period[0], period[1], dimension, key, float(observed),
                              float(baseline), round(strength, 4), text, p, evidence, list(points)))

    # surges
    counts = bas[bas["dimension"].isin(SURGE_DIMENSIONS)].groupby(["dimension", "slice", "month"]).size()
    now = win[win["dimension"].isin(SURGE_DIMENSIONS)].groupby(["dimension", "slice"])["id"].agg(list)
    for (dimension, key), ids in now.items():
        observed = len(ids)
        if observed < lim["surge_min_events"]:
            continue
        try:
            monthly = counts.loc[(dimension, key)]
        except KeyError:
            monthly = pd.Series(dtype="int64")
        values = [int(monthly.get(m, 0)) for m in pd.date_range(b_start, w_start - pd.DateOffset(months=1), freq="MS")]
        mean = sum(values) / n_base
        var = sum((v - mean) ** 2 for v in values) / max(n_base - 1, 1)
        expected = mean * window
        if observed < lim["surge_min_ratio"] * expected:
            continue
        p = count_tail(observed, max(expected, 1e-9), max(var * window, expected))
        if p <= lim["surge_probability"]:
            draft("surge", str(dimension), str(key), observed, expected, _strength(p),
                  f"{observed} events ({_label(str(dimension), str(key))}) in {window} month(s) against "
                  f"{expected:.1f} expected from the {n_base}-month baseline (mean {mean:.1f}, variance "
                  f"{var:.1f}); negative-binomial P(X ≥ {observed}) = {p:.2g} ≤ {lim['surge_probability']:g}",
                  ids, p, [str(key)] if dimension == "indicator" else [])
    # civilian share among political-violence events
    ev = c.events
    ew = ev[(ev["month"] >= w_start) & (ev["month"] <= month) & ev["pv"]]
    eb = ev[(ev["month"] >= b_start) & (ev["month"] < w_start) & ev["pv"]]
    civ_w, civ_b = int(ew["civ"].sum()), int(eb["civ"].sum())
    if len(ew) and len(eb) and civ_w >= lim["civilian_share_min_events"]:
        share_w, share_b = civ_w / len(ew), civ_b / len(eb)
        if share_w - share_b >= lim["civilian_share_min_increase"]:
            p = binomial_tail(civ_w, len(ew), max(share_b, 1e-6))
            if p <= lim["civilian_share_probability"]:
                draft("civilian-share", "category", "civilian-targeting", round(share_w, 4), round(share_b, 4),
                      _strength(p), f"{civ_w} of {len(ew)} political-violence events ({share_w:.0%}) targeted "
                      f"civilians against {share_b:.0%} in the {n_base}-month baseline; binomial "
                      f"P(X ≥ {civ_w}) = {p:.2g}", ew.loc[ew["civ"], "id"], p)
    # new perpetrators, first events against named groups, spread to new areas
    for dimension, kind, minimum in (("actor", "new-actor", lim["new_actor_min_events"]),
                                     ("group", "new-group", lim["new_group_min_events"])):
        seen = set(bas.loc[bas["dimension"] == dimension, "slice"])
        fresh = win[(win["dimension"] == dimension) & ~win["slice"].isin(seen)].groupby("slice")["id"].agg(list)
        for key, ids in fresh.items():
            if len(ids) < minimum or (kind == "new-group" and key not in named):
                continue
            strength = 0.6 if kind == "new-group" else min(0.6, 0.3 + 0.05 * (len(ids) - minimum))
            what = "perpetrator" if kind == "new-actor" else "group named in an assessment, targeted"
            draft(kind, dimension, str(key), len(ids), 0, strength,
                  f"{key}: {len(ids)} event(s) in the period, none in the {n_base}-month baseline ({what})",
                  ids, None, [str(key)])
    areas_b = set(bas.loc[(bas["dimension"] == "admin1") & bas["pv"], "slice"])
    new_areas = win[(win["dimension"] == "admin1") & win["pv"] & ~win["slice"].isin(areas_b)] \
        .groupby("slice")["id"].agg(list)
    new_areas = new_areas[new_areas.map(len) >= lim["spread_min_events"]]
    if len(new_areas) >= lim["spread_min_new_areas"]:
        names = sorted(map(str, new_areas.index))
        draft("spread", "admin1", "; ".join(names), len(names), len(areas_b),
              min(0.6, 0.3 + 0.05 * (len(names) - lim["spread_min_new_areas"])),
              f"political violence in {len(names)} admin-1 area(s) with none in the {n_base}-month baseline: "
              f"{', '.join(names)} ({len(areas_b)} areas had some before)",
              [i for ids in new_areas for i in ids])
    # single events with many civilian deaths
    limit = lim["mass_fatality_civilian_deaths"]
    mass = ev[(ev["month"] == month) & (ev["civd"] >= limit)]
    if len(mass):
        top = mass.sort_values(["civd", "id"], ascending=[False, True]).iloc[0]
        draft("mass-fatality", "all", f"civilian deaths >= {limit:g}", int(top["civd"]), limit,
              min(1.0, 0.6 + int(top["civd"]) / 1000),
              f"{len(mass)} event(s) in the month with at least {limit:g} civilian deaths each, "
              f"{int(mass['civd'].sum())} in all; the largest, {top['id']}, {int(top['civd'])}", mass["id"])
    return out
