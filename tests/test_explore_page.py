"""The partnership explorer in a real browser, on the real library: the network is drawn with the
seed documents' partners, search focuses a node, the lookup offers names as one types, two
organisations' paths are highlighted and explained, neighbours expand, the drawing exports as
PNG and SVG, and axe-core finds nothing against WCAG 2.2 A and AA, with a lookup's list open."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.conftest import LiveServer, violations

pytestmark = [pytest.mark.browser, pytest.mark.integration]

ID = "https://data.belongnetwork.co.uk/id/"
KENT = ID + "organisation/university-of-kent"
DLUHC = ID + "organisation/dluhc"
BEYOND = ID + "project/beyond-us-and-them"
NUFFIELD = ID + "organisation/nuffield-foundation"
NAMES = "() => window.belongExplorer.cy.nodes().map((n) => n.data('name'))"
IDS = "() => window.belongExplorer.cy.nodes().map((n) => n.id())"
ON_PATH = "(group) => window.belongExplorer.cy.$(group + '.on-path').map((e) => e.id())"


def open_explorer(page: Page, server: LiveServer, query: str = "") -> None:
    page.goto(server.url + "/explore" + query)
    expect(page.locator("#network")).to_have_attribute("data-state", "ready", timeout=30_000)


def test_the_network_is_drawn_with_the_seed_partners(page: Page, live_server: LiveServer) -> None:
    open_explorer(page, live_server)
    names = set(page.evaluate(NAMES))
    assert {
        "Belong - The Cohesion and Integration Network",
        "University of Kent",
        "Nuffield Foundation",
        "Spirit of 2012",
        "Ministry of Housing, Communities and Local Government",
        "Beyond Us and Them",
    } <= names
    shown = page.evaluate("() => window.belongExplorer.cy.edges().length")
    assert shown == page.locator("#relationships tbody tr").count()  # the table has them all
    picture = Image.open(io.BytesIO(page.locator("#network").screenshot())).convert("RGB")
    colours = picture.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50  # nodes, edges and labels, not a blank box
    background = max(colours)[1]
    drawn = sum(count for count, colour in colours if colour != background)
    assert drawn > 0.02 * picture.width * picture.height


def test_search_focuses_a_node(page: Page, live_server: LiveServer) -> None:
    open_explorer(page, live_server)
    page.get_by_label("Find an organisation, project, person or resource").fill("nuffield")
    page.get_by_role("button", name="Find").click()
    expect(page.locator("#details-heading")).to_have_text("Nuffield Foundation")
    assert page.evaluate("() => window.belongExplorer.focused") == NUFFIELD
    selected = page.evaluate("() => window.belongExplorer.cy.$('node:selected').map((n) => n.id())")
    assert selected == [NUFFIELD]
    details = page.locator("#details")
    expect(details).to_contain_text("Nuffield Foundation funded Beyond Us and Them.")
    expect(details.get_by_role("link", name="Open its page")).to_have_attribute(
        "href", live_server.url + "/id/organisation/nuffield-foundation"
    )


def test_the_lookup_offers_names_as_one_types(page: Page, live_server: LiveServer) -> None:
    """Part of a name brings the names that match from the server; choosing one, by mouse or by
    keyboard, focuses the network on it, and draws it first when it was not drawn."""
    open_explorer(page, live_server, "?focus=organisation/nuffield-foundation")
    assert set(page.evaluate(IDS)) == {NUFFIELD, BEYOND}
    field = page.get_by_role("combobox", name="Find an organisation, project, person or resource")
    field.fill("")
    with page.expect_response(lambda answer: "/api/network/names?text=beyond" in answer.url):
        field.press_sequentially("beyond")
    listbox = page.get_by_role("listbox", name="Names that match")
    expect(listbox.get_by_role("option").first).to_have_text("Beyond Us and Them (initiative)")
    expect(field).to_have_attribute("aria-expanded", "true")
    listbox.get_by_role("option").first.click()
    expect(page.locator("#details-heading")).to_have_text("Beyond Us and Them")
    assert page.evaluate("() => window.belongExplorer.focused") == BEYOND
    expect(field).to_have_value("Beyond Us and Them")
    expect(field).to_have_attribute("aria-expanded", "false")
    field.fill("")
    field.press_sequentially("KENT")  # held further on in the name, in any case
    expect(page.get_by_role("option", name="University of Kent (organisation)")).to_be_visible()
    field.press("ArrowDown")
    expect(field).to_have_attribute("aria-activedescendant", "focus-option-0")
    expect(page.locator("#focus-option-0")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#focus-option-0")).to_have_text("University of Kent (organisation)")
    field.press("Enter")
    expect(page.locator("#details-heading")).to_have_text("University of Kent")
    assert page.evaluate("() => window.belongExplorer.focused") == KENT
    assert KENT in page.evaluate(IDS)  # its neighbourhood was fetched and drawn
    field.fill("U")
    expect(listbox).to_be_hidden()


def test_the_explorer_passes_axe_with_its_lookup_open(page: Page, live_server: LiveServer) -> None:
    open_explorer(page, live_server)
    assert violations(page) == []
    field = page.get_by_role("combobox", name="From", exact=True)
    field.press_sequentially("univ")
    listbox = page.get_by_role("listbox", name="Organisations that match, from")
    expect(listbox.get_by_role("option").first).to_be_visible()
    field.press("ArrowDown")
    expect(listbox.get_by_role("option").first).to_have_attribute("aria-selected", "true")
    assert violations(page) == []


def test_paths_between_two_organisations_are_highlighted_and_explained(
    page: Page, live_server: LiveServer
) -> None:
    open_explorer(page, live_server)
    start = page.get_by_role("combobox", name="From", exact=True)
    start.press_sequentially("univ")
    page.get_by_role("option", name="University of Kent (organisation)").click()
    goal = page.get_by_role("combobox", name="to", exact=True)
    goal.press_sequentially("housing")  # held further on in the name
    choices = page.get_by_role("listbox", name="Organisations that match, to").get_by_role("option")
    expect(choices.first).to_be_visible()
    assert {"organisation", "unit", "funder"} >= {
        text.rsplit("(", 1)[1].rstrip(")") for text in choices.all_inner_texts()
    }  # only organisations are offered
    page.get_by_role(
        "option", name="Ministry of Housing, Communities and Local Government (funder)"
    ).click()
    page.get_by_role("button", name="Show the paths").click()
    explanation = page.locator("#path-explanation")
    expect(explanation).to_contain_text(
        "University of Kent was a research partner in Beyond Us and Them, whose findings were "
        "shared with Ministry of Housing, Communities and Local Government."
    )
    expect(explanation.locator("ol.path-steps li")).to_have_count(2)
    assert set(page.evaluate(ON_PATH, "node")) == {KENT, BEYOND, DLUHC}
    assert len(page.evaluate(ON_PATH, "edge")) == 2
    assert f"from={quote(KENT, safe='')}" in page.url  # the highlighted paths can be shared
    assert f"to={quote(DLUHC, safe='')}" in page.url


def test_neighbours_expand_from_a_focused_entity(page: Page, live_server: LiveServer) -> None:
    open_explorer(page, live_server, "?focus=organisation/nuffield-foundation")
    assert set(page.evaluate("() => window.belongExplorer.cy.nodes().map((n) => n.id())")) == {
        NUFFIELD,
        BEYOND,
    }
    page.evaluate(f"() => window.belongExplorer.focus('{BEYOND}')")
    page.get_by_role("button", name="Show its neighbours").click()
    page.wait_for_function("() => window.belongExplorer.cy.nodes().length > 2")
    expect(page.locator("#details-heading")).to_have_text("Beyond Us and Them")
    names = set(page.evaluate(NAMES))
    assert {"University of Kent", "Spirit of 2012", "Radical Kindness"} <= names


def test_the_drawing_exports_as_png_and_svg(page: Page, live_server: LiveServer) -> None:
    open_explorer(page, live_server, "?focus=project/beyond-us-and-them")
    with page.expect_download() as png:
        page.get_by_role("button", name="Download PNG").click()
    with open(png.value.path(), "rb") as file:
        picture = Image.open(io.BytesIO(file.read()))
    assert picture.format == "PNG" and picture.width > 100
    with page.expect_download() as svg:
        page.get_by_role("button", name="Download SVG").click()
    with open(svg.value.path(), encoding="utf-8") as file:
        drawing = file.read()
    assert drawing.startswith("<svg")
    assert "<title>Nuffield Foundation funded Beyond Us and Them.</title>" in drawing
    assert drawing.count("<circle") == page.evaluate(
        "() => window.belongExplorer.cy.nodes().length"
    )
