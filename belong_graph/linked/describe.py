"""An entity's description: its concise bounded description, the labels of what it links to, and
the links into it that matter, built by one SPARQL CONSTRUCT and read back as a small graph.

The concise bounded description follows blank nodes (three levels deep) and the qualified
relation nodes linked to the entity in either direction (authorships and participations), so a
resource carries its ordered credits and an organisation its participations with their roles.
Links into the entity are all kept except provenance and collection membership, which nearly every
record has and which would make the description of a source or of the library enormous, and the
nameless pair nodes the build makes to page the co-authors and partnerships lists.

The links into an entity are the one part that grows with the library (a theme is the subject of
a seventh of it, the author role is the role of nearly every credit), so they come in pages: the
description carries every statement of the entity itself and one page of the links into it (the
link, the linking thing's label, and a qualified node's own statements). The pages follow the
store's index order, the one order that costs nothing to page through (sorting 90,000 links by
IRI took 15 s at 30,000 resources); the same page of the same build is always the same links.
How many links there are, by property, is counted apart (:data:`LINK_COUNTS`), when more than
one page might hold them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from belong_graph.namespaces import BEL, DCTERMS, PREFIXES, PROLOGUE, PROV, compact_iri
from belong_graph.sparql.bind import bind

RDFS_LABEL = ox.NamedNode(PREFIXES["rdfs"] + "label")
RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
# Links into an entity that a description leaves out (see the module's docstring).
UNLINKED = frozenset(
    str(term) for term in (PROV.wasDerivedFrom, DCTERMS.isPartOf, BEL.coAuthor, BEL.partnershipOf)
)
_UNLINKED = ", ".join(compact_iri(iri) for iri in sorted(UNLINKED))
_PAGE = """{
      SELECT ?s ?ip ?entity WHERE {
        # @values
        ?s ?ip ?entity . FILTER (?ip NOT IN ({unlinked}))
      }
      LIMIT {limit} OFFSET {offset}
    }"""

DESCRIBE = (
    PROLOGUE
    + """

CONSTRUCT {
  ?entity ?p ?o . ?o rdfs:label ?oLabel .
  ?node ?np ?no . ?no rdfs:label ?noLabel .
  ?s ?ip ?entity . ?s rdfs:label ?sLabel . ?ip rdfs:label ?ipLabel .
  ?property rdfs:label ?propertyLabel .
}
WHERE {
  {
    # @values
    ?entity ?p ?o .
    OPTIONAL { ?o rdfs:label ?oLabel }
  } UNION {
    {
      # @values
      ?entity ?p1 ?node . FILTER (isBlank(?node))
    } UNION {
      # @values
      ?entity ?p1 ?b1 . ?b1 ?p2 ?node . FILTER (isBlank(?b1) && isBlank(?node))
    } UNION {
      # @values
      ?entity ?p1 ?b1 . ?b1 ?p2 ?b2 . ?b2 ?p3 ?node .
      FILTER (isBlank(?b1) && isBlank(?b2) && isBlank(?node))
    } UNION {
      # @values
      ?entity ?p1 ?node . ?node a bel:Authorship .
    } UNION {
      # @values
      ?entity ?p1 ?node . ?node a bel:Participation .
    } UNION {
      { SELECT DISTINCT ?node WHERE { PAGE BIND (?s AS ?node) } }
      ?node a ?qualified . FILTER (?qualified IN (bel:Authorship, bel:Participation))
    }
    ?node ?np ?no .
    OPTIONAL { ?no rdfs:label ?noLabel }
  } UNION {
    PAGE
    OPTIONAL { ?s rdfs:label ?sLabel }
    OPTIONAL { ?ip rdfs:label ?ipLabel }
  } UNION {
    {
      SELECT DISTINCT ?property WHERE {
        # @values
        ?entity ?property ?any
      }
    }
    ?property rdfs:label ?propertyLabel .
  }
}""".replace("PAGE", _PAGE).replace("{unlinked}", _UNLINKED)
)

LINK_COUNTS = (
    PROLOGUE
    + """

SELECT ?property ?links ?label WHERE {
  {
    SELECT ?property (COUNT(*) AS ?links) WHERE {
      # @values
      ?s ?property ?entity .
    }
    GROUP BY ?property
  }
  OPTIONAL { ?property rdfs:label ?label }
}"""
)

# Every link into an entity, for a person to run in the query page.
LINKS = (
    PROLOGUE
    + """

