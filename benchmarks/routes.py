"""Benchmark every route a person or a harvester touches, on a synthetic library served by
`belong-graph serve`, and write the figures, with the issue's goals, to their section of
benchmarks/RESULTS.md.

    make bench            # or: .venv/bin/python benchmarks/routes.py --resources 3000 --large 30000

For each route (entity pages, dereferencing in each RDF format, every view with its documented
examples, the catalogue, OAI-PMH, the dataset description, the sitemap, the explorer's JSON): the
FIRST request to distinct entities (each URL never asked before, so no cache holds it; a new
entity each time) and the warm median (the same URL repeated). Then the memory of the server's
processes after every route was used, and the time from `serve` to its first answer. Beside it,
in the same run, the floor of benchmarks/run.py (a bare pyoxigraph store behind Flask) answers a
one-entity CONSTRUCT (the entity's links both ways) for the same entities, and the report gives
the ratio of each entity route's first-request median to it.

Requests are sequential, on 127.0.0.1, with a client timeout; an answer that is not 2xx or 3xx is
recorded with its status and time, a client timeout as "timeout". Every loop is bounded in count
and time: a route stops taking new entities after --route-seconds, or after two requests slower
than --slow-seconds, and past the --budget of a size every remaining route gets one request.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import math
import os
import platform
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from run import (
    HERE,
    JSON_RESULTS,
    TURTLE,
    Server,
    belong_server,
    generate,
    request,
    size_arguments,
    timed_build,
)
from sections import SCRIPTS, write_section

from belong_graph.catalogue import CannedQuery, Parameter, load_catalogue
from belong_graph.settings import Settings
from belong_graph.synthetic import THEMES, TYPES, WORDS

BASE = Settings().base_iri
HTML = "text/html"
RDF = {  # format name: media type, for dereferencing
    "turtle": TURTLE,
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    "ntriples": "application/n-triples",
}
KINDS = ("resource", "organisation", "person", "project", "theme", "resource-type")
CLASS_KINDS = {  # the class a view's iri parameter names: the kind of entity to vary it over
    "org:Organization": "organisation",
    "schema:Person": "person",
    "dcterms:BibliographicResource": "resource",
    "bel:Initiative": "project",
}
FLOOR_QUERY = """CONSTRUCT { ?e ?p ?o . ?s ?q ?e }
WHERE { VALUES ?e { <IRI> } { ?e ?p ?o } UNION { ?s ?q ?e } }"""
ENTITIES_QUERY = """SELECT ?e (MIN(?name) AS ?label) WHERE {
  ?e <http://schema.org/name>|<http://purl.org/dc/terms/title>|<http://www.w3.org/2004/02/skos/core#prefLabel> ?name
  FILTER (STRSTARTS(STR(?e), "PREFIX"))
} GROUP BY ?e ORDER BY ?e"""
HUBS_QUERY = """SELECT ?e (COUNT(*) AS ?links) WHERE {
  ?s ?p ?e FILTER (isIRI(?e) && STRSTARTS(STR(?e), "PREFIX"))
} GROUP BY ?e ORDER BY DESC(?links) ?e LIMIT HOWMANY"""
GOALS = {  # resources: (ms for every page, dereference, view and OAI page; ms for the explorer)
    3000: (100.0, 1000.0),
    30000: (300.0, 2000.0),
}
LARGE_GOALS = {"pss": 1024.0, "build": 60.0}  # at the largest size the issue names


@dataclass
class Route:
    """One route: the distinct URLs of its first requests, the first being its documented
    example where it has one, and the kind of entity it answers for (for the floor ratio)."""

    name: str
    urls: list[str]
    accept: str = HTML
    kind: str | None = None
    example: bool = False
    follow: Callable[[bytes], list[str]] | None = None  # further URLs an answer links to


@dataclass
class Measured:
    route: Route
    first: list[tuple[str, float]] = field(default_factory=list)  # (status, ms) per URL
    warm: list[float] = field(default_factory=list)
    warm_url: str | None = None
    size: int = 0  # bytes of the first answer (uncompressed): no route is fast by finding nothing
    load: float = 0.0  # the machine's 1-minute load average when the route was done


def get(port: int, path: str, accept: str, timeout: float) -> tuple[str, float, bytes]:
    """One GET on a new connection: its status ("timeout" if the client gave up, the error's
    name if the connection failed), the ms until the whole answer arrived, and the body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    started = time.perf_counter()
    try:
        connection.request("GET", path, headers={"Accept": accept, "Accept-Encoding": "gzip"})
        response = connection.getresponse()
        body = response.read()
        status = str(response.status)
        elapsed = (time.perf_counter() - started) * 1000
        if response.getheader("Content-Encoding") == "gzip":
            body = gzip.decompress(body)  # after the clock stopped
    except (OSError, http.client.HTTPException) as error:
        status = "timeout" if isinstance(error, TimeoutError) else type(error).__name__
        body, elapsed = b"", (time.perf_counter() - started) * 1000
    finally:
        connection.close()
    return status, elapsed, body


