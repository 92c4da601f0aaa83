"""FAIR Signposting levels 1 and 2: typed links on every entity's IRI, page and documents, and
RFC 9264 linksets, read with the `signposting` client against a live server; the content
resources (where to read a resource) from a build with fixture data that says where."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator

import pytest
import signposting
from flask.testing import FlaskClient
from rdflib import DCAT, Graph

from belong_graph.build import build_store
from belong_graph.formats import rdf_format
from belong_graph.linked.signposts import (
    LINK_HEADER_BUDGET,
    Landing,
    ascii_iri,
    header_links,
    landing_signposts,
    linkset_json,
    linkset_text,
)
from belong_graph.settings import PROJECT_ROOT, Settings
from tests.conftest import LiveServer, fetch, make_app

REPORT = "resource/discrimination-prejudice-and-cohesion"  # six credits, all people
MOST_CREDITS = "resource/supporting-migrant-communities"  # eleven credits, the most
TOOLKIT = "resource/everyday-integration-toolkit"  # credits the University of Bristol
BRISTOL_ROR = "https://ror.org/0524sp257"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
WHERE_TO_READ = PROJECT_ROOT / "tests" / "fixtures" / "signposting" / "where-to-read.ttl"
REPORT_PDF = "https://example.org/reports/discrimination-prejudice-and-cohesion.pdf"
TOOLKIT_ADDRESSES = {
    "https://example.org/toolkit/",
    "https://example.org/bo%C3%AEte-%C3%A0-outils.pdf",
}
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


def test_the_dataset_page_signposts_its_description_dumps_and_licence(
    live_server: LiveServer,
) -> None:
    """A FAIR client on /dataset finds the dataset's IRI to cite, its types, its licence, the
    description in every form and each dump the description lists, as served (gzip)."""
    page = f"{live_server.url}/dataset"
    found = signposting.find_signposting_http(page)
    assert found.citeAs is not None
    assert found.citeAs.target == f"{live_server.url}/id/dataset/belong-network-library"
    assert {str(t.target) for t in found.types} == {
        "https://schema.org/Dataset",
        "https://schema.org/AboutPage",
    }
    assert found.license is not None and found.license.target == CC_BY
    described = {d.type: str(d.target) for d in found.describedBy}
    assert set(described) == {
        "text/turtle",
        "application/ld+json",
        "application/rdf+xml",
        "application/n-triples",
    }
    description = Graph().parse(described["text/turtle"], format="turtle")
    dumps = {str(u) for u in description.objects(None, DCAT.downloadURL)}
    items = {str(i.target) for i in found.items}
    assert items == dumps and len(items) == 5
    assert {i.type for i in found.items} == {"application/gzip"}


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


def test_a_page_of_another_site_may_read_the_signposts(client: FlaskClient) -> None:
    answer = client.head(f"/id/{REPORT}", headers={"Origin": "https://example.org"})
    exposed = {h.strip() for h in answer.headers["Access-Control-Expose-Headers"].split(",")}
    assert "Link" in exposed and 'rel="cite-as"' in answer.headers["Link"]


def test_an_entity_that_is_not_there_has_no_linkset(client: FlaskClient) -> None:
    assert client.get("/linkset/person/nobody-at-all.json").status_code == 404
    assert json.loads(client.get("/linkset/person/jo-broadwood.json").data)["linkset"]


def test_the_budget_cuts_authors_first_and_keeps_the_essentials() -> None:
    base = "https://h/id/resource/x"
    landing = Landing(
        iri=base,
        type="https://schema.org/Report",
        authors=tuple(f"https://h/id/person/author-{n}" for n in range(300)),
        licence=CC_BY,
        collection="https://h/dataset",
        documents=((f"{base}.ttl", rdf_format("turtle")),),
        linksets=(("https://h/linkset/resource/x", "application/linkset"),),
        items=(("https://h/files/x.pdf", "application/pdf"),),
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
    assert 0 < rels.count("author") < 300  # the linkset lists all 300, and the item
    assert "item" not in rels  # items come after the authors
    landing_links = linkset_json(landing)["linkset"][0]
    assert len(landing_links["author"]) == 300
    assert landing_links["item"] == [{"href": "https://h/files/x.pdf", "type": "application/pdf"}]


def test_non_ascii_iris_are_percent_encoded() -> None:
    assert ascii_iri("https://h/id/person/hilal-ozkeçeci") == (
        "https://h/id/person/hilal-ozke%C3%A7eci"
    )


@pytest.fixture(scope="module")
def where_to_read(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The library built with tests/fixtures/signposting/where-to-read.ttl, which says where two
    of its resources can be read."""
    settings = dataclasses.replace(
        Settings.load({"store_dir": tmp_path_factory.mktemp("where-to-read") / "store"}),
        data_paths=(PROJECT_ROOT / "data", WHERE_TO_READ),
    )
    build_store(settings)
    return settings


@pytest.fixture(scope="module")
def reading_server(where_to_read: Settings) -> Iterator[LiveServer]:
    server = LiveServer(where_to_read.store_dir)
    yield server
    server.stop()


def test_where_to_read_a_resource_is_its_item(reading_server: LiveServer) -> None:
    """The landing page links to the PDF, typed as the data types it, on its IRI and its page;
    both linksets give the PDF as a context of its own, with collection back to the page."""
    iri = f"{reading_server.url}/id/{REPORT}"
    for found in (
        signposting.find_signposting_http(iri),
        signposting.find_signposting_html(f"{iri}.html"),
    ):
        assert {(str(i.target), i.type) for i in found.items} == {(REPORT_PDF, "application/pdf")}
        for linkset in found.linksets:
            listed = signposting.find_signposting_linkset(linkset.target)
            assert {str(i.target) for i in listed.for_context(iri).items} == {REPORT_PDF}
            back = listed.for_context(REPORT_PDF).collection
            assert back is not None and (back.target, back.type) == (iri, "text/html")


