"""What the OAI-PMH provider disseminates of each record, read from the graph by SPARQL for the
records a response holds (one, or a page): its metadata as Dublin Core (``oai_dc``) or as
RDF/XML (``rdf``). The items themselves, with their datestamps and sets, come from the list the
build wrote (:mod:`belong_graph.publish.oai_index`).

Queries go through a :data:`Sparql` and a :data:`Construct` function (the web app passes ones
that run them in the query pool); IRIs are bound into them as Oxigraph terms
(:mod:`belong_graph.sparql.bind`), never from request strings. A page's descriptions come from
one CONSTRUCT, split by record here.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from belong_graph.citation.record import printed_name
from belong_graph.namespaces import DC, PREFIXES, PROLOGUE, PROV, RDF, RDFS
from belong_graph.publish.oai_index import OaiIndex
from belong_graph.sparql.bind import bind
from belong_graph.sparql.results import Results

Sparql = Callable[[str], Results]  # a SELECT query -> its rows
Construct = Callable[[str], Iterable[ox.Triple]]  # a CONSTRUCT query -> its triples
Metadata = ET.Element | bytes  # a record's metadata: an element, or an XML document written
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'

OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
QUALIFIED_ATTRIBUTION = ox.NamedNode(str(PROV.qualifiedAttribution))
LABEL = ox.NamedNode(str(RDFS.label))


@dataclass(frozen=True)
class MetadataFormat:
    prefix: str
    schema: str
    namespace: str


FORMATS = (
    MetadataFormat("oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd", OAI_DC),
    MetadataFormat("rdf", "http://www.openarchives.org/OAI/2.0/rdf.xsd", str(RDF)),
)


# The relations' filter sits in each direction's branch and isPartOf is bound, not given as VALUES:
# Virtuoso 7.2's compiler fails on the filter after the branches (SP031) with the BINDs of the
# other branches, and it drops a VALUES branch of a UNION. As fast on Oxigraph, the same rows.
DUBLIN_CORE = (
    """
