"""Measure the remote path (`serve` with `store_url` on an Oxigraph server loaded from the build)
against the embedded store (in memory, and on disk), on the benchmark queries and every view with
its documented examples, on a synthetic library; write the medians and their ratios to their
section of benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/remote.py --resources 3000

The servers run with two query workers and no answer cache (``cache_mib`` 0), so every request
runs its query; the endpoint's queries carry a fresh comment each run as in benchmarks/run.py.
The engine is `oxigraph serve-read-only --union-default-graph` on the same machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

from routes import commit
from run import HERE, QUERIES, Server, belong_server, generate, latency, timed_build
from sections import write_section

from belong_graph.build import CURRENT
from belong_graph.catalogue import load_catalogue
from belong_graph.engines import oxigraph
from belong_graph.settings import Settings

NO_CACHE = {"BELONG_CACHE_MIB": "0"}


def view_median(server: Server, path: str, runs: int) -> float:
    """The median milliseconds of ``runs`` GETs of a view (after one to warm up)."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    times = []
    for run in range(runs + 1):
        started = time.perf_counter()
        connection.request("GET", path, headers={"Accept": "application/json"})
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{server.name} answered {response.status} to {path}")
        if run:
            times.append((time.perf_counter() - started) * 1000)
    connection.close()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        data = generate(args.resources, args.seed, work)
        store = work / "store"
        timed_build(data, store, "turbo")
        oxigraph.load((store / CURRENT).resolve(), work / "engine")
        engine = Server("oxigraph", oxigraph.serve_command(work / "engine", "127.0.0.1:{port}"))
        engine.path = "/query"
        embedded = belong_server(store)
        embedded.env.update(NO_CACHE)
        on_disk = belong_server(store)  # a budget no copy fits in: the workers read the disk
        on_disk.env.update({**NO_CACHE, "BELONG_MEMORY_BUDGET": "1"})
        remote = belong_server(store)
        remote.name = "belong-graph on Oxigraph server"
        remote.env.update(NO_CACHE)
        servers = [engine, embedded, on_disk, remote]
        measured = (embedded, on_disk, remote)
        try:
            for port, server in zip((7401, 7402, 7403, 7404), servers, strict=True):
                if server is remote:
                    server.env["BELONG_STORE_URL"] = f"http://127.0.0.1:{engine.port}/query"
                server.start(port)
            rows: list[tuple[str, float, float, float]] = []
            for name in QUERIES:
                times = [latency(s, name, args.runs)["median"] for s in measured]
                rows.append((f"query `{name}`", times[0], times[1], times[2]))
            for view in load_catalogue(Settings().queries_dir):
                values = {p.name: p.example for p in view.parameters if p.example}
                path = f"/api/views/{view.name}?" + urllib.parse.urlencode(values)
                times = [view_median(s, path, args.runs) for s in measured]
                rows.append((f"view `{view.name}`", times[0], times[1], times[2]))
        finally:
            for server in servers:
                server.stop()
    report = write_report(rows, args)
    write_section(HERE / "RESULTS.md", "remote", report)
    print(report)


def write_report(rows: list[tuple[str, float, float, float]], args: argparse.Namespace) -> str:
    """The section of benchmarks/RESULTS.md: the medians, their ratios, and how they were made."""
    lines = [
        "## The remote path: Oxigraph server against the embedded store",
        "",
        f"`.venv/bin/python benchmarks/remote.py --resources {args.resources} --seed {args.seed} "
        f"--runs {args.runs}` at commit {commit()}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"load average {os.getloadavg()[0]:.1f} at the end. Medians of {args.runs} requests, "
        "two query workers, no answer cache; the engine on the same machine.",
        "",
        f"| {args.resources:,} resources | in memory (ms) | on disk (ms) | Oxigraph server (ms) "
        "| server / in memory | server / on disk |",
        "|---|---|---|---|---|---|",
    ]
    for label, memory, disk, far in rows:
        lines.append(
            f"| {label} | {memory:.1f} | {disk:.1f} | {far:.1f} | {far / memory:.2f} "
            f"| {far / disk:.2f} |"
        )
    lines.append("")
    for column, name in ((1, "in memory"), (2, "on disk")):
        ratios = [row[3] / row[column] for row in rows]
        lines.append(
            f"Oxigraph server / {name}: median {statistics.median(ratios):.2f}, "
            f"worst {max(ratios):.2f}.  "
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
