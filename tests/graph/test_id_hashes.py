"""graph.id_hashes: the set of ids a load keeps as hashes answers as a Python set would."""

from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.id_hashes import IdHashes

ids = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@settings(max_examples=150, deadline=None)
@given(batches=st.lists(st.lists(ids, max_size=30), max_size=8), probe=st.lists(st.none() | ids, max_size=40))
def test_membership_is_that_of_a_set(batches: list[list[str]], probe: list[str | None]) -> None:
    seen, expected = IdHashes(), set()
    for number, batch in enumerate(batches):
        if number % 2:
            before = seen.add_new(pa.array(batch, pa.string())).to_pylist()
            assert before == [b in expected for b in batch]
        else:
            seen.add(pa.array(batch, pa.string()))
        expected.update(batch)
    assert seen.contains(pa.array(probe, pa.string())).to_pylist() == [p is not None and p in expected
                                                                          for p in probe]


def test_prefixes_padding_and_lengths_are_told_apart() -> None:
    """Ids that differ only past a word boundary, in length, or by a trailing NUL are different."""
    stored = ["event/acled-NGA1", "a" * 8, "a" * 16, "b", "é", "x\x00"]
    seen = IdHashes()
    seen.add(pa.array(stored))
    probe = ["event/acled-NGA10", "event/acled-NGA", "a" * 7, "a" * 9, "a" * 15, "a" * 16, "b\x00", "x", "e", "é"]
    assert seen.contains(pa.array(probe)).to_pylist() == [p in stored for p in probe]


def test_slices_chunks_large_strings_and_repeats() -> None:
    seen = IdHashes()
    base = pa.array([f"event/ucdp-{i}" for i in range(1000)])
    seen.add(base.slice(100, 50))
    seen.add(pa.chunked_array([base.slice(100, 10), base.slice(900, 5)]))   # ten of them again
    assert len(seen) == 65
    mask = seen.contains(pa.chunked_array([base.cast(pa.large_string())])).to_pylist()
    assert [i for i, m in enumerate(mask) if m] == [*range(100, 150), *range(900, 905)]


def test_many_batches_keep_few_sorted_runs() -> None:
    seen = IdHashes()
    for b in range(64):
        batch = pa.array([f"event/acled-{b}-{i}" for i in range(500)])
        assert not any(seen.contains(batch).to_pylist())
        seen.add(batch)
    assert len(seen) == 32_000
    assert len(seen._runs) <= 7   # sizes at least double from newest to oldest
    assert all(seen.contains(pa.array([f"event/acled-{b}-499" for b in range(64)])).to_pylist())


def test_only_strings() -> None:
    with pytest.raises(TypeError, match="ids must be strings"):
        IdHashes().add(pa.array([1, 2]))
