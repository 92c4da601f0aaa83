"""Measure the remote path (`serve` with `store_url` on an Oxigraph server, and on Virtuoso, each
loaded from the build) against the embedded store (in memory, and on disk), on the benchmark
queries and every view with its documented examples, on a synthetic library; write the medians
and their ratios to their section of benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/remote.py --resources 3000

The servers run with two query workers and no answer cache (``cache_mib`` 0), so every request
runs its query; the endpoint's queries carry a fresh comment each run as in benchmarks/run.py.
The engines are `oxigraph serve-read-only --union-default-graph` and Debian's Virtuoso (`make
virtuoso`), loaded by `belong-graph engine load`, on the same machine.
"""

from __future__ import annotations

import argparse
import http.client
import os
import secrets
import statistics
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from routes import commit
from run import HERE, QUERIES, Server, belong_server, generate, latency, timed_build
from sections import write_section

from belong_graph.build import CURRENT
from belong_graph.catalogue import load_catalogue
from belong_graph.engines import oxigraph, virtuoso
from belong_graph.settings import Settings
from belong_graph.store import DATASET_FILE

NO_CACHE = {"BELONG_CACHE_MIB": "0"}


def view_median(server: Server, path: str, runs: int) -> float | int:
    """The median milliseconds of ``runs`` GETs of a view (after one to warm up), or the status
    of the warm-up when it failed (an engine that refuses the query, or passes its limit)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    times = []
    for run in range(runs + 1):
        started = time.perf_counter()
        connection.request("GET", path, headers={"Accept": "application/json"})
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            connection.close()
            return response.status
        if run:
            times.append((time.perf_counter() - started) * 1000)
    connection.close()
    return statistics.median(times)


ENGINES = ("Oxigraph server", "Oxigraph server in memory", "Virtuoso")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        store = work / "store"
        timed_build(generate(args.resources, args.seed, work), store, "turbo")
        build = (store / CURRENT).resolve()
        oxigraph.load(build, work / "engine")
        account = virtuoso.Account(user="belong", password=secrets.token_urlsafe(16))
        ports = virtuoso.free_ports()
        virtuoso.publish(build, work / "virtuoso", account=account, ports=ports)
        engines = [
            Server("oxigraph", oxigraph.serve_command(work / "engine", "127.0.0.1:{port}")),
            Server("oxigraph in memory", [oxigraph.executable(), *IN_MEMORY]),
        ]
        apps = [belong_server(store) for _ in range(2 + len(ENGINES))]
        apps[1].env["BELONG_MEMORY_BUDGET"] = "1"  # no copy fits in: the workers read the disk
        for app, name in zip(apps[2:], ENGINES, strict=True):
            app.name = f"belong-graph on {name}"
        running = virtuoso.start(work / "virtuoso", ports)
        try:
            for port, engine in zip((7401, 7402), engines, strict=True):
                engine.path = "/query"
                engine.start(port)
            load_in_memory(engines[1], build / DATASET_FILE)
            apps[2].env["BELONG_STORE_URL"] = f"http://127.0.0.1:{engines[0].port}/query"
            apps[3].env["BELONG_STORE_URL"] = f"http://127.0.0.1:{engines[1].port}/query"
            apps[4].env.update(
                {
                    "BELONG_STORE_URL": running.reader_endpoint,
                    "BELONG_STORE_USER": account.user,
                    "BELONG_STORE_PASSWORD": account.password,
                    "BELONG_STORE_AUTH": "digest",
                }
            )
            for port, app in enumerate(apps, start=7411):
                app.env.update(NO_CACHE)
                app.start(port)
            rows = measure(apps, args.runs)
        finally:
            for server in (*engines, *apps):
                server.stop()
            running.stop()
    report = write_report(rows, args)
    write_section(HERE / "RESULTS.md", "remote", report)
    print(report)


# Oxigraph server on a store in memory, read-write (there is no read-only server without a
# directory): a measure of what the storage costs, not a way to deploy.
IN_MEMORY = ["serve", "--bind", "127.0.0.1:{port}", "--union-default-graph"]


def load_in_memory(engine: Server, nquads: Path) -> None:
    """Load the build's snapshot into the in-memory server (SPARQL 1.1 Graph Store Protocol)."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{engine.port}/store",
        data=nquads.read_bytes(),
        headers={"Content-Type": "application/n-quads"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=600) as response:
        assert response.status in (200, 201, 204), response.status


def measure(apps: list[Server], runs: int) -> list[tuple[str, list[float | int]]]:
    """Each benchmark query and each view with every documented example, on each app."""
    rows: list[tuple[str, list[float | int]]] = []
    for name in QUERIES:
        rows.append((f"query `{name}`", [latency(app, name, runs)["median"] for app in apps]))
    for view in load_catalogue(Settings().queries_dir):
        values = {p.name: p.example for p in view.parameters if p.example}
        path = f"/api/views/{view.name}?" + urllib.parse.urlencode(values)
        rows.append((f"view `{view.name}`", [view_median(app, path, runs) for app in apps]))
    return rows


def write_report(rows: list[tuple[str, list[float | int]]], args: argparse.Namespace) -> str:
    """The section of benchmarks/RESULTS.md: the medians, their ratios, and how they were made.
    A status in place of a time is a view the engine failed (left out of the ratios)."""
    lines = [
        "## The remote path: Oxigraph server and Virtuoso against the embedded store",
        "",
        f"`.venv/bin/python benchmarks/remote.py --resources {args.resources} --seed {args.seed} "
        f"--runs {args.runs}` at commit {commit()}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"load average {os.getloadavg()[0]:.1f} at the end. Medians of {args.runs} requests, "
        "two query workers, no answer cache, the engines on the same machine (Virtuoso with "
        f"{virtuoso.BUFFERS:,} buffers); each view with every documented example bound. "
        "*Oxigraph server in memory* is `oxigraph serve` with no directory, loaded over the Graph "
        "Store Protocol: read-write, so not a way to deploy, but it tells the storage's cost "
        "from the protocol's. A "
        "status in place of a time is the answer the server gave (left out of the ratios). Not "
        "measured: first requests to an entity (the answers are views and queries, each asked "
        "again), pages, throughput.",
        "",
        f"| {args.resources:,} resources | in memory (ms) | on disk (ms) "
        + "".join(f"| {name} (ms) " for name in ENGINES)
        + "".join(f"| {name} / in memory " for name in ENGINES)
        + "|",
        "|---" * (3 + 2 * len(ENGINES)) + "|",
    ]
    for label, (memory, disk, *far) in rows:
        lines.append(
            f"| {label} | {_cell(memory)} | {_cell(disk)} "
            + "".join(f"| {_cell(time)} " for time in far)
            + "".join(f"| {_ratio(time, memory)} " for time in far)
            + "|"
        )
    lines.append("")
    for index, name in enumerate(ENGINES, start=2):
        for column, against in ((0, "in memory"), (1, "on disk")):
            ratios = [
                t[index] / t[column]
                for _, t in rows
                if isinstance(t[index], float) and isinstance(t[column], float)
            ]
            lines.append(
                f"{name} / {against}: median {statistics.median(ratios):.2f}, "
                f"worst {max(ratios):.2f} ({len(ratios)} of {len(rows)} answered).  "
            )
    return "\n".join(lines)


def _cell(time: float | int) -> str:
    return f"{time:.1f}" if isinstance(time, float) else f"{time} (failed)"


def _ratio(time: float | int, against: float | int) -> str:
    if isinstance(time, float) and isinstance(against, float):
        return f"{time / against:.2f}"
    return "–"


if __name__ == "__main__":
    main()
