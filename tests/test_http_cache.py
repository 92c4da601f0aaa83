"""The HTTP cache in front of the replicas: Debian's Varnish on the VCL of `belong-graph deploy
varnish` (deploy/varnish.vcl.in), before HAProxy (`deploy haproxy --behind-cache`), one `serve`
and one `oxigraph serve-read-only` loaded from the real library, all on loopback. Whether an
answer came from the cache is read from Varnish's X-Varnish (two ids on a hit) and from
HAProxy's count of the requests the application had."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from email.message import Message
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef

from belong_graph.cli import main
from belong_graph.deploy import Replicas
from belong_graph.settings import Settings
from belong_graph.store import DatasetVersion
from tests.conftest import LiveServer, fetch, free_port, terminate
from tests.test_remote import FUNDERS, OxigraphServer, engine, loaded  # noqa: F401 (fixtures)
from tests.test_replicas import ROUTES, Balancer, asked_from

pytestmark = pytest.mark.integration

MAX_AGE = 4  # the application's cache_max_age: seconds an answer is kept by the cache
LIMIT = 40  # requests a client may make in an hour (the budget test's client spends them)
NAME = URIRef("http://schema.org/name")
# varnishd runs as the test's own user: its jail (user varnish) cannot enter pytest's folders
NO_JAIL = ["-j", "none"]

Answer = tuple[int, Message, bytes]


def varnishd() -> str:
    """Debian's Varnish (installed by `make varnish`), of a version that reads VCL 4.1 (6.0+)."""
    found = shutil.which("varnishd")
    assert found, "no varnishd: run `make varnish`"
    about = subprocess.run([found, "-V"], capture_output=True, text=True, check=True).stderr
    version = re.search(r"varnish-(\d+)\.", about)
    assert version and int(version[1]) >= 6, about
    return found


def write_vcl(backend: str, path: Path) -> str:
    """The VCL written by `belong-graph deploy varnish --backend BACKEND -o PATH`."""
    done = CliRunner().invoke(main, ["deploy", "varnish", "--backend", backend, "-o", str(path)])
    assert done.exit_code == 0, done.output
    return path.read_text()


