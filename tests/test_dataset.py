"""The dataset description (VoID and DCAT at /.well-known/void), the dataset page with its
schema.org JSON-LD, the sitemap and robots.txt, through the Flask test client on a fresh build.

Counts are checked against SPARQL queries on the served store, sizes and checksums against the
files the build wrote, and entity pages against the seed documents."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from datetime import datetime
from email.utils import format_datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import FOAF, PROV, RDF, RDFS, XSD
from rdflib.term import Node

from belong_graph.build import current_store_dir
from belong_graph.publish.publication import write_entity_sitemaps
from belong_graph.publish.sitemap import SITE_PAGES, Location, pages_of, sitemap_index, urlset
from belong_graph.publish.statistics import count
from belong_graph.settings import Settings
from belong_graph.store import DatasetVersion, OxigraphStore
from tests.conftest import BASE, copied_build, make_app

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
SCHEMA = Namespace("http://schema.org/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SERVER = "http://localhost/"  # the test client's address: entity IRIs are written with it
DATASET = URIRef(SERVER + "id/dataset/belong-network-library")
BELONG = URIRef(SERVER + "id/organisation/belong")
PUBLISHER = URIRef(SERVER + "id/dataset/belong-network-library#publisher")
SOURCE_PAGES = ("research-and-resources", "belong-network-library")  # the two seed pages
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
VOID_TYPES = {
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    "ntriples": "application/n-triples",
}
RDFLIB_NAMES = {"turtle": "turtle", "jsonld": "json-ld", "rdfxml": "xml", "ntriples": "nt"}


def canonical(iri: Node) -> str:
    """The IRI the SPARQL endpoint knows for an entity IRI written with the server's address."""
    return BASE + str(iri).removeprefix(SERVER)


def sparql(client: FlaskClient, query: str) -> list[dict[str, Any]]:
    response = client.get("/sparql", query_string={"query": query, "format": "json"})
    assert response.status_code == 200, response.data
    rows: list[dict[str, Any]] = response.get_json()["results"]["bindings"]
    return rows


def number(client: FlaskClient, query: str) -> int:
    return int(sparql(client, query)[0]["n"]["value"])


def void(client: FlaskClient, fmt: str = "turtle") -> Graph:
    response = client.get("/.well-known/void", headers={"Accept": VOID_TYPES[fmt]})
    assert response.status_code == 200
    assert response.mimetype == VOID_TYPES[fmt]
    return Graph().parse(data=response.data, format=RDFLIB_NAMES[fmt])


@pytest.fixture(scope="module")
def description(client_module: FlaskClient) -> Graph:
    return void(client_module)


@pytest.fixture(scope="module")
def client_module(app: Flask) -> FlaskClient:
    return app.test_client()


def value(graph: Graph, subject: Any, prop: URIRef) -> Any:
    found = graph.value(subject, prop)
    assert found is not None, f"{subject} has no {prop}"
    return found


# --- the description ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", sorted(VOID_TYPES))
def test_the_description_parses_in_every_format_and_says_the_same(
    client: FlaskClient, description: Graph, fmt: str
) -> None:
    graph = void(client, fmt)
    assert (DATASET, RDF.type, VOID.Dataset) in graph
    assert (DATASET, RDF.type, DCAT.Dataset) in graph
    assert isomorphic(graph, description)


def test_the_format_parameter_and_browsers(client: FlaskClient) -> None:
    named = client.get("/.well-known/void?format=ntriples")
    assert named.mimetype == "application/n-triples"
    assert f"<{DATASET}> <{RDF.type}> <{VOID.Dataset}> .".encode() in named.data
    browser = client.get(
        "/.well-known/void", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    )
    assert browser.status_code == 303
    assert browser.headers["Location"].endswith("/dataset")
    assert "Accept" in browser.headers["Vary"]
    assert client.get("/.well-known/void", headers={"Accept": "*/*"}).mimetype == "text/turtle"


