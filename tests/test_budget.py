"""Limits by cost: each client address has query-worker seconds and requests per window
(``web.budget``). The accounting on a clock the test turns, then the real server on loopback: a
harvester's full-speed crawl and a conformance run meet no 429, while a client that runs a slow
query back to back is refused within its budget, told when to come back, and other addresses
are served."""

from __future__ import annotations

import http.client
import json
import re
import threading
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from email.message import Message
from typing import Any

import pytest

from belong_graph.errors import BudgetSpent
from belong_graph.settings import Settings
from belong_graph.web.budget import Budget
from tests.conftest import LiveServer

# --- The accounting ---------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def refusal(budget: Budget, client: str, *, request: bool = False) -> BudgetSpent:
    with pytest.raises(BudgetSpent) as refused:
        budget.admit(client) if request else budget.check(client)
    assert refused.value.status == 429
    return refused.value


def test_query_time_is_regained_evenly_and_the_wait_is_said() -> None:
    clock = Clock()
    budget = Budget(seconds=60, requests=0, window=60, clock=clock)
    budget.check("a")
    budget.charge("a", 45)
    budget.check("a")  # 15 s left: the next query runs, whatever it costs
    budget.charge("a", 45)  # 30 s owed
    spent = refusal(budget, "a")
    assert spent.retry_after == 30
    assert "used its 60 s of query time per 60 s" in spent.message
    budget.check("b")  # another address has its own time
    clock.now += 29.5
    assert refusal(budget, "a").retry_after == 1  # half a second still owed
    clock.now += 1
    budget.check("a")


def test_the_request_ceiling_counts_every_request() -> None:
    clock = Clock()
    budget = Budget(seconds=0, requests=3, window=60, clock=clock)
    for _ in range(3):
        budget.admit("a")
    spent = refusal(budget, "a", request=True)
    assert spent.retry_after == 20  # one request comes back every 20 s
    assert "made 3 requests in 60 s" in spent.message
    budget.admit("b")
    clock.now += 20
    budget.admit("a")
    budget.charge("a", 1000)
    budget.check("a")  # no time budget: query time is not counted


def test_accounts_are_forgotten_once_regained_and_bounded_in_number() -> None:
    clock = Clock()
    budget = Budget(seconds=10, requests=100, window=60, clients=50, clock=clock)
    for n in range(200):
        budget.admit(f"10.0.0.{n}")
        budget.charge(f"10.0.0.{n}", 5)
    assert len(budget) == 50  # the oldest past the bound are dropped
    clock.now += 60
    budget.admit("10.0.1.1")
    assert len(budget) == 1  # every other account has regained all it spent
    assert len(Budget(seconds=0, requests=0, window=60)) == 0


