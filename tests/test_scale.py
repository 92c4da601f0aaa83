"""Every route at library scale: a 3,000-resource synthetic library (``belong_graph.synthetic``),
validated, built and served by the real server, answers every kind of entity page, every RDF
format, every operation of the OpenAPI document with its examples, the catalogue, OAI-PMH, the
dataset description, the sitemap and the explorer, without an error and with content, so that a
query that blows up with the library's size fails here.

Nothing is timed: each request has a client timeout, so a query that hangs fails the test rather
than stalling it. How fast each route is, is measured by the benchmark (``make bench``).
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message

import pytest
from lxml import etree
from markupsafe import escape
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, VOID

from belong_graph.build import build_store
from belong_graph.catalogue import CannedQuery, load_catalogue
from belong_graph.settings import Settings
from belong_graph.synthetic import THEMES, TYPES, generate
from tests.conftest import BASE, LiveServer, fetch
from tests.test_api import documented_calls, documented_types, has_content, openapi_operations
from tests.test_oai import NS, assert_valid

pytestmark = pytest.mark.integration

RESOURCES = 3000
TIMEOUT = 20.0  # seconds: a request unanswered by then fails its test
HTML = "text/html"
RDF_FORMATS = {  # media type: rdflib's name of the syntax
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt",
}
VIEWS = load_catalogue(Settings().queries_dir)
# Entities the generator names: the views' documented examples, the anchors of the endpoint
# benchmark and the first of each numbered kind.
NAMED = {
    *(p.example for view in VIEWS for p in view.parameters if p.example and "/" in p.example),
    "resource/r000042",
    "person/p00001",
    "organisation/o00001",
    "organisation/o00002",
    "organisation/dluhc",
    "project/i0001",
    "place/bradford",
}
ENTITY_KINDS = (  # every kind of entity (below id/) the synthetic library holds
    "resource", "organisation", "person", "project", "theme", "place", "resource-type", "role",
    "contribution-role", "scheme", "identifier-scheme", "identifier", "participation",
    "authorship", "quotation", "source", "collection",
)  # fmt: skip
# Views that list something for every entity of their class: a resource's credits, an
# initiative's members.
ABOUT_EVERY_ENTITY = ("resource", "initiatives")
CLASS_KINDS = {  # the class an iri parameter names: the kind of entity (below id/) to try it with
    "dcterms:BibliographicResource": "resource",
    "org:Organization": "organisation",
    "schema:Person": "person",
    "bel:Initiative": "project",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The synthetic library, generated, validated (pySHACL-turbo), built and served."""
    folder = tmp_path_factory.mktemp("scale")
    data = folder / "library.ttl"
    with data.open("w", encoding="utf-8") as out:
        generate(out, resources=RESOURCES, seed=42, base_iri=BASE)
    # Record dates from a ledger of its own (none yet): our data's ledger would make the entities
    # it dates and this library lacks deleted records.
    ledger = folder / "record-dates.tsv"
    settings = Settings.load(
        {
            "data_paths": (data,),
            "store_dir": folder / "store",
            "changes_file": ledger,
            "validator": "turbo",
        }
    )
    build_store(settings)
    server = LiveServer(settings.store_dir, changes_file=str(ledger))
    yield server
    server.stop()


@dataclass(frozen=True)
class Answer:
    media_type: str
    headers: Message
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()


def get(server: LiveServer, path: str, accept: str = "application/json") -> Answer:
    """A GET of ``path`` that must answer 200 with a body within the timeout."""
    url = server.url + path
    try:
        status, headers, body = fetch(url, {"Accept": accept}, timeout=TIMEOUT)
    except TimeoutError as error:
        raise AssertionError(f"{url}: no answer within {TIMEOUT:g} s") from error
    assert status == 200, (url, status, body[:300])
    assert body.strip(), (url, "empty body")
    return Answer(headers.get_content_type(), headers, body)


def with_query(path: str, **values: str) -> str:
    return path + ("?" + urllib.parse.urlencode(values) if values else "")


