"""The real server (`belong-graph serve`, waitress) on a free loopback port, with real clients:
SPARQLWrapper in every return format, rdflib's SPARQLStore, and raw HTTP for the bounds."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from email.message import Message
from pathlib import Path
from typing import Any
from xml.dom.minidom import Document

import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from belong_graph.errors import QueryTimeout
from belong_graph.settings import Settings
from belong_graph.sparql.answer import Job
from belong_graph.sparql.pool import QueryPool, server_bytes
from belong_graph.store import StoreSource
from tests.conftest import LiveServer, fetch

pytestmark = pytest.mark.integration

FUNDED = """
PREFIX schema: <http://schema.org/>
SELECT ?project ?funder WHERE {
  ?p schema:funder ?f ; schema:name ?project . ?f schema:name ?funder
} ORDER BY ?project ?funder"""
FUNDED_ROWS = [
    ("Beyond Us and Them", "Nuffield Foundation"),
    ("Bradford for Everyone", "Ministry of Housing, Communities and Local Government"),
    ("Integration Area Programme", "Ministry of Housing, Communities and Local Government"),
    ("Radical Kindness", "Spirit of 2012"),
]
CONSTRUCT = """PREFIX schema: <http://schema.org/>
CONSTRUCT { ?p schema:funder ?f } WHERE { ?p schema:funder ?f }"""
NUFFIELD = URIRef("https://data.belongnetwork.co.uk/id/organisation/nuffield-foundation")
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def get(
    url: str, query: str, headers: dict[str, str] | None = None, **params: str
) -> tuple[int, Message, bytes]:
    return fetch(url + "/sparql?" + urllib.parse.urlencode({"query": query, **params}), headers)


@pytest.fixture(scope="module")
def bounded_server(built_settings: Settings) -> Iterator[LiveServer]:
    """One query worker, a 3 s limit and a short queue, to see the bounds hold."""
    server = LiveServer(
        built_settings.store_dir,
        "--workers",
        "1",
        query_timeout="3",
        queue_limit="1",
    )
    yield server
    server.stop()


def rows_from_json(result: dict) -> list[tuple[str, ...]]:  # type: ignore[type-arg]
    return [(b["project"]["value"], b["funder"]["value"]) for b in result["results"]["bindings"]]


def rows_from_xml(result: Document) -> list[tuple[str, ...]]:
    return [
        tuple(literal.firstChild.data for literal in row.getElementsByTagName("literal"))  # type: ignore[union-attr]
        for row in result.getElementsByTagName("result")
    ]


def rows_from_csv(result: bytes) -> list[tuple[str, ...]]:
    lines = result.decode().replace('"', "").splitlines()[1:]
    return [tuple(line.split(",", 1)) for line in lines]


def rows_from_tsv(result: bytes) -> list[tuple[str, ...]]:
    lines = result.decode().splitlines()[1:]
    return [tuple(cell.split('"')[1] for cell in line.split("\t")) for line in lines]


@pytest.mark.parametrize(
    ("fmt", "rows"),
    [(JSON, rows_from_json), (XML, rows_from_xml), (CSV, rows_from_csv), (TSV, rows_from_tsv)],
)
def test_sparqlwrapper_select_in_every_format(
    live_server: LiveServer, fmt: str, rows: Callable[[Any], list[tuple[str, ...]]]
) -> None:
    client = SPARQLWrapper(live_server.url + "/sparql")
    client.setQuery(FUNDED)
    client.setReturnFormat(fmt)
    assert rows(client.queryAndConvert()) == FUNDED_ROWS


@pytest.mark.parametrize("fmt", [TURTLE, N3, RDFXML, XML, JSONLD])
def test_sparqlwrapper_construct_in_every_format(live_server: LiveServer, fmt: str) -> None:
    client = SPARQLWrapper(live_server.url + "/sparql")
    client.setQuery(CONSTRUCT)
    client.setReturnFormat(fmt)
    result = client.queryAndConvert()
    graph = result if isinstance(result, Graph) else Graph().parse(data=result, format=fmt)
    assert len(graph) == 4
    assert NUFFIELD in set(graph.objects())


def test_sparqlwrapper_post(live_server: LiveServer) -> None:
    client = SPARQLWrapper(live_server.url + "/sparql")
    client.setMethod("POST")
    client.setQuery(FUNDED)
    client.setReturnFormat(JSON)
    rows = client.queryAndConvert()["results"]["bindings"]  # type: ignore[index]
    assert len(rows) == 4


@pytest.mark.parametrize("return_format", ["json", "xml"])
def test_rdflib_sparqlstore(live_server: LiveServer, return_format: str) -> None:
    graph = Graph(store=SPARQLStore(live_server.url + "/sparql", returnFormat=return_format))
    rows = graph.query(
        "SELECT ?name WHERE { ?r <http://purl.org/dc/terms/creator> ?o . "
        "?o <http://schema.org/name> ?name }"
    )
    names = {str(row[0]) for row in rows}  # type: ignore[index]
    assert {"University of Bristol", "Dominic Abrams", "Julie Walsh"} <= names
    assert (None, URIRef("http://schema.org/funder"), NUFFIELD) in graph


def test_conditional_get_over_http(live_server: LiveServer) -> None:
    status, headers, body = get(live_server.url, FUNDED)
    assert status == 200 and b"Spirit of 2012" in body
    status, _, body = get(live_server.url, FUNDED, {"If-None-Match": headers["ETag"]})
    assert (status, body) == (304, b"")


def test_a_runaway_query_is_stopped_while_others_are_answered(bounded_server: LiveServer) -> None:
    outcome: dict[str, object] = {}

    def runaway() -> None:
        started = time.monotonic()
        outcome["status"], outcome["headers"], outcome["body"] = get(bounded_server.url, CARTESIAN)
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.5)
    slow = threading.Thread(target=lambda: outcome.update(queued=get(bounded_server.url, FUNDED)))
    slow.start()  # waits in the queue behind the runaway query
    time.sleep(0.2)
    status, headers, body = get(bounded_server.url, "ASK { ?s ?p ?o }")
    assert status == 503  # the one worker is busy and the queue (of one) is full
    assert (headers["Retry-After"], headers.get_content_type()) == ("2", "text/plain")
    assert body == b"Every query worker is busy and the queue is full; try again soon.\n"
    thread.join(30)
    assert outcome["status"] == 503
    assert outcome["body"] == b"The query exceeded the 3 s limit and was stopped.\n"
    assert "Retry-After" not in outcome["headers"]  # type: ignore[operator]  # it would fail again
    assert outcome["seconds"] < 5  # type: ignore[operator]
    slow.join(30)
    queued_status, queued_headers, queued_body = outcome["queued"]  # type: ignore[misc]
    if queued_status == 200:  # answered by the fresh worker...
        assert b"Radical Kindness" in queued_body
    else:  # ...or its own 3 s ran out while it waited in the queue
        assert queued_body == (
            b"No query worker was free within the 3 s limit, so the query was not run; "
            b"try again soon.\n"
        )
        assert (queued_status, queued_headers["Retry-After"]) == (503, "2")
    started = time.monotonic()
    status, _, body = get(bounded_server.url, FUNDED)
    assert status == 200 and b"Radical Kindness" in body
    assert time.monotonic() - started < 1


def test_timeout_parameter_lowers_the_limit(bounded_server: LiveServer) -> None:
    started = time.monotonic()
    status, _, body = get(bounded_server.url, CARTESIAN, timeout="1")
    assert status == 503 and b"exceeded the 1 s limit" in body
    assert time.monotonic() - started < 2.5
    status, _, body = get(bounded_server.url, "ASK {}", timeout="100")
    assert status == 200  # a higher value is capped at the server's limit, not refused


def test_a_client_that_disconnects_stops_its_query(built_settings: Settings) -> None:
    server = LiveServer(built_settings.store_dir, "--workers", "1", query_timeout="20")
    request = (
        f"GET /sparql?{urllib.parse.urlencode({'query': CARTESIAN})} HTTP/1.1\r\n"
        f"Host: 127.0.0.1\r\n\r\n"
    ).encode()
    try:
        with socket.create_connection(("127.0.0.1", server.port)) as sock:
            sock.sendall(request)
            time.sleep(0.5)
        started = time.monotonic()
        status, _, _ = get(server.url, FUNDED)
        waited = time.monotonic() - started
    finally:
        server.stop()
    assert status == 200
    assert waited < 8  # the one worker was stopped and replaced, not kept busy for 20 s


class Listener:
    """A loopback TCP listener that records whether anything connects to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/sparql"
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while self.running:
            try:
                connection, _ = self.sock.accept()
                self.connections += 1
                connection.close()
            except TimeoutError:
                continue

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    listening = Listener()
    yield listening
    listening.close()


