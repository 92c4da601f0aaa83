"""Linksets on the real data: each count is the number of triples a plain SPARQL count finds,
the goal of 50 links to 3 datasets is met, the VoID says the same, and `belong-graph links`
prints it."""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from belong_graph.cli import main
from belong_graph.linksets import (
    TARGETS,
    VOID,
    WEB,
    LinkReport,
    link_report,
    target_of,
    void_linksets,
)
from belong_graph.namespaces import OWL, SCHEMA
from belong_graph.settings import PROJECT_ROOT
from belong_graph.store import OxigraphStore

BASE = "https://data.belongnetwork.co.uk/"
TABLE = PROJECT_ROOT / "data" / "identifiers.csv"


@pytest.fixture(scope="module")
def report(library: OxigraphStore) -> LinkReport:
    return link_report(library, base_iri=BASE)


def count(store: OxigraphStore, predicate: str, space: str) -> int:
    """Links of ``predicate`` from this graph into ``space``, counted by SPARQL alone."""
    query = f"""SELECT (COUNT(*) AS ?n) WHERE {{
        SELECT DISTINCT ?s ?o WHERE {{
            ?s <{predicate}> ?o .
            FILTER (isIRI(?o) && STRSTARTS(STR(?s), "{BASE}") && STRSTARTS(STR(?o), "{space}"))
        }} }}"""
    return int(next(iter(store.query(query)))["n"].value)


def cells(column: str) -> int:
    with TABLE.open(newline="", encoding="utf-8") as f:
        return sum(1 for row in csv.DictReader(f) if row[column])


def test_each_linkset_count_matches_the_triples(library: OxigraphStore, report: LinkReport) -> None:
    assert report.linksets
    for linkset in report.linksets:
        if linkset.target is WEB:
            continue
        assert linkset.triples == count(library, linkset.predicate, linkset.target.uri_space)


def test_no_link_is_missed(library: OxigraphStore, report: LinkReport) -> None:
    """Every sameAs, mapping and homepage triple that leaves the graph is in some linkset."""
    query = f"""SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{
        VALUES ?p {{ <{OWL.sameAs}> <{SCHEMA.sameAs}> <http://xmlns.com/foaf/0.1/homepage>
                    <http://www.w3.org/2004/02/skos/core#exactMatch>
                    <http://www.w3.org/2004/02/skos/core#closeMatch>
                    <http://www.w3.org/2004/02/skos/core#broadMatch> }}
        ?s ?p ?o FILTER (STRSTARTS(STR(?s), "{BASE}") && !STRSTARTS(STR(?o), "{BASE}")) }} }}"""
    assert report.total == int(next(iter(library.query(query)))["n"].value)


def test_same_as_linksets_follow_the_identifiers_table(report: LinkReport) -> None:
    counts = {(ls.target.name, ls.predicate): ls.triples for ls in report.linksets}
    for predicate in (str(OWL.sameAs), str(SCHEMA.sameAs)):
        assert counts["wikidata", predicate] == cells("wikidata") == 7
        assert counts["ror", predicate] == cells("ror") == 9
        assert counts["govuk", predicate] == cells("govuk_slug") == 4


def test_the_goal_of_fifty_links_to_three_datasets_is_met(report: LinkReport) -> None:
    assert report.dataset_links >= 50
    assert len(report.datasets) >= 3
    names = {target.name for target in report.datasets}
    assert {"wikidata", "ror", "govuk", "coar-resource-types", "loc-relators"} <= names
    websites = sum(ls.triples for ls in report.linksets if ls.target is WEB)
    assert report.total == report.dataset_links + websites
    assert websites + sum(  # every website of the table is a homepage, on GOV.UK or elsewhere
        ls.triples
        for ls in report.linksets
        if ls.target.name == "govuk" and "homepage" in ls.predicate
    ) == cells("website")


def test_targets_are_found_by_their_iri_space() -> None:
    assert target_of("https://ror.org/00xkeyj56").name == "ror"
    assert target_of("http://id.loc.gov/vocabulary/relators/fnd").name == "loc-relators"
    assert target_of("https://www.kent.ac.uk") is WEB
    assert len({t.uri_space for t in TARGETS}) == len(TARGETS)


