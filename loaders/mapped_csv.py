"""Any CSV list a team keeps (sanctions lists, militia rosters), read through a YAML mapping.

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

Example:
    >>> slug("Forces Démocratiques (FDLR)")
    'forces-democratiques-fdlr'
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.base import GraphStore
from graph.records import Edge, Node, check_value
from graph.schema import quote
from loaders.crosswalk import normalise
from loaders.yaml_source import Document, Problem, parse_file
from ontology.errors import InvalidRecord, OntologyError, SourceFormatError
from ontology.model import Model, Property, load_model

__all__ = ["BadRow", "CsvMapping", "MappedFile", "Table", "check_references", "load_mapping",
           "parse", "read", "read_table", "slug", "write_bad_rows"]

MAX_MAPPING_BYTES = 1_000_000
_DELIMITERS = (",", ";", "\t", "|")
_TEMPLATE = re.compile(r"\{(?:slug\((?P<slug>[^{}()]+)\)|(?P<col>[^{}()]+))\}")
_TRUE, _FALSE = {"true", "yes", "y", "1"}, {"false", "no", "n", "0"}


def slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens, for ids built from names."""
    return normalise(text).replace(" ", "-")


# ---------------------------------------------------------------- CSV tables
@dataclass
class Table:
    """A decoded CSV file: its header and its rows with the line each starts on."""

    name: str
    header: list[str]
    rows: list[tuple[int, list[str]]]


def read_table(path: Path, delimiter: str = ",", encoding: str = "utf-8",
               expected: str = "") -> Table:
    """Decode and split a CSV file; bad encoding, delimiter or shape raise SourceFormatError.

    A UTF-8 byte-order mark is accepted. ``expected`` is added to header errors (for example
    the columns a format needs).
    """
    name = path.name
    data = path.read_bytes()
    if not data.strip():
        raise SourceFormatError([(name, None, "", "the file is empty")])
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in {"utf-8", "utf8"} else encoding
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SourceFormatError([(name, line, "", f"not {encoding} text (byte 0x{data[exc.start]:02x}); "
                                  f"save the file as {encoding} or name its encoding")]) from None
    except LookupError:
        raise SourceFormatError([(name, None, "", f"unknown encoding {encoding!r}")]) from None
    first = text.lstrip("\r\n").split("\n", 1)[0]
    other = [d for d in _DELIMITERS if d != delimiter and d in first]
    if delimiter not in first and other:
        shown = "tab" if other[0] == "\t" else repr(other[0])
        raise SourceFormatError([(name, 1, "", f"the header has no {delimiter!r} but has {shown}: "
                                  f"the file seems separated by {shown}{expected}")])
    reader = csv.reader(text.splitlines(keepends=True), delimiter=delimiter, strict=True)
    try:
        header = [h.strip() for h in next(reader)]
        rows: list[tuple[int, list[str]]] = []
        problems: list[Problem] = []
        start = reader.line_num + 1
        for row in reader:
            if any(cell.strip() for cell in row):
                if len(row) != len(header):
                    problems.append((name, start, "", f"has {len(row)} fields; the header has {len(header)}"))
                else:
                    rows.append((start, [cell.strip() for cell in row]))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise SourceFormatError([(name, reader.line_num, "", f"CSV error: {exc}")]) from None
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise SourceFormatError([(name, 1, "", f"duplicate column(s) {', '.join(dupes)}")])
    if problems:
        raise SourceFormatError(problems[:50])
    return Table(name, header, rows)


# ---------------------------------------------------------------- the mapping
@dataclass(frozen=True)
class Template:
    """An id template such as ``actor/{slug(Name)}``."""

    text: str

    @property
    def columns(self) -> list[str]:
        """Columns the template reads."""
        return [(m.group("slug") or m.group("col")).strip() for m in _TEMPLATE.finditer(self.text)]

    @property
    def prefix(self) -> str | None:
        """The literal class prefix before the first ``/``, when there is one."""
        head = self.text.split("/", 1)[0]
        return head if "/" in self.text and "{" not in head else None

    def render(self, row: Mapping[str, str]) -> str:
        """The id for a row (the caller checks that the columns are filled)."""
        return _TEMPLATE.sub(lambda m: slug(row[m.group("slug").strip()]) if m.group("slug")
                             else row[m.group("col").strip()], self.text)


