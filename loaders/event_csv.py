"""Shared machinery for event-data CSVs (ACLED, UCDP GED): header checks, streaming batches,
typed column parsing with row-located errors.

Files are read in Arrow record batches (``pyarrow.csv``, all columns as text) so memory stays
bounded whatever the file size; numbers and dates are parsed column-wise and every unparsable
cell is reported with its row (the file's line number) and column.

Example:
    >>> import pyarrow as pa
    >>> arr, bad = parse_dates(pa.array(["2025-05-16", "16 May 2025", "soon"]))
    >>> [str(d) for d in arr.to_pylist()[:2]], bad
    (['2025-05-16', '2025-05-16'], [2])
    >>> [str(d) for d in parse_dates(pa.array(["2014-08-03 00:00:00.000", "2014-08-03T00:00:00Z"]))[0].to_pylist()]
    ['2014-08-03', '2014-08-03']
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ontology.errors import SourceFormatError

__all__ = ["BadCell", "CsvSource", "open_source", "parse_dates", "parse_floats", "parse_ints"]

BLOCK = 32 << 20  # bytes of CSV per Arrow batch (about 80 000 ACLED rows)
KEEP = 768 << 20  # bytes of batches a pass keeps for the next one (a 1.5 million-row ACLED export)
# bytes per batch when a file is too large to keep: Arrow's reader runs about 32 blocks ahead of its
# consumer, 1.1 GiB with 32 MiB blocks and 0.3 GiB with 8 MiB ones (docs/performance.md)
REREAD_BLOCK = 8 << 20


@dataclass(frozen=True)
class BadCell:
    """An unparsable cell: file line, column, value and why."""

    line: int
    column: str
    value: str
    message: str

    def text(self, name: str) -> str:
        """``file:line column: message``."""
        return f"{name}:{self.line} {self.column}: {self.message} ({self.value!r})"


@dataclass
class CsvSource:
    """An opened CSV: its columns and a stream of batches with their first line numbers.

    A full pass keeps its batches (and the cells parsed from them with :meth:`parse`) in memory
    while they fit in ``keep`` bytes, and the next pass replays them, letting each go once given:
    a load's second pass neither reads nor parses the file again, and reads exactly what the
    first pass checked. A larger file is read again, in smaller blocks (``reread_block``): the
    reader's read-ahead, not the batch, is what costs memory then. A file whose size on disk
    already exceeds ``keep`` (its batches are larger than its text) is known to be too large
    before it is read: no pass keeps anything, and every pass reads in ``reread_block`` blocks
    (which also bound the largest cell such a file may hold, in both passes alike).

    The file must not change while it is loaded: its size, modification time and inode when it was
    opened are compared with the file's at the end of every pass, and a difference (rows appended by
    an export still being written, a file replaced) is a one-line error, so what a load writes is
    always what the content hash taken after opening describes.
    """

    path: Path
    columns: list[str]
    unknown: list[str] = field(default_factory=list)
    block_size: int = BLOCK
    keep: int = KEEP
    reread_block: int = REREAD_BLOCK
    opened: tuple[int, int, int] | None = None
    _kept: list[tuple[int, pa.RecordBatch]] | None = field(default=None, repr=False)
    _complete: bool = field(default=False, repr=False)
    _too_large: bool = field(default=False, repr=False)
    _parsed: dict[tuple[int, str, str], tuple[pa.Array, list[int]]] = field(default_factory=dict, repr=False)

    @property
    def larger_on_disk(self) -> bool:
        """Whether the file's size when opened already exceeds what a pass keeps."""
        return self.opened is not None and self.opened[0] > self.keep

    def batches(self, block_size: int | None = None) -> Iterator[tuple[int, pa.RecordBatch]]:
        """(line of the batch's first row, batch), all values as text.

        Raises:
            SourceFormatError: one line naming the file line of a malformed row (too few or
                too many cells, an unterminated quote) or of the batch a too-large cell is in.
        """
        if self._complete and self._kept is not None and block_size is None:
            kept, self._kept, self._complete = self._kept, None, False
            kept.reverse()
            while kept:
                yield kept.pop()
            self._parsed.clear()
            self.check_unchanged()
            return
        self._too_large = self._too_large or self.larger_on_disk
        self._kept = [] if self.keep and block_size is None and not self._too_large else None
        self._complete = False
        self._parsed.clear()
        size = 0
        for line, batch in self._read(block_size or (self.reread_block if self._too_large else self.block_size)):
            if self._kept is not None:
                size += batch.nbytes
                if size <= self.keep:
                    self._kept.append((line, batch))
                else:
                    self._kept = None
                    self._parsed.clear()
                    self._too_large = True
            yield line, batch
        self.check_unchanged()
        self._complete = self._kept is not None

    def check_unchanged(self) -> None:
        """Raise if the file is no longer the one opened (see the class docstring).

        Raises:
            SourceFormatError: one line with the sizes then and now.
        """
        if self.opened is None:
            return
        now = _identity(self.path)
        if now != self.opened:
            size = f"{self.opened[0]:,} bytes when opened, {now[0]:,} now" if now[0] >= 0 else "it is gone"
            raise SourceFormatError([(self.path.name, None, "", f"the file changed while it was being loaded "
                                      f"({size}): nothing was loaded; load it again once it is complete")])

    def parse(self, line: int, batch: pa.RecordBatch, name: str,
              parser: Callable[[pa.Array], tuple[pa.Array, list[int]]]) -> tuple[pa.Array, list[int]]:
        """``parser`` applied to a column of the batch starting on ``line`` (once per kept batch)."""
        key = (line, name, parser.__name__)
        found = self._parsed.pop(key, None)
        if found is None:
            found = parser(batch.column(name))
            if self._kept is not None and not self._complete:
                self._parsed[key] = found
        return found

    def _read(self, block_size: int) -> Iterator[tuple[int, pa.RecordBatch]]:
        invalid: list[str] = []

        def remember(row: Any) -> str:
            invalid.append(str(row.text))
            return "error"

        line = 2
        try:
            reader = pacsv.open_csv(
                self.path,
                read_options=pacsv.ReadOptions(block_size=block_size, encoding="utf8"),
                parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=remember),
                convert_options=pacsv.ConvertOptions(
                    column_types={c: pa.string() for c in self.columns},
                    strings_can_be_null=False, quoted_strings_can_be_null=False),
            )
            for batch in reader:
                yield line, batch
                line += batch.num_rows
        except pa.ArrowException as exc:
            where = _line_of(self.path, invalid[0]) if invalid else None
            raise SourceFormatError([(self.path.name, where or line, "", _arrow_message(exc, where))]) from None


