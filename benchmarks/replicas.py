"""Throughput of replicas behind HAProxy on this machine: one application process and one engine
against two and two (and two applications on one engine), on a synthetic library; write each run,
and the ratio of requests/s of two replicas to one, to their section of benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/replicas.py --resources 3000 --seconds 20 --rounds 2

Each run starts its layout afresh on free loopback ports, as tests/test_replicas.py does (its
Balancer and tests/test_remote.py's OxigraphServer are imported, not copied): N engines
`oxigraph serve-read-only --union-default-graph` on one directory loaded from the build, HAProxy
on the configuration `belong_graph.deploy.haproxy_config` writes, and M `belong-graph serve
--workers 2 --threads 8` whose store_url is HAProxy's engine frontend, with no budgets and no
answer cache (`BELONG_CACHE_MIB=0`: every request runs its queries on an engine). The layouts
alternate (1+1, 2+2, 2+1, 1+1, ...) so that a change in the machine's load falls on each; every
process is stopped by its pid at the end of its run.

The client is a closed loop: --clients threads, each on its own keep-alive connection to HAProxy,
each sending its next request when the last one has ended, in turn: an entity's page never asked
in this run (its first request), an entity's page asked over and over (a fixed set of twenty), a
view's JSON (`resources` with a theme, a type or a theme and year, in turn) and the SPARQL
endpoint with benchmarks/queries/q1-faceted-listing.rq (JSON results). After --warmup seconds, the
requests that end within the next --seconds are counted: answers 200 as successes, any other
status or a failed connection as failures; requests/s, median and p95 latency, overall and by
kind. The processor time each kind of process spent in that window (the applications with their
query workers, the engines, HAProxy, the client), read with psutil, is given per request, with
the machine's busy time that none of them took (the other users of a shared machine).

With the answer cache off, a repeated page still costs less than a first one: the first request to
a resource's page sets its citations (citeproc-py, about 11 ms an entry under a lock in each
process), which the process keeps; the repeats run every query again.

What it does not measure: replicas on separate cores or machines (every process, the client
included, shares this machine's cores, so a second replica adds processes, not processors; what
more cores and machines give is estimated on paper from the processor time per request);
network latency between machines (all on loopback); the answer cache (off, so the figures are
those of queries that run); budgets shared in Redis (off); a client that opens a connection per
request; the rollout or the failure of a replica (tests/test_replicas.py).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psutil
from remote import NO_CACHE
from routes import KINDS, Entities, commit, listing_filters, spread
from run import (
    HERE,
    JSON_RESULTS,
    LISTING,
    QUERIES,
    ROOT,
    Server,
    belong_server,
    cpu_seconds,
    generate,
    timed_build,
)
from sections import write_section

from belong_graph.build import CURRENT
from belong_graph.catalogue import load_catalogue
from belong_graph.deploy import Replicas
from belong_graph.engines import oxigraph
from belong_graph.settings import Settings

sys.path.insert(0, str(ROOT))  # the project's tests/ as a package, for its process starters
from tests.conftest import free_port
from tests.test_remote import OxigraphServer
from tests.test_replicas import Balancer

HTML = "text/html"
NEW, REPEATED, VIEW, ENDPOINT = "page, first request", "page, repeated", "view JSON", "endpoint"
MIX = (NEW, REPEATED, VIEW, ENDPOINT)  # each client sends these in turn
HOT = 20  # the entities whose pages are asked over and over
ROLES = ("apps", "engines", "HAProxy", "client")


@dataclass(frozen=True)
class Layout:
    """How many application processes and engine replicas run behind HAProxy."""

    apps: int
    engines: int

    @classmethod
    def parse(cls, text: str) -> Layout:
        apps, engines = text.split("+")
        return cls(int(apps), int(engines))

    def __str__(self) -> str:
        return f"{self.apps}+{self.engines}"


class Mix:
    """The requests of the closed loop: entity pages first asked (each entity handed out once
    per run) and repeated, the view with its filters, the endpoint's query."""

    def __init__(self, entities: list[str], views: list[str]) -> None:
        self.hot = entities[:HOT]
        self.fresh = entities[HOT:]
        self.views = views
        self.query = "/sparql?" + urllib.parse.urlencode({"query": QUERIES[LISTING]})
        self.reset()

    def reset(self) -> None:
        """Hand out the fresh entities from the first again (a new run on new processes)."""
        self._fresh = itertools.cycle(self.fresh)
        self._lock = threading.Lock()

    def request(self, client: int, number: int) -> tuple[str, str, str]:
        """The ``number``-th request of ``client``: its kind, path and Accept."""
        kind = MIX[(client + number) % len(MIX)]
        if kind == NEW:
            with self._lock:
                return kind, "/id/" + next(self._fresh), HTML
        if kind == REPEATED:
            return kind, "/id/" + self.hot[(client + number) % len(self.hot)], HTML
        if kind == VIEW:
            return kind, self.views[(client + number) % len(self.views)], "application/json"
        return kind, self.query, JSON_RESULTS


