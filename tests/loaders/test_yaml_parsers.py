"""The YAML reader uses libyaml's parser when PyYAML has it, and the pure-Python one otherwise (and
to word every error): both must read every shipped document to the same data and line numbers,
and a broken document must be reported in the same words whichever parser met it first."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from loaders import yaml_source
from ontology.errors import SourceFormatError

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = sorted(ROOT.glob("examples/**/*.yaml"))


def test_libyaml_is_there() -> None:
    # PyYAML's wheels bundle it; without it every assessment load parses ten times slower
    assert yaml.__with_libyaml__
    assert yaml_source._FastLoader is not yaml_source._Loader


def test_both_parsers_read_every_shipped_document_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(DOCUMENTS) >= 20
    texts = [(p.read_text(encoding="utf-8"), p.name) for p in DOCUMENTS]
    fast = [yaml_source.parse_text(text, name) for text, name in texts]
    monkeypatch.setattr(yaml_source, "_FastLoader", yaml_source._Loader)
    slow = [yaml_source.parse_text(text, name) for text, name in texts]
    for a, b in zip(fast, slow, strict=True):
        assert (a.data, a.lines) == (b.data, b.lines), a.name


@pytest.mark.parametrize("text", ["a: [1, 2\nb: 3\n", "a: 1\n  b: 2\n", "- a\nb: c\n", "a: 'open\n"])
def test_a_broken_document_reads_the_same_either_way(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SourceFormatError) as fast:
        yaml_source.parse_text(text, "x.yaml")
    monkeypatch.setattr(yaml_source, "_FastLoader", yaml_source._Loader)
    with pytest.raises(SourceFormatError) as slow:
        yaml_source.parse_text(text, "x.yaml")
    assert str(fast.value) == str(slow.value)
    assert "YAML syntax error" in str(fast.value)