def test_charges_and_requests_from_many_threads_all_count() -> None:
    budget = Budget(seconds=1000, requests=4000, window=3600, clock=Clock())

    def client() -> None:
        for _ in range(500):
            budget.admit("a")
            budget.charge("a", 0.25)

    threads = [threading.Thread(target=client) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert refusal(budget, "a").retry_after == 1  # 8 x 500 x 0.25 s = the whole 1000 s
    refusal(budget, "a", request=True)  # and 4000 requests, the whole ceiling


# --- The real server --------------------------------------------------------------------------

CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"  # one to two seconds here
FUNDED = "PREFIX schema: <http://schema.org/> SELECT ?f WHERE { ?p schema:funder ?f }"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
ENTITY_FORMATS = (
    "text/html",
    "text/turtle",
    "application/ld+json",
    "application/rdf+xml",
    "application/n-triples",
)


def call(
    server: LiveServer,
    path: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    source: str = "127.0.0.1",
) -> tuple[int, Message, bytes]:
    """One request from the loopback address ``source`` (the server binds 127.0.0.1)."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", server.port, timeout=60, source_address=(source, 0)
    )
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def sparql(query: str, *, post: bool = False, **options: str) -> str:
    """The path (GET) or the form (POST) of a SPARQL request."""
    encoded = urllib.parse.urlencode({"query": query, **options})
    return encoded if post else "/sparql?" + encoded


def ask_post(server: LiveServer, source: str = "127.0.0.1") -> tuple[int, Message, bytes]:
    """ASK {} by POST, which is never answered from the cache: a query a worker runs."""
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    body = sparql("ASK {}", post=True).encode()
    return call(server, "/sparql", method="POST", body=body, headers=form, source=source)


@pytest.fixture(scope="module")
def default_server(built_settings: Settings) -> Iterator[LiveServer]:
    """A server with the default settings, as deployed."""
    server = LiveServer(built_settings.store_dir)
    yield server
    server.stop()


def entity_paths(server: LiveServer) -> list[str]:
    status, _, sitemap = call(server, "/sitemap.xml")
    assert status == 200
    prefix = server.url + "/id/"
    return [
        "/id/" + url.removeprefix(prefix)
        for url in re.findall(r"<loc>([^<]+)</loc>", sitemap.decode())
        if url.startswith(prefix)
    ]


@pytest.mark.integration
def test_a_full_speed_crawl_and_a_conformance_run_leave_ask_answered_at_once(
    default_server: LiveServer,
) -> None:
    server = default_server
    paths = entity_paths(server)
    assert len(paths) > 250
    statuses = [  # every entity in every format, one request straight after the other
        call(server, path, headers={"Accept": accept})[0]
        for path in paths
        for accept in ENTITY_FORMATS
    ]
    assert statuses == [200] * len(paths) * len(ENTITY_FORMATS)

    etag = call(server, sparql(FUNDED))[1]["ETag"]
    cheap: list[dict[str, Any]] = [
        {"path": "/robots.txt"},
        {"path": sparql("ASK {}")},
        {"path": sparql(FUNDED), "headers": {"If-None-Match": etag}},
        {"path": "/static/site.css"},
    ]
    with ThreadPoolExecutor(8) as burst:  # 2,000 cheap requests at once
        statuses = list(burst.map(lambda n: call(server, **cheap[n % 4])[0], range(2000)))
    assert sorted(set(statuses)) == [200, 304]

    statuses = [status for status, _, _ in conformance_run(server)]
    assert 429 not in statuses
    assert {200, 400, 403, 404, 406, 413, 503} <= set(statuses)  # it did go wrong on purpose
    started = time.monotonic()
    status, _, body = ask_post(server)
    assert (status, json.loads(body)) == (200, {"head": {}, "boolean": True})
    assert time.monotonic() - started < 1


def conformance_run(server: LiveServer) -> Iterator[tuple[int, Message, bytes]]:
    """The kinds of request an outside conformance suite makes, in its order: the protocol, real
    clients' formats, linked data, OAI-PMH, then abuse."""
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    direct = {"Content-Type": "application/sparql-query"}
    for n in range(100):  # the protocol: distinct queries, by GET and by POST, in every format
        query = f"SELECT ?s WHERE {{ ?s ?p ?o }} LIMIT {n + 1}"
        for accept in (
            "application/sparql-results+json",
            "text/csv",
            "application/sparql-results+xml",
        ):
            yield call(server, sparql(query), headers={"Accept": accept})
        yield call(server, "/sparql", method="POST", body=query.encode(), headers=direct)
        yield call(server, "/sparql", method="POST", body=b"query=ASK%7B", headers=form)  # 400
        yield call(server, "/sparql", method="POST", body=b"update=CLEAR+ALL", headers=form)  # 403
    for path in entity_paths(server)[:50]:  # linked data: negotiation, 404s and 406s
        yield call(server, path, headers={"Accept": "text/turtle"})
        yield call(server, path + "-missing", headers={"Accept": "text/turtle"})
        yield call(server, path, headers={"Accept": "image/png"})
    for arguments in (  # OAI-PMH
        "verb=Identify",
        "verb=ListMetadataFormats",
        "verb=ListSets",
        "verb=ListRecords&metadataPrefix=oai_dc",
        "verb=ListRecords&metadataPrefix=rdf",
        "verb=ListIdentifiers&metadataPrefix=oai_dc",
        "verb=Harvest",
    ):
        yield call(server, "/oai?" + arguments)
    for n in range(3):  # abuse: slow queries stopped at their limit, oversized bodies, a flood
        yield call(server, sparql(CROSS_JOIN + " " * n, timeout="1"))
    yield call(server, "/sparql", method="POST", body=b"ASK {} #" + b"x" * 200_000, headers=direct)
    with ThreadPoolExecutor(8) as flood:
        yield from flood.map(lambda n: call(server, sparql(f"ASK {{ ?s ?p {n} }}")), range(200))


@pytest.fixture(scope="module")
def small_budget_server(built_settings: Settings) -> Iterator[LiveServer]:
    """Four seconds of query time and 30 requests per minute for each address."""
    server = LiveServer(
        built_settings.store_dir, query_budget="4", request_limit="30", budget_window="60"
    )
    yield server
    server.stop()


@pytest.mark.integration
def test_a_slow_query_back_to_back_is_refused_within_its_budget_while_others_are_served(
    small_budget_server: LiveServer,
) -> None:
    server = small_budget_server
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    body = sparql(CROSS_JOIN, post=True).encode()
    assert call(server, sparql(FUNDED))[0] == 200  # now in the answer cache
    started = time.monotonic()
    taken: list[float] = []
    for _ in range(12):  # by POST: never answered from the cache
        began = time.monotonic()
        status, headers, refused = call(server, "/sparql", method="POST", body=body, headers=form)
        if status != 200:
            break
        taken.append(time.monotonic() - began)
    regained = (time.monotonic() - started) * 4 / 60
    assert status == 429, refused
    assert sum(taken) >= 4  # refused only once its four seconds were spent...
    assert sum(taken[:-1]) - 0.2 * len(taken) < 4 + regained  # ...and as soon as they were
    assert headers.get_content_type() == "text/plain"  # a SPARQL client reads text
    assert 0 < int(headers["Retry-After"]) <= 60
    assert refused.decode().startswith("This address has used its 4 s of query time per 60 s;")

    # At once, before the budget regains what the last query overspent (4 s a minute: under
    # load, the other address's slow query below gave back enough for a view to be answered).
    status, headers, problem = call(server, "/api/views/funders")
    assert (status, headers.get_content_type()) == (429, "application/problem+json")
    assert json.loads(problem)["title"] == "Budget spent"
    assert int(headers["Retry-After"]) > 0
    status, headers, page = call(server, "/id/person/jo-broadwood", headers={"Accept": BROWSER})
    assert (status, headers.get_content_type()) == (429, "text/html")
    assert b"<h1>Budget spent</h1>" in page and b"Please try again in" in page

    status, _, counted = call(
        server, "/sparql", method="POST", body=body, headers=form, source="127.0.0.2"
    )
    assert (status, json.loads(counted)["results"]["bindings"][0]["n"]["datatype"]) == (
        200,
        "http://www.w3.org/2001/XMLSchema#integer",
    )  # another address has its own budget
    assert call(server, sparql(FUNDED))[0] == 200  # a cached answer costs nothing


@pytest.mark.integration
def test_past_the_request_ceiling_an_address_waits_whatever_it_asks(
    small_budget_server: LiveServer,
) -> None:
    server = small_budget_server
    started = time.monotonic()
    admitted = 0
    while admitted < 40:
        status, headers, body = call(server, "/robots.txt", source="127.0.0.3")
        if status != 200:
            break
        admitted += 1
    regained = (time.monotonic() - started) * 30 / 60
    assert 30 <= admitted <= 30 + regained
    assert (status, headers.get_content_type()) == (429, "text/plain")
    assert headers["Retry-After"] in ("1", "2")  # a request comes back every 2 s
    assert re.fullmatch(
        rb"This address has made 30 requests in 60 s, the most this server takes; "
        rb"try again in [12] s\.\n",
        body,
    )
    assert call(server, "/robots.txt", source="127.0.0.4")[0] == 200
