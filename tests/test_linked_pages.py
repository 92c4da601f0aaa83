"""The links into an entity, page by page: a description carries all of the entity's own
statements and at most ``description_links`` links into it, says in its RDF (Hydra), in the
``Link`` header and on its page where the other pages are, and the pages together hold every
link. Checked on Belong, the most linked entity of the real library, with a bound far below
its links; the links expected come from the library itself."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import XSD

from belong_graph.linked.describe import UNLINKED
from belong_graph.settings import Settings
from belong_graph.sparql.results import select
from belong_graph.store import OxigraphStore
from tests.conftest import BASE, make_app

LOCAL = "http://localhost/"
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SCHEMA = Namespace("http://schema.org/")
BELONG = "organisation/belong"
BOUND = 10


@pytest.fixture(scope="module")
def paged_app(built_settings: Settings) -> Iterator[Flask]:
    yield from make_app(dataclasses.replace(built_settings, description_links=BOUND))


@pytest.fixture
def paged(paged_app: Flask) -> FlaskClient:
    return paged_app.test_client()


def links_into(library: OxigraphStore, path: str) -> set[tuple[str, str]]:
    """Every (linking thing, property) into the entity, as this server writes the IRIs."""
    rows = select(library, f"SELECT ?s ?p WHERE {{ ?s ?p <{BASE}id/{path}> }}")
    return {
        (row["s"].value.replace(BASE, LOCAL), row["p"].value)
        for row in rows
        if row["p"].value not in UNLINKED
    }


def pages_of(links: set[tuple[str, str]]) -> int:
    return -(-len(links) // BOUND)


def turtle(client: FlaskClient, url: str) -> tuple[Graph, str]:
    response = client.get(url, headers={"Accept": "text/turtle"})
    assert response.status_code == 200, response.get_data(as_text=True)
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    return graph, response.headers["Link"]


def page_links(graph: Graph, entity: URIRef) -> set[tuple[str, str]]:
    return {(str(s), str(p)) for s, p in graph.subject_predicates(entity)}


def test_a_description_carries_the_bound_and_the_way_to_the_rest(
    paged: FlaskClient, library: OxigraphStore
) -> None:
    expected = links_into(library, BELONG)
    assert len(expected) > 3 * BOUND  # Belong is linked from far more than one page holds
    last = pages_of(expected)
    belong = URIRef(LOCAL + "id/" + BELONG)
    graph, link = turtle(paged, f"/id/{BELONG}")
    document = URIRef(f"{LOCAL}id/{BELONG}.ttl")
    assert len(page_links(graph, belong)) == BOUND
    assert (document, RDF.type, HYDRA.PartialCollectionView) in graph
    assert graph.value(document, HYDRA.totalItems) == Literal(len(expected), datatype=XSD.integer)
    assert graph.value(document, HYDRA.itemsPerPage) == Literal(BOUND, datatype=XSD.integer)
    assert graph.value(document, HYDRA.next) == URIRef(f"{document}?page=2")
    assert graph.value(document, HYDRA.last) == URIRef(f"{document}?page={last}")
    assert graph.value(document, HYDRA.previous) is None
    assert f'<{document}?page=2>; rel="next"' in link
    assert f'<{document}?page={last}>; rel="last"' in link
    name = Literal("Belong - The Cohesion and Integration Network", lang="en")
    assert (belong, SCHEMA.name, name) in graph  # its own statements are all there


def test_following_next_gathers_every_link_once(paged: FlaskClient, library: OxigraphStore) -> None:
    """Each page holds the entity's own statements and its own links; the pages together hold
    every link into the entity, each once."""
    belong = URIRef(LOCAL + "id/" + BELONG)
    own = None
    gathered: list[tuple[str, str]] = []
    url: str | None = f"{LOCAL}id/{BELONG}.ttl"
    pages = 0
    while url is not None:
        graph, _ = turtle(paged, url.removeprefix(LOCAL.rstrip("/")))
        statements = {
            (p, o) for p, o in graph.predicate_objects(belong) if not isinstance(o, BNode)
        }
        assert own is None or statements == own  # every page: all of its own statements
        own = statements
        gathered.extend(page_links(graph, belong))
        following = graph.value(URIRef(url), HYDRA.next)
        url = str(following) if following else None
        pages += 1
    assert sorted(gathered) == sorted(links_into(library, BELONG))
    assert pages == pages_of(links_into(library, BELONG))


def test_a_page_past_the_last_is_404_and_a_bad_page_400(
    paged: FlaskClient, library: OxigraphStore
) -> None:
    last = pages_of(links_into(library, BELONG))
    assert paged.get(f"/id/{BELONG}.ttl?page={last}").status_code == 200
    missing = paged.get(f"/id/{BELONG}.ttl?page={last + 1}")
    assert missing.status_code == 404
    assert f"there is no page {last + 1}" in missing.get_data(as_text=True)
    for bad in ("0", "two", "-1"):
        assert paged.get(f"/id/{BELONG}?page={bad}").status_code == 400


def test_a_later_page_names_its_neighbours_and_document(paged: FlaskClient) -> None:
    response = paged.get(f"/id/{BELONG}?page=2", headers={"Accept": "application/n-triples"})
    here = f"{LOCAL}id/{BELONG}.nt?page=2"
    assert response.headers["Content-Location"] == here
    graph = Graph().parse(data=response.get_data(as_text=True), format="nt")
    assert graph.value(URIRef(here), HYDRA.previous) == URIRef(f"{LOCAL}id/{BELONG}.nt")
    assert graph.value(URIRef(here), HYDRA.first) == URIRef(f"{LOCAL}id/{BELONG}.nt")
    assert graph.value(URIRef(here), HYDRA.next) == URIRef(f"{LOCAL}id/{BELONG}.nt?page=3")
    assert f'<{LOCAL}id/{BELONG}.ttl?page=2>; rel="alternate"' in response.headers["Link"]


def test_the_page_shows_counts_and_links_to_the_other_pages(
    paged: FlaskClient, library: OxigraphStore
) -> None:
    total = len(links_into(library, BELONG))
    html = paged.get(f"/id/{BELONG}?page=2", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert f"{total} links into it, {BOUND} a page: this is page 2" in html
    assert f"links {BOUND + 1} to {2 * BOUND}" in html
    assert f'<a href="{LOCAL}id/{BELONG}?page=3" rel="next">Next page</a>' in html
    assert f'<a href="{LOCAL}id/{BELONG}" rel="prev">Previous page</a>' in html
    assert f'<link rel="canonical" href="{LOCAL}id/{BELONG}?page=2">' in html
    backlinks = html[html.index('data-facts="backlinks"') :]
    assert "in all," in backlinks  # a property with more links than this page shows
    assert 'class="listing"' not in html  # the lists from the views are on the first page
    first = paged.get(f"/id/{BELONG}", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'class="listing"' in first
    assert "/sparql?query=" in first  # and every link, by SPARQL


def test_a_description_within_the_bound_has_no_pages(paged: FlaskClient) -> None:
    response = paged.get("/id/person/jo-broadwood", headers={"Accept": "text/turtle"})
    assert 'rel="next"' not in response.headers["Link"]
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    assert not list(graph.subjects(RDF.type, HYDRA.PartialCollectionView))
    html = paged.get("/id/person/jo-broadwood").get_data(as_text=True)
    assert "links into it" not in html


def test_a_revalidated_page_keeps_its_links(paged: FlaskClient) -> None:
    """A 304's headers replace those a cache holds (RFC 9111 §4.3.4), so it carries the same
    Link header as the 200: the paging links, and the signposts within the same budget."""
    for accept in ("text/turtle", "text/html"):
        first = paged.get(f"/id/{BELONG}?page=2", headers={"Accept": accept})
        again = paged.get(
            f"/id/{BELONG}?page=2",
            headers={"Accept": accept, "If-None-Match": first.headers["ETag"]},
        )
        assert again.status_code == 304
        assert 'rel="next"' in first.headers["Link"] and 'rel="prev"' in first.headers["Link"]
        assert again.headers["Link"] == first.headers["Link"]