@dataclass
class Outcome:
    """What one run measured."""

    layout: Layout
    seconds: float
    latencies: dict[str, list[float]] = field(default_factory=dict)  # ms of the successes, by kind
    failures: Counter[str] = field(default_factory=Counter)  # by status (0: no answer)
    cpu: dict[str, float] = field(default_factory=dict)  # seconds in the window, by role
    others: float = 0.0  # the machine's busy seconds in the window that none of ours took
    served: dict[str, int] = field(default_factory=dict)  # requests each application had
    load: tuple[float, float] = (0.0, 0.0)  # the 1-minute load average at the start and end

    @property
    def successes(self) -> int:
        return sum(len(times) for times in self.latencies.values())

    @property
    def rps(self) -> float:
        return self.successes / self.seconds

    def all_latencies(self) -> list[float]:
        return sorted(t for times in self.latencies.values() for t in times)

    def cpu_ms_per_request(self, role: str) -> float:
        return 1000 * self.cpu[role] / max(self.successes, 1)


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[max(int(len(ordered) * 0.95) - 1, 0)] if ordered else 0.0


@dataclass
class Deployment:
    """The processes of one layout, for the processor time of each role."""

    balancer: Balancer
    engines: list[OxigraphServer]
    apps: list[Server]

    def roles(self) -> dict[str, list[int]]:
        return {
            "apps": [app.process.pid for app in self.apps if app.process],
            "engines": [engine.process.pid for engine in self.engines],
            "HAProxy": [self.balancer.process.pid],
        }


@contextlib.contextmanager
def deployed(layout: Layout, loaded: Path, store: Path, folder: Path) -> Iterator[Deployment]:
    """``layout`` up on free loopback ports, every server seen UP by HAProxy; stopped after."""
    engines: list[OxigraphServer] = []
    apps: list[Server] = []
    balancer: Balancer | None = None
    try:
        engines += [OxigraphServer(loaded) for _ in range(layout.engines)]
        replicas = Replicas(
            apps=tuple(f"127.0.0.1:{free_port()}" for _ in range(layout.apps)),
            engines=tuple(e.url.removeprefix("http://").removesuffix("/query") for e in engines),
            port=free_port(),
            engine_port=free_port(),
            stats_port=free_port(),
            check_ms=500,
        )
        balancer = Balancer(replicas, folder)
        up = {f"engine{n}": "UP" for n in range(1, layout.engines + 1)}
        balancer.wait(lambda: balancer.servers("engines") == up)  # type: ignore[union-attr]
        for address in replicas.apps:
            app = belong_server(store)
            app.env.update({**NO_CACHE, "BELONG_STORE_URL": replicas.store_url})
            apps.append(app)
            app.start(int(address.rsplit(":", 1)[1]))
        up = {f"app{n}": "UP" for n in range(1, layout.apps + 1)}
        balancer.wait(lambda: balancer.servers("apps") == up)  # type: ignore[union-attr]
        yield Deployment(balancer, engines, apps)
    finally:
        for app in apps:
            app.stop()
        if balancer is not None:
            balancer.stop()
        for engine in engines:
            engine.stop()


def processor_seconds(roles: dict[str, list[int]]) -> dict[str, float]:
    """The processor time of each role's processes and those under them, and of the client (this
    process alone: the servers are its children)."""
    seconds = {
        role: sum(cpu_seconds(psutil.Process(p)) for p in pids) for role, pids in roles.items()
    }
    own = psutil.Process().cpu_times()
    return {**seconds, "client": own.user + own.system}


def busy_seconds() -> float:
    """The machine's busy processor time, every core and process."""
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


def drive(deployment: Deployment, mix: Mix, layout: Layout, args: argparse.Namespace) -> Outcome:
    """The closed loop on ``deployment``: warm up, then count the requests that end in the
    measured window."""
    port = deployment.balancer.replicas.port
    outcome = Outcome(layout, args.seconds, {kind: [] for kind in MIX})
    window = [float("inf"), float("inf")]  # start and end, perf_counter
    stop = threading.Event()
    lock = threading.Lock()
    mix.reset()

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for sent in itertools.count():
            if stop.is_set():
                break
            kind, path, accept = mix.request(number, sent)
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Accept": accept})
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status = 0
            ended = time.perf_counter()
            if not window[0] <= ended <= window[1]:
                continue
            with lock:
                if status == 200:
                    outcome.latencies[kind].append((ended - started) * 1000)
                else:
                    outcome.failures[str(status)] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
    for thread in threads:
        thread.start()
    time.sleep(args.warmup)
    roles = deployment.roles()
    before, busy, served = (
        processor_seconds(roles),
        busy_seconds(),
        deployment.balancer.answered("apps"),
    )
    outcome.load = (os.getloadavg()[0], 0.0)
    window[0] = time.perf_counter()
    window[1] = window[0] + args.seconds
    time.sleep(args.seconds)
    after, outcome.others = processor_seconds(roles), busy_seconds() - busy
    served_after = deployment.balancer.answered("apps")
    outcome.load = (outcome.load[0], os.getloadavg()[0])
    stop.set()
    for thread in threads:
        thread.join(120)
    outcome.cpu = {role: after[role] - before[role] for role in ROLES}
    outcome.others -= sum(outcome.cpu.values())
    outcome.served = {name: served_after[name] - served[name] for name in served_after}
    return outcome


