"""Dataset versions: each loaded file of a public dataset, and the switch from one to the next.

A load of an ACLED or UCDP export (or an EWP edition) is one *dataset version*
(``DatasetVersion``): publisher, dataset, version, scope, file and access dates, row count,
SHA-256 of the file, licence, the citation the publisher requires, a source grade and
``illustrative`` (made-up data for demos and tests). Every event or score written by the load
carries the version's id in ``dataset_version``.

A version covers a *scope* of its dataset: ``all``, or ``country=SDN,since=2024-01-01`` (the
load's ``--country``/``--since`` filters); EWP scores are scoped by edition. Loading a new
version replaces, in the same transaction as its rows (:class:`DatasetSwitch`, applied by
each backend's ``write_bulk``):

- the records of the same dataset inside the new scope that the new file no longer has are
  deleted (and counted as removed);
- the records inside the scope that it does have now point to the new version;
- older versions whose scope the new one covers stop being ``current``;
- the version node and a log entry are written.

A file whose hash equals a current version of the same dataset and scope is not loaded again.

A file too large for one Neo4j transaction (``AKG_NEO4J_TRANSACTION_ROWS``) is loaded in several
(:mod:`graph.neo4j_batched`): the version is written first with ``load_state`` ``loading`` and
``rows_committed``, the count of its rows in scope already committed, and switched to
``complete`` and current last. :func:`plan_version` finds such an unfinished version: the same
file resumes it (``DatasetSwitch.committed``); a file of a covering scope retires it as
``abandoned``. A version loaded in one transaction has no ``load_state``.

Example:
    >>> scope_text(["SDN", "TCD"], dt.date(2024, 1, 1))
    'country=SDN+TCD,since=2024-01-01'
    >>> covers("all", "country=SDN"), covers("country=SDN", "all"), covers("country=SDN", "country=SDN")
    (True, False, True)
    >>> covers("country=SDN", "country=SDN,since=2024-01-01")
    True
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from graph.bulk import Bulk
from graph.records import Node

if TYPE_CHECKING:
    from graph.base import GraphStore, WriteSummary

__all__ = [
    "CURRENT", "KNOWN", "LOAD_STATES", "RETIRE", "UNFINISHED", "DatasetSwitch", "Publisher", "VersionPlan", "covers",
    "current_versions", "is_loading", "list_versions", "parse_scope", "plan_version", "retire_params",
    "scope_query", "scope_text", "stamped", "version_node",
]


@dataclass(frozen=True)
class Publisher:
    """What a load of a known dataset records unless told otherwise."""

    publisher: str
    licence: str
    citation: str
    url: str
    reliability: str
    credibility: int


# Grades: Admiralty scale for the dataset as a source (see docs/provenance.md).
KNOWN: dict[str, Publisher] = {
    "ACLED": Publisher(
        "Armed Conflict Location & Event Data (ACLED)", "ACLED Terms of Use (attribution required; raw rows "
        "not redistributed)", "Armed Conflict Location & Event Data (ACLED); www.acleddata.com; accessed {accessed}",
        "https://acleddata.com", "B", 2),
    "UCDP-GED": Publisher(
        "Uppsala Conflict Data Program (UCDP)", "CC BY 4.0",
        "UCDP Georeferenced Event Dataset (GED) {version}, Uppsala Conflict Data Program, ucdp.uu.se; "
        "Sundberg, Ralph and Erik Melander (2013) 'Introducing the UCDP Georeferenced Event Dataset', "
        "Journal of Peace Research 50(4); accessed {accessed}",
        "https://ucdp.uu.se", "B", 2),
    "EWP": Publisher(
        "Early Warning Project (Simon-Skjodt Center, US Holocaust Memorial Museum)",
        "Early Warning Project terms of use (attribution)",
        "Early Warning Project, Statistical Risk Assessment {version}, earlywarningproject.ushmm.org; "
        "accessed {accessed}", "https://earlywarningproject.ushmm.org", "B", 3),
}

CURRENT = (
    "MATCH (v:DatasetVersion) WHERE v.dataset = $dataset AND v.current = true "
    "RETURN v.id AS id, v.dataset_scope AS scope, v.content_hash AS content_hash, v.row_count AS rows"
)
LIST = (
    "MATCH (v:DatasetVersion) RETURN v.id AS id, v.dataset AS dataset, v.version AS version, "
    "v.dataset_scope AS scope, v.current AS current, v.illustrative AS illustrative, v.row_count AS rows, "
    "v.file AS file, v.file_date AS file_date, v.accessed AS accessed, v.publisher AS publisher, "
    "v.licence AS licence, v.citation AS citation, v.reliability AS reliability, "
    "v.credibility AS credibility, v.content_hash AS content_hash, v.rows_in_scope AS rows_in_scope, "
    "v.load_state AS load_state, v.rows_committed AS rows_committed ORDER BY dataset, accessed DESC, id"
)
UNFINISHED = (
    "MATCH (v:DatasetVersion) WHERE v.dataset = $dataset AND v.load_state = $loading "
    "RETURN v.id AS id, v.dataset_scope AS scope, v.rows_committed AS rows_committed ORDER BY id"
)
# retired versions stop being current; one whose load never completed is marked abandoned
RETIRE = (
    "UNWIND $ids AS k MATCH (v:DatasetVersion {id: k}) SET v.current = false, "
    "v.load_state = CASE WHEN v.load_state = $loading THEN $abandoned ELSE v.load_state END"
)
# the values of load_state (ontology/shapes.ttl), passed as parameters: statements hold no literals
LOAD_STATES = {"loading": "loading", "complete": "complete", "abandoned": "abandoned"}


def retire_params(ids: Sequence[str]) -> dict[str, Any]:
    """Parameters of :data:`RETIRE` for the versions ``ids``."""
    return {"ids": list(ids), "loading": LOAD_STATES["loading"], "abandoned": LOAD_STATES["abandoned"]}


def scope_text(countries: Sequence[str] | None = None, since: dt.date | None = None,
               edition: str | None = None) -> str:
    """The scope of a load as stored (``all`` when unfiltered)."""
    parts = []
    if edition:
        parts.append(f"edition={edition}")
    if countries:
        parts.append("country=" + "+".join(sorted(c.upper() for c in countries)))
    if since:
        parts.append(f"since={since.isoformat()}")
    return ",".join(parts) or "all"


_PART = re.compile(r"^(edition|country|since)=([A-Za-z0-9+._-]+)$")


def parse_scope(text: str) -> dict[str, str]:
    """``country=SDN,since=2024-01-01`` as a dict (``all``: empty); raises ValueError when malformed."""
    if text.strip() in ("", "all"):
        return {}
    out: dict[str, str] = {}
    for part in text.split(","):
        m = _PART.match(part.strip())
        if not m:
            raise ValueError(f"scope part {part!r} is not edition=…, country=ISO3[+ISO3] or since=YYYY-MM-DD")
        out[m.group(1)] = m.group(2)
    if "since" in out:
        dt.date.fromisoformat(out["since"])
    return out


def covers(new: str, old: str) -> bool:
    """Whether a version of scope ``new`` covers everything a version of scope ``old`` held."""
    a, b = parse_scope(new), parse_scope(old)
    if a.get("edition") != b.get("edition") and "edition" in a:
        return False
    if "country" in a and not set(b.get("country", "").split("+")) - {""} <= set(a["country"].split("+")):
        return False
    if "country" in a and "country" not in b:
        return False
    return "since" not in a or ("since" in b and b["since"] >= a["since"])


def version_node(
    dataset: str, digest: str, *, scope: str, file: str, rows: int, accessed: dt.date,
    file_date: dt.date | None = None, version: str | None = None, illustrative: bool = False,
    publisher: str | None = None, licence: str | None = None, citation: str | None = None,
) -> Node:
    """The DatasetVersion node of a load (defaults from :data:`KNOWN` for known datasets)."""
    known = KNOWN.get(dataset)
    label = version or (file_date or accessed).isoformat()
    cite = citation or (known.citation.format(version=label, accessed=accessed.isoformat()) if known else None)
    slug = re.sub(r"[^a-z0-9]+", "-", dataset.lower()).strip("-")
    # the same file loaded for another scope (or edition) is another version
    key = hashlib.sha256(f"{digest}|{scope}".encode()).hexdigest()[:12]
    return Node.make(
        f"dataset/{slug}-{key}", name=f"{dataset} {label} ({scope})", dataset=dataset, version=label,
        dataset_scope=scope, content_hash=digest, file=file, row_count=rows, accessed=accessed,
        file_date=file_date, illustrative=illustrative, current=True,
        publisher=publisher or (known.publisher if known else dataset), licence=licence or (known.licence if known
                                                                                            else None),
        citation=cite, url=known.url if known else None, reliability=known.reliability if known else None,
        credibility=known.credibility if known else None,
    )


@dataclass
class DatasetSwitch:
    """What a backend does after writing a version's rows, inside the same transaction."""

    version: Node
    label: str                      # Event or RiskScore
    scope_query: str                # returns the ids of the dataset's records inside the new scope
    scope_params: dict[str, Any]
    retire: list[str]               # versions whose scope the new one covers
    entries: Callable[[WriteSummary], list[Node]] = field(default=lambda s: [])
    # rows in scope that an interrupted load of this very version committed (see load_state);
    # None when no load of it was interrupted
    committed: int | None = None

    @property
    def version_id(self) -> str:
        """Id of the new version."""
        return self.version.id

    def completed(self, rows_in_scope: int) -> dict[str, Any]:
        """What a switch in one transaction adds to the version: ``complete`` when it finishes a
        load that an interrupted batched load began (nothing otherwise)."""
        if self.committed is None:
            return {}
        return {"load_state": LOAD_STATES["complete"], "rows_committed": rows_in_scope}

    def version_as(self, **props: Any) -> Node:
        """The version node with ``props`` set (``rows_in_scope`` at the switch, ``load_state`` …)."""
        v = self.version
        return Node(v.id, v.label, tuple(sorted({**v.props, **props}.items())), v.source, v.line)


