"""The dataset-version switch on Neo4j (:class:`graph.datasets.DatasetSwitch`): delete the
records in the new scope that the new file lacks, point the replaced versions' rows at the new
one, retire the covered versions and write the new one with its log entry.

:func:`switch_tx` does all of it in the load's one transaction (:mod:`graph.neo4j_bulk`); a load
in several transactions (:mod:`graph.neo4j_batched`) runs the steps one by one, in transactions
of their own, with :data:`PROGRESS` as its batch log.

Example:
    >>> repoint_text("Event").startswith("MATCH (n:`Event`) WHERE n.dataset_version IN $old")
    True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph.base import WriteSummary
from graph.datasets import RETIRE, DatasetSwitch, retire_params
from graph.neo4j_write import Tx, delete_ids, records, upsert_tx
from graph.schema import quote
from graph.upsert import dedupe_nodes
from ontology.errors import InvalidRecord
from ontology.model import Model

__all__ = ["PROGRESS", "check_written", "finish_switch", "gone_ids", "repoint", "repoint_text", "switch_tx",
           "write_tx"]

PROGRESS = "MATCH (v:`DatasetVersion` {`id`: $id}) SET v.`rows_committed` = $rows"


def check_written(switch: DatasetSwitch, written: set[str]) -> None:
    """Refuse a version with no rows in its scope (it would delete everything there)."""
    if not written:
        raise InvalidRecord(f"the file has no {switch.label} rows in scope {switch.version.props['dataset_scope']}: "
                            "nothing loaded (an empty version would delete everything in its scope)",
                            {"scope": ["matches nothing"]})


def gone_ids(tx: Tx, switch: DatasetSwitch, written: set[str]) -> list[str]:
    """The dataset's records in the new scope that the new version lacks (sorted)."""
    return sorted({r[0] for r in records(tx, switch.scope_query, switch.scope_params)} - written)


def repoint_text(label: str) -> str:
    """Cypher moving at most ``$limit`` rows of retired versions to the new one; returns how many."""
    return (f"MATCH (n:{quote(label)}) WHERE n.dataset_version IN $old WITH n LIMIT $limit "
            "SET n.dataset_version = $new RETURN count(n) AS moved")


def repoint(tx: Tx, switch: DatasetSwitch, limit: int) -> int:
    """Point up to ``limit`` rows of the retired versions at the new version; returns how many moved."""
    if not switch.retire:
        return 0
    rec = records(tx, repoint_text(switch.label), {"old": switch.retire, "new": switch.version_id, "limit": limit})
    return int(rec[0]["moved"])


def finish_switch(tx: Tx, model: Model, switch: DatasetSwitch, summary: WriteSummary, rows_in_scope: int,
                  counted: bool = True, **state: Any) -> None:
    """Retire the covered versions; write the version node (current, with ``rows_in_scope`` and
    ``state``) and its log entries; ``counted=False``: the node was counted when first written."""
    if switch.retire:
        tx.run(RETIRE, retire_params(switch.retire)).consume()
    extra = [switch.version_as(rows_in_scope=rows_in_scope, current=True, **state), *switch.entries(summary)]
    counts = write_tx(tx, model, dedupe_nodes(model, extra), {}, {n.id: n.label for n in extra})
    summary.nodes_created += counts["nodes_created"]
    summary.nodes_updated += counts["nodes_updated"] - (0 if counted else 1)


def switch_tx(tx: Tx, model: Model, switch: DatasetSwitch, written: set[str],
              summary: WriteSummary) -> None:
    """Delete the dataset's records in scope that the new version lacks; retire covered versions;
    write the version node and its log entries (all in ``tx``)."""
    check_written(switch, written)
    gone = gone_ids(tx, switch, written)
    delete_ids(tx, switch.label, gone)
    summary.nodes_removed += len(gone)
    repoint(tx, switch, 2**62)
    finish_switch(tx, model, switch, summary, len(written), **switch.completed(len(written)))


def write_tx(
    tx: Tx,
    model: Model,
    batch_nodes: Mapping[str, Mapping[str, Any]],
    batch_edges: Mapping[tuple[str, str, str], dict[str, Any]],
    label_of: Mapping[str, str],
    switch: DatasetSwitch | None = None,
) -> dict[str, int]:
    """Plan against the stored graph and apply; returns the WriteSummary counts.

    With ``switch`` the dataset's version switch (graph.datasets) follows in the same transaction.
    """
    summary = upsert_tx(tx, model, batch_nodes, batch_edges, label_of, set(),
                        switch.label if switch is not None else None)
    if switch is not None:
        switch_tx(tx, model, switch, {i for i in batch_nodes if label_of[i] == switch.label}, summary)
    return summary.as_dict()