def answered(status: str) -> bool:
    return status.isdigit() and 200 <= int(status) < 400


class Entities:
    """The library's entities by kind, from the floor, each handed out once; the examples' own
    entities are kept for the views' examples."""

    def __init__(self, floor: Server, reserved: set[str]) -> None:
        self.hubs = distinct(  # the most linked-to entities: of all, then the two of each kind
            [
                hub
                for prefix, count in [("", 10), *((f"{kind}/", 2) for kind in KINDS)]
                for hub in most_linked(floor, prefix, count)
            ]
        )
        reserved = reserved | set(self.hubs)
        self._pools: dict[str, deque[str]] = {}
        self.names: dict[str, str] = {}  # each entity's name (title, label)
        for kind in KINDS:
            query = ENTITIES_QUERY.replace("PREFIX", f"{BASE}id/{kind}/")
            status, body = request(floor, query, JSON_RESULTS)
            assert status == 200, body[:200]
            rows = json.loads(body)["results"]["bindings"]
            slugs = [row["e"]["value"].removeprefix(BASE + "id/") for row in rows]
            self.names |= {
                slug: row["label"]["value"] for slug, row in zip(slugs, rows, strict=True)
            }
            self._pools[kind] = deque(spread([s for s in slugs if s not in reserved]))

    def take(self, kind: str, count: int) -> list[str]:
        pool = self._pools[kind]
        return [pool.popleft() for _ in range(min(count, len(pool)))]


def most_linked(floor: Server, prefix: str, count: int) -> list[str]:
    """The ``count`` entities under ``id/{prefix}`` with the most incoming links, most first."""
    query = HUBS_QUERY.replace("PREFIX", f"{BASE}id/{prefix}").replace("HOWMANY", str(count))
    status, body = request(floor, query, JSON_RESULTS)
    assert status == 200, body[:200]
    rows = json.loads(body)["results"]["bindings"]
    return [row["e"]["value"].removeprefix(BASE + "id/") for row in rows]


def spread(items: list[str]) -> list[str]:
    """``items`` reordered so that any prefix samples the whole list evenly: the hubs that sort
    first and the long tail alike."""
    order, step = [], len(items)
    seen: set[int] = set()
    while step >= 1 and len(order) < len(items):
        for index in range(0, len(items), step):
            if index not in seen:
                seen.add(index)
                order.append(items[index])
        step //= 2
    return order


def sitemaps(body: bytes) -> list[str]:
    """The numbered sitemaps a sitemap index lists, as paths on this server."""
    if b"<sitemapindex" not in body:
        return []
    return [
        urllib.parse.urlsplit(loc).path for loc in re.findall(r"<loc>([^<]+)</loc>", body.decode())
    ]