SELECT ?record ?field ?value ?position WHERE {
  # @values
  {
    ?record dcterms:title ?value . BIND ("title" AS ?field)
  } UNION {
    ?record prov:qualifiedAttribution ?credit .
    ?credit prov:agent ?agent ; schema:position ?position ; prov:hadRole/bel:shortcut ?shortcut .
    FILTER (?shortcut IN (dcterms:creator, dcterms:contributor))
    ?agent rdfs:label ?name .
    """
    + printed_name("record")
    + """
    BIND (COALESCE(?printed, ?name) AS ?value)
    BIND (IF(?shortcut = dcterms:creator, "creator", "contributor") AS ?field)
  } UNION {
    ?record ?partnership ?agent . ?partnership rdfs:subPropertyOf+ dcterms:contributor .
    ?agent rdfs:label ?value . BIND ("contributor" AS ?field) BIND (1000 AS ?position)
  } UNION {
    ?record dcterms:subject/skos:prefLabel ?value . BIND ("subject" AS ?field)
  } UNION {
    ?record dcterms:description ?value . BIND ("description" AS ?field)
  } UNION {
    ?record dcterms:publisher/rdfs:label ?value . BIND ("publisher" AS ?field)
  } UNION {
    ?record dcterms:issued ?value . BIND ("date" AS ?field)
  } UNION {
    ?record dcterms:type/skos:prefLabel ?value . BIND ("type" AS ?field)
  } UNION {
    ?record dcterms:type ?dcmi . FILTER (STRSTARTS(STR(?dcmi), STR(dcmitype:)))
    BIND (STRAFTER(STR(?dcmi), STR(dcmitype:)) AS ?value) BIND ("type" AS ?field)
  } UNION {
    { ?record ?link ?value FILTER (isIRI(?value)) }
    UNION { ?value ?link ?record FILTER (isIRI(?value)) }
    { ?link rdfs:subPropertyOf* dcterms:relation } UNION { BIND (dcterms:isPartOf AS ?link) }
    BIND ("relation" AS ?field)
  } UNION {
    ?record dcterms:spatial/rdfs:label ?value . BIND ("coverage" AS ?field)
  } UNION {
    ?record dcterms:language ?value . BIND ("language" AS ?field)
  } UNION {
    ?record dcterms:rights|dcterms:license|dcterms:accessRights ?value .
    BIND ("rights" AS ?field)
  } UNION {
    ?record schema:url|foaf:page|dcat:landingPage ?value . BIND ("identifier" AS ?field)
  }
}"""
)

# The record's own triples bind ?s before the pattern: Virtuoso 7.2 crashes (a segfault) on
# `?record ?p ?o . BIND (?record AS ?s)` in a UNION with the labels' branch; this order is as
# fast on Oxigraph.
DESCRIPTION = """
CONSTRUCT { ?s ?p ?o } WHERE {
  # @values
  {
    # @values
    BIND (?record AS ?s) ?s ?p ?o
  } UNION {
    # @values
    ?record prov:qualifiedAttribution ?s . ?s ?p ?o
  } UNION {
    # @values
    ?record ?link ?s . FILTER (isBLANK(?s)) ?s ?p ?o
  } UNION {
    # @values
    { ?record ?link ?s } UNION { ?record prov:qualifiedAttribution ?credit . ?credit ?link ?s }
    FILTER (isIRI(?s) && ?s != ?record)
    ?s rdfs:label ?o . BIND (rdfs:label AS ?p)
  }
}"""

DC_ORDER = [
    "title",
    "creator",
    "subject",
    "description",
    "publisher",
    "contributor",
    "date",
    "type",
    "identifier",
    "relation",
    "coverage",
    "language",
    "rights",
]


class Library:
    """The library as an OAI-PMH repository sees it: its items from the list the build wrote
    (:mod:`belong_graph.publish.oai_index`), and the metadata of the records asked for, read
    from the store by SPARQL."""

    def __init__(self, index: OaiIndex, select: Sparql, construct: Construct) -> None:
        self.index = index
        self._select = select
        self._construct = construct

    def _query(self, query: str, records: Sequence[str]) -> str:
        """``query`` with every IRI in ``records`` bound to ``?record``."""
        return PROLOGUE + bind(query, {"record": [ox.NamedNode(iri) for iri in records]})

    def dublin_core(self, records: Sequence[str]) -> dict[str, ET.Element]:
        """An ``oai_dc:dc`` element for each record."""
        values: dict[str, dict[str, list[tuple[float, str]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for row in self._select(self._query(DUBLIN_CORE, records)):
            position = float(row["position"].value) if "position" in row else 0.0
            entry = (position, row["value"].value)
            field = values[row["record"].value][row["field"].value]
            if entry not in field:
                field.append(entry)
        elements = {}
        for iri in records:
            dc = ET.Element(f"{{{OAI_DC}}}dc")
            dc.set(f"{{{XSI}}}schemaLocation", f"{OAI_DC} {FORMATS[0].schema}")
            fields = values[iri]
            fields["identifier"].insert(0, (-1.0, iri))
            for name in DC_ORDER:
                for _, text in sorted(fields.get(name, []), key=lambda e: (e[0], e[1])):
                    ET.SubElement(dc, f"{{{DC}}}{name}").text = text
            elements[iri] = dc
        return elements

    def rdf(self, records: Sequence[str]) -> dict[str, bytes]:
        """An ``rdf:RDF`` document for each record (without an XML declaration): its
        description as Oxigraph writes RDF/XML."""
        found = Found.of(self._construct(self._query(DESCRIPTION, records)))
        documents = {}
        for iri in records:
            written = ox.serialize(
                found.description(ox.NamedNode(iri)),
                format=ox.RdfFormat.RDF_XML,
                prefixes=PREFIXES,
            )
            assert written is not None and written.startswith(XML_DECLARATION)
            documents[iri] = written.removeprefix(XML_DECLARATION).lstrip()
        return documents

    def metadata(self, prefix: str, records: Sequence[str]) -> Mapping[str, Metadata]:
        return self.dublin_core(records) if prefix == "oai_dc" else self.rdf(records)


Subject = ox.NamedNode | ox.BlankNode


@dataclass(frozen=True)
class Found:
    """The triples a page's :data:`DESCRIPTION` found, by subject, and the labels among them."""

    about: dict[Subject, list[ox.Triple]]
    labels: dict[Subject, list[ox.Triple]]

    @classmethod
    def of(cls, triples: Iterable[ox.Triple]) -> Found:
        about: dict[Subject, list[ox.Triple]] = defaultdict(list)
        labels: dict[Subject, list[ox.Triple]] = defaultdict(list)
        for triple in triples:
            subject: Subject = triple.subject  # type: ignore[assignment]
            about[subject].append(triple)
            if triple.predicate == LABEL:
                labels[subject].append(triple)
        return cls(about, labels)

    def description(self, record: ox.NamedNode) -> list[ox.Triple]:
        """What :data:`DESCRIPTION` finds for ``record``: its own triples; its credit nodes' and
        blank nodes' triples; the labels of the other IRIs that it and its credits name (of
        another record of the same page too, only the label). The record's triples come first,
        then each node's together, in the order the query found them."""
        own = self.about.get(record, [])
        credits: dict[Subject, None] = {}
        nodes: dict[Subject, None] = {}
        for t in own:
            if t.predicate == QUALIFIED_ATTRIBUTION and isinstance(t.object, Subject):
                credits[t.object] = nodes[t.object] = None
            elif isinstance(t.object, ox.BlankNode):
                nodes[t.object] = None
        near = [t for node in nodes for t in self.about.get(node, [])]
        named = dict.fromkeys(
            t.object
            for t in (*own, *(t for t in near if t.subject in credits))
            if isinstance(t.object, ox.NamedNode) and t.object != record and t.object not in credits
        )
        labels = [t for node in named for t in self.labels.get(node, [])]
        return [*own, *near, *labels]
