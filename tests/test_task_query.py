"""Task 2 of issue 14: a researcher writes a query for funders and what they funded with the
editor's help, in Chromium through the live server, by what a person sees.

Who funded what, from the seed documents: Spirit of 2012 funded the Radical Kindness research
and the Nuffield Foundation the Beyond Us and Them project (the Belong Network Library's news
on Radical Kindness); the Ministry of Housing, Communities and Local Government (now DLUHC)
funded the Integration Area Programme and, within it, Bradford for Everyone (the Belong
Network Library's evaluations)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import LiveServer
from tests.test_query_page import type_then_choose

pytestmark = [pytest.mark.browser, pytest.mark.integration]

FUNDED = [  # (funder, what it funded), as the seeds say
    ("Spirit of 2012", "Radical Kindness"),
    ("Nuffield Foundation", "Beyond Us and Them"),
    ("Ministry of Housing, Communities and Local Government", "Integration Area Programme"),
    ("Ministry of Housing, Communities and Local Government", "Bradford for Everyone"),
]


def test_write_a_funders_query_with_the_editors_help(page: Page, live_server: LiveServer) -> None:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))

    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Site").get_by_role("link", name="SPARQL").click()
    editor = page.get_by_role("textbox", name="SPARQL query")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")

    # Offered from our own index; taken once the answer to the last key is in (CI saw Enter
    # land while the list of an earlier key was being replaced).
    type_then_choose(
        page, "SELECT ?funderName ?projectName WHERE { ?project schema:fun", "schema:funder"
    )
    page.keyboard.type(
        " ?funder . ?funder schema:name ?funderName . ?project schema:name ?projectName }"
        " ORDER BY ?funderName ?projectName"
    )
    expect(editor).to_contain_text("PREFIX schema: <http://schema.org/>")  # added for us
    expect(editor).to_contain_text("?project schema:funder ?funder")

    page.get_by_role("button", name="Run query").click()
    rows = page.get_by_role("table").get_by_role("row")
    for funder, funded in FUNDED:
        expect(rows.filter(has_text=funder).filter(has_text=funded)).to_have_count(1)
    expect(rows.filter(has_text="2012")).to_have_count(1)  # Spirit of 2012 funded one thing
    assert [url for url in seen if not url.startswith(live_server.url + "/")] == []
