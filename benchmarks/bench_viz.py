"""Network views and pages: time to build the HTML, and time until the browser has drawn it.

Build: synthetic actor networks (2.5 relationships per node, roles, three confidences) through
``viz.network.build_view`` + ``render_html``, median of several runs. Browser: headless Chromium
(Debian's, `make browser`) opens each self-contained view from a file, and each page of the app
served on 127.0.0.1 with the demo data, and waits until the page's script reports it has drawn
(layout settled); median of several loads.

    python -m benchmarks.bench_viz [--runs 5] [--no-browser]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import networkx as nx

from queries.analytics import to_graph
from viz.network import PHYSICS_MAX_NODES, build_view, render_html
from viz.style import confidence_levels, role_property

SIZES = [200, PHYSICS_MAX_NODES, 2000]
PAGES = ["/", "/countries/RWA", "/explorer?actor=actor/interahamwe&depth=2", "/planner?country=RWA",
         "/console?query=perpetrators_in_country&run=1&country=country/RWA", "/viz/country/RWA"]


def synthetic(n: int, *, per_node: float = 2.5, seed: int = 7) -> nx.MultiDiGraph:
    """An actor network of ``n`` nodes: a tenth victim groups, some actors with roles."""
    rnd = random.Random(seed)
    groups = max(1, n // 10)
    ids = [f"group/g{i}" for i in range(groups)] + [f"actor/a{i}" for i in range(n - groups)]
    actors = ids[groups:]
    types = ["SUPPORTS", "ARMS", "FUNDS", "COMMANDS", "ALLIED_WITH", "OPPOSES", "HAS_LEVERAGE_OVER"]
    levels = list(confidence_levels())
    rows: list[dict[str, Any]] = []
    for _ in range(int(n * per_node)):
        a = rnd.choice(actors)
        if rnd.random() < 0.2:
            rows.append({"source": a, "type": "THREATENS", "target": rnd.choice(ids[:groups]),
                         "confidence": rnd.choice(levels)})
        else:
            rows.append({"source": a, "type": rnd.choice(types), "target": rnd.choice(actors),
                         "confidence": rnd.choice(levels), "sources": ["source/s1"]})
    graph = to_graph(r for r in rows if r["source"] != r["target"])
    roles = role_property()[1]
    for node in graph:
        graph.nodes[node]["name"] = f"Name of {node}"
        if node.startswith("actor/") and rnd.random() < 0.15:
            graph.nodes[node]["role"] = rnd.choice(roles)
    return graph


def build_times(runs: int) -> list[dict[str, Any]]:
    out = []
    for n in SIZES:
        graph = synthetic(n)
        times, html = [], ""
        for _ in range(runs):
            started = time.perf_counter()
            view = build_view(graph, title=f"{n} nodes")
            html = render_html(view)
            times.append(time.perf_counter() - started)
        out.append({"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(),
                    "seconds": statistics.median(times), "mb": len(html.encode()) / 1e6,
                    "physics": "bounded" if view.physics else "off (server layout)", "html": html})
    return out


def _driver() -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--disable-sync", "--window-size=1400,1000"]:
        options.add_argument(arg)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def _load(drv: Any, url: str, timeout: float = 60.0) -> float:
    started = time.perf_counter()
    drv.get(url)
    while time.perf_counter() - started < timeout:
        if drv.execute_script("return document.readyState === 'complete' && window.akgReady === true"):
            return time.perf_counter() - started
        time.sleep(0.02)
    raise RuntimeError(f"{url} not drawn within {timeout} s")


def browser_times(builds: list[dict[str, Any]], runs: int) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    from tests.pages.server import demo_store, serve

    views, pages = [], []
    drv = _driver()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for b in builds:
                path = Path(tmp) / f"view-{b['nodes']}.html"
                path.write_text(b["html"], encoding="utf-8")
                views.append((f"{b['nodes']} nodes / {b['edges']} relationships",
                              statistics.median(_load(drv, path.as_uri()) for _ in range(runs))))
            store = demo_store(Path(tmp) / "demo.lbug")
            try:
                with serve(store) as base:
                    for page in PAGES:
                        _load(drv, base + page)  # warm the store's caches once
                        pages.append((page, statistics.median(_load(drv, base + page) for _ in range(runs))))
            finally:
                store.close()
    finally:
        drv.quit()
    return views, pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (median reported)")
    parser.add_argument("--no-browser", action="store_true", help="only time the HTML build")
    args = parser.parse_args()
    builds = build_times(args.runs)
    print("### Network view: build the self-contained HTML (`build_view` + `render_html`)\n")
    print("| nodes | relationships | build (s, median) | HTML (MB) | layout |")
    print("|---:|---:|---:|---:|---|")
    for b in builds:
        print(f"| {b['nodes']:,} | {b['edges']:,} | {b['seconds']:.2f} | {b['mb']:.2f} | {b['physics']} |")
    if args.no_browser:
        return
    views, pages = browser_times(builds, args.runs)
    print("\n### Headless Chromium: navigation until the network is drawn and settled\n")
    print("| view (file, offline) | load + layout (s, median) |")
    print("|---|---:|")
    for name, seconds in views:
        print(f"| {name} | {seconds:.2f} |")
    print("\n| page (demo data, 127.0.0.1) | load (s, median) |")
    print("|---|---:|")
    for page, seconds in pages:
        print(f"| `{page}` | {seconds:.2f} |")


if __name__ == "__main__":
    main()