def _identity(path: Path) -> tuple[int, int, int]:
    """(size, modification time in ns, inode) of a file; (-1, -1, -1) when it is gone."""
    try:
        st = os.stat(path)
    except OSError:
        return (-1, -1, -1)
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def _arrow_message(exc: Exception, where: int | None) -> str:
    """Arrow's first line, without the row it quotes (that can be megabytes)."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    text = re.sub(r"^CSV parse error: | \(try to increase block size\?\)", "", text)
    text = text.split(": ", 1)[0] if text.startswith("Expected ") else text[:160]
    if "straddling" in text or "block" in text:
        text += " (a cell or row larger than the reader's block: is a quote left open?)"
    elif "got 1" in text or "quote" in text:
        text += " (an unterminated quote?)"
    return f"CSV error: {text}" + ("" if where else " (in the rows from this line on)")


def _line_of(path: Path, row_text: str) -> int | None:
    """The file line where a row Arrow refused starts (read again only after an error)."""
    first = row_text.split("\n", 1)[0].encode("utf-8")
    if not first:
        return None
    whole = "\n" not in row_text
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            line = raw.rstrip(b"\r\n")
            if line == first if whole else line.startswith(first):
                return number
    return None


def open_source(path: Path, required: Sequence[str], optional: Sequence[str], layout: str) -> CsvSource:
    """Check the header; a missing required column is named with the expected layout."""
    name = path.name
    opened = _identity(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(65536)
    except OSError as exc:
        raise SourceFormatError([(str(path), None, "", f"cannot read: {exc.strerror}")]) from None
    if not head.strip():
        raise SourceFormatError([(name, None, "", "the file is empty")])
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    try:
        first = head.decode("utf-8").splitlines()[0]
    except UnicodeDecodeError as exc:
        raise SourceFormatError([(name, 1, "", f"not UTF-8 text ({exc.reason} at byte {exc.start}); "
                                  "export the file as UTF-8")]) from None
    header = [c.strip() for c in next(csv.reader(io.StringIO(first)))]
    if len(header) == 1:
        for delim, word in ((";", "semicolons"), ("\t", "tabs"), ("|", "pipes")):
            if delim in first:
                raise SourceFormatError([(name, 1, "", f"the header is separated by {word}; a {layout} "
                                          "file must be comma-separated")])
    missing = [c for c in required if c not in header]
    if missing:
        raise SourceFormatError([(name, 1, "", f"missing column(s) {', '.join(missing)}; a {layout} file "
                                  f"has: {', '.join(list(required) + [c for c in optional if c not in required])}")])
    if head.count(b"\n") < 1 and len(head) < 65536:
        raise SourceFormatError([(name, None, "", "the file has a header but no rows")])
    known = set(required) | set(optional)
    return CsvSource(path, header, [c for c in header if c not in known], opened=opened)


def _bad(col: pa.Array, parsed: pa.Array) -> list[int]:
    """Row indexes where text was given but did not parse."""
    given = pc.not_equal(pc.utf8_trim_whitespace(col), "")
    bad: list[int] = pc.indices_nonzero(pc.and_(given, pc.is_null(parsed))).to_pylist()
    return bad


DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y")
# A date with a time of day, as UCDP's CSV downloads write it (``2014-08-03 00:00:00.000``) and as
# API extracts do (``2014-08-03T00:00:00Z``, ``…+02:00``): the date is kept, the time dropped.
_DATE_TIME = r"^(\d{4}-\d{2}-\d{2})[ T]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$"


def parse_dates(col: pa.Array, formats: Sequence[str] = DATE_FORMATS) -> tuple[pa.Array, list[int]]:
    """Dates from text in any of ``formats`` (ACLED uses ISO and ``16 May 2025``), or ISO date-times."""
    text = pc.replace_substring_regex(pc.utf8_trim_whitespace(col), _DATE_TIME, r"\1")
    out = pa.nulls(len(col), pa.timestamp("s"))
    for fmt in formats:
        attempt = pc.strptime(text, format=fmt, unit="s", error_is_null=True)
        # strptime rolls impossible days over (2024-02-31 → 2024-03-02): keep only exact days
        day = pc.extract_regex(text, r"^\d{4}-\d{2}-(?P<d>\d{2})$" if fmt.startswith("%Y") else r"^(?P<d>\d{1,2})")
        given = pc.cast(pc.struct_field(day, [0]), pa.int64(), safe=False)
        same = pc.equal(pc.day(attempt), given)
        attempt = pc.if_else(pc.fill_null(same, False), attempt, None)
        out = pc.coalesce(out, attempt)
    dates = pc.cast(out, pa.date32())
    return dates, _bad(col, dates)


def parse_ints(col: pa.Array) -> tuple[pa.Array, list[int]]:
    """Integers from text (``12``, ``12.0``); empty cells become null."""
    text = pc.utf8_trim_whitespace(col)
    blank = pc.equal(text, "")
    floats = _to_float(text)
    whole = pc.equal(pc.floor(floats), floats)
    ints = pc.if_else(whole, pc.cast(pc.fill_null(floats, 0), pa.int64(), safe=False), None)
    ints = pc.if_else(blank, None, ints)
    return ints, _bad(col, ints)


def parse_floats(col: pa.Array) -> tuple[pa.Array, list[int]]:
    """Decimal numbers from text; empty cells become null."""
    floats = _to_float(pc.utf8_trim_whitespace(col))
    return floats, _bad(col, floats)


def _to_float(text: pa.Array) -> pa.Array:
    numeric = pc.match_substring_regex(text, r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
    safe = pc.if_else(numeric, text, None)
    return pc.cast(safe, pa.float64())