def requests_of(entities: Entities) -> Mix:
    """The mix's entities (every kind, spread, the hot ones first) and the view's filters."""
    slugs = spread([slug for kind in KINDS for slug in entities.take(kind, 10**6)])
    resources = next(v for v in load_catalogue(Settings().queries_dir) if v.name == "resources")
    views = [
        "/api/views/resources?" + urllib.parse.urlencode(values)
        for values in listing_filters(resources, 30)
    ]
    return Mix(slugs, views)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--layouts", default="1+1,2+2,2+1", help="APPS+ENGINES, in the order run")
    parser.add_argument("--rounds", type=int, default=2, help="times each layout is run, in turn")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    layouts = [Layout.parse(text) for text in args.layouts.split(",")]
    started_load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="belong-replicas-") as folder:
        work = Path(folder)
        data = generate(args.resources, args.seed, work)
        store = work / "store"
        timed_build(data, store, "turbo")
        loaded = work / "engine"
        oxigraph.load((store / CURRENT).resolve(), loaded)
        mix = requests_of(entities_in(loaded))
        outcomes = []
        for round_ in range(args.rounds):
            for layout in layouts:
                run = work / f"run-{round_}-{layout.apps}-{layout.engines}"
                run.mkdir()
                with deployed(layout, loaded, store, run) as deployment:
                    outcome = drive(deployment, mix, layout, args)
                outcomes.append(outcome)
                print(f"{layout}: {summary(outcome)}", flush=True)
    report = write_report(outcomes, mix, args, started_load)
    write_section(args.output, "replicas", report)
    print(report)


def entities_in(loaded: Path) -> Entities:
    """The library's entities, asked of an engine on the loaded directory."""
    engine = OxigraphServer(loaded)
    try:
        return Entities(Server("engine", [], path="/query", port=engine_port(engine)), set())
    finally:
        engine.stop()


def engine_port(engine: OxigraphServer) -> int:
    return int(urllib.parse.urlsplit(engine.url).port or 0)


def summary(outcome: Outcome) -> str:
    times = outcome.all_latencies()
    return (
        f"{outcome.rps:.1f} requests/s, {outcome.successes} answered, "
        f"{sum(outcome.failures.values())} failed {dict(outcome.failures)}, "
        f"median {statistics.median(times) if times else 0:.0f} ms, p95 {p95(times):.0f} ms, "
        f"served {outcome.served}, cpu { ({r: round(s, 1) for r, s in outcome.cpu.items()}) }, "
        f"others {outcome.others:.1f} s, load {outcome.load[0]:.1f}-{outcome.load[1]:.1f}"
    )