def test_void_linksets(report: LinkReport) -> None:
    dataset = URIRef(BASE + "id/dataset/belong-graph")
    graph = void_linksets(report, dataset=str(dataset), base_iri=BASE)
    linksets = set(graph.subjects(RDF.type, VOID.Linkset))
    assert len(linksets) == sum(1 for ls in report.linksets if ls.target.dataset)
    wikidata = URIRef(BASE + "id/dataset/wikidata")
    same_as = next(
        node
        for node in linksets
        if (node, VOID.objectsTarget, wikidata) in graph
        and (node, VOID.linkPredicate, OWL.sameAs) in graph
    )
    assert (same_as, VOID.triples, Literal(7)) in graph
    assert (same_as, VOID.subjectsTarget, dataset) in graph
    assert {(same_as, VOID.target, dataset), (same_as, VOID.target, wikidata)} <= set(graph)
    assert (dataset, VOID.subset, same_as) in graph
    assert (wikidata, VOID.uriSpace, Literal("http://www.wikidata.org/entity/")) in graph
    assert not list(graph.subjects(VOID.uriSpace, Literal("")))  # websites are no dataset
    total = sum(int(o) for o in graph.objects(None, VOID.triples))
    assert total == report.dataset_links


def test_links_command_prints_the_report(report: LinkReport) -> None:
    result = CliRunner().invoke(main, ["links"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["target", "predicate", "links"]
    assert any(line.split()[-2:] == ["owl:sameAs", "7"] and "Wikidata" in line for line in lines)
    assert any(line.split()[-2:] == ["owl:sameAs", "9"] and "ROR" in line for line in lines)
    assert any(
        line.split()[-2:] == ["skos:exactMatch", "3"] and "Library of Congress" in line
        for line in lines
    )
    assert lines[-1].startswith(
        f"Total: {report.total} links; {report.dataset_links} to {len(report.datasets)} datasets"
    )


def test_every_link_to_a_dataset_names_its_evidence(library: OxigraphStore) -> None:
    """sameAs and homepage links through their identifier node's primary source; mappings
    through the statement that names the published data they were checked against."""
    unsupported = f"""PREFIX schema: <http://schema.org/> PREFIX prov: <http://www.w3.org/ns/prov#>
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
    SELECT ?s ?p ?o WHERE {{
        ?s ?p ?o FILTER (STRSTARTS(STR(?s), "{BASE}") && isIRI(?o) && !STRSTARTS(STR(?o), "{BASE}"))
        {{
            VALUES ?p {{ <{OWL.sameAs}> <{SCHEMA.sameAs}> <http://xmlns.com/foaf/0.1/homepage> }}
            FILTER NOT EXISTS {{
                ?s schema:identifier ?id . ?id schema:url ?o ; prov:hadPrimarySource ?evidence .
            }}
        }} UNION {{
            VALUES ?p {{ skos:exactMatch skos:closeMatch skos:broadMatch }}
            FILTER NOT EXISTS {{
                ?m rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
                    prov:wasDerivedFrom ?evidence .
            }}
        }}
    }}"""
    assert list(library.query(unsupported)) == []
    mapped = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
    PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX dcterms: <http://purl.org/dc/terms/>
    SELECT DISTINCT ?read WHERE {
        ?m rdf:subject ?s ; prov:wasDerivedFrom/dcterms:identifier ?read }"""
    assert {row["read"].value for row in library.query(mapped)} >= {
        "coar-repositories/coar-vocabularies-website:webroot/content/resource_types/3.0/c_18ws/index.md",
        "ruby-rdf/rdf-vocab:lib/rdf/vocab/marcrelators.rb",
        "ruby-rdf/rdf-vocab:lib/rdf/vocab/dcmitype.rb",
    }


def test_the_served_dataset_description_counts_the_links(
    client: FlaskClient, library: OxigraphStore, report: LinkReport
) -> None:
    """The VoID at /.well-known/void has a linkset per target and predicate, each with the
    number of triples that SPARQL counts, 50 or more links to 3 or more datasets in all."""
    void = Graph().parse(
        data=client.get("/.well-known/void", headers={"Accept": "text/turtle"}).data,
        format="turtle",
    )
    dataset = URIRef("http://localhost/id/dataset/belong-network-library")  # the client's address
    served = {}
    for linkset in void.objects(dataset, VOID.subset):
        if (linkset, RDF.type, VOID.Linkset) not in void:
            continue
        space = str(void.value(void.value(linkset, VOID.objectsTarget), VOID.uriSpace))
        predicate = str(void.value(linkset, VOID.linkPredicate))
        served[space, predicate] = int(void.value(linkset, VOID.triples))
    expected = {
        (ls.target.uri_space, ls.predicate): ls.triples
        for ls in report.linksets
        if ls.target.dataset
    }
    assert served == expected
    assert all(count(library, p, space) == n for (space, p), n in served.items())
    assert sum(served.values()) >= 50 and len({space for space, _ in served}) >= 3