def test_the_description_names_its_document_and_links_its_other_forms(
    client: FlaskClient,
) -> None:
    """As an entity's and the ontology's answers do: a harvester that negotiated Turtle learns
    from the headers where the JSON-LD, RDF/XML and N-Triples forms and the page are."""
    answer = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert answer.headers["Content-Location"] == SERVER + ".well-known/void?format=turtle"
    links = dict(re.findall(r'<([^>]+)>; rel="alternate"; type="([^"]+)"', answer.headers["Link"]))
    assert links == {
        SERVER + ".well-known/void?format=jsonld": "application/ld+json",
        SERVER + ".well-known/void?format=rdfxml": "application/rdf+xml",
        SERVER + ".well-known/void?format=ntriples": "application/n-triples",
        SERVER + "dataset": "text/html",
    }
    for url, media_type in links.items():
        other = client.get(url.removeprefix(SERVER.rstrip("/")))
        assert (other.status_code, other.mimetype) == (200, media_type), url
    named = client.get("/.well-known/void?format=jsonld")
    assert named.headers["Content-Location"] == SERVER + ".well-known/void?format=jsonld"
    held = client.get(
        "/.well-known/void?format=jsonld", headers={"If-None-Match": named.headers["ETag"]}
    )
    assert held.status_code == 304
    assert (held.headers["Content-Location"], held.headers["Link"]) == (
        named.headers["Content-Location"],
        named.headers["Link"],
    )


def test_the_dataset_iris_documents_lead_to_the_description_in_their_format(
    client: FlaskClient,
) -> None:
    """``….ttl``, ``….html`` and ``?format=`` work on the dataset's and a linkset's IRI as on
    every other IRI under id/: each is a 303 to the description in that form, or to its page."""
    for path, location in {
        "id/dataset/belong-network-library.ttl": "/.well-known/void?format=turtle",
        "id/dataset/belong-network-library.jsonld": "/.well-known/void?format=jsonld",
        "id/linkset/ror-owl-sameas.nt": "/.well-known/void?format=ntriples",
        "id/dataset/belong-network-library?format=rdfxml": "/.well-known/void?format=rdfxml",
        "id/dataset/belong-network-library.html": "/dataset",
        "id/dataset/belong-network-library?format=html": "/dataset",
    }.items():
        answer = client.get("/" + path)
        assert (answer.status_code, answer.headers["Location"]) == (303, location), path
        assert client.get(location).status_code == 200, path
    assert client.get("/id/dataset/no-such-dataset.ttl").status_code == 404


def test_nothing_acceptable_gets_406_and_an_unknown_format_400(client: FlaskClient) -> None:
    refused = client.get("/.well-known/void", headers={"Accept": "image/png"})
    assert (refused.status_code, refused.mimetype) == (406, "text/plain")
    assert b"text/turtle" in refused.data
    unknown = client.get("/.well-known/void?format=pdf")
    assert (unknown.status_code, unknown.mimetype) == (400, "text/plain")
    assert unknown.data.startswith(b"Unknown format 'pdf'; use one of: ")


def test_title_licence_publisher_and_dates(
    description: Graph, built_settings: Settings, build_folder: Path
) -> None:
    version = DatasetVersion.read(build_folder)
    assert value(description, DATASET, DCTERMS.license) == CC_BY
    assert value(description, DATASET, DCTERMS.publisher) == PUBLISHER
    assert "Belong Network Library" in value(description, DATASET, DCTERMS.title)
    assert len(value(description, DATASET, DCTERMS.description)) >= 50
    modified = value(description, DATASET, DCTERMS.modified)
    assert modified.datatype == XSD.dateTime
    assert modified.toPython() == datetime.fromisoformat(version.built)
    assert value(description, DATASET, VOID.uriSpace) == Literal(SERVER + "id/")
    assert value(description, DATASET, DCAT.landingPage) == URIRef(SERVER + "dataset")


