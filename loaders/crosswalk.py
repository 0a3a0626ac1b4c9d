"""Country keys of the datasets to ISO 3166-1 alpha-3: COW codes, PITF/SFTG codes and names.

The COW and PITF tables come from ``loaders/data/cow_iso3.csv`` (its header names the
sources). Names go through, in order: the aliases below (the spellings the Early Warning
Project and other datasets use), the COW state names, the names in the ontology's country
vocabulary, ``pycountry``'s exact lookup, and last ``pycountry``'s fuzzy search — accepted
only when it finds one country whose own name contains the query, because the fuzzy search
also matches subdivisions (it would turn "Kosovo" into Serbia). Every answer is an ISO3 code
that the country vocabulary defines.

Example:
    >>> cw = crosswalk()
    >>> cw.by_cow(490), cw.by_cow(345), cw.by_cow(347), cw.by_sftg("ZAI")
    ('COD', 'SRB', 'XKX', 'COD')
    >>> cw.by_name("Burma/Myanmar"), cw.by_name("Ivory Coast"), cw.by_name("Congo-Brazzaville")
    ('MMR', 'CIV', 'COG')
    >>> cw.by_name("Atlantis") is None
    True
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pycountry

from loaders.reference import reference

__all__ = ["ALIASES", "COW_FILE", "CowState", "Crosswalk", "Match", "crosswalk", "normalise"]

COW_FILE = Path(__file__).resolve().parent / "data" / "cow_iso3.csv"

# Spellings seen in Early Warning Project files (and in other datasets) -> ISO3. Keys are
# matched after normalise(), so case does not matter.
ALIASES: dict[str, str] = {
    "Burma/Myanmar": "MMR", "Burma": "MMR", "Myanmar (Burma)": "MMR",
    "Ivory Coast": "CIV", "Cote d'Ivoire": "CIV",
    "Congo-Kinshasa": "COD", "Democratic Republic of the Congo": "COD",
    "Democratic Republic of Congo": "COD", "DR Congo": "COD", "DRC": "COD",
    "Congo, Dem. Rep.": "COD", "Congo (Kinshasa)": "COD", "Zaire": "COD",
    "Congo-Brazzaville": "COG", "Republic of Congo": "COG", "Republic of the Congo": "COG",
    "Congo, Rep.": "COG", "Congo (Brazzaville)": "COG",
    "Swaziland": "SWZ", "Eswatini": "SWZ",
    "Macedonia": "MKD", "North Macedonia": "MKD", "fyrom": "MKD",
    "Former Yugoslav Republic of Macedonia": "MKD",
    "Czech Republic": "CZE", "Czechia": "CZE",
    "North Korea": "PRK", "Korea, North": "PRK", "Korea, Dem. Rep.": "PRK", "dprk": "PRK",
    "South Korea": "KOR", "Korea, South": "KOR", "Korea, Rep.": "KOR", "Republic of Korea": "KOR",
    "Timor-Leste": "TLS", "East Timor": "TLS",
    "Cape Verde": "CPV", "Cabo Verde": "CPV",
    "UAE": "ARE", "United Arab Emirates": "ARE",
    "Gambia": "GMB", "The Gambia": "GMB", "Gambia, The": "GMB",
    "Kyrgyz Republic": "KGZ", "Kyrgyzstan": "KGZ", "Kyrgystan": "KGZ",
    "Democratic Republic of Vietnam": "VNM", "Vietnam": "VNM", "Viet Nam": "VNM",
    "Laos": "LAO", "Lao PDR": "LAO",
    "Russia": "RUS", "Soviet Union": "RUS", "ussr": "RUS",
    "Iran": "IRN", "Syria": "SYR", "Turkey": "TUR", "Turkiye": "TUR",
    "Bolivia": "BOL", "Venezuela": "VEN", "Tanzania": "TZA", "Moldova": "MDA", "Brunei": "BRN",
    "Taiwan": "TWN", "Kosovo": "XKX", "Palestine": "PSE",
    "Serbia": "SRB", "Serbia and Montenegro": "SRB", "Yugoslavia": "SRB",
    "Bosnia-Herzegovina": "BIH", "Guinea Bissau": "GNB",
    "United States": "USA", "United States of America": "USA", "USA": "USA", "US": "USA",
    "United Kingdom": "GBR", "UK": "GBR", "Great Britain": "GBR",
    "Micronesia": "FSM", "Federated States of Micronesia": "FSM",
    "St. Lucia": "LCA", "St. Kitts and Nevis": "KNA", "St. Vincent and the Grenadines": "VCT",
    "Sao Tome and Principe": "STP", "Vatican": "VAT", "Holy See": "VAT",
}


def normalise(name: str) -> str:
    """A name folded for matching: no accents, case, punctuation, "the" or "&".

    >>> normalise("  Côte d’Ivoire "), normalise("Congo-Kinshasa"), normalise("The Gambia")
    ('cote d ivoire', 'congo kinshasa', 'gambia')
    """
    text = unicodedata.normalize("NFD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


@dataclass(frozen=True, slots=True)
class CowState:
    """One row of ``cow_iso3.csv``."""

    cow: int
    abbr: str
    sftg: tuple[str, ...]
    iso3: str
    name: str
    note: str


@dataclass(frozen=True, slots=True)
class Match:
    """How a country key was matched: the ISO3 code and the rule that found it."""

    iso3: str
    how: str  # "cow", "sftg", "alias", "cow-name", "vocabulary", "pycountry", "fuzzy"


def _read_table(path: Path) -> list[CowState]:
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    rows = []
    for row in csv.DictReader(io.StringIO("\n".join(lines))):
        rows.append(CowState(int(row["cow"]), row["cow_abbr"],
                             tuple(c for c in row["sftg"].split("|") if c),
                             row["iso3"], row["name"], row["note"]))
    return rows


class Crosswalk:
    """Lookups from COW codes, PITF/SFTG codes and country names to ISO3."""

    def __init__(self, states: list[CowState], known: dict[str, str]) -> None:
        self.states = {s.cow: s for s in states}
        self.known = known  # ISO3 -> name, from the country vocabulary
        self._sftg: dict[str, str] = {}
        for s in states:
            for code in s.sftg:
                if s.iso3:
                    self._sftg.setdefault(code, s.iso3)
        self._names: dict[str, tuple[str, str]] = {}
        for name, iso3 in ALIASES.items():
            self._names.setdefault(normalise(name), (iso3, "alias"))
        for s in states:
            if s.iso3:
                self._names.setdefault(normalise(s.name), (s.iso3, "cow-name"))
        for iso3, name in known.items():
            self._names.setdefault(normalise(name), (iso3, "vocabulary"))

    def by_cow(self, code: int | str) -> str | None:
        """ISO3 of a COW code (None for unknown codes and historical states)."""
        try:
            state = self.states.get(int(str(code).strip().removesuffix(".0")))
        except ValueError:
            return None
        return state.iso3 if state is not None and state.iso3 in self.known else None

    def by_sftg(self, code: str) -> str | None:
        """ISO3 of a PITF/SFTG code such as ZAI, BUI, SUD, TAZ, CEN, MYA."""
        iso3 = self._sftg.get(code.strip().upper())
        return iso3 if iso3 in self.known else None

    def match_name(self, name: str) -> Match | None:
        """ISO3 of a country name and the rule that matched it, or None."""
        key = normalise(name)
        if not key:
            return None
        found = self._names.get(key)
        if found is not None and found[0] in self.known:
            return Match(*found)
        return _pycountry_match(name, key, self.known)

    def by_name(self, name: str) -> str | None:
        """ISO3 of a country name, or None."""
        found = self.match_name(name)
        return found.iso3 if found else None


def _pycountry_match(name: str, key: str, known: dict[str, str]) -> Match | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            exact = pycountry.countries.lookup(name.strip())
        except LookupError:
            exact = None
        if exact is not None and len(key) > 3 and exact.alpha_3 in known:
            return Match(exact.alpha_3, "pycountry")
        try:
            fuzzy = pycountry.countries.search_fuzzy(name.strip())
        except LookupError:
            return None
    if len(fuzzy) != 1:
        return None
    country = fuzzy[0]
    names = [getattr(country, a, "") for a in ("name", "official_name", "common_name")]
    if any(key in normalise(n) for n in names if n) and country.alpha_3 in known:
        return Match(country.alpha_3, "fuzzy")
    return None


@cache
def crosswalk() -> Crosswalk:
    """The crosswalk, built once per process."""
    return Crosswalk(_read_table(COW_FILE), dict(reference().countries))
