"""`akg serve` as a click command: its options, and one clear line when the store cannot open."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cli.serve import COMMANDS, serve_cmd
from graph.settings import Settings


def test_help_lists_the_options() -> None:
    assert COMMANDS == [serve_cmd] and serve_cmd.name == "serve"
    result = CliRunner().invoke(serve_cmd, ["--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--threads", "--no-cache", "127.0.0.1", "8000"):
        assert option in result.output


def test_missing_store_is_one_line(tmp_path: Path) -> None:
    settings = Settings(db_path=tmp_path / "missing.lbug")
    result = CliRunner().invoke(serve_cmd, ["--port", "0"], obj=settings)
    assert result.exit_code == 1
    assert "no database at" in result.output and "Traceback" not in result.output
    assert_port = CliRunner().invoke(serve_cmd, ["--port", "70000"], obj=settings)
    assert assert_port.exit_code == 2
