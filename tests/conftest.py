"""Shared fixtures: settings on a temporary store folder, the real library in memory, the Flask
app and client, and a real server started on a free loopback port."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.test import TestResponse

from belong_graph.build import build_in_memory, build_store, current_store_dir
from belong_graph.settings import PROJECT_ROOT, Settings
from belong_graph.store import OxigraphStore
from belong_graph.web import create_app

BASE = "https://data.belongnetwork.co.uk/"
# Seed 003, "Discrimination, Prejudice and Cohesion": its credits in the order the library prints.
DISCRIMINATION_AUTHORS = [
    "Dominic Abrams",
    "Jo Broadwood",
    "Fanny Lalot",
    "Kaya Davies Hayon",
    "Hilal Ozkeçeci",
    "Andrew Dixon",
]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No BELONG_* variable from the caller's shell leaks into a test."""
    for name in list(os.environ):
        if name.startswith("BELONG_"):
            monkeypatch.delenv(name)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.load({"store_dir": tmp_path / "store"})


@pytest.fixture(scope="session")
def library() -> OxigraphStore:
    """The real library, validated and loaded into an in-memory store once per session."""
    return build_in_memory(Settings.load())


@pytest.fixture(scope="session")
def built_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings whose store folder holds a fresh build of the real library."""
    settings = Settings.load({"store_dir": tmp_path_factory.mktemp("built") / "store"})
    build_store(settings)
    return settings


@pytest.fixture(scope="session")
def build_folder(built_settings: Settings) -> Path:
    """The folder of the fresh build of the real library."""
    folder = current_store_dir(built_settings)
    assert folder is not None
    return folder


def make_app(settings: Settings) -> Iterator[Flask]:
    app = create_app(settings)
    yield app
    app.extensions["belong_graph"].close()


@pytest.fixture(scope="session")
def app(built_settings: Settings) -> Iterator[Flask]:
    yield from make_app(built_settings)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(
    url: str, headers: dict[str, str] | None = None, timeout: float = 60
) -> tuple[int, Message, bytes]:
    """A GET with ``headers``: its status, headers and body, errors included; a socket timeout
    (no answer within ``timeout`` seconds) is raised."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()


def problem(answer: TestResponse, status: int, title: str) -> dict[str, Any]:
    """An RFC 9457 problem document of the Flask test client, with its status and title, and the
    type that links the kind of error on the API page."""
    assert (answer.status_code, answer.mimetype) == (status, "application/problem+json")
    assert "Accept" in answer.vary
    document: dict[str, Any] = json.loads(answer.data)
    assert (document["status"], document["title"]) == (status, title)
    assert document["type"] == "http://localhost/api/#error-" + title.lower().replace(" ", "-")
    return document


def copied_build(
    built_settings: Settings, build_folder: Path, tmp_path: Path, *left_out: str
) -> Settings:
    """Settings serving a copy of the build folder, without the files named ``left_out``, that
    a test may change."""
    store_dir = tmp_path / "store"
    copy = store_dir / build_folder.name
    shutil.copytree(build_folder, copy, ignore=shutil.ignore_patterns(*left_out))
    (store_dir / "current").symlink_to(copy.name)
    return dataclasses.replace(built_settings, store_dir=store_dir)


def copy_project_data(target: Path) -> Path:
    """A copy of data/ that a test may break without touching the real one."""
    return Path(shutil.copytree(PROJECT_ROOT / "data", target))


class LiveServer:
    """`belong-graph serve` in its own process, on a free loopback port."""

    def __init__(
        self, store_dir: Path, *args: str, ready: int = 200, port: int = 0, **settings: str
    ) -> None:
        """Start it (on ``port``, else a free one) and wait until its endpoint answers ``ready``
        (a status)."""
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "BELONG_STORE_DIR": str(store_dir)}
        env.update({"BELONG_" + name.upper(): value for name, value in settings.items()})
        command = [sys.executable, "-m", "belong_graph", "serve", "--port", str(self.port), *args]
        self.process = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        self._wait_until_up(ready)

    def _wait_until_up(self, ready: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.process.stdout.read().decode() if self.process.stdout else ""
                raise RuntimeError(f"server exited early:\n{output}")
            try:
                with urllib.request.urlopen(self.url + "/sparql?query=ASK%7B%7D", timeout=1):
                    return
            except urllib.error.HTTPError as error:
                error.close()
                if error.code == ready:
                    return
                time.sleep(0.1)
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("server did not answer in time")

    def stop(self) -> str:
        """Stop the server; what it wrote (stdout and stderr)."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if not self.process.stdout or self.process.stdout.closed:
            return ""
        with self.process.stdout:
            return self.process.stdout.read().decode()


@pytest.fixture
def live_settings(tmp_path: Path) -> Settings:
    """Settings on a copy of data/ and a store of their own, built once."""
    data = copy_project_data(tmp_path / "data")
    settings = dataclasses.replace(
        Settings.load({"store_dir": tmp_path / "store"}),
        data_paths=(data,),
        changes_file=data / "changes" / "record-dates.tsv",
    )
    build_store(settings)
    return settings


@pytest.fixture
def own_server(live_settings: Settings) -> Iterator[LiveServer]:
    """A server of its own on ``live_settings``'s store, which a test may rebuild."""
    running = LiveServer(live_settings.store_dir)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def live_server(built_settings: Settings) -> Iterator[LiveServer]:
    server = LiveServer(built_settings.store_dir)
    yield server
    server.stop()


# Browser tests: Debian's Chromium driven by Playwright's Python API.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"  # npm, make install
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def violations(page: Page, within: str = "document") -> list[str]:
    """What axe-core finds against WCAG 2.2 A and AA on the page as it is now, in the whole
    document or in the elements that the CSS selector ``within`` picks."""
    page.add_script_tag(path=str(AXE))
    context = "document" if within == "document" else f"{{ include: [{json.dumps(within)}] }}"
    found = page.evaluate(f"(tags) => axe.run({context}, {{ runOnly: tags }})", WCAG)
    return [f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in found["violations"]]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    page = browser.new_page()
    yield page
    page.close()
