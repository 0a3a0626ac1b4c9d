r"""Any CSV list a team keeps (sanctions lists, militia rosters), read through a YAML mapping.

A mapping names the delimiter and encoding and says how each row becomes nodes and
relationships (docs/loading.md has the full format)::

    delimiter: ","
    nodes:
      - class: Actor
        id: "actor/{slug(Name)}"
        properties:
          name: Name                              # a column
          kind: {value: militia}                  # a constant
          aliases: {column: Aliases, split: ";"}  # a list
    relationships:
      - type: OPERATES_IN
        from: "actor/{slug(Name)}"
        to: "country/{Country}"
        properties:
          valid_from: {column: Listed, format: "%d/%m/%Y"}

Every class, relationship type, property and constant is checked against the ontology before
any row is read. Each row is then built with ``Node.make``/``Edge.make``; a bad row is
reported by its line and column and none of its records are kept. A relationship is written
only for rows whose ``from`` and ``to`` columns are filled.
The mapping file is read by :mod:`loaders.csv_mapping`, the CSV by :mod:`loaders.csv_table`.

Example:
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "m.yaml").write_text('nodes:\n  - class: Actor\n    id: "actor/{slug(Name)}"\n'
    ...                               '    properties: {name: Name}\n', encoding="utf-8")
    >>> _ = (d / "list.csv").write_text("Name\nForces Démocratiques (FDLR)\n", encoding="utf-8")
    >>> [r.id for r in read(d / "list.csv", load_mapping(d / "m.yaml"))]
    ['actor/forces-democratiques-fdlr']
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.base import GraphStore
from graph.records import Edge, Node
from graph.schema import quote
from loaders.csv_mapping import CsvMapping, Entry, convert, load_mapping
from loaders.csv_table import Table, read_table, slug
from ontology.errors import InvalidRecord, SourceFormatError
from ontology.model import Model, load_model

__all__ = ["BadRow", "CsvMapping", "MappedFile", "Table", "check_references", "load_mapping",
           "parse", "read", "read_table", "slug", "write_bad_rows"]

@dataclass
class BadRow:
    """A row that was not loaded: its line, its cells and what was wrong (column, message)."""

    line: int
    cells: dict[str, str]
    problems: list[tuple[str, str]]


@dataclass
class MappedFile:
    """What a CSV file yields under a mapping."""

    path: Path
    header: list[str]
    by_line: dict[int, list[Node | Edge]] = field(default_factory=dict)
    cells: dict[int, dict[str, str]] = field(default_factory=dict)
    bad_rows: list[BadRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def records(self) -> list[Node | Edge]:
        """Records of the good rows, in file order."""
        return [r for line in sorted(self.by_line) for r in self.by_line[line]]

    def reject(self, line: int, problems: list[tuple[str, str]]) -> None:
        """Move a row to the bad rows."""
        self.by_line.pop(line, None)
        self.bad_rows.append(BadRow(line, self.cells[line], problems))
        self.bad_rows.sort(key=lambda b: b.line)


def _values(entry: Entry, cells: Mapping[str, str], problems: list[tuple[str, str]],
            failed: set[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for spec in entry.props:
        if spec.column is None:
            values[spec.prop.name] = spec.value
        elif cells[spec.column]:
            value, bad = convert(spec.prop, cells[spec.column], spec.split, spec.format)
            problems.extend((spec.column, b) for b in bad)
            if bad:
                failed.add(spec.prop.name)
            else:
                values[spec.prop.name] = value
    return values


def _blame(entry: Entry, exc: InvalidRecord, failed: set[str]) -> list[tuple[str, str]]:
    """InvalidRecord errors keyed by the column they came from (skipping failed conversions)."""
    column_of = {p.prop.name: p.column or f"{p.prop.name} (constant)" for p in entry.props}
    names = ("id",) if len(entry.templates) == 1 else ("source", "target")
    for key, tmpl in zip(names, entry.templates, strict=True):
        column_of[key] = ", ".join(tmpl.columns)
    return [(column_of.get(k, k), "; ".join(v)) for k, v in exc.errors.items() if k not in failed]


def _row(mapping: CsvMapping, m: Model, name: str, line: int, cells: Mapping[str, str]
         ) -> tuple[list[Node | Edge], list[tuple[str, str]]]:
    records: list[Node | Edge] = []
    problems: list[tuple[str, str]] = []
    for entry in mapping.nodes:
        (tmpl,) = entry.templates
        empty = [c for c in tmpl.columns if not cells[c]]
        if empty:
            problems += [(c, f"is empty; the {entry.owner} id needs it") for c in empty]
            continue
        failed: set[str] = set()
        values = _values(entry, cells, problems, failed)
        try:
            records.append(Node.make(tmpl.render(cells), source=name, line=line, model=m, **values))
        except InvalidRecord as exc:
            problems += _blame(entry, exc, failed)
    for entry in mapping.relationships:
        if any(not cells[c] for t in entry.templates for c in t.columns):
            continue
        src, dst = (t.render(cells) for t in entry.templates)
        failed = set()
        values = _values(entry, cells, problems, failed)
        try:
            records.append(Edge.make(entry.owner, src, dst, origin=name, line=line, model=m, **values))
        except InvalidRecord as exc:
            problems += _blame(entry, exc, failed)
    return records, problems


def parse(path: Path, mapping: CsvMapping, model: Model | None = None) -> MappedFile:
    """Read every row; good rows give records, bad rows are kept with their problems."""
    m = model or load_model()
    table = read_table(path, mapping.delimiter, mapping.encoding)
    missing = sorted(mapping.columns - set(table.header))
    if missing:
        raise SourceFormatError([(table.name, 1, "", f"missing column(s) {', '.join(missing)} named by "
                                  f"{mapping.name}; the header has: {', '.join(table.header)}")])
    if not table.rows:
        raise SourceFormatError([(table.name, None, "", "the file has a header but no rows")])
    out = MappedFile(path, table.header)
    for column in table.header:
        if column not in mapping.columns:
            out.warnings.append(f"{table.name}:1 column {column!r} is not mapped; its values are ignored")
    seen: dict[tuple[str, ...], tuple[int, dict[str, Any]]] = {}
    for line, row in table.rows:
        cells = dict(zip(table.header, row, strict=True))
        out.cells[line] = cells
        records, problems = _row(mapping, m, table.name, line, cells)
        problems += _conflicts(records, line, seen, m)
        if problems:
            out.bad_rows.append(BadRow(line, cells, problems))
        else:
            out.by_line[line] = records
    return out


def _conflicts(records: list[Node | Edge], line: int,
               seen: dict[tuple[str, ...], tuple[int, dict[str, Any]]], m: Model) -> list[tuple[str, str]]:
    """Single values that differ from an earlier row's record of the same node or relationship."""
    out = []
    for r in records:
        key = (r.id,) if isinstance(r, Node) else r.key
        owner = r.label if isinstance(r, Node) else r.type
        props = r.props
        if key in seen:
            first, old = seen[key]
            for k in sorted(set(old) & set(props)):
                if old[k] != props[k] and not m.owner_properties(owner)[k].merge_union:
                    out.append((k, f"{'/'.join(key)}: {props[k]!r} differs from {old[k]!r} on line {first}"))
        else:
            seen[key] = (line, props)
    return out