class Varnish:
    """varnishd in the foreground (``-F``) on loopback, with its own work directory, on the
    VCL written for HAProxy's client frontend at ``backend``."""

    def __init__(self, backend: str, folder: Path) -> None:
        vcl = folder / "belong.vcl"
        write_vcl(backend, vcl)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [varnishd(), "-F", "-n", str(folder / "work"), "-a", f"127.0.0.1:{self.port}"]
        command += ["-T", "127.0.0.1:0", "-f", str(vcl), "-s", "malloc,32m", *NO_JAIL]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 30
        while True:
            assert self.process.poll() is None, "varnishd exited"
            try:
                if fetch(self.url + "/health", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            assert time.monotonic() < deadline, "varnishd did not answer in time"
            time.sleep(0.1)

    def stop(self) -> None:
        terminate(self.process)


@dataclass
class Stack:
    balancer: Balancer
    app: LiveServer
    cache: Varnish

    def reached(self) -> dict[str, int]:
        """How many requests reached the application, and how many it answered 2xx and 3xx."""
        row = self.balancer.stats("apps")["app1"]
        return {"all": int(row["stot"]), "2xx": int(row["hrsp_2xx"]), "3xx": int(row["hrsp_3xx"])}

    def asked_of_the_app(self, path: str, accept: str) -> Answer:
        """``path`` asked of the application itself, by the name the cache is reached at."""
        return fetch(
            self.app.url + path, {"Accept": accept, "Host": f"127.0.0.1:{self.cache.port}"}
        )


@pytest.fixture(scope="module")
def stack(
    built_settings: Settings,
    engine: OxigraphServer,  # noqa: F811 (the fixture)
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Stack]:
    """Varnish, HAProxy behind it, and a `serve` that trusts HAProxy's X-Forwarded-For, keeps
    its answers MAX_AGE seconds and lets a client make LIMIT requests an hour."""
    replicas = Replicas(
        apps=(f"127.0.0.1:{free_port()}",),
        engines=(engine.url.removeprefix("http://").removesuffix("/query"),),
        port=free_port(),
        engine_port=free_port(),
        stats_port=free_port(),
        check_ms=200,
        timeout=30,
        behind_cache=True,
    )
    folder = tmp_path_factory.mktemp("cache")
    balancer = Balancer(replicas, folder)
    app = cache = None
    try:
        balancer.wait(lambda: balancer.servers("engines") == {"engine1": "UP"})
        app = LiveServer(
            built_settings.store_dir,
            port=int(replicas.apps[0].rsplit(":", 1)[1]),
            store_url=replicas.store_url,
            trusted_proxy="127.0.0.1",
            request_limit=str(LIMIT),
            budget_window="3600",
            cache_max_age=str(MAX_AGE),
        )
        balancer.wait(lambda: balancer.servers("apps") == {"app1": "UP"})
        cache = Varnish(f"127.0.0.1:{replicas.port}", folder)
        yield Stack(balancer, app, cache)
    finally:
        for process in (cache, app, balancer):
            if process is not None:
                process.stop()


def hit(headers: Message) -> bool:
    """Whether Varnish answered from its cache (X-Varnish names the request and the one whose
    answer it kept)."""
    return len(headers["X-Varnish"].split()) == 2


def test_the_vcl_names_its_backend_and_compiles(tmp_path: Path) -> None:
    text = write_vcl("10.0.0.1:8000", tmp_path / "belong.vcl")
    assert re.findall(r'\.(host|port) = "([^"]+)";', text) == [
        ("host", "10.0.0.1"),
        ("port", "8000"),
    ]
    command = [varnishd(), "-C", "-n", str(tmp_path / "work"), "-f", str(tmp_path / "belong.vcl")]
    command += NO_JAIL
    compiled = subprocess.run(command, capture_output=True, text=True)
    assert compiled.returncode == 0, compiled.stderr
    refused = CliRunner().invoke(main, ["deploy", "varnish", "--backend", "10.0.0.1"])
    assert refused.exit_code != 0 and "is not HOST:PORT" in refused.output


def test_behind_the_cache_haproxy_passes_varnishs_x_forwarded_for_on() -> None:
    command = ["deploy", "haproxy", "--app", "10.0.0.1:8001", "--engine", "10.0.0.3:7879"]
    alone, behind = (
        CliRunner().invoke(main, command + extra) for extra in ([], ["--behind-cache"])
    )
    assert re.findall(r"^\s*option forwardfor.*$", alone.output, re.M) == ["    option forwardfor"]
    assert re.findall(r"^\s*option forwardfor.*$", behind.output, re.M) == [
        "    option forwardfor if-none"
    ]


@pytest.mark.parametrize(("path", "accept", "words"), ROUTES[:2], ids=["view", "page"])
def test_a_second_get_is_served_by_the_cache(
    stack: Stack, path: str, accept: str, words: str
) -> None:
    start = stack.reached()
    status, first, body = fetch(stack.cache.url + path, {"Accept": accept})
    assert (status, words in body.decode(), hit(first)) == (200, True, False)
    assert stack.reached()["all"] == start["all"] + 1
    status, second, again = fetch(stack.cache.url + path, {"Accept": accept})
    assert (status, again, hit(second), second["ETag"]) == (200, body, True, first["ETag"])
    assert stack.reached()["all"] == start["all"] + 1  # the application was not asked again
    assert int(second["Age"]) <= MAX_AGE


def test_the_html_and_the_turtle_of_an_iri_are_kept_apart(stack: Stack) -> None:
    path = "/id/person/jo-broadwood"
    answers = {}
    for accept in ("text/html", "text/turtle"):
        for _ in range(2):  # the second from the cache
            status, headers, body = fetch(stack.cache.url + path, {"Accept": accept})
            assert (status, headers.get_content_type()) == (200, accept)
            assert "Accept" in headers["Vary"]
        assert hit(headers)
        answers[accept] = (headers["ETag"], body.decode())
    assert answers["text/html"][0] != answers["text/turtle"][0]
    assert "<h1" in answers["text/html"][1] and "Jo Broadwood" in answers["text/html"][1]
    graph = Graph().parse(data=answers["text/turtle"][1], format="turtle")
    assert [str(o) for o in graph.objects(None, NAME)] == ["Jo Broadwood"]


def test_if_none_match_is_answered_304_by_the_cache_with_the_apps_etag(
    stack: Stack, build_folder: Path
) -> None:
    path, accept, words = ROUTES[2]  # the endpoint, asked with GET
    status, headers, body = fetch(stack.cache.url + path, {"Accept": accept})
    assert (status, words in body.decode()) == (200, True)
    own = stack.asked_of_the_app(path, accept)[1]
    assert headers["ETag"] == own["ETag"] and headers["Last-Modified"] == own["Last-Modified"]
    built = datetime.fromisoformat(DatasetVersion.read(build_folder).built)
    assert parsedate_to_datetime(own["Last-Modified"]) == built.replace(microsecond=0)
    start = stack.reached()
    status, held, body = fetch(
        stack.cache.url + path, {"Accept": accept, "If-None-Match": own["ETag"]}
    )
    assert (status, body, hit(held), held["ETag"]) == (304, b"", True, own["ETag"])
    assert stack.reached() == start


def test_an_expired_answer_is_revalidated_with_the_app(stack: Stack) -> None:
    """Past max-age, the answer kept is served once more (grace) while Varnish asks HAProxy
    again with its ETag: the application answers 304 and the answer is kept anew."""
    path = "/robots.txt"
    status, first, body = fetch(stack.cache.url + path)
    assert (status, b"Sitemap" in body) == (200, True)
    time.sleep(MAX_AGE + 0.5 - int(first["Age"]))
    start = stack.reached()
    status, stale, again = fetch(stack.cache.url + path)
    assert (status, again, hit(stale)) == (200, body, True)
    assert int(stale["Age"]) >= MAX_AGE
    deadline = time.monotonic() + 10
    while (reached := stack.reached())["2xx"] + reached["3xx"] == start["2xx"] + start["3xx"]:
        assert time.monotonic() < deadline, "Varnish did not revalidate"  # in the background
        time.sleep(0.05)
    assert (reached["all"], reached["3xx"], reached["2xx"]) == (
        start["all"] + 1,
        start["3xx"] + 1,
        start["2xx"],
    )
    status, renewed, again = fetch(stack.cache.url + path)
    assert (status, again, hit(renewed)) == (200, body, True)
    assert int(renewed["Age"]) < MAX_AGE


def posted(url: str, form: dict[str, str]) -> Answer:
    """A POST of ``form`` (as a form) to ``url``, asking for CSV."""
    body = urllib.parse.urlencode(form).encode()
    request = urllib.request.Request(url, body, {"Accept": "text/csv"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.headers, response.read()


def test_a_post_to_the_endpoint_always_reaches_an_app(stack: Stack) -> None:
    start = stack.reached()
    answers = [posted(stack.cache.url + "/sparql", {"query": FUNDERS}) for _ in range(2)]
    assert [(status, hit(headers)) for status, headers, _ in answers] == [(200, False)] * 2
    assert answers[0][2] == answers[1][2] and b"Nuffield Foundation" in answers[0][2]
    assert stack.reached()["all"] == start["all"] + 2


def test_a_budgets_refusal_is_for_its_client_only_and_never_kept(stack: Stack) -> None:
    """A client (127.0.0.2) spends its budget on answers not yet kept (each reaches the
    application, counted by the address Varnish saw); its refusal is not kept: another client
    asking the same is served, and then the first too, from the cache."""
    spent = [
        asked_from("127.0.0.2", stack.cache.port, f"/robots.txt?spent={n}")[0] for n in range(LIMIT)
    ]
    assert spent == [200] * LIMIT
    path = "/robots.txt?asked=again"
    status, refused, body = asked_from("127.0.0.2", stack.cache.port, path)
    assert (status, hit(refused), "Retry-After" in refused) == (429, False, True)
    status, served, body = asked_from("127.0.0.3", stack.cache.port, path)
    assert (status, hit(served), b"Sitemap" in body) == (200, False, True)
    status, held, again = asked_from("127.0.0.2", stack.cache.port, path)
    assert (status, hit(held), again) == (200, True, body)


def test_an_answer_without_max_age_is_never_kept(stack: Stack) -> None:
    """The built-in VCL would keep a 404 two minutes; a later build may have the entity."""
    path = "/id/person/nobody-at-all"
    answers = [fetch(stack.cache.url + path, {"Accept": "text/html"}) for _ in range(2)]
    assert [(status, hit(headers)) for status, headers, _ in answers] == [(404, False)] * 2
    assert "Cache-Control" not in answers[0][1]