def next_page(body: bytes) -> list[str]:
    """The next page of an OAI-PMH list, by its resumption token."""
    token = re.search(rb"<(?:\w+:)?resumptionToken[^>]*>([^<]+)<", body)
    return [path("/oai", verb="ListRecords", resumptionToken=token[1].decode())] if token else []


def pairs(items: list[str]) -> list[tuple[str, str]]:
    return list(zip(items[::2], items[1::2], strict=False))


def path(base: str, **values: str) -> str:
    return base + ("?" + urllib.parse.urlencode(values) if values else "")


def example_values(view: CannedQuery) -> dict[str, str]:
    return {p.name: p.example for p in view.parameters if p.example}


def view_route(view: CannedQuery, entities: Entities, count: int) -> Route:
    """The view with all its documented examples first, then with distinct values: fresh
    entities for an entity parameter, filters for the listings, another format otherwise."""
    url = f"/api/views/{view.name}"
    examples = example_values(view)
    urls = [path(url, **examples)]
    entity: Parameter | None = next(
        (p for p in view.parameters if p.type == "iri" and not p.scheme), None
    )
    if view.name == "connection":
        ends = entities.take("organisation", 2 * count)
        urls += [path(url, organisation=a, other=b) for a, b in pairs(ends)]
    elif view.name == "lookup":
        urls += [
            path(url, id=f"https://example.org/{slug}")
            for slug in entities.take("organisation", count)
        ]
    elif any(p.scheme for p in view.parameters):
        urls += [path(url, **values) for values in listing_filters(view, count)]
    elif entity is not None:
        kind = CLASS_KINDS.get(entity.of_class or "", "organisation")
        urls += [path(url, **{entity.name: slug}) for slug in entities.take(kind, count)]
    else:
        pages = ["1", "2"] if view.pagination else ["1"]
        urls += [
            path(url, format=fmt, **({"page": page} if view.pagination else {}))
            for page in pages
            for fmt in ("csv", "tsv", "xml", "srj")
        ]
    return Route(f"view {view.name}", distinct(urls)[: count + 1], "application/json", example=True)


def listing_filters(view: CannedQuery, count: int) -> list[dict[str, str]]:
    """Distinct filter choices for the listing views and the catalogue: a theme, a type, or a
    theme in a year, in turn, keeping only the parameters the view has."""
    names = {p.name for p in view.parameters}
    choices: list[dict[str, str]] = []
    for n in range(3 * len(THEMES)):
        theme, kind = f"theme/{THEMES[n % len(THEMES)]}", f"resource-type/{TYPES[n % len(TYPES)]}"
        choice = [{"theme": theme}, {"type": kind}, {"theme": theme, "in": str(2015 + n % 10)}][
            n % 3
        ]
        if set(choice) <= names and choice not in choices:
            choices.append(choice)
    return choices[:count]


def distinct(urls: list[str]) -> list[str]:
    return list(dict.fromkeys(urls))


