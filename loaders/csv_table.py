r"""CSV files as tables: decoded, split and checked before any row is mapped (used by the mapped
CSV, EWP and USHMM loaders), and the slugs that ids are built from.

Bad encoding, a wrong delimiter, rows of the wrong length and duplicate columns raise
``SourceFormatError`` naming the file and line.

Example:
    >>> slug("Forces Démocratiques (FDLR)")
    'forces-democratiques-fdlr'
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "list.csv"
    >>> _ = path.write_text("Name;Country\nFDLR;COD\n", encoding="utf-8")
    >>> read_table(path, ",")
    Traceback (most recent call last):
    ...
    ontology.errors.SourceFormatError: list.csv:1: the header has no ',' but has ';': the file seems separated by ';'
    >>> read_table(path, ";").rows
    [(2, ['FDLR', 'COD'])]
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from loaders.crosswalk import normalise
from loaders.yaml_source import Problem
from ontology.errors import SourceFormatError

__all__ = ["Table", "read_table", "slug"]

_DELIMITERS = (",", ";", "\t", "|")


def slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens, for ids built from names."""
    return normalise(text).replace(" ", "-")


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
