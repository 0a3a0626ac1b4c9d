"""Commands that set up and describe the store: init, stats, ontology, demo."""

from __future__ import annotations

import click

from cli.common import echo_table, settings_of, store_from
from graph.base import GraphStore, WriteSummary
from graph.records import Edge, Node
from loaders import vocabularies
from ontology.model import load_model

__all__ = ["COMMANDS", "init_store"]


def init_store(store: GraphStore) -> WriteSummary:
    """Create the schema and load the reference vocabularies (idempotent)."""
    store.init_schema()
    records = list(vocabularies.read())
    nodes = [r for r in records if isinstance(r, Node)]
    edges = [r for r in records if isinstance(r, Edge)]
    return store.write(nodes, edges)


@click.command("init")
@click.pass_context
def init_cmd(ctx: click.Context) -> None:
    """Create the schema from the ontology and load the reference vocabularies."""
    with store_from(ctx) as store:
        summary = init_store(store)
    where = settings_of(ctx).db_path if store.backend == "ladybug" else settings_of(ctx).neo4j_uri
    click.echo(f"initialised {store.backend} store at {where}: "
               f"{summary.nodes_created} nodes and {summary.edges_created} relationships created, "
               f"{summary.nodes_updated + summary.edges_updated} updated")


def print_stats(store: GraphStore, *, all_rows: bool = False) -> None:
    """Print counts per label and relationship type."""
    stats = store.stats()
    echo_table(["label", "nodes"], [(k, v) for k, v in stats.nodes.items() if v or all_rows])
    click.echo()
    echo_table(["relationship", "count"],
               [(k, v) for k, v in stats.relationships.items() if v or all_rows])
    click.echo(f"\n{stats.total_nodes} nodes, {stats.total_relationships} relationships")


@click.command("stats")
@click.option("--all", "all_rows", is_flag=True, help="Also list labels and types with no data.")
@click.pass_context
def stats_cmd(ctx: click.Context, all_rows: bool) -> None:
    """Count nodes per label and relationships per type."""
    with store_from(ctx, read_only=True) as store:
        print_stats(store, all_rows=all_rows)


@click.command("ontology")
@click.option("--properties", is_flag=True, help="List every property with its type instead.")
def ontology_cmd(properties: bool) -> None:
    """Show the ontology's classes and relationship types as tables."""
    m = load_model()
    if properties:
        echo_table(["property", "type", "list", "label"],
                   [(p.name, p.datatype, "yes" if p.multi else "", p.label) for p in m.properties.values()])
        return
    echo_table(["class", "id prefix", "definition"],
               [(c.name, c.id_prefix + "/", c.definition) for c in m.classes.values()])
    click.echo()
    echo_table(["relationship", "from", "to", "properties"],
               [(r.name, "|".join(sorted(r.domain)) if len(r.domain) < 5 else "any",
                 "|".join(sorted(r.range)), ", ".join(p for p in r.properties
                                                       if p not in m.relationships["CITES"].properties))
                for r in m.relationships.values()])


COMMANDS = [init_cmd, stats_cmd, ontology_cmd]
