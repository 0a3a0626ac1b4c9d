"""YAML (or JSON) documents that remember the line of every value, for precise error messages.

Example:
    >>> doc = parse_text("a: 1\\nb:\\n  - x: 2\\n", "f.yaml")
    >>> doc.data["b"][0]["x"], doc.line(("b", 0, "x"))
    (2, 3)
    >>> field_path(("b", 0, "x"))
    'b[0].x'
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ontology.errors import SourceFormatError

__all__ = ["MAX_DEPTH", "Document", "Problem", "field_path", "nesting_line", "parse_file", "parse_text"]

Path_ = tuple[str | int, ...]
Problem = tuple[str, int | None, str, str]
# Deepest nesting of lists and mappings accepted (an assessment needs about 5).
MAX_DEPTH = 64
_FLOW = re.compile(r"""[\[\]{}\n#'"]""")


def nesting_line(text: str, limit: int = MAX_DEPTH) -> int | None:
    """The line where ``[``/``{`` nesting first passes ``limit`` (None when it never does).

    A linear scan, before any parser sees the text: PyYAML's scanner takes 17 s over 50,000
    ``[`` and its composer recurses once per level. Comments and quoted scalars are skipped;
    the check errs towards refusing (an unbalanced ``[`` in plain text counts).

    >>> nesting_line("a: [[1], {b: '[[[['}]  # [[[["), nesting_line("x: " + "[" * 70, 64)
    (None, 1)
    """
    depth, line, pos = 0, 1, 0
    while True:
        m = _FLOW.search(text, pos)
        if m is None:
            return None
        ch, pos = m.group(0), m.end()
        if ch == "\n":
            line += 1
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return line
        elif ch in "]}":
            depth = max(0, depth - 1)
        elif ch == "#" and (m.start() == 0 or text[m.start() - 1] in " \t\n"):
            end = text.find("\n", pos)
            pos = len(text) if end < 0 else end
        elif ch in "'\"":
            if _opens_scalar(text, m.start()):
                end = _closing_quote(text, pos, ch)
                line += text.count("\n", pos, end)
                pos = end


def _opens_scalar(text: str, at: int) -> bool:
    """Whether the quote at ``at`` opens a quoted scalar: it follows the line's start, one of
    ``[{,:`` or ``- `` (blanks between). Looks back over the blanks only, so a scan stays linear
    however long the line (a one-line JSON body of 2 MB is one line).

    >>> [_opens_scalar(t, t.index("'")) for t in ("a: 'x'", "  'x'", "- 'x'", "it's", "a -'x'")]
    [True, True, True, False, False]
    """
    j = at - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    if j < 0 or text[j] in "\n[{,:":
        return True
    return text[j] == "-" and j < at - 1


def _closing_quote(text: str, pos: int, quote: str) -> int:
    """Just after the quote closing a scalar opened before ``pos`` (the text's end if none)."""
    while True:
        end = text.find(quote, pos)
        if end < 0:
            return len(text)
        if quote == "'" and text.startswith("''", end):
            pos = end + 2  # '' is an escaped quote
        elif quote == '"' and _escaped(text, end):
            pos = end + 1
        else:
            return end + 1


def _escaped(text: str, at: int) -> bool:
    backslashes = 0
    while at - backslashes - 1 >= 0 and text[at - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def field_path(path: Sequence[str | int]) -> str:
    """``("risk_factors", 3, "level")`` → ``risk_factors[3].level``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass
class Document:
    """Parsed data plus the line of each value and each mapping key."""

    name: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line(self, path: Sequence[str | int]) -> int | None:
        """Line of the value at ``path``, or of its nearest ancestor that has one."""
        p = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return self.lines.get((), 1)

    def problem(self, path: Sequence[str | int], message: str) -> Problem:
        """A located problem for :class:`SourceFormatError`."""
        return (self.name, self.line(path), field_path(path), message)


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text, so a bad date is reported like any other value."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

# libyaml's parser (PyYAML's C extension) with the same resolvers and constructors: about ten times
# faster than the pure-Python one. A document it refuses is parsed again by the pure-Python loader,
# so every error reads the same whichever parser the machine has.
_FastLoader: type[Any] = _Loader
if yaml.__with_libyaml__:
    class _CLoader(yaml.CSafeLoader):
        """The C-parser twin of :class:`_Loader`."""

    _CLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
    _FastLoader = _CLoader


def _walk(node: yaml.Node, path: Path_, lines: dict[Path_, int], problems: list[Problem],
          name: str) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                problems.append((name, key_node.start_mark.line + 1, field_path(path + (key,)),
                                 "duplicate key"))
            seen.add(key)
            _walk(value_node, path + (key,), lines, problems, name)
            lines[path + (key,)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, path + (i,), lines, problems, name)


def _plain(value: Any) -> Any:
    """Dates to ISO text so that YAML and JSON documents validate the same way."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def parse_text(text: str, name: str) -> Document:
    """Parse YAML (JSON is YAML too); syntax errors and duplicate keys raise with line/column."""
    if not text.strip():
        raise SourceFormatError([(name, None, "", "the file is empty")])
    deep = nesting_line(text)
    if deep is not None:
        raise SourceFormatError([(name, deep, "", f"lists and mappings nested more than {MAX_DEPTH} "
                                  "levels deep")])
    try:
        node, data = _parse(text, name, _FastLoader)
    except yaml.YAMLError:
        node, data = _parse(text, name, _Loader)  # the same message whichever parser refused it
    if node is None:
        raise SourceFormatError([(name, None, "", "the file is empty")])
    lines: dict[Path_, int] = {}
    problems: list[Problem] = []
    _walk(node, (), lines, problems, name)
    if problems:
        raise SourceFormatError(problems)
    return Document(name, _plain(data), lines)


def _parse(text: str, name: str, loader: type[Any]) -> tuple[yaml.Node | None, Any]:
    """The document's node tree and its data; its depth and aliases checked on the way.

    Raises:
        SourceFormatError: a syntax error (with ``_Loader``), too deep, anchors or aliases.
        yaml.YAMLError: a syntax error found by another loader (the caller retries with ``_Loader``).
    """
    try:
        depth = 0
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    line = event.start_mark.line + 1 if event.start_mark else None
                    raise SourceFormatError([(name, line, "", "lists and mappings nested more than "
                                              f"{MAX_DEPTH} levels deep")])
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            anchor = getattr(event, "anchor", None)
            if isinstance(event, yaml.AliasEvent) or anchor:
                line = event.start_mark.line + 1 if event.start_mark else None
                raise SourceFormatError([(name, line, "", "YAML anchors and aliases (& and *) are not "
                                          "accepted: write the values out")])
        parser = loader(text)
        try:
            node = parser.get_single_node()
            data = parser.construct_document(node) if node is not None else None
        finally:
            parser.dispose()
    except yaml.YAMLError as exc:
        if loader is not _Loader:
            raise
        raise _syntax_error(name, exc) from None
    return node, data


def _syntax_error(name: str, exc: yaml.YAMLError) -> SourceFormatError:
    """A YAML error as one located problem."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = f" column {mark.column + 1}" if mark else ""
        return SourceFormatError([(name, line, "", f"YAML syntax error at{column}: {exc.problem}")])
    return SourceFormatError([(name, None, "", f"YAML error: {exc}")])


def parse_file(path: Path, max_bytes: int) -> Document:
    """Read and parse a file, refusing files larger than ``max_bytes`` before reading them."""
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SourceFormatError([(str(path), None, "", f"cannot read: {exc.strerror}")]) from None
    if size > max_bytes:
        raise SourceFormatError([(name, None, "", f"the file is {size:,} bytes; the limit is "
                                  f"{max_bytes:,} (AKG_MAX_ASSESSMENT_BYTES)")])
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SourceFormatError([(name, None, "", f"not UTF-8 text: {exc.reason} at byte {exc.start}")]) \
            from None
    if path.suffix.lower() == ".json":
        deep = nesting_line(text)
        if deep is not None:
            raise SourceFormatError([(name, deep, "", f"lists and objects nested more than {MAX_DEPTH} "
                                      "levels deep")])
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            raise SourceFormatError([(name, exc.lineno, "", f"JSON syntax error at column {exc.colno}: "
                                      f"{exc.msg}")]) from None
    return parse_text(text, name)