def write_report(
    outcomes: list[Outcome], mix: Mix, args: argparse.Namespace, started_load: float
) -> str:
    """The section of benchmarks/RESULTS.md."""
    command = " ".join([".venv/bin/python", "benchmarks/replicas.py", *sys.argv[1:]])
    lines = [
        "## Replicas behind HAProxy: one against two, on one machine",
        "",
        f"`{command}` at commit {commit()}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"{platform.machine()} with {os.cpu_count()} cores, load average {started_load:.1f} at "
        f"the start. A synthetic library of {args.resources:,} resources (seed {args.seed}); "
        "APPS+ENGINES: `belong-graph serve --workers 2 --threads 8` processes (no budgets, no "
        "answer cache) and `oxigraph serve-read-only` replicas on one loaded directory, behind "
        "HAProxy (`belong_graph.deploy.haproxy_config`), all on loopback and on the same cores "
        f"as the client. {args.clients} client threads in a closed loop, each on a keep-alive "
        f"connection, sending in turn: {', '.join(MIX)} (the first requests from "
        f"{len(mix.fresh):,} entities, the repeats on {len(mix.hot)}; the view `resources` "
        "filtered; the endpoint's `q1-faceted-listing`). Counted: the requests ending in "
        f"{args.seconds:g} s after a {args.warmup:g} s warm-up; the layouts alternate. "
        "benchmarks/replicas.py says what this covers and what it does not.",
        "",
        "| run | APPS+ENGINES | answered | failed | requests/s | median ms | p95 ms "
        "| per app | processor ms per request: apps / engines / HAProxy / client | others' "
        "processor s | load at start, end |",
        "|---:|---|---:|---:|---:|---:|---:|---|---|---:|---|",
    ]
    for number, o in enumerate(outcomes, 1):
        times = o.all_latencies()
        cpu = " / ".join(f"{o.cpu_ms_per_request(role):.1f}" for role in ROLES)
        lines.append(
            f"| {number} | {o.layout} | {o.successes} | {sum(o.failures.values())} "
            f"| {o.rps:.1f} | {statistics.median(times):.0f} | {p95(times):.0f} "
            f"| {', '.join(map(str, o.served.values()))} | {cpu} | {o.others:.1f} "
            f"| {o.load[0]:.1f}, {o.load[1]:.1f} |"
        )
    layouts = list(dict.fromkeys(o.layout for o in outcomes))
    by_layout = {layout: [o for o in outcomes if o.layout == layout] for layout in layouts}
    lines += [
        "",
        "| APPS+ENGINES | requests/s (mean of runs) | "
        + " | ".join(f"{kind}: median / p95 ms" for kind in MIX)
        + " |",
        "|---|---:|" + "---:|" * len(MIX),
    ]
    for layout, runs in by_layout.items():
        cells = []
        for kind in MIX:
            times = [t for o in runs for t in o.latencies[kind]]
            cells.append(f"{statistics.median(times):.0f} / {p95(times):.0f}" if times else "-")
        lines.append(f"| {layout} | {mean_rps(runs):.1f} | " + " | ".join(cells) + " |")
    one, two = Layout(1, 1), Layout(2, 2)
    if one in by_layout and two in by_layout:
        pairs = [
            f"{b.rps / a.rps:.2f}" for a, b in zip(by_layout[one], by_layout[two], strict=False)
        ]
        lines += [
            "",
            f"**2+2 / 1+1, requests/s: {mean_rps(by_layout[two]) / mean_rps(by_layout[one]):.2f}** "
            f"(the means of the runs; round by round: {', '.join(pairs)}). Processor time "
            "per request, every process of ours, 2+2 / 1+1: "
            f"{cpu_per_request(by_layout[two]) / cpu_per_request(by_layout[one]):.2f} (the "
            "figure the other users of the machine sway least: at equal processor time, the "
            "requests/s of two layouts differ by the cores each had).",
        ]
    lines += ["", on_paper(outcomes)]
    return "\n".join(lines)


def mean_rps(runs: list[Outcome]) -> float:
    return statistics.fmean(o.rps for o in runs)


def cpu_per_request(runs: list[Outcome]) -> float:
    """The processor ms that ``runs`` took per request answered, every role summed."""
    return 1000 * sum(sum(o.cpu.values()) for o in runs) / max(sum(o.successes for o in runs), 1)


def on_paper(outcomes: list[Outcome]) -> str:
    """What more cores and machines give, from the processor time per request measured."""
    ms = {role: statistics.median(o.cpu_ms_per_request(role) for o in outcomes) for role in ROLES}
    served = ms["apps"] + ms["engines"] + ms["HAProxy"]
    cores = os.cpu_count() or 1
    return (
        f"On paper. A request of this mix took {ms['apps']:.1f} ms of processor time in the "
        f"applications (web process and query workers), {ms['engines']:.1f} ms in the engines, "
        f"{ms['HAProxy']:.2f} ms in HAProxy and {ms['client']:.1f} ms in the client (medians "
        f"of the runs). Here every process shares {cores} cores, so their sum bounds "
        f"the throughput at {1000 * cores / (served + ms['client']):.0f} requests/s whatever "
        "the number of replicas: a second replica adds processes, not processors, and the ratio "
        "above says what the extra processes cost or gain on the same cores (more query workers "
        "and web threads at once, more memory). Replicas on their own cores or machines add "
        f"processors: each core given to applications serves up to {1000 / ms['apps']:.0f} "
        "requests/s of this mix (a replica uses about one: its web process holds Python's lock "
        "and its query workers mostly wait on the engine, so give them a replica per core), "
        f"each core given to engines {1000 / ms['engines']:.0f}, so "
        f"about {ms['apps'] / ms['engines']:.1f} application cores per engine core keeps both "
        f"busy, and a core of HAProxy would carry {1000 / max(ms['HAProxy'], 0.01):.0f} "
        "requests/s. So throughput grows with the replicas, nearly in proportion, until HAProxy "
        "or the network between machines is the limit; across machines each request also "
        "waits for two network hops (client to application, application to engine), which "
        "adds latency but, with enough client connections, not processor time. These are upper "
        "bounds: they leave out the memory bandwidth and the disk the engines share, and the "
        "client's own machine."
    )


if __name__ == "__main__":
    main()