@pytest.fixture(scope="module")
def entities(server: LiveServer) -> dict[str, dict[str, set[str]]]:
    """Every entity of the store by kind (``resource``...): its slug (below id/) with its
    labels, read through the SPARQL endpoint."""
    kinds = sparql(
        server,
        f"""SELECT DISTINCT ?kind WHERE {{ ?e ?p ?o
        FILTER (isIRI(?e) && STRSTARTS(STR(?e), "{BASE}id/"))
        BIND (STRBEFORE(STRAFTER(STR(?e), "{BASE}id/"), "/") AS ?kind) }}""",
    )
    found: dict[str, dict[str, set[str]]] = {}
    for row in kinds:
        prefix = f"{BASE}id/{row['kind']}/"
        labelled = sparql(
            server,
            f"""PREFIX rdfs: <{RDFS}>
            SELECT ?e ?label WHERE {{
              {{ SELECT DISTINCT ?e WHERE {{ ?e ?p ?o FILTER (STRSTARTS(STR(?e), "{prefix}")) }} }}
              OPTIONAL {{ ?e rdfs:label ?label }} }}""",
        )
        labels: dict[str, set[str]] = {}
        for entity in labelled:
            slug = entity["e"].removeprefix(BASE + "id/")
            labels.setdefault(slug, set()).update([entity["label"]] if "label" in entity else [])
        found[row["kind"]] = labels
    return found


def sparql(server: LiveServer, query: str) -> list[dict[str, str]]:
    """The rows of a SELECT, each variable's value as a string; a cut answer fails."""
    answer = get(server, with_query("/sparql", query=query), "application/sparql-results+json")
    assert answer.headers.get("Belong-Truncated") != "true", query
    rows = json.loads(answer.body)["results"]["bindings"]
    return [{name: value["value"] for name, value in row.items()} for row in rows]


