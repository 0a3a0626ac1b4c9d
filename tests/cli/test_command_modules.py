"""``akg`` imports a command's module when the command runs: the table of commands is complete, and
loading a file does not import the web server or the Neo4j driver."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner

from cli import COMMAND_MODULES, cli

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(p.stem for p in (ROOT / "cli").glob("*.py") if p.stem not in {"__init__", "__main__"})


def test_the_table_names_every_command_of_every_module() -> None:
    defined: dict[str, str] = {}
    for name in MODULES:
        module = importlib.import_module(f"cli.{name}")
        for command in getattr(module, "COMMANDS", []):
            assert command.name not in defined, f"{command.name} is defined twice"
            defined[str(command.name)] = module.__name__
    assert {name: modules[0] for name, modules in COMMAND_MODULES.items()} == defined


def test_a_command_run_alone_has_every_subcommand_the_whole_cli_has() -> None:
    """Subcommands that other modules add (``load acled``) are there when only that command is used."""
    script = ("import sys, click\nfrom cli import cli\nname = sys.argv[1]\n"
              "c = cli.get_command(click.Context(cli), name)\n"
              "print(sorted(c.commands) if isinstance(c, click.Group) else [])")
    for name in COMMAND_MODULES:
        alone = subprocess.run([sys.executable, "-c", script, name], capture_output=True, text=True, cwd=ROOT,
                               timeout=120, check=True).stdout.split("\n")[0]
        for module in MODULES:
            importlib.import_module(f"cli.{module}")
        command = cli.get_command(click.Context(cli), name)
        whole = sorted(command.commands) if isinstance(command, click.Group) else []
        assert alone == str(whole), name


def test_help_lists_every_command_and_each_runs_its_own_help() -> None:
    runner = CliRunner()
    listing = runner.invoke(cli, ["--help"])
    assert listing.exit_code == 0, listing.output
    for name in COMMAND_MODULES:
        assert f"  {name} " in listing.output or f"  {name}\n" in listing.output, name
        own = runner.invoke(cli, [name, "--help"])
        assert own.exit_code == 0 and "Usage:" in own.output, (name, own.output)
    unknown = runner.invoke(cli, ["no-such-command"])
    assert unknown.exit_code == 2 and "No such command" in unknown.output


def test_a_load_imports_neither_the_web_server_nor_the_neo4j_driver(tmp_path: Path) -> None:
    script = ("import sys\nfrom cli import cli\n"
              "for args in (['init'], ['load', 'acled', sys.argv[2]]):\n"
              "    cli.main(['--db', sys.argv[1], *args], standalone_mode=False)\n"
              "print(sorted(m for m in ('flask', 'neo4j', 'api', 'werkzeug') if m in sys.modules))")
    csv = ROOT / "examples" / "events" / "acled_demo.csv"
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "akg.lbug"), str(csv)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"