def scope_query(label: str, dataset: str, scope: str) -> tuple[str, dict[str, Any]]:
    """Cypher and parameters listing the ids of ``dataset``'s ``label`` records inside ``scope``."""
    parts = parse_scope(scope)
    params: dict[str, Any] = {"dataset": dataset}
    if label == "RiskScore":
        params["edition"] = parts.get("edition", "")
        return ("MATCH (e:RiskScore) WHERE e.dataset = $dataset AND ($edition = '' OR e.edition = $edition) "
                "RETURN e.id", params)
    params["since"] = dt.date.fromisoformat(parts["since"]) if "since" in parts else dt.date.min
    if "country" not in parts:
        return "MATCH (e:Event) WHERE e.dataset = $dataset AND e.date >= $since RETURN e.id", params
    params["countries"] = [f"country/{c}" for c in parts["country"].split("+")]
    return ("MATCH (e:Event)-[:OCCURRED_IN]->(p) WHERE e.dataset = $dataset AND e.date >= $since "
            "OPTIONAL MATCH (p)-[:IN_COUNTRY]->(c:Country) WITH e, coalesce(c.id, p.id) AS country "
            "WHERE country IN $countries RETURN DISTINCT e.id", params)


def current_versions(store: GraphStore, dataset: str) -> list[dict[str, Any]]:
    """The current versions of a dataset (id, scope, content hash, rows)."""
    return store.run_read(CURRENT, {"dataset": dataset}).dicts()


