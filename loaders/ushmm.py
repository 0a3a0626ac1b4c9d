"""USHMM "Tools for Atrocity Prevention" factor files (``all_factors_<N>.csv``) to evidence records.

The Simon-Skjodt Center of the United States Holocaust Memorial Museum publishes, in the
repository ``ushmm/atrocity-prevention-data``, one row per (tool, factor): 23 tools, the
contextual and design factors research links to each tool working better or worse, the
counts of findings, a vote-count strength, the practitioner interviews and the four strategy
flags of each tool. Versions 2 (April 2024) and 3 (April 2025) are read; the version is told
from the header (``Name.Final`` and ``Tool`` in version 2; ``Name.Final_research`` and
``Name.Final_practitioner`` in version 3) and a file of another version, or with renamed
columns, is refused with the missing columns named.

What one file yields (docs/evidence.md has the details):

- a Source node ``source/ushmm-tools-v<N>`` (dataset, version, file name and date in its name);
- an EffectivenessFactor ``factor/<slug of the factor name>`` per factor;
- ResponseOption ``CONDITIONED_BY`` EffectivenessFactor per (tool, factor) row, from the option
  whose ``ushmm_tool`` is the row's ``tool_name``; direction ``greater`` when the row has more
  greater than lesser findings, ``lesser`` for the reverse, else ``mixed``;
- ResponseOption ``SUPPORTS_STRATEGY`` Strategy from the tool's ``dissuade``, ``degrade``,
  ``protect`` and ``transition`` flags.

The published counts are turned to face the factor the row names. Where research found a
factor lowers effectiveness and the factor has an opposite, the Museum names the row by the
opposite (``inversion_with_neg_strength`` = 1). Version 3 also swaps the greater and lesser
counts of every row whose provisional vote (``temp_vote_count_factor``) is negative; version
2 does not swap them. The loader undoes whichever mismatch remains, so ``greater_findings``
always counts findings that the named factor raises effectiveness. ``research_strength`` is the
vote count facing the named factor (``vote_count_factor`` in version 3, ``vote_count`` in
version 2). ``practitioner_strength`` is ``proportion_practitioner`` facing the named factor:
positive when the interviewed practitioners tied the factor to greater effectiveness (version 3
signs it relative to the original factor, ``Name``, and the loader turns it round where the row
is named by the opposite; version 2 defines it for the named factor and is read as published). Factors that only
practitioners named (version 3: ``Name.Final_research`` is NA) get their direction from that sign
and no research counts.

Example:
    >>> orient(greater=2, lesser=9, version=2, inverted=True, temp_vote=-4.0)
    (9, 2)
    >>> direction_of(9, 2), direction_of(1, 1), direction_of(0, 3)
    ('greater', 'mixed', 'lesser')
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from graph.records import Edge, Node
from loaders import vocabularies
from loaders.csv_table import read_table, slug
from loaders.ushmm_layout import LAYOUTS, STRATEGIES, Layout, Problem, Row, detect
from ontology.errors import InvalidRecord, SourceFormatError

__all__ = ["LAYOUTS", "PUBLISHER", "REPOSITORY", "Layout", "UshmmFile", "direction_of", "orient",
           "parse", "read", "source_id", "tool_options"]

REPOSITORY = "https://github.com/ushmm/atrocity-prevention-data"
PUBLISHER = "United States Holocaust Memorial Museum, Simon-Skjodt Center for the Prevention of Genocide"
DATASET = "Tools for Atrocity Prevention"


def source_id(version: int) -> str:
    """Id of the Source node of a version."""
    return f"source/ushmm-tools-v{version}"


@cache
def tool_options() -> dict[str, str]:
    """Folded USHMM tool name -> response option id, from the vocabularies' ``ushmm_tool``."""
    out: dict[str, str] = {}
    for record in vocabularies.read():
        if isinstance(record, Node) and record.label == "ResponseOption" and "ushmm_tool" in record.props:
            out[_fold(str(record.props["ushmm_tool"]))] = record.id
    return out


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def orient(*, greater: int, lesser: int, version: int, inverted: bool, temp_vote: float | None) -> tuple[int, int]:
    """Greater and lesser counts facing the factor the row is named by.

    Version 2 publishes counts facing the original factor (``Name``); version 3 swaps them when
    the provisional vote is negative. The row is named by the opposite when ``inverted``.
    """
    facing_opposite = (temp_vote is not None and temp_vote < 0) if version >= 3 else False
    return (lesser, greater) if facing_opposite != inverted else (greater, lesser)


