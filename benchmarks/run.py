"""Benchmark belong-graph's SPARQL endpoint side by side with its Python peer, rdflib-endpoint,
and with a floor (a bare pyoxigraph store behind Flask), all serving the same synthetic library
in the same run, on loopback. Writes the figures and their ratios to benchmarks/RESULTS.md.

    make bench            # or: .venv/bin/python benchmarks/run.py --resources 3000 --large 30000

Latency: each query is sent sequentially, after warm-ups, each time with a different trailing
comment, so no server answers from a cache. Throughput: the faceted listing from 8 client
threads for a fixed time, again each request a new text; then, for belong-graph only, the same
text repeated (its answer cache) against rdflib-endpoint repeating the same text.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psutil
import pyoxigraph as ox
from sections import write_section

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
QUERIES = {path.stem: path.read_text() for path in sorted((HERE / "queries").glob("*.rq"))}
LISTING = "q1-faceted-listing"
HEADLINE = ("q1-faceted-listing", "q3-one-resource", "q4-organisation-partners")
JSON_RESULTS = "application/sparql-results+json"
TURTLE = "text/turtle"
UNLIMITED = {"BELONG_QUERY_BUDGET": "0", "BELONG_REQUEST_LIMIT": "0"}  # no per-client limits


def accept_for(query: str) -> str:
    return TURTLE if "CONSTRUCT" in query else JSON_RESULTS


@dataclass
class Server:
    name: str
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)
    path: str = "/sparql"
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    ready_seconds: float = 0.0

    def start(self, port: int) -> None:
        self.port = port
        started = time.monotonic()
        self.process = subprocess.Popen(
            [part.format(port=port) for part in self.command],
            env={**os.environ, **self.env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = started + 600
        while time.monotonic() < deadline:
            try:
                status, body = request(self, "ASK { ?s ?p ?o }", JSON_RESULTS)
            except OSError:
                status, body = 0, b""
            if status == 200:
                self.ready_seconds = time.monotonic() - started
                self.settle()
                return
            if status:
                raise RuntimeError(f"{self.name} answered {status}: {body[:200]!r}")
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited while starting")
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not start")

    def settle(self, seconds: float = 60.0) -> None:
        """Wait until the server's processes are idle (under a tenth of a core for half a
        second): belong-graph answers once one query worker is up and loads the others' copies
        after, which would otherwise be timed with the first query."""
        assert self.process is not None
        parent = psutil.Process(self.process.pid)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            before = cpu_seconds(parent)
            time.sleep(0.5)
            if cpu_seconds(parent) - before < 0.05:
                return

    def memory_mib(self) -> dict[str, float]:
        """The memory of the server's processes: PSS counts a page that n processes share as
        1/n in each, so its sum is what the server takes; the RSS sum counts it n times."""
        assert self.process is not None
        parent = psutil.Process(self.process.pid)
        processes = [parent, *parent.children(recursive=True)]
        infos = [p.memory_full_info() for p in processes]
        return {
            "pss": sum(i.pss for i in infos) / 2**20,
            "rss": sum(i.rss for i in infos) / 2**20,
            "each": [round(i.rss / 2**20) for i in infos],
        }

    def stop(self) -> None:
        if self.process is None:
            return
        parent = psutil.Process(self.process.pid)
        for process in [*parent.children(recursive=True), parent]:
            process.kill()
        self.process.wait(10)


def cpu_seconds(parent: psutil.Process) -> float:
    """The processor time (user and system) of ``parent`` and the processes under it."""
    total = 0.0
    for process in [parent, *parent.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess):
            times = process.cpu_times()
            total += times.user + times.system
    return total


_local = threading.local()


def request(server: Server, query: str, accept: str) -> tuple[int, bytes]:
    """One GET on a keep-alive connection of this thread."""
    port = server.port
    connection = getattr(_local, "connections", {}).get(port)
    if connection is None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        _local.__dict__.setdefault("connections", {})[port] = connection
    path = server.path + "?" + urllib.parse.urlencode({"query": query})
    try:
        connection.request("GET", path, headers={"Accept": accept})
        response = connection.getresponse()
        return response.status, response.read()
    except (OSError, http.client.HTTPException):
        _local.connections.pop(port, None)
        connection.close()
        raise


def count(body: bytes, accept: str) -> int:
    if accept == TURTLE:
        return len(list(ox.parse(body, format=ox.RdfFormat.TURTLE)))
    document = json.loads(body)
    return len(document["results"]["bindings"]) if "results" in document else 1


def latency(server: Server, name: str, runs: int) -> dict[str, float]:
    query, accept = QUERIES[name], accept_for(QUERIES[name])
    for warm in range(3):
        request(server, f"{query}\n# warm-up {warm}", accept)
    times, rows = [], 0
    for run in range(runs):
        started = time.perf_counter()
        status, body = request(server, f"{query}\n# run {run} {time.time_ns()}", accept)
        times.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise RuntimeError(f"{server.name} answered {status} to {name}: {body[:200]!r}")
        rows = count(body, accept)
    times.sort()
    return {
        "median": statistics.median(times),
        "p95": times[max(int(len(times) * 0.95) - 1, 0)],
        "rows": rows,
    }


def throughput(
    server: Server, name: str, seconds: float, concurrency: int, repeat: bool
) -> dict[str, float]:
    query, accept = QUERIES[name], accept_for(QUERIES[name])
    done, errors, lock = [0], [0], threading.Lock()
    stop_at = time.monotonic() + seconds
    latencies: list[float] = []

    def client(number: int) -> None:
        sent = 0
        while time.monotonic() < stop_at:
            text = query if repeat else f"{query}\n# client {number} request {sent}"
            sent += 1
            started = time.perf_counter()
            try:
                status, _ = request(server, text, accept)
            except OSError:
                status = 0
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if status == 200:
                    done[0] += 1
                    latencies.append(elapsed)
                else:
                    errors[0] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    return {
        "rps": done[0] / seconds,
        "errors": errors[0],
        "p95": latencies[max(int(len(latencies) * 0.95) - 1, 0)] if latencies else 0.0,
    }


def generate(resources: int, seed: int, directory: Path) -> Path:
    path = directory / f"library-{resources}-{seed}.ttl"
    subprocess.run(
        [
            BIN / "belong-graph",
            "generate",
            "--resources",
            str(resources),
            "--seed",
            str(seed),
            "-o",
            path,
        ],
        check=True,
    )
    return path


def timed_build(data: Path, store: Path, validator: str) -> float:
    env = {
        **os.environ,
        "BELONG_DATA_PATHS": str(data),
        "BELONG_STORE_DIR": str(store),
        "BELONG_VALIDATOR": validator,
    }
    started = time.monotonic()
    subprocess.run([BIN / "belong-graph", "build"], env=env, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def belong_server(store: Path, workers: int = 2) -> Server:
    """belong-graph under waitress on a store built beforehand with `belong-graph build`."""
    return Server(
        "belong-graph",
        [
            str(BIN / "belong-graph"),
            "serve",
            "--workers",
            str(workers),
            "--threads",
            "8",
            "--port",
            "{port}",
        ],
        {**UNLIMITED, "BELONG_STORE_DIR": str(store)},
    )


def compare(args: argparse.Namespace, work: Path) -> dict[str, object]:
    data = generate(args.resources, args.seed, work)
    store = work / "store-compare"
    builds = {v: timed_build(data, work / f"store-{v}", v) for v in ("pyshacl", "turbo")}
    store = work / "store-turbo"
    servers = [
        belong_server(store),
        Server(  # the same app and store under gunicorn: two processes, each with one query worker
            "belong-graph under gunicorn",
            [
                str(BIN / "gunicorn"),
                "--workers",
                "2",
                "--threads",
                "4",
                "--worker-class",
                "gthread",
                "--log-level",
                "warning",
                "--bind",
                "127.0.0.1:{port}",
                "belong_graph.web:create_app()",
            ],
            {**UNLIMITED, "BELONG_STORE_DIR": str(store), "BELONG_WORKERS": "1"},
        ),
        Server(
            "floor (pyoxigraph behind Flask)",
            [sys.executable, str(HERE / "floor_server.py"), str(data), "--port", "{port}"],
        ),
        Server(
            "rdflib-endpoint",
            [
                str(BIN / "rdflib-endpoint"),
                "serve",
                str(data),
                "--host",
                "127.0.0.1",
                "--port",
                "{port}",
            ],
            path="/",  # where its command line serves the endpoint
        ),
    ]
    results: dict[str, dict[str, object]] = {}
    for number, server in enumerate(servers):
        print(f"starting {server.name}", flush=True)
        server.start(args.port + number)
        try:
            figures: dict[str, object] = {"ready_s": server.ready_seconds}
            for name in QUERIES:
                figures[name] = latency(server, name, args.runs)
                print(f"  {name}: {figures[name]}", flush=True)
            figures["throughput"] = throughput(
                server, LISTING, args.seconds, args.concurrency, False
            )
            figures["repeated"] = throughput(server, LISTING, args.seconds, args.concurrency, True)
            print(
                f"  throughput {figures['throughput']} repeated {figures['repeated']}", flush=True
            )
            figures["memory"] = server.memory_mib()
            results[server.name] = figures
        finally:
            server.stop()
    return {"resources": args.resources, "data": data, "servers": results, "builds": builds}


def large(args: argparse.Namespace, work: Path) -> dict[str, object]:
    """Latency and memory at the large size, with the default settings (two query workers
    within the 1 GiB memory budget), memory read after every query ran."""
    data = generate(args.large, args.seed, work)
    builds = {"turbo": timed_build(data, work / "store-turbo", "turbo")}
    server = belong_server(work / "store-turbo")
    server.start(args.port + 10)
    try:
        runs = max(args.runs // 2, 10)
        figures = {name: latency(server, name, runs) for name in QUERIES}
        memory = server.memory_mib()
    finally:
        server.stop()
    return {"resources": args.large, "builds": builds, "queries": figures, "memory": memory}


def write_report(
    compared: dict[str, object], scaled: dict[str, object] | None, args: argparse.Namespace
) -> str:
    servers = compared["servers"]
    ours, gunicorn, floor, peer = (servers[name] for name in servers)  # type: ignore[index]
    names = list(servers)  # type: ignore[arg-type]
    lines = [
        "## The SPARQL endpoint against rdflib-endpoint",
        "",
        f"Produced by `{' '.join(['.venv/bin/python', 'benchmarks/run.py', *sys.argv[1:]])}` on "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.machine()} with {os.cpu_count()} cores, "
        f"Python {platform.python_version()}. Every server serves the same synthetic library "
        f"(`belong-graph generate --resources {compared['resources']} --seed {args.seed}`) on "
        "127.0.0.1; the client runs on the same cores. belong-graph is built with `belong-graph build` "
        "(pySHACL-turbo) and runs as `belong-graph serve --workers 2 --threads 8` (waitress, two query worker processes, "
        "each holding the store in memory while the 1 GiB memory budget allows); the same app also runs under gunicorn (two "
        "gthread processes of four threads, each with one query worker); the floor is a bare pyoxigraph store in memory behind Flask and waitress "
        "(`benchmarks/floor_server.py`); rdflib-endpoint 0.6.3 runs as its CLI builds it.",
        "",
        f"### Latency at {compared['resources']:,} resources (ms, {args.runs} sequential requests, each a new query text)",
        "",
        "| query | rows | "
        + " | ".join(f"{n} median / p95" for n in names)
        + " | rdflib-endpoint ÷ belong-graph (median) |",
        "|---|---:|" + "---:|" * (len(names) + 1),
    ]
    for name in QUERIES:
        cells = [
            f"{s[name]['median']:.1f} / {s[name]['p95']:.1f}" for s in (ours, gunicorn, floor, peer)
        ]
        ratio = peer[name]["median"] / ours[name]["median"]
        lines.append(
            f"| {name} | {ours[name]['rows']} | " + " | ".join(cells) + f" | **{ratio:.1f}x** |"
        )
    lines += [
        "",
        "Rows per server: "
        + "; ".join(
            f"{n}: " + "/".join(str(s[n]["rows"]) for s in (ours, gunicorn, floor, peer))
            for n in QUERIES
        )
        + ". The SELECT queries agree; belong-graph's store also holds the ontology and the triples "
        "its rules derive (labels, superclass types, dcterms:creator...), so the CONSTRUCT of one "
        "resource (q3) carries more triples there.",
        "",
        f"### Throughput at {compared['resources']:,} resources ({args.concurrency} client threads, {args.seconds:g} s, faceted listing)",
        "",
        "| server | requests/s, each a new text | p95 ms | errors | requests/s, the same text repeated | memory MiB: PSS (RSS summed) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, s in servers.items():  # type: ignore[attr-defined]
        lines.append(
            f"| {name} | {s['throughput']['rps']:.0f} | {s['throughput']['p95']:.1f} | "
            f"{s['throughput']['errors']} | {s['repeated']['rps']:.0f} | "
            f"{s['memory']['pss']:.0f} ({s['memory']['rss']:.0f}) |"
        )
    headline = {q: peer[q]["median"] / ours[q]["median"] for q in HEADLINE}
    lines += [
        "",
        "### Against the targets",
        "",
        "| target | measured | met |",
        "|---|---:|:---:|",
    ]
    for query, ratio in headline.items():
        lines.append(
            f"| {query}: median at most 1/8 of rdflib-endpoint's | 1/{ratio:.1f} | {'yes' if ratio >= 8 else 'no'} |"
        )
    tp = ours["throughput"]["rps"] / peer["throughput"]["rps"]
    fl = floor["throughput"]["rps"] / ours["throughput"]["rps"]
    gu = gunicorn["throughput"]["rps"] / ours["throughput"]["rps"]
    cached = ours["repeated"]["rps"] / peer["repeated"]["rps"]
    lines += [
        f"| throughput at concurrency {args.concurrency}: at least 8x rdflib-endpoint's | {tp:.1f}x | {'yes' if tp >= 8 else 'no'} |",
        f"| throughput within 1.5x of the floor (floor ÷ belong-graph) | {fl:.2f}x | {'yes' if fl <= 1.5 else 'no'} |",
        f"| (gunicorn ÷ waitress, same app: the server picked is waitress) | {gu:.2f}x | |",
        f"| repeated GET from the answer cache: at least 30x rdflib-endpoint's throughput | {cached:.1f}x | {'yes' if cached >= 30 else 'no'} |",
    ]
    if scaled:
        worst = max(scaled["queries"].values(), key=lambda f: f["median"])  # type: ignore[union-attr]
        lines += [
            f"| {scaled['resources']:,} resources: every query's median at most 300 ms | worst {worst['median']:.0f} ms | {'yes' if worst['median'] <= 300 else 'no'} |",
            f"| {scaled['resources']:,} resources: build (validation and load) at most 60 s | {scaled['builds']['turbo']:.1f} s with pySHACL-turbo | {'yes' if scaled['builds']['turbo'] <= 60 else 'no'} |",
            f"| {scaled['resources']:,} resources: resident memory at most 1 GiB (PSS of the server's processes, two query workers; their RSS summed in brackets) | {scaled['memory']['pss']:.0f} MiB ({scaled['memory']['rss']:.0f}) | {'yes' if scaled['memory']['pss'] <= 1024 else 'no'} |",
            "",
            f"### belong-graph at {scaled['resources']:,} resources",
            "",
            "| query | rows | median ms | p95 ms |",
            "|---|---:|---:|---:|",
        ]
        for name, f in scaled["queries"].items():  # type: ignore[union-attr]
            lines.append(f"| {name} | {f['rows']} | {f['median']:.1f} | {f['p95']:.1f} |")
        lines += [
            "",
            f"Build (`belong-graph build`: Oxigraph parse, SHACL validation in a second process, "
            f"derivation rules, N-Quads snapshot and on-disk store) at {scaled['resources']:,} resources: "
            f"{scaled['builds']['turbo']:.1f} s with `BELONG_VALIDATOR=turbo`. pySHACL, the default "
            "engine, is not timed at this size: it took over five minutes in an earlier run and was "
            "stopped.",
            "",
            f"Memory at {scaled['resources']:,} resources, RSS of each process (MiB; the server, multiprocessing's resource tracker and fork "
            f"server, then the two query workers): {', '.join(map(str, scaled['memory']['each']))}. A query "
            "worker holds the store in memory while a copy fits in the 1 GiB budget beside the rest of the "
            "server, and reads the on-disk store otherwise (whose pages the operating system caches for every "
            "worker); an idle in-memory worker is chosen first.",
        ]
    builds = compared["builds"]
    lines += [
        "",
        f"Build at {compared['resources']:,} resources: {builds['pyshacl']:.1f} s with pySHACL (the default), "  # type: ignore[index]
        f"{builds['turbo']:.1f} s with pySHACL-turbo.",  # type: ignore[index]
        "",
        "Notes: the client shares the two cores with the servers, so requests/s are lower bounds for "
        "every server. rdflib-endpoint answers from rdflib's in-memory engine inside an async handler, one "
        "query at a time; belong-graph runs every query in a worker process that can be stopped, with "
        "its checks, limits, validators and answer cache; the floor has none of these.",
        "",
    ]
    return "\n".join(lines)


def size_arguments(description: str, port: int) -> argparse.ArgumentParser:
    """The options both benchmarks take: the two sizes, the seed, the first port, the report."""
    parser = argparse.ArgumentParser(description=description.split("\n\n")[0])
    parser.add_argument("--resources", type=int, default=3000)
    parser.add_argument("--large", type=int, default=30000, help="0 to skip the large run")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--port", type=int, default=port)
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    return parser


def main() -> None:
    parser = size_arguments(__doc__, port=18300)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="belong-bench-") as folder:
        work = Path(folder)
        compared = compare(args, work)
        scaled = large(args, work) if args.large else None
    report = write_report(compared, scaled, args)
    write_section(args.output, "endpoint", report)
    print(report)


if __name__ == "__main__":
    main()
