"""An entity's description as facts for its page: each property with its values (labels where
the graph has them), the links into it, and a resource's credits in their printed order."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import pyoxigraph as ox

from belong_graph.linked.describe import RDF_TYPE, RDFS_LABEL, Description, Subject, Term
from belong_graph.linked.paging import LinkCount
from belong_graph.namespaces import BEL, PREFIXES, compact_iri

PROV = PREFIXES["prov"]
SCHEMA = PREFIXES["schema"]
XSD_STRING = PREFIXES["xsd"] + "string"
# What the build writes for paging and searching the lists, which tells a reader nothing: kept in
# the RDF, not shown among a page's facts.
MACHINERY = frozenset(
    ox.NamedNode(str(term))
    for term in (
        BEL.positionNewestFirst,
        BEL.positionOldestFirst,
        BEL.positionByTitle,
        BEL.positionMostActiveFirst,
        BEL.networkNodesPage,
        BEL.networkLinksPage,
        BEL.searchText,
        BEL.lookupKey,
    )
)


@dataclass(frozen=True)
class Value:
    """One value: literal text, or a link (``iri``) with its label, or a blank node's facts."""

    text: str
    iri: str | None = None
    note: str = ""  # a literal's language or datatype
    nested: tuple[Fact, ...] = ()


@dataclass(frozen=True)
class Fact:
    """One property and its values."""

    property: str  # IRI
    label: str
    name: str  # compact IRI, such as dcterms:title
    values: tuple[Value, ...]
    total: int = 0  # links into the entity by this property over all pages, where they are paged


@dataclass(frozen=True)
class Credit:
    """One agent's credit on a resource, from its authorship node."""

    position: int
    agent: str
    name: str
    role: str  # the role's IRI
    is_person: bool


def property_facts(description: Description, subject: Subject | None = None) -> list[Fact]:
    """Every property of ``subject`` (the entity by default) but its types, its label and the
    build's machinery for lists."""
    facts = []
    for predicate, objects in description.outgoing(subject).items():
        if predicate in (RDF_TYPE, RDFS_LABEL) or predicate in MACHINERY:
            continue
        values = tuple(sorted((_value(description, o) for o in objects), key=_order))
        facts.append(_fact(description, predicate, values))
    return sorted(facts, key=lambda f: f.label.lower())


def backlink_facts(description: Description, counts: Sequence[LinkCount] = ()) -> list[Fact]:
    """Every property that links into the entity, with what links, by label; given the
    ``counts`` of paged links, every counted property with its number over all pages, including
    those that link nowhere on this page."""
    totals = {count.property: count for count in counts}
    facts = []
    for predicate, subjects in description.incoming().items():
        values = tuple(sorted((_value(description, s) for s in subjects), key=_order))
        count = totals.pop(predicate.value, None)
        fact = _fact(description, predicate, values)
        facts.append(replace(fact, total=count.links) if count else fact)
    facts.extend(
        Fact(c.property, c.label or humanise(c.property), compact_iri(c.property), (), c.links)
        for c in totals.values()
    )
    return sorted(facts, key=lambda f: f.label.lower())


def type_values(description: Description) -> list[Value]:
    return sorted((_value(description, t) for t in description.types()), key=_order)


def credits(description: Description) -> list[Credit]:
    """The resource's credits (authorship nodes) in their printed order."""
    found = []
    for node in description.values(PROV + "qualifiedAttribution"):
        if not isinstance(node, ox.NamedNode):
            continue
        agents = description.values(PROV + "agent", node)
        roles = description.values(PROV + "hadRole", node)
        positions = description.values(SCHEMA + "position", node)
        if not agents or not isinstance(agents[0], ox.NamedNode):
            continue
        agent = agents[0]
        found.append(
            Credit(
                position=int(positions[0].value) if positions else 0,
                agent=agent.value,
                name=description.label(agent) or agent.value,
                role=roles[0].value if roles else "",
                is_person="/id/person/" in agent.value,
            )
        )
    return sorted(found, key=lambda c: (c.position, c.name))


def humanise(iri: str) -> str:
    """A readable name from an IRI's last part: ``qualifiedAttribution`` → qualified attribution."""
    local = re.split(r"[#/]", iri.rstrip("/#"))[-1]
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", local).replace("-", " ").replace("_", " ")
    return words.lower() if words[:1].islower() else words


def _fact(description: Description, predicate: ox.NamedNode, values: tuple[Value, ...]) -> Fact:
    label = description.label(predicate) or humanise(predicate.value)
    return Fact(predicate.value, label, compact_iri(predicate.value), values)


def _value(description: Description, term: Term) -> Value:
    if isinstance(term, ox.Literal):
        note = term.language or ""
        if not note and term.datatype.value != XSD_STRING:
            note = compact_iri(term.datatype.value)
        return Value(term.value, note=note)
    if isinstance(term, ox.BlankNode):
        nested = tuple(property_facts(description, term))
        kinds = ", ".join(
            description.label(t) or compact_iri(t.value) for t in description.types(term)
        )
        return Value(kinds or "(no name)", nested=nested)
    text = description.label(term) or compact_iri(term.value)
    return Value("" if text == term.value else text, iri=term.value)  # "": the page's address


def _order(value: Value) -> tuple[str, str]:
    return (value.text.lower(), value.iri or "")
