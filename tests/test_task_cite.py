"""Task test 1 (issue 14, "Done when"): a council practitioner looking for guidance on migration
starts on the home page, searches for "migration", opens the toolkit for councils from the
results and copies its APA citation from the citation box, in Chromium through the real server,
by what a person sees: labels, roles and link texts.

The expected citation is the seed's listing of the toolkit: "Building the foundations for social
connections in Yorkshire and Humber March 2022", "Author: IPPR/Migration Yorkshire, Publisher:
IPPR/Migration Yorkshire", "A toolkit to support councils..."; IPPR is the Institute for Public
Policy Research (data/organisations.ttl, its name and its short name). A toolkit is a CSL
document, which APA dates by month; its publishers are its authors, whom APA does not repeat
as publishers (APA 7th edition, 9.29)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.conftest import LiveServer
from tests.test_seed_facts import seed_says

TITLE = "Building the foundations for social connections in Yorkshire and Humber"
SLUG = "building-the-foundations-for-social-connections-in-yorkshire-and-humber"
IPPR = "Institute for Public Policy Research"

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def test_find_guidance_on_migration_and_cite_it_in_apa(
    browser: Browser, live_server: LiveServer
) -> None:
    seed_says(TITLE + " March 2022")
    seed_says("Author: IPPR/Migration Yorkshire, Publisher: IPPR/Migration Yorkshire")
    seed_says("A toolkit to support councils")
    expected = (
        f"{IPPR}, & Migration Yorkshire. (2022, March). {TITLE}. "
        f"{live_server.url}/id/resource/{SLUG}"
    )
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        search = page.get_by_role("search")
        search.get_by_role("searchbox", name="Search the library").fill("migration")
        search.get_by_role("button", name="Search").click()

        results = page.get_by_role("region", name="Results")
        expect(results.get_by_role("heading")).to_have_text("2 resources")
        results.get_by_role("link", name=TITLE).click()

        expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
        box = page.get_by_role("region", name="Cite it")
        styles = box.get_by_role("term").all_inner_texts()
        apa = box.get_by_role("definition").nth(styles.index("APA Style 7th edition"))
        apa.click(click_count=3)  # select the citation, as a reader does, and copy it
        page.keyboard.press("Control+C")
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert copied.strip() == expected
        assert apa.inner_text() == expected
    finally:
        context.close()