def direction_of(greater: int, lesser: int) -> str:
    """``greater`` when more findings say the factor raises effectiveness, ``lesser`` for the
    reverse, ``mixed`` on a tie."""
    return "greater" if greater > lesser else "lesser" if lesser > greater else "mixed"


@dataclass
class Tool:
    """One tool of the file: the option it maps to, its strategies and its rows."""

    name: str
    option: str | None
    lines: list[int] = field(default_factory=list)
    strategies: tuple[str, ...] = ()
    evidence_review: bool | None = None


@dataclass
class UshmmFile:
    """What one file yields, and what it says about itself."""

    path: Path
    layout: Layout
    file_date: dt.date
    rows: int = 0
    tools: dict[str, Tool] = field(default_factory=dict)
    factors: dict[str, Node] = field(default_factory=dict)
    findings: list[Edge] = field(default_factory=list)
    strategy_edges: list[Edge] = field(default_factory=list)
    source: Node | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def version(self) -> int:
        """The version of the published data."""
        return self.layout.version

    @property
    def unmapped(self) -> dict[str, list[int]]:
        """Tool names that map to no response option, with the lines they are on."""
        return {t.name: t.lines for t in self.tools.values() if t.option is None}

    @property
    def research_findings(self) -> int:
        """Sum of the research finding counts over the rows loaded."""
        return sum(int(e.props.get("finding_count", 0)) for e in self.findings)

    def records(self, *, skip_unmapped: bool = False) -> list[Node | Edge]:
        """Everything to write; unmapped tools raise unless ``skip_unmapped`` (they are then left out)."""
        if self.unmapped and not skip_unmapped:
            raise SourceFormatError(self.unmapped_problems())
        assert self.source is not None
        return [self.source, *self.factors.values(), *self.findings, *self.strategy_edges]

    def unmapped_problems(self) -> list[Problem]:
        """One problem per tool name that maps to no response option."""
        known = _known_tools()
        out: list[Problem] = []
        for name, lines in self.unmapped.items():
            near = difflib.get_close_matches(name, known, n=2, cutoff=0.6)
            out.append((self.path.name, lines[0], "tool_name", f"tool {name!r} maps to no response option "
                        f"(line{'s' if len(lines) > 1 else ''} {_lines(lines)})"
                        + (f"; did you mean {' or '.join(near)}?" if near else "")))
        out.append((self.path.name, None, "", "the response options' ushmm_tool names "
                    f"(ontology/vocab/response_options.ttl) are: {', '.join(known)}"))
        return out


def _known_tools() -> list[str]:
    return sorted(str(r.props["ushmm_tool"]) for r in vocabularies.read()
                  if isinstance(r, Node) and "ushmm_tool" in r.props)


def _lines(lines: list[int]) -> str:
    shown = ", ".join(str(n) for n in lines[:8])
    return shown + (f" and {len(lines) - 8} more" if len(lines) > 8 else "")


def _tool_of(row: Row, lay: Layout) -> tuple[str | None, bool]:
    """The row's tool name, and whether it came from the fallback column."""
    name = row.text("tool_name")
    if name is not None:
        return name, False
    if lay.tool_fallback:
        raw = row.text(lay.tool_fallback)
        if raw is not None:
            return raw.removesuffix("_tool").replace("_", " ").strip(), True
    return None, False