def test_an_address_the_data_gives_no_media_type_is_an_untyped_item(
    reading_server: LiveServer,
) -> None:
    """Two addresses and one schema:encodingFormat: which it types is unknown, so neither is
    typed; the address that is not ASCII is percent-encoded, in the header, the page and the
    linkset."""
    iri = f"{reading_server.url}/id/{TOOLKIT}"
    for found in (
        signposting.find_signposting_http(iri),
        signposting.find_signposting_html(f"{iri}.html"),  # the page's <link>s say the same
    ):
        items = {(str(i.target), i.type) for i in found.items}
        assert items == {(a, None) for a in TOOLKIT_ADDRESSES}
    _, headers, _ = fetch(iri, {"Accept": "text/html"})
    link = headers["Link"]
    assert link.isascii() and link.index('rel="author"') < link.index('rel="item"')
    linkset = json.loads(fetch(f"{reading_server.url}/linkset/{TOOLKIT}.json")[2])["linkset"]
    assert {c["anchor"] for c in linkset} >= TOOLKIT_ADDRESSES


def test_the_real_data_says_nowhere_to_read_so_no_items(client: FlaskClient) -> None:
    """data/ fills no "Where to read it" yet; an organisation's schema:url is its website, not
    a content resource of its page."""
    for entity in (REPORT, "organisation/university-of-kent"):
        assert 'rel="item"' not in client.get(f"/id/{entity}").headers["Link"]
        linkset = client.get(f"/linkset/{entity}.json").get_json()["linkset"]
        assert "item" not in linkset[0]
        assert all("collection" not in context for context in linkset[1:])
    kent = client.get("/id/organisation/university-of-kent.ttl").get_data(as_text=True)
    assert "<https://www.kent.ac.uk>" in kent  # its schema:url is there


def test_one_schema_org_class_and_about_page(client: FlaskClient) -> None:
    """FAIR gives a landing page two types at most: the class that characterises the work (the
    first in IRI order where the data gives several) and AboutPage."""
    response = client.get(f"/id/{MOST_CREDITS}", headers={"Accept": "text/html"})
    types = [
        part.split(">")[0] for part in response.headers["Link"].split("<") if 'rel="type"' in part
    ]
    assert types == ["https://schema.org/LearningResource", "https://schema.org/AboutPage"]
    landing = client.get(f"/linkset/{MOST_CREDITS}.json").get_json()["linkset"][0]
    assert [t["href"] for t in landing["type"]] == types


def test_a_linkset_does_not_link_to_itself(client: FlaskClient) -> None:
    landing = client.get(f"/linkset/{REPORT}.json").get_json()["linkset"][0]
    assert "linkset" not in landing
    assert 'rel="linkset"' not in client.get(f"/linkset/{REPORT}").get_data(as_text=True)


def test_the_budget_counts_bytes_not_characters() -> None:
    """A link already in the header that is not ASCII (two bytes a character) leaves less room."""
    taken = [f'<https://h/{"é" * 1500}>; rel="alternate"']
    landing = Landing(
        iri="https://h/id/person/x",
        type="https://schema.org/Person",
        authors=(),
        licence=CC_BY,
        collection="https://h/dataset",
        documents=tuple(
            (f"https://h/id/person/x-{n}.ttl", rdf_format("turtle")) for n in range(30)
        ),
        linksets=(),
    )
    links = header_links(landing_signposts(landing, page=True), taken)
    assert len(", ".join([*taken, *links]).encode()) <= LINK_HEADER_BUDGET
    assert links and all(link.isascii() for link in links)
    assert linkset_text(landing).isascii()


@pytest.fixture
def foreign_public_client(built_settings: Settings) -> Iterator[FlaskClient]:
    """A client of the library served at a public address that is not ASCII."""
    public = dataclasses.replace(built_settings, public_url="https://example.org/bibliothèque/")
    for app in make_app(public):
        yield app.test_client()


def test_every_link_in_the_header_is_ascii(foreign_public_client: FlaskClient) -> None:
    """The alternates web/linked.py sends, like the signposts, are percent-encoded URIs; so is
    the Content-Location of a negotiated answer."""
    link = foreign_public_client.get(f"/id/{REPORT}").headers["Link"]
    assert link.isascii()
    encoded = "https://example.org/biblioth%C3%A8que/id/"
    assert f'<{encoded}{REPORT}.ttl>; rel="alternate"' in link
    assert f'<{encoded}{REPORT}>; rel="cite-as"' in link
    turtle = foreign_public_client.get(f"/id/{REPORT}", headers={"Accept": "text/turtle"})
    assert turtle.headers["Content-Location"] == f"{encoded}{REPORT}.ttl"


def test_the_openapi_document_describes_both_linksets(client: FlaskClient) -> None:
    paths = client.get("/api/openapi.json").get_json()["paths"]
    for path, media_type in (
        ("/linkset/{kind}/{slug}", "application/linkset"),
        ("/linkset/{kind}/{slug}.json", "application/linkset+json"),
    ):
        operation = paths[path]["get"]
        assert list(operation["responses"]["200"]["content"]) == [media_type]
        assert "404" in operation["responses"]
        examples = {p["name"]: p["example"] for p in operation["parameters"]}
        assert examples == {"kind": "resource", "slug": REPORT.removeprefix("resource/")}
        slug = next(p for p in operation["parameters"] if p["name"] == "slug")
        assert re.fullmatch(slug["schema"]["pattern"], examples["slug"])
        assert not re.fullmatch(slug["schema"]["pattern"], examples["slug"] + ".json")
