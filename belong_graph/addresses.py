"""Every URL the server writes, from two addresses: the base IRI of the graph and the public
address the server answers at. The base IRI is written as the public address, as Trifid does: a
server that runs somewhere else than the base IRI (a laptop, a test) serves links that lead back
to itself.

Only the IRIs of entities (under ``<base>id/``, the ones that dereference) are rewritten. The
ontology's namespace is fixed whatever the base (``https://data.belongnetwork.co.uk/ontology#``):
its terms are names in a vocabulary, and a client that knows the vocabulary must still recognise
them; the names of the store's graphs stay those the SPARQL endpoint knows. Literals are never
changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from belong_graph.ontology import ONTOLOGY_NAMESPACE

ONTOLOGY_IRI = ONTOLOGY_NAMESPACE.rstrip("#")


@dataclass(frozen=True)
class Addresses:
    """The canonical base IRI and the address the server answers at (both ending in /)."""

    base: str
    public: str

    def to_public(self, iri: str) -> str:
        if self.base == self.public or not iri.startswith(self.base + "id/"):
            return iri
        return self.public + iri[len(self.base) :]

    def url(self, path: str) -> str:
        """Where the server serves ``path`` (such as ``dumps/x.nt.gz`` or ``/sparql``)."""
        return self.public + path.lstrip("/")

    def to_canonical(self, path: str) -> str:
        """The IRI a request path (such as ``id/person/jo-broadwood``) names."""
        return self.base + path.lstrip("/")

    def term(
        self, term: ox.NamedNode | ox.BlankNode | ox.Literal
    ) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        if isinstance(term, ox.NamedNode):
            return ox.NamedNode(self.to_public(term.value))
        return term

    def triples(self, triples: Iterable[ox.Triple]) -> list[ox.Triple]:
        """``triples`` with every IRI under the base written with the public address."""
        if self.base == self.public:
            return list(triples)
        return [
            ox.Triple(self.term(t.subject), self.term(t.predicate), self.term(t.object))  # type: ignore[arg-type]
            for t in triples
        ]

    def page_of(self, iri: str) -> str:
        """Where a person reads about ``iri`` here: entities and ontology terms on this server."""
        if iri.startswith(ONTOLOGY_NAMESPACE):
            return self.public + "ontology#" + iri[len(ONTOLOGY_NAMESPACE) :]
        if iri == ONTOLOGY_IRI:
            return self.public + "ontology"
        return self.to_public(iri)