def routes(entities: Entities, count: int) -> list[Route]:
    """Every route, in the order measured; the explorer last, as its first request builds the
    whole network in the web process."""
    catalogue = load_catalogue(Settings().queries_dir)
    measured = [view_route(view, entities, count) for view in catalogue]
    pages = [
        Route(f"page {kind}", ["/id/" + slug for slug in entities.take(kind, count)], kind=kind)
        for kind in KINDS
    ]  # fmt: skip
    hubs = [  # the largest descriptions: half for pages, half for Turtle, each asked once
        Route("page, the most-linked entities", ["/id/" + slug for slug in entities.hubs[::2]]),
        Route("dereference turtle, the most-linked entities",
              ["/id/" + slug for slug in entities.hubs[1::2]], TURTLE),
    ]  # fmt: skip
    dereference = [
        Route(f"dereference {fmt} {kind}", ["/id/" + slug for slug in entities.take(kind, count)], media, kind)
        for fmt, media in RDF.items()
        for kind in (("resource", "organisation", "person", "project") if fmt == "turtle" else ("resource",))
    ]  # fmt: skip
    resources = next(view for view in catalogue if view.name == "resources")
    catalogue_routes = [
        Route("catalogue /resources", ["/resources"]),
        Route("catalogue filtered", [path("/resources", **v) for v in listing_filters(resources, count)]),
        Route("catalogue search", [path("/resources", keyword=w) for w in WORDS[:count]]),
        Route("catalogue search, two words and a year",
              [path("/resources", keyword=f"{w} {WORDS[-1 - n]} 2020") for n, w in enumerate(WORDS[:count])]),
        Route("catalogue page 2", [path("/resources", page="2", sort=s) for s in ("newest", "oldest", "title")]),
    ]  # fmt: skip
    records = entities.take("resource", count)
    oai = [
        Route("OAI ListRecords", [path("/oai", verb="ListRecords", metadataPrefix=p, **s)
                                  for p in ("oai_dc", "rdf")
                                  for s in ({}, *({"set": f"theme:{t}"} for t in THEMES))][:count], "text/xml"),
        Route("OAI ListRecords, harvest by resumption tokens",
              [path("/oai", verb="ListRecords", metadataPrefix="oai_dc", **{"from": "2000-01-01"})], "text/xml", follow=next_page),
        Route("OAI GetRecord", [path("/oai", verb="GetRecord", metadataPrefix="oai_dc",
                                     identifier="oai:data.belongnetwork.co.uk:" + slug) for slug in records], "text/xml"),
    ]  # fmt: skip
    dataset = [
        Route("dataset /.well-known/void", ["/.well-known/void?format=" + f for f in RDF], TURTLE),
        Route("dataset /dataset", ["/dataset"]),
        Route("sitemap", ["/sitemap.xml"], "application/xml", follow=sitemaps),
        Route("home page", ["/"]),
        Route("API reference /api/", ["/api/"]),
        Route("other pages", ["/api/views", "/api/openapi.json", "/sparql", "/ontology"]),
    ]  # fmt: skip
    tools = tool_routes(entities, count)
    ego = entities.take("organisation", count)
    ends = entities.take("organisation", 2 * count)
    explorer = [
        Route("explorer /api/network/measures", ["/api/network/measures"], "application/json"),
        Route("explorer /api/network", ["/api/network", "/api/network.csv", "/api/network.graphml",
                                        *(f"/api/network?type={t}" for t in ("organisation", "initiative", "funder"))],
              "application/json"),
        Route("explorer /api/network/ego", [path("/api/network/ego", entity="organisation/belong", depth="2"),
                                            *(path("/api/network/ego", entity=e, depth="2") for e in ego)],
              "application/json", example=True),
        Route("explorer /api/network/paths",
              [path("/api/network/paths", **{"from": "organisation/university-of-kent", "to": "organisation/nuffield-foundation"}),
               *(path("/api/network/paths", **{"from": a, "to": b}) for a, b in pairs(ends))],
              "application/json", example=True),
        Route("explorer /explore", ["/explore", path("/explore", focus="organisation/belong")]),
    ]  # fmt: skip
    return [
        *pages, *hubs, *dereference, *measured, *catalogue_routes, *oai, *dataset, *tools, *explorer
    ]  # fmt: skip


