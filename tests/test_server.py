"""The serve command starts a real server that answers SPARQL over HTTP to real clients."""

from __future__ import annotations

import urllib.request

import pytest
from rdflib import Graph
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, SPARQLWrapper

from tests.conftest import LiveServer

pytestmark = pytest.mark.integration

FUNDED = """
PREFIX schema: <http://schema.org/>
SELECT ?project ?funder WHERE {
  ?p schema:funder ?f ; schema:name ?project . ?f schema:name ?funder
} ORDER BY ?project ?funder"""


def test_sparqlwrapper_gets_the_funders(live_server: LiveServer) -> None:
    client = SPARQLWrapper(live_server.url + "/sparql")
    client.setQuery(FUNDED)
    client.setReturnFormat(JSON)
    rows = client.queryAndConvert()["results"]["bindings"]  # type: ignore[index]
    pairs = [(row["project"]["value"], row["funder"]["value"]) for row in rows]
    assert pairs == [
        ("Beyond Us and Them", "Nuffield Foundation"),
        ("Bradford for Everyone", "Department for Levelling Up, Housing and Communities"),
        ("Integration Area Programme", "Department for Levelling Up, Housing and Communities"),
        ("Radical Kindness", "Spirit of 2012"),
    ]


def test_sparqlwrapper_csv(live_server: LiveServer) -> None:
    client = SPARQLWrapper(live_server.url + "/sparql")
    client.setQuery(FUNDED)
    client.setReturnFormat(CSV)
    text = client.queryAndConvert().decode()  # type: ignore[union-attr]
    assert text.splitlines()[0] == "project,funder"
    assert "Radical Kindness,Spirit of 2012" in text


def test_rdflib_sparqlstore(live_server: LiveServer) -> None:
    graph = Graph(store=SPARQLStore(live_server.url + "/sparql", returnFormat="json"))
    rows = graph.query(
        "SELECT ?name WHERE { ?r <http://purl.org/dc/terms/creator> ?o . "
        "?o <http://schema.org/name> ?name } ORDER BY ?name"
    )
    names = {str(row[0]) for row in rows}  # type: ignore[index]
    assert {"University of Bristol", "Dominic Abrams", "Julie Walsh"} <= names


def test_missing_query_is_a_400_with_a_message(live_server: LiveServer) -> None:
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(live_server.url + "/sparql?format=json", timeout=10)
    assert error.value.code == 400
    assert "Missing the 'query' parameter" in error.value.read().decode()
