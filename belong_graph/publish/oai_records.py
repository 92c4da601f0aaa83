"""What the OAI-PMH provider disseminates, read from the graph by SPARQL: the items (the
resources of the Belong Network Library, and the deleted ones the change ledger remembers) with
their datestamps and sets, the set hierarchy, and each record's metadata as Dublin Core
(``oai_dc``) or as RDF/XML (``rdf``).

Queries go through a :data:`Sparql` function (the web app passes one that runs them in the
query pool); IRIs are bound into them as Oxigraph terms (:mod:`belong_graph.sparql.bind`), never
from request strings.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from belong_graph.namespaces import DC, PREFIXES, PROLOGUE, RDF
from belong_graph.sparql.bind import bind
from belong_graph.sparql.results import Results

Sparql = Callable[[str], Results]  # a SELECT query -> its rows

OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SET_ROOTS = {"type": "resource-types", "theme": "themes"}  # setSpec root -> concept scheme


@dataclass(frozen=True)
class MetadataFormat:
    prefix: str
    schema: str
    namespace: str


FORMATS = (
    MetadataFormat("oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd", OAI_DC),
    MetadataFormat("rdf", "http://www.openarchives.org/OAI/2.0/rdf.xsd", str(RDF)),
)


@dataclass(frozen=True)
class Item:
    """One item of the repository: a library resource, or a deleted one."""

    iri: str
    datestamp: str  # YYYY-MM-DD
    sets: tuple[str, ...]
    deleted: bool = False


@dataclass(frozen=True)
class OaiSet:
    spec: str
    name: str


ITEMS = """
SELECT ?item ?modified ?set ?deleted WHERE {
  # @values
  {
    ?item dcterms:isPartOf ?library .
    OPTIONAL { ?item dcterms:modified ?modified }
    OPTIONAL {
      { ?item dcterms:type/skos:broader* ?concept . ?concept skos:inScheme ?types .
        BIND ("type:" AS ?root) }
      UNION
      { ?item dcterms:subject ?concept . ?concept skos:inScheme ?themes . BIND ("theme:" AS ?root) }
      ?concept skos:notation ?notation .
      BIND (CONCAT(?root, STR(?notation)) AS ?set)
    }
  } UNION {
    ?item prov:invalidatedAtTime ?gone ; dcterms:modified ?modified .
    BIND (true AS ?deleted)
  }
  FILTER (!BOUND(?deleted) || STRSTARTS(STR(?item), ?resources))
}"""

SETS = """
SELECT ?root ?scheme ?schemeLabel ?notation ?label WHERE {
  # @values
  ?scheme skos:prefLabel ?schemeLabel .
  OPTIONAL { ?concept skos:inScheme ?scheme ; skos:notation ?notation ; skos:prefLabel ?label }
}"""

COLLECTION = """
SELECT ?title WHERE {
  # @values
  ?library dcterms:title ?title
}"""

DUBLIN_CORE = """
SELECT ?record ?field ?value ?position WHERE {
  # @values
  { ?record dcterms:title ?value . BIND ("title" AS ?field) }
  UNION {
    ?record prov:qualifiedAttribution ?credit .
    ?credit prov:agent/rdfs:label ?value ; schema:position ?position ;
        prov:hadRole/bel:shortcut ?shortcut .
    FILTER (?shortcut IN (dcterms:creator, dcterms:contributor))
    BIND (IF(?shortcut = dcterms:creator, "creator", "contributor") AS ?field)
  }
  UNION {
    ?record ?partnership ?agent . ?partnership rdfs:subPropertyOf+ dcterms:contributor .
    ?agent rdfs:label ?value . BIND ("contributor" AS ?field) BIND (1000 AS ?position)
  }
  UNION { ?record dcterms:subject/skos:prefLabel ?value . BIND ("subject" AS ?field) }
  UNION { ?record dcterms:description ?value . BIND ("description" AS ?field) }
  UNION { ?record dcterms:publisher/rdfs:label ?value . BIND ("publisher" AS ?field) }
  UNION { ?record dcterms:issued ?value . BIND ("date" AS ?field) }
  UNION { ?record dcterms:type/skos:prefLabel ?value . BIND ("type" AS ?field) }
  UNION {
    ?record dcterms:type ?dcmi . FILTER (STRSTARTS(STR(?dcmi), STR(dcmitype:)))
    BIND (STRAFTER(STR(?dcmi), STR(dcmitype:)) AS ?value) BIND ("type" AS ?field)
  }
  UNION {
    { ?record ?link ?value } UNION { ?value ?link ?record }
    { ?link rdfs:subPropertyOf* dcterms:relation } UNION { VALUES ?link { dcterms:isPartOf } }
    FILTER (isIRI(?value)) BIND ("relation" AS ?field)
  }
  UNION { ?record dcterms:spatial/rdfs:label ?value . BIND ("coverage" AS ?field) }
  UNION { ?record dcterms:language ?value . BIND ("language" AS ?field) }
  UNION { ?record dcterms:rights|dcterms:license|dcterms:accessRights ?value .
          BIND ("rights" AS ?field) }
  UNION { ?record schema:url|foaf:page|dcat:landingPage ?value . BIND ("identifier" AS ?field) }
}"""

DESCRIPTION = """
SELECT DISTINCT ?record ?s ?p ?o WHERE {
  # @values
  { ?record ?p ?o . BIND (?record AS ?s) }
  UNION { ?record prov:qualifiedAttribution ?s . ?s ?p ?o }
  UNION { ?record ?link ?s . FILTER (isBLANK(?s)) ?s ?p ?o }
  UNION {
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
    """The library as an OAI-PMH repository sees it."""

    def __init__(self, sparql: Sparql, *, base_iri: str) -> None:
        self._sparql = sparql
        self._base_iri = base_iri

    def _id(self, path: str) -> ox.NamedNode:
        return ox.NamedNode(self._base_iri + "id/" + path)

    def _rows(
        self, query: str, **values: ox.NamedNode | ox.Literal | list[ox.NamedNode]
    ) -> Results:
        """Rows of ``query`` with ``values`` bound (a list: any of them)."""
        return self._sparql(PROLOGUE + bind(query, values))

    def _each(self, query: str, records: Sequence[str]) -> Results:
        """Rows of ``query`` for every IRI in ``records`` (bound to ``?record``)."""
        return self._rows(query, record=[ox.NamedNode(iri) for iri in records])

    def name(self) -> str:
        titles = self._rows(COLLECTION, library=self._id("collection/belong-network-library"))
        return titles.rows[0]["title"].value if titles else "Belong Network Library"

    def items(self) -> list[Item]:
        """Every item, sorted by IRI, each with its datestamp and the sets it belongs to."""
        rows = self._rows(
            ITEMS,
            library=self._id("collection/belong-network-library"),
            types=self._id("scheme/resource-types"),
            themes=self._id("scheme/themes"),
            resources=ox.Literal(self._base_iri + "id/resource/"),
        )
        dates: dict[str, str] = {}
        sets: dict[str, set[str]] = defaultdict(set)
        deleted: set[str] = set()
        for row in rows:
            iri = row["item"].value
            modified = row.get("modified")
            dates[iri] = modified.value if modified is not None else dates.get(iri, "")
            if "set" in row:
                sets[iri].add(row["set"].value)
            if "deleted" in row:
                deleted.add(iri)
        return [
            Item(iri, dates[iri], tuple(sorted(sets[iri])), iri in deleted) for iri in sorted(dates)
        ]

    def sets(self) -> list[OaiSet]:
        """The set hierarchy: a root per concept scheme, a set per concept under it."""
        found: dict[str, str] = {}
        for root, scheme in SET_ROOTS.items():
            for row in self._rows(SETS, scheme=self._id("scheme/" + scheme)):
                found[root] = row["schemeLabel"].value
                if "notation" in row:
                    found[f"{root}:{row['notation'].value}"] = row["label"].value
        return [OaiSet(spec, name) for spec, name in sorted(found.items())]

    def dublin_core(self, records: Sequence[str]) -> dict[str, ET.Element]:
        """An ``oai_dc:dc`` element for each record."""
        values: dict[str, dict[str, list[tuple[float, str]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for row in self._each(DUBLIN_CORE, records):
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

    def rdf(self, records: Sequence[str]) -> dict[str, ET.Element]:
        """An ``rdf:RDF`` element for each record: its description as Oxigraph writes RDF/XML."""
        triples: dict[str, list[ox.Triple]] = defaultdict(list)
        for row in self._each(DESCRIPTION, records):
            subject, predicate = row["s"], row["p"]
            assert isinstance(subject, ox.NamedNode | ox.BlankNode)
            assert isinstance(predicate, ox.NamedNode)
            triples[row["record"].value].append(ox.Triple(subject, predicate, row["o"]))
        elements = {}
        for iri in records:
            record = ox.NamedNode(iri)
            ordered = sorted(triples[iri], key=lambda t: (t.subject != record, str(t)))
            written = ox.serialize(ordered, format=ox.RdfFormat.RDF_XML, prefixes=PREFIXES)
            assert written is not None
            elements[iri] = ET.fromstring(written)
        return elements

    def metadata(self, prefix: str, records: Sequence[str]) -> dict[str, ET.Element]:
        return self.dublin_core(records) if prefix == "oai_dc" else self.rdf(records)
