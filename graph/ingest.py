"""The loading pipeline: read a file's records, then write them in one transaction.

A file that fails to read or to write changes nothing; the other files of a folder still load,
and the result says which loaded and why the others did not.

Example:
    >>> from graph.records import Node
    >>> split([Node.make("actor/x", name="X")])[0][0].id
    'actor/x'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from graph.base import GraphStore, WriteSummary
from graph.bulk import Bulk
from graph.datasets import DatasetSwitch, VersionPlan, plan_version, stamped
from graph.records import Edge, Node
from ontology.errors import AkgError, InvalidRecord, SourceFormatError

__all__ = ["FileResult", "load_bulk", "load_dataset", "load_files", "split"]

Reader = Callable[[Path], Iterable[Node | Edge]]
# writes one file's records; returns the summary and lines describing what changed
Writer = Callable[[GraphStore, Path, list[Node | Edge]], tuple[WriteSummary, list[str]]]


@dataclass
class FileResult:
    """What happened to one file."""

    path: Path
    loaded: bool
    problems: list[str] = field(default_factory=list)
    summary: WriteSummary = field(default_factory=WriteSummary)
    details: list[str] = field(default_factory=list)


def split(records: Iterable[Node | Edge]) -> tuple[list[Node], list[Edge]]:
    """Nodes and relationships of a record stream."""
    nodes: list[Node] = []
    edges: list[Edge] = []
    for r in records:
        (nodes if isinstance(r, Node) else edges).append(r)  # type: ignore[arg-type]
    return nodes, edges


def load_files(
    store: GraphStore,
    paths: Sequence[Path],
    read: Reader,
    on_file: Callable[[FileResult], None] | None = None,
    write: Writer | None = None,
) -> list[FileResult]:
    """Load each file in its own transaction; bad files are reported, not written.

    ``write`` replaces the plain upsert (assessments use :func:`graph.editorial.file_writer`).
    """
    results = []
    for path in paths:
        result = FileResult(path, loaded=False)
        try:
            records = list(read(path))
            if write is not None:
                result.summary, result.details = write(store, path, records)
            else:
                nodes, edges = split(records)
                result.summary = store.write(nodes, edges)
            result.loaded = True
        except SourceFormatError as exc:
            result.problems = [SourceFormatError.format_one(*p) for p in exc.problems]
        except InvalidRecord as exc:
            result.problems = [_invalid(path, exc)]
        except AkgError as exc:
            if exc.code != "workflow_refused":
                raise
            result.problems = [exc.message]
        results.append(result)
        if on_file is not None:
            on_file(result)
    return results


def _invalid(path: Path, exc: InvalidRecord) -> str:
    hint = " (run `akg init` to load the reference vocabularies)" \
        if any(str(r).startswith(("rf/", "ind/", "option/", "country/", "capability/", "trigger-type/"))
               for r in exc.errors.get("references", [])) else ""
    return f"{path.name}: {exc.message}{hint}"


def load_bulk(
    store: GraphStore, chunks: Iterable[Bulk], on_chunk: Callable[[Bulk], None] | None = None,
    switch: DatasetSwitch | None = None,
) -> WriteSummary:
    """Write every chunk of one large file in one transaction, reporting progress per chunk."""

    def counted() -> Iterator[Bulk]:
        for chunk in chunks:
            yield chunk
            if on_chunk is not None:
                on_chunk(chunk)

    return store.write_bulk(counted(), switch)


def load_dataset(
    store: GraphStore,
    chunks: Iterable[Bulk],
    version: Node,
    label: str,
    *,
    by: str | None = None,
    on_chunk: Callable[[Bulk], None] | None = None,
) -> tuple[VersionPlan, WriteSummary]:
    """Load one file as a new version of its dataset (see :mod:`graph.datasets`), in one
    transaction; a file whose content is already current is not loaded (empty summary)."""
    plan = plan_version(store, version, label, by=by)
    if plan.switch is None:
        return plan, WriteSummary()
    return plan, load_bulk(store, stamped(chunks, label, version.id), on_chunk=on_chunk, switch=plan.switch)
