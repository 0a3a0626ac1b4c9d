"""The team's risk assessments: one YAML (or JSON) file per country per date, to records.

The format is described in docs/assessment-format.md and by the JSON Schema in
``loaders/assessment.schema.json``. Actors, victim groups, sources and triggers are shared
across assessments by id; findings, roles and recommendations belong to their assessment,
so every assessment stays in the graph with its date.

Example:
    >>> import datetime as dt
    >>> text = template("RWA", dt.date(1994, 1, 11))
    >>> [p[2] for p in check_document(parse_text(text, "RWA-1994-01.yaml"))]   # placeholders left
    ['title', 'authors[0]', 'summary']
    >>> filled = text.replace("«RWA, 1994-01: a title»", "Rwanda, January 1994").replace(
    ...     "«team or unit that wrote it»", "Risk assessment team").replace("«", "").replace("»", "")
    >>> [r.id for r in read_text(filled, "RWA-1994-01.yaml") if isinstance(r, Node)]
    ['assessment/RWA-1994-01', 'country/RWA']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from graph.records import Edge, Node
from loaders.assessment_checks import check_document, sourcing_gaps
from loaders.yaml_source import Document, Problem, parse_file, parse_text
from ontology.errors import InvalidRecord, SourceFormatError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "PROTECTED_BASES",
    "assessment_id",
    "files_in",
    "read",
    "read_document",
    "records",
    "template",
    "validate_path",
    "warnings_of",
]

DEFAULT_MAX_BYTES = 5_000_000
SUFFIXES = (".yaml", ".yml", ".json")
# Groups the Genocide Convention protects (Art. II): national, ethnical, racial, religious.
PROTECTED_BASES = frozenset({"national", "ethnic", "racial", "religious"})


def files_in(paths: Iterable[Path]) -> list[Path]:
    """The assessment files named, folders expanded (sorted, *.yaml/*.yml/*.json)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES))
        else:
            out.append(path)
    return out


def assessment_id(data: dict[str, Any]) -> str:
    """The assessment's node id: its ``id`` key, or COUNTRY-DATE."""
    local = data.get("id") or f"{data['country']}-{data['date']}"
    return f"assessment/{local}"


def validate_path(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES,
                  today: dt.date | None = None) -> list[Problem]:
    """Every problem of one file (empty when valid); never raises for bad input."""
    try:
        doc = parse_file(path, max_bytes)
    except SourceFormatError as exc:
        return exc.problems
    problems = check_document(doc, today)
    if not problems:
        try:
            records(doc)
        except SourceFormatError as exc:
            return exc.problems
    return problems


def warnings_of(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Problem]:
    """What a draft still lacks before it can be published (unsourced claims, no reviewer)."""
    try:
        doc = parse_file(path, max_bytes)
    except SourceFormatError:
        return []
    if not isinstance(doc.data, dict) or doc.data.get("status") == "published":
        return []
    out = sourcing_gaps(doc)
    if not doc.data.get("reviewers"):
        out.append(doc.problem(("reviewers",), "no reviewer yet (needed before publishing)"))
    return out


def read_document(doc: Document, today: dt.date | None = None) -> list[Node | Edge]:
    """Check a parsed document and return its records; raises with every problem found."""
    problems = check_document(doc, today)
    if problems:
        raise SourceFormatError(problems)
    return records(doc)


def read(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Node | Edge]:
    """Records of one assessment file (validated first; nothing is yielded from a bad file)."""
    yield from read_document(parse_file(path, max_bytes))


def read_text(text: str, name: str = "request body") -> list[Node | Edge]:
    """Records of an assessment given as YAML or JSON text (the API's upload)."""
    return read_document(parse_text(text, name))


class _Builder:
    """Collects records, turning record-level errors into located problems."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.out: list[Node | Edge] = []
        self.problems: list[Problem] = []
        # every value this file states is dated, so that an older assessment loaded later
        # does not overwrite what a newer one said (see akg:asserted_on)
        self.stated = doc.data["date"]

    def node(self, path: Sequence[str | int], node_id: str, **props: Any) -> None:
        line = self.doc.line(path)
        try:
            self.out.append(Node.make(node_id, source=self.doc.name, line=line,
                                      **_clean({**props, "asserted_on": self.stated})))
        except InvalidRecord as exc:
            self._report(path, exc)

    def edge(self, path: Sequence[str | int], rel: str, src: str, dst: str, **props: Any) -> None:
        line = self.doc.line(path)
        try:
            self.out.append(Edge.make(rel, src, dst, origin=self.doc.name, line=line,
                                      **_clean({**props, "asserted_on": self.stated})))
        except InvalidRecord as exc:
            self._report(path, exc)

    def _report(self, path: Sequence[str | int], exc: InvalidRecord) -> None:
        for name, messages in exc.errors.items():
            self.problems.append(self.doc.problem(list(path) + [name], "; ".join(messages)))


def _clean(props: dict[str, Any]) -> dict[str, Any]:
    """Drop empty values; turn ISO date strings of date properties into dates."""
    from ontology.model import load_model

    m = load_model()
    out: dict[str, Any] = {}
    for key, value in props.items():
        if value is None or value == [] or value == "":
            continue
        prop = m.properties.get(key)
        if prop is not None and prop.datatype == "date" and isinstance(value, str):
            value = dt.date.fromisoformat(value)
        if isinstance(value, list):
            value = tuple(value)
        out[key] = value
    return out


def src(ids: Sequence[str] | None) -> list[str]:
    """Source node ids for the short ids a file uses."""
    return [f"source/{s}" for s in ids or []]


def _window(expected: Any) -> tuple[str | None, str | None]:
    if isinstance(expected, dict):
        return expected.get("from"), expected.get("to")
    if isinstance(expected, str):
        return expected, expected
    return None, None


def records(doc: Document) -> list[Node | Edge]:
    """Map a valid document to nodes and relationships (see docs/assessment-format.md)."""
    d: dict[str, Any] = doc.data
    b = _Builder(doc)
    aid = assessment_id(d)
    country = f"country/{d['country']}"
    date = d["date"]
    period = d.get("period") or {}
    overall = d.get("overall") or {}
    b.node((), aid, name=d["title"], date=date, status=d["status"], authors=d["authors"],
           reviewers=d.get("reviewers"), period_from=period.get("from"), period_to=period.get("to"),
           horizon_months=d.get("horizon_months"), overall_risk=overall.get("level"),
           risk_trend=overall.get("trend"), summary=d.get("summary"), file=doc.name,
           retrospective=d.get("retrospective"))
    b.edge(("country",), "ASSESSES", aid, country)
    # a country the team assesses is a monitored country (it then shows on the watch-list)
    b.out.append(Node.make(country, partial=True, source=doc.name, monitored=True,
                           review_interval_months=d.get("review_interval_months"),
                           asserted_on=dt.date.fromisoformat(date)))
    for i, s in enumerate(d.get("sources") or []):
        sid = f"source/{s['id']}"
        b.node(("sources", i), sid, name=s["title"], title=s["title"], publisher=s["publisher"],
               published=s.get("date"), url=s.get("url"), reliability=s["reliability"],
               credibility=s["credibility"])
        b.edge(("sources", i), "CITES", aid, sid)
    for i, f in enumerate(d.get("risk_factors") or []):
        b.edge(("risk_factors", i), "FINDS", aid, f"rf/{f['factor']}", level=f["level"],
               trend=f.get("trend"), rationale=f["rationale"], sources=src(f.get("sources")))
    for i, f in enumerate(d.get("indicators") or []):
        b.edge(("indicators", i), "OBSERVES", aid, f"ind/{f['indicator']}", evidence=f["evidence"],
               sources=src(f.get("sources")))
    for i, a in enumerate(d.get("actors") or []):
        actor = f"actor/{a['id']}"
        b.node(("actors", i), actor, name=a["name"], aliases=a.get("aliases"), kind=a["kind"],
               description=a.get("description"))
        if a.get("role"):
            b.edge(("actors", i, "role"), "IDENTIFIES", aid, actor, role=a["role"],
                   sources=src(a.get("sources")))
        codes = a.get("country") or []
        for code in codes if isinstance(codes, list) else [codes]:
            b.edge(("actors", i, "country"), "OPERATES_IN", actor, f"country/{code}")
    for i, g in enumerate(d.get("victim_groups") or []):
        group = f"group/{g['id']}"
        b.node(("victim_groups", i), group, name=g["name"], aliases=g.get("aliases"), basis=g["basis"],
               protected=g.get("protected", g["basis"] in PROTECTED_BASES),
               population_estimate=g.get("population_estimate"), description=g.get("description"))
        b.edge(("victim_groups", i), "CONCERNS", aid, group, sources=src(g.get("sources")))
        for code in g.get("lives_in") or []:
            b.edge(("victim_groups", i, "lives_in"), "LIVES_IN", group, f"country/{code}")
    groups = {g["id"] for g in d.get("victim_groups") or []}
    for i, r in enumerate(d.get("relationships") or []):
        target = f"group/{r['to']}" if r["to"] in groups and r["type"] == "THREATENS" else f"actor/{r['to']}"
        b.edge(("relationships", i), r["type"], f"actor/{r['from']}", target, lever=r.get("lever"),
               confidence=r.get("confidence"), valid_from=r.get("valid_from"),
               valid_to=r.get("valid_to"), note=r.get("note"), sources=src(r.get("sources")))
    for i, t in enumerate(d.get("triggers") or []):
        trig = f"trigger/{t['id']}"
        start, end = _window(t.get("expected"))
        b.node(("triggers", i), trig, name=t["name"], description=t.get("description"))
        b.edge(("triggers", i, "type"), "OF_TYPE", trig, f"trigger-type/{t['type']}")
        b.edge(("triggers", i), "ANTICIPATES", aid, trig, expected_from=start, expected_to=end,
               likelihood=t.get("likelihood"), sources=src(t.get("sources")))
    for i, c in enumerate(d.get("capabilities") or []):
        b.edge(("capabilities", i), "HAS_CAPABILITY", f"actor/{c['actor']}", f"capability/{c['capability']}",
               level=c["level"], assessed_on=date, note=c.get("note"), sources=src(c.get("sources")))
        # the level as this assessment saw it, kept beside the levels other assessments gave
        rating = f"capability-rating/{aid.split('/', 1)[1]}/{c['actor']}/{c['capability']}"
        b.node(("capabilities", i), rating, capability_level=c["level"], rated_on=date,
               rating_note=c.get("note"))
        b.edge(("capabilities", i), "RATES", aid, rating)
        b.edge(("capabilities", i), "OF_ACTOR", rating, f"actor/{c['actor']}")
        b.edge(("capabilities", i), "OF_CAPABILITY", rating, f"capability/{c['capability']}")
        for sid in src(c.get("sources")):
            b.edge(("capabilities", i, "sources"), "CITES", rating, sid)
    for i, rec in enumerate(d.get("recommendations") or []):
        rid = f"rec/{aid.split('/', 1)[1]}/{rec['id']}"
        b.node(("recommendations", i), rid, name=rec["name"], description=rec.get("text"),
               timeframe=rec.get("timeframe"), priority=rec.get("priority"), status=rec["status"],
               outcome=rec.get("outcome"), outcome_code=rec.get("outcome_code"),
               outcome_on=rec.get("outcome_on"))
        if rec.get("outcome_code") and rec["status"] == "proposed":
            b.problems.append(doc.problem(["recommendations", i, "outcome_code"],
                                          "a proposed recommendation has no outcome yet"))
        b.edge(("recommendations", i), "MAKES", aid, rid, sources=src(rec.get("sources")))
        b.edge(("recommendations", i, "option"), "OF_OPTION", rid, f"option/{rec['option']}")
        b.edge(("recommendations", i, "addressee"), "ADDRESSED_TO", rid, f"actor/{rec['addressee']}")
        targets = rec.get("targets") or {}
        for rf in targets.get("risk_factors") or []:
            b.edge(("recommendations", i, "targets"), "TARGETS", rid, f"rf/{rf}")
        for key, prefix in (("triggers", "trigger"), ("victim_groups", "group"), ("actors", "actor")):
            for ident in targets.get(key) or []:
                b.edge(("recommendations", i, "targets", key), "TARGETS", rid, f"{prefix}/{ident}")
        for cap in rec.get("builds") or []:
            b.edge(("recommendations", i, "builds"), "BUILDS", rid, f"capability/{cap}")
    if b.problems:
        raise SourceFormatError(b.problems)
    return b.out


def template(iso3: str, today: dt.date | None = None) -> str:
    """A commented assessment to fill in, for ``akg new-assessment``."""
    from importlib.resources import files

    text = (files("loaders") / "templates" / "new-assessment.yaml").read_text(encoding="utf-8")
    day = today or dt.date.today()
    return text.replace("{ISO3}", iso3).replace("{DATE}", day.isoformat()).replace(
        "{MONTH}", day.strftime("%Y-%m"))