def test_by_default_this_project_publishes_the_graph_and_belong_its_sources(
    client: FlaskClient, description: Graph
) -> None:
    """No source says Belong made or publishes this graph: the default publisher and creator is
    this project, the contact a placeholder at a reserved domain, and Belong is named only where
    the graph itself names it, as the publisher of the pages the dataset is derived from."""
    for role in (DCTERMS.publisher, DCTERMS.creator):
        assert value(description, DATASET, role) == PUBLISHER
    assert value(description, PUBLISHER, FOAF.name) == Literal("belong-graph")
    assert description.value(PUBLISHER, FOAF.homepage) is None
    contact = value(description, DATASET, DCAT.contactPoint)
    assert value(description, contact, VCARD.hasEmail) == URIRef("mailto:data@example.org")
    assert BELONG not in set(description.all_nodes())
    text = description.serialize(format="nt")
    assert "www.belongnetwork.co.uk" not in text and "@belongnetwork" not in text
    sources = set(description.objects(DATASET, DCTERMS.source))
    assert sources == set(description.objects(DATASET, PROV.wasDerivedFrom))
    pages = {URIRef(SERVER + "id/source/" + s) for s in SOURCE_PAGES}
    assert pages < sources
    for page in pages:
        publisher = sparql(
            client, f"SELECT ?p WHERE {{ <{canonical(page)}> <{DCTERMS.publisher}> ?p }}"
        )
        assert [row["p"]["value"] for row in publisher] == [canonical(BELONG)]


def test_the_rights_say_the_quoted_text_remains_belongs(description: Graph) -> None:
    rights = value(description, DATASET, DCTERMS.rights)
    assert (rights, RDF.type, DCTERMS.RightsStatement) in description
    text = str(value(description, rights, RDFS.label))
    assert "titles, descriptions and credits" in text
    assert "quoted from the pages of Belong - The Cohesion and Integration Network" in text
    assert "remain theirs" in text
    for distribution in description.objects(DATASET, DCAT.distribution):
        assert value(description, distribution, DCTERMS.rights) == rights


def test_the_operator_sets_publisher_contact_and_licence(built_settings: Settings) -> None:
    settings = dataclasses.replace(
        built_settings,
        publisher_name="Example Research Library",
        publisher_url="https://library.example.net/",
        contact_email="harvesting@library.example.net",
        licence="https://creativecommons.org/publicdomain/zero/1.0/",
        licence_name="CC0 1.0 Universal",
    )
    for app in make_app(settings):
        client = app.test_client()
        graph = void(client)
        publisher = value(graph, DATASET, DCTERMS.publisher)
        assert value(graph, publisher, FOAF.name) == Literal("Example Research Library")
        assert value(graph, publisher, FOAF.homepage) == URIRef("https://library.example.net/")
        contact = value(graph, DATASET, DCAT.contactPoint)
        assert value(graph, contact, VCARD.hasEmail) == URIRef(
            "mailto:harvesting@library.example.net"
        )
        cc0 = URIRef("https://creativecommons.org/publicdomain/zero/1.0/")
        assert value(graph, DATASET, DCTERMS.license) == cc0
        assert value(graph, cc0, DCTERMS.title) == Literal("CC0 1.0 Universal", lang="en")
        assert value(graph, DATASET, DCTERMS.rights) is not None
        dataset = schema_org(client)
        assert dataset["license"] == str(cc0)
        assert dataset["publisher"]["name"] == "Example Research Library"
        assert dataset["publisher"]["url"] == "https://library.example.net/"
        assert dataset["publisher"]["contactPoint"]["email"] == "harvesting@library.example.net"
        page = client.get("/dataset").get_data(as_text=True)
        assert '<a href="https://library.example.net/">Example Research Library</a>' in page
        assert 'href="mailto:harvesting@library.example.net"' in page
        identify = ET.fromstring(client.get("/oai?verb=Identify").data)
        admin = identify.findtext(".//{http://www.openarchives.org/OAI/2.0/}adminEmail")
        assert admin == "harvesting@library.example.net"


def test_endpoint_and_data_service(description: Graph) -> None:
    endpoint = URIRef(SERVER + "sparql")
    assert value(description, DATASET, VOID.sparqlEndpoint) == endpoint
    services = list(description.subjects(DCAT.servesDataset, DATASET))
    assert services == [endpoint]
    assert (endpoint, RDF.type, DCAT.DataService) in description
    assert value(description, endpoint, DCAT.endpointURL) == endpoint


