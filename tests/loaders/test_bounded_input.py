"""Bounded input: deep YAML/JSON gives file:line in milliseconds; broken CSV gives one line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from loaders import acled
from loaders.yaml_source import MAX_DEPTH, parse_file
from ontology.errors import SourceFormatError

ACLED = Path(__file__).resolve().parents[1] / "fixtures" / "acled" / "acled_sample.csv"


@pytest.mark.parametrize(("name", "text", "line"), [
    ("deep.yaml", "[" * 50_000, 1),
    ("deep-map.yaml", "country: RWA\nx: " + "{a: " * 200 + "1" + "}" * 200, 2),
    ("deep.json", '{"a":\n' + "[" * 50_000, 2),
    ("block.yaml", "".join(" " * i + f"k{i}:\n" for i in range(100)) + " " * 100 + "v: 1\n", MAX_DEPTH + 1),
])
def test_deep_documents_fail_fast_with_file_and_line(tmp_path: Path, name: str, text: str, line: int) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    start = time.monotonic()
    with pytest.raises(SourceFormatError) as err:
        parse_file(path, 5_000_000)
    assert time.monotonic() - start < 1.0
    problems = err.value.details["errors"]
    assert len(problems) == 1 and f"{name}:{line}" in str(err.value) and "nested more than" in str(err.value)


def test_brackets_in_strings_and_comments_do_not_count(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text("a: '" + "[" * 100 + "'\nb: \"" + "{" * 100 + "\"  # " + "[" * 100 + "\n", encoding="utf-8")
    assert parse_file(path, 5_000_000).data["a"] == "[" * 100


def test_akg_validate_reports_a_deep_file_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("[" * 50_000, encoding="utf-8")
    start = time.monotonic()
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert time.monotonic() - start < 2.0
    assert result.exit_code == 1 and "deep.yaml:1" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(("case", "expected"), [
    ("truncated", "bad.csv:4: CSV error: Expected 31 columns, got 5"),
    ("quote", "bad.csv:4: CSV error: Expected 31 columns, got 1 (an unterminated quote?)"),
])
def test_broken_csv_gives_one_line_with_the_line_number(tmp_path: Path, case: str, expected: str) -> None:
    lines = ACLED.read_text(encoding="utf-8").splitlines()
    bad = lines[3][:30] if case == "truncated" else '"' + lines[3]
    (tmp_path / "bad.csv").write_text("\n".join([*lines[:3], bad, *lines[4:]]) + "\n", encoding="utf-8")
    with pytest.raises(SourceFormatError) as err:
        for _ in acled.open_acled(tmp_path / "bad.csv").batches():
            pass
    assert str(err.value).splitlines() == [expected] or expected in str(err.value).splitlines()[0]


def test_a_cell_larger_than_a_read_block_names_its_line(tmp_path: Path) -> None:
    """The audit's 200 MB cell, scaled down: a cell past the reader's block size."""
    lines = ACLED.read_text(encoding="utf-8").splitlines()
    (tmp_path / "bad.csv").write_text("\n".join([*lines[:3], lines[3] + "x" * 50_000, *lines[4:]]) + "\n",
                                      encoding="utf-8")
    with pytest.raises(SourceFormatError) as err:
        for _ in acled.open_acled(tmp_path / "bad.csv").batches(block_size=4096):
            pass
    text = str(err.value)
    assert len(text.splitlines()) == 1 and text.startswith("bad.csv:") and "CSV error" in text, text
