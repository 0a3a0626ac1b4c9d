"""``/api/v1/queries`` (the catalogue, run a named query) and ``POST /api/v1/query`` (own Cypher).

Researchers' Cypher goes through the app's :class:`queries.isolated.QueryPool`: refused before
it reaches the database unless it only reads, then run in a worker process (read-only, with the
configured time limit, row cap and memory limit), a few at a time (the rest get 503 with
``Retry-After`` at once), and limited per client (``AKG_API_QUERY_RATE`` a minute, shared with
the console). Named queries run in this process.
"""

from __future__ import annotations

import atexit
import math
import threading
from typing import Annotated, Any, cast

from flask import current_app, request
from pydantic import BaseModel, ConfigDict, Field

from api.common import api_blueprint, this_url
from api.errors import ApiError, ErrorBody
from api.models import PageFields, Paging, page
from api.state import state
from graph.settings import Settings
from ontology.errors import QueryNotFound
from queries import NamedQuery, catalogue, execute, get
from queries.isolated import QueryPool

__all__ = ["POOL", "bp", "query_pool", "rate_limit"]

POOL = "akg_query_pool"

_POOL_LOCK = threading.Lock()

bp = api_blueprint("queries", "Named queries and researchers' read-only Cypher.")

ParamName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")]
Int64 = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]
# What a $parameter may hold: a scalar, or a list of scalars of one type.
ParamValue = (Annotated[str, Field(max_length=100_000)] | Int64 | float | bool | None
              | list[str] | list[Int64] | list[float] | list[bool])


class QueryPath(BaseModel):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,99}$", description="Query name, e.g. upcoming_triggers")


class RunQuery(Paging):
    """``limit``/``offset`` plus the query's own parameters by name (``?country=country/RWA``)."""

    model_config = ConfigDict(extra="allow")


class CypherRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cypher: str = Field(min_length=1, max_length=100_000, description="One read-only Cypher query")
    params: dict[ParamName, ParamValue] = Field(
        default_factory=dict, description="Values for $parameters: scalars, or lists of scalars of one type")
    limit: int | None = Field(None, ge=1, le=1_000_000, description="Row cap (at most AKG_ROW_LIMIT)")


class QueryParam(BaseModel):
    name: str
    type: str
    required: bool
    default: str = Field(description="Default as the header writes it ('required' when none)")
    low: int | None
    high: int | None
    help: str


class QueryInfo(BaseModel):
    name: str
    description: str
    users: list[str]
    params: list[QueryParam]
    returns: list[str]
    example: str
    link: str


class QueryCatalogue(PageFields):
    items: list[QueryInfo]


class QueryRows(PageFields):
    query: str
    columns: list[str]
    truncated: bool = Field(description="Rows were cut off at the row cap (AKG_ROW_LIMIT)")
    items: list[dict[str, Any]]


class CypherResult(BaseModel):
    columns: list[str]
    rows: list[list[Any]]
    row_count: int
    truncated: bool = Field(description="Rows were cut off at the row cap")
    non_finite: int = Field(0, description="Cells that held NaN or ±Infinity, sent as null (JSON has no "
                                           "such numbers)")


def _non_finite(value: Any) -> int:
    """How many NaN/±Infinity floats a result holds (JSON writes them as null)."""
    if isinstance(value, float):
        return 0 if math.isfinite(value) else 1
    if isinstance(value, list | tuple):
        return sum(_non_finite(v) for v in value)
    if isinstance(value, dict):
        return sum(_non_finite(v) for v in value.values())
    return 0


def _info(q: NamedQuery) -> dict[str, Any]:
    return {"name": q.name, "description": q.description, "users": list(q.users),
            "params": [{"name": p.name, "type": p.type, "required": p.required,
                        "default": p.shown_default(), "low": p.low, "high": p.high, "help": p.help}
                       for p in q.params],
            "returns": list(q.returns), "example": q.example, "link": f"/api/v1/queries/{q.name}"}


@bp.get("/queries", summary="The catalogue of named queries", responses={200: QueryCatalogue})
def list_queries(query: Paging) -> dict[str, Any]:
    """Every named query with its description, parameters and columns."""
    return page([_info(q) for q in catalogue().values()], query, this_url())


@bp.get("/queries/<name>", summary="Run a named query", responses={200: QueryRows, 504: ErrorBody})
def run_named(path: QueryPath, query: RunQuery) -> dict[str, Any]:
    """Run a named query; its parameters go in the query string (dates ISO, lists comma-separated).

    Unknown or mistyped parameters give 400 naming the parameter; rows past ``AKG_ROW_LIMIT``
    are cut off (``truncated``).
    """
    try:
        named = get(path.name)
    except QueryNotFound as exc:
        raise ApiError(404, "query_not_found",
                       f"unknown query {path.name!r}; GET /api/v1/queries lists them all",
                       {"near": exc.details.get("near", [])}) from None
    st = state()
    result = execute(st.store(), named.name, dict(query.model_extra or {}), timeout=st.query_timeout,
                     limit=st.row_limit)
    return page(result.dicts(), query, this_url(), query=named.name, columns=result.columns,
                truncated=result.truncated)


def query_pool() -> QueryPool:
    """The app's pool of query workers (started on first use, stopped at exit)."""
    found = current_app.extensions.get(POOL)
    if found is None:
        with _POOL_LOCK:
            found = current_app.extensions.get(POOL)
            if found is None:
                st = state()
                given = getattr(st.injected, "settings", None)  # an app serving a store it was given
                found = QueryPool(given if isinstance(given, Settings) else st.settings)
                current_app.extensions[POOL] = found
                atexit.register(found.close)
    return cast(QueryPool, found)


def rate_limit() -> None:
    """One per-client budget for researchers' Cypher, from the API and the console alike."""
    state().limiter.check(request.remote_addr or "unknown")


@bp.before_request
def _rate_limit() -> None:
    """POST /query is limited per client address."""
    if request.endpoint == f"{bp.name}.post_query":
        rate_limit()


@bp.post("/query", summary="Run read-only Cypher (researchers)",
         responses={200: CypherResult, 422: ErrorBody, 429: ErrorBody, 502: ErrorBody,
                    503: ErrorBody, 504: ErrorBody})
def post_query(body: CypherRequest) -> dict[str, Any]:
    """Run one read-only query with parameters, a time limit and a row cap.

    Writes, schema changes, file access and procedures other than a few read-only ones are
    refused before reaching the database (400 naming the clause); queries past the time limit
    are stopped (504); each client may send ``AKG_API_QUERY_RATE`` queries a minute (429); when
    every query worker is busy the answer is 503 with ``Retry-After``; a query that needs more
    than a worker's memory gives 422 ``query_too_large``, one that crashes the engine's worker
    502 ``query_crashed`` (the server and other queries are unaffected).
    """
    st = state()
    limit = min(body.limit or st.row_limit, st.row_limit)
    pool = query_pool()
    store = None if pool.isolated else st.store()
    result = pool.run(store, body.cypher, body.params, timeout=st.query_timeout, limit=limit)
    return {"columns": result.columns, "rows": result.rows, "row_count": len(result.rows),
            "truncated": result.truncated, "non_finite": _non_finite(result.rows)}

