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
    for option in ("--host", "--port", "--threads", "--workers", "--no-cache", "127.0.0.1", "8000"):
        assert option in result.output


def test_missing_store_is_one_line(tmp_path: Path) -> None:
    settings = Settings(db_path=tmp_path / "missing.lbug")
    result = CliRunner().invoke(serve_cmd, ["--port", "0"], obj=settings)
    assert result.exit_code == 1
    assert "no database at" in result.output and "Traceback" not in result.output
    several = CliRunner().invoke(serve_cmd, ["--port", "0", "--workers", "2"], obj=settings)
    assert several.exit_code == 1, several.output
    assert "no database at" in several.output and len(several.output.strip().splitlines()) == 1
    assert_port = CliRunner().invoke(serve_cmd, ["--port", "70000"], obj=settings)
    assert assert_port.exit_code == 2
