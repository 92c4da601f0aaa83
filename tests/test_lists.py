"""The lists of the whole library: the build numbers their rows and makes their counts
(``rules/7*``, ``rules/8*``), the views page through them by position, and every page, followed by
its ``next`` link, gives what counting and sorting the real library at the request gives."""

from __future__ import annotations

import dataclasses
import html
import itertools
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from flask import Flask
from rdflib import Graph

from belong_graph.build import build_in_memory
from belong_graph.catalogue import read_query
from belong_graph.derive import apply_rules
from belong_graph.errors import CatalogueError, QueryError
from belong_graph.namespaces import BEL, PROLOGUE, XSD
from belong_graph.settings import PROJECT_ROOT, Settings
from belong_graph.sparql.results import select
from belong_graph.store import OxigraphStore
from tests.conftest import make_app

PAGE = 7  # rows a page in these tests, so that the real library's lists run to several pages

# What the views answered before the build counted and numbered for them: counted and sorted
# over the whole library at each request.
COUNTED_AT_REQUEST = {
    "co-authors": """
SELECT ?nameA ?nameB (COUNT(DISTINCT ?resource) AS ?shared) WHERE {
  ?resource dcterms:creator|dcterms:contributor ?personA, ?personB .
  ?personA a schema:Person ; schema:name ?nameA .
  ?personB a schema:Person ; schema:name ?nameB .
  FILTER (STR(?personA) < STR(?personB))
}
GROUP BY ?personA ?nameA ?personB ?nameB
ORDER BY DESC(?shared) ?nameA ?nameB""",
    "organisations": """
SELECT ?organisationLabel (COUNT(DISTINCT ?resource) AS ?resources)
       (COUNT(DISTINCT ?initiative) AS ?initiatives) WHERE {
  ?organisation a org:Organization ; rdfs:label ?organisationLabel .
  OPTIONAL {
    ?part (org:unitOf|org:subOrganizationOf)* ?organisation .
    ?resource dcterms:creator|dcterms:contributor|dcterms:publisher
        |bel:publishedInPartnershipWith|prov:qualifiedAttribution/schema:affiliation ?part .
  }
  OPTIONAL {
    ?member (org:unitOf|org:subOrganizationOf)* ?organisation .
    ?participation org:member ?member ; org:organization ?initiative .
  }
}
GROUP BY ?organisation ?organisationLabel
ORDER BY DESC(?resources) DESC(?initiatives) ?organisationLabel""",
    "partnerships": """
SELECT ?initiativeName ?partnerA ?roleA ?partnerB ?roleB WHERE {
  ?a org:organization ?initiative ; org:member ?memberA ; org:role/skos:prefLabel ?roleA .
  ?b org:organization ?initiative ; org:member ?memberB ; org:role/skos:prefLabel ?roleB .
  FILTER (STR(?memberA) < STR(?memberB))
  ?initiative schema:name ?initiativeName .
  ?memberA rdfs:label ?partnerA .
  ?memberB rdfs:label ?partnerB .
}
ORDER BY ?initiativeName ?partnerA ?partnerB ?roleA ?roleB""",
    "government-bodies": """
SELECT ?bodyName ?initiativeName ?role WHERE {
  ?body a bel:GovernmentBody ; schema:name ?bodyName .
  ?participation org:member ?body ; org:organization ?initiative ; org:role/skos:prefLabel ?role .
  ?initiative schema:name ?initiativeName .
}
ORDER BY ?bodyName ?initiativeName ?role""",
    "library-resources": """
SELECT ?title WHERE {
  ?resource dcterms:isPartOf ?library ; dcterms:title ?title .
  ?library a dcmitype:Collection .
  OPTIONAL { ?resource dcterms:issued ?issued }
}
ORDER BY DESC(STR(?issued)) ?title""",
    "facets": """
SELECT ?facet ?valueLabel (COUNT(DISTINCT ?resource) AS ?resources) WHERE {
  ?resource dcterms:isPartOf ?library .
  ?library a dcmitype:Collection .
  { ?resource dcterms:subject/skos:prefLabel ?valueLabel . BIND ("theme" AS ?facet) }
  UNION { ?resource dcterms:type/skos:prefLabel ?valueLabel . BIND ("type" AS ?facet) }
  UNION { ?resource bel:year ?year . BIND (STR(?year) AS ?valueLabel) BIND ("year" AS ?facet) }
}
GROUP BY ?facet ?valueLabel
ORDER BY ?facet DESC(?resources) ?valueLabel""",
}


