"""Replicas behind Debian's HAProxy (`belong-graph deploy haproxy`, deploy/haproxy.cfg.in): two
application processes and two `oxigraph serve-read-only` on one directory loaded from the real
library, all on loopback. A bounded client loop goes on while one application and one engine are
killed with SIGKILL: nothing fails beyond the requests then in flight, and every answer is the
one given before the kills."""

from __future__ import annotations

import csv
import dataclasses
import http.client
import http.server
import io
import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import QuerySolutions

from belong_graph.cli import main
from belong_graph.deploy import Previous, Replicas, haproxy_config
from belong_graph.errors import SettingError
from belong_graph.remote import Engine, RemoteStore
from belong_graph.settings import Settings
from belong_graph.store import DatasetVersion
from tests.conftest import LiveServer, fetch, free_port, terminate
from tests.test_budget_shared import Redis, redis  # noqa: F401 (a fixture)
from tests.test_remote import FUNDERS, OxigraphServer, loaded  # noqa: F401 (a fixture)

pytestmark = pytest.mark.integration

ROUTES = [  # (path, Accept, words its answer holds)
    ("/api/views/funders", "application/json", "Nuffield Foundation"),
    ("/id/resource/discrimination-prejudice-and-cohesion", "text/html", "Jo Broadwood"),
    ("/sparql?" + urllib.parse.urlencode({"query": FUNDERS}), "text/csv", "Nuffield Foundation"),
]
REQUESTS = 200
CLIENTS = 4


def haproxy() -> str:
    """Debian's HAProxy (installed by `make haproxy`), of a version with `retry-on` (2.0+)."""
    found = shutil.which("haproxy")
    assert found, "no haproxy: run `make haproxy`"
    about = subprocess.run([found, "-vv"], capture_output=True, text=True, check=True).stdout
    version = re.match(r"HAProxy version (\d+)\.(\d+)", about)
    assert version and (int(version[1]), int(version[2])) >= (2, 0), about.splitlines()[0]
    return found