def test_service_never_reaches_a_loopback_listener(
    live_server: LiveServer, listener: Listener
) -> None:
    for query in (
        f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{listener.url}> {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <{listener.url}> WHERE {{ ?s ?p ?o }} LIMIT 1",
        f"SELECT * FROM NAMED <{listener.url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} LIMIT 1",
    ):
        status, _, body = get(live_server.url, query)
        assert status in (200, 403), body
    time.sleep(0.5)
    assert listener.connections == 0


def test_workers_cannot_reach_the_network_even_past_the_guard(
    built_settings: Settings, listener: Listener
) -> None:
    """Defence in depth: the query workers live in a network namespace with no interfaces."""
    from belong_graph.build import open_current
    from belong_graph.sparql.answer import Job
    from belong_graph.sparql.pool import QueryPool
    from belong_graph.store import StoreSource

    directory = (built_settings.store_dir / "current").resolve()
    assert open_current(built_settings)  # the store is there
    pool = QueryPool(StoreSource(directory), size=1, queue_limit=1)
    try:
        job = Job(
            f"SELECT * WHERE {{ SERVICE SILENT <{listener.url}> {{ ?s ?p ?o }} }}", "json", None, 10
        )
        answer = pool.run(job, timeout=10, cancelled=lambda: False)
    finally:
        pool.close()
    assert json.loads(answer.body)["results"]["bindings"] in ([], [{}])
    time.sleep(0.3)
    assert listener.connections == 0


def test_request_body_limit(live_server: LiveServer) -> None:
    request = urllib.request.Request(
        live_server.url + "/sparql",
        data=b"ASK {} #" + b"x" * 200_000,
        headers={"Content-Type": "application/sparql-query"},
    )
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=10)
    error.value.close()
    assert error.value.code == 413


