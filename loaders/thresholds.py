"""Alert thresholds: built-in defaults, overridden per region and per country from a YAML file.

The file has up to three sections; each maps threshold names to numbers::

    defaults:                 # all countries
      surge_probability: 0.01
    regions:                  # by region id (great-lakes, balkans, central-asia, middle-east)
      great-lakes: {surge_min_events: 5}
    countries:                # by ISO3 code; wins over the country's region
      SYR: {surge_min_events: 40}

Unknown sections, thresholds, regions or countries, and negative, non-numeric or out-of-range
values are errors naming the file, line and field; nothing is computed with a bad file.

Example:
    >>> t = parse_thresholds("countries:\\n  SYR: {surge_min_events: 40}\\n", "t.yaml")
    >>> t.for_country("SYR", "middle-east")["surge_min_events"], t.for_country("IRQ", "middle-east")["surge_min_events"]
    (40.0, 10.0)
    >>> parse_thresholds("defaults:\\n  surge_prob: 0.1\\n", "t.yaml")
    Traceback (most recent call last):
    ...
    ontology.errors.SourceFormatError: t.yaml:2 defaults.surge_prob: unknown threshold (did you mean surge_probability?)
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from graph.records import Edge
from loaders import vocabularies
from loaders.reference import reference
from loaders.yaml_source import Document, Problem, parse_file, parse_text
from ontology.errors import SourceFormatError

__all__ = ["DEFAULTS", "HELP", "Thresholds", "load_thresholds", "parse_thresholds", "region_of"]

# name: (default, minimum, maximum or None, help)
_SPEC: dict[str, tuple[float, float, float | None, str]] = {
    "baseline_months": (24, 3, 120, "months of trailing baseline before the evaluated period"),
    "min_baseline_months": (12, 1, 120, "months of the country's event history needed before anything alerts"),
    "window_months": (1, 1, 12, "months in the evaluated period (1: the latest month; 3: the latest quarter)"),
    "surge_probability": (0.01, 0.0, 1.0, "a surge alerts when its tail probability under the baseline is ≤ this"),
    "surge_min_events": (10, 0, None, "… and at least this many events were counted in the period"),
    "surge_min_ratio": (1.5, 1.0, None, "… and the count is at least this multiple of the baseline mean"),
    "civilian_share_min_increase": (0.2, 0.0, 1.0, "civilian-targeting share must rise by this much (0.2 = 20 points)"),
    "civilian_share_min_events": (5, 0, None, "… with at least this many civilian-targeting events in the period"),
    "civilian_share_probability": (0.01, 0.0, 1.0, "… and a binomial tail probability at most this"),
    "new_actor_min_events": (3, 1, None, "a perpetrator new to the country alerts with this many events in the period"),
    "new_group_min_events": (1, 1, None, "first events targeting a group an assessment names alert at this count"),
    "spread_min_new_areas": (2, 1, None, "admin-1 areas with violence for the first time in the baseline"),
    "spread_min_events": (3, 1, None, "… counting only areas with at least this many events in the period"),
    "mass_fatality_civilian_deaths": (25, 1, None, "a single event with at least this many civilian deaths"),
    "max_evidence": (100, 1, 10000, "events linked to one alert (those with most fatalities first)"),
}
DEFAULTS: dict[str, float] = {k: float(v[0]) for k, v in _SPEC.items()}
HELP: dict[str, str] = {k: v[3] for k, v in _SPEC.items()}
_SECTIONS = ("defaults", "regions", "countries")


@cache
def _regions() -> dict[str, str]:
    return {e.source.split("/", 1)[1]: e.target.split("/", 1)[1]
            for e in vocabularies.read() if isinstance(e, Edge) and e.type == "IN_REGION"}


def region_of(iso3: str) -> str:
    """The monitored region a country belongs to ('' outside the four regions)."""
    return _regions().get(iso3, "")


@dataclass(frozen=True)
class Thresholds:
    """Resolved thresholds: defaults, then region, then country overrides."""

    defaults: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULTS))
    regions: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    countries: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    source: str = "built-in defaults"

    def for_country(self, iso3: str, region: str | None = None) -> dict[str, float]:
        """The thresholds that apply to one country."""
        out = dict(self.defaults)
        out.update(self.regions.get(region if region is not None else region_of(iso3), {}))
        out.update(self.countries.get(iso3, {}))
        return out


def _values(doc: Document, path: tuple[str | int, ...], raw: Any, problems: list[Problem]) -> dict[str, float]:
    out: dict[str, float] = {}
    if raw is None:
        return out
    if not isinstance(raw, dict):
        problems.append(doc.problem(path, "must be a mapping of threshold names to numbers"))
        return out
    for name, value in raw.items():
        where = (*path, name)
        if name not in _SPEC:
            close = difflib.get_close_matches(str(name), list(_SPEC), n=1)
            hint = f" (did you mean {close[0]}?)" if close else f" (known: {', '.join(_SPEC)})"
            problems.append(doc.problem(where, f"unknown threshold{hint}"))
            continue
        _, low, high, _ = _SPEC[name]
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(doc.problem(where, f"must be a number, not {value!r}"))
        elif value < 0:
            problems.append(doc.problem(where, f"must not be negative ({value})"))
        elif value < low or (high is not None and value > high):
            bound = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
            problems.append(doc.problem(where, f"must be {bound} ({value})"))
        else:
            out[str(name)] = float(value)
    return out


def _check(doc: Document) -> Thresholds:
    problems: list[Problem] = []
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        raise SourceFormatError([doc.problem((), "a thresholds file is a mapping with defaults, regions, "
                                             "countries")])
    for key in data:
        if key not in _SECTIONS:
            problems.append(doc.problem((key,), f"unknown section (known: {', '.join(_SECTIONS)})"))
    defaults = dict(DEFAULTS)
    defaults.update(_values(doc, ("defaults",), data.get("defaults"), problems))
    groups: dict[str, dict[str, dict[str, float]]] = {"regions": {}, "countries": {}}
    known = {"regions": set(_regions().values()), "countries": set(reference().countries)}
    for section in ("regions", "countries"):
        raw = data.get(section)
        if raw is None:
            continue
        if not isinstance(raw, dict):
            problems.append(doc.problem((section,), "must be a mapping"))
            continue
        for key, values in raw.items():
            if str(key) not in known[section]:
                what = "region" if section == "regions" else "ISO3 country code"
                close = difflib.get_close_matches(str(key), sorted(known[section]), n=2)
                hint = f" (did you mean {', '.join(close)}?)" if close else ""
                problems.append(doc.problem((section, key), f"unknown {what}{hint}"))
                continue
            groups[section][str(key)] = _values(doc, (section, key), values, problems)
    if problems:
        raise SourceFormatError(problems)
    return Thresholds(defaults, groups["regions"], groups["countries"], doc.name)


def parse_thresholds(text: str, name: str) -> Thresholds:
    """Thresholds from YAML text (``name`` is used in error messages)."""
    return _check(parse_text(text, name))


def load_thresholds(path: Path | None) -> Thresholds:
    """Thresholds from a file, or the built-in defaults when ``path`` is None."""
    if path is None:
        return Thresholds()
    return _check(parse_file(path, 1 << 20))
