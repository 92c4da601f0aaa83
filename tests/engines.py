"""The SPARQL engines the tests serve a build from: an Oxigraph server and Virtuoso, each loaded
from the build by our own `belong-graph engine load`, started on free loopback ports and stopped
by its process id; and the settings that make the server read one."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from click.testing import CliRunner

from belong_graph.cli import main
from belong_graph.engines import oxigraph
from belong_graph.engines import virtuoso as virtuoso_engine
from belong_graph.store import DatasetVersion

ENGINES = ("oxigraph", "virtuoso")
ACCOUNT = virtuoso_engine.Account(user="belong", password=secrets.token_urlsafe(16))


def free_port() -> int:
    """A loopback port free at the time of asking."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class OxigraphServer:
    """`oxigraph serve-read-only` on a loaded directory, on a free loopback port."""

    def __init__(self, location: Path) -> None:
        self.url = f"http://127.0.0.1:{free_port()}/query"
        bind = self.url.removeprefix("http://").removesuffix("/query")
        self.process = subprocess.Popen(
            oxigraph.serve_command(location, bind, timeout=30),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "?query=ASK%7B%7D", timeout=1):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("the Oxigraph server did not answer in time")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()


def load_oxigraph(build_folder: Path, target: Path) -> Path:
    """``build_folder`` loaded into the Oxigraph directory ``target`` by the README's command."""
    done = CliRunner().invoke(main, ["engine", "load", "oxigraph", str(build_folder), str(target)])
    assert done.exit_code == 0, done.output
    digest = DatasetVersion.read(build_folder).digest
    assert f"Loaded dataset version {digest}" in done.output
    return target


@contextmanager
def running_virtuoso(build_folder: Path, target: Path) -> Iterator[str]:
    """A Virtuoso loaded with ``build_folder`` into ``target`` by the command line and running:
    the endpoint its read-only account (``ACCOUNT``) queries."""
    ports = virtuoso_engine.free_ports()
    options = ["--http-port", str(ports.http), "--sql-port", str(ports.sql)]
    loaded = CliRunner().invoke(
        main,
        ["engine", "load", "virtuoso", str(build_folder), str(target), *options],
        env={"BELONG_STORE_PASSWORD": ACCOUNT.password},
    )
    assert loaded.exit_code == 0, loaded.output
    assert f"127.0.0.1:{ports.http}/sparql-auth" in loaded.output
    server = virtuoso_engine.start(target, ports)
    try:
        yield server.reader_endpoint
    finally:
        server.stop()
    assert server.process.returncode is not None


def reading_virtuoso(endpoint: str, password: str = ACCOUNT.password) -> dict[str, str]:
    """The settings that send every query to ``endpoint`` as the read-only account."""
    return {
        "store_url": endpoint,
        "store_user": ACCOUNT.user,
        "store_password": password,
        "store_auth": "digest",
    }


@contextmanager
def serving(engine: str, build_folder: Path, workspace: Path) -> Iterator[dict[str, str]]:
    """``engine`` (one of ``ENGINES``) loaded with ``build_folder`` in ``workspace`` and running:
    the settings that make a server read it."""
    if engine == "virtuoso":
        with running_virtuoso(build_folder, workspace / "virtuoso") as endpoint:
            yield reading_virtuoso(endpoint)
        return
    server = OxigraphServer(load_oxigraph(build_folder, workspace / "oxigraph"))
    try:
        yield {"store_url": server.url}
    finally:
        server.stop()