def tool_routes(entities: Entities, count: int) -> list[Route]:
    """The routes of other people's tools: FAIR Signposting's linksets, the Reconciliation API
    as OpenRefine asks it (fresh entities' names, as given and misspelt, a name's start, ids),
    and the network's files for Gephi and VOSviewer."""
    kinds = ("resource", "organisation", "person")
    linksets = [
        Route(f"linkset {kind}{suffix}",
              [f"/linkset/{slug}{suffix}" for slug in entities.take(kind, count)], media)
        for kind in kinds
        for suffix, media in (("", "application/linkset"), (".json", "application/linkset+json"))
    ]  # fmt: skip
    named = [slug for kind in ("organisation", "person") for slug in entities.take(kind, count)]
    batches = [  # each name as given, and with its first word's letters swapped (a misspelling)
        json.dumps({"q0": {"query": text, "limit": 3}})
        for slug in spread(named)
        for name in [entities.names[slug]]
        for text in (name, re.sub(r"^(\w)(\w)", r"\2\1", name))
    ]
    extended = [
        json.dumps({"ids": group, "properties": [{"id": "ror"}, {"id": "wikidata"}]})
        for group in (named[n : n + 10] for n in range(0, len(named), 10))
    ]
    reconcile = [
        Route("reconcile manifest", ["/reconcile"], "application/json"),
        Route("reconcile query by name", [path("/reconcile", queries=b) for b in batches],
              "application/json"),
        Route("reconcile suggest entity",
              distinct([path("/reconcile/suggest/entity", prefix=entities.names[s][:4])
                        for s in named]), "application/json"),
        Route("reconcile preview", [path("/reconcile/preview", id=s) for s in named]),
        Route("reconcile extend", [path("/reconcile", extend=e) for e in extended],
              "application/json"),
    ]  # fmt: skip
    files = [
        Route("network files GEXF and VOSviewer",
              ["/api/network.gexf", path("/api/network", format="vosviewer"),
               *(path("/api/network/ego", entity=s, depth="2", format="gexf")
                 for s in entities.take("organisation", count))], "*/*"),
    ]  # fmt: skip
    return [*linksets, *reconcile, *files]


def reserved_entities() -> set[str]:
    """The entities the examples name, kept for the views' examples."""
    catalogue = load_catalogue(Settings().queries_dir)
    return {
        value for view in catalogue for value in example_values(view).values() if "/" in value
    } | {
        "organisation/belong",
        "organisation/university-of-kent",
        "organisation/nuffield-foundation",
    }


@dataclass
class Limits:
    count: int
    timeout: float
    route_seconds: float
    slow_seconds: float
    warm_runs: int
    deadline: float


def measure(port: int, route: Route, limits: Limits) -> Measured:
    """First requests to the route's distinct URLs, then the warm median of the first URL that
    answered, each loop bounded in count and time."""
    result = Measured(route)
    started, slow = time.monotonic(), 0
    queue, asked = deque(route.urls), set(route.urls)
    while queue and len(result.first) < limits.count + (1 if route.example else 0):
        url = queue.popleft()
        status, ms, body = get(port, url, route.accept, limits.timeout)
        result.first.append((status, ms))
        if answered(status):
            if result.warm_url is None:
                result.warm_url, result.size = url, len(body)
            for linked in route.follow(body) if route.follow else []:
                if linked not in asked:
                    asked.add(linked)
                    queue.append(linked)
        slow += ms > limits.slow_seconds * 1000
        spent = time.monotonic() - started
        if spent > limits.route_seconds or slow >= 2 or time.monotonic() > limits.deadline:
            break
    if result.warm_url is not None:
        warm_started = time.monotonic()
        for _ in range(limits.warm_runs):
            status, ms, _ = get(port, result.warm_url, route.accept, limits.timeout)
            result.warm.append(ms)
            if time.monotonic() - warm_started > limits.route_seconds / 3:
                break
    result.load = os.getloadavg()[0]
    return result


def floor_medians(floor: Server, routes_: list[Route], count: int) -> dict[str, float]:
    """The floor's median, per kind of entity, for a one-entity CONSTRUCT of the same entities
    as the page routes (a bare store answer, in Turtle)."""
    medians: dict[str, float] = {}
    for route in routes_:
        if route.kind is None or route.kind in medians or not route.name.startswith("page "):
            continue
        times = []
        for url in route.urls[:count]:
            iri = BASE + url.removeprefix("/")
            started = time.perf_counter()
            status, body = request(floor, FLOOR_QUERY.replace("IRI", iri), TURTLE)
            times.append((time.perf_counter() - started) * 1000)
            assert status == 200, body[:200]
        medians[route.kind] = statistics.median(times)
    return medians