def test_triples_are_the_distinct_triples_and_subsets_add_up_to_the_quads(
    client: FlaskClient, description: Graph
) -> None:
    distinct = number(
        client, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
    )
    quads = number(client, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert value(description, DATASET, VOID.triples).toPython() == distinct
    subsets = [  # one per named graph; the linksets are subsets too
        s
        for s in description.objects(DATASET, VOID.subset)
        if (s, RDF.type, VOID.Linkset) not in description
    ]
    assert sum(value(description, s, VOID.triples).toPython() for s in subsets) == quads
    graphs = {str(value(description, s, URIRef(SD + "name"))) for s in subsets}
    assert BASE + "graph/data/resources" in graphs
    assert BASE + "graph/derived" in graphs


SD = "http://www.w3.org/ns/sparql-service-description#"


def test_entity_subject_and_object_counts(client: FlaskClient, description: Graph) -> None:
    entities = number(
        client,
        "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o "
        f'FILTER(STRSTARTS(STR(?s), "{BASE}id/")) }}',
    )
    subjects = number(client, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }")
    objects = number(client, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }")
    assert value(description, DATASET, VOID.entities).toPython() == entities
    assert value(description, DATASET, VOID.distinctSubjects).toPython() == subjects
    assert value(description, DATASET, VOID.distinctObjects).toPython() == objects


def test_class_partitions_match_the_store(client: FlaskClient, description: Graph) -> None:
    rows = sparql(client, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c")
    expected = {row["c"]["value"]: int(row["n"]["value"]) for row in rows}
    stated = {
        str(value(description, p, VOID["class"])): value(description, p, VOID.entities).toPython()
        for p in description.objects(DATASET, VOID.classPartition)
    }
    assert stated == expected
    assert stated[str(SCHEMA.ResearchProject)] == 5  # the seed's five research projects
    assert value(description, DATASET, VOID.classes).toPython() == len(expected)


def test_property_partitions_match_the_store(client: FlaskClient, description: Graph) -> None:
    rows = sparql(
        client,
        "SELECT ?p (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } } "
        "GROUP BY ?p",
    )
    expected = {row["p"]["value"]: int(row["n"]["value"]) for row in rows}
    stated = {
        str(value(description, p, VOID.property)): value(description, p, VOID.triples).toPython()
        for p in description.objects(DATASET, VOID.propertyPartition)
    }
    assert stated == expected


@pytest.mark.parametrize("twice", [False, True])
def test_property_partitions_count_a_triple_in_two_graphs_once(twice: bool) -> None:
    """Where no triple is in two graphs the build counts the quads by predicate, which is the
    same; where one is, it counts the distinct triples."""
    store = ox.Store()
    named, title = ox.NamedNode(BASE + "id/x"), ox.NamedNode(str(DCTERMS.title))
    graphs = [ox.NamedNode(BASE + "graph/a"), ox.NamedNode(BASE + "graph/b")]
    store.add(ox.Quad(named, title, ox.Literal("X"), graphs[0]))
    store.add(ox.Quad(named, title, ox.Literal("X" if twice else "Y"), graphs[1]))
    version = DatasetVersion(digest="d", built="2026-01-01T00:00:00+00:00", quads=len(store))
    counted = OxigraphStore(store, version)
    statistics, entities = count(counted, BASE + "id/", triples=counted.triples)
    assert (statistics.triples, statistics.quads) == ((1, 2) if twice else (2, 2))
    assert [(p.iri, p.count) for p in statistics.properties] == [
        (str(DCTERMS.title), statistics.triples)
    ]
    assert [e.iri for e in entities] == [BASE + "id/x"]
    assert statistics.distinct_subjects == 1


def test_examples_are_entities_and_vocabularies_are_used(
    client: FlaskClient, description: Graph
) -> None:
    examples = set(description.objects(DATASET, VOID.exampleResource))
    assert URIRef(SERVER + "id/project/beyond-us-and-them") in examples
    for example in examples:
        query = f"ASK {{ <{canonical(example)}> ?p ?o }}"
        response = client.get("/sparql", query_string={"query": query})
        assert response.get_json()["boolean"] is True
    vocabularies = {str(v) for v in description.objects(DATASET, VOID.vocabulary)}
    for used in (str(SCHEMA), str(DCTERMS), "http://www.w3.org/ns/org#", BASE + "ontology#"):
        assert used in vocabularies


def test_a_distribution_for_every_dump_with_its_size_and_checksum(
    description: Graph, build_folder: Path
) -> None:
    files = {p.name: p for p in (build_folder / "dumps").glob("*.gz")}
    assert set(files) == {f"belong-graph.{ext}.gz" for ext in ("nq", "trig", "ttl", "nt", "jsonld")}
    distributions = list(description.objects(DATASET, DCAT.distribution))
    assert len(distributions) == len(files)
    dumps = {str(d) for d in description.objects(DATASET, VOID.dataDump)}
    for distribution in distributions:
        url = str(value(description, distribution, DCAT.downloadURL))
        assert url in dumps
        path = files[url.removeprefix(SERVER + "dumps/")]
        size = value(description, distribution, DCAT.byteSize)
        assert size.datatype == XSD.nonNegativeInteger
        assert size.toPython() == path.stat().st_size
        checksum = value(description, distribution, SPDX.checksum)
        assert value(description, checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert str(value(description, checksum, SPDX.checksumValue)) == digest
        assert str(value(description, distribution, DCAT.compressFormat)).endswith(
            "/application/gzip"
        )
        media = str(value(description, distribution, DCAT.mediaType))
        assert media.startswith("http://www.iana.org/assignments/media-types/")
        assert value(description, distribution, DCTERMS.license) == CC_BY


def test_conditional_requests_get_304(client: FlaskClient) -> None:
    for url in ("/.well-known/void", "/dataset", "/sitemap.xml", "/dumps/belong-graph.nt.gz"):
        with client.get(url) as first:
            assert first.status_code == 200, url
        etag = first.headers["ETag"]
        with client.get(url, headers={"If-None-Match": etag}) as again:
            assert again.status_code == 304, url
            assert again.data == b""
        last_modified = first.headers["Last-Modified"]
        with client.get(url, headers={"If-Modified-Since": last_modified}) as since:
            assert since.status_code == 304, url
    old = format_datetime(datetime(2000, 1, 1).astimezone(), usegmt=False)
    assert client.get("/dataset", headers={"If-Modified-Since": old}).status_code == 200


# --- the dataset page --------------------------------------------------------------------------


class _JsonLd(HTMLParser):
    """The JSON-LD scripts and alternate links of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.alternates: list[dict[str, str | None]] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self._inside = tag == "script" and found.get("type") == "application/ld+json"
        if self._inside:
            self.scripts.append("")
        if tag == "link" and found.get("rel") == "alternate":
            self.alternates.append(found)

    def handle_endtag(self, tag: str) -> None:
        self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.scripts[-1] += data


def schema_org(client: FlaskClient) -> dict[str, Any]:
    """The schema.org ``Dataset`` of the dataset page, as JSON."""
    page = _JsonLd()
    page.feed(client.get("/dataset").get_data(as_text=True))
    (script,) = page.scripts
    found: dict[str, Any] = json.loads(script)
    return found


def test_the_dataset_page_has_schema_org_json_ld_naming_the_dumps(
    client: FlaskClient, build_folder: Path
) -> None:
    response = client.get("/dataset")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = _JsonLd()
    page.feed(response.get_data(as_text=True))
    assert len(page.scripts) == 1
    graph = Graph().parse(data=page.scripts[0], format="json-ld")
    (dataset,) = graph.subjects(RDF.type, SCHEMA.Dataset)
    assert dataset == DATASET
    assert value(graph, dataset, SCHEMA.license) == Literal(str(CC_BY))
    publisher = value(graph, dataset, SCHEMA.publisher)
    assert value(graph, dataset, SCHEMA.creator) == publisher == PUBLISHER
    assert value(graph, publisher, SCHEMA.name) == Literal("belong-graph")
    assert graph.value(publisher, SCHEMA.url) is None
    contact = value(graph, publisher, SCHEMA.contactPoint)
    assert value(graph, contact, SCHEMA.email) == Literal("data@example.org")
    assert "remain theirs" in value(graph, dataset, SCHEMA.copyrightNotice)
    based_on = set(graph.objects(dataset, SCHEMA.isBasedOn))
    assert {URIRef(SERVER + "id/source/" + s) for s in SOURCE_PAGES} < based_on
    assert BELONG not in set(graph.all_nodes())
    assert value(graph, dataset, SCHEMA.url) == Literal(SERVER + "dataset")
    assert len(list(graph.objects(dataset, SCHEMA.keywords))) >= 3
    downloads = {
        str(value(graph, d, SCHEMA.contentUrl)): str(value(graph, d, SCHEMA.sha256))
        for d in graph.objects(dataset, SCHEMA.distribution)
        if (d, RDF.type, SCHEMA.DataDownload) in graph
    }
    for path in (build_folder / "dumps").glob("*.gz"):
        url = SERVER + "dumps/" + path.name
        assert downloads[url] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert {a["type"] for a in page.alternates} == set(VOID_TYPES.values())


def test_the_dataset_page_shows_the_facts(client: FlaskClient, description: Graph) -> None:
    text = client.get("/dataset").get_data(as_text=True)
    triples = value(description, DATASET, VOID.triples).toPython()
    assert f"<td>{triples}</td>" in text
    assert "CC BY 4.0" in text
    assert 'href="http://localhost/sparql"' in text
    assert "<td>belong-graph</td>" in text
    assert '<a href="mailto:data@example.org">data@example.org</a>' in text
    assert "remain theirs" in text
    assert 'href="http://localhost/id/source/research-and-resources"' in text
    assert "id/organisation/belong" not in text
    assert "schema:ResearchProject" in text
    for name in ("belong-graph.nt.gz", "belong-graph.nq.gz", "belong-graph.ttl.gz"):
        assert f'href="http://localhost/dumps/{name}"' in text


# --- dumps, sitemap, robots --------------------------------------------------------------------


def test_a_dump_is_served_as_gzip(client: FlaskClient, build_folder: Path) -> None:
    path = build_folder / "dumps" / "belong-graph.nt.gz"
    with client.get("/dumps/belong-graph.nt.gz") as response:
        assert response.status_code == 200
        assert response.mimetype == "application/gzip"
        assert "Content-Encoding" not in response.headers
        assert response.data == path.read_bytes()
    assert response.headers["ETag"] == f'"{hashlib.sha256(path.read_bytes()).hexdigest()}"'
    missing = client.get("/dumps/belong-graph.owl.gz")
    assert (missing.status_code, missing.mimetype) == (404, "text/plain")
    assert b"belong-graph.nt.gz" in missing.data


def sitemap_urls(client: FlaskClient) -> dict[str, str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    root = ET.fromstring(response.data)
    assert root.tag == SITEMAP + "urlset"
    urls = {}
    for url in root.iter(SITEMAP + "url"):
        urls[url.findtext(SITEMAP + "loc") or ""] = url.findtext(SITEMAP + "lastmod") or ""
    return urls


def test_the_sitemap_lists_every_entity_page_and_the_sites_pages(client: FlaskClient) -> None:
    urls = sitemap_urls(client)
    rows = sparql(
        client,
        f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{BASE}id/")) }}',
    )
    entities = {SERVER + row["s"]["value"].removeprefix(BASE) for row in rows}
    removed = sparql(client, f"SELECT ?s WHERE {{ ?s <{PROV.invalidatedAtTime}> ?gone }}")
    gone = {SERVER + row["s"]["value"].removeprefix(BASE) for row in removed}
    assert gone <= entities and gone, "the real data's ledger keeps a deleted entity"
    pages = {SERVER + page for page in SITE_PAGES}
    assert SERVER + "model" in pages and set(urls) == (entities - gone) | pages
    assert all(client.get(url.removeprefix(SERVER[:-1])).status_code == 200 for url in pages)
    for seen in ("resource/supporting-migrant-communities", "organisation/university-of-kent"):
        assert SERVER + "id/" + seen in urls
    w3c_datetime = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2}|Z))?$")
    assert all(w3c_datetime.match(lastmod) for lastmod in urls.values())


def test_a_large_sitemap_is_split_under_an_index() -> None:
    found = [Location(f"http://x/id/thing/{n}", f"2024-01-0{1 + n % 3}") for n in range(7)]
    pages = pages_of(found, limit=3)
    assert [len(p) for p in pages] == [3, 3, 1]
    index = ET.fromstring(sitemap_index([Location("http://x/sitemaps/1.xml", "2024-01-03")]))
    assert index.tag == SITEMAP + "sitemapindex"
    assert index.findtext(f"{SITEMAP}sitemap/{SITEMAP}loc") == "http://x/sitemaps/1.xml"
    first = ET.fromstring(urlset(pages[0]))
    assert [u.findtext(SITEMAP + "loc") for u in first] == [
        f"http://x/id/thing/{n}" for n in range(3)
    ]


def test_the_sitemap_is_the_one_the_build_wrote_at_this_servers_address(
    client: FlaskClient, built_settings: Settings, build_folder: Path, tmp_path: Path
) -> None:
    written = (build_folder / "sitemap.xml").read_bytes()
    assert f"<loc>{BASE}id/resource/cultivating-contact</loc>".encode() in written
    served = client.get("/sitemap.xml").data
    assert served == written.replace(f"<loc>{BASE}".encode(), f"<loc>{SERVER}".encode())
    settings = copied_build(built_settings, build_folder, tmp_path)
    edited = written.replace(f"<loc>{BASE}dataset</loc>".encode(), f"<loc>{BASE}x</loc>".encode())
    (tmp_path / "store" / build_folder.name / "sitemap.xml").write_bytes(edited)
    for app in make_app(settings):
        urls = sitemap_urls(app.test_client())
        assert SERVER + "x" in urls and SERVER + "dataset" not in urls


def test_the_build_splits_a_long_sitemap(
    client: FlaskClient, built_settings: Settings, build_folder: Path, tmp_path: Path
) -> None:
    everything = sitemap_urls(client)
    settings = copied_build(built_settings, build_folder, tmp_path, "sitemap.xml")
    folder = current_store_dir(settings)
    assert folder is not None
    store = OxigraphStore.open(folder)
    _, entities = count(store, BASE + "id/", triples=store.triples)
    write_entity_sitemaps(folder, entities, base_iri=BASE, built=store.version.built, limit=50)
    for app in make_app(settings):
        split = app.test_client()
        index = ET.fromstring(split.get("/sitemap.xml").data)
        assert index.tag == SITEMAP + "sitemapindex"
        listed = [s.findtext(SITEMAP + "loc") or "" for s in index.iter(SITEMAP + "sitemap")]
        assert listed == [f"{SERVER}sitemaps/{n}.xml" for n in range(1, len(listed) + 1)]
        assert len(listed) == -(-len(everything) // 50)
        found: dict[str, str] = {}
        for url in listed:
            root = ET.fromstring(split.get(url.removeprefix(SERVER[:-1])).data)
            assert len(root) <= 50
            for entry in root.iter(SITEMAP + "url"):
                found[entry.findtext(SITEMAP + "loc") or ""] = (
                    entry.findtext(SITEMAP + "lastmod") or ""
                )
        assert found == everything
        beyond = split.get(f"/sitemaps/{len(listed) + 1}.xml")
        assert beyond.status_code == 404
        assert b"/sitemap.xml" in beyond.data
    assert client.get("/sitemaps/1.xml").status_code == 404  # one sitemap holds the whole list


def test_robots_allows_all_and_points_to_the_sitemap(client: FlaskClient) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert "User-agent: *" in lines
    assert "Allow: /" in lines
    assert f"Sitemap: {SERVER}sitemap.xml" in lines
    assert not any(line.startswith("Disallow: /") and line != "Disallow:" for line in lines)


def test_a_store_built_without_dumps_says_to_rebuild(
    built_settings: Settings, build_folder: Path, tmp_path: Path
) -> None:
    left_out = ("dumps", "statistics.json", "sitemap.xml", "oai.sqlite")
    settings = copied_build(built_settings, build_folder, tmp_path, *left_out)
    for app in make_app(settings):
        response = app.test_client().get("/.well-known/void")
        assert response.status_code == 503
        assert b"belong-graph build" in response.data
        for url in ("/dumps/belong-graph.nt.gz", "/sitemap.xml", "/oai?verb=Identify"):
            response = app.test_client().get(url)
            assert response.status_code == 503
            assert b"belong-graph build" in response.data
