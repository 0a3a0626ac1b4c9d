"""Parameters of named queries: their declaration, defaults and conversion of values.

Values may come as Python objects (``queries.run``) or as strings (the CLI, a URL): strings
are parsed (ISO dates, ``today``, ``true``/``false``, comma-separated lists).

Example:
    >>> Param("as_of", "date", "today").coerce("2024-07-31")
    datetime.date(2024, 7, 31)
    >>> Param("statuses", "list[str]").coerce("implemented, rejected")
    ['implemented', 'rejected']
    >>> qualify("country", "rwa"), qualify("country", "country/RWA"), qualify("actor", "far")
    ('country/RWA', 'country/RWA', 'actor/far')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ontology.errors import AkgError
from ontology.model import load_model

__all__ = ["COERCE", "ID_PARAMETERS", "REQUIRED", "TYPES", "Param", "QueryParameterError", "qualify"]

TYPES = ("str", "int", "float", "date", "bool", "list[str]")


class QueryParameterError(AkgError):
    """A named query got a parameter it does not take, lacks one, or got a value of the wrong type."""

    code = "invalid_parameter"


# Parameters that name a node, and the class whose id prefix a bare value gets: the CLI and
# the API take ``country=RWA`` as well as ``country=country/RWA``.
ID_PARAMETERS = {"country": "Country", "actor": "Actor", "addressee": "Actor", "victim_group": "VictimGroup",
                 "option": "ResponseOption", "region": "Region"}


def qualify(name: str, value: Any) -> Any:
    """A bare id of an id parameter with its class prefix (ISO3 codes upper-cased); else unchanged."""
    cls = ID_PARAMETERS.get(name)
    if cls is None or not isinstance(value, str) or not value or "/" in value:
        return value
    prefix = load_model().node_class(cls).id_prefix
    return f"{prefix}/{value.upper() if cls == 'Country' else value}"


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()


@dataclass(frozen=True)
class Param:
    """One parameter of a named query."""

    name: str
    type: str
    default: Any = REQUIRED
    low: int | None = None
    high: int | None = None
    help: str = ""

    @property
    def required(self) -> bool:
        """True when the caller must give a value."""
        return self.default is REQUIRED

    def shown_default(self) -> str:
        """The default as the header writes it."""
        if self.required:
            return "required"
        if self.default is None:
            return "null"
        if self.default == "":
            return '""'
        if isinstance(self.default, list):
            return ",".join(self.default) or "[]"
        if isinstance(self.default, bool):
            return str(self.default).lower()
        return str(self.default)

    def default_value(self) -> Any:
        """The default to use now (``today`` becomes today's date)."""
        if self.default == "today" and self.type == "date":
            return dt.date.today()
        return list(self.default) if isinstance(self.default, list) else self.default

    def coerce(self, value: Any, query: str = "") -> Any:
        """``value`` as this parameter's type; strings (from the CLI or a URL) are parsed.

        >>> Param("depth", "int", 1, 1, 3).coerce("2")
        2
        >>> Param("depth", "int", 1, 1, 3).coerce("deep", "actor_ego_network")
        Traceback (most recent call last):
        ...
        queries.params.QueryParameterError: parameter 'depth' of actor_ego_network expects int, got 'deep'
        """
        try:
            out = COERCE[self.type](value)
        except (TypeError, ValueError):
            where = f" of {query}" if query else ""
            raise QueryParameterError(
                f"parameter {self.name!r}{where} expects {self.type}, got {value!r}",
                {"parameter": self.name, "expected": self.type},
            ) from None
        if self.low is not None and self.high is not None and not self.low <= out <= self.high:
            raise QueryParameterError(
                f"parameter {self.name!r} of {query} must be between {self.low} and {self.high}, "
                f"got {out}", {"parameter": self.name, "expected": f"{self.type} {self.low}..{self.high}"})
        return out


def _to_str(v: Any) -> str:
    if not isinstance(v, str):
        raise TypeError
    return v


def _to_int(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, str)):
        raise TypeError
    return int(v.strip()) if isinstance(v, str) else v


def _to_float(v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float, str)):
        raise TypeError
    return float(v)


def _to_date(v: Any) -> dt.date:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str):
        return dt.date.today() if v.strip() == "today" else dt.date.fromisoformat(v.strip())
    raise TypeError


def _to_bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.strip().lower() in {"true", "yes", "1", "on", "false", "no", "0", "off"}:
        return v.strip().lower() in {"true", "yes", "1", "on"}
    raise TypeError


def _to_list(v: Any) -> list[str]:
    if isinstance(v, str):
        return [] if v.strip() in {"", "[]"} else [x.strip() for x in v.split(",") if x.strip()]
    if isinstance(v, (list, tuple)) and all(isinstance(x, str) for x in v):
        return list(v)
    raise TypeError


COERCE: dict[str, Callable[[Any], Any]] = {
    "str": _to_str, "int": _to_int, "float": _to_float, "date": _to_date, "bool": _to_bool,
    "list[str]": _to_list,
}
