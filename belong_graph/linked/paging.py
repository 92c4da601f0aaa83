"""The links into an entity, page by page: how many there are (by property), which of them one
page of its description holds, and how a client finds the other pages.

A description that holds one page of several says so in its RDF with the Hydra Core vocabulary,
as Triple Pattern Fragments servers (the Linked Data Fragments server) describe their pages: the
document is a ``hydra:PartialCollectionView`` with ``hydra:totalItems`` (the links into the
entity over all pages), ``hydra:itemsPerPage``, and ``hydra:first``, ``hydra:previous``,
``hydra:next`` and ``hydra:last``, which Hydra clients (Comunica) follow. The same pages go in
the HTTP ``Link`` header with the relations ``first``, ``prev``, ``next`` and ``last`` (RFC 8288,
as LDP Paging pages a resource), and on the page for people. Every page carries all of the
entity's own statements, so each page is a description by itself and the pages together are the
whole description.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from belong_graph.linked.describe import RDF_TYPE, UNLINKED, Description, preferred_label
from belong_graph.namespaces import HYDRA, PREFIXES
from belong_graph.sparql.results import Results

_XSD_INTEGER = ox.NamedNode(PREFIXES["xsd"] + "integer")
_HYDRA_LINKS = {"first": "first", "prev": "previous", "next": "next", "last": "last"}


@dataclass(frozen=True)
class LinkCount:
    """How many links into the entity one property makes, over all pages."""

    property: str
    label: str | None
    links: int


@dataclass(frozen=True)
class LinkPages:
    """Where one page of a description stands among the pages of links into its entity."""

    page: int
    size: int  # links a page
    counts: tuple[LinkCount, ...]

    @property
    def total(self) -> int:
        return sum(count.links for count in self.counts)

    @property
    def last(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def paged(self) -> bool:
        """Whether the links take more than one page."""
        return self.last > 1

    @property
    def first_shown(self) -> int:
        """The number of the first link on this page (counting from 1)."""
        return (self.page - 1) * self.size + 1

    @property
    def last_shown(self) -> int:
        return min(self.page * self.size, self.total)

    def neighbours(self) -> dict[str, int]:
        """The other pages by their link relation: first, prev, next, last (those there are)."""
        if not self.paged:
            return {}
        found = {"first": 1, "prev": self.page - 1, "next": self.page + 1, "last": self.last}
        return {rel: n for rel, n in found.items() if 1 <= n <= self.last and n != self.page}

    def triples(self, document: Callable[[int], str]) -> list[ox.Triple]:
        """The page's Hydra controls, ``document(n)`` being the address of page ``n``; none
        when one page holds every link."""
        if not self.paged:
            return []
        here = ox.NamedNode(document(self.page))
        triples = [
            ox.Triple(here, RDF_TYPE, _hydra("PartialCollectionView")),
            ox.Triple(here, _hydra("totalItems"), _integer(self.total)),
            ox.Triple(here, _hydra("itemsPerPage"), _integer(self.size)),
        ]
        for rel, number in self.neighbours().items():
            page = ox.NamedNode(document(number))
            triples.append(ox.Triple(here, _hydra(_HYDRA_LINKS[rel]), page))
        return triples


def counted_pages(page: int, size: int, results: Results) -> LinkPages:
    """The pages from the rows of :data:`~belong_graph.linked.describe.LINK_COUNTS` (the links
    a description leaves out not counted)."""
    links: dict[str, int] = {}
    labels: dict[str, list[ox.Literal]] = {}
    for row in results:
        prop = row["property"].value
        if prop in UNLINKED:
            continue
        links[prop] = int(row["links"].value)
        label = row.get("label")
        if isinstance(label, ox.Literal):
            labels.setdefault(prop, []).append(label)
    counts = (LinkCount(p, preferred_label(labels.get(p, [])), n) for p, n in links.items())
    return LinkPages(page, size, _by_label(counts))


def described_pages(description: Description, size: int) -> LinkPages:
    """The pages when the first page of ``description`` holds every link into its entity."""
    counts = (
        LinkCount(p.value, description.label(p), len(set(subjects)))
        for p, subjects in description.incoming().items()
    )
    return LinkPages(1, size, _by_label(counts))


def shown_links(description: Description) -> int:
    """How many links into the entity ``description`` holds."""
    return sum(len(set(subjects)) for subjects in description.incoming().values())


def _hydra(name: str) -> ox.NamedNode:
    return ox.NamedNode(str(HYDRA[name]))


def _integer(number: int) -> ox.Literal:
    return ox.Literal(str(number), datatype=_XSD_INTEGER)


def _by_label(counts: Iterable[LinkCount]) -> tuple[LinkCount, ...]:
    return tuple(sorted(counts, key=lambda c: ((c.label or c.property).lower(), c.property)))
