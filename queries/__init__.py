"""Named, parameterised queries; researchers' read-only Cypher; networkx analytics.

Example:
    >>> "country_risk_profile" in catalogue()
    True
    >>> run(None, "no_such_query")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ontology.errors.QueryNotFound: unknown query 'no_such_query'...
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

# The Python queries register themselves with the catalogue when imported; importing any module
# of this package runs this file first, so the catalogue is whole wherever it is read, and the
# registry imports none of the modules that import it.
import queries.analytics_queries  # noqa: F401 - country_brokers, country_communities, country_bridges
import queries.builtin  # noqa: F401
import queries.capabilities  # noqa: F401 - capability_gaps
import queries.evidence  # noqa: F401 - response_evidence_for_country
import queries.lessons  # noqa: F401 - lessons_learnt
import queries.leverage  # noqa: F401 - leverage_chains
from graph.base import GraphStore
from queries.docs import queries_markdown
from queries.registry import NamedQuery, QueryParameterError, catalogue, execute, get
from queries.safe import QueryError, check, run_safe

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "NamedQuery",
    "QueryError",
    "QueryParameterError",
    "catalogue",
    "check",
    "execute",
    "get",
    "queries_markdown",
    "run",
    "run_safe",
]


def run(
    store: GraphStore, name: str, *, as_frame: bool = False, **params: Any
) -> list[dict[str, Any]] | pd.DataFrame:
    """Run the named query ``name`` with ``params``: rows as dicts, or a DataFrame.

    Raises:
        QueryNotFound: no query has that name (the message lists the nearest ones).
        QueryParameterError: a parameter is unknown, missing or of the wrong type.
    """
    query = get(name)
    result = execute(store, query.name, params)
    if as_frame:
        import pandas as pd

        return pd.DataFrame(result.rows, columns=result.columns)
    return result.dicts()


def __getattr__(name: str) -> Callable[..., Any]:
    """``queries.<name>(store, **params)`` runs the named query ``name``."""
    if name.startswith("_") or name not in catalogue():
        raise AttributeError(f"module 'queries' has no attribute {name!r}")

    def call(store: GraphStore, *, as_frame: bool = False, **params: Any) -> Any:
        return run(store, name, as_frame=as_frame, **params)

    call.__name__ = name
    call.__doc__ = catalogue()[name].description
    return call
