"""Sets of string ids kept as 128-bit hashes: 16 bytes an id, whatever the id's length.

A load of millions of rows must remember which ids it has met: the events of the file (a later
row with the same event id is dropped; the dataset-version switch deletes the stored events the
file no longer has) and the ids it has created (a relationship whose end is new needs no look-up).
Kept as Arrow strings, "event/acled-NGA12345" costs its 20 bytes plus a 4-byte offset, every test
of membership hashed all of them again, and joining the arrays batch after batch copied them once
per batch. Here an id costs 16 bytes, and each batch's test costs a look-up per id.

How: two 64-bit hashes of each id's bytes (eight bytes at a time, vectorised with numpy), seeded
with 128 random bits drawn per set, so no file can be written to make two of its ids collide. The
hashes are kept in sorted runs whose sizes at least double from newest to oldest (a run merges with
the one before it when it grows to half that one's size), so adding n ids costs O(n log n) in all
and a look-up searches O(log n) runs. Two different ids are taken as one only when both 64-bit
halves agree: for 10 million ids the chance that any pair does is about 10⁻²⁵.

Example:
    >>> import pyarrow as pa
    >>> seen = IdHashes()
    >>> seen.add(pa.array(["event/acled-1", "event/acled-2"]))
    >>> seen.contains(pa.array(["event/acled-2", "event/acled-3", None])).to_pylist()
    [True, False, False]
    >>> len(seen)
    2
"""

from __future__ import annotations

