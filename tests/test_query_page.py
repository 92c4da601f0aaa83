"""The query page in a real browser: Debian's Chromium driven by Playwright."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from playwright.sync_api import Browser, Page, Response, expect

from tests.conftest import BASE, LiveServer, fetch, violations
from tests.test_query_links import queries_sent

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def test_type_a_query_run_it_and_see_the_rows(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    page.goto(live_server.url + "/sparql")
    editor = page.locator(".yasqe .CodeMirror")
    expect(editor).to_be_visible()
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(
        "PREFIX schema: <http://schema.org/>\n"
        "SELECT ?funder WHERE { ?p schema:funder/schema:name ?funder }"
    )
    page.locator(".yasqe_queryButton").click()
    table = page.locator(".yasr table.dataTable")
    expect(table).to_contain_text("Nuffield Foundation")
    expect(table).to_contain_text("Spirit of 2012")
    assert "query=" in page.url  # the query is in a URL that can be shared
    page.screenshot(path=str(tmp_path / "query-page.png"))


def run(page: Page) -> None:
    """Press the editor's Run button."""
    page.locator(".yasqe_queryButton").click()


def test_examples_are_the_canned_queries(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/sparql")
    sent = queries_sent(page, live_server)
    page.get_by_role("button", name="Funders and what they funded").click()
    expect(page.locator("#notice")).to_contain_text("Press Run")
    assert sent == []  # loaded, not run
    run(page)
    expect(page.locator(".yasr table.dataTable")).to_contain_text("Radical Kindness")
    assert len(sent) == 1


def test_an_example_with_parameters_holds_their_documented_examples(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server.url + "/sparql")
    sent = queries_sent(page, live_server)
    page.get_by_role("button", name="How two organisations are connected").click()
    query = page.evaluate("() => window.belongYasgui.getTab().getQuery()")
    assert f"VALUES ?organisation {{ <{BASE}id/organisation/university-of-kent> }}" in query
    assert f"VALUES ?other {{ <{BASE}id/organisation/nuffield-foundation> }}" in query
    assert "# @values" not in query  # bound at every place, as the views API binds them
    expect(page.locator("#notice")).to_contain_text(
        "organisation = organisation/university-of-kent, other = organisation/nuffield-foundation"
    )
    page.wait_for_url(lambda url: parse_qs(urlsplit(url).query).get("query") == [query])
    assert sent == []
    run(page)
    rows = page.locator(".yasr table.dataTable tbody tr")
    expect(rows.first).to_contain_text("Beyond Us and Them")
    api = live_server.url + "/api/views/connection?organisation=organisation/university-of-kent"
    status, _, body = fetch(api + "&other=organisation/nuffield-foundation")
    assert status == 200
    assert rows.count() == len(json.loads(body)["items"])  # the answer the views API gives


def test_a_parse_error_names_the_line_in_plain_words(page: Page, live_server: LiveServer) -> None:
    bad = "PREFIX schema: <http://schema.org/>\nSELECT ?name WHERE {\n  ?s schema:name ?name\n}\n"
    bad += "LIMT 3"
    page.goto(live_server.url + "/sparql?query=" + quote(bad))
    run(page)
    notice = page.locator("#notice")
    expect(notice).to_contain_text("The query does not parse at line 5, column 7")
    expect(notice.locator("pre")).to_have_text("  LIMT 3\n" + " " * 8 + "^")  # a caret under it
    text = notice.inner_text()
    assert "expected one of" not in text and "..=" not in text and "u{" not in text


def test_a_shared_url_opens_with_its_query(page: Page, live_server: LiveServer) -> None:
    query = "SELECT ?name WHERE { ?s <http://schema.org/name> ?name } ORDER BY ?name LIMIT 3"
    page.goto(live_server.url + "/sparql?query=" + quote(query))
    share = page.evaluate(
        "() => window.belongYasgui.getTab().getYasqe().config.createShareableLink()"
    )
    assert parse_qs(urlsplit(share).query)["query"] == [query]  # the editor's share link: this page
    run(page)  # it opens in the editor, and runs when asked
    expect(page.locator(".yasr table.dataTable")).to_contain_text("Aidan Mascarenhas-Keyes")


def test_iris_in_results_are_links(page: Page, live_server: LiveServer) -> None:
    page.goto(
        live_server.url
        + "/sparql?query="
        + quote("SELECT ?org WHERE { ?org <http://schema.org/name> 'Nuffield Foundation'@en }")
    )
    run(page)
    link = page.locator(".yasr table.dataTable a", has_text="nuffield-foundation").first
    expect(link).to_have_attribute(
        "href", "https://data.belongnetwork.co.uk/id/organisation/nuffield-foundation"
    )


def test_stopped_and_cut_answers_are_explained(browser: Browser, capped_server: LiveServer) -> None:
    page = browser.new_page()
    try:
        page.goto(capped_server.url + "/sparql?query=" + quote("SELECT * WHERE { ?s ?p ?o }"))
        run(page)
        expect(page.locator("#notice")).to_contain_text("Only the first 5 rows are shown")
        cartesian = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
        page.goto(capped_server.url + "/sparql?query=" + quote(cartesian))
        run(page)
        expect(page.locator("#notice")).to_contain_text("exceeded the 2 s limit", timeout=15000)
    finally:
        page.close()


def test_download_links_carry_the_query(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/sparql")
    with page.expect_download() as download:
        page.locator("#downloads a[data-format='csv']").click()
    path = download.value.path()
    assert path is not None
    assert Path(path).read_text().splitlines()[0]  # a CSV header row
    assert "format=csv" in download.value.url


def requests_seen(page: Page) -> list[str]:
    """Start recording the URL of every request the page makes."""
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


def choose(page: Page, option: str) -> None:
    """Wait for the editor to offer ``option`` and take it with Enter, as a reader would."""
    expect(page.get_by_role("option", name=option, exact=True)).to_be_visible()
    page.keyboard.press("Enter")


def type_then_choose(page: Page, typed: str, option: str) -> None:
    """Type ``typed``, wait for the server's suggestions for its last word, then ``choose``.

    Every key asks again; waiting for the answer to the last one keeps Enter from landing while
    the list is being replaced.
    """
    word = re.split(r"[:<]", typed.split()[-1])[-1]

    def answers_the_last_word(response: Response) -> bool:
        asked = parse_qs(urlsplit(response.url).query).get("q", [""])[0]
        return "/sparql/completions?" in response.url and asked.endswith(word)

    with page.expect_response(answers_the_last_word):
        page.keyboard.type(typed)
    choose(page, option)


def test_the_editor_suggests_our_classes_and_entities_and_asks_no_one_else(
    page: Page, live_server: LiveServer
) -> None:
    seen = requests_seen(page)
    page.goto(live_server.url + "/sparql")
    page.get_by_role("textbox", name="SPARQL query").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type("PREFIX sk")
    choose(page, "skos: <http://www.w3.org/2004/02/skos/core#>")
    type_then_choose(
        page, "\nSELECT ?project WHERE { ?project a bel:Ini", "bel:Initiative · Initiative"
    )
    type_then_choose(
        page, " ; ?role <kent", f"<{BASE}id/organisation/university-of-kent> · University of Kent"
    )
    type_then_choose(page, " ; bel:theme ?theme . ?theme a skos:Conc", "skos:Concept")
    page.keyboard.type(" }")
    query = page.evaluate("() => window.belongYasgui.getTab().getQuery()")
    assert "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n" in query
    assert "PREFIX bel: <https://data.belongnetwork.co.uk/ontology#>\n" in query  # added
    assert query.endswith(
        f"?project a bel:Initiative ; ?role <{BASE}id/organisation/university-of-kent> ;"
        " bel:theme ?theme . ?theme a skos:Concept }"
    )
    assert fetch(live_server.url + "/sparql?query=" + quote(query, safe=""))[0] == 200  # parses
    asked = [url for url in seen if "/sparql/completions?" in url]
    assert any("kind=class" in url for url in asked) and any("kind=entity" in url for url in asked)
    assert [url for url in seen if not url.startswith(live_server.url + "/")] == []


WIDE = "SELECT * WHERE { ?s ?p ?o . ?o ?p2 ?o2 . ?o2 ?p3 ?o3 } LIMIT 50"


@pytest.mark.parametrize("width", [390, 320])
def test_a_wide_answer_scrolls_in_its_own_box(
    browser: Browser, live_server: LiveServer, width: int
) -> None:
    page = browser.new_page(viewport={"width": width, "height": 800})
    try:
        page.goto(live_server.url + "/sparql?query=" + quote(WIDE, safe=""))
        run(page)
        table = page.locator(".yasr table.dataTable")
        expect(table.locator("tbody tr")).to_have_count(50)
        page_width = page.evaluate("() => document.scrollingElement.scrollWidth")
        assert page_width <= width  # the page never scrolls sideways
        box = page.locator(".yasr_results")
        assert box.evaluate("(box) => box.scrollWidth > box.clientWidth")  # the table does
        assert box.evaluate("(box) => getComputedStyle(box).overflowX") == "auto"
        assert violations(page) == []
    finally:
        page.close()


@pytest.fixture(scope="module")
def capped_server(built_settings) -> Iterator[LiveServer]:  # type: ignore[no-untyped-def]
    server = LiveServer(built_settings.store_dir, result_limit="5", query_timeout="2")
    yield server
    server.stop()


def test_on_a_phone_the_editor_comes_before_the_examples(
    browser: Browser, live_server: LiveServer
) -> None:
    """The twenty-odd examples start folded on a phone, so that a query opened from a link is in
    sight (it sat 1,600 px down); "Examples" opens them; on a desk they stay open."""
    query = "SELECT ?s WHERE { ?s a ?class } LIMIT 3"
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        phone.goto(live_server.url + "/sparql?query=" + quote(query, safe=""))
        editor = phone.locator(".yasqe .CodeMirror")
        expect(editor).to_be_visible()
        assert editor.bounding_box()["y"] < 844  # in the first screen
        expect(phone.get_by_role("button", name="Funders and what they funded")).to_be_hidden()
        phone.locator("details.examples > summary").click()
        expect(phone.get_by_role("button", name="Funders and what they funded")).to_be_visible()
        assert violations(phone) == []
    finally:
        phone.close()
    desk = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        desk.goto(live_server.url + "/sparql")
        expect(desk.get_by_role("button", name="Funders and what they funded")).to_be_visible()
    finally:
        desk.close()
