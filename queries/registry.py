"""The catalogue of named queries: ``queries/cypher/*.cypher`` and a few Python queries.

Every query starts with a header of ``//`` comment lines, the same for Cypher files and for
Python queries (whose header is the argument of :func:`python_query`)::

    // name: country_risk_profile
    // description: Risk profile of a country from its latest assessment on or before a date.
    // users: planners
    // param country: str | country id, e.g. country/RWA
    // param as_of: date = today | the latest assessment dated on or before this day
    // param depth: int = 1 in 1..3 | how many steps
    // returns: assessment, date, section, item, level
    // example: country=country/RWA as_of=1994-01-11

Parameter types are ``str``, ``int``, ``float``, ``date``, ``bool`` and ``list[str]``; a
parameter without ``=`` is required. Defaults: ``today`` (dates, taken when the query runs),
``""`` (empty string), ``null``, comma-separated values for lists (``[]`` for none).
A sibling ``<name>.ladybug.cypher`` or ``<name>.neo4j.cypher`` replaces the text for one backend.

Example:
    >>> q = get("country_risk_profile")
    >>> q.users, [p.name for p in q.params][:2]
    (('planners',), ['country', 'as_of'])
    >>> get("country_risk")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ontology.errors.QueryNotFound: unknown query 'country_risk'; did you mean ...country_risk_profile...?
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from graph.base import GraphStore, ReadResult
from ontology.errors import AkgError, OntologyError, QueryNotFound
from queries.params import COERCE, REQUIRED, TYPES, Param, QueryParameterError, qualify
from queries.safe import plain, strip

__all__ = [
    "BACKENDS",
    "CYPHER_DIR",
    "TYPES",
    "USERS",
    "NamedQuery",
    "Param",
    "PythonQuery",
    "QueryParameterError",
    "catalogue",
    "execute",
    "get",
    "parse_header",
    "python_query",
]

CYPHER_DIR = Path(__file__).resolve().parent / "cypher"
USERS = ("planners", "analysts", "researchers")
BACKENDS = ("ladybug", "neo4j")
# Keyword names of queries.run() itself, so no query parameter may use them.
RESERVED = frozenset({"store", "name", "as_frame"})

PythonQuery = Callable[[GraphStore, Mapping[str, Any]], ReadResult]

_PARAM = re.compile(
    r"^(?P<name>[a-z_][a-z0-9_]*)\s*:\s*(?P<type>str|int|float|date|bool|list\[str\])"
    r"(?:\s*=\s*(?P<default>(?:\"\"|[^|\s]+)))?"
    r"(?:\s+in\s+(?P<low>-?\d+)\.\.(?P<high>-?\d+))?"
    r"\s*(?:\|\s*(?P<help>.*))?$"
)
_FIELD = re.compile(r"^//\s?(?:(?P<key>[a-z]+):|(?P<param>param)\s)\s*(?P<value>.*)$")
_CONTINUATION = re.compile(r"^//\s{2,}(?P<value>\S.*)$")
_PARAM_USE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class NamedQuery:
    """A query of the catalogue: its header, and its Cypher text(s) or Python function."""

    name: str
    description: str
    users: tuple[str, ...]
    params: tuple[Param, ...]
    returns: tuple[str, ...]
    example: str = ""
    texts: Mapping[str, str] = field(default_factory=dict)  # "default", "ladybug", "neo4j"
    function: PythonQuery | None = None
    origin: str = ""

    def text_for(self, backend: str) -> str:
        """The Cypher text to send to ``backend`` (its sibling file if it has one)."""
        if self.function is not None:
            raise AkgError(f"{self.name} is a Python query; it has no Cypher text")
        return self.texts.get(backend) or self.texts["default"]

    def bind(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Check and convert parameter values; defaults fill what is not given.

        A bare id given to an id parameter gets its class prefix (``country=RWA`` is
        ``country/RWA``, see :func:`queries.params.qualify`).

        Raises:
            QueryParameterError: an unknown or missing parameter, or a value of the wrong type.
        """
        known = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(known))
        if unknown:
            takes = ", ".join(known) or "no parameters"
            raise QueryParameterError(
                f"{self.name} has no parameter {unknown[0]!r} (it takes: {takes})",
                {"parameter": unknown[0]})
        out: dict[str, Any] = {}
        for p in self.params:
            value = values.get(p.name)
            if value is None:
                if p.required:
                    raise QueryParameterError(
                        f"{self.name} needs parameter {p.name!r} ({p.type})",
                        {"parameter": p.name, "expected": p.type})
                out[p.name] = p.default_value()
            else:
                out[p.name] = qualify(p.name, p.coerce(value, self.name))
        return out

    @property
    def dialects(self) -> str:
        """How the query is written, for the docs."""
        if self.function is not None:
            return "Python (several Cypher reads or the model)"
        own = [b for b in BACKENDS if b in self.texts]
        if not own:
            return "one Cypher text for every backend"
        return "Cypher with its own text for " + " and ".join(own)


