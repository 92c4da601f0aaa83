"""One design on every page: each page kind (home, catalogue, the entity pages, the query page,
the explorer, the API reference, the ontology, the dataset, error pages) has the same navigation,
with the current page marked, and the same footer, whose facts come from the settings and the
build; nothing scrolls sideways at desktop, phone and 320 px widths; axe-core finds nothing
against WCAG 2.2 A and AA in the frame, nor on the whole page (the query page's YASGUI too); each
page loads only the scripts it uses; errors for browsers are pages of the site with a way on."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Browser, Page, expect

from belong_graph.settings import CONTACT_PLACEHOLDER, Settings
from belong_graph.store import DatasetVersion
from tests.conftest import LiveServer, make_app, violations

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
NAVIGATION = [
    *("Belong Network Library", "Resources", "Partnerships", "SPARQL"),
    *("API", "Ontology", "Dataset"),
]
PAGES = {  # a page of each kind, and the navigation's link marked as the current page
    "home": ("/", "Belong Network Library"),
    "catalogue": ("/resources", "Resources"),
    "resource": ("/id/resource/discrimination-prejudice-and-cohesion", None),
    "organisation": ("/id/organisation/university-of-kent", None),
    "person": ("/id/person/dominic-abrams", None),
    "initiative": ("/id/project/beyond-us-and-them", None),
    "theme": ("/id/theme/social-cohesion", None),
    "query page": ("/sparql", "SPARQL"),
    "explorer": ("/explore", "Partnerships"),
    "API reference": ("/api/", "API"),
    "ontology": ("/ontology", "Ontology"),
    "dataset": ("/dataset", "Dataset"),
    "data model": ("/model", None),
    "not found": ("/reports/2022", None),
    "bad parameter": ("/resources?theme=migration", None),
}
DESKTOP, PHONE, NARROWEST = (1280, 900), (390, 844), (320, 640)
AT_320 = (
    *("home", "resource", "query page", "explorer", "API reference", "dataset", "bad parameter"),
    "data model",
)
CHARTS = "vendor/chartjs/chart.umd.min.js"
YASGUI = "vendor/yasgui/yasgui.min.js"
CYTOSCAPE = "vendor/cytoscape/cytoscape.min.js"

pytestmark = [pytest.mark.browser, pytest.mark.integration]

SIZED = [
    pytest.param(kind, size, id=f"{kind}-{size[0]}")
    for kind in PAGES
    for size in (DESKTOP, PHONE, *((NARROWEST,) if kind in AT_320 else ()))
]


def open_page(page: Page, server: LiveServer, kind: str) -> None:
    """The page of ``kind``, once its scripts have drawn what they draw."""
    page.goto(server.url + PAGES[kind][0])
    if kind == "explorer":
        expect(page.locator("#network")).to_have_attribute("data-state", "ready", timeout=30_000)
    if kind == "query page":
        expect(page.locator(".yasqe .CodeMirror")).to_be_visible()
    if kind == "data model":
        expect(page.locator("#model-diagram svg")).to_be_visible(timeout=30_000)


@pytest.fixture(scope="module")
def version(build_folder: Path) -> str:
    """The digest of the build that the live server serves."""
    return DatasetVersion.read(build_folder).digest


@pytest.mark.parametrize(("kind", "size"), SIZED)
def test_every_page_has_the_frame_and_fits_the_window(
    browser: Browser, live_server: LiveServer, version: str, kind: str, size: tuple[int, int]
) -> None:
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    try:
        open_page(page, live_server, kind)
        wide = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
        assert wide[0] <= wide[1], f"{kind} at {size[0]} px scrolls sideways: {wide}"
        links = page.locator("nav.site a")
        assert links.all_inner_texts() == NAVIGATION
        for link in links.all():
            assert link.is_visible()  # wrapped, never clipped
            box = link.bounding_box()
            assert box is not None and box["x"] + box["width"] <= size[0]
        current = page.locator('nav.site a[aria-current="page"]').all_inner_texts()
        assert current == ([PAGES[kind][1]] if PAGES[kind][1] else [])
        footer = page.locator("footer.site-footer")
        expect(footer).to_contain_text(Settings().licence_name)
        expect(footer).to_contain_text(f"Dataset version {version}")
        expect(footer).to_contain_text(CONTACT_PLACEHOLDER)
        sources = footer.get_by_role("link", name="the documents the graph is derived from")
        expect(sources).to_be_visible()
        assert violations(page, "header.site-header, footer.site-footer, a.skip") == []
        assert violations(page) == []
    finally:
        page.close()


def test_the_focus_is_visible(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/dataset")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to the content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Tab")
    home = page.locator("nav.site a").first
    expect(home).to_be_focused()
    assert home.evaluate("(a) => getComputedStyle(a).backgroundColor") == "rgb(255, 221, 0)"


def test_a_bad_parameter_on_a_page_is_a_page_with_the_way_back(
    page: Page, live_server: LiveServer
) -> None:
    response = page.goto(live_server.url + "/resources?theme=migration&in=2022")
    assert response is not None and response.status == 400
    assert response.headers["content-type"].startswith("text/html")
    expect(page.locator("main")).to_contain_text("Something in the address is not what this")
    expect(page.locator("main")).to_contain_text("Parameter 'theme'")
    page.get_by_role("link", name="Open the page without theme=migration").click()
    expect(page).to_have_url(re.compile(r"/resources\?in=2022$"))
    expect(page.locator("h1")).to_have_text("Resources")


@pytest.fixture(scope="module")
def operated_app(built_settings: Settings) -> Iterator[Flask]:
    operated = dataclasses.replace(
        built_settings,
        publisher_name="Belong - The Cohesion and Integration Network",
        publisher_url="https://www.belongnetwork.co.uk/",
        contact_email="library@belong.example",
        licence="https://creativecommons.org/publicdomain/zero/1.0/",
        licence_name="CC0 1.0",
    )
    yield from make_app(operated)


@pytest.mark.parametrize("path", [path for path, _ in PAGES.values()])
def test_the_footer_says_what_the_operator_set(operated_app: Flask, path: str) -> None:
    html = operated_app.test_client().get(path, headers=BROWSER).get_data(as_text=True)
    footer = html[html.index('<footer class="site-footer">') :]
    assert (
        '<a rel="license" href="https://creativecommons.org/publicdomain/zero/1.0/">CC0 1.0</a>'
    ) in footer
    publisher = "Belong - The Cohesion and Integration Network"
    assert f'<a href="https://www.belongnetwork.co.uk/">{publisher}</a>' in footer
    assert '<a href="mailto:library@belong.example">library@belong.example</a>' in footer
    assert CONTACT_PLACEHOLDER not in html


def test_the_footer_names_no_publisher_address_that_is_unset(client: FlaskClient) -> None:
    html = client.get("/api/").get_data(as_text=True)
    footer = html[html.index('<footer class="site-footer">') :]
    assert "Published by belong-graph;" in footer  # the default publisher, without a link
    assert f'<a href="mailto:{CONTACT_PLACEHOLDER}">' in footer
    assert '<tr id="sources"><th scope="row">Derived from</th>' in client.get("/dataset").get_data(
        as_text=True
    )


def test_the_favicon_is_an_svg_linked_from_every_page(client: FlaskClient) -> None:
    with client.get("/static/favicon.svg") as icon:
        assert (icon.status_code, icon.mimetype) == (200, "image/svg+xml")
        assert icon.data.startswith(b"<svg")
    for path, _ in PAGES.values():
        html = client.get(path, headers=BROWSER).get_data(as_text=True)
        assert '<link rel="icon" type="image/svg+xml" href="/static/favicon.svg">' in html, path


@pytest.mark.parametrize(
    ("kind", "scripts"),
    [
        ("home", []),
        ("catalogue", [CHARTS]),
        ("resource", []),
        ("organisation", []),
        ("theme", [CHARTS]),  # its timeline
        ("query page", [YASGUI]),
        ("explorer", [CYTOSCAPE]),
        ("API reference", []),
        ("ontology", []),
        ("dataset", []),
        ("not found", []),
    ],
)
def test_each_page_loads_only_the_libraries_it_uses(
    client: FlaskClient, kind: str, scripts: list[str]
) -> None:
    html = client.get(PAGES[kind][0], headers=BROWSER).get_data(as_text=True)
    loaded = re.findall(r'<script src="/static/(vendor/[^"]+\.min\.js)"', html)
    assert loaded == scripts
    assert html.count('rel="stylesheet"') == (2 if kind == "query page" else 1)


def test_errors_keep_their_shape_for_other_clients(client: FlaskClient) -> None:
    url = "/resources?theme=migration"
    page = client.get(url, headers=BROWSER)
    assert (page.status_code, page.mimetype) == (400, "text/html")
    html = page.get_data(as_text=True)
    assert '<a href="/resources">Open the page without <code>theme=migration</code></a>' in html
    assert '<footer class="site-footer">' in html
    problem = client.get(url, headers={"Accept": "application/json"})
    assert (problem.status_code, problem.mimetype) == (400, "application/problem+json")
    assert problem.json is not None and problem.json["parameter"] == "theme"
    plain = client.get(url)
    assert (plain.status_code, plain.mimetype) == (400, "text/plain")
    assert plain.get_data(as_text=True).startswith("Parameter 'theme'")
