"""The partnership explorer in a real browser, on the real library: the network is drawn with the
seed documents' partners, search focuses a node, the lookup offers names as one types, two
organisations' paths are highlighted and explained, neighbours expand, names never cover each
other (on a phone too), the drawing exports as PNG and SVG, and axe-core finds nothing against
WCAG 2.2 A and AA, with a lookup's list open."""

from __future__ import annotations

import io
from itertools import combinations

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
NAMED = """() => window.belongExplorer.cy.nodes().filter((n) => n.style("label"))
  .map((n) => {
    const only = { includeNodes: false, includeEdges: false, includeLabels: true };
    const box = n.renderedBoundingBox(only);
    return [n.id(), box.x1, box.y1, box.x2, box.y2];
  })"""
LABELS = """() => window.belongExplorer.cy.nodes().map(
    (n) => [n.style('label') !== '', parseFloat(n.renderedStyle('font-size'))])"""
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
    listbox = page.get_by_role("listbox", name="Names that match, from")
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
    choices = page.get_by_role("listbox", name="Names that match, to").get_by_role("option")
    expect(choices.first).to_be_visible()
    page.get_by_role(
        "option", name="Ministry of Housing, Communities and Local Government (funder)"
    ).click()
    page.get_by_role("button", name="Show the connection").click()
    explanation = page.locator("#path-explanation")
    expect(explanation).to_contain_text(
        "University of Kent was a research partner in Beyond Us and Them, whose findings were "
        "shared with Ministry of Housing, Communities and Local Government."
    )
    expect(explanation.locator("ol.path-steps li")).to_have_count(2)
    assert set(page.evaluate(ON_PATH, "node")) == {KENT, BEYOND, DLUHC}
    assert len(page.evaluate(ON_PATH, "edge")) == 2
    assert "from=organisation%2Funiversity-of-kent" in page.url  # the connection can be shared
    assert "to=organisation%2Fdluhc" in page.url
    page.go_back()  # the browser's history goes back to the view before the question
    expect(page.locator("#network")).to_have_attribute("data-state", "ready", timeout=30_000)
    expect(explanation.locator(".path-sentence")).to_have_count(0)
    assert "from=" not in page.url


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
    listed = page.get_by_role("table", name="names drawn").get_by_role("row")
    expect(listed).to_have_count(len(names) + 1)  # the tables hold what is drawn now
    expect(page.get_by_role("table", name="names drawn")).to_contain_text("Radical Kindness")
    links = page.evaluate("() => window.belongExplorer.cy.edges().length")
    expect(page.locator("#relationships tbody tr")).to_have_count(links)
    expect(page.locator("#relationships")).to_contain_text(
        "Research project funded by the Nuffield Foundation."
    )


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


def test_the_first_view_is_readable_and_has_a_key(page: Page, live_server: LiveServer) -> None:
    """Few names first, each at least 12 px on screen; the key explains shapes, colours, lines,
    arrows and sizes, and the groups when colour by group is on."""
    open_explorer(page, live_server)
    assert page.evaluate("() => window.belongExplorer.cy.nodes().length") <= 40
    labels = page.evaluate(LABELS)
    assert any(shown for shown, _ in labels)
    assert all(size >= 12 for shown, size in labels if shown)  # each name shown, >= 12 px
    key = page.locator(".explore-key")
    expect(key.locator("#legend-nodes li")).to_contain_text(
        ["Organisation", "Funder", "Project or programme", "Person", "Resource", "Place"]
    )
    expect(key.locator("#legend-nodes li svg polygon").first).to_be_attached()  # shapes drawn
    expect(key.locator("#legend-edges")).to_contain_text("Funded or commissioned")
    expect(key).to_contain_text("An arrow points from who took part")
    expect(key).to_contain_text("A bigger shape has more links in the whole library")
    groups = page.locator("#legend-communities")
    expect(groups).to_be_hidden()
    page.get_by_label("Colour by group").check()
    expect(groups).to_be_visible()
    expect(groups.locator("li").first).to_contain_text("Group 1")