# ---------------------------------------------------------------------------- parsing
def parse_header(text: str, origin: str) -> tuple[dict[str, Any], str]:
    """Split a query into its header fields and its body; malformed headers raise."""
    fields: dict[str, Any] = {"param": []}
    lines = text.strip().splitlines()
    body_start = 0
    last: str | None = None
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped.startswith("//"):
            body_start = i
            break
        body_start = i + 1
        cont = _CONTINUATION.match(stripped)
        m = _FIELD.match(stripped)
        if cont and last in {"description"}:
            fields[last] += " " + cont.group("value").strip()
        elif m:
            key, value = m.group("key") or m.group("param"), m.group("value").strip()
            if key not in {"name", "description", "users", "param", "returns", "example"}:
                raise OntologyError(f"{origin}: unknown header field {key!r}")
            if key == "param":
                fields["param"].append(value)
            else:
                fields[key] = value
            last = key
        else:
            last = None
    return fields, "\n".join(lines[body_start:]).strip()


def _parse_param(line: str, origin: str) -> Param:
    m = _PARAM.match(line)
    if not m:
        raise OntologyError(f"{origin}: cannot read parameter line {line!r} "
                            f"(expected 'name: type [= default] [in lo..hi] [| help]')")
    name, kind, raw = m.group("name"), m.group("type"), m.group("default")
    if name in RESERVED:
        raise OntologyError(f"{origin}: parameter name {name!r} is reserved")
    default: Any = REQUIRED
    if raw is not None:
        if raw == "null":
            default = None
        elif raw == '""':
            default = ""
        elif raw == "today" and kind == "date":
            default = "today"
        else:
            try:
                default = COERCE[kind](raw)
            except (TypeError, ValueError):
                raise OntologyError(f"{origin}: default {raw!r} of {name} is not a {kind}") from None
    low = int(m.group("low")) if m.group("low") else None
    high = int(m.group("high")) if m.group("high") else None
    return Param(name, kind, default, low, high, (m.group("help") or "").strip())


def _build(fields: Mapping[str, Any], origin: str, **extra: Any) -> NamedQuery:
    for key in ("name", "description", "users", "returns"):
        if not fields.get(key):
            raise OntologyError(f"{origin}: header lacks '// {key}:'")
    users = tuple(u.strip() for u in str(fields["users"]).split(","))
    if not set(users) <= set(USERS):
        raise OntologyError(f"{origin}: users must be among {', '.join(USERS)}, got {fields['users']}")
    params = tuple(_parse_param(p, origin) for p in fields["param"])
    return NamedQuery(
        name=str(fields["name"]),
        description=str(fields["description"]),
        users=users,
        params=params,
        returns=tuple(c.strip() for c in str(fields["returns"]).split(",")),
        example=str(fields.get("example", "")),
        origin=origin,
        **extra,
    )


