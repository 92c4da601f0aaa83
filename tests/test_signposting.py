"""FAIR Signposting levels 1 and 2: typed links on every entity's IRI, page and documents, and
RFC 9264 linksets, read with the `signposting` client against a live server."""

from __future__ import annotations

import json

import signposting
from flask.testing import FlaskClient

from belong_graph.formats import rdf_format
from belong_graph.linked.signposts import (
    LINK_HEADER_BUDGET,
    Landing,
    ascii_iri,
    header_links,
    landing_signposts,
    linkset_json,
)
from tests.conftest import LiveServer

REPORT = "resource/discrimination-prejudice-and-cohesion"  # six credits, all people
MOST_CREDITS = "resource/supporting-migrant-communities"  # eleven credits, the most
TOOLKIT = "resource/everyday-integration-toolkit"  # credits the University of Bristol
BRISTOL_ROR = "https://ror.org/0524sp257"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
RDF_TYPES = {"text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples"}
CITATION_TYPES = {
    "application/vnd.citationstyles.csl+json",
    "application/x-bibtex",
    "application/x-research-info-systems",
    "text/x-bibliography",
}


def _check_landing(found: signposting.Signposting, iri: str) -> None:
    assert found.citeAs is not None and found.citeAs.target == iri
    described = {d.type: d for d in found.describedBy}
    assert set(described) >= RDF_TYPES | CITATION_TYPES
    assert described["application/ld+json"].profiles  # a generic type says its profile
    assert {str(t.target) for t in found.types} == {
        "https://schema.org/Report",
        "https://schema.org/AboutPage",
    }
    authors = {str(a.target) for a in found.authors}
    assert f"{iri.split('/id/')[0]}/id/person/jo-broadwood" in authors and len(authors) == 6
    assert found.license is not None and found.license.target == CC_BY
    linksets = {ls.type: ls.target for ls in found.linksets}
    assert set(linksets) == {"application/linkset", "application/linkset+json"}
    for target in linksets.values():
        in_linkset = signposting.find_signposting_linkset(target).for_context(iri)
        assert in_linkset.citeAs is not None and in_linkset.citeAs.target == iri
        assert len({str(a.target) for a in in_linkset.authors}) == 6


def test_the_client_finds_the_signposts_on_the_iri_and_the_page(live_server: LiveServer) -> None:
    iri = f"{live_server.url}/id/{REPORT}"
    _check_landing(signposting.find_signposting_http(iri), iri)  # HEAD on the IRI
    _check_landing(signposting.find_signposting_html(f"{iri}.html"), iri)  # <link>s in <head>


def test_the_link_header_keeps_its_budget_and_the_linkset_the_rest(client: FlaskClient) -> None:
    response = client.get(f"/id/{MOST_CREDITS}", headers={"Accept": "text/html"})
    link = response.headers["Link"]
    assert len(link.encode()) <= LINK_HEADER_BUDGET
    for rel in ("cite-as", "describedby", "type", "license", "linkset", "collection"):
        assert f'rel="{rel}"' in link
    listed = client.get(f"/linkset/{MOST_CREDITS}.json")
    assert listed.content_type == "application/linkset+json"
    document = listed.get_json()
    assert list(document) == ["linkset"]  # its sole member
    landing = document["linkset"][0]
    assert landing["anchor"] == f"http://localhost/id/{MOST_CREDITS}"
    assert len(landing["author"]) == 11
    assert landing["collection"] == [{"href": "http://localhost/dataset", "type": "text/html"}]
    assert all(c["anchor"].startswith("http://localhost/id/") for c in document["linkset"])
    assert all("profile" not in t for t in landing["describedby"])  # see linkset_json


def test_a_credited_organisation_is_known_by_its_ror(client: FlaskClient) -> None:
    landing = client.get(f"/linkset/{TOOLKIT}.json").get_json()["linkset"][0]
    assert {"href": BRISTOL_ROR} in landing["author"]


def test_the_text_linkset_anchors_every_link(client: FlaskClient) -> None:
    response = client.get(f"/linkset/{REPORT}")
    assert response.content_type == "application/linkset"
    links = response.get_data(as_text=True).split(",\n")
    assert all(f'anchor="http://localhost/id/{REPORT}' in link for link in links)
    assert (
        f'<http://localhost/id/{REPORT}.jsonld>; rel="describedby"; type="application/ld+json"; '
        f'profile="http://www.w3.org/ns/json-ld#compacted"; anchor="http://localhost/id/{REPORT}"'
    ) in links
    assert (
        f'<http://localhost/id/{REPORT}>; rel="describes"; type="text/html"; '
        f'anchor="http://localhost/id/{REPORT}.ttl"'
    ) in links


def test_a_metadata_document_says_what_it_describes(client: FlaskClient) -> None:
    link = client.get(f"/id/{REPORT}.ttl").headers["Link"]
    assert f'<http://localhost/id/{REPORT}>; rel="describes"; type="text/html"' in link
    assert f'<http://localhost/linkset/{REPORT}.json>; rel="linkset"' in link
    assert 'rel="cite-as"' not in link


def test_an_entity_that_is_not_there_has_no_linkset(client: FlaskClient) -> None:
    assert client.get("/linkset/person/nobody-at-all.json").status_code == 404
    assert json.loads(client.get("/linkset/person/jo-broadwood.json").data)["linkset"]


def test_the_budget_cuts_authors_first_and_keeps_the_essentials() -> None:
    base = "https://h/id/resource/x"
    landing = Landing(
        iri=base,
        types=("https://schema.org/Report",),
        authors=tuple(f"https://h/id/person/author-{n}" for n in range(300)),
        licence=CC_BY,
        collection="https://h/dataset",
        documents=((f"{base}.ttl", rdf_format("turtle")),),
        linksets=(("https://h/linkset/resource/x", "application/linkset"),),
    )
    taken = ['<https://h/id/resource/x.nt>; rel="alternate"; type="application/n-triples"']
    links = header_links(landing_signposts(landing, page=True), taken)
    assert len(", ".join([*taken, *links]).encode()) <= LINK_HEADER_BUDGET
    rels = [link.split('rel="')[1].split('"')[0] for link in links]
    assert rels[:7] == [
        "linkset",
        "cite-as",
        "type",
        "type",
        "license",
        "describedby",
        "collection",
    ]
    assert 0 < rels.count("author") < 300  # the linkset lists all 300
    assert len(linkset_json(landing)["linkset"][0]["author"]) == 300


def test_non_ascii_iris_are_percent_encoded() -> None:
    assert ascii_iri("https://h/id/person/hilal-ozkeçeci") == (
        "https://h/id/person/hilal-ozke%C3%A7eci"
    )