def run_size(resources: int, args: argparse.Namespace, work: Path) -> dict[str, object]:
    print(f"== {resources:,} resources", flush=True)
    data = generate(resources, args.seed, work)
    store = work / f"store-{resources}"
    # Dates from a ledger of its own (none yet), not our data's, whose entities would be deleted
    # records here; the build and the server read it from the environment.
    os.environ["BELONG_CHANGES_FILE"] = str(work / f"record-dates-{resources}.tsv")
    build_seconds = timed_build(data, store, "turbo")
    floor = Server(
        "floor", [sys.executable, str(HERE / "floor_server.py"), str(data), "--port", "{port}"]
    )
    floor.start(args.port)
    try:
        entities = Entities(floor, reserved_entities())
        every_route = routes(entities, args.entities)
        floor_ms = floor_medians(floor, every_route, args.entities)  # the peer, for every size
        measured_routes = [route for route in every_route if chosen(route, args.only)]
    finally:
        floor.stop()
    server = belong_server(store)
    server.start(args.port + 1)
    limits = Limits(
        args.entities, args.timeout, args.route_seconds, args.slow_seconds, args.warm_runs,
        time.monotonic() + args.budget * 60,
    )  # fmt: skip
    results = []
    try:
        for route in measured_routes:
            result = measure(server.port, route, limits)
            statuses = Counter(status for status, _ in result.first)
            print(
                f"  {route.name}: {dict(statuses)} median {median(result.first):.0f} ms", flush=True
            )
            results.append(result)
        explorer_wait = settle_explorer(server.port, results, args.explorer_wait)
        memory = server.memory_mib()
    finally:
        server.stop()
    return {
        "resources": resources, "build": build_seconds, "ready": server.ready_seconds,
        "floor": floor_ms, "results": results, "memory": memory, "explorer_wait": explorer_wait,
    }  # fmt: skip


def chosen(route: Route, only: list[str]) -> bool:
    """Whether ``route`` is measured: every route, or those whose name holds one of ``only``."""
    return not only or any(words in route.name for words in only)


def settle_explorer(port: int, results: list[Measured], wait: float) -> tuple[str, float] | None:
    """When the explorer was measured but no request of it answered within the client timeout,
    one more request to the measures with a longer one, so the memory is read with the network
    built (None if not needed)."""
    explorer = [r for r in results if r.route.name.startswith("explorer /api")]
    if not explorer or any(answered(s) for r in explorer for s, _ in r.first):
        return None  # not measured (--only), or built
    status, ms, _ = get(port, "/api/network/measures", "application/json", wait)
    return status, ms


def median(first: list[tuple[str, float]]) -> float:
    return statistics.median(ms for _, ms in first) if first else 0.0


def p95(times: list[float]) -> float:
    """The nearest-rank 95th percentile (the maximum below 20 requests)."""
    return sorted(times)[math.ceil(len(times) * 0.95) - 1]


def row(result: Measured, floor: dict[str, float]) -> str:
    route, first = result.route, result.first
    example = f"{first[0][0]} in {first[0][1]:.0f}" if route.example and first else ""
    others = first[1:] if route.example else first
    statuses = Counter(status for status, _ in others)
    said = ", ".join(f"{n} x {s}" for s, n in sorted(statuses.items()))
    times = [ms for _, ms in others]
    figures = (
        f"{statistics.median(times):.0f} | {p95(times):.0f} | {max(times):.0f}"
        if times
        else "— | — | —"
    )
    warm = f"{statistics.median(result.warm):.1f}" if result.warm else "—"
    answers = bool(times) and all(answered(status) for status, _ in others)
    ratio = (
        f"{statistics.median(times) / floor[route.kind]:.0f}x"
        if route.kind in floor and answers
        else ""
    )
    return f"| {route.name} | {example} | {result.size / 1024:.1f} | {len(others)} ({said}) | {figures} | {warm} | {ratio} | {result.load:.1f} |"


