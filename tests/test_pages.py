"""The pages for people in a real browser: the catalogue's facets narrow the list, keyword and
sort work, charts are drawn with the counts of their tables, and entity pages show their views.
Expected answers come from the seed documents."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from playwright.sync_api import Page, expect

from tests.conftest import LiveServer

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
    page.get_by_label("Keyword").fill("toolkit")
    page.get_by_label("Sort").select_option("title")
    page.get_by_role("button", name="Search").click()
    found = results(page)
    assert found == sorted(found, key=str.lower)
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
