"""The pages for people in a real browser: the catalogue's facets narrow the list, keyword and
sort work, charts are drawn with the counts of their tables, and entity pages show their views.
Expected answers come from the seed documents."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient
from playwright.sync_api import Page, expect

from tests.conftest import LiveServer, filed

pytestmark = [pytest.mark.browser, pytest.mark.integration]

CHART_DATA = """(name) => {
  const canvas = document.querySelector(`figure.chart[data-name="${name}"] canvas`);
  const chart = Chart.getChart(canvas);
  const counts = chart.data.datasets[0].data;
  return Object.fromEntries(chart.data.labels.map((label, i) => [label, counts[i]]));
}"""


def results(page: Page) -> list[str]:
    return page.locator("ol.results > li > a").all_inner_texts()


def test_facets_narrow_the_list_and_stay_in_the_url(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/resources")
    expect(page.locator("#results-heading")).to_have_text("10 resources")
    page.locator('.facet[data-facet="theme"] a', has_text="Social cohesion").click()
    expect(page.locator("#results-heading")).to_have_text("3 resources")
    assert "theme=theme%2Fsocial-cohesion" in page.url
    page.locator('.facet[data-facet="type"] a', has_text="Webinar").click()
    expect(page.locator("#results-heading")).to_have_text("1 resource")
    assert results(page) == ["Everybody’s Business online launch webinar"]
    assert "theme=" in page.url and "type=" in page.url  # the facets combine


def test_keyword_and_sort(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/resources")
    page.get_by_label("Words").fill("toolkit")
    page.get_by_label("Sort").select_option("title")
    page.get_by_role("button", name="Search").click()
    found = results(page)
    assert found == sorted(found, key=filed)
    assert "The Everyday Integration Toolkit" in found


def test_charts_show_the_counts_of_their_tables(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/resources")
    expect(page.locator('figure.chart[data-name="theme"] canvas')).to_be_visible()
    themes = page.evaluate(CHART_DATA, "theme")
    assert themes["Place-based working"] == 4
    assert themes["Social cohesion"] == 3
    assert page.evaluate(CHART_DATA, "year") == {"2022": 10}
    table = page.locator('figure.chart[data-name="type"] table')
    expect(table).to_contain_text("Toolkit")


def test_theme_page_has_its_resources_and_timeline(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/id/theme/social-cohesion")
    expect(page.locator("h1")).to_have_text("Social cohesion")
    expect(page.locator("main")).to_contain_text("Everybody’s Business online launch webinar")
    timeline = page.evaluate(CHART_DATA, "resources-per-year-and-theme")
    assert timeline == {"2022": 3}


def test_organisation_page_links_to_its_initiatives(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/id/organisation/university-of-kent")
    expect(page.locator("h1")).to_have_text("University of Kent")
    page.locator("main a", has_text="Beyond Us and Them").first.click()
    expect(page.locator("h1")).to_have_text("Beyond Us and Them")
    expect(page.locator("main")).to_contain_text("Nuffield Foundation")


def test_pages_work_without_javascript(client: FlaskClient) -> None:
    html = client.get("/resources?theme=theme/social-cohesion&in=2022").get_data(as_text=True)
    assert '<h2 id="results-heading">3 resources</h2>' in html
    assert '<th scope="row">Social cohesion</th><td>3</td>' in html
    assert client.get("/id/organisation/no-such-organisation").status_code == 404
    assert client.get("/id/theme/belonging-and-social-connection").status_code == 200


def test_the_catalogue_and_api_reference_as_json_are_what_they_show(client: FlaskClient) -> None:
    """The catalogue's "as JSON" link is the list it shows, its filters kept (a bare link gave
    the whole library); on the API reference, each view's answers (a bare link was a 400 for a
    view with a required parameter)."""
    html = client.get("/resources?theme=theme/social-cohesion&type=resource-type/webinar")
    link = re.findall(r'<a href="([^"]+)">as JSON</a>', html.get_data(as_text=True))
    answer = client.get(link[0].replace("&amp;", "&")).get_json()
    titles = [item["resource"]["label"] for item in answer["items"]]
    assert titles == ["Everybody’s Business online launch webinar"]
    reference = client.get("/api/", headers=BROWSER).get_data(as_text=True)
    links = re.findall(r'<a href="([^"]+)">as JSON</a>', reference)
    assert len(links) > 20
    for link in links:
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link


BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1"


@pytest.mark.parametrize(
    ("method", "url", "status", "title", "detail"),
    [
        (
            "GET",
            "/reports/2022",
            404,
            "Not Found",
            "There is nothing at /reports/2022 on this server.",
        ),
        (
            "GET",
            "/id/person/nobody-at-all",
            404,
            "Unknown entity",
            "Nothing in the library is called &lt;http://localhost/id/person/nobody-at-all&gt;",
        ),
        (
            "GET",
            f"/sparql?format=csv&query={quote(CONSTRUCT)}",  # a graph cannot be CSV
            406,
            "Not acceptable",
            "None of the accepted formats can carry a graph; offered: text/turtle",
        ),
        (
            "GET",
            "/resources?page=0",
            400,
            "Parameter error",
            "Parameter &#39;page&#39;: &#39;0&#39; is not a page number",
        ),
        ("DELETE", "/resources", 405, "Method Not Allowed", "/resources does not answer DELETE"),
    ],
)
def test_errors_are_pages_of_the_site_for_browsers(
    client: FlaskClient, method: str, url: str, status: int, title: str, detail: str
) -> None:
    response = client.open(url, method=method, headers=BROWSER)
    assert (response.status_code, response.mimetype) == (status, "text/html")
    assert "Accept" in response.vary
    html = response.get_data(as_text=True)
    assert f"<title>{title} · Belong Network Library</title>" in html
    assert f"<h1>{title}</h1>" in html
    assert detail in html
    assert '<nav class="site" aria-label="Site">' in html
    for way_on in ('href="/"', 'href="/resources"', 'action="/resources"', 'href="/sparql"'):
        assert way_on in html


def test_a_browser_on_a_wrong_url_finds_its_way_on(page: Page, live_server: LiveServer) -> None:
    response = page.goto(live_server.url + "/reports/social-cohesion")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("Not Found")
    expect(page.locator("main")).to_contain_text("There is nothing at /reports/social-cohesion")
    expect(page.locator("nav.site")).to_contain_text("Resources")
    page.get_by_label("Search the resources").fill("discrimination")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/resources\?keyword=discrimination$"))
    expect(page.locator("ol.results")).to_contain_text("Discrimination, Prejudice and Cohesion")


def test_search_words_show_as_chips_that_remove_their_filter(
    page: Page, live_server: LiveServer
) -> None:
    """A search for "migrants" finds the two seed resources about migration (a title's "Migrant", a
    publisher's "Migration Yorkshire"); each filter chosen is a chip, and following one removes
    only its filter; when nothing matches, the page says which words (as stemmed) it searched."""
    page.goto(live_server.url + "/resources")
    page.get_by_role("searchbox", name="Words").fill("migrants")
    page.get_by_role("button", name="Search").click()
    assert results(page) == [
        "Supporting Migrant Communities: A resource for practitioners",
        "Building the foundations for social connections in Yorkshire and Humber",
    ]
    page.locator('.facet[data-facet="type"] a', has_text="Toolkit").click()
    expect(page.locator("ol.results > li")).to_have_count(1)
    page.get_by_role("searchbox", name="Words").fill("migrants walsh")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".no-match")).to_contain_text("with all the words migr, walsh")
    page.get_by_role("link", name="Remove Type: Toolkit").click()
    assert results(page) == ["Supporting Migrant Communities: A resource for practitioners"]
    assert "type=" not in page.url and "keyword=migrants+walsh" in page.url
    page.get_by_role("link", name="Remove Words: migrants walsh").click()
    expect(page.locator("#results-heading")).to_have_text("10 resources")
    expect(page.locator("ul.chips")).to_have_count(0)


def test_nothing_matched_shows_no_empty_facets_or_charts(client: FlaskClient) -> None:
    """ "kindness" is in no resource ("Radical Kindness" is an initiative): the page says what
    it searched, without facet headings over empty lists or charts of empty tables."""
    html = client.get("/resources?keyword=kindness").get_data(as_text=True)
    assert '<h2 id="results-heading">0 resources</h2>' in html
    assert "Nothing matched" in html
    for heading in ("Resource Themes", "Resource Type", "Resource Years", "Counts"):
        assert f"<h2>{heading}</h2>" not in html, heading
    assert "<figure" not in html


SAME_LINE = """([label, control]) => {
  const a = document.querySelector(label).getBoundingClientRect();
  const b = document.querySelector(control).getBoundingClientRect();
  return a.top < b.bottom && b.top < a.bottom;
}"""


@pytest.mark.parametrize(
    ("path", "label", "control"),
    [("/resources", 'label[for="sort"]', "#sort"), ("/explore", 'label[for="depth"]', "#depth")],
)
def test_a_label_stays_beside_its_list_on_a_phone(
    page: Page, live_server: LiveServer, path: str, label: str, control: str
) -> None:
    """At 390 px the search row wraps; a list's label wraps with it, not left at a line's end."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + path)
    assert page.evaluate(SAME_LINE, [label, control])


def test_on_a_phone_the_results_come_before_the_filters(
    page: Page, live_server: LiveServer
) -> None:
    """At 390 px the filters start folded, so the first result is on the first screen, and
    "Filter the list" opens them; at 1280 px they are open beside the results."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/resources")
    first_facet = page.locator(".facet a").first
    expect(page.locator("ol.results a").first).to_be_in_viewport()
    expect(first_facet).to_be_hidden()
    page.get_by_text("Filter the list").click()
    expect(first_facet).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server.url + "/resources")
    expect(first_facet).to_be_visible()
    assert page.locator("details.filters").get_attribute("open") is not None


def test_the_counts_heading_is_above_the_charts(page: Page, live_server: LiveServer) -> None:
    """The heading spans the charts' row; it took the first cell of their grid, beside them."""
    page.goto(live_server.url + "/resources?theme=theme%2Fsocial-cohesion")
    heading = page.locator("section.charts > h2").bounding_box()
    first = page.locator("section.charts figure.chart").first.bounding_box()
    assert heading is not None and first is not None
    assert first["y"] >= heading["y"] + heading["height"]