def parse(path: Path, *, file_date: dt.date | None = None) -> UshmmFile:
    """Read one ``all_factors`` file; header and value problems raise SourceFormatError listing them all.

    Tools that map to no response option are collected (``UshmmFile.unmapped``), not raised;
    :meth:`UshmmFile.records` and :func:`read` refuse them unless told to skip them.
    """
    table = read_table(path, expected="; expected a Tools for Atrocity Prevention all_factors file "
                                      "(version 2 or 3)")
    name = table.name
    lay = detect(table.header, name)
    if not table.rows:
        raise SourceFormatError([(name, None, "", "the file has a header but no rows")])
    stamp = file_date or dt.date.fromtimestamp(path.stat().st_mtime)
    out = UshmmFile(path, lay, stamp)
    options = tool_options()
    problems: list[Problem] = []
    first_line: dict[tuple[str, str], int] = {}
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    fallback_rows = 0
    factor_first: dict[str, int] = {}
    differing: set[str] = set()
    src = source_id(lay.version)

    for line, values in table.rows:
        out.rows += 1
        row = Row(name, line, dict(zip(table.header, values, strict=True)), problems)
        tool_name, fell_back = _tool_of(row, lay)
        fallback_rows += fell_back
        label = tool_name or "(no tool name)"
        tool = out.tools.get(_fold(label))
        if tool is None:
            tool = out.tools[_fold(label)] = Tool(label, options.get(_fold(label)) if tool_name else None)
        tool.lines.append(line)
        flags = tuple(s for s in STRATEGIES if row.flag(s))
        if len(tool.lines) == 1:
            tool.strategies = flags
            review = row.text("Evidence.review")
            tool.evidence_review = None if review is None else review.casefold() in {"yes", "1", "true"}
        elif flags != tool.strategies and all(row.text(s) is not None for s in STRATEGIES):
            out.notes.append(f"{name}:{line} strategy flags of {label!r} differ from line {tool.lines[0]}; "
                             f"the first are kept")

        research_name = row.text(lay.name)
        practitioner_name = row.text(lay.practitioner_name) if lay.practitioner_name else None
        factor_name = research_name or practitioner_name
        if factor_name is None:
            continue  # a tool without an evidence review: only its strategies are read
        factor_name = " ".join(factor_name.split())
        factor_id = f"factor/{slug(factor_name)}"
        original = row.text("Name")
        opposite = row.text("Inverse.factor")
        inverted = (row.integer("inversion_with_neg_strength") or 0) == 1
        counts = {c: row.integer(c) for c in ("count", "greater_findings", "lesser_findings", "no_mixed_findings")}
        temp_vote = row.number("temp_vote_count_factor")
        vote = row.number(lay.vote)
        share = row.number("proportion_practitioner")
        props: dict[str, Any] = {"sources": [src], "asserted_on": lay.released}
        # research evidence: the counts are filled (practitioner-only rows leave them all NA)
        has_research = any(row.text(c) is not None for c in counts)
        if has_research:
            missing = [c for c, v in counts.items() if v is None]
            if missing:
                for column in missing:
                    if row.text(column) is None:
                        problems.append((name, line, column, f"is empty but other finding counts of "
                                                             f"{factor_name!r} are filled"))
                continue
            greater, lesser = orient(greater=int(counts["greater_findings"] or 0),
                                     lesser=int(counts["lesser_findings"] or 0), version=lay.version,
                                     inverted=inverted, temp_vote=temp_vote)
            props.update(direction=direction_of(greater, lesser), finding_count=counts["count"],
                         greater_findings=greater, lesser_findings=lesser,
                         mixed_findings=counts["no_mixed_findings"], research_strength=vote)
        facing = share
        if share is not None and lay.practitioner_faces_name and original is not None \
                and _fold(factor_name) != _fold(original) \
                and opposite is not None and _fold(factor_name) == _fold(opposite):
            facing = -share
        if facing is not None:
            props["practitioner_strength"] = round(facing, 6) + 0.0
        if not has_research:
            if facing is None:
                problems.append((name, line, "count", f"{factor_name!r} has neither research finding counts "
                                                      f"nor a practitioner share (proportion_practitioner)"))
                continue
            props["direction"] = "greater" if facing > 0 else "lesser" if facing < 0 else "mixed"
        outcomes = row.text("outcomes")
        if outcomes is not None:
            props["outcomes"] = [o.strip() for o in outcomes.split(",") if o.strip()]
        props["note"] = _note(lay, name, line, row, not has_research)
        if tool.option is None:
            continue  # reported as unmapped; its factors are not written

        factor_props: dict[str, Any] = {"name": factor_name, "asserted_on": lay.released}
        kind = row.text("Contextual.or.design.factor")
        if kind is not None:
            factor_props["factor_type"] = kind.strip().casefold()
        family = row.text("Family")
        if family is not None:
            factor_props["family"] = " ".join(family.split())
        description = row.text(lay.description) if research_name is not None else \
            row.text(lay.practitioner_description or lay.description)
        if description is not None:
            factor_props["definition"] = " ".join(description.split())
        if factor_id in out.factors:
            if _fold(str(out.factors[factor_id].props["name"])) != _fold(factor_name):
                problems.append((name, line, lay.name, f"{factor_name!r} and "
                                 f"{out.factors[factor_id].props['name']!r} (line {factor_first[factor_id]}) "
                                 f"give the same id {factor_id}"))
            elif any(out.factors[factor_id].props.get(k) != v for k, v in factor_props.items()
                     if k in ("factor_type", "family")):
                differing.add(factor_id)
        else:
            try:
                out.factors[factor_id] = Node.make(factor_id, source=name, line=line, **factor_props)
                factor_first[factor_id] = line
            except InvalidRecord as exc:
                problems += [(name, line, _column(k, lay), "; ".join(v)) for k, v in exc.errors.items()]
                continue
        key = (tool.option, factor_id)
        if key in first_line:
            before = seen[key]
            if {k: v for k, v in props.items() if k != "note"} == {k: v for k, v in before.items() if k != "note"}:
                out.notes.append(f"{name}:{line} repeats line {first_line[key]} ({label} / {factor_name}); "
                                 "read once")
            else:
                problems.append((name, line, lay.name, f"{label!r} / {factor_name!r} is also on line "
                                 f"{first_line[key]}, with other values"))
            continue
        first_line[key], seen[key] = line, props
        try:
            out.findings.append(Edge.make("CONDITIONED_BY", tool.option, factor_id, origin=name, line=line, **props))
        except InvalidRecord as exc:
            problems += [(name, line, _column(k, lay), "; ".join(v)) for k, v in exc.errors.items()]

    if problems:
        raise SourceFormatError(sorted(problems, key=lambda p: (p[1] or 0, p[2])))
    if fallback_rows:
        out.notes.append(f"{fallback_rows} rows have no tool_name; their tool was read from the "
                         f"{lay.tool_fallback} column")
    if differing:
        out.notes.append(f"{len(differing)} factors have a different type or family on different rows; "
                         f"the first row's are kept ({', '.join(sorted(differing)[:5])}"
                         f"{' …' if len(differing) > 5 else ''})")
    for tool in out.tools.values():
        if tool.option is None:
            continue
        for strategy in tool.strategies:
            out.strategy_edges.append(Edge.make("SUPPORTS_STRATEGY", tool.option, f"strategy/{strategy}",
                                                origin=name, line=tool.lines[0], sources=[src],
                                                asserted_on=lay.released))
    out.source = Node.make(
        src, source=name, title=f"{DATASET} data, version {lay.version}", publisher=PUBLISHER,
        published=lay.released, url=REPOSITORY, reliability="B", credibility=2,
        name=f"USHMM {DATASET} data v{lay.version} ({lay.folder}; file {name} dated {stamp.isoformat()})")
    return out


def _column(key: str, lay: Layout) -> str:
    return {"direction": "greater_findings", "finding_count": "count", "mixed_findings": "no_mixed_findings",
            "research_strength": lay.vote, "practitioner_strength": "proportion_practitioner",
            "name": lay.name, "factor_type": "Contextual.or.design.factor",
            "definition": lay.description}.get(key, key)


def _note(lay: Layout, name: str, line: int, row: Row, practitioner_only: bool) -> str:
    parts = [f"USHMM TfAP v{lay.version}, {name} line {line}"]
    if practitioner_only:
        parts.append("practitioner interviews only, no research findings")
    else:
        rating = row.text("research_qualitative")
        if rating:
            parts.append(f"research: {rating}")
    rating = row.text("practitioner_qualitative")
    if rating:
        interviewed = row.text("number_practitioners")
        parts.append(f"practitioners: {rating}" + (f" ({interviewed} interviewed)" if interviewed else ""))
    return "; ".join(parts)


def read(path: Path, *, file_date: dt.date | None = None, skip_unmapped: bool = False) -> Iterator[Node | Edge]:
    """Records of one file; tools that map to no option raise unless ``skip_unmapped``."""
    yield from parse(path, file_date=file_date).records(skip_unmapped=skip_unmapped)
