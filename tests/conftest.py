"""Shared fixtures: settings on a temporary store folder, the real library in memory, the Flask
app and client, and a real server started on a free loopback port.

``pytest --engine oxigraph|virtuoso`` loads the session's build into that engine
(``session_engine``), and every app (``make_app``) or server (``LiveServer``) on the session's
build reads it unless it names an engine of its own; apps and servers on other store folders stay
embedded. The tests that cannot hold on an engine are skipped, and those where the engine answers
otherwise are strict xfails, by ``ON_ENGINE``."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import signal
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
from tests.engines import ENGINES, free_port, serving

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


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--engine",
        choices=("embedded", *ENGINES),
        default="embedded",
        help="serve the session's build from this SPARQL engine (default: the embedded store)",
    )


CITATION = (
    "Virtuoso does not join the citation query's VALUES block with the UNION nested after it: "
    "the record reads every resource's title, abstract and types"
)
WORDS = "a syntax error is told in Virtuoso's own words (SP030), not Oxigraph's line and column"
# Under an engine ("any" for both), by test id (a parametrised test's name alone is all of its
# cases, a file all of its tests): a test that cannot hold there by design is skipped, one the
# engine answers otherwise is a strict xfail, each with why.
ON_ENGINE: dict[tuple[str, str], pytest.MarkDecorator] = {
    **{
        ("any", module): pytest.mark.skip(
            reason="compares its own engine with the embedded store on the session's build, "
            "which an engine run reads from its engine"
        )
        for module in ("test_remote.py", "test_remote_virtuoso.py")
    },
    **{
        ("virtuoso", test): pytest.mark.xfail(reason=CITATION, strict=True)
        for test in (
            "test_citations.py::test_csl_json_of_a_report_holds_its_printed_credits",
            "test_citations.py::test_bibtex_parses_with_bibtexparser",
            "test_citations.py::test_ris_parses_with_rispy",
            "test_citations.py::test_apa_citations_read_as_the_seeds_print_them",
            "test_citations.py::test_harvard_and_chicago_and_a_locale",
            "test_citations.py::test_highwire_tags_give_names_as_reference_managers_read_them",
            "test_citations.py::test_a_resource_page_has_a_citation_box",
            "test_citations.py::test_a_resource_with_no_author_gives_its_title_once",
            "test_citations.py::test_chicago_gives_given_names_whole_as_the_style_asks",
            "test_linked_data.py::test_resource_page_has_citation_and_dublin_core_tags",
            "test_task_cite.py::test_find_guidance_on_migration_and_cite_it_in_apa",
        )
    },
    ("virtuoso", "test_endpoint.py::test_syntax_error_shows_where"): pytest.mark.xfail(
        reason=WORDS, strict=True
    ),
    ("virtuoso", "test_query_page.py::test_a_parse_error_names_the_line_in_plain_words"): (
        pytest.mark.xfail(reason=WORDS, strict=True)
    ),
    ("virtuoso", "test_endpoint.py::test_syntax_errors_are_in_plain_words"): pytest.mark.xfail(
        reason=f"{WORDS}; and Virtuoso runs a SELECT of a variable its GROUP BY does not group "
        "(SPARQL 1.1 §11.4 refuses it)",
        strict=True,
    ),
    ("virtuoso", "test_endpoint.py::test_a_default_graph_alone_has_no_named_graphs"): (
        pytest.mark.xfail(
            reason="with default-graph-uri and no named-graph-uri, Virtuoso still queries every "
            "named graph (the Protocol, §2.1.4, leaves none)",
            strict=True,
        )
    ),
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    engine = config.getoption("--engine")
    if engine == "embedded":
        return
    for item in items:
        test = item.nodeid.removeprefix("tests/")
        for key in (test, test.split("[", 1)[0], test.split("::", 1)[0]):
            mark = ON_ENGINE.get((engine, key)) or ON_ENGINE.get(("any", key))
            if mark:
                item.add_marker(mark)
                break


READING: dict[Path, dict[str, str]] = {}  # a store folder: the settings of the engine serving it


@pytest.fixture(scope="session", autouse=True)
def session_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The engine ``--engine`` names, loaded with the session's build and running until the
    session ends, with every app and server on that build reading it."""
    engine = request.config.getoption("--engine")
    if engine == "embedded":
        yield engine
        return
    store_dir = request.getfixturevalue("built_settings").store_dir
    build = request.getfixturevalue("build_folder")
    with serving(engine, build, tmp_path_factory.mktemp(engine)) as settings:
        READING[store_dir] = settings
        yield engine
        del READING[store_dir]


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
    """The app on ``settings``, reading the session's engine where they serve its build."""
    engine = {} if settings.store_url else READING.get(settings.store_dir, {})
    app = create_app(dataclasses.replace(settings, **engine))
    yield app
    app.extensions["belong_graph"].close()


@pytest.fixture(scope="session")
def app(built_settings: Settings) -> Iterator[Flask]:
    yield from make_app(built_settings)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def filed(title: str) -> str:
    """A title as library catalogues file it: letter case aside, a leading article passed over."""
    return re.sub(r"^(the|an?)\s+", "", title.lower())


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


def terminate(process: subprocess.Popen[bytes]) -> None:
    """Stop ``process`` by its pid: SIGTERM, then SIGKILL if it has not ended in 10 s."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()


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
        if "store_url" not in settings:  # the session's engine, where it serves store_dir
            settings = {**READING.get(store_dir, {}), **settings}
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
        terminate(self.process)
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
