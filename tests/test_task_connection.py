"""Task test 3 of issue 14, walked as a person would in Chromium through the live server: open
the explorer, ask how Spirit of 2012 and the University of Kent are connected (choosing both names
from the lookup), read the connection in plain words with its evidence, and share the view by its
URL. The expected connection is the seed document's (research-and-resources): Spirit of 2012 "was
delighted to get involved in the Beyond Us and Them research", a project "in collaboration with the
University of Kent"."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.integration]

CONNECTION = (
    "Spirit of 2012 was a partner in Beyond Us and Them, with research partner University of Kent."
)
EVIDENCE = "Spirit of 2012 was delighted to get involved in the Beyond Us and Them research."
ID = "https://data.belongnetwork.co.uk/id/"
ON_PATH = "() => window.belongExplorer.cy.$('node.on-path').map((n) => n.data('name'))"


def choose(page: Page, field: str, typed: str, option: str) -> None:
    """Type part of a name in ``field`` and pick ``option`` from the names offered."""
    page.get_by_role("combobox", name=field, exact=True).press_sequentially(typed)
    page.get_by_role("option", name=option).click()


def the_connection_is_shown(page: Page) -> None:
    explanation = page.locator("#path-explanation")
    expect(explanation).to_contain_text(
        "Spirit of 2012 and University of Kent are connected in 2 steps"
    )
    expect(explanation.locator(".path-sentence")).to_have_text([CONNECTION])
    expect(explanation.locator("ol.path-steps li")).to_have_text(
        [
            "Spirit of 2012 was a partner in Beyond Us and Them.",
            "University of Kent was a research partner in Beyond Us and Them.",
        ]
    )
    evidence = page.get_by_role("table", name="The evidence for each link on the way")
    expect(evidence).to_contain_text(EVIDENCE)
    expect(evidence.get_by_role("link", name="Research and Resources").first).to_be_visible()
    expect(page.locator("#network")).to_have_attribute("data-state", "ready", timeout=30_000)
    assert set(page.evaluate(ON_PATH)) == {
        "Spirit of 2012",
        "Beyond Us and Them",
        "University of Kent",
    }


def test_how_spirit_of_2012_and_kent_are_connected_is_shared_by_its_url(
    browser: Browser, page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server.url + "/explore")
    page.get_by_role("link", name="How are two names connected?").click()
    choose(page, "From", "spirit", "Spirit of 2012 (funder)")
    choose(page, "to", "kent", "University of Kent (organisation)")
    page.get_by_role("button", name="Show the connection").click()
    the_connection_is_shown(page)

    shared = page.url
    assert "from=organisation%2Fspirit-of-2012" in shared
    assert "to=organisation%2Funiversity-of-kent" in shared
    other = browser.new_page()
    try:
        other.goto(shared)
        the_connection_is_shown(other)
        expect(other.get_by_role("combobox", name="From", exact=True)).to_have_value(
            "Spirit of 2012"
        )
    finally:
        other.close()