@pytest.fixture(scope="module")
def paged_app(
    built_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    """The app on the real library, its paged views cut to :data:`PAGE` rows a page."""
    queries = tmp_path_factory.mktemp("paged") / "queries"
    shutil.copytree(PROJECT_ROOT / "queries", queries)
    for view_file in queries.glob("*.rq"):
        text = view_file.read_text()
        view_file.write_text(
            re.sub(r"^#\+ pagination: \d+$", f"#+ pagination: {PAGE}", text, count=1, flags=re.M)
        )
    yield from make_app(dataclasses.replace(built_settings, queries_dir=queries))


def every_page(app: Flask, name: str, **values: str) -> list[dict[str, Any]]:
    """The items of every page of a view, following each page's ``next`` link."""
    client = app.test_client()
    answer = client.get(f"/api/views/{name}", query_string=values)
    pages = [json.loads(answer.data)]
    while pages[-1]["next"]:
        assert answer.headers["Link"] == f'<{pages[-1]["next"]}>; rel="next"'
        answer = client.get(pages[-1]["next"])
        pages.append(json.loads(answer.data))
    assert [page["page"] for page in pages] == list(range(1, len(pages) + 1))
    assert all(len(page["items"]) == PAGE for page in pages[:-1])
    assert len(pages) == 1 or pages[-1]["items"]  # no empty last page
    return [item for page in pages for item in page["items"]]


def counted_at_request(library: OxigraphStore, name: str) -> list[tuple[str, ...]]:
    results = select(library, PROLOGUE + COUNTED_AT_REQUEST[name])
    return [tuple(row[name].value for name in results.variables) for row in results]


def plain(items: list[dict[str, Any]], *columns: str) -> list[tuple[str, ...]]:
    """The columns of each item as text, a link by its label."""
    return [
        tuple(str(v["label"] if isinstance(v, dict) else v) for v in (i[c] for c in columns))
        for i in items
    ]


@pytest.mark.parametrize(
    ("name", "columns"),
    [
        ("co-authors", ("nameA", "nameB", "shared")),
        ("organisations", ("organisation", "resources", "initiatives")),
        ("partnerships", ("initiativeName", "partnerA", "roleA", "partnerB", "roleB")),
        ("library-resources", ("title",)),
        ("government-bodies", ("bodyName", "initiativeName", "role")),
    ],
)
def test_a_list_paged_by_position_is_the_list_counted_and_sorted_at_the_request(
    paged_app: Flask, library: OxigraphStore, name: str, columns: tuple[str, ...]
) -> None:
    expected = counted_at_request(library, name)
    assert len(expected) > PAGE  # the list runs to more than one page
    assert plain(every_page(paged_app, name), *columns) == expected


def test_facet_counts_without_a_filter_are_the_counts_at_the_request(
    client: Any, library: OxigraphStore
) -> None:
    items = json.loads(client.get("/api/views/facets").data)["items"]
    assert plain(items, "facet", "value", "resources") == counted_at_request(library, "facets")


@pytest.mark.parametrize("sort", ["newest", "oldest", "title"])
@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"theme": "theme/social-cohesion"},
        {"from": "2020", "to": "2022"},
        {"keyword": "integration"},
    ],
)
def test_the_catalogue_pages_in_each_order_with_or_without_filters(
    paged_app: Flask, client: Any, filters: dict[str, str], sort: str
) -> None:
    """Every page of the catalogue, in any order and under any filter, is the one list the
    view gives unpaged (the real library's ten resources fit in one page of 20)."""
    values = {**filters, "sort": sort}
    unpaged = json.loads(client.get("/api/views/resources", query_string=values).data)
    assert unpaged["next"] is None and unpaged["items"]
    assert every_page(paged_app, "resources", **values) == unpaged["items"]


