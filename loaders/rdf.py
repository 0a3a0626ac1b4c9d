"""RDF in the ontology's own terms (Turtle, JSON-LD, N-Triples) to records.

Example:
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.ttl"
    >>> _ = p.write_text('@prefix akg: <https://w3id.org/atrocity-kg/ontology#> .\\n'
    ...                  '<https://w3id.org/atrocity-kg/id/actor/x> a akg:Actor ; akg:kind "militia" ;'
    ...                  ' <http://www.w3.org/2004/02/skos/core#prefLabel> "X" .\\n')
    >>> [r.id for r in read(p)]
    ['actor/x']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from rdflib import Graph

from graph.rdf import records_from_rdf
from graph.records import Edge, Node
from ontology.errors import SourceFormatError

__all__ = ["FORMATS", "parse", "read"]

FORMATS = {".ttl": "turtle", ".jsonld": "json-ld", ".json": "json-ld", ".nt": "nt", ".n3": "n3"}
_LINE = re.compile(r"line (\d+)", re.IGNORECASE)


def parse(paths: Iterable[Path], rdf_format: str | None = None) -> Graph:
    """Parse one or more RDF files into one graph; a syntax error names the file and line."""
    g = Graph()
    for path in paths:
        fmt = rdf_format or FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise SourceFormatError([(str(path), None, "", f"unknown RDF file type {path.suffix!r}; "
                                      f"use one of {', '.join(sorted(FORMATS))}")])
        if not path.is_file():
            raise SourceFormatError([(str(path), None, "", "no such file")])
        if path.stat().st_size == 0:
            raise SourceFormatError([(str(path), None, "", "the file is empty")])
        try:
            g.parse(path, format=fmt)
        except Exception as exc:  # rdflib raises several unrelated types for bad syntax
            text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            found = _LINE.search(str(exc))
            line = int(found.group(1)) if found else None
            raise SourceFormatError([(str(path), line, "", f"RDF syntax error: {text}")]) from None
    return g


def read(path: Path, rdf_format: str | None = None) -> Iterator[Node | Edge]:
    """Records stated in one RDF file."""
    yield from records_from_rdf(parse([path], rdf_format), where=str(path))
