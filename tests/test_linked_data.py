"""Dereferencing the library's IRIs: content negotiation, suffixes and ``?format=``, 404 and 406,
validators, the base IRI rewritten to the server's address, entity pages with their facts,
schema.org JSON-LD and citation meta tags, and the ontology at its namespace IRI.
Expected answers come from the seed documents."""

from __future__ import annotations

import dataclasses
import json
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Page, expect
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, ORG, OWL, PROV

from belong_graph.changes import read_ledger
from belong_graph.linked.describe import Description
from belong_graph.settings import PROJECT_ROOT, Settings
from tests.conftest import BASE, DISCRIMINATION_AUTHORS, LiveServer, make_app

LOCAL = "http://localhost/"
ID = Namespace(LOCAL + "id/")
SCHEMA = Namespace("http://schema.org/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
BEL = Namespace("https://data.belongnetwork.co.uk/ontology#")
KENT = ID["organisation/university-of-kent"]
BEYOND = ID["project/beyond-us-and-them"]
REPORT = (
    "resource/discrimination-prejudice-and-cohesion"  # "Author: Dominic Abrams, Jo Broadwood..."
)
RDF_TYPES = {
    "text/turtle": ("turtle", "ttl"),
    "application/n-triples": ("nt", "nt"),
    "application/ld+json": ("json-ld", "jsonld"),
    "application/rdf+xml": ("xml", "rdf"),
}
ENTITIES = (
    "person/jo-broadwood",
    "organisation/university-of-kent",
    REPORT,
    "project/beyond-us-and-them",
    "participation/beyond-us-and-them--university-of-kent--research-partner",
    "authorship/discrimination-prejudice-and-cohesion-2",
    "theme/social-cohesion",
    "resource-type/toolkit",
    "scheme/themes",
    "place/bradford",
    "source/research-and-resources",
    "collection/belong-network-library",
)


def parse(client: FlaskClient, body: str, media_type: str) -> Graph:
    """The RDF in ``body``; a JSON-LD context is read from this server, not the network."""
    syntax = RDF_TYPES[media_type][0]
    if syntax == "json-ld":
        document = json.loads(body)
        context_url = document["@context"]
        context = client.get(urlsplit(context_url).path).get_json()
        document["@context"] = context["@context"]
        body = json.dumps(document)
    return Graph().parse(data=body, format=syntax)


def describe(client: FlaskClient, path: str, media_type: str = "text/turtle") -> Graph:
    response = client.get(f"/id/{path}", headers={"Accept": media_type})
    assert response.status_code == 200, response.get_data(as_text=True)
    return parse(client, response.get_data(as_text=True), media_type)


@pytest.mark.parametrize("media_type", RDF_TYPES)
@pytest.mark.parametrize("path", ENTITIES)
def test_every_kind_of_entity_answers_in_every_rdf_format(
    client: FlaskClient, path: str, media_type: str
) -> None:
    response = client.get(f"/id/{path}", headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert "Accept" in response.vary
    extension = RDF_TYPES[media_type][1]
    assert response.headers["Content-Location"] == f"{LOCAL}id/{path}.{extension}"
    graph = parse(client, response.get_data(as_text=True), media_type)
    entity = ID[path]
    assert (entity, RDFS.label, None) in graph
    assert (entity, RDF.type, None) in graph


def test_the_formats_carry_the_same_triples(client: FlaskClient) -> None:
    graphs = [describe(client, REPORT, media_type) for media_type in RDF_TYPES]
    assert len(graphs[0]) > 50
    for graph in graphs[1:]:
        assert isomorphic(graphs[0], graph)


def test_a_person_lists_their_works_and_credits(client: FlaskClient) -> None:
    graph = describe(client, "person/jo-broadwood")
    report = ID[REPORT]
    assert (report, DCTERMS.creator, ID["person/jo-broadwood"]) in graph
    assert graph.value(report, RDFS.label).startswith("Discrimination, Prejudice and Cohesion")
    credit = ID["authorship/discrimination-prejudice-and-cohesion-2"]
    assert (credit, PROV.agent, ID["person/jo-broadwood"]) in graph
    assert graph.value(credit, SCHEMA.position).toPython() == 2  # second in the printed list


def test_kent_takes_part_in_beyond_us_and_them(client: FlaskClient) -> None:
    graph = describe(client, "organisation/university-of-kent")
    participations = set(graph.subjects(ORG.member, KENT))
    in_beyond = [p for p in participations if (p, ORG.organization, BEYOND) in graph]
    assert len(in_beyond) == 1
    assert (in_beyond[0], ORG.role, ID["role/research-partner"]) in graph
    assert graph.value(BEYOND, RDFS.label) == Literal("Beyond Us and Them", lang="en")
    centre = ID["organisation/centre-for-the-study-of-group-processes"]
    assert (centre, ORG.unitOf, KENT) in graph  # its members: the centre is a unit of Kent


def test_a_concept_lists_its_resources(client: FlaskClient) -> None:
    graph = describe(client, "theme/social-cohesion")
    webinar = ID["resource/everybodys-business-online-launch-webinar"]
    assert (webinar, DCTERMS.subject, ID["theme/social-cohesion"]) in graph
    assert graph.value(webinar, RDFS.label).startswith("Everybody’s Business online launch")


def test_a_resource_description_follows_blank_nodes_and_credits(client: FlaskClient) -> None:
    graph = describe(client, REPORT)
    period = graph.value(ID[REPORT], DCTERMS.temporal)
    assert str(graph.value(period, DCAT.startDate)) == "2020-05"  # May 2020 to July 2021
    credits = sorted(
        (
            int(graph.value(credit, SCHEMA.position)),
            str(graph.value(graph.value(credit, PROV.agent), RDFS.label)),
        )
        for credit in graph.objects(ID[REPORT], PROV.qualifiedAttribution)
    )
    assert [name for _, name in credits][:2] == ["Dominic Abrams", "Jo Broadwood"]


def test_q_values_choose_the_format(client: FlaskClient) -> None:
    def chosen(accept: str) -> str:
        return client.get("/id/person/jo-broadwood", headers={"Accept": accept}).mimetype

    assert chosen("text/turtle;q=0.5, application/rdf+xml;q=0.9") == "application/rdf+xml"
    assert chosen("text/html;q=0.1, application/n-triples") == "application/n-triples"
    assert chosen("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8") == "text/html"
    assert chosen("*/*") == "text/html"
    assert chosen("application/*") == "application/n-triples"


def test_suffix_and_format_parameter(client: FlaskClient) -> None:
    turtle = client.get("/id/person/jo-broadwood.ttl", headers={"Accept": "text/html"})
    assert turtle.mimetype == "text/turtle"
    assert "Content-Location" not in turtle.headers  # the document is its own location
    assert "jo-broadwood" in turtle.get_data(as_text=True)
    assert client.get("/id/person/jo-broadwood.html").mimetype == "text/html"
    by_name = client.get("/id/person/jo-broadwood?format=jsonld", headers={"Accept": "text/html"})
    assert by_name.mimetype == "application/ld+json"
    assert json.loads(by_name.data)["@graph"][0]["@id"] == LOCAL + "id/person/jo-broadwood"
    unknown = client.get("/id/person/jo-broadwood?format=pdf")
    assert unknown.status_code == 400
    assert "turtle" in unknown.get_data(as_text=True)


def test_alternates_are_linked_in_the_header(client: FlaskClient) -> None:
    response = client.get("/id/person/jo-broadwood", headers={"Accept": "text/turtle"})
    link = response.headers["Link"]
    assert (
        f'<{LOCAL}id/person/jo-broadwood.rdf>; rel="alternate"; type="application/rdf+xml"' in link
    )


OFFERED = "text/html, text/turtle, application/n-triples, application/ld+json, application/rdf+xml"


def test_nothing_acceptable_gets_406(client: FlaskClient) -> None:
    for url, accept in (("/id/person/jo-broadwood", "application/pdf"), ("/ontology", "image/png")):
        response = client.get(url, headers={"Accept": accept})
        assert (response.status_code, response.mimetype) == (406, "text/plain")
        assert "Accept" in response.vary
        assert response.get_data(as_text=True) == f"This answers as one of: {OFFERED}.\n"


def test_unknown_iris_get_404(client: FlaskClient) -> None:
    nobody = f"{LOCAL}id/person/nobody-at-all"
    said = f"Nothing in the library is called <{nobody}>; {LOCAL}sparql can search it."
    page = client.get("/id/person/nobody-at-all", headers={"Accept": "text/html"})
    assert (page.status_code, page.mimetype) == (404, "text/html")
    html = page.get_data(as_text=True)
    assert "<h1>Unknown entity</h1>" in html
    assert f"&lt;{nobody}&gt;" in html
    assert '<nav class="site" aria-label="Site">' in html
    assert 'href="/resources"' in html and 'href="/sparql"' in html
    plain = client.get("/id/person/nobody-at-all", headers={"Accept": "text/turtle"})
    assert (plain.status_code, plain.mimetype) == (404, "text/plain")
    assert plain.get_data(as_text=True) == said + "\n"
    json_client = {"Accept": "application/ld+json, application/json;q=0.9"}
    as_json = client.get("/id/person/nobody-at-all", headers=json_client)
    assert (as_json.status_code, as_json.mimetype) == (404, "application/problem+json")
    assert json.loads(as_json.data) == {
        "type": f"{LOCAL}api/#error-unknown-entity",
        "title": "Unknown entity",
        "status": 404,
        "detail": said,
    }
    assert client.get("/id/no-such-kind/x.ttl").status_code == 404
    for odd in ("a%20b", "a%3Cb%3E", "%7Bx%7D", "x%22y", ".ttl"):  # not even an IRI
        response = client.get(f"/id/person/{odd}", headers={"Accept": "text/turtle"})
        assert response.status_code == 404
        assert response.mimetype == "text/plain"


def test_conditional_requests_get_304(client: FlaskClient) -> None:
    first = client.get("/id/person/jo-broadwood", headers={"Accept": "text/turtle"})
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    again = client.get(
        "/id/person/jo-broadwood",
        headers={"Accept": "text/turtle", "If-None-Match": first.headers["ETag"]},
    )
    assert again.status_code == 304
    assert again.data == b""
    since = client.get(
        "/id/person/jo-broadwood",
        headers={"Accept": "text/turtle", "If-Modified-Since": first.headers["Last-Modified"]},
    )
    assert since.status_code == 304
    other = client.get("/id/person/jo-broadwood", headers={"Accept": "application/rdf+xml"})
    assert other.headers["ETag"] != first.headers["ETag"]
    page = client.get("/id/person/jo-broadwood", headers={"Accept": "text/html"})
    assert page.headers["ETag"] not in (first.headers["ETag"], other.headers["ETag"])


def test_json_ld_uses_the_published_context(client: FlaskClient) -> None:
    context = client.get("/context.jsonld")
    assert context.mimetype == "application/ld+json"
    prefixes = context.get_json()["@context"]
    assert prefixes["schema"] == "http://schema.org/"
    assert prefixes["bel"] == str(BEL)
    document = client.get("/id/person/jo-broadwood.jsonld").get_json()
    assert document["@context"] == LOCAL + "context.jsonld"
    person = document["@graph"][0]
    assert person["schema:name"] == ["Jo Broadwood"]
    assert "schema:Person" in person["@type"]


def test_the_sparql_endpoint_keeps_canonical_iris(client: FlaskClient) -> None:
    query = "ASK { <https://data.belongnetwork.co.uk/id/person/jo-broadwood> ?p ?o }"
    answer = client.get(
        "/sparql",
        query_string={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert answer.get_json()["boolean"] is True
    turtle = client.get(
        "/sparql",
        query_string={
            "query": "DESCRIBE <https://data.belongnetwork.co.uk/id/person/jo-broadwood>"
        },
        headers={"Accept": "application/n-triples"},
    )
    assert f"<{BASE}id/person/jo-broadwood>" in turtle.get_data(as_text=True)


def test_an_entity_the_library_removed_is_gone(
    client: FlaskClient, built_settings: Settings
) -> None:
    """An entity the change ledger keeps as deleted answers 410 Gone with the day it went, as
    a page, as RDF and as linksets, and has no page of its own (OAI-PMH lists it as deleted)."""
    ledger = read_ledger(built_settings.changes_file)
    removed = sorted(entity for entity, entry in ledger.items() if entry.deleted)
    assert removed, "the real data's ledger keeps a deleted entity"
    entry = ledger[removed[0]]
    page = client.get(f"/id/{removed[0]}", headers={"Accept": "text/html"})
    assert page.status_code == 410 and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert f"was removed from the library on {entry.modified.isoformat()}" in text
    assert "partnerships in the explorer" not in text
    turtle = client.get(f"/id/{removed[0]}", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 410
    assert f"/id/{removed[0]}> was removed" in turtle.get_data(as_text=True)
    for linkset in (f"/linkset/{removed[0]}", f"/linkset/{removed[0]}.json"):
        assert client.get(linkset).status_code == 410, linkset
    live = next(entity for entity, entry in ledger.items() if not entry.deleted)
    assert client.get(f"/id/{live}", headers={"Accept": "text/turtle"}).status_code == 200


# --- the public address -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def public_app(built_settings: Settings) -> Iterator[Flask]:
    settings = dataclasses.replace(built_settings, public_url="https://mirror.example.org/belong")
    yield from make_app(settings)


def test_the_public_url_setting_rewrites_rdf_and_pages(public_app: Flask) -> None:
    client = public_app.test_client()
    public = "https://mirror.example.org/belong/"
    turtle = client.get("/id/organisation/university-of-kent", headers={"Accept": "text/turtle"})
    assert turtle.headers["Content-Location"] == public + "id/organisation/university-of-kent.ttl"
    graph = Graph().parse(data=turtle.get_data(as_text=True), format="turtle")
    kent = URIRef(public + "id/organisation/university-of-kent")
    assert (kent, RDF.type, BEL.University) in graph  # the ontology's terms are never rewritten
    entities = {str(t) for triple in graph for t in triple if isinstance(t, URIRef)}
    assert not any(iri.startswith(BASE + "id/") for iri in entities)
    html = client.get("/id/organisation/university-of-kent").get_data(as_text=True)
    assert f'href="{public}id/project/beyond-us-and-them"' in html
    assert f'href="{public}ontology#University"' in html
    assert BASE + "id/" not in html


def test_every_address_the_server_gives_is_the_public_one(public_app: Flask) -> None:
    """robots.txt, the sitemap, the dataset description, OAI-PMH's baseURL and the network's
    pages name the public address, never the one the request came to."""
    client = public_app.test_client()
    public = "https://mirror.example.org/belong/"
    robots = client.get("/robots.txt").get_data(as_text=True)
    assert f"Sitemap: {public}sitemap.xml" in robots
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    assert f"<loc>{public}id/organisation/university-of-kent</loc>" in sitemap
    turtle = {"Accept": "text/turtle"}
    void = Graph().parse(data=client.get("/.well-known/void", headers=turtle).data, format="turtle")
    assert (URIRef(public + "id/dataset/belong-network-library"), None, None) in void
    identify = client.get("/oai?verb=Identify").get_data(as_text=True)
    assert f"<oai:baseURL>{public}oai</oai:baseURL>" in identify
    ego = client.get("/api/network/ego?entity=organisation/belong").get_json()
    pages = {node["id"]: node["page"] for node in ego["nodes"]}
    assert pages[BASE + "id/organisation/belong"] == public + "id/organisation/belong"
    for text in (robots, sitemap, identify):
        assert "http://localhost" not in text


def test_a_missing_entity_is_404_even_to_a_conditional_request(client: FlaskClient) -> None:
    since = {"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT", "Accept": "text/turtle"}
    assert client.get("/id/person/no-such-person", headers=since).status_code == 404


def test_a_public_url_equal_to_the_base_serves_canonical_iris(built_settings: Settings) -> None:
    settings = dataclasses.replace(built_settings, public_url=BASE)
    for app in make_app(settings):
        graph = Graph().parse(
            data=app.test_client().get("/id/person/jo-broadwood.nt").get_data(as_text=True),
            format="nt",
        )
        assert (URIRef(BASE + "id/person/jo-broadwood"), RDFS.label, None) in graph


# --- pages -------------------------------------------------------------------------------------


class HeadReader(HTMLParser):
    """The meta tags, alternate links and JSON-LD scripts of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.alternates: dict[str, str] = {}
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "meta" and "name" in values:
            self.meta.append((values["name"], values["content"]))
        if tag == "link" and values.get("rel") == "alternate":
            self.alternates[values["type"]] = values["href"]
        self._in_script = tag == "script" and values.get("type") == "application/ld+json"

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False


def read_head(client: FlaskClient, path: str) -> HeadReader:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200
    reader = HeadReader()
    reader.feed(response.get_data(as_text=True))
    return reader


def test_resource_page_has_citation_and_dublin_core_tags(client: FlaskClient) -> None:
    head = read_head(client, f"/id/{REPORT}")
    tags: dict[str, list[str]] = {}
    for name, content in head.meta:
        tags.setdefault(name, []).append(content)
    assert tags["citation_title"] == [
        "Discrimination, Prejudice and Cohesion – Intergroup relations among Black, Muslim and "
        "White People in Britain in the Context of COVID-19 and Beyond"
    ]
    authors = [" ".join(reversed(name.split(", "))) for name in tags["citation_author"]]
    assert (
        authors == DISCRIMINATION_AUTHORS
    )  # in the order the library prints them, "Family, Given"
    assert tags["citation_publication_date"] == ["2022/07"]  # July 2022
    assert tags["citation_abstract_html_url"] == [f"{LOCAL}id/{REPORT}"]
    assert tags["DC.title"] == tags["citation_title"]
    assert tags["DC.creator"] == tags["citation_author"]
    assert tags["DC.date"] == ["2022-07"]
    published = read_head(
        client,
        "/id/resource/building-the-foundations-for-social-connections-in-yorkshire-and-humber",
    )
    publishers = [content for name, content in published.meta if name == "citation_publisher"]
    assert "Migration Yorkshire" in publishers  # "Publisher: IPPR/Migration Yorkshire"


def test_pages_embed_schema_org_json_ld(client: FlaskClient) -> None:
    head = read_head(client, f"/id/{REPORT}")
    (script,) = head.scripts
    data = json.loads(script)
    assert data["@context"] == "https://schema.org"
    assert data["@id"] == f"{LOCAL}id/{REPORT}"
    assert "Report" in data["@type"]
    assert [a["name"] for a in data["author"]][:3] == [
        "Dominic Abrams",
        "Jo Broadwood",
        "Fanny Lalot",
    ]
    assert data["datePublished"] == "2022-07"
    data["@context"] = {"@vocab": "http://schema.org/"}  # offline: schema.org's context is a vocab
    graph = Graph().parse(data=json.dumps(data), format="json-ld")
    assert (
        URIRef(f"{LOCAL}id/{REPORT}"),
        SCHEMA.author,
        URIRef(f"{LOCAL}id/person/jo-broadwood"),
    ) in graph
    kent = json.loads(read_head(client, "/id/organisation/university-of-kent").scripts[0])
    assert kent["name"] == "University of Kent"
    assert "CollegeOrUniversity" in kent["@type"]


def test_pages_link_to_each_rdf_form(client: FlaskClient) -> None:
    head = read_head(client, "/id/theme/social-cohesion")
    assert head.alternates == {
        media_type: f"{LOCAL}id/theme/social-cohesion.{extension}"
        for media_type, (_, extension) in RDF_TYPES.items()
    }
    assert [name for name, _ in head.meta if name.startswith("citation_")] == []  # not a resource


def test_entity_pages_show_properties_with_labels(client: FlaskClient) -> None:
    html = client.get(f"/id/{REPORT}").get_data(as_text=True)
    facts = html[html.index('data-facts="properties"') :]
    assert f'<a href="{LOCAL}id/theme/covid-19">COVID-19</a>' in facts
    assert f'<a href="{LOCAL}id/person/jo-broadwood">Jo Broadwood</a>' in facts
    assert "2020-05" in facts  # the period, a blank node, shown inside the page
    kent = client.get("/id/organisation/university-of-kent").get_data(as_text=True)
    backlinks = kent[kent.index('data-facts="backlinks"') :]
    assert "University of Kent: Research partner of Beyond Us and Them" in backlinks
    assert "Centre for the Study of Group Processes" in backlinks
    assert 'id="list-1-heading">Initiatives</h2>' in kent  # the lists from its views stay


def test_the_department_is_shown_by_its_name_today_with_its_dated_names(
    client: FlaskClient,
) -> None:
    """The listing (2022) calls it DLUHC, "then MHCLG"; the identifiers table gives MHCLG today."""
    today = "Ministry of Housing, Communities and Local Government"
    html = client.get("/id/organisation/dluhc").get_data(as_text=True)
    assert f"<title>{today} ·" in html
    assert f"<h1>{today}</h1>" in html
    facts = html[html.index('data-facts="properties"') :]
    assert "Department for Levelling Up, Housing and Communities" in facts  # a dated name
    dluhc = facts.index("Department for Levelling Up")
    named = facts[facts.rindex("Dated name", 0, dluhc) : dluhc]
    assert named.count("2022-07") == named.count("2022-08") == 1  # once each, however reached
    graph = describe(client, "organisation/dluhc")
    dluhc_node = ID["organisation/dluhc"]
    assert graph.value(dluhc_node, SCHEMA.name) == Literal(today, lang="en")
    assert graph.value(dluhc_node, RDFS.label) == Literal(today, lang="en")


def test_a_description_holds_each_statement_once() -> None:
    """A CONSTRUCT repeats a statement that two paths reach (a blank node shared by two)."""
    entity, value = ox.NamedNode(LOCAL + "id/x"), ox.BlankNode("period")
    statement = ox.Triple(entity, ox.NamedNode(DCTERMS.temporal), value)
    description = Description(entity.value, [statement, statement])
    assert description.triples == [statement]  # what the RDF documents are written from
    assert description.values(DCTERMS.temporal) == [value]


def test_kinds_without_views_get_the_generic_page(client: FlaskClient) -> None:
    html = client.get("/id/role/research-partner").get_data(as_text=True)
    assert "<h1>Research partner</h1>" in html
    assert '<p class="kind">Role</p>' in html
    assert "University of Kent: Research partner of Beyond Us and Them" in html


# --- the ontology ------------------------------------------------------------------------------


def ontology_file() -> Graph:
    return Graph().parse(PROJECT_ROOT / "ontology" / "belong.ttl")


def test_the_ontology_is_documented_at_its_namespace(client: FlaskClient) -> None:
    response = client.get("/ontology", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["Content-Location"] == LOCAL + "ontology.html"
    html = response.get_data(as_text=True)
    source = ontology_file()
    terms = [
        t
        for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
        for t in source.subjects(RDF.type, kind)
    ]
    assert len(terms) > 20
    for term in terms:
        name = str(term).removeprefix(str(BEL))
        section = html[html.index(f'<section class="term" id="{name}"') :]
        section = section[: section.index("</section>")]
        assert str(source.value(term, RDFS.label)) in section
    participation = html[html.index('id="Participation"') :]
    assert 'href="http://www.w3.org/ns/org#Membership">org:Membership' in participation[:2000]


def test_the_ontology_answers_in_rdf(client: FlaskClient) -> None:
    response = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert response.headers["Content-Location"] == LOCAL + "ontology.ttl"
    served = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    source = ontology_file()
    for triple in source.triples((None, RDFS.subClassOf, None)):
        assert triple in served
    rdfxml = client.get("/ontology.rdf")
    assert rdfxml.mimetype == "application/rdf+xml"
    assert len(Graph().parse(data=rdfxml.get_data(as_text=True), format="xml")) == len(served)
    assert client.get("/ontology.pdf").status_code == 404


# --- on the live server ------------------------------------------------------------------------


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def fetch(url: str, accept: str = "text/html") -> tuple[str, str]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.headers.get_content_type(), response.read().decode()


@pytest.mark.integration
def test_a_crawl_from_the_root_reaches_entities_on_this_server(live_server: LiveServer) -> None:
    root = live_server.url + "/"
    queue, seen, entity = [root], {root}, None
    while queue and entity is None:
        url = queue.pop(0)
        _, html = fetch(url)
        links = Links()
        links.feed(html)
        for href in links.hrefs:
            target = urljoin(url, href).split("#")[0]
            if target.startswith(root + "id/"):
                entity = target
                break
            if (
                target.startswith(root)
                and target not in seen
                and "/sparql" not in target
                and "/api/" not in target
            ):
                seen.add(target)
                queue.append(target)
    assert entity is not None, "no entity page linked from the root"
    media_type, turtle = fetch(entity, "text/turtle")
    assert media_type == "text/turtle"
    graph = Graph().parse(data=turtle, format="turtle", publicID=entity)
    assert (URIRef(entity), RDFS.label, None) in graph
    linked = sorted({str(o) for o in graph.objects() if isinstance(o, URIRef) and "/id/" in str(o)})
    assert linked and all(iri.startswith(root + "id/") for iri in linked)
    _, next_page = fetch(linked[0])  # and what it links to answers here too
    assert "<h1>" in next_page


@pytest.mark.browser
@pytest.mark.integration
def test_an_entity_page_renders_its_properties(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/id/organisation/university-of-kent")
    backlinks = page.locator('dl[data-facts="backlinks"]')
    expect(backlinks).to_be_hidden()  # folded below what a reader came for
    page.get_by_text("The graph's facts").click()
    expect(backlinks).to_be_visible()
    backlinks.get_by_role(
        "link", name="University of Kent: Research partner of Beyond Us and Them"
    ).click()
    expect(page.locator("h1")).to_have_text(
        "University of Kent: Research partner of Beyond Us and Them"
    )
    properties = page.locator('dl[data-facts="properties"]')
    expect(properties.get_by_role("link", name="Research partner", exact=True)).to_be_visible()
    expect(properties.get_by_role("link", name="Beyond Us and Them", exact=True)).to_be_visible()
    script = page.locator('script[type="application/ld+json"]')
    data = json.loads(script.text_content() or "")
    assert data["name"] == "University of Kent: Research partner of Beyond Us and Them"
