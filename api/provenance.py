"""``/api/v1/log`` (the audit log) and ``/api/v1/datasets`` (loaded dataset versions)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from api.common import api_blueprint, store, this_url
from api.models import AsOf, OptionalId, PageFields, Paging, page
from graph import audit
from graph.datasets import list_versions

__all__ = ["bp"]

bp = api_blueprint("provenance", "The audit log of every load, retraction and status change; dataset versions.")


class LogQuery(Paging):
    country: str | None = Field(None, pattern=r"^[A-Za-z]{3}$", description="ISO3 code, e.g. KAZ")
    since: AsOf = Field(None, description="Only entries on or after this day (YYYY-MM-DD)")
    target: OptionalId = Field(None, description="Only entries about this id, e.g. assessment/KAZ-2026-06")


class LogItem(BaseModel):
    id: str
    at: str = Field(description="UTC timestamp")
    action: str
    target: str
    country: str | None
    file: str | None
    content_hash: str | None
    rows_in_scope: int | None = Field(None, description="Rows of the file inside the version's scope")
    load_state: str | None = Field(None, description="loading (under way or interrupted: loading the same file "
                                   "again completes it), complete, abandoned (another file replaced it "
                                   "first); empty: loaded in one transaction")
    rows_committed: int | None = Field(None, description="Rows in scope written so far by a load in several "
                                       "transactions")
    created: int | None
    updated: int | None
    removed: int | None
    by: str | None = Field(description="--by, or the name of the API token that made the change")
    reason: str | None
    details: list[str] | None


class LogPage(PageFields):
    items: list[LogItem]


@bp.get("/log", summary="The audit log, newest first", responses={200: LogPage})
def get_log(query: LogQuery) -> dict[str, Any]:
    """Every load, re-load, retraction, status change and merge, newest first."""
    since: dt.date | None = query.since
    found = audit.read_log(store(), country=query.country.upper() if query.country else None, since=since,
                           target=query.target, limit=query.offset + query.limit + 1)
    return page(found, query, this_url())


class DatasetQuery(BaseModel):
    include_replaced: bool = Field(False, description="Also list versions a newer one replaced or abandoned")


class DatasetItem(BaseModel):
    id: str
    dataset: str
    version: str | None
    scope: str
    current: bool | None
    illustrative: bool | None = Field(description="Made-up data for demos and tests: label every number")
    rows: int | None
    file: str | None
    file_date: dt.date | None
    accessed: dt.date | None
    publisher: str | None
    licence: str | None
    citation: str | None = Field(description="Show this wherever numbers from the dataset appear")
    reliability: str | None
    credibility: int | None
    content_hash: str | None


class DatasetList(BaseModel):
    items: list[DatasetItem]


@bp.get("/datasets", summary="Loaded dataset versions with licence and required citation",
        responses={200: DatasetList})
def get_datasets(query: DatasetQuery) -> dict[str, Any]:
    """Every current dataset version (ACLED, UCDP GED, EWP) and any whose load is under way, or every
    version ever loaded."""
    found = list_versions(store(), every=query.include_replaced)
    return {"items": found}