SELECT ?link ?property WHERE {
  # @values
  ?link ?property ?entity .
  FILTER (?property NOT IN ({unlinked}))
}""".replace("{unlinked}", _UNLINKED)
)


def is_iri(value: str) -> bool:
    """Whether ``value`` is a well-formed IRI (a request path may hold spaces or brackets)."""
    try:
        ox.NamedNode(value)
    except ValueError:
        return False
    return True


def describe_query(iri: str, *, page: int = 1, links: int) -> str:
    """The CONSTRUCT that describes ``iri`` with page ``page`` of the links into it, ``links`` a
    page; the IRI is bound as a term, never spliced as text."""
    query = DESCRIBE.replace("{limit}", str(links)).replace("{offset}", str((page - 1) * links))
    return bind(query, {"entity": ox.NamedNode(iri)})


def links_query(iri: str) -> str:
    """The SELECT that lists every link into ``iri``, over all pages."""
    return bind(LINKS, {"entity": ox.NamedNode(iri)})


def link_counts_query(iri: str) -> str:
    """The SELECT that counts the links into ``iri`` by property, with the properties' labels;
    the properties of :data:`UNLINKED` are among them (leaving them out in the query cost a
    third more: 118 against 76 ms for the author role's 90,000 links at 30,000 resources)."""
    return bind(LINK_COUNTS, {"entity": ox.NamedNode(iri)})


Subject = ox.NamedNode | ox.BlankNode
Term = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass
class Description:
    """A small graph about one entity, indexed both ways."""

    iri: str
    triples: list[ox.Triple]
    truncated: bool = False  # cut at the result limit
    _out: dict[Subject, dict[ox.NamedNode, list[Term]]] = field(default_factory=dict, repr=False)
    _in: dict[Term, dict[ox.NamedNode, list[Subject]]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        out: dict[Subject, dict[ox.NamedNode, list[Term]]] = defaultdict(lambda: defaultdict(list))
        into: dict[Term, dict[ox.NamedNode, list[Subject]]] = defaultdict(lambda: defaultdict(list))
        self.triples = list(dict.fromkeys(self.triples))  # a CONSTRUCT repeats what two paths reach
        for triple in self.triples:
            subject, value = triple.subject, triple.object
            if isinstance(subject, ox.Triple) or isinstance(value, ox.Triple):
                continue  # RDF-star: the graph has none
            out[subject][triple.predicate].append(value)
            into[value][triple.predicate].append(subject)
        self._out, self._in = out, into

    @property
    def node(self) -> ox.NamedNode:
        return ox.NamedNode(self.iri)

    @property
    def exists(self) -> bool:
        """Whether the graph says anything about the entity itself."""
        return self.node in self._out

    def outgoing(self, subject: Subject | None = None) -> dict[ox.NamedNode, list[Term]]:
        """Each property of ``subject`` (the entity by default) with its values."""
        return self._out.get(subject or self.node, {})

    def incoming(self) -> dict[ox.NamedNode, list[Subject]]:
        """Each property that links into the entity, with the things that link."""
        return self._in.get(self.node, {})

    def values(self, predicate: str, subject: Subject | None = None) -> list[Term]:
        return self.outgoing(subject).get(ox.NamedNode(predicate), [])

    def label(self, term: Term) -> str | None:
        """The label the graph gives ``term``, preferring English."""
        if isinstance(term, ox.Literal):
            return term.value
        return preferred_label(
            [v for v in self.outgoing(term).get(RDFS_LABEL, []) if isinstance(v, ox.Literal)]
        )

    def types(self, subject: Subject | None = None) -> list[ox.NamedNode]:
        return [t for t in self.outgoing(subject).get(RDF_TYPE, []) if isinstance(t, ox.NamedNode)]


def preferred_label(labels: list[ox.Literal]) -> str | None:
    """The label to show of several, preferring English."""
    english = [v for v in labels if (v.language or "").startswith("en")]
    return sorted(v.value for v in english or labels)[0] if labels else None


def read_description(iri: str, ntriples: bytes, *, truncated: bool = False) -> Description:
    """The description of ``iri`` from the N-Triples a query worker sent back."""
    triples = [q.triple for q in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)]
    return Description(iri, triples, truncated)