def test_missing_query_is_a_400_with_a_message(live_server: LiveServer) -> None:
    request = urllib.request.Request(live_server.url + "/sparql", data=b"format=json")
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=10)
    with error.value:
        assert error.value.code == 400
        assert "Missing the query" in error.value.read().decode()


def test_serve_other_files(tmp_path: Path) -> None:
    """`belong-graph serve --data PATH` publishes other RDF files, validated by our shapes."""
    library = tmp_path / "library.ttl"
    subprocess.run(
        [sys.executable, "-m", "belong_graph", "generate", "--resources", "40", "-o", str(library)],
        check=True,
    )
    server = LiveServer(tmp_path / "store", "--data", str(library))
    try:
        resources = "?r a <http://purl.org/dc/terms/BibliographicResource>"
        status, _, body = get(server.url, f"SELECT (COUNT(*) AS ?n) WHERE {{ {resources} }}")
    finally:
        server.stop()
    assert status == 200
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "40"


def test_serve_refuses_invalid_files_unless_told(tmp_path: Path) -> None:
    other = tmp_path / "other.ttl"
    other.write_text(
        '<http://example.org/a> a <http://schema.org/Person> ; <http://schema.org/name> "A"@en .\n'
    )
    command = [sys.executable, "-m", "belong_graph", "serve", "--data", str(other), "--port", "9"]
    refused = subprocess.run(
        command, capture_output=True, text=True, timeout=120,
        env={**os.environ, "BELONG_STORE_DIR": str(tmp_path / "store")},
    )  # fmt: skip
    assert refused.returncode == 1
    assert "A person IRI must look like" in refused.stdout
    server = LiveServer(tmp_path / "store", "--data", str(other), "--no-validate")
    try:
        status, _, body = get(
            server.url, "SELECT ?name WHERE { ?p <http://schema.org/name> ?name }"
        )
    finally:
        server.stop()
    assert status == 200 and b'"A"' in body


def one_copy_budget(source: StoreSource) -> int:
    """A budget with room for one copy of the store beside what the server holds now, never two
    (a second worker alone takes more than the few MiB to spare)."""
    return server_bytes() + source.memory_estimate() + 4 * 2**20