@dataclass(frozen=True)
class PropSpec:
    """Where one property's value comes from."""

    prop: Property
    column: str | None
    value: Any = None
    split: str | None = None
    format: str | None = None


@dataclass(frozen=True)
class Entry:
    """One ``nodes:`` or ``relationships:`` entry."""

    owner: str  # class or relationship type
    templates: tuple[Template, ...]  # id, or (from, to)
    props: tuple[PropSpec, ...]


@dataclass(frozen=True)
class CsvMapping:
    """A checked mapping file."""

    name: str
    delimiter: str
    encoding: str
    nodes: tuple[Entry, ...]
    relationships: tuple[Entry, ...]

    @property
    def columns(self) -> set[str]:
        """Every column the mapping reads."""
        out: set[str] = set()
        for e in self.nodes + self.relationships:
            out.update(c for t in e.templates for c in t.columns)
            out.update(p.column for p in e.props if p.column)
        return out


def _closest(word: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(known), n=3)
    return f" (did you mean {', '.join(close)}?)" if close else f" (valid: {', '.join(sorted(known))})"


def _keys(doc: Document, path: tuple[str | int, ...], obj: Any, allowed: Sequence[str],
          problems: list[Problem]) -> dict[str, Any]:
    if not isinstance(obj, dict):
        problems.append(doc.problem(path, f"expected a mapping with keys {', '.join(allowed)}"))
        return {}
    for key in obj:
        if key not in allowed:
            problems.append(doc.problem(path + (key,), f"unknown key {key!r}{_closest(key, allowed)}"))
    return obj


def _prop_specs(doc: Document, path: tuple[str | int, ...], owner: str, raw: Any, m: Model,
                problems: list[Problem]) -> tuple[PropSpec, ...]:
    allowed = {k: v for k, v in m.owner_properties(owner).items() if k != "id"}
    specs = []
    for name, spec in (raw or {}).items() if isinstance(raw, dict) else []:
        where = path + (name,)
        prop = allowed.get(name)
        if prop is None:
            problems.append(doc.problem(where, f"{owner} has no property {name!r}{_closest(name, list(allowed))}"))
            continue
        if isinstance(spec, str):
            specs.append(PropSpec(prop, spec))
            continue
        spec = _keys(doc, where, spec, ("column", "value", "split", "format"), problems)
        if ("column" in spec) == ("value" in spec):
            problems.append(doc.problem(where, "give either column or value"))
            continue
        if "column" in spec and not isinstance(spec["column"], str):
            problems.append(doc.problem(where + ("column",), "expected a column name"))
            continue
        if spec.get("split") and not prop.multi:
            problems.append(doc.problem(where + ("split",), f"{name} holds one value; split needs a list property"))
        if spec.get("format") and prop.datatype != "date":
            problems.append(doc.problem(where + ("format",), f"{name} is not a date; format applies to dates"))
        value = spec.get("value")
        if "value" in spec:
            value, bad = _convert(prop, value, spec.get("split"), spec.get("format"))
            bad = bad or check_value(m, owner, prop, value)[1]
            if bad:
                problems.append(doc.problem(where + ("value",), "; ".join(bad)))
                continue
        specs.append(PropSpec(prop, spec.get("column"), value, spec.get("split"), spec.get("format")))
    if raw is not None and not isinstance(raw, dict):
        problems.append(doc.problem(path, "expected a mapping of property: column"))
    return tuple(specs)


def _template(doc: Document, path: tuple[str | int, ...], text: Any, allowed: Sequence[str],
              m: Model, problems: list[Problem]) -> Template:
    if not isinstance(text, str) or not _TEMPLATE.search(text):
        problems.append(doc.problem(path, "expected an id template such as \"actor/{slug(Name)}\""))
        return Template("")
    t = Template(text)
    if t.prefix is not None:
        cls = m.by_prefix.get(t.prefix)
        if cls is None:
            problems.append(doc.problem(path, f"unknown id prefix {t.prefix!r}{_closest(t.prefix, list(m.by_prefix))}"))
        elif cls.name not in allowed:
            problems.append(doc.problem(path, f"{cls.name} ids cannot go here (allowed: {', '.join(sorted(allowed))})"))
    return t