def spread(entities: dict[str, dict[str, set[str]]], kind: str) -> list[str]:
    """The first, middle and last entity of ``kind`` by IRI: hubs and the long tail alike."""
    slugs = sorted(entities[kind])
    return sorted({slugs[0], slugs[len(slugs) // 2], slugs[-1]})


def sample(entities: dict[str, dict[str, set[str]]], kind: str) -> list[str]:
    """The named entities of ``kind``, then its spread."""
    named = sorted(slug for slug in NAMED if slug.startswith(kind + "/"))
    return [*named, *(slug for slug in spread(entities, kind) if slug not in named)]


def rdf(server: LiveServer, answer: Answer) -> Graph:
    """The RDF of an answer; a JSON-LD context named by its address is read from this server,
    not the network."""
    syntax = RDF_FORMATS[answer.media_type]
    body = answer.text
    if syntax == "json-ld" and isinstance(json.loads(body)["@context"], str):
        document = json.loads(body)
        context = get(server, urllib.parse.urlsplit(document["@context"]).path)
        document["@context"] = json.loads(context.body)["@context"]
        body = json.dumps(document)
    return Graph().parse(data=body, format=syntax)


def test_the_library_holds_every_kind_of_entity(entities: dict[str, dict[str, set[str]]]) -> None:
    """Every kind is tried below, and every named entity is there."""
    assert set(entities) == set(ENTITY_KINDS)
    assert len(entities["resource"]) == RESOURCES
    assert {slug for slugs in entities.values() for slug in slugs} >= NAMED


@pytest.mark.parametrize("kind", ENTITY_KINDS)
def test_every_kind_of_entity_has_its_page_and_its_description_in_every_format(
    server: LiveServer, entities: dict[str, dict[str, set[str]]], kind: str
) -> None:
    """Each sampled entity's page names it, and its description in each RDF format holds
    statements about it with its labels."""
    for slug in sample(entities, kind):
        labels = entities[kind][slug]
        page = get(server, f"/id/{slug}", HTML)
        assert page.media_type == HTML
        assert any(str(escape(label)) in page.text for label in labels) or (
            not labels and f"/id/{slug}" in page.text
        ), slug
        entity = URIRef(f"{server.url}/id/{slug}")
        for media_type in RDF_FORMATS:
            answer = get(server, f"/id/{slug}", media_type)
            assert answer.media_type == media_type, (slug, answer.media_type)
            graph = rdf(server, answer)
            assert (entity, None, None) in graph, (slug, media_type)
            assert {str(label) for label in graph.objects(entity, RDFS.label)} == labels, slug


def test_the_explorer_s_first_answer(server: LiveServer) -> None:
    """The explorer's first request on a server that has not yet built its network (the
    operations below ask for it again)."""
    measures = get(server, "/api/network/measures")
    assert has_content(measures.media_type, measures.body)
    assert json.loads(measures.body)["nodes"] > RESOURCES


def test_every_operation_of_the_api_answers_its_documented_examples(server: LiveServer) -> None:
    """As tests/test_api.py asks of the real library: each operation of the OpenAPI document
    (views and the explorer's network, neighbourhoods, paths and measures) with its required
    examples, then each optional example added, finds something; each value of an enumerated
    parameter but the format (test_api.py tries those) is accepted."""
    calls = 0
    document = json.loads(get(server, "/api/openapi.json").body)
    for method, path, operation in openapi_operations(document):
        if not path.startswith("/api/"):  # /reconcile's examples name the real library's entities
            continue
        assert method == "get", path
        for query, expects_content in documented_calls(operation):
            if "format" in query:
                continue
            answer = get(server, with_query(path, **query))
            calls += 1
            assert answer.media_type in documented_types(operation), (path, query)
            assert not expects_content or has_content(answer.media_type, answer.body), (
                path,
                query,
            )
    assert calls > 50


@pytest.mark.parametrize(
    "view",
    [v for v in VIEWS if any(p.of_class in CLASS_KINDS and not p.scheme for p in v.parameters)],
    ids=lambda view: view.name,
)
def test_every_view_of_an_entity_answers_for_entities_of_every_size(
    server: LiveServer, entities: dict[str, dict[str, set[str]]], view: CannedQuery
) -> None:
    """Each entity parameter of a view, given sampled entities of its class (hubs and the long
    tail alike), with the other required parameters at their examples, answers a list of items
    (one with entries where every entity has some)."""
    required = {p.name: p.example or "" for p in view.parameters if p.required}
    for parameter in view.parameters:
        if parameter.of_class not in CLASS_KINDS or parameter.scheme:
            continue
        for slug in sample(entities, CLASS_KINDS[parameter.of_class]):
            path = with_query(f"/api/views/{view.name}", **{**required, parameter.name: slug})
            items = json.loads(get(server, path).body)["items"]
            assert items or view.name not in ABOUT_EVERY_ENTITY, path


CATALOGUE_CHOICES = (
    {},
    {"theme": f"theme/{THEMES[0]}"},
    {"type": f"resource-type/{TYPES[0]}"},
    {"in": "2020"},
    {"keyword": "community"},
    {"theme": f"theme/{THEMES[3]}", "type": f"resource-type/{TYPES[1]}", "sort": "title"},
    {"sort": "oldest", "page": "3"},
)


@pytest.mark.parametrize(
    "choice", CATALOGUE_CHOICES, ids=lambda choice: urllib.parse.urlencode(choice) or "all"
)
def test_the_catalogue_lists_what_its_view_finds(
    server: LiveServer, choice: dict[str, str]
) -> None:
    """The catalogue page, filtered, searched, sorted or paged, lists the resources its view
    answers with the same choice."""
    page = get(server, with_query("/resources", **choice), HTML).text
    items = json.loads(get(server, with_query("/api/views/resources", **choice)).body)["items"]
    assert items, choice
    for item in items:
        assert str(escape(item["resource"]["label"])) in page, (choice, item)


@pytest.mark.parametrize("kind", ["organisation", "person", "project"])
def test_the_explorer_centres_on_entities_of_every_size(
    server: LiveServer, entities: dict[str, dict[str, set[str]]], kind: str
) -> None:
    """The explorer's page and neighbourhood of entities of every size, and the paths from each
    to the next (the documented examples are the operations' above): each entity is named on its
    page and is in its own neighbourhood."""
    slugs = spread(entities, kind)
    for slug, other in zip(slugs, [*slugs[1:], slugs[0]], strict=True):
        page = get(server, with_query("/explore", focus=slug), HTML).text
        assert any(str(escape(label)) in page for label in entities[kind][slug]), slug
        ego = json.loads(get(server, with_query("/api/network/ego", entity=slug)).body)
        assert BASE + "id/" + slug in {node["id"] for node in ego["nodes"]}, slug
        paths = json.loads(
            get(server, with_query("/api/network/paths", **{"from": slug, "to": other})).body
        )
        assert paths["from"]["id"] == BASE + "id/" + slug, (slug, other)


def test_the_home_page_the_api_reference_and_the_explorer(server: LiveServer) -> None:
    assert "The Belong Network Library" in get(server, "/", HTML).text
    reference = get(server, "/api/", HTML).text
    assert all(str(escape(view.title)) in reference for view in VIEWS)
    explorer = get(server, "/explore", HTML).text
    assert "University of Kent" in explorer


def test_the_dataset_description_counts_the_library(server: LiveServer) -> None:
    """The VoID description in every format, and the dataset page, count every resource."""
    resources = URIRef("http://purl.org/dc/terms/BibliographicResource")
    for media_type in RDF_FORMATS:
        void = rdf(server, get(server, "/.well-known/void", media_type))
        partitions = [p for p in void.subjects(VOID["class"], resources)]
        assert [void.value(p, VOID.entities) for p in partitions] == [Literal(RESOURCES)]
    assert f"<td>{RESOURCES}</td>" in get(server, "/dataset", HTML).text


def test_the_sitemap_lists_every_entity_page(
    server: LiveServer, entities: dict[str, dict[str, set[str]]]
) -> None:
    listed: set[str] = set()
    pending = ["/sitemap.xml"]
    while pending:
        body = get(server, pending.pop(), "application/xml").text
        locations = re.findall(r"<loc>([^<]+)</loc>", body)
        if "<sitemapindex" in body:
            pending += [urllib.parse.urlsplit(location).path for location in locations]
        else:
            listed.update(locations)
    pages = {f"{server.url}/id/{slug}" for slugs in entities.values() for slug in slugs}
    assert pages <= listed
    assert {f"{server.url}/", f"{server.url}/dataset"} <= listed


def oai(server: LiveServer, **arguments: str) -> etree._Element:
    """An OAI-PMH answer, valid against its schemas, that is no OAI-PMH error."""
    root = assert_valid(get(server, with_query("/oai", **arguments), "text/xml").body)
    assert root.find("oai:error", NS) is None, etree.tostring(root)[:300]
    return root


@pytest.mark.parametrize("prefix", ["oai_dc", "rdf"])
def test_a_harvest_starts_and_resumes(server: LiveServer, prefix: str) -> None:
    """The first page of ListRecords and the next, by its resumption token: full pages of
    distinct records, out of every resource."""
    first = oai(server, verb="ListRecords", metadataPrefix=prefix)
    token = first.find(".//oai:resumptionToken", NS)
    assert token is not None and token.text
    assert token.get("completeListSize") == str(RESOURCES)
    second = oai(server, verb="ListRecords", resumptionToken=token.text)
    pages = [
        [h.findtext("oai:identifier", namespaces=NS) for h in page.iterfind(".//oai:header", NS)]
        for page in (first, second)
    ]
    size = Settings().oai_page_size
    assert [len(page) for page in pages] == [size, size]
    assert len(set(pages[0] + pages[1])) == 2 * size


def test_get_record_gives_each_resource_its_title(
    server: LiveServer, entities: dict[str, dict[str, set[str]]]
) -> None:
    for slug in sample(entities, "resource"):
        root = oai(
            server,
            verb="GetRecord",
            metadataPrefix="oai_dc",
            identifier=f"oai:data.belongnetwork.co.uk:{slug}",
        )
        titles = {title.text for title in root.iterfind(".//dc:title", NS)}
        assert titles and titles <= entities["resource"][slug], slug
