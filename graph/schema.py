"""DDL generated from the ontology: Ladybug tables and Neo4j constraints.

Identifiers come only from the model (an allow-list) and are backtick-quoted; this is the
one place where names are put into Cypher text.

Example:
    >>> ddl = ladybug_ddl(load_model())
    >>> ddl[0].startswith("CREATE NODE TABLE IF NOT EXISTS `Actor`(`id` STRING")
    True
"""

from __future__ import annotations

from ontology.model import Model, Property, load_model

__all__ = ["LADYBUG_TYPES", "ladybug_ddl", "ladybug_type", "literal", "neo4j_ddl", "quote"]

LADYBUG_TYPES = {
    "string": "STRING",
    "integer": "INT64",
    "double": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
}

# Properties that get a Neo4j range index besides the id constraint (looked up by name).
_INDEXED = ("name", "date", "notation", "status")


def quote(name: str) -> str:
    """Backtick-quote an identifier that the model defines (never user input)."""
    if "`" in name:
        raise ValueError(f"identifier {name!r} contains a backtick")
    return f"`{name}`"


def literal(name: str) -> str:
    """A model-defined name as a Cypher string literal (for COPY and CALL options)."""
    if "'" in name or "\\" in name:
        raise ValueError(f"identifier {name!r} cannot be a literal")
    return f"'{name}'"


def ladybug_type(prop: Property) -> str:
    """The Ladybug column type of a property."""
    base = LADYBUG_TYPES[prop.datatype]
    return f"{base}[]" if prop.multi else base


def ladybug_ddl(model: Model | None = None) -> list[str]:
    """CREATE NODE TABLE / CREATE REL TABLE statements for every class and relationship."""
    m = model or load_model()
    out: list[str] = []
    for cls in m.classes.values():
        cols = ["`id` STRING"] + [
            f"{quote(p.name)} {ladybug_type(p)}" for p in cls.properties.values() if p.name != "id"
        ]
        out.append(
            f"CREATE NODE TABLE IF NOT EXISTS {quote(cls.name)}({', '.join(cols)}, PRIMARY KEY(`id`))"
        )
    for rel in m.relationships.values():
        ends = [f"FROM {quote(a)} TO {quote(b)}" for a, b in rel.pairs]
        cols = [f"{quote(p.name)} {ladybug_type(p)}" for p in rel.properties.values()]
        out.append(f"CREATE REL TABLE IF NOT EXISTS {quote(rel.name)}({', '.join(ends + cols)})")
    return out


def neo4j_ddl(model: Model | None = None) -> list[str]:
    """Uniqueness constraints on ``id`` and range indexes, one statement each."""
    m = model or load_model()
    out: list[str] = []
    for cls in m.classes.values():
        snake = cls.id_prefix.replace("-", "_")
        out.append(
            f"CREATE CONSTRAINT {quote(snake + '_id')} IF NOT EXISTS "
            f"FOR (n:{quote(cls.name)}) REQUIRE n.`id` IS UNIQUE"
        )
        for prop in _INDEXED:
            if prop in cls.properties:
                out.append(
                    f"CREATE INDEX {quote(snake + '_' + prop)} IF NOT EXISTS "
                    f"FOR (n:{quote(cls.name)}) ON (n.{quote(prop)})"
                )
    return out
