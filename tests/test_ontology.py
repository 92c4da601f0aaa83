"""The ontology is small, documented and aligned, and the code's closed namespace matches it."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS

from belong_graph.namespaces import BEL
from belong_graph.ontology import NAMESPACE_MODULE, namespace_module_source, ontology_terms
from belong_graph.settings import PROJECT_ROOT

ONTOLOGY_IRI = URIRef("https://data.belongnetwork.co.uk/ontology")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(PROJECT_ROOT / "ontology" / "belong.ttl")


def test_generated_namespace_matches_the_ontology(ontology: Graph) -> None:
    assert NAMESPACE_MODULE.read_text() == namespace_module_source(ontology)


def test_namespace_is_closed() -> None:
    assert BEL.Participation == URIRef("https://data.belongnetwork.co.uk/ontology#Participation")
    with pytest.raises(AttributeError):
        _ = BEL.Partcipation


@pytest.mark.parametrize(
    "name", ontology_terms(Graph().parse(PROJECT_ROOT / "ontology" / "belong.ttl"))
)
def test_every_term_is_labelled_defined_and_aligned(ontology: Graph, name: str) -> None:
    term = BEL[name]
    labels = [label for label in ontology.objects(term, RDFS.label) if label.language == "en"]
    definitions = [d for d in ontology.objects(term, SKOS.definition) if d.language == "en"]
    assert len(labels) == 1 and len(definitions) == 1
    assert (term, RDFS.isDefinedBy, ONTOLOGY_IRI) in ontology
    parents = (
        set(ontology.transitive_objects(term, RDFS.subClassOf))
        | set(ontology.transitive_objects(term, RDFS.subPropertyOf))
        | set(ontology.objects(term, RDFS.seeAlso))  # service limits: no parent term exists
    )
    external = [p for p in parents if not str(p).startswith(str(BEL))]
    assert external, f"{name} is not aligned to any external vocabulary"


def test_ontology_header(ontology: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY_IRI, OWL.versionInfo) is not None


def test_the_ontology_names_this_project_not_belong_as_its_creator(ontology: Graph) -> None:
    belong = URIRef("https://data.belongnetwork.co.uk/id/organisation/belong")
    assert belong not in set(ontology.all_nodes())
    (creator,) = ontology.objects(ONTOLOGY_IRI, DCTERMS.creator)
    assert ontology.value(creator, FOAF.name) == Literal("belong-graph")


def test_the_ontology_says_what_it_quotes_remains_belongs(ontology: Graph) -> None:
    assert ontology.value(ONTOLOGY_IRI, DCTERMS.license) is not None
    rights = str(ontology.value(ONTOLOGY_IRI, DCTERMS.rights))
    assert "quoted from the pages of" in rights
    assert "Belong - The Cohesion and Integration Network" in rights
    assert "remain theirs" in rights
