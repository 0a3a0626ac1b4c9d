"""Helpers shared by the commands: opening the store, printing tables."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import click

from graph.base import GraphStore
from graph.registry import open_store
from graph.settings import Settings

__all__ = ["echo_table", "store_from", "settings_of"]


def settings_of(ctx: click.Context) -> Settings:
    """The settings the group built from the environment and options."""
    settings: Settings = ctx.find_root().obj
    return settings


@contextmanager
def store_from(ctx: click.Context, *, read_only: bool = False) -> Iterator[GraphStore]:
    """Open the configured store for the duration of a command."""
    store = open_store(settings_of(ctx), read_only=read_only)
    try:
        yield store
    finally:
        store.close()


def echo_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Print rows as an aligned plain-text table."""
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    click.echo("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    click.echo("  ".join("-" * w for w in widths))
    for row in cells:
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