def commit() -> str:
    found = subprocess.run(
        ["git", "log", "-1", "--format=%h"], capture_output=True, text=True, cwd=HERE
    )
    return found.stdout.strip() or "unknown"


def goal_rows(size: dict[str, object], largest: bool) -> list[str]:
    """The issue's goals for this size, each with the worst route it covers and whether every
    route met it (by its first-request median; the worst p95 is shown beside it)."""
    ms, explorer_ms = GOALS[3000 if size["resources"] <= 3000 else 30000]
    results: list[Measured] = size["results"]
    groups = {
        f"every page, dereference, view and OAI-PMH page: first request at most {ms:g} ms": [
            r for r in results if not r.route.name.startswith("explorer /api")
        ],
        f"the explorer's first answer at most {explorer_ms:g} ms": [
            r for r in results if r.route.name.startswith("explorer /api")
        ],
    }
    rows = []
    for (goal, members), limit in zip(groups.items(), (ms, explorer_ms), strict=True):
        figures = [
            (median(r.first), p95([t for _, t in r.first]), r.route.name)
            for r in members
            if r.first
        ]
        if not figures:  # no route of the group was measured (--only)
            continue
        worst, worst_p95 = max(figures), max(figures, key=lambda f: f[1])
        over = [name for m, _, name in figures if m > limit]
        said = f"all {len(figures)} routes" if not over else "over: " + ", ".join(over)
        rows.append(
            f"| {goal} | {worst[0]:.0f} ms ({worst[2]}); worst p95 {worst_p95[1]:.0f} ms ({worst_p95[2]}) "
            f"| {'yes' if not over else 'no'}: {said} |"
        )
    if largest:
        memory: dict[str, float] = size["memory"]
        pss, build = memory["pss"], size["build"]
        rows.append(
            f"| PSS at most {LARGE_GOALS['pss']:g} MiB | {pss:.0f} MiB | {'yes' if pss <= LARGE_GOALS['pss'] else 'no'} |"
        )
        rows.append(
            f"| build at most {LARGE_GOALS['build']:g} s (pySHACL-turbo) | {build:.1f} s | {'yes' if build <= LARGE_GOALS['build'] else 'no'} |"
        )
    return ["| goal | measured | met |", "|---|---|---|", *rows]


def write_report(sizes: list[dict[str, object]], args: argparse.Namespace) -> str:
    heading = (
        (args.section or "selected routes").capitalize()
        + ": "
        + ", ".join(f"“{words}”" for words in args.only)
        if args.only
        else "Every route a reader or a harvester touches"
    )
    lines = [
        f"## {heading}",
        "",
        f"Produced by `{shlex.join(['.venv/bin/python', 'benchmarks/routes.py', *sys.argv[1:]])}` on "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.machine()} with {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, on a machine shared with other work, belong-graph at commit {commit()}. "
        "Each size is a synthetic "
        f"library (`belong-graph generate --resources N --seed {args.seed}`), built with `belong-graph build` "
        "(pySHACL-turbo) and served as `belong-graph serve --workers 2 --threads 8` with the per-client limits off "
        "(`BELONG_QUERY_BUDGET=0 BELONG_REQUEST_LIMIT=0`) on 127.0.0.1. Requests are sequential, one connection each, "
        f"`Accept-Encoding: gzip`, client timeout {args.timeout:g} s (the server stops a query at 30 s and answers 503).",
        "",
    ]
    if args.only:
        lines += [
            "The columns are those of *Every route a reader or a harvester touches*, above.",
            "",
        ]
    else:
        lines += _explained(args)
    for size in sizes:
        memory = size["memory"]
        floor = size["floor"]
        lines += [
            f"### {size['resources']:,} resources",
            "",
            *goal_rows(size, size["resources"] >= max(GOALS)),
            "",
            f"Build {size['build']:.1f} s. From `serve` to its first answer (SPARQL ASK): {size['ready']:.1f} s. "
            f"Memory after every route below was used: PSS {memory['pss']:.0f} MiB summed over the server and all "
            f"its children (RSS summed {memory['rss']:.0f} MiB; each process: {', '.join(map(str, memory['each']))}).",
        ]
        if size["explorer_wait"]:
            status, ms = size["explorer_wait"]
            lines.append(
                f"No explorer request answered within the client timeout; one more request to "
                f"`/api/network/measures` with a {args.explorer_wait:g} s timeout answered {status} after "
                f"{ms / 1000:.0f} s, and the memory above was read after it."
            )
        lines += [
            "",
            "Floor, one-entity CONSTRUCT, median ms: "
            + ", ".join(f"{kind} {ms:.1f}" for kind, ms in floor.items())
            + ".",
            "",
            "| route | documented example: status in ms | first answer, KB | first requests (statuses) | median ms | p95 ms | max ms | warm median ms | ÷ floor | load |",
            "|---|---|---:|---|---:|---:|---:|---:|---:|---:|",
            *(row(result, floor) for result in size["results"]),
            "",
        ]
    return "\n".join(lines)


