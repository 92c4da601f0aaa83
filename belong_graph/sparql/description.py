"""The SPARQL 1.1 Service Description of the endpoint: what it speaks, what it serves and the
limits it enforces."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef

from belong_graph.formats import RDF_FORMATS, RESULT_FORMATS
from belong_graph.load import new_graph
from belong_graph.namespaces import BEL, DCTERMS, RDF, SD, VOID, XSD
from belong_graph.settings import Settings
from belong_graph.store import DatasetVersion


def service_description(
    endpoint: str, settings: Settings, version: DatasetVersion, graph_names: list[str]
) -> Graph:
    """Describe the endpoint at ``endpoint`` serving the dataset ``version``."""
    graph = new_graph()
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    service = URIRef(endpoint)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    graph.add(
        (
            service,
            SD.feature,
            SD.BasicFederatedQuery if settings.service_allowlist else SD.EmptyGraphs,
        )
    )
    for fmt in (*RESULT_FORMATS, *RDF_FORMATS):
        if fmt.iri:
            graph.add((service, SD.resultFormat, URIRef(fmt.iri)))
    graph.add((service, BEL.queryTimeLimit, Literal(settings.query_timeout, datatype=XSD.decimal)))
    graph.add((service, BEL.resultLimit, Literal(settings.result_limit)))
    dataset = BNode()
    default_graph = BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, DCTERMS.modified, Literal(version.built, datatype=XSD.dateTime)))
    graph.add((dataset, DCTERMS.identifier, Literal(version.digest)))
    graph.add((dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    graph.add((default_graph, VOID.triples, Literal(version.quads)))
    for name in graph_names:
        named = BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
    return graph