def parameters_used(text: str) -> set[str]:
    """``$names`` in a Cypher text (outside strings and comments)."""
    return set(_PARAM_USE.findall(strip(text)))


def _load_file(path: Path, siblings: Mapping[str, Path]) -> NamedQuery:
    origin = f"queries/cypher/{path.name}"
    fields, body = parse_header(path.read_text(encoding="utf-8"), origin)
    texts = {"default": body}
    for backend, sibling in siblings.items():
        texts[backend] = parse_header(sibling.read_text(encoding="utf-8"), sibling.name)[1]
    query = _build(fields, origin, texts=texts)
    if query.name != path.name.removesuffix(".cypher"):
        raise OntologyError(f"{origin}: header names {query.name!r}, file is {path.name}")
    declared = {p.name for p in query.params}
    for key, text in texts.items():
        used = parameters_used(text)
        if used != declared:
            where = origin if key == "default" else siblings[key].name
            raise OntologyError(f"{where}: uses parameters {sorted(used)} but the header "
                                f"declares {sorted(declared)}")
    return query


_PYTHON: dict[str, NamedQuery] = {}


def python_query(header: str) -> Callable[[PythonQuery], PythonQuery]:
    """Register a Python function as a named query; ``header`` has the same lines as a file's."""
    def register(fn: PythonQuery) -> PythonQuery:
        origin = f"{fn.__module__}.{fn.__name__}"
        fields, _ = parse_header(header, origin)
        query = _build(fields, origin, function=fn)
        _PYTHON[query.name] = query
        return fn
    return register


@cache
def _cypher_queries() -> dict[str, NamedQuery]:
    out: dict[str, NamedQuery] = {}
    for path in sorted(CYPHER_DIR.glob("*.cypher")):
        stem = path.name.removesuffix(".cypher")
        if "." in stem:
            base, _, backend = stem.rpartition(".")
            if backend not in BACKENDS or not (CYPHER_DIR / f"{base}.cypher").exists():
                raise OntologyError(f"queries/cypher/{path.name}: a sibling must be "
                                    f"<name>.ladybug.cypher or <name>.neo4j.cypher next to <name>.cypher")
            continue
        siblings = {b: CYPHER_DIR / f"{stem}.{b}.cypher" for b in BACKENDS
                    if (CYPHER_DIR / f"{stem}.{b}.cypher").exists()}
        out[stem] = _load_file(path, siblings)
    return out


def catalogue() -> dict[str, NamedQuery]:
    """Every named query by name, sorted by name."""
    merged = {**_cypher_queries(), **_PYTHON}
    clash = set(_cypher_queries()) & set(_PYTHON)
    if clash:
        raise OntologyError(f"queries defined both as Cypher and Python: {sorted(clash)}")
    return dict(sorted(merged.items()))


def get(name: str) -> NamedQuery:
    """The query called ``name``; an unknown name raises with the nearest names."""
    queries = catalogue()
    if name in queries:
        return queries[name]
    near = difflib.get_close_matches(name, list(queries), n=3, cutoff=0.5)
    near += [q for q in queries if name and (name in q or q in name) and q not in near]
    hint = f"; did you mean {', '.join(near[:3])}?" if near else "; `akg query --list` shows them all"
    raise QueryNotFound(f"unknown query {name!r}{hint}", {"near": near[:3]})


def execute(
    store: GraphStore,
    name: str,
    params: Mapping[str, Any] | None = None,
    *,
    timeout: float | None = None,
    limit: int | None = None,
) -> ReadResult:
    """Run a named query with checked parameters; rows come back as plain values."""
    query = get(name)
    bound = query.bind(params or {})
    if query.function is not None:
        result = query.function(store, bound)
        rows = result.rows
        truncated = limit is not None and len(rows) > limit
        return ReadResult(result.columns, plain(rows[:limit] if truncated else rows), truncated)
    result = store.run_read(query.text_for(store.backend), bound, timeout=timeout, limit=limit)
    return ReadResult(result.columns, plain(result.rows), result.truncated)
