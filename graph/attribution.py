"""The data attribution an export carries: the required citation of every current dataset version
(with its access date, and ILLUSTRATIVE when the data is made up) and of the evidence sources
behind response options (the USHMM Tools for Atrocity Prevention data).

Example:
    >>> line({"citation": "ACLED; accessed 2025-01-02", "illustrative": True, "dataset": "ACLED"})
    'ACLED; accessed 2025-01-02 [ILLUSTRATIVE: made-up data in this format, not evidence]'
    >>> comment_block(["a", "b"])
    '# Data attribution (cite these wherever the numbers are used):\\n#   a\\n#   b\\n'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph.base import GraphStore
from graph.datasets import list_versions

__all__ = ["EVIDENCE_SOURCES_CYPHER", "attribution_lines", "comment_block", "line"]

EVIDENCE_SOURCES_CYPHER = """
MATCH (:ResponseOption)-[c:CONDITIONED_BY]->(:EffectivenessFactor)
UNWIND c.sources AS source
WITH DISTINCT source
MATCH (s:Source {id: source})
RETURN s.publisher AS publisher, coalesce(s.title, s.name) AS title, s.url AS url, s.published AS published
ORDER BY title
"""
ILLUSTRATIVE = " [ILLUSTRATIVE: made-up data in this format, not evidence]"


def line(version: Mapping[str, Any]) -> str:
    """One dataset version's attribution line."""
    text = str(version.get("citation") or version.get("dataset") or version.get("id"))
    if version.get("accessed") and "accessed" not in text:
        text += f"; accessed {version['accessed']}"
    return text + (ILLUSTRATIVE if version.get("illustrative") else "")


def attribution_lines(store: GraphStore) -> list[str]:
    """Attribution of the current dataset versions and of the evidence sources, each once."""
    out: list[str] = []
    for v in list_versions(store):
        if v.get("current") and line(v) not in out:
            out.append(line(v))
    for s in store.run_read(EVIDENCE_SOURCES_CYPHER).dicts():
        text = ", ".join(str(x) for x in (s["publisher"], s["title"], s["url"], s["published"]) if x)
        if text not in out:
            out.append(text)
    return out


def comment_block(lines: list[str]) -> str:
    """The lines as a ``#`` comment block (Turtle, N-Triples, text)."""
    if not lines:
        return ""
    return "# Data attribution (cite these wherever the numbers are used):\n" + "".join(f"#   {x}\n" for x in lines)
