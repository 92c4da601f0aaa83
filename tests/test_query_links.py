"""Every "open it in the query page" link, followed in a real browser from every page kind that
has one: the editor holds the whole query (the view's .rq file with the page's values bound, or
the links into an entity), the query parses and finds what the page shows, the page's URL still
holds it, and nothing runs until the reader asks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

import pyoxigraph as ox
import pytest
from playwright.sync_api import Page, Request

from belong_graph.catalogue import load_catalogue
from belong_graph.linked.describe import links_query
from belong_graph.settings import Settings
from belong_graph.sparql.bind import bind
from tests.conftest import BASE, LiveServer, fetch

pytestmark = [pytest.mark.browser, pytest.mark.integration]

# Every page kind with query links; Belong has more links than the bound of 10 a page, so its
# page offers "Query them all" as well.
PAGES = {
    "home": "/",
    "API reference": "/api/",
    "catalogue": "/resources",
    "resource": "/id/resource/everyday-integration-toolkit",
    "organisation": "/id/organisation/belong",
    "person": "/id/person/dominic-abrams",
    "initiative": "/id/project/beyond-us-and-them",
    "theme": "/id/theme/social-cohesion",
}
QUERY_LINKS = """() => [...document.querySelectorAll('a[href*="/sparql?"]')].map((a) => {
  const rq = a.closest("p.sparql")?.querySelector('a[href$=".rq"]');
  const answer = a.closest("p.sparql")?.querySelector("a:last-child");
  return { href: a.href, text: a.textContent.trim(), rq: rq ? rq.href : null,
           answer: answer ? answer.href : null };
})"""
VIEWS = {view.name: view for view in load_catalogue(Settings.load().queries_dir)}
EDITOR = "() => window.belongYasgui.getTab().getYasqe()"


@pytest.fixture(scope="module")
def bounded_server(built_settings: Settings) -> Iterator[LiveServer]:
    server = LiveServer(built_settings.store_dir, description_links="10")
    yield server
    server.stop()


def queries_sent(page: Page, server: LiveServer) -> list[str]:
    """Start recording the requests the page sends to the endpoint by script."""
    sent: list[str] = []

    def record(request: Request) -> None:
        to_endpoint = request.url.startswith(server.url + "/sparql")
        if to_endpoint and request.resource_type in ("xhr", "fetch"):
            sent.append(request.url)

    page.on("request", record)
    return sent


def expected_query(link: dict[str, str]) -> str:
    """The query a link should open: its view's .rq file with the values of the answer the page
    links "as JSON" bound, or every link into the page's entity."""
    if link["rq"]:
        status, _, body = fetch(link["rq"])
        assert status == 200
        view = VIEWS[link["rq"].rsplit("/", 1)[1].removesuffix(".rq")]
        assert body.decode("utf-8") == view.sparql
        values = {k: v for k, v in parse_qsl(urlsplit(link["answer"]).query) if k != "page"}
        return bind(view.sparql, view.bind(values, BASE))
    assert link["text"] == "Query them all"
    return links_query(BASE + link["path"].removeprefix("/"))


def finds_what_the_page_shows(server: LiveServer, query: str, link: dict[str, str]) -> None:
    """Every IRI of the first rows the page shows (its answer "as JSON") is in the answer of
    ``query`` on the endpoint."""
    status, _, body = fetch(link["answer"])
    assert status == 200, link["answer"]
    shown = {
        value["id"]
        for item in json.loads(body)["items"][:3]
        for value in item.values()
        if isinstance(value, dict) and "id" in value
    }
    address = server.url + "/sparql?" + urlencode({"query": query})
    status, _, body = fetch(address, {"Accept": "application/sparql-results+json"})
    assert status == 200, link["href"]
    rows = json.loads(body)["results"]["bindings"]
    found = {term["value"] for row in rows for term in row.values() if term["type"] == "uri"}
    assert shown <= found, link["href"]


def test_every_query_link_opens_the_whole_query_without_running_it(
    page: Page, bounded_server: LiveServer
) -> None:
    links: dict[str, dict[str, str]] = {}
    kinds_with_links = set()
    for kind, path in PAGES.items():
        page.goto(bounded_server.url + path)
        found = page.evaluate(QUERY_LINKS)
        kinds_with_links |= {kind} if found else set()
        links.update({link["href"]: {**link, "path": path} for link in found})
    assert kinds_with_links >= set(PAGES) - {"home"}  # the home page lists no queries today
    views = {link["rq"].rsplit("/", 1)[1] for link in links.values() if link["rq"]}
    assert len(views) == len(list(Settings.load().queries_dir.glob("*.rq")))
    assert any(link["text"] == "Query them all" for link in links.values())

    sent = queries_sent(page, bounded_server)
    for href, link in links.items():
        assert ";" not in urlsplit(href).query  # encoded, as every reserved character
        query = expected_query(link)
        page.goto(href)
        page.wait_for_load_state("networkidle")
        assert page.evaluate(EDITOR + ".getValue()") == query, href
        if link["rq"]:
            finds_what_the_page_shows(bounded_server, query, link)
        ox.Store().query(query)  # parses, as the endpoint's parser reads it
        assert page.evaluate(EDITOR + ".queryValid"), href  # and as the editor reads it
        assert page.locator("#notice").is_hidden()
        assert parse_qs(urlsplit(page.url).query)["query"] == [query]  # the URL can be shared
    assert sent == []  # no query ran on opening