def load_mapping(path: Path, model: Model | None = None) -> CsvMapping:
    """Read and check a mapping file; every problem names the file, line and closest names."""
    m = model or load_model()
    doc = parse_file(path, MAX_MAPPING_BYTES)
    problems: list[Problem] = []
    top = _keys(doc, (), doc.data, ("delimiter", "encoding", "nodes", "relationships", "description"),
                problems)
    nodes: list[Entry] = []
    rels: list[Entry] = []
    for key in ("nodes", "relationships"):
        if not isinstance(top.get(key) or [], list):
            problems.append(doc.problem((key,), f"expected a list of {key} entries (each starting with -)"))
            top = {**top, key: []}
    for i, raw in enumerate(top.get("nodes") or []):
        e = _keys(doc, ("nodes", i), raw, ("class", "id", "properties"), problems)
        try:
            cls = m.node_class(str(e.get("class")))
        except OntologyError as exc:
            problems.append(doc.problem(("nodes", i, "class"), exc.message))
            continue
        t = _template(doc, ("nodes", i, "id"), e.get("id"), [cls.name], m, problems)
        props = _prop_specs(doc, ("nodes", i, "properties"), cls.name, e.get("properties"), m, problems)
        mapped = {p.prop.name for p in props}
        for name in cls.properties:
            if m.constraint(cls.name, name).required and name not in mapped:
                problems.append(doc.problem(("nodes", i, "properties"), f"{cls.name} requires {name}; map it"))
        nodes.append(Entry(cls.name, (t,), props))
    for i, raw in enumerate(top.get("relationships") or []):
        e = _keys(doc, ("relationships", i), raw, ("type", "from", "to", "properties"), problems)
        try:
            rel = m.relationship(str(e.get("type")))
        except OntologyError as exc:
            problems.append(doc.problem(("relationships", i, "type"), exc.message))
            continue
        ends = (_template(doc, ("relationships", i, "from"), e.get("from"), sorted(rel.domain), m, problems),
                _template(doc, ("relationships", i, "to"), e.get("to"), sorted(rel.range), m, problems))
        props = _prop_specs(doc, ("relationships", i, "properties"), rel.name, e.get("properties"), m,
                            problems)
        rels.append(Entry(rel.name, ends, props))
    if not nodes and not rels and not problems:
        problems.append(doc.problem((), "the mapping has no nodes and no relationships"))
    delimiter = str(top.get("delimiter", ","))
    if len(delimiter) != 1:
        problems.append(doc.problem(("delimiter",), f"expected one character, got {delimiter!r}"))
    if problems:
        raise SourceFormatError(problems)
    return CsvMapping(path.name, delimiter, str(top.get("encoding", "utf-8")), tuple(nodes), tuple(rels))


# ---------------------------------------------------------------- rows
def _convert(prop: Property, raw: Any, split: str | None, fmt: str | None) -> tuple[Any, list[str]]:
    """A cell (or constant) as the property's type; returns (value, problems)."""
    if prop.multi:
        items = raw if isinstance(raw, list) else (str(raw).split(split) if split else [raw])
        out, bad = [], []
        for item in items:
            if str(item).strip():
                value, problems = _scalar(prop, str(item).strip(), fmt)
                out.append(value)
                bad += problems
        return (sorted(set(out)) if prop.merge_union else out), bad
    return _scalar(prop, str(raw).strip() if not isinstance(raw, (bool, int, float)) else raw, fmt)


def _scalar(prop: Property, raw: Any, fmt: str | None) -> tuple[Any, list[str]]:
    if not isinstance(raw, str):
        return raw, []
    try:
        if prop.datatype == "integer":
            return int(raw), []
        if prop.datatype == "double":
            return float(raw), []
        if prop.datatype == "date":
            return (dt.datetime.strptime(raw, fmt).date() if fmt else dt.date.fromisoformat(raw)), []
    except ValueError:
        wanted = {"integer": "an integer", "double": "a number",
                  "date": f"a date ({fmt or 'YYYY-MM-DD'})"}[prop.datatype]
        return raw, [f"{raw!r} is not {wanted}"]
    if prop.datatype == "boolean":
        if raw.lower() in _TRUE | _FALSE:
            return raw.lower() in _TRUE, []
        return raw, [f"{raw!r} is not true/false"]
    return raw, []


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
            value, bad = _convert(spec.prop, cells[spec.column], spec.split, spec.format)
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