def test_a_numbering_rule_numbers_each_predicates_rows_from_one(tmp_path: Path) -> None:
    (tmp_path / "10-order.rq").write_text(
        "SELECT ?subject ?predicate WHERE { ?subject <http://x/name> ?name "
        "BIND (<http://x/position> AS ?predicate) } ORDER BY DESC(?name)"
    )
    store = ox.Store()
    for name in ("a", "c", "b"):
        store.add(
            ox.Quad(
                ox.NamedNode(f"http://x/{name}"), ox.NamedNode("http://x/name"), ox.Literal(name)
            )
        )
    apply_rules(store, tmp_path, into="http://x/derived")
    positions = {
        q.subject.value: q.object
        for q in store.quads_for_pattern(None, ox.NamedNode("http://x/position"), None)
    }
    decimal = ox.NamedNode(str(XSD.decimal))
    assert positions == {
        "http://x/c": ox.Literal("1", datatype=decimal),
        "http://x/b": ox.Literal("2", datatype=decimal),
        "http://x/a": ox.Literal("3", datatype=decimal),
    }


def test_a_rule_keeps_the_blank_nodes_it_names_and_makes_its_own_per_row(
    tmp_path: Path,
) -> None:
    """A CONSTRUCT's triples go into the store as N-Triples, which renames blank nodes: a blank
    node of the data that a rule names must still be that node, and the rule's own ``[]`` one
    new node per row."""
    (tmp_path / "10-credit.rq").write_text(
        "CONSTRUCT { ?work <http://x/involves> ?agent ; <http://x/seen> true . "
        "[] <http://x/pairOf> ?work } WHERE { ?work <http://x/creator> ?agent }"
    )
    store = ox.Store()
    agent, creator = ox.BlankNode(), ox.NamedNode("http://x/creator")
    store.add(ox.Quad(agent, ox.NamedNode("http://x/name"), ox.Literal("Someone")))
    for work in ("a", "b"):
        store.add(ox.Quad(ox.NamedNode(f"http://x/{work}"), creator, agent))
    apply_rules(store, tmp_path, into="http://x/derived")
    involved = {
        q.object for q in store.quads_for_pattern(None, ox.NamedNode("http://x/involves"), None)
    }
    assert involved == {agent}
    pairs = {
        q.subject for q in store.quads_for_pattern(None, ox.NamedNode("http://x/pairOf"), None)
    }
    assert len(pairs) == 2 and all(isinstance(p, ox.BlankNode) for p in pairs)
    seen = list(store.quads_for_pattern(None, ox.NamedNode("http://x/seen"), None))
    assert {q.subject.value for q in seen} == {"http://x/a", "http://x/b"}
    assert {q.graph_name for q in seen} == {ox.NamedNode("http://x/derived")}


def test_a_rule_that_neither_constructs_nor_numbers_is_refused(tmp_path: Path) -> None:
    (tmp_path / "10-wrong.rq").write_text("SELECT ?s WHERE { ?s ?p ?o }")
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://x/a"), ox.NamedNode("http://x/p"), ox.Literal("o")))
    with pytest.raises(QueryError, match="SELECT \\?subject \\?predicate"):
        apply_rules(store, tmp_path, into="http://x/derived")


def view_file(tmp_path: Path, body: str, pagination: str = "#+ pagination: 3\n") -> Path:
    path = tmp_path / "listed.rq"
    path.write_text(f"#+ title: Listed\n#+ description: A list.\n{pagination}{body}")
    return path


