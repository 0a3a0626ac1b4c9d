"""Actor resolution: dataset actor strings to canonical Actor (and VictimGroup) ids.

ACLED and UCDP name actors with strings such as ``Military Forces of Myanmar (2016-2021)``,
``Tatmadaw``, ``IS`` or ``Islamic State (Iraq)``. The alias table maps normalised names to ids;
it is filled from the store (every actor's and group's name and aliases, which assessments
provide) and from ``aliases.csv`` files (columns ``alias,id``). Names that match nothing become
new actors flagged ``unresolved`` with a stable id, listed by ``akg actors unresolved`` for an
analyst to merge.

Example:
    >>> t = AliasTable({"tatmadaw": "actor/tatmadaw", "military forces of myanmar": "actor/tatmadaw"}, {})
    >>> t.actor("Military Forces of Myanmar (2016-2021)")
    ('actor/tatmadaw', True)
    >>> t.actor("Arakan Army")
    ('actor/arakan-army', False)
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from graph.base import GraphStore
from ontology.errors import SourceFormatError
from ontology.model import load_model

__all__ = ["AliasTable", "normalise", "slug"]

_DATES = re.compile(r"\s*\(\s*\d{4}\s*-\s*(\d{4})?\s*\)\s*$")
_SPACES = re.compile(r"\s+")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def normalise(name: str) -> str:
    """Lower-case, accents folded, spaces collapsed, ACLED date suffixes removed."""
    text = _DATES.sub("", name.strip())
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _SPACES.sub(" ", text).strip().lower()


def display_name(name: str) -> str:
    """The name without an ACLED date suffix, as shown to people."""
    return _SPACES.sub(" ", _DATES.sub("", name.strip()))


def slug(text: str) -> str:
    """A lower-case id segment: ``Islamic State (Iraq)`` → ``islamic-state-iraq``."""
    return _NOT_SLUG.sub("-", normalise(text)).strip("-")[:80] or "unnamed"


@dataclass
class AliasTable:
    """Normalised alias → node id, for actors and for victim groups."""

    actors: dict[str, str]
    groups: dict[str, str]

    def actor(self, raw: str) -> tuple[str, bool]:
        """The actor id for a dataset string, and whether it was known."""
        key = normalise(raw)
        found = self.actors.get(key)
        if found is not None:
            return found, True
        return f"actor/{slug(raw)}", False

    def group(self, raw: str) -> str | None:
        """The victim-group id a dataset string names, if the table knows it."""
        return self.groups.get(normalise(raw))

    @classmethod
    def from_store(cls, store: GraphStore, files: Iterable[Path] = ()) -> AliasTable:
        """Aliases of every Actor and VictimGroup in the store, plus alias files."""
        m = load_model()
        actors: dict[str, str] = {}
        groups: dict[str, str] = {}
        for label, table in (("Actor", actors), ("VictimGroup", groups)):
            m.node_class(label)  # the labels come from the model
            rows = store.run_read(
                f"MATCH (n:{label}) RETURN n.id, n.name, n.aliases").rows
            for node_id, name, aliases in rows:
                for alias in [name, *(aliases or [])]:
                    if alias:
                        table.setdefault(normalise(alias), node_id)
        for path in files:
            for alias, node_id in _read_alias_file(path):
                target = groups if node_id.startswith("group/") else actors
                target[normalise(alias)] = node_id
        return cls(actors, groups)


def _read_alias_file(path: Path) -> list[tuple[str, str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceFormatError([(str(path), None, "", f"cannot read alias file: {exc}")]) from None
    rows = list(csv.DictReader(text.splitlines()))
    if not rows or not {"alias", "id"} <= set(rows[0]):
        raise SourceFormatError([(str(path), 1, "", "an alias file needs the columns alias,id")])
    out = []
    for line, row in enumerate(rows, start=2):
        node_id = (row.get("id") or "").strip()
        if not node_id.startswith(("actor/", "group/")):
            raise SourceFormatError([(str(path), line, "id", f"{node_id!r} is not an actor/ or group/ id")])
        out.append((row["alias"], node_id))
    return out
