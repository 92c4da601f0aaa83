"""The data model page (/model): our classes and the properties between them, read from the
shapes and the ontology, as a diagram (Mermaid) and as tables."""

from __future__ import annotations

import json
import re

import pytest
from flask.testing import FlaskClient
from playwright.sync_api import Page, expect

from belong_graph.datamodel import data_model
from belong_graph.settings import Settings
from belong_graph.validate import load_graphs
from tests.conftest import LiveServer

LINKS = [  # (from, link, to) as the shapes say, in the ontology's words where it has them
    ("Participation", "organization", "Initiative"),
    ("Participation", "member", "Person"),
    ("Participation", "member", "Organization"),
    ("Authorship", "agent", "Person"),  # the shape of prov:agent's objects (an sh:or)
    ("Bibliographic Resource", "qualified attribution", "Authorship"),
    ("Organization", "dated name", "Dated name"),
    ("Concept", "in scheme", "Concept Scheme"),
]


def test_the_model_is_read_from_the_shapes() -> None:
    settings = Settings.load()
    model = data_model(
        load_graphs([settings.shapes_dir], base_iri=settings.base_iri),
        load_graphs([settings.ontology_dir], base_iri=settings.base_iri),
    )
    found = {(link.source.label, link.label, link.target.label) for link in model.links}
    assert set(LINKS) <= found
    curies = {(link.source.curie, link.curie, link.target.curie) for link in model.links}
    assert ("bel:Participation", "org:organization", "bel:Initiative") in curies
    assert len({c.iri for c in model.classes}) == len(model.classes)


def test_the_page_has_the_diagram_source_and_the_tables(client: FlaskClient) -> None:
    answer = client.get("/model")
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    html = answer.get_data(as_text=True)
    rows = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", html)
    assert set(LINKS) <= set(rows)
    source = json.loads(re.search(r'id="model-source">(.*?)</script>', html, re.S).group(1))  # type: ignore[union-attr]
    assert source.startswith("flowchart LR\n  accTitle: The library's data model\n")
    assert '-- "organization" -->' in source
    assert "<code>org:organization</code>" in html  # the CURIEs, folded in <details>
    assert re.findall(r'<script[^>]* src="([^"]+)"', html) == ["/static/model.js"]


@pytest.mark.browser
@pytest.mark.integration
@pytest.mark.parametrize("start", ["/sparql", "/ontology"])
def test_reached_from_the_query_page_and_the_ontology(
    page: Page, live_server: LiveServer, start: str
) -> None:
    page.goto(live_server.url + start)
    page.get_by_role("link", name="data model").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The library's data model")
    diagram = page.get_by_role("region", name="Diagram of the data model (scrolls)")
    expect(diagram.locator("svg")).to_be_visible(timeout=30_000)
    expect(diagram.locator("svg")).to_contain_text("Participation")
    expect(diagram.locator("svg")).to_contain_text("qualified attribution")
    table = page.get_by_role("table", name=re.compile(r"The \d+ links between"))
    expect(table.get_by_role("row", name="Participation organization Initiative")).to_be_visible()