def _explained(args: argparse.Namespace) -> list[str]:
    """What each column of the route table means, and how the routes were bounded."""
    return [
        "- **first requests**: each URL asked once and never before (a new entity, filter or format each time), so "
        "no cache holds the answer; the count, the statuses, then the median, p95 and maximum in ms of all of them, "
        "errors included (a timeout counts the time the client waited). Routes with a documented example (the views, "
        "the explorer's ego and paths) ask it first and show it on its own.",
        f"- a route stops taking new URLs after {args.route_seconds:g} s or after two requests slower than "
        f"{args.slow_seconds:g} s; at most {args.entities} URLs a route.",
        "- **first answer, KB**: the size of the first answer that came back (uncompressed), to show that a route "
        "is not fast because it found nothing.",
        "- **warm median**: the first URL that answered, asked again up to "
        f"{args.warm_runs} times (answer cache, ETag work).",
        "- **÷ floor**: the first-request median of an entity route over the floor's median for a one-entity "
        "CONSTRUCT of the same kind of entity (`CONSTRUCT { ?e ?p ?o . ?s ?q ?e }`, Turtle) on a bare pyoxigraph "
        "store behind Flask (`benchmarks/floor_server.py`) serving the same file, without the ontology or derived "
        "triples. Only the entity routes have a ratio, and only where every first request answered: no peer "
        "answers the other routes.",
        "- **load**: the machine's 1-minute load average when the route was done (2 cores: above 2, other work "
        "was competing for them, and every figure of that route is slower than on a quiet machine).",
        "",
    ]


def main() -> None:
    parser = size_arguments(__doc__, port=18400)
    parser.add_argument("--entities", type=int, default=20, help="distinct URLs per route, at most")
    parser.add_argument("--timeout", type=float, default=35.0, help="client timeout, seconds")
    parser.add_argument("--route-seconds", type=float, default=60.0)
    parser.add_argument("--slow-seconds", type=float, default=10.0)
    parser.add_argument("--warm-runs", type=int, default=10)
    parser.add_argument("--budget", type=float, default=30.0, help="minutes per size")
    parser.add_argument("--explorer-wait", type=float, default=600.0, help="seconds, at most")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        help="measure only the routes whose name holds these words (repeatable); the figures go "
        "to a section of their own",
    )
    parser.add_argument(
        "--section",
        choices=[name for name, script in SCRIPTS.items() if script == "routes"],
        help="the section of RESULTS.md to write (default: routes, or selected routes with --only)",
    )
    args = parser.parse_args()
    section = args.section or ("selected routes" if args.only else "routes")
    sizes = []
    report = ""
    with tempfile.TemporaryDirectory(prefix="belong-routes-") as folder:
        for resources in (args.resources, args.large):
            if resources:
                sizes.append(run_size(resources, args, Path(folder)))
                report = write_report(sizes, args)
                write_section(args.output, section, report)  # a stopped run keeps each size
    print(report)


if __name__ == "__main__":
    main()
