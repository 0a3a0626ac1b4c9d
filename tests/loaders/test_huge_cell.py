"""A cell far larger than the reader's block (the audit's 2 GB cell, scaled to 64 MiB over a 1 MiB
block) stops the load with one ``file:line`` error (the line of the row the cell is in) while memory
stays within a few blocks: neither the content hash nor the CSV reader holds the cell whole. The largest cell (or row) a load accepts
is the read block, :data:`loaders.event_csv.BLOCK` (32 MiB)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "tests" / "fixtures" / "acled" / "acled_sample.csv"
CELL_MIB = 64
BLOCK_MIB = 1

CHILD = """
import json, resource, sys
from pathlib import Path
from graph.editorial import file_hash
from loaders import acled
from ontology.errors import SourceFormatError

def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

def load(path):
    file_hash(path)
    source = acled.open_acled(path)
    source.block_size = int(sys.argv[3]) << 20
    return acled.check(source)

load(Path(sys.argv[2]))  # the same steps on the sample first: imports, Arrow's pools
base = peak()
try:
    load(Path(sys.argv[1]))
    message = None
except SourceFormatError as exc:
    message = str(exc)
print(json.dumps({"grew_mib": peak() - base, "message": message}))
"""


def _huge_cell_file(path: Path) -> None:
    """The sample with its third row's notes ``CELL_MIB`` MiB long (written a MiB at a time)."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    with path.open("w", encoding="utf-8") as fh:
        fh.writelines(lines[:3])
        row = lines[3].rstrip("\n")
        fh.write(row)
        for _ in range(CELL_MIB):
            fh.write("x" * (1 << 20))
        fh.write("\n")
        fh.writelines(lines[4:])


def test_a_cell_many_blocks_long_fails_in_one_line_with_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    _huge_cell_file(path)
    assert path.stat().st_size > CELL_MIB << 20
    done = subprocess.run([sys.executable, "-c", CHILD, str(path), str(SAMPLE), str(BLOCK_MIB)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    message = out["message"]
    assert message is not None and len(message.splitlines()) == 1, message
    assert message.startswith("huge.csv:4: ") and "CSV error" in message and "larger than the reader's block" in message
    # a reader holding the cell would have grown by its 64 MiB or more (measured: about 12 MiB)
    assert out["grew_mib"] < CELL_MIB / 2, out
