"""The server on an Oxigraph server (the PyPI wheel `oxigraph`) loaded from the build by
`belong-graph engine load oxigraph`: the same answers as on the embedded store, and 503 once the
engine is stopped. One engine, started on a free loopback port and stopped by its pid, serves the
module."""

from __future__ import annotations

import json
import shutil
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic

from belong_graph.catalogue import load_catalogue
from belong_graph.cli import main
from belong_graph.engines import oxigraph
from belong_graph.errors import EngineError, EngineUnavailable, SettingError, StoreMissing
from belong_graph.formats import rdf_format
from belong_graph.remote import Engine, RemoteStore
from belong_graph.settings import Settings
from belong_graph.store import DatasetVersion
from tests import test_oai
from tests.conftest import LiveServer, fetch, free_port
from tests.engines import OxigraphServer, load_oxigraph

pytestmark = pytest.mark.integration

FUNDERS = (
    "PREFIX schema: <http://schema.org/> SELECT ?funder WHERE { ?p schema:funder ?f . "
    "?f schema:name ?funder } ORDER BY ?funder"
)


@pytest.fixture(scope="module")
def loaded(build_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The build loaded into an Oxigraph directory, by the command the README gives."""
    return load_oxigraph(build_folder, tmp_path_factory.mktemp("engine") / "blue")


@pytest.fixture(scope="module")
def engine(loaded: Path) -> Iterator[OxigraphServer]:
    server = OxigraphServer(loaded)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def remote_server(built_settings: Settings, engine: OxigraphServer) -> Iterator[LiveServer]:
    """`serve` on the build, every query sent to the engine (OAI-PMH pages as test_oai's)."""
    server = LiveServer(
        built_settings.store_dir, store_url=engine.url, oai_page_size=str(test_oai.PAGE_SIZE)
    )
    yield server
    server.stop()


def test_the_engine_holds_every_quad_of_the_build(
    engine: OxigraphServer, build_folder: Path
) -> None:
    store = RemoteStore(Engine(engine.url), DatasetVersion.read(build_folder))
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    rows = store.query(count)
    quads = store.dump(rdf_format("nquads")).splitlines()
    turtle = Graph().parse(data=store.dump(rdf_format("turtle")), format="turtle")
    store.close()
    assert int(next(iter(rows))["n"].value) == store.version.quads  # type: ignore[index, arg-type]
    assert len(set(quads)) == store.version.quads
    assert len(turtle) == len({line.rsplit(b" ", 2)[0] for line in quads})  # the union's triples


ANSWERS = [  # (path, Accept, how to read the body)
    ("/sparql?" + urllib.parse.urlencode({"query": FUNDERS}), "text/csv", "text"),
    ("/api/views/funders", "application/json", "json"),
    ("/api/views/resources?theme=theme/migration", "application/json", "json"),
    ("/id/person/jo-broadwood", "text/turtle", "turtle"),
    ("/id/organisation/university-of-kent", "application/n-triples", "nt"),
    ("/id/resource/discrimination-prejudice-and-cohesion", "text/html", "text"),
    ("/id/organisation/university-of-kent", "text/html", "text"),
    ("/resources?theme=theme/migration", "text/html", "text"),
    ("/.well-known/void", "text/turtle", "turtle"),
    ("/api/network/ego?entity=organisation/nuffield-foundation", "application/json", "json"),
    ("/explore", "text/html", "text"),
    (
        "/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier="
        + test_oai.PREFIX
        + "discrimination-prejudice-and-cohesion",
        "text/xml",
        "oai",
    ),
]


@pytest.fixture(scope="module")
def on_disk_server(built_settings: Settings) -> Iterator[LiveServer]:
    """`serve` on the embedded store read on disk (a budget too small for a copy in memory),
    whose indexes the engine's own store orders as it does: where SPARQL leaves an order to the
    engine (a GROUP_CONCAT's parts, a page's rows without ORDER BY), both choose the same."""
    server = LiveServer(built_settings.store_dir, memory_budget="1")
    yield server
    server.stop()


@pytest.mark.parametrize(("path", "accept", "kind"), ANSWERS, ids=[a[0][:40] for a in ANSWERS])
def test_the_same_answers_as_the_embedded_store(
    on_disk_server: LiveServer, remote_server: LiveServer, path: str, accept: str, kind: str
) -> None:
    assert_the_same_answers(on_disk_server, remote_server, path, accept, kind)


def assert_the_same_answers(
    on_disk_server: LiveServer, remote_server: LiveServer, path: str, accept: str, kind: str
) -> None:
    """``path`` answers alike on the two servers (one of ``ANSWERS``)."""
    answers = []
    for server in (on_disk_server, remote_server):
        status, headers, body = fetch(server.url + path, {"Accept": accept})
        assert (status, headers.get_content_type()) == (200, accept), path
        text = body.decode().replace(server.url, "http://server")
        answers.append(text.replace(quote(server.url, safe=""), quote("http://server", safe="")))
    embedded, remote = answers
    if kind == "json":
        assert json.loads(remote) == json.loads(embedded)
    elif kind in ("turtle", "nt"):
        graphs = [Graph().parse(data=answer, format=kind) for answer in answers]
        assert len(graphs[0]) > 10 and isomorphic(*graphs)
    elif kind == "oai":  # the answer's own time aside
        assert _without_dates(remote) == _without_dates(embedded)
    else:
        assert remote == embedded


def _without_dates(oai: str) -> str:
    return oai.split("</oai:responseDate>", 1)[1]


def test_a_parse_error_reads_as_on_the_embedded_store(
    live_server: LiveServer, remote_server: LiveServer
) -> None:
    broken = "/sparql?query=" + urllib.parse.quote("SELECT ?x WHERE { ?x ?y")
    answers = [fetch(server.url + broken) for server in (live_server, remote_server)]
    assert [status for status, _, _ in answers] == [400, 400]
    assert answers[1][2] == answers[0][2]
    assert b"line 1, column 24" in answers[1][2]


def test_a_query_past_its_limit_is_stopped_and_the_next_one_answers(
    remote_server: LiveServer,
) -> None:
    """The worker waiting on the engine is killed at the limit, which drops the connection (the
    engine finishes this query, about 3 s, on its own: see the README)."""
    pairs = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"  # 20 million rows counted
    started = time.monotonic()
    status, _, body = fetch(
        remote_server.url + "/sparql?" + urllib.parse.urlencode({"query": pairs, "timeout": "1"})
    )
    assert (status, body) == (503, b"The query exceeded the 1 s limit and was stopped.\n")
    assert time.monotonic() - started < 2.5
    status, _, body = fetch(
        remote_server.url + "/sparql?" + urllib.parse.urlencode({"query": FUNDERS}),
        {"Accept": "text/csv"},
    )
    assert status == 200 and b"Nuffield Foundation" in body


def test_a_stopped_engine_gives_data_requests_503(built_settings: Settings, loaded: Path) -> None:
    """A second engine on the same directory (read-only servers share it), stopped by its pid
    once the server has used it: data requests get 503 and say why; no request falls back."""
    engine = OxigraphServer(loaded)
    server = LiveServer(built_settings.store_dir, store_url=engine.url)
    try:
        assert fetch(server.url + "/api/views/funders", {"Accept": "application/json"})[0] == 200
        engine.stop()
        for path, accept in [
            ("/sparql?" + urllib.parse.urlencode({"query": FUNDERS}), "text/csv"),
            ("/api/views/funders?format=csv", "text/csv"),
            ("/id/person/jo-broadwood", "text/turtle"),
            ("/id/organisation/university-of-kent", "text/html"),
        ]:
            status, _, body = fetch(server.url + path, {"Accept": accept})
            assert status == 503, path
            assert b"SPARQL engine this server reads is not answering" in body, path
        assert f"every query goes to the SPARQL engine at {engine.url}" in server.stop()
    finally:
        engine.stop()
        server.stop()


def _answer(handler: BaseHTTPRequestHandler, media_type: str, body: bytes) -> None:
    """Read the query ``handler`` was sent and answer it with ``body``."""
    handler.rfile.read(int(handler.headers["Content-Length"]))
    handler.send_response(200)
    handler.send_header("Content-Type", media_type)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


class _Recorder(BaseHTTPRequestHandler):
    """An engine that answers every query with no rows and keeps the requests' headers."""

    seen: ClassVar[list[dict[str, str]]] = []

    def do_POST(self) -> None:
        self.seen.append(dict(self.headers))
        _answer(
            self,
            "application/sparql-results+json",
            b'{"head":{"vars":[]},"results":{"bindings":[]}}',
        )

    def log_message(self, *_: object) -> None:
        pass


def test_credentials_go_in_a_header_never_in_the_url(build_folder: Path) -> None:
    with pytest.raises(SettingError, match="must not carry credentials"):
        Engine("http://reader:secret@127.0.0.1:7878/query")
    recorder = HTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=recorder.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{recorder.server_port}/query"
        engine = Engine(url, user="reader", password="secret")
        store = RemoteStore(engine, DatasetVersion.read(build_folder))
        store.query("SELECT * WHERE {}")
        store.close()
    finally:
        recorder.shutdown()
        recorder.server_close()
    assert _Recorder.seen[-1]["Authorization"] == "Basic cmVhZGVyOnNlY3JldA=="  # reader:secret
    assert "secret" not in repr(engine) + repr(Settings.load({"store_password": "secret"}))


def test_an_engine_that_refuses_connections_is_unavailable(build_folder: Path) -> None:
    store = RemoteStore(
        Engine(f"http://127.0.0.1:{free_port()}/query"), DatasetVersion.read(build_folder)
    )
    with pytest.raises(EngineUnavailable):
        store.query("ASK {}")
    store.close()


def test_a_build_is_loaded_whole_into_a_fresh_directory_only(
    build_folder: Path, loaded: Path, tmp_path: Path
) -> None:
    with pytest.raises(EngineError, match="fresh directory"):
        oxigraph.load(build_folder, loaded)
    quick = tmp_path / "quick"
    quick.mkdir()
    for part in ("version.json", "oxigraph"):
        (quick / part).symlink_to(build_folder / part)
    with pytest.raises(StoreMissing, match="quick build"):
        oxigraph.load(quick, tmp_path / "green")
    assert not (tmp_path / "green").exists()
    assert not (tmp_path / ("green" + oxigraph.PARTIAL)).exists()


def test_each_query_form_asks_for_one_kind_of_answer(build_folder: Path) -> None:
    """SPARQL JSON for SELECT and ASK, N-Triples for CONSTRUCT and DESCRIBE, never both (Virtuoso
    answers a CONSTRUCT as JSON rows when JSON is acceptable), read from the query's tokens."""
    recorder = HTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=recorder.serve_forever, daemon=True).start()
    prologue = "PREFIX construct: <urn:ask:> # SELECT in a comment\nBASE <urn:describe:>\n"
    forms = {
        "SELECT": "application/sparql-results+json",
        "ask": "application/sparql-results+json",
        "CONSTRUCT": "application/n-triples, text/plain;q=0.5",
        "Describe": "application/n-triples, text/plain;q=0.5",
    }
    try:
        url = f"http://127.0.0.1:{recorder.server_port}/query"
        store = RemoteStore(Engine(url), DatasetVersion.read(build_folder))
        for form in forms:
            store.query(
                f"{prologue}{form} {'*' if form in ('SELECT', 'Describe') else ''} WHERE {{}}"
            )
        store.close()
    finally:
        recorder.shutdown()
        recorder.server_close()
    assert [headers["Accept"] for headers in _Recorder.seen[-4:]] == list(forms.values())


class _Garbled(BaseHTTPRequestHandler):
    """An engine that answers every query with ``answers[path]``: a document cut in the middle,
    or a proxy's error page."""

    answers: ClassVar[dict[str, tuple[str, bytes]]] = {
        "/cut": ("application/sparql-results+json", b'{"head":{"vars":["a"]},"results":{"b'),
        "/page": ("text/html", b"<html><p>Bad gateway</p></html>"),
    }

    def do_POST(self) -> None:
        _answer(self, *self.answers[self.path])

    def log_message(self, *_: object) -> None:
        pass


def test_an_answer_that_cannot_be_read_is_the_engines_fault(built_settings: Settings) -> None:
    """502, saying what was wrong, and the query worker lives on: the next request is answered
    the same way, not as a crash."""
    garbled = HTTPServer(("127.0.0.1", 0), _Garbled)
    threading.Thread(target=garbled.serve_forever, daemon=True).start()
    engine_url = f"http://127.0.0.1:{garbled.server_port}"
    query = "/sparql?" + urllib.parse.urlencode({"query": FUNDERS})
    expected = {
        "/cut": b"sent an answer that could not be read: Parser error",
        "/page": b"answered in text/html, which is not what was asked",
    }
    try:
        for path, words in expected.items():
            server = LiveServer(built_settings.store_dir, ready=502, store_url=engine_url + path)
            try:
                for _ in range(2):
                    status, _, body = fetch(server.url + query, {"Accept": "text/csv"})
                    assert (status, words in body) == (502, True), body
            finally:
                log = server.stop()
            assert "Traceback" not in log and "stopped while running" not in log, log
    finally:
        garbled.shutdown()
        garbled.server_close()


def test_engine_check_agrees_with_the_engine_loaded_from_the_build(
    build_folder: Path, engine: OxigraphServer
) -> None:
    checked = CliRunner().invoke(main, ["engine", "check", str(build_folder), "--url", engine.url])
    assert checked.exit_code == 0, checked.output
    views = len(load_catalogue(Settings().queries_dir))
    assert f"{views + 3} of {views + 3} checks agree at {engine.url}." in checked.output
    quads = DatasetVersion.read(build_folder).quads
    assert (
        f"ok    named graphs hold the build's quads: 12 graphs, {quads:,} quads" in checked.output
    )
    assert "ok    view funders: 4 rows" in checked.output  # seed 003's four funders


def test_engine_check_finds_an_engine_that_lacks_a_graph(
    build_folder: Path, tmp_path: Path
) -> None:
    """An engine loaded from the build but one graph (the places): the graph is named, exit 1."""
    places = "<https://data.belongnetwork.co.uk/graph/data/places>"
    partial = tmp_path / "partial-build"
    partial.mkdir()
    shutil.copyfile(build_folder / "version.json", partial / "version.json")
    (partial / "oxigraph").symlink_to(build_folder / "oxigraph")  # what a build folder holds
    with (build_folder / "dataset.nq").open() as whole, (partial / "dataset.nq").open("w") as part:
        part.writelines(line for line in whole if not line.rstrip().endswith(places + " ."))
    oxigraph.load(partial, tmp_path / "engine")
    server = OxigraphServer(tmp_path / "engine")
    try:
        checked = CliRunner().invoke(
            main, ["engine", "check", str(build_folder), "--url", server.url]
        )
    finally:
        server.stop()
    assert checked.exit_code == 1
    assert (
        f"DIFF  named graphs hold the build's quads: 1 graphs differ; {places[1:-1]}: 0 quads "
        "on the engine" in checked.output
    )
    assert "DIFF  the default graph is the union of the named graphs" in checked.output


class _Endless(BaseHTTPRequestHandler):
    """An engine whose answer would run to ``ROWS`` rows (about 60 MB), written a row at a time
    until the client stops reading; ``sent`` counts the rows it wrote."""

    ROWS = 1_000_000
    sent: ClassVar[list[int]] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Connection", "close")
        self.end_headers()
        written = 0
        try:
            self.wfile.write(b'{"head":{"vars":["s"]},"results":{"bindings":[')
            for row in range(self.ROWS):
                separator = b"," if row else b""
                self.wfile.write(
                    separator + b'{"s":{"type":"uri","value":"urn:belong:row:%d"}}' % row
                )
                written += 1
            self.wfile.write(b"]}}")
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            self.sent.append(written)

    def log_message(self, *_: object) -> None:
        pass


def test_rows_past_the_limit_are_never_downloaded(built_settings: Settings) -> None:
    """The engine's answer is read as it comes and dropped once the limit's rows are in: the
    client gets them, marked cut, and the engine stops writing long before its end."""
    endless = ThreadingHTTPServer(("127.0.0.1", 0), _Endless)
    threading.Thread(target=endless.serve_forever, daemon=True).start()
    server = LiveServer(
        built_settings.store_dir,
        store_url=f"http://127.0.0.1:{endless.server_port}/query",
        result_limit="100",
    )
    try:
        query = "/sparql?" + urllib.parse.urlencode({"query": "SELECT ?s WHERE { ?s ?p ?o }"})
        status, headers, body = fetch(server.url + query, {"Accept": "text/csv"})
        assert status == 200
        assert headers["Belong-Truncated"] == "true"
        lines = body.decode().splitlines()
        assert lines[0] == "s" and lines[1:] == [f"urn:belong:row:{i}" for i in range(100)]
        deadline = time.monotonic() + 10
        while len(_Endless.sent) < 2 and time.monotonic() < deadline:  # the ASK at start, ours
            time.sleep(0.05)
        assert 100 < _Endless.sent[-1] < _Endless.ROWS // 10
    finally:
        server.stop()
        endless.shutdown()
        endless.server_close()
