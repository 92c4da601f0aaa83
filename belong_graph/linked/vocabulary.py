"""The ontology as documentation: each class and property with its label, definition and
alignments to the vocabularies it extends, read from the ontology's named graphs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from belong_graph.linked.describe import Description
from belong_graph.namespaces import PREFIXES, compact_iri
from belong_graph.ontology import ONTOLOGY_NAMESPACE
from belong_graph.sparql.bind import bind

OWL = PREFIXES["owl"]
RDFS = PREFIXES["rdfs"]
DCTERMS = PREFIXES["dcterms"]
KINDS = (
    (OWL + "Class", "Class"),
    (OWL + "ObjectProperty", "Object property"),
    (OWL + "DatatypeProperty", "Datatype property"),
    (OWL + "AnnotationProperty", "Annotation property"),
)
ALIGNMENTS = (
    (RDFS + "subClassOf", "Subclass of"),
    (RDFS + "subPropertyOf", "Subproperty of"),
    (RDFS + "domain", "Domain"),
    (RDFS + "range", "Range"),
    (RDFS + "seeAlso", "See also"),
)

ONTOLOGY_TRIPLES = """CONSTRUCT { ?s ?p ?o }
WHERE {
  # @values
  GRAPH ?g { ?s ?p ?o }
}"""


def ontology_query(graphs: Iterable[str], graph_prefix: str) -> str:
    """Every triple of the named graphs the ontology files were loaded into: those of
    ``graphs`` (the store's) under ``graph_prefix``, named, so that only theirs are read (a
    filter on every graph's name read the whole store: 3 s at 30,000 resources)."""
    ontology = [ox.NamedNode(g) for g in graphs if g.startswith(graph_prefix)]
    return bind(ONTOLOGY_TRIPLES, {"g": ontology})


@dataclass(frozen=True)
class Link:
    iri: str
    name: str  # compact IRI


@dataclass(frozen=True)
class TermDoc:
    """One class or property."""

    iri: str
    name: str  # the fragment, used as the anchor
    kind: str
    label: str
    definition: str
    alignments: tuple[tuple[str, tuple[Link, ...]], ...]


@dataclass(frozen=True)
class Vocabulary:
    iri: str
    title: str
    description: str
    version: str
    license: str
    rights: str
    terms: tuple[TermDoc, ...]


def vocabulary(triples: list[ox.Triple]) -> Vocabulary:
    """The documentation of the ontology whose terms are ``triples``."""
    iri = ONTOLOGY_NAMESPACE.rstrip("#")
    graph = Description(iri, triples)
    terms = []
    for kind_iri, kind in KINDS:
        for triple in triples:
            subject = triple.subject
            if (
                triple.predicate.value == PREFIXES["rdf"] + "type"
                and triple.object == ox.NamedNode(kind_iri)
                and isinstance(subject, ox.NamedNode)
                and subject.value.startswith(ONTOLOGY_NAMESPACE)
            ):
                terms.append(_term(graph, subject, kind))
    return Vocabulary(
        iri=iri,
        title=_first(graph, graph.node, DCTERMS + "title"),
        description=_first(graph, graph.node, DCTERMS + "description"),
        version=_first(graph, graph.node, OWL + "versionInfo"),
        license=_first(graph, graph.node, DCTERMS + "license"),
        rights=_first(graph, graph.node, DCTERMS + "rights"),
        terms=tuple(sorted(terms, key=lambda t: (t.kind != "Class", t.name.lower()))),
    )


def _term(graph: Description, term: ox.NamedNode, kind: str) -> TermDoc:
    alignments = []
    for predicate, title in ALIGNMENTS:
        targets = [v for v in graph.values(predicate, term) if isinstance(v, ox.NamedNode)]
        if targets:
            links = tuple(sorted((Link(t.value, compact_iri(t.value)) for t in targets), key=_name))
            alignments.append((title, links))
    return TermDoc(
        iri=term.value,
        name=term.value[len(ONTOLOGY_NAMESPACE) :],
        kind=kind,
        label=graph.label(term) or term.value,
        definition=_first(graph, term, PREFIXES["skos"] + "definition"),
        alignments=tuple(alignments),
    )


def _name(link: Link) -> str:
    return link.name


def _first(graph: Description, subject: ox.NamedNode, predicate: str) -> str:
    values = graph.values(predicate, subject)
    return values[0].value if values else ""
