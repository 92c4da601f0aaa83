"""Every "open it in the query page" link, followed in a real browser from every page kind that
has one: the editor holds the whole query (the view's .rq file, or the links into an entity),
the query parses, the page's URL still holds it, and nothing runs until the reader asks."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
import pytest
from playwright.sync_api import Page, Request

from belong_graph.linked.describe import links_query
from belong_graph.settings import Settings
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
  return { href: a.href, text: a.textContent.trim(), rq: rq ? rq.href : null };
})"""
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
    """The query a link should open: its view's .rq file, or every link into the page's
    entity."""
    if link["rq"]:
        status, _, body = fetch(link["rq"])
        assert status == 200
        return body.decode("utf-8")
    assert link["text"] == "Query them all"
    return links_query(BASE + link["path"].removeprefix("/"))


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
        ox.Store().query(query)  # parses, as the endpoint's parser reads it
        assert page.evaluate(EDITOR + ".queryValid"), href  # and as the editor reads it
        assert page.locator("#notice").is_hidden()
        assert parse_qs(urlsplit(page.url).query)["query"] == [query]  # the URL can be shared
    assert sent == []  # no query ran on opening