@pytest.mark.parametrize(
    ("budget", "in_memory"), [(lambda s: 0, 2), (one_copy_budget, 1), (lambda s: 1, 0)]
)
def test_workers_past_the_memory_budget_read_the_store_on_disk(
    built_settings: Settings, budget: Callable[[StoreSource], int], in_memory: int
) -> None:
    """Workers hold the store in memory while the server's PSS with another copy stays within
    the budget, and read it on disk past it; in-memory workers are chosen first."""
    directory = (built_settings.store_dir / "current").resolve()
    source = StoreSource(directory)
    pool = QueryPool(source, size=2, queue_limit=4, memory_budget=budget(source))
    query = "SELECT ?name WHERE { <https://data.belongnetwork.co.uk/id/organisation/belong> "
    query += "<http://schema.org/name> ?name }"
    try:
        pool.start()
        deadline = time.monotonic() + 60
        while len(pool._workers) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert pool.memory_workers() == in_memory
        first = pool._acquire(time.monotonic() + 10, 10)  # an in-memory worker comes first
        second = pool._acquire(time.monotonic() + 10, 10)
        assert (first.in_memory, second.in_memory) == (in_memory > 0, in_memory > 1)
        pool._release(second, healthy=True)
        pool._release(first, healthy=True)
        assert pool._acquire(time.monotonic() + 10, 10) is first  # the one that answered last
        pool._release(first, healthy=True)
        answers = [
            pool.run(Job(query, "json", None, 10), timeout=10, cancelled=lambda: False)
            for _ in range(3)
        ]
    finally:
        pool.close()
    names = {b["name"]["value"] for a in answers for b in json.loads(a.body)["results"]["bindings"]}
    assert names == {"Belong - The Cohesion and Integration Network"}


def one_in_memory_pool(built_settings: Settings) -> QueryPool:
    """A started pool of two workers, the first holding the store in memory, the other reading
    it on disk."""
    source = StoreSource((built_settings.store_dir / "current").resolve())
    pool = QueryPool(source, size=2, queue_limit=4, memory_budget=one_copy_budget(source))
    pool.start()
    deadline = time.monotonic() + 60
    while len(pool._workers) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pool.memory_workers() == 1
    return pool


def test_ordered_jobs_keep_to_the_first_worker_s_kind(built_settings: Settings) -> None:
    """With one worker in memory and one on disk, a job whose pages follow the store's index
    order waits for the in-memory worker rather than take the idle on-disk one, whose order
    differs; any other job takes whichever is idle."""
    pool = one_in_memory_pool(built_settings)
    try:
        in_memory = pool._acquire(time.monotonic() + 10, 10, ordered=True)
        assert in_memory.in_memory
        with pytest.raises(QueryTimeout):
            pool._acquire(time.monotonic() + 0.3, 0.3, ordered=True)
        on_disk = pool._acquire(time.monotonic() + 10, 10)
        assert not on_disk.in_memory
        pool._release(on_disk, healthy=True)
        pool._release(in_memory, healthy=True)
        assert pool._acquire(time.monotonic() + 10, 10, ordered=True) is in_memory
        pool._release(in_memory, healthy=True)
    finally:
        pool.close()


def test_a_worker_that_cannot_open_the_store_is_started_again(
    built_settings: Settings, tmp_path: Path
) -> None:
    """No worker while the store is missing; once it is there, the next attempt answers."""
    from belong_graph.sparql.answer import Job
    from belong_graph.sparql.pool import QueryPool
    from belong_graph.store import StoreSource

    directory = tmp_path / "store"
    pool = QueryPool(StoreSource(directory), size=1, queue_limit=1)
    try:
        pool.start()
        time.sleep(1)
        assert not pool._workers
        shutil.copytree((built_settings.store_dir / "current").resolve(), directory)
        answer = pool.run(
            Job("ASK { ?s ?p ?o }", "json", None, 10), timeout=15, cancelled=lambda: False
        )
    finally:
        pool.close()
    assert json.loads(answer.body)["boolean"] is True


def test_each_freed_worker_goes_to_a_waiting_job_that_can_take_it(
    built_settings: Settings,
) -> None:
    """A freed worker wakes one waiting job, or every one while an ordered job waits: with the
    in-memory worker and the on-disk one busy, an ordered job and another wait; the on-disk
    worker freed goes to the other job, not lost on the ordered one, and the in-memory one
    then goes to the ordered job."""
    pool = one_in_memory_pool(built_settings)
    try:
        in_memory = pool._acquire(time.monotonic() + 10, 10, ordered=True)
        on_disk = pool._acquire(time.monotonic() + 10, 10)
        taken: dict[bool, object] = {}

        def wait(ordered: bool) -> None:
            with contextlib.suppress(QueryTimeout):
                taken[ordered] = pool._acquire(time.monotonic() + 3, 3, ordered=ordered)

        waiting = [threading.Thread(target=wait, args=(ordered,)) for ordered in (True, False)]
        for thread in waiting:
            thread.start()
        deadline = time.monotonic() + 10
        while pool._waiting < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert pool._waiting == 2
        pool._release(on_disk, healthy=True)
        waiting[1].join()
        pool._release(in_memory, healthy=True)
        waiting[0].join()
    finally:
        pool.close()
    assert taken == {False: on_disk, True: in_memory}
