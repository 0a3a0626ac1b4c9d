"""Provenance in API answers: the models of a cited source and of a dataset version, and the helpers
every blueprint uses to resolve ids into them (one query per kind and answer, see
:mod:`queries.citations`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, MutableMapping, Sequence
from typing import Any

from pydantic import BaseModel, Field

from api.common import store
from queries.citations import attach_sources, resolve_versions

__all__ = ["DatasetRef", "SourceRef", "attach", "versions"]


class SourceRef(BaseModel):
    """A cited source with its Admiralty grade."""

    id: str = Field(description="Node id, e.g. source/hrw-leave-none-1999")
    title: str | None
    publisher: str | None
    date: dt.date | None = Field(description="Publication date")
    url: str | None
    reliability: str | None = Field(description="Admiralty reliability of the source, A (completely reliable) "
                                                "to F (cannot be judged)")
    credibility: int | None = Field(description="Admiralty credibility of the information, 1 (confirmed) to "
                                                "6 (cannot be judged)")


class DatasetRef(BaseModel):
    """The dataset version a number comes from, with the citation its publisher requires."""

    id: str = Field(description="DatasetVersion id, e.g. dataset/acled-0123456789ab")
    dataset: str | None
    version: str | None
    accessed: dt.date | None
    citation: str | None = Field(description="Show this wherever the number appears")
    illustrative: bool = Field(description="Made-up data for demos and tests: label the number as such")


def attach(items: Sequence[MutableMapping[str, Any]], key: str = "sources") -> None:
    """Swap each item's source ids under ``key`` for :class:`SourceRef` objects (one query)."""
    attach_sources(store(), items, key)


def versions(ids: Iterable[Any]) -> dict[str, dict[str, Any]]:
    """:class:`DatasetRef` objects by version id (one query); unknown ids are left out."""
    return {k: {f: v.get(f) for f in DatasetRef.model_fields} | {"illustrative": bool(v.get("illustrative"))}
            for k, v in resolve_versions(store(), ids).items()}