import secrets

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["IdHashes"]

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _finish(h: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: every input bit reaches every output bit."""
    h ^= h >> np.uint64(30)
    h *= _M1
    h ^= h >> np.uint64(27)
    h *= _M2
    h ^= h >> np.uint64(31)
    return h


def _words(ids: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Each string's bytes as rows of little-endian 64-bit words (zero-padded), and its length."""
    lengths = pc.binary_length(ids).to_numpy(zero_copy_only=False).astype(np.int64)
    width = int(-(-int(lengths.max()) // 8) * 8) if len(lengths) else 0
    if not width:
        return np.zeros((len(ids), 0), dtype=np.uint64), lengths
    if pc.all(pc.equal(pc.utf8_length(ids), pc.binary_length(ids))).as_py():
        # ASCII: Arrow pads every id to the same width, so the bytes are already a matrix
        padded = pc.utf8_rpad(ids, width=width, padding="\x00")
        data = np.frombuffer(padded.buffers()[2], dtype=np.uint8)
        start = int(np.frombuffer(padded.buffers()[1], dtype=np.int32, count=1, offset=padded.offset * 4)[0])
        block = data[start:start + width * len(ids)]
    else:
        wide = pc.cast(ids, pa.large_string())   # 64-bit offsets, from 0
        starts = np.frombuffer(wide.buffers()[1], dtype=np.int64, count=len(ids), offset=0)
        data = np.frombuffer(wide.buffers()[2], dtype=np.uint8)
        columns = np.arange(width, dtype=np.int64)
        at = np.minimum(starts[:, None] + columns, len(data) - 1)
        block = np.where(columns < lengths[:, None], data[at], 0).astype(np.uint8)
    return np.ascontiguousarray(block).view(np.uint64).reshape(len(ids), width // 8), lengths


class IdHashes:
    """A set of string ids as 128-bit hashes (see the module docstring)."""

    def __init__(self) -> None:
        self._keys = (np.uint64(secrets.randbits(64)), np.uint64(secrets.randbits(64)))
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []   # (sorted high halves, their low halves)
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def _hash(self, ids: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
        """(high, low) 64-bit halves of each id's hash; nulls hash as the empty string."""
        if isinstance(ids, pa.ChunkedArray):
            ids = ids.combine_chunks()
        ids = pc.fill_null(ids, "") if ids.null_count else ids
        if not (pa.types.is_string(ids.type) or pa.types.is_large_string(ids.type)):
            raise TypeError(f"ids must be strings, not {ids.type}")
        words, lengths = _words(ids)
        halves = []
        shortest = int(lengths.min()) if len(lengths) else 0
        with np.errstate(over="ignore"):
            for key in self._keys:
                h = np.full(len(ids), key, dtype=np.uint64) ^ (lengths.astype(np.uint64) * _GOLDEN)
                for column in range(words.shape[1]):
                    mixed = _finish(h ^ words[:, column])
                    # only the words an id has: its hash does not depend on the batch's widest id
                    h = mixed if shortest > 8 * column else np.where(lengths > 8 * column, mixed, h)
                halves.append(_finish(h ^ key))
        return halves[0], halves[1]

    def add(self, ids: pa.Array | pa.ChunkedArray) -> None:
        """Add the (non-null) ids; adding one again changes nothing but the count."""
        if isinstance(ids, pa.ChunkedArray):
            ids = ids.combine_chunks()
        ids = ids.drop_null() if ids.null_count else ids
        if len(ids):
            self._add(*self._hash(ids))

    def contains(self, ids: pa.Array | pa.ChunkedArray) -> pa.Array:
        """Boolean mask: which ids are in the set (a null id never is)."""
        if isinstance(ids, pa.ChunkedArray):
            ids = ids.combine_chunks()
        if not len(ids) or not self._runs:
            return pa.array(np.zeros(len(ids), dtype=bool))
        found = self._found(*self._hash(ids))
        if ids.null_count:
            found &= pc.is_valid(ids).to_numpy(zero_copy_only=False)
        return pa.array(found)

    def add_new(self, ids: pa.Array, where: pa.Array | None = None) -> pa.Array:
        """:meth:`contains`, then add the ids that were not in the set (only those where ``where``
        is true, when given), hashing once.

        >>> seen = IdHashes()
        >>> seen.add_new(pa.array(["a", "b"]), where=pa.array([True, False])).to_pylist()
        [False, False]
        >>> seen.add_new(pa.array(["a", "b"])).to_pylist(), len(seen)
        ([True, False], 2)
        """
        if ids.null_count:
            raise ValueError("add_new takes ids without nulls")
        high, low = self._hash(ids)
        found = self._found(high, low) if self._runs else np.zeros(len(ids), dtype=bool)
        take = ~found if where is None else ~found & where.to_numpy(zero_copy_only=False)
        if take.any():
            self._add(high[take], low[take])
        return pa.array(found)

    def _add(self, high: np.ndarray, low: np.ndarray) -> None:
        order = np.argsort(high, kind="stable")
        self._runs.append((high[order], low[order]))
        self._size += len(high)
        while len(self._runs) > 1 and len(self._runs[-2][0]) <= 2 * len(self._runs[-1][0]):
            (h2, l2), (h1, l1) = self._runs.pop(), self._runs.pop()
            high, low = np.concatenate([h1, h2]), np.concatenate([l1, l2])
            order = np.argsort(high, kind="stable")   # two sorted runs: a merge
            self._runs.append((high[order], low[order]))

    def _found(self, high: np.ndarray, low: np.ndarray) -> np.ndarray:
        order = np.argsort(high)    # sorted needles: numpy's search reuses the last position
        high, low = high[order], low[order]
        hit = np.zeros(len(high), dtype=bool)
        for run_high, run_low in self._runs:
            at = np.searchsorted(run_high, high, side="left")
            # ids with this high half in the run: one, unless an id was added twice (or, about
            # never, two ids share a high half)
            while True:
                inside = at < len(run_high)
                same = np.zeros(len(high), dtype=bool)
                same[inside] = run_high[at[inside]] == high[inside]
                if not same.any():
                    break
                hit[same] |= run_low[at[same]] == low[same]
                at = at + 1
        found = np.zeros(len(high), dtype=bool)
        found[order] = hit
        return found