def check_references(store: GraphStore, parsed: MappedFile) -> None:
    """Reject rows whose relationships end at nodes that are neither in the file nor stored.

    Reads only. Rejecting a row can orphan another row's relationship, so it repeats until
    nothing changes.
    """
    m = load_model()
    stored: set[str] = set()
    asked: set[str] = set()
    while True:
        defined = {r.id for recs in parsed.by_line.values() for r in recs if isinstance(r, Node)}
        wanted = {end for recs in parsed.by_line.values() for r in recs if isinstance(r, Edge)
                  for end in (r.source, r.target)} - defined - asked
        by_label: dict[str, list[str]] = {}
        for node_id in sorted(wanted):
            by_label.setdefault(m.class_of(node_id).name, []).append(node_id)
        for label, ids in by_label.items():
            q = f"MATCH (n:{quote(label)}) WHERE n.id IN $ids RETURN n.id"
            stored.update(row[0] for row in store.run_read(q, {"ids": ids}).rows)
        asked |= wanted
        bad = {}
        for line, recs in parsed.by_line.items():
            missing = [(r, end) for r in recs if isinstance(r, Edge) for end in (r.source, r.target)
                       if end not in defined and end not in stored]
            if missing:
                bad[line] = [(r.type, f"{end} does not exist (not in the file, not in the store)")
                             for r, end in missing]
        if not bad:
            return
        for line, problems in bad.items():
            parsed.reject(line, problems)


def read(path: Path, mapping: CsvMapping) -> Iterator[Node | Edge]:
    """Records of a CSV file under a checked mapping; any bad row raises SourceFormatError."""
    parsed = parse(path, mapping)
    if parsed.bad_rows:
        raise SourceFormatError([(path.name, b.line, col, msg) for b in parsed.bad_rows
                                 for col, msg in b.problems])
    yield from parsed.records


def write_bad_rows(parsed: MappedFile, out: Path) -> Path:
    """Write the bad rows (line, problems, then the original cells) as CSV for fixing."""
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["line", "problems", *parsed.header])
        for b in parsed.bad_rows:
            writer.writerow([b.line, "; ".join(f"{c}: {msg}" for c, msg in b.problems),
                             *(b.cells[h] for h in parsed.header)])
    return out
