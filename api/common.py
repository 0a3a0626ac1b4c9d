"""Helpers every blueprint uses: making a blueprint, running a named query, 404s, the URL."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from flask import request
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag
from flask_openapi3.types import ResponseDict

from api.errors import ApiError, ErrorBody
from api.state import state
from graph.base import GraphStore
from queries import execute

__all__ = ["PREFIX", "RESPONSES", "api_blueprint", "not_found", "rows", "store", "suggest", "this_url"]

PREFIX = "/api/v1"
# Error responses any operation may give; each blueprint route adds its own.
RESPONSES: ResponseDict = {400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 500: ErrorBody,
                             503: ErrorBody}


def api_blueprint(name: str, description: str, url_prefix: str = "") -> APIBlueprint:
    """A blueprint under ``/api/v1`` tagged ``name`` with the common error responses."""
    return APIBlueprint(name, __name__, url_prefix=PREFIX + url_prefix,
                        abp_tags=[Tag(name=name, description=description)],
                        abp_responses=dict(RESPONSES))


def store() -> GraphStore:
    """The app's store (opened on first use)."""
    return state().store()


def rows(name: str, **params: Any) -> list[dict[str, Any]]:
    """Rows of the named query ``name`` as dicts (``None`` parameters take their default)."""
    st = state()
    given = {k: v for k, v in params.items() if v is not None}
    return execute(st.store(), name, given, timeout=st.query_timeout).dicts()


def suggest(ident: str, candidates: Iterable[tuple[str, str]], n: int = 3) -> list[str]:
    """Ids nearest to ``ident`` among ``(id, name)`` candidates, by id and by name (any case)."""
    pairs = list(candidates)
    key = ident.rsplit("/", 1)[-1].casefold()
    by_key: dict[str, str] = {}
    for cid, name in pairs:
        by_key.setdefault(cid.rsplit("/", 1)[-1].casefold(), cid)
        if name:
            by_key.setdefault(name.casefold(), cid)
    near = difflib.get_close_matches(key, list(by_key), n=n * 2, cutoff=0.5)
    near += [k for k in by_key if key and len(key) > 2 and key in k and k not in near]
    return list(dict.fromkeys(by_key[k] for k in near))[:n]


def not_found(kind: str, ident: str, near: Iterable[str] = ()) -> ApiError:
    """The 404 for an unknown id, with the nearest known ids when there are any."""
    close = list(near)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return ApiError(404, "not_found", f"no {kind} with id {ident}{hint}", {"id": ident, "suggestions": close})


def this_url() -> str:
    """Path and query string of the current request (for ``next`` links)."""
    query = request.query_string.decode("utf-8", "replace")
    return f"{request.path}?{query}" if query else request.path
