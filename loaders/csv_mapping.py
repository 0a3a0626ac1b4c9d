"""The YAML mapping of a CSV list (docs/loading.md has the format), read and checked against the
ontology before any row is: every class, relationship type, property and constant, with the
file, line and closest names in each error.

Example:
    >>> t = Template("actor/{slug(Name)}")
    >>> t.columns, t.prefix, t.render({"Name": "Forces Démocratiques (FDLR)"})
    (['Name'], 'actor', 'actor/forces-democratiques-fdlr')
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.records import check_value
from loaders.csv_table import slug
from loaders.yaml_source import Document, Problem, parse_file
from ontology.errors import OntologyError, SourceFormatError
from ontology.model import Model, Property, load_model

__all__ = ["CsvMapping", "Entry", "PropSpec", "Template", "convert", "load_mapping"]

MAX_MAPPING_BYTES = 1_000_000
_TRUE, _FALSE = {"true", "yes", "y", "1"}, {"false", "no", "n", "0"}
_TEMPLATE = re.compile(r"\{(?:slug\((?P<slug>[^{}()]+)\)|(?P<col>[^{}()]+))\}")


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
            value, bad = convert(prop, value, spec.get("split"), spec.get("format"))
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


def convert(prop: Property, raw: Any, split: str | None, fmt: str | None) -> tuple[Any, list[str]]:
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
