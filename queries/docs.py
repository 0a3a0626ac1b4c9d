"""docs/queries.md, written from the headers of the named queries."""

from __future__ import annotations

from collections.abc import Mapping

from queries.registry import USERS, NamedQuery, catalogue

__all__ = ["markdown", "queries_markdown"]


def _example(query: NamedQuery) -> str:
    if query.example:
        pairs = query.example.split()
    else:
        pairs = [f"{p.name}=<{p.type}>" for p in query.params if p.required]
    return " ".join([f"akg query run {query.name}"] + [f"--param {p}" for p in pairs])


def markdown(queries: Mapping[str, NamedQuery]) -> str:
    """The page for ``queries`` (name to query), grouped by the first of their users."""
    out = [
        "# Named queries",
        "",
        "Generated from the headers of `queries/cypher/*.cypher` and of the Python queries in",
        "`queries/builtin.py` by `queries.docs.queries_markdown()`: do not edit by hand.",
        "",
        "Run one with `akg query run NAME --param key=value`, or from Python with",
        '`queries.run(store, "NAME", key=value)` (rows as dicts; `as_frame=True` for a pandas',
        "DataFrame). Dates are ISO (`2024-07-31`); `today` is the day the query runs; lists are",
        "comma-separated. Researchers' own read-only Cypher goes through `queries.run_safe`.",
        "",
    ]
    for group in USERS:
        members = [q for q in queries.values() if q.users[0] == group]
        out += [f"## For {group}", ""]
        out += [f"- [`{q.name}`](#{q.name.replace('_', '-')}): {q.description.split('. ')[0].rstrip('.')}"
                for q in members]
        out.append("")
        for q in members:
            out += [f"### {q.name}", "", q.description, "",
                    f"- **Users:** {', '.join(q.users)}",
                    f"- **Written as:** {q.dialects}"]
            if q.params:
                out.append("- **Parameters:**")
                for p in q.params:
                    bounds = f", {p.low}..{p.high}" if p.low is not None else ""
                    default = "required" if p.required else f"default `{p.shown_default()}`"
                    helptext = f": {p.help}" if p.help else ""
                    out.append(f"  - `{p.name}` ({p.type}{bounds}; {default}){helptext}")
            else:
                out.append("- **Parameters:** none")
            out += [f"- **Returns:** {', '.join(f'`{c}`' for c in q.returns)}", "",
                    "```", _example(q), "```", ""]
    return "\n".join(out).rstrip() + "\n"


def queries_markdown() -> str:
    """docs/queries.md: every named query of :func:`queries.registry.catalogue`."""
    return markdown(catalogue())
