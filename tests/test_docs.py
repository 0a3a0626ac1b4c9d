"""Documentation that cannot drift from the code."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cli import cli
from cli.docs_cmd import GENERATED
from graph.settings import setting_docs

ROOT = Path(__file__).resolve().parents[1]


def test_generated_docs_are_fresh() -> None:
    for name, build in GENERATED.items():
        path = ROOT / "docs" / name
        assert path.exists() and path.read_text(encoding="utf-8") == build(), \
            f"docs/{name} is stale: run `akg docs`"


def test_every_setting_is_documented() -> None:
    text = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    for env, _, _ in setting_docs():
        assert f"`{env}`" in text, env


def test_every_command_has_help_and_docs() -> None:
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for name, command in cli.commands.items():
        assert command.help, name
        assert f"akg {name}" in text, f"docs/cli.md does not describe `akg {name}`"
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0, result.output


def test_readme_quick_start_is_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in text and "make test" in text