class Balancer:
    """HAProxy in the foreground on the configuration written for ``replicas``, in master-worker
    mode (``-W``, as Debian's service runs it), so that it can be reloaded."""

    def __init__(self, replicas: Replicas, folder: Path) -> None:
        self.replicas = replicas
        self.config = folder / "haproxy.cfg"
        self.config.write_text(haproxy_config(replicas))
        self.process = subprocess.Popen(
            [haproxy(), "-W", "-db", "-f", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def reload(self, replicas: Replicas) -> None:
        """Rewrite the configuration for ``replicas``, check it and reload HAProxy gracefully, as
        `systemctl reload haproxy` does: SIGUSR2 makes the master start a new worker on the old
        one's listening sockets, and the old worker finishes the requests it holds, then ends."""
        self.config.write_text(haproxy_config(replicas))
        checked = subprocess.run([haproxy(), "-c", "-q", "-f", str(self.config)], check=False)
        assert checked.returncode == 0, "HAProxy refused the new configuration"
        self.replicas = replicas
        os.kill(self.process.pid, signal.SIGUSR2)

    def rows(self) -> list[dict[str, str]]:
        """HAProxy's statistics, a row per frontend, backend and server, from its serving
        worker."""
        status, _, body = fetch(f"http://127.0.0.1:{self.replicas.stats_port}/;csv", timeout=5)
        assert status == 200
        return list(csv.DictReader(io.StringIO(body.decode().removeprefix("# "))))

    def stats(self, backend: str) -> dict[str, dict[str, str]]:
        """HAProxy's statistics of each server of ``backend``."""
        return {
            row["svname"]: row
            for row in self.rows()
            if row["pxname"] == backend and row["svname"] not in ("FRONTEND", "BACKEND")
        }

    def backends(self) -> set[str]:
        """The backends of the configuration the serving worker runs."""
        return {row["pxname"] for row in self.rows() if row["svname"] == "BACKEND"}

    def addresses(self, backend: str) -> dict[str, str]:
        """Each server of ``backend`` and its address (as the serving worker has it)."""
        return {name: row["addr"] for name, row in self.stats(backend).items()}

    def servers(self, backend: str) -> dict[str, str]:
        """Each server of ``backend`` and its state (UP, DOWN...)."""
        try:
            return {name: row["status"] for name, row in self.stats(backend).items()}
        except OSError:
            return {}

    def answered(self, backend: str) -> dict[str, int]:
        """How many requests each server of ``backend`` has had (health checks aside)."""
        return {name: int(row["stot"]) for name, row in self.stats(backend).items()}

    def wait(self, ready: Callable[[], bool], timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not ready():
            assert time.monotonic() < deadline, "HAProxy's servers did not come up in time"
            time.sleep(0.1)

    def stop(self) -> None:
        """Stop the master, which stops its workers."""
        terminate(self.process)


@dataclass(frozen=True)
class Answer:
    """One request of a client loop: what it asked, what came back, and when."""

    path: str
    status: int  # 0: no answer
    body: bytes
    etag: str
    started: float  # time.monotonic()
    ended: float


@dataclass
class Client:
    """A bounded loop of GETs through HAProxy, from a few threads, counting what is in flight,
    until it has made its requests or is stopped."""

    url: str
    routes: list[tuple[str, str, str]] = field(default_factory=lambda: ROUTES)
    answers: list[Answer] = field(default_factory=list)
    in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopped: threading.Event = field(default_factory=threading.Event)

    def run(self, requests: int, threads: int) -> list[threading.Thread]:
        workers = [
            threading.Thread(target=self._loop, args=(range(i, requests, threads),))
            for i in range(threads)
        ]
        for worker in workers:
            worker.start()
        return workers

    def _loop(self, numbers: range) -> None:
        for number in numbers:
            if self.stopped.is_set():
                return
            path, accept, _ = self.routes[number % len(self.routes)]
            with self.lock:
                self.in_flight += 1
            started = time.monotonic()
            try:
                status, headers, body = fetch(self.url + path, {"Accept": accept}, timeout=30)
                etag = headers.get("ETag", "")
            except (OSError, http.client.HTTPException):  # cut off, or an answer cut short
                status, body, etag = 0, b"", ""
            answer = Answer(path, status, body, etag, started, time.monotonic())
            with self.lock:
                self.in_flight -= 1
                self.answers.append(answer)

    def done(self) -> int:
        with self.lock:
            return len(self.answers)

    def wait_for(self, count: int, timeout: float = 60) -> None:
        """Wait until ``count`` requests have ended."""
        deadline = time.monotonic() + timeout
        while self.done() < count:
            assert time.monotonic() < deadline, "the client loop stalled"
            time.sleep(0.01)

    def kill(self, pid: int) -> int:
        """Kill ``pid`` with SIGKILL; how many requests were in flight then."""
        with self.lock:
            os.kill(pid, signal.SIGKILL)
            return self.in_flight


@contextmanager
def two_engines(location: Path) -> Iterator[list[OxigraphServer]]:
    """Two read-only servers on one loaded directory, stopped by their pid at the end."""
    servers = [OxigraphServer(location)]
    try:
        servers.append(OxigraphServer(location))
        yield servers
    finally:
        for server in servers:
            server.stop()


@pytest.fixture(scope="module")
def engines(loaded: Path) -> Iterator[list[OxigraphServer]]:  # noqa: F811
    with two_engines(loaded) as servers:
        yield servers


@pytest.fixture(scope="module")
def replicas(engines: list[OxigraphServer]) -> Replicas:
    return Replicas(
        apps=(f"127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"),
        engines=tuple(e.url.removeprefix("http://").removesuffix("/query") for e in engines),
        port=free_port(),
        engine_port=free_port(),
        stats_port=free_port(),
        check_ms=200,
        timeout=30,
    )


@pytest.fixture(scope="module")
def balancer(replicas: Replicas, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Balancer]:
    balancer = Balancer(replicas, tmp_path_factory.mktemp("haproxy"))
    try:
        balancer.wait(lambda: balancer.servers("engines") == {"engine1": "UP", "engine2": "UP"})
        yield balancer
    finally:
        balancer.stop()


@contextmanager
def serving(store_dir: Path, balancer: Balancer, **settings: str) -> Iterator[list[LiveServer]]:
    """A `serve` process on ``store_dir`` at each application address of ``balancer``, whose
    store_url is HAProxy's engine frontend, with no answer cache (every request goes to an
    engine), up in HAProxy's eyes."""
    servers: list[LiveServer] = []
    try:
        for address in balancer.replicas.apps:
            servers.append(
                LiveServer(
                    store_dir,
                    port=int(address.rsplit(":", 1)[1]),
                    store_url=balancer.replicas.store_url,
                    cache_mib="0",
                    **settings,
                )
            )
        balancer.wait(lambda: balancer.servers("apps") == {"app1": "UP", "app2": "UP"})
        yield servers
    finally:
        for server in servers:
            server.stop()


@pytest.fixture(scope="module")
def apps(built_settings: Settings, balancer: Balancer) -> Iterator[list[LiveServer]]:
    with serving(built_settings.store_dir, balancer) as servers:
        yield servers


def test_the_config_binds_loopback_only_and_passes_haproxys_check(tmp_path: Path) -> None:
    config = tmp_path / "haproxy.cfg"
    command = ["deploy", "haproxy", "--app", "10.0.0.1:8001", "--app", "10.0.0.2:8001"]
    command += ["--engine", "10.0.0.3:7879", "-o", str(config)]
    done = CliRunner().invoke(main, command)
    assert done.exit_code == 0, done.output
    text = config.read_text()
    assert re.findall(r"^\s*bind (\S+)", text, re.M) == [
        "127.0.0.1:8000",
        "127.0.0.1:7878",
        "127.0.0.1:8404",
    ]
    assert re.findall(r"^\s*server (\S+) (\S+)", text, re.M) == [
        ("app1", "10.0.0.1:8001"),
        ("app2", "10.0.0.2:8001"),
        ("engine1", "10.0.0.3:7879"),
    ]
    checked = subprocess.run([haproxy(), "-c", "-f", str(config)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_rollouts_config_keeps_each_older_versions_engines_in_a_backend_of_their_own(
    tmp_path: Path,
) -> None:
    config = tmp_path / "haproxy.cfg"
    command = ["deploy", "haproxy", "--app", "10.0.0.1:8001", "--engine", "10.0.0.3:7003"]
    command += ["--engine", "10.0.0.4:7004", "--previous", "0123abcd=10.0.0.3:7001,10.0.0.4:7002"]
    command += ["--previous", "4567ef89=10.0.0.3:7000", "-o", str(config)]
    done = CliRunner().invoke(main, command)
    assert done.exit_code == 0, done.output
    text = config.read_text()
    frontend = text.split("frontend engine\n", 1)[1].split("\n\n", 1)[0]
    assert frontend.splitlines()[1:] == [
        "    use_backend engines-%[req.hdr(Belong-Dataset-Version)]",
        "    default_backend engines",
    ]
    backends = re.findall(r"^backend (\S+)\n((?:    .*\n)+)", text, re.M)
    assert [
        (name, re.findall(r"server (\S+) (\S+)", body), "http-check expect status 200" in body)
        for name, body in backends
    ] == [
        ("apps", [("app1", "10.0.0.1:8001")], True),
        ("engines", [("engine1", "10.0.0.3:7003"), ("engine2", "10.0.0.4:7004")], True),
        ("engines-0123abcd", [("engine1", "10.0.0.3:7001"), ("engine2", "10.0.0.4:7002")], True),
        ("engines-4567ef89", [("engine1", "10.0.0.3:7000")], True),
    ]
    checked = subprocess.run([haproxy(), "-c", "-f", str(config)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize(
    ("previous", "said"),
    [
        (["h:7001"], "--previous 'h:7001' is not DIGEST=HOST:PORT[,HOST:PORT...]"),
        (["0123abcd="], "--previous '0123abcd=' is not DIGEST=HOST:PORT[,HOST:PORT...]"),
        (["v1=h:7001"], "--previous 'v1=h:7001' is not DIGEST=HOST:PORT[,HOST:PORT...]"),
        (["0123abcd=h:7001,h"], "'h' is not HOST:PORT."),
        (["0123abcd=h:7001", "0123abcd=h:7002"], "--previous names a version twice"),
    ],
)
def test_a_bad_previous_version_is_refused_with_what_is_wrong(
    previous: list[str], said: str, tmp_path: Path
) -> None:
    config = tmp_path / "haproxy.cfg"
    command = ["deploy", "haproxy", "--app", "h:8001", "--engine", "h:7003", "-o", str(config)]
    for text in previous:
        command += ["--previous", text]
    done = CliRunner().invoke(main, command)
    assert done.exit_code == 1
    assert said in done.output
    assert not config.exists()


class Stub:
    """An engine on a free loopback port that answers every query (and health check) with one
    row: its name."""

    def __init__(self, name: str) -> None:
        row = {"engine": {"type": "literal", "value": name}}
        body = json.dumps({"head": {"vars": ["engine"]}, "results": {"bindings": [row]}}).encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                self.do_GET()

            def log_message(self, *_: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.address = f"127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_haproxy_routes_each_query_by_the_version_it_names(
    build_folder: Path, tmp_path: Path
) -> None:
    """A RemoteStore names its version in every query; HAProxy sends a query naming a kept
    older version to that version's engines, and one naming the current version (no backend of
    its own), another version, or none to the current engines."""
    stubs = {name: Stub(name) for name in ("new", "old")}
    replicas = Replicas(
        apps=(f"127.0.0.1:{free_port()}",),
        engines=(stubs["new"].address,),
        engine_port=free_port(),
        port=free_port(),
        stats_port=free_port(),
        check_ms=200,
        previous=(Previous("0123abcd", (stubs["old"].address,)),),
    )
    balancer = Balancer(replicas, tmp_path)
    version = DatasetVersion.read(build_folder)
    try:
        up = {"engine1": "UP"}
        balancer.wait(lambda: balancer.servers("engines") == up)
        balancer.wait(lambda: balancer.servers("engines-0123abcd") == up)
        answered = {
            digest: engine_asked(replicas.store_url, dataclasses.replace(version, digest=digest))
            for digest in ("0123abcd", "4567ef89", "engines", "")
        }
        assert answered == {"0123abcd": "old", "4567ef89": "new", "engines": "new", "": "new"}
        status, _, body = fetch(replicas.store_url)  # no version named
        assert (status, json.loads(body)["results"]["bindings"][0]["engine"]["value"]) == (
            200,
            "new",
        )
    finally:
        balancer.stop()
        for stub in stubs.values():
            stub.stop()


def test_a_reload_answers_a_query_sent_on_an_idle_connection(tmp_path: Path) -> None:
    """At a reload the old worker answers the next request of a connection left idle rather than
    closing it under a client that may be sending on it (option idle-close-on-response)."""
    stub = Stub("new")
    replicas = Replicas(
        apps=(f"127.0.0.1:{free_port()}",),
        engines=(stub.address,),
        engine_port=free_port(),
        port=free_port(),
        stats_port=free_port(),
        check_ms=200,
    )
    balancer = Balancer(replicas, tmp_path)
    connection = http.client.HTTPConnection("127.0.0.1", replicas.engine_port, timeout=10)
    try:
        balancer.wait(lambda: balancer.servers("engines") == {"engine1": "UP"})
        connection.request("GET", "/query")
        assert connection.getresponse().read()
        kept = Previous("0123abcd", (stub.address,))
        balancer.reload(dataclasses.replace(replicas, previous=(kept,)))
        balancer.wait(lambda: "engines-0123abcd" in balancer.backends())
        connection.request("GET", "/query")  # without the option: ConnectionResetError
        response = connection.getresponse()
        assert (response.status, b'"new"' in response.read()) == (200, True)
    finally:
        connection.close()
        balancer.stop()
        stub.stop()


def engine_asked(url: str, version: DatasetVersion) -> str:
    """Which engine answered a query of a RemoteStore of ``version`` at ``url``."""
    store = RemoteStore(Engine(url), version)
    try:
        rows = store.query("SELECT ?engine WHERE {}")
        assert isinstance(rows, QuerySolutions)
        return str(next(iter(rows))["engine"].value)
    finally:
        store.close()


@pytest.mark.parametrize(
    "replicas", [Replicas(apps=(), engines=("h:1",)), Replicas(apps=("h1",), engines=("h:1",))]
)
def test_a_config_without_servers_or_with_a_bad_address_is_refused(replicas: Replicas) -> None:
    with pytest.raises(SettingError):
        haproxy_config(replicas)


def test_replicas_answer_alike_through_the_kill_of_an_app_and_an_engine(
    balancer: Balancer, apps: list[LiveServer], engines: list[OxigraphServer]
) -> None:
    site = f"http://127.0.0.1:{balancer.replicas.port}"
    before = {}
    for path, accept, words in ROUTES:
        status, _, body = fetch(site + path, {"Accept": accept})
        assert (status, words in body.decode()) == (200, True), path
        before[path] = body
        for app in apps:  # every replica, asked directly (by the site's name), answers alike
            asked = {"Accept": accept, "Host": site.removeprefix("http://")}
            assert fetch(app.url + path, asked)[::2] == (200, body), app.url

    client = Client(site)
    threads = client.run(REQUESTS, CLIENTS)
    try:
        client.wait_for(REQUESTS // 3)
        served = balancer.answered("apps"), balancer.answered("engines")
        in_flight = client.kill(apps[0].process.pid)
        client.wait_for(2 * REQUESTS // 3)
        in_flight += client.kill(engines[0].process.pid)
    finally:
        for thread in threads:
            thread.join(60)
    after = balancer.answered("apps"), balancer.answered("engines")
    balancer.wait(lambda: balancer.servers("apps")["app1"] == "DOWN")  # seen dead by HAProxy
    balancer.wait(lambda: balancer.servers("engines")["engine1"] == "DOWN")

    assert all(n > 0 for n in served[0].values()) and all(n > 0 for n in served[1].values())
    assert after[0]["app2"] > served[0]["app2"] and after[1]["engine2"] > served[1]["engine2"]
    assert len(client.answers) == REQUESTS
    failed = [(a.path, a.status) for a in client.answers if a.status != 200]
    assert len(failed) <= in_flight, failed
    assert all(a.body == before[a.path] for a in client.answers if a.status == 200)
    assert [a.status for a in client.answers[-REQUESTS // 5 :]] == [200] * (REQUESTS // 5)


def through(port: int, path: str, source: str) -> int:
    """The status of a GET of ``path`` to HAProxy's client port, sent from ``source``."""
    return asked_from(source, port, path)[0]


def asked_from(source: str, port: int, path: str) -> tuple[int, http.client.HTTPMessage, bytes]:
    """A GET of ``path`` to loopback ``port`` sent from loopback address ``source`` (as a client
    of its own: 127.0.0.2, 127.0.0.3...): its status, headers and body."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=30, source_address=(source, 0)
    )
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def test_a_client_over_its_budget_is_refused_by_every_replica(
    built_settings: Settings,
    redis: Redis,  # noqa: F811 (the fixture)
    tmp_path: Path,
) -> None:
    """Two `serve` processes on the embedded store, sharing their budgets in Redis and trusting
    HAProxy's X-Forwarded-For (the test's direct requests come from that address too): a client
    that has made its requests through HAProxy, served by both in turn, is refused by each;
    another client is served."""
    replicas = Replicas(
        apps=(f"127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"),
        engines=(f"127.0.0.1:{free_port()}",),  # none: these apps read the embedded store
        port=free_port(),
        engine_port=free_port(),
        stats_port=free_port(),
        check_ms=200,
    )
    balancer = Balancer(replicas, tmp_path)
    servers = []
    try:
        for address in replicas.apps:
            servers.append(
                LiveServer(
                    built_settings.store_dir,
                    port=int(address.rsplit(":", 1)[1]),
                    budget_storage=redis.url,
                    trusted_proxy="127.0.0.1",
                    request_limit="6",
                )
            )
        balancer.wait(lambda: balancer.servers("apps") == {"app1": "UP", "app2": "UP"})
        before = balancer.answered("apps")
        spent = [through(replicas.port, "/robots.txt", "127.0.0.2") for _ in range(8)]
        assert spent == [200] * 6 + [429] * 2  # its 6 requests a minute made
        served = balancer.answered("apps")
        assert all(served[name] > before[name] for name in served)  # both served the client
        for server in servers:  # each replica refuses it, and serves another client
            assert fetch(server.url + "/robots.txt", {"X-Forwarded-For": "127.0.0.2"})[0] == 429
            assert fetch(server.url + "/robots.txt", {"X-Forwarded-For": "127.0.0.3"})[0] == 200
        assert through(replicas.port, "/robots.txt", "127.0.0.3") == 200
        health = [fetch(servers[0].url + "/health")[0] for _ in range(6)]  # under no budget
        assert health == [200] * 6
    finally:
        for server in servers:
            server.stop()
        balancer.stop()