def test_a_page_is_looked_up_by_its_positions_or_cut_where_the_view_says(tmp_path: Path) -> None:
    by_position = read_query(
        view_file(
            tmp_path, "SELECT ?s WHERE {\n  # @positions\n  ?s <http://x/position> ?position\n}\n"
        )
    )
    query = by_position.query_for({}, page=2)
    numbers = re.search(r"VALUES \?position \{([^}]*)\}", query)
    assert numbers is not None and "LIMIT" not in query
    assert re.findall(r'"(\d+)"\^\^', numbers.group(1)) == ["4", "5", "6", "7"]
    cut_inside = read_query(
        view_file(
            tmp_path,
            "SELECT ?s ?label WHERE {\n  { SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s\n"
            "    # @page\n  }\n  ?s <http://x/label> ?label\n}\n",
        )
    )
    assert "ORDER BY ?s\n    LIMIT 4 OFFSET 3\n  }" in cut_inside.query_for({}, page=2)


def test_paging_marks_need_a_paged_view(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="need '#\\+ pagination: N'"):
        read_query(
            view_file(tmp_path, "SELECT ?s WHERE {\n  # @positions\n  ?s ?p ?position\n}\n", "")
        )


def test_a_page_leaves_out_the_machinery_its_rdf_keeps(client: Any) -> None:
    """A resource's position in the lists and its search text are in its RDF, not among the
    facts of its page; a co-authorship, a node of the build's, links into no person's page."""
    path = "/id/resource/discrimination-prejudice-and-cohesion"
    turtle = client.get(path + ".ttl").get_data(as_text=True)
    assert "positionNewestFirst" in turtle and "searchText" in turtle
    page = client.get(path + ".html").get_data(as_text=True)
    assert "Discrimination, Prejudice and Cohesion" in page
    assert "bel:positionNewestFirst" not in page and "bel:searchText" not in page
    person = Graph().parse(data=client.get("/id/person/dominic-abrams.ttl").data, format="turtle")
    assert not list(person.triples((None, BEL.coAuthor, None)))


def test_an_entity_page_links_the_rest_of_a_paged_section(paged_app: Flask) -> None:
    """Beyond Us and Them has eight partners and outputs: its page shows the first page of
    them and links the next, which holds the rest."""
    client = paged_app.test_client()
    page = client.get("/id/project/beyond-us-and-them.html").get_data(as_text=True)
    rest = re.search(r'<p class="more">The first 7; <a href="([^"]+)">', page)
    assert rest is not None
    url = html.unescape(rest.group(1))
    assert url == "/api/views/initiatives?initiative=project%2Fbeyond-us-and-them&page=2"
    second = json.loads(client.get(url).data)
    assert len(second["items"]) == 1 and second["next"] is None


def test_a_packing_rule_fills_pages_in_order_and_gives_a_big_group_its_own(
    tmp_path: Path,
) -> None:
    (tmp_path / "10-pack.rq").write_text(
        "SELECT ?subject ?predicate ?rows ?capacity WHERE { ?subject <http://x/size> ?rows "
        "BIND (<http://x/page> AS ?predicate) BIND (5 AS ?capacity) } ORDER BY ?subject"
    )
    store = ox.Store()
    sizes = {"a": 2, "b": 3, "c": 1, "d": 7, "e": 4, "f": 1}
    integer = ox.NamedNode(str(XSD.integer))
    for name, size in sizes.items():
        subject, size_of = ox.NamedNode(f"http://x/{name}"), ox.NamedNode("http://x/size")
        store.add(ox.Quad(subject, size_of, ox.Literal(str(size), datatype=integer)))
    apply_rules(store, tmp_path, into="http://x/derived")
    pages = {
        q.subject.value.removeprefix("http://x/"): int(q.object.value)
        for q in store.quads_for_pattern(None, ox.NamedNode("http://x/page"), None)
    }
    assert pages == {"a": 1, "b": 1, "c": 2, "d": 3, "e": 4, "f": 4}


