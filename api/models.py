"""Pydantic models shared by the blueprints: pagination, ids, vocabularies, the page envelope.

Vocabulary values (statuses, kinds…) come from the ontology's SHACL constraints, so the
OpenAPI document lists exactly what the loaders accept.

Example:
    >>> full_id("actor", "interahamwe"), full_id("actor", "actor/interahamwe")
    ('actor/interahamwe', 'actor/interahamwe')
    >>> page([1, 2, 3], Paging(limit=2, offset=0), "/api/v1/x?limit=2")["next"]
    '/api/v1/x?limit=2&offset=2'

Dates in a query (``as_of``, ``since``) must lie between :data:`EARLIEST` and today, for the API
(400 naming the parameter) and the pages (a notice naming it) alike:

    >>> day_problem(dt.date(1994, 4, 6)), day_problem(dt.date(1066, 10, 14))[:31]
    ('', 'is outside 1900-01-01 … today (')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema

from ontology.model import load_model

__all__ = [
    "ActorKind",
    "AssessmentStatus",
    "EARLIEST",
    "AsOf",
    "LocalId",
    "OptionalId",
    "PageFields",
    "Paging",
    "QueryModel",
    "RecommendationStatus",
    "country_ref",
    "day_problem",
    "full_id",
    "page",
]

MAX_LIMIT = 1000
LOCAL_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$"


def full_id(prefix: str, value: str) -> str:
    """A node id from a local one (``interahamwe`` → ``actor/interahamwe``); full ids pass."""
    return value if value.startswith(prefix + "/") else f"{prefix}/{value}"


def country_ref(value: str) -> str:
    """A country id from an ISO3 code (any case) or a full id: ``rwa`` → ``country/RWA``."""
    return value if value.startswith("country/") else f"country/{value.upper()}"


def _one_of(values: Sequence[str]) -> Callable[[str | None], str | None]:
    def check(value: str | None) -> str | None:
        if value is not None and value not in values:
            raise ValueError(f"must be one of {', '.join(values)}")
        return value

    return check


def _vocab(owner: str, prop: str) -> tuple[str, ...]:
    return tuple(str(v) for v in load_model().constraint(owner, prop).values or ())


_REC_STATUS = _vocab("Recommendation", "status")
_ASSESSMENT_STATUS = _vocab("Assessment", "status")
_ACTOR_KIND = _vocab("Actor", "kind")

RecommendationStatus = Annotated[str | None, AfterValidator(_one_of(_REC_STATUS)),
                                 WithJsonSchema({"type": "string", "enum": list(_REC_STATUS)})]
AssessmentStatus = Annotated[str | None, AfterValidator(_one_of(_ASSESSMENT_STATUS)),
                             WithJsonSchema({"type": "string", "enum": list(_ASSESSMENT_STATUS)})]
ActorKind = Annotated[str | None, AfterValidator(_one_of(_ACTOR_KIND)),
                      WithJsonSchema({"type": "string", "enum": list(_ACTOR_KIND)})]
LocalId = Annotated[str, Field(pattern=LOCAL_ID, description="Id without its class prefix, e.g. interahamwe")]
OptionalId = Annotated[str | None, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$"),
                       WithJsonSchema({"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$"})]
EARLIEST = dt.date(1900, 1, 1)


def day_problem(day: dt.date) -> str:
    """Why ``day`` is no date to show data as of ('' when it is one): before :data:`EARLIEST` or after today."""
    today = dt.date.today()
    return "" if EARLIEST <= day <= today else f"is outside {EARLIEST} … today ({today})"


def _in_range(day: dt.date | None) -> dt.date | None:
    problem = day_problem(day) if day is not None else ""
    if problem:
        raise ValueError(f"{day} {problem}")
    return day


AsOf = Annotated[dt.date | None, AfterValidator(_in_range),
                 WithJsonSchema({"type": "string", "format": "date",
                                 "description": f"ISO date (YYYY-MM-DD) from {EARLIEST} to today; default today"})]


def _plain_parameters(schema: dict[str, Any]) -> None:
    """Query parameters are never null: drop ``null`` branches and ``null`` defaults from the document."""
    for name, prop in list(schema.get("properties", {}).items()):
        branches = prop.get("anyOf")
        if branches:
            kept = [b for b in branches if b != {"type": "null"}]
            if len(kept) == 1:
                prop.pop("anyOf")
                prop.update(kept[0])
        if "default" in prop and prop["default"] is None:
            del prop["default"]
        schema["properties"][name] = prop


class QueryModel(BaseModel):
    """Query-string parameters: unknown ones are refused (400 naming them)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_plain_parameters)


class Paging(QueryModel):
    """``limit`` and ``offset`` of a list."""

    limit: int = Field(100, ge=1, le=MAX_LIMIT, description=f"Items per page (1..{MAX_LIMIT}).")
    offset: int = Field(0, ge=0, le=1_000_000, description="Items to skip.")


class PageFields(BaseModel):
    """The envelope of every list: ``items`` plus where the next page starts."""

    total: int = Field(description="Items in the whole list.")
    limit: int
    offset: int
    next_offset: int | None = Field(description="Offset of the next page (null on the last page).")
    next: str | None = Field(description="URL of the next page (null on the last page).")


def page(items: Sequence[Any], paging: Paging, url: str, **extra: Any) -> dict[str, Any]:
    """One page of ``items`` with the envelope fields; ``url`` is the request's path and query."""
    start, stop = paging.offset, paging.offset + paging.limit
    next_offset = stop if stop < len(items) else None
    next_url = None
    if next_offset is not None:
        parts = urlsplit(url)
        args = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "offset"]
        next_url = f"{parts.path}?{urlencode([*args, ('offset', str(next_offset))])}"
    return {**extra, "items": list(items[start:stop]), "total": len(items), "limit": paging.limit,
            "offset": paging.offset, "next_offset": next_offset, "next": next_url}
