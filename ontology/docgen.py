"""Generate docs/ontology.md from the ontology and the vocabularies (``akg docs``).

Example:
    >>> text = ontology_markdown()
    >>> "| `Actor` |" in text and "RF14" in text
    True
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from ontology.model import AKG, DATA, ONTOLOGY_DIR, Model, load_model, parse_turtle

__all__ = ["ontology_markdown", "vocabulary_graph"]


def vocabulary_graph() -> Graph:
    """All vocabulary files parsed into one graph."""
    g = Graph()
    for path in sorted((ONTOLOGY_DIR / "vocab").glob("*.ttl")):
        parse_turtle(path, g)
    return g


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _constraint_text(m: Model, owner: str, prop: str) -> str:
    c = m.constraint(owner, prop)
    parts = []
    if c.required:
        parts.append("required")
    if c.values is not None:
        parts.append("one of " + ", ".join(f"`{v}`" for v in c.values))
    if c.min is not None or c.max is not None:
        lo = "" if c.min is None else f"{c.min:g}"
        hi = "" if c.max is None else f"{c.max:g}"
        parts.append(f"range {lo}–{hi}")
    if c.pattern:
        parts.append(f"pattern `{c.pattern}`")
    return "; ".join(parts)


def _schema_section(m: Model) -> list[str]:
    out = ["## Classes", ""]
    for cls in m.classes.values():
        out += [f"### `{cls.name}`", "", cls.definition, "",
                f"Ids look like `{cls.id_prefix}/…`; RDF class `akg:{cls.name}`.", "",
                "| property | type | RDF term | constraints | meaning |", "|---|---|---|---|---|"]
        for p in cls.properties.values():
            kind = f"list of {p.datatype}" if p.multi else p.datatype
            term = p.rdf_iri.n3(m.graph.namespace_manager)
            out.append(f"| `{p.name}` | {kind} | `{term}` | {_cell(_constraint_text(m, cls.name, p.name))} "
                       f"| {_cell(p.definition)} |")
        out.append("")
    out += ["## Relationships", "",
            "Every relationship may carry `sources` (Source ids; merged across loads), `assessments`"
            " (ids of the assessments that found it; merged), `confidence`, `valid_from`, `valid_to`"
            " and `note`. The table lists the other properties.", "",
            "| type | from | to | own properties | meaning |", "|---|---|---|---|---|"]
    common = set(m.relationships["CITES"].properties)
    for r in m.relationships.values():
        src = "any class" if len(r.domain) > 5 else ", ".join(f"`{c}`" for c in sorted(r.domain))
        dst = ", ".join(f"`{c}`" for c in sorted(r.range))
        own = []
        for pname in r.properties:
            if pname not in common:
                rule = _constraint_text(m, r.name, pname)
                own.append(f"`{pname}`" + (f" ({rule})" if rule else ""))
        out.append(f"| `{r.name}` | {src} | {dst} | {_cell(', '.join(own))} | {_cell(r.definition)} |")
    return out + [""]


def _lit(g: Graph, s: URIRef, p: URIRef) -> Any:
    """The Python value of a literal, or None."""
    value = g.value(s, p)
    return value.toPython() if isinstance(value, Literal) else None


def _concepts(g: Graph, cls: URIRef) -> list[URIRef]:
    return sorted((s for s in g.subjects(RDF.type, cls) if isinstance(s, URIRef)),
                  key=lambda s: (int(_lit(g, s, AKG.position) or 0), str(g.value(s, SKOS.notation))))


def _vocab_section(g: Graph) -> list[str]:
    out = ["## Reference vocabularies", ""]
    indicators: dict[str, list[URIRef]] = defaultdict(list)
    for ind in _concepts(g, AKG.Indicator):
        indicators[str(g.value(ind, AKG.OF_FACTOR))].append(ind)
    total = sum(len(v) for v in indicators.values())
    verified = sum(1 for v in indicators.values() for i in v if _lit(g, i, AKG.verified))
    out += ["### UN Framework of Analysis for Atrocity Crimes (2014)", "",
            f"14 risk factors and {total} indicators, labels paraphrased. {verified} indicators are"
            " verified against a public copy of the Framework's annex; the others are loaded with"
            " `verified = false` and must be confirmed against A/70/741–S/2016/71 before they are"
            " treated as authoritative (see `ontology/vocab/VERIFICATION.md`).", ""]
    for rf in _concepts(g, AKG.RiskFactor):
        inds = indicators[str(rf)]
        out += [f"#### {g.value(rf, SKOS.notation)} {g.value(rf, SKOS.prefLabel)} "
                f"({g.value(rf, AKG.scope)}; {len(inds)} indicators)", "",
                "| indicator | label | verified |", "|---|---|---|"]
        for ind in inds:
            ok = "yes" if _lit(g, ind, AKG.verified) else "**no**"
            out.append(f"| {g.value(ind, SKOS.notation)} | {_cell(g.value(ind, SKOS.prefLabel))} | {ok} |")
        out.append("")
    out += ["### Response options", "",
            "Category codes: DIP diplomatic, INF informational, ECO economic, LEG legal, MIL military,"
            " HUM humanitarian/protection, GOV governance. Stages of the continuum of steps: UP upstream"
            " prevention → EW early warning → CR crisis response → PR protection → AR accountability"
            " and rebuilding.", "",
            "| id | option | categories | stages | mitigates | USHMM tool | verified |",
            "|---|---|---|---|---|---|---|"]
    options = _concepts(g, AKG.ResponseOption)
    for opt in sorted(options, key=lambda s: (int(_lit(g, s, AKG.stage_rank) or 0), str(s))):
        rfs = sorted((str(g.value(r, SKOS.notation)) for r in g.objects(opt, AKG.MITIGATES)),
                     key=lambda n: int(n[2:]))
        out.append(
            f"| `{str(opt)[len(str(DATA)):]}` | {_cell(g.value(opt, SKOS.prefLabel))} "
            f"| {', '.join(sorted(map(str, g.objects(opt, AKG.categories))))} "
            f"| {', '.join(sorted(map(str, g.objects(opt, AKG.stages))))} | {', '.join(rfs)} "
            f"| {_cell(g.value(opt, AKG.ushmm_tool) or '')} "
            f"| {'yes' if _lit(g, opt, AKG.verified) else 'no'} |"
        )
    out.append("")
    for title, cls in (("Trigger types", AKG.TriggerType), ("Capabilities", AKG.Capability),
                       ("Strategies", AKG.Strategy)):
        out += [f"### {title}", "", "| id | label | definition |", "|---|---|---|"]
        for c in _concepts(g, cls):
            out.append(f"| `{str(c)[len(str(DATA)):]}` | {_cell(g.value(c, SKOS.prefLabel))} "
                       f"| {_cell(g.value(c, SKOS.definition))} |")
        out.append("")
    out += ["### Regions", "", "| region | defined by | members |", "|---|---|---|"]
    for region in _concepts(g, AKG.Region):
        members = sorted(str(c)[len(str(DATA)) + len("country/"):] for c in g.subjects(AKG.IN_REGION, region))
        out.append(f"| {g.value(region, SKOS.prefLabel)} | {_cell(g.value(region, AKG.defining_source))} "
                   f"| {', '.join(members)} |")
    countries = len(list(g.subjects(RDF.type, AKG.Country)))
    out += ["", f"All {countries} countries come from ISO 3166-1 through the `pycountry` package"
            " (`ontology/build_countries.py` writes `vocab/countries.ttl`), plus Kosovo under the"
            " user-assigned code XKX.", ""]
    return out


def ontology_markdown(model: Model | None = None) -> str:
    """The whole ontology reference page as Markdown."""
    m = model or load_model()
    head = [
        "# Ontology reference",
        "",
        "<!-- Generated by `akg docs` from ontology/akg.ttl, ontology/shapes.ttl and ontology/vocab/."
        " Do not edit by hand: a test fails when this page is stale. -->",
        "",
        "The ontology (`ontology/akg.ttl`, namespace `https://w3id.org/atrocity-kg/ontology#`, prefix"
        " `akg:`) is the only schema of atrocity-kg: the Ladybug tables, the Neo4j constraints, loader"
        " validation, the assessment JSON Schema and the API's enums are all derived from it.",
        "",
        "- **Nodes** have one class and a stable `id` whose first segment names the class"
        " (`actor/interahamwe`, `country/RWA`, `rf/RF7`, `ind/7.4`); the node's IRI is"
        " `https://w3id.org/atrocity-kg/id/` followed by the id.",
        "- **Roles are relationships, not classes**: the same government can be a potential"
        " perpetrator in one assessment (`IDENTIFIES {role}`) and a stakeholder in another.",
        "- **Relationship properties in RDF** use standard reification: the triple"
        " `<s> akg:TYPE <o>` is asserted, and its properties sit on an `rdf:Statement` whose IRI is"
        " derived from (type, source, target), so exports are stable and re-imports idempotent."
        " RDF-star was not chosen because rdflib, pySHACL and SPARQL 1.1 tools do not all support it.",
        "- **Constraints** (required properties, allowed values, ranges, patterns) live in"
        " `ontology/shapes.ttl` (SHACL) and are enforced both by the loaders and by `akg validate`.",
        "",
        f"{len(m.classes)} classes, {len(m.relationships)} relationship types,"
        f" {len(m.properties)} properties.",
        "",
    ]
    return "\n".join(head + _schema_section(m) + _vocab_section(vocabulary_graph()))
