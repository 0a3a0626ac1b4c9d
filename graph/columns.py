"""Read query results as Arrow tables (columns), for reads of many rows.

:func:`read_table` uses the backend's columnar result where it has one (Ladybug's
``get_as_arrow``, in a read-only transaction like :meth:`GraphStore.run_read`) and otherwise
builds the table from :meth:`GraphStore.run_read`'s rows. Only for queries that return plain
values (no nodes, relationships or paths).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyarrow as pa

from graph.base import GraphStore

__all__ = ["read_table"]


def read_table(store: GraphStore, cypher: str, params: Mapping[str, Any] | None = None) -> pa.Table:
    """The query's result as one Arrow table, a column per returned name."""
    fast = getattr(store, "read_arrow", None)
    if fast is not None:
        table: pa.Table = fast(cypher, params)
        return table
    result = store.run_read(cypher, params)
    return pa.table({name: pa.array([row[i] for row in result.rows]) for i, name in enumerate(result.columns)})
