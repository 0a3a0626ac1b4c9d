"""What the HTML pages read from a request: the store, ids, bounded numbers and dates.

Shared by :mod:`api.pages` and :mod:`api.network_views`. A bad date is not an error page: it is
ignored, the page says so at its top (:func:`notices`), and the response is a 400 (the ``pages``
blueprint's ``after_request``).

Example:
    >>> full_id("actor", " interahamwe ")
    'actor/interahamwe'
"""

from __future__ import annotations

import datetime as dt

from flask import g, request

from api.models import day_problem
from api.state import state
from graph.base import GraphStore

__all__ = ["date_arg", "full_id", "int_arg", "notices", "page_store"]


def page_store() -> GraphStore:
    """The store the app serves."""
    return state().store()


def full_id(prefix: str, ident: str) -> str:
    """``prefix/ident`` unless ``ident`` already has the prefix."""
    ident = ident.strip()
    return ident if ident.startswith(f"{prefix}/") else f"{prefix}/{ident}"


def date_arg(name: str) -> dt.date | None:
    """A date parameter; a malformed or out-of-range one is ignored and the page says so (``notices``).

    A valid ``as_of`` is kept in ``g.as_of``: the pages' links carry it on (``keep`` in the templates).
    """
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        notices().append(f"{name}={raw!r} is not a date like 1994-04-06, so it was ignored: showing the latest data.")
        return None
    problem = day_problem(day)
    if problem:
        notices().append(f"{name}={raw} {problem}, so it was ignored: showing the latest data.")
        return None
    if name == "as_of":
        g.as_of = day
    return day


def notices() -> list[str]:
    """Messages about the request (bad dates) that the page shows at its top."""
    if "date_notices" not in g:
        g.date_notices = []
    notices: list[str] = g.date_notices
    return notices


def int_arg(name: str, default: int, low: int, high: int) -> int:
    """An integer query argument clamped to ``low``-``high`` (``default`` when absent or not a number)."""
    try:
        return max(low, min(high, int(request.args.get(name, default))))
    except ValueError:
        return default
