"""What the reference vocabularies define, for checking files without touching the store.

Example:
    >>> ref = reference()
    >>> ref.countries["RWA"], "RF7" in ref.risk_factors, "7.4" in ref.indicators
    ('Rwanda', True, True)
    >>> ref.suggest_country("RWD")
    'RWA (Rwanda), GRD (Grenada)'
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from graph.records import Node
from loaders import vocabularies

__all__ = ["Reference", "reference"]


@dataclass(frozen=True)
class Reference:
    """Ids and names of the vocabulary concepts, keyed by the short form files use."""

    countries: dict[str, str]
    iso_numeric: dict[str, str]
    risk_factors: dict[str, str]
    indicators: dict[str, str]
    options: dict[str, str]
    trigger_types: dict[str, str]
    capabilities: dict[str, str]

    def suggest_country(self, code: str) -> str:
        """The closest valid code(s) for a mistyped country code or name."""
        guess = code.strip()
        by_name = {name.lower(): iso for iso, name in self.countries.items()}
        if guess.lower() in by_name:
            iso = by_name[guess.lower()]
            return f"{iso} ({self.countries[iso]})"
        close = difflib.get_close_matches(guess.upper(), list(self.countries), n=3, cutoff=0.6)
        close += [by_name[n] for n in difflib.get_close_matches(guess.lower(), list(by_name), n=2)]
        unique = list(dict.fromkeys(close))[:3]
        return ", ".join(f"{iso} ({self.countries[iso]})" for iso in unique)

    @staticmethod
    def suggest(value: str, known: Iterable[str]) -> str:
        """Closest known ids to ``value``."""
        return ", ".join(difflib.get_close_matches(value, list(known), n=3, cutoff=0.5))


@cache
def reference() -> Reference:
    """Built once per process from the shipped vocabularies."""
    nodes = [r for r in vocabularies.read() if isinstance(r, Node)]

    def short(label: str, key: str = "notation") -> dict[str, str]:
        out: dict[str, str] = {}
        for n in nodes:
            if n.label == label:
                code = n.props.get(key) if key != "id" else n.id.split("/", 1)[1]
                out[str(code)] = str(n.props.get("name", ""))
        return out

    numeric = {str(n.props["iso_numeric"]): n.id.split("/", 1)[1]
               for n in nodes if n.label == "Country" and "iso_numeric" in n.props}
    return Reference(
        countries=short("Country"),
        iso_numeric=numeric,
        risk_factors=short("RiskFactor"),
        indicators=short("Indicator"),
        options=short("ResponseOption", "id"),
        trigger_types=short("TriggerType", "id"),
        capabilities=short("Capability", "id"),
    )