def test_a_packed_page_is_looked_up_by_its_number_and_shows_all_its_rows(
    tmp_path: Path,
) -> None:
    view = read_query(
        view_file(tmp_path, "SELECT ?s WHERE {\n  # @packed\n  ?s <http://x/page> ?page\n}\n")
    )
    query = view.query_for({}, page=2)
    assert re.search(r'VALUES \?page \{ "2"\^\^<[^>]+#decimal> \}', query)
    assert "LIMIT" not in query and view.page_rows is None
    assert view.has_next(1) and view.has_next(12) and not view.has_next(0)


@pytest.fixture(scope="module")
def packed_library(tmp_path_factory: pytest.TempPathFactory) -> OxigraphStore:
    """The real library built with the network's pages packed to :data:`PAGE` rows."""
    rules = tmp_path_factory.mktemp("packed") / "rules"
    shutil.copytree(PROJECT_ROOT / "rules", rules)
    for rule in rules.glob("*.rq"):
        capacity = f"BIND ({PAGE} AS ?capacity)"
        rule.write_text(re.sub(r"BIND \(\d+ AS \?capacity\)", capacity, rule.read_text()))
    return build_in_memory(Settings.load({"rules_dir": rules}))


def rows_of(library: OxigraphStore, query: str) -> list[dict[str, str]]:
    return [{name: str(term) for name, term in row.items()} for row in select(library, query)]


@pytest.mark.parametrize("name", ["network-nodes", "partnership-network"])
def test_the_network_s_pages_follow_on_and_hold_its_whole_answer(
    packed_library: OxigraphStore, name: str
) -> None:
    """Page 2 begins where page 1 ends, and the pages, followed until one says there is no
    next, give the view's whole answer in its order (what the build reads to make the network):
    a page never splits a node's links, never has more than a page of them unless one node
    has, and the page after the last is empty."""
    view = read_query(PROJECT_ROOT / "queries" / f"{name}.rq")
    whole = rows_of(packed_library, view.sparql)
    pages = [rows_of(packed_library, view.query_for({}, 1))]
    while view.has_next(len(pages[-1])):
        pages.append(rows_of(packed_library, view.query_for({}, len(pages) + 1)))
    assert len(pages) > 3 and pages[-1] == []
    assert [row for page in pages for row in page] == whole
    key = "node" if name == "network-nodes" else "source"
    for page in pages:
        groups = {row[key] for row in page}
        assert len(page) <= PAGE or len(groups) == 1, len(page)
    for before, after in itertools.pairwise(pages[:-1]):
        assert before[-1][key] < after[0][key]  # so no node's links are split between pages


@pytest.mark.parametrize(
    ("name", "look_up"),
    [
        ("network-nodes", "bel:networkNodesPage ?page ;"),
        ("partnership-network", "bel:networkLinksPage ?page ;"),
    ],
)
def test_every_node_and_every_link_is_on_a_page(
    library: OxigraphStore, name: str, look_up: str
) -> None:
    """The view without its pages' look-up finds nothing more: the build gave a page to every
    node, and to every node a link starts from."""
    view = read_query(PROJECT_ROOT / "queries" / f"{name}.rq")
    assert look_up in view.sparql
    unpaged = view.sparql.replace(look_up, "")
    assert rows_of(library, view.sparql) == rows_of(library, unpaged)
    assert len(rows_of(library, view.sparql)) > 50


def test_the_network_views_link_their_next_page_while_it_has_rows(client: Any) -> None:
    """The real library's network fits in one page: it links the next, which is empty and
    links none."""
    first = json.loads(client.get("/api/views/partnership-network").data)
    assert first["items"] and first["next"].endswith("page=2")
    second = json.loads(client.get("/api/views/partnership-network?page=2").data)
    assert second["items"] == [] and second["next"] is None
