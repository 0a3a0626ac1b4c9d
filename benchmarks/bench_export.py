"""``akg export --format nt``: triples written as they come against an rdflib Graph serialized.

The demo (``akg demo``'s build from examples/) is built into a new Ladybug store, then exported to
N-Triples twice in the same run, best of ``--runs``:

- streamed (what ``akg export`` does, :mod:`graph.ntriples`);
- naive: every triple added to an in-memory rdflib Graph, which rdflib then serializes (the path
  Turtle and JSON-LD still take, and N-Triples took before).

Both files hold the same lines (checked). The store is read afresh for each export.

    python -m benchmarks.bench_export [--runs 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from cli.demo import build_demo
    from graph.export import export, iter_nodes, iter_rels
    from graph.rdf import to_rdf
    from graph.registry import open_store
    from graph.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = open_store(Settings(db_path=folder / "akg.lbug", buffer_pool_mb=1024, threads=2))
        build_demo(store, ROOT / "examples")

        def streamed() -> Path:
            return export(store, "nt", folder / "streamed.nt")[0]

        def naive() -> Path:
            out = folder / "naive.nt"
            to_rdf(iter_nodes(store), iter_rels(store)).serialize(destination=out, format="nt", encoding="utf-8")
            return out

        times: dict[str, float] = {}
        files: dict[str, Path] = {}
        for name, run in (("streamed (graph.ntriples)", streamed), ("naive: rdflib Graph, then serialize", naive)):
            best = float("inf")
            for _ in range(args.runs):
                t = time.perf_counter()
                files[name] = run()
                best = min(best, time.perf_counter() - t)
            times[name] = best
        store.close()
        lines = [sorted(ln for ln in f.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#"))
                 for f in files.values()]
        assert lines[0] == lines[1], "the two exports differ"
    print(f"\nN-Triples export of the demo ({len(lines[0]):,} triples), best of {args.runs}\n")
    print("| approach | s | × streamed |")
    print("|---|---:|---:|")
    first = next(iter(times.values()))
    for name, seconds in times.items():
        print(f"| {name} | {seconds:.2f} | {seconds / first:.1f}× |")


if __name__ == "__main__":
    main()