def list_versions(store: GraphStore, *, every: bool = True) -> list[dict[str, Any]]:
    """Every loaded version, newest access first per dataset; ``every=False``: the current ones
    and those whose load is under way or was interrupted (what readers see rows of)."""
    found = store.run_read(LIST).dicts()
    return found if every else [v for v in found if v["current"] or is_loading(v)]


def is_loading(version: Mapping[str, Any]) -> bool:
    """Whether a version's load (in several transactions) is under way or was interrupted."""
    return version.get("load_state") == LOAD_STATES["loading"]


@dataclass
class VersionPlan:
    """A load's dataset version: the switch to apply, or why nothing needs loading."""

    switch: DatasetSwitch | None
    unchanged: str | None = None     # id of the current version with the same content


def plan_version(
    store: GraphStore, version: Node, label: str, *, by: str | None = None,
) -> VersionPlan:
    """The switch that makes ``version`` current for its dataset and scope (see the module)."""
    props = version.props
    dataset, scope, digest = str(props["dataset"]), str(props["dataset_scope"]), str(props["content_hash"])
    current = current_versions(store, dataset)
    for v in current:
        if v["scope"] == scope and v["content_hash"] == digest:
            return VersionPlan(None, unchanged=str(v["id"]))
    retire = sorted(str(v["id"]) for v in current if covers(scope, str(v["scope"])) and v["id"] != version.id)
    committed: int | None = None
    for v in store.run_read(UNFINISHED, {"dataset": dataset, "loading": LOAD_STATES["loading"]}).dicts():
        if v["id"] == version.id:
            committed = int(v["rows_committed"] or 0)
        elif covers(scope, str(v["scope"])):
            retire.append(str(v["id"]))
    query, params = scope_query(label, dataset, scope)

    def entries(summary: WriteSummary) -> list[Node]:
        from graph import audit
        action = "dataset-replace" if retire else "dataset-load"
        counts = {"created": summary.nodes_created + summary.edges_created,
                  "updated": summary.nodes_updated + summary.edges_updated,
                  "removed": summary.nodes_removed + summary.edges_removed}
        details = [f"replaces {r}" for r in retire] + [f"scope {scope}", f"{props.get('row_count')} rows"]
        if committed is not None:
            details.append(f"resumed an interrupted load after {committed} rows in scope (counts are this run's)")
        return [audit.entry(action, version.id, file=str(props.get("file") or ""), content_hash=digest,
                            counts=counts, by=by, details=details)]

    return VersionPlan(DatasetSwitch(version, label, query, params, sorted(retire), entries, committed))


def stamped(chunks: Iterable[Bulk], label: str, version_id: str) -> Iterator[Bulk]:
    """The chunks with every ``label`` row carrying ``dataset_version`` (tables and records)."""
    for chunk in chunks:
        table = chunk.node_tables.get(label)
        if table is not None and "dataset_version" not in table.column_names:
            chunk.node_tables[label] = table.append_column(
                "dataset_version", pa.repeat(pa.scalar(version_id, pa.string()), table.num_rows))
        chunk.nodes = [Node(n.id, n.label, tuple(sorted({**n.props, "dataset_version": version_id}.items())),
                            n.source, n.line) if n.label == label else n for n in chunk.nodes]
        yield chunk