def test_details_speak_plainly_with_each_links_evidence(
    page: Page, live_server: LiveServer
) -> None:
    """Selecting a name from the table of names (by keyboard) shows what it does in words and the
    evidence of each link: the participation, quoted, and the source document (the seed page)."""
    open_explorer(page, live_server)
    names = page.get_by_role("table", name="names drawn")
    button = names.get_by_role("button", name="Select Spirit of 2012")
    button.focus()
    page.keyboard.press("Enter")
    details = page.locator("#details")
    expect(page.locator("#details-heading")).to_have_text("Spirit of 2012")
    # The seed page: Spirit of 2012 took part in Beyond Us and Them (with Belong, the University of
    # Kent, its Centre for the Study of Group Processes, the Nuffield Foundation, DLUHC, GO-Science
    # and SAGE) and funded Radical Kindness (led by Belong); Ruth Hollis speaks for it.
    expect(details.locator(".plain-words")).to_have_text(
        "Works with 7 organisations on 2 projects and programmes. "
        "Its roles: partner in 1, funder in 1. 1 person is affiliated with it."
    )
    expect(details).to_contain_text(
        "Spirit of 2012 was delighted to get involved in the Beyond Us and Them research."
    )
    expect(details.get_by_role("link", name="Research and Resources").first).to_be_visible()
    assert "focus=organisation%2Fspirit-of-2012" in page.url  # the selection is in the URL
    links = page.get_by_role("table", name="links, each with its evidence")
    expect(links).to_contain_text("A project funded by Spirit of 2012.")


def test_a_preset_answers_its_question_and_survives_a_reload(
    page: Page, live_server: LiveServer
) -> None:
    open_explorer(page, live_server)
    page.get_by_role("link", name="Funders and what they funded").click()
    expect(page.locator("#network")).to_have_attribute("data-state", "ready", timeout=30_000)
    roles = page.evaluate("() => window.belongExplorer.cy.edges().map((e) => e.data('role'))")
    assert roles and set(roles) == {"funder"}
    assert {"Nuffield Foundation", "Beyond Us and Them", "Spirit of 2012"} <= set(
        page.evaluate(NAMES)
    )
    expect(page.locator(".explore-preset")).to_contain_text("Funders and what they funded")
    page.reload()
    expect(page.locator("#network")).to_have_attribute("data-state", "ready", timeout=30_000)
    assert set(
        page.evaluate("() => window.belongExplorer.cy.edges().map((e) => e.data('role'))")
    ) == {"funder"}
    page.goto(live_server.url + "/explore?preset=belong-partners")
    expect(page.locator("#network")).to_have_attribute("data-state", "ready", timeout=30_000)
    expect(page.locator("#details-heading")).to_have_text(
        "Belong - The Cohesion and Integration Network"
    )
    assert {"University of Kent", "Beyond Us and Them"} <= set(page.evaluate(NAMES))


def covering(named: list[list]) -> list[tuple[str, str]]:
    """The pairs of names (node ids) whose boxes on screen overlap."""
    return [
        (a[0], b[0])
        for a, b in combinations(named, 2)
        if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]
    ]


def test_names_never_cover_each_other_on_a_phone(page: Page, live_server: LiveServer) -> None:
    """On a phone, the best-connected names are shown and none covers another; zooming in makes
    room for more, and a name left out shows when its node is pointed at."""
    page.set_viewport_size({"width": 390, "height": 844})
    open_explorer(page, live_server)
    named = page.evaluate(NAMED)
    assert named and covering(named) == []
    best = page.evaluate(
        "() => window.belongExplorer.cy.nodes().max((n) => n.data('degree')).ele.id()"
    )
    assert best in {name[0] for name in named}
    left_out = set(page.evaluate(IDS)) - {name[0] for name in named}
    assert left_out  # 27 names do not fit on a phone's drawing
    pointed = sorted(left_out)[0]
    node = f"window.belongExplorer.cy.getElementById({pointed!r})"
    page.evaluate(f"() => {node}.emit('mouseover')")
    assert pointed in {name[0] for name in page.evaluate(NAMED)}
    page.evaluate(f"() => {node}.emit('mouseout')")
    page.evaluate("() => { const cy = window.belongExplorer.cy; cy.zoom(cy.zoom() * 3); }")
    page.wait_for_function(f"() => ({NAMED})().length > {len(named)}")
    assert covering(page.evaluate(NAMED)) == []
