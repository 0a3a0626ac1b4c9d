"""``akg viz`` writes self-contained HTML; bad ids give one line."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import cli.viz
from cli.viz import viz_cmd
from graph.base import GraphStore


@pytest.fixture
def akg(demo: GraphStore, monkeypatch: pytest.MonkeyPatch) -> click.Group:
    """A group holding ``viz``, reading the session's demo store (it is open for writing already)."""

    @contextmanager
    def borrowed(ctx: click.Context, *, read_only: bool = False) -> Iterator[GraphStore]:
        yield demo

    monkeypatch.setattr(cli.viz, "store_from", borrowed)

    @click.group()
    def root() -> None:
        """Test group."""

    root.add_command(viz_cmd)
    return root


@pytest.mark.parametrize("args", [["actor", "interahamwe"], ["country", "RWA"], ["paths", "far", "tutsi"],
                                  ["leverage", "sdn-government"]])
def test_akg_viz_writes_each_kind(akg: click.Group, tmp_path: Path, args: list[str]) -> None:
    out = tmp_path / "view.html"
    result = CliRunner().invoke(akg, ["viz", *args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "<script src" not in html
    assert result.output.startswith(f"wrote {out}")


def test_akg_viz_bad_input(akg: click.Group, tmp_path: Path) -> None:
    bad = CliRunner().invoke(akg, ["viz", "paths", "far"])
    assert bad.exit_code == 2 and "takes 2 id(s)" in bad.output
    missing = CliRunner().invoke(akg, ["viz", "actor", "nobody", "-o", str(tmp_path / "x.html")])
    assert missing.exit_code != 0 and "no actor with id actor/nobody" in str(missing.exception)
    assert not (tmp_path / "x.html").exists()
