"""What changed between two versions of the curated data, and the part of the new data that the
shapes read when they check it: what change validation (:func:`belong_graph.validate.
validate_change`) hands pySHACL instead of the whole library.

The two versions are compared as N-Quads lines (Oxigraph's dump, a second at 30,000 resources):
a line in one and not the other changed its subject, and touched its object. Blank nodes get new
labels at every parse, so the lines that hold one are compared as the descriptions of the named
node that owns them (a dated name, a period), nested, labels left out.

Which nodes a change can affect follows from the shapes (checked by ``tests/test_incremental_
validation.py`` against every shape in ``shapes/``):

- a node shape reads its focus node's statements, and through paths, ``sh:class``, ``sh:node`` and
  the SPARQL rules, the statements of nodes up to three steps ahead (an organisation's dated name,
  its period, the period's type); so a changed node affects itself and the nodes that reach it in
  one or two steps by the predicates along which a shape reads on (:func:`read_through`: a
  changed source document affects no resource that cites it, a changed credit affects its
  resource), and a touched object (one that gained or lost a referrer) affects itself;
- two predicates are read backwards (``^prov:qualifiedAttribution``, and ``rdf:subject`` from a
  mapping's statement), so a focus node also brings the nodes that point to it by them;
- two rules compare nodes anywhere in the graph (:data:`WHOLE_GRAPH_SHAPES`: the same
  participation recorded twice, a loop of units and parents); they get every statement of the
  predicates they read, and their findings are taken whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice

import pyoxigraph as ox
from rdflib import Graph, Namespace, URIRef

from belong_graph.namespaces import ORG, PROV, RDF, SCHEMA, SH

Term = ox.NamedNode | ox.BlankNode
BSH = Namespace("https://data.belongnetwork.co.uk/shapes#")  # the shapes' own IRIs
REACH = 3
INVERSE_READS = (ox.NamedNode(PROV.qualifiedAttribution), ox.NamedNode(RDF.subject))
SPARQL_READ_THROUGH = (PROV.qualifiedAttribution, SCHEMA.identifier, SCHEMA.propertyID)
WHOLE_GRAPH_SHAPES = {
    str(BSH.RepeatedParticipation): (ORG.member, ORG.organization, ORG.role),
    str(BSH.HierarchyLoop): (ORG.unitOf, ORG.subOrganizationOf),
}


@dataclass
class Delta:
    """The nodes whose statements changed, and the objects of the statements added or removed."""

    changed: set[Term] = field(default_factory=set)
    touched: set[Term] = field(default_factory=set)
    literals: set[ox.Literal] = field(default_factory=set)  # touched ones (targets too)
    ontology_changed: bool = False

    @property
    def empty(self) -> bool:
        return not (self.changed or self.touched or self.literals or self.ontology_changed)


def curated_lines(store: ox.Store) -> bytes:
    """The parsed data and ontology as N-Quads (what a build keeps to compare the next with)."""
    dumped = store.dump(format=ox.RdfFormat.N_QUADS)
    assert dumped is not None  # Oxigraph returns bytes when given no output file
    return dumped


def compare(old: bytes, new: bytes, *, ontology_prefix: str) -> Delta:
    """The :class:`Delta` from the curated N-Quads ``old`` to ``new``."""
    old_lines, new_lines = set(old.splitlines()), set(new.splitlines())
    old_plain, old_blank = _split(old_lines - new_lines)  # every line with a blank node differs
    new_plain, new_blank = _split(new_lines - old_lines)
    delta = Delta()
    for quad in _quads(old_plain | new_plain):
        delta.changed.add(quad.subject)  # type: ignore[arg-type]  # no RDF-star in data
        if isinstance(quad.object, ox.NamedNode):
            delta.touched.add(quad.object)
        elif isinstance(quad.object, ox.Literal):
            delta.literals.add(quad.object)
        if quad.graph_name.value.startswith(ontology_prefix):  # type: ignore[union-attr]
            delta.ontology_changed = True
    old_owned, new_owned = _owned(old_blank), _owned(new_blank)
    for owner in old_owned.keys() | new_owned.keys():
        if old_owned.get(owner) != new_owned.get(owner):
            delta.changed.add(ox.NamedNode(owner))
    return delta


def read_through(shapes: Graph) -> set[ox.NamedNode]:
    """The predicates along which a shape reads the statements of the node it reaches: the
    path of a property shape that checks its values' class or shape, and the first steps of
    the SPARQL rules' chains (:data:`SPARQL_READ_THROUGH`)."""
    found = shapes.query(
        """SELECT DISTINCT ?path WHERE {
            ?shape sh:path ?path ;
                sh:class|sh:node|sh:qualifiedValueShape|sh:or|sh:and|sh:xone|sh:not ?values .
        }""",
        initNs={"sh": SH},
    )
    paths = {row[0] for row in found if isinstance(row[0], URIRef)}  # type: ignore[index]
    return {ox.NamedNode(str(p)) for p in (*paths, *SPARQL_READ_THROUGH)}


def affected(store: ox.Store, delta: Delta, through: set[ox.NamedNode]) -> set[Term]:
    """The nodes whose findings ``delta`` may change, in the new data ``store``, given the
    predicates ``through`` which shapes read on (:func:`read_through`)."""
    nodes: set[Term] = set(delta.changed | delta.touched)
    frontier: set[Term] = set(delta.changed)
    for _ in range(2):
        frontier = {
            q.subject
            for node in frontier
            for predicate in through
            for q in store.quads_for_pattern(None, predicate, node)
            if not isinstance(q.subject, ox.Triple)
        } - nodes
        nodes |= frontier
    return nodes


def targeting(shapes: Graph) -> set[ox.NamedNode]:
    """The predicates whose objects a shape targets (``sh:targetObjectsOf``)."""
    return {ox.NamedNode(str(p)) for p in shapes.objects(None, SH.targetObjectsOf)}


def subgraph(
    store: ox.Store,
    focus: Iterable[Term],
    literals: Iterable[ox.Literal],
    *,
    targets: set[ox.NamedNode],
    ontology_prefix: str,
) -> Iterator[ox.Quad]:
    """The statements the shapes read when they check ``focus`` and ``literals`` (a literal is
    a focus node of a shape that targets the objects of a predicate): the ontology, each focus
    node's own up to :data:`REACH` steps ahead, those of the nodes pointing to it by
    :data:`INVERSE_READS`, one statement by each of ``targets`` (:func:`targeting`) that makes
    it a focus node, and every statement that :data:`WHOLE_GRAPH_SHAPES` read."""
    for graph in graphs_named(store, ontology_prefix):
        yield from store.quads_for_pattern(None, None, None, graph)
    seen: dict[Term, int] = {}
    for value in literals:
        yield from _targeted(store, value, targets)
    for node in focus:
        yield from ahead(store, node, REACH, seen)
        yield from _targeted(store, node, targets)
        for predicate in INVERSE_READS:
            for quad in store.quads_for_pattern(None, predicate, node):
                yield from ahead(store, quad.subject, REACH - 1, seen)  # type: ignore[arg-type]
    for read in WHOLE_GRAPH_SHAPES.values():
        for iri in read:
            yield from store.quads_for_pattern(None, ox.NamedNode(str(iri)), None)


def _targeted(
    store: ox.Store, value: Term | ox.Literal, targets: set[ox.NamedNode]
) -> Iterator[ox.Quad]:
    """A statement by each of ``targets`` that has ``value`` as object: one is enough to make
    ``value`` a focus node, and its shapes read no referrer."""
    for predicate in targets:
        yield from islice(store.quads_for_pattern(None, predicate, value), 1)


def ahead(
    store: ox.Store,
    node: Term,
    steps: int,
    seen: dict[Term, int],
    graphs: Sequence[ox.NamedNode | None] = (None,),
) -> Iterator[ox.Quad]:
    """``node``'s statements in ``graphs`` (all, by default) and those of the nodes ahead of it,
    ``steps`` steps (a blank node costs no step: it is part of the description of the node that
    holds it); each node's once, given ``seen`` (each node walked and its steps ahead)."""
    if seen.get(node, -1) >= steps:
        return
    first = node not in seen
    seen[node] = steps
    for graph in graphs:
        for quad in store.quads_for_pattern(node, None, None, graph):
            if first:
                yield quad
            value = quad.object
            if isinstance(value, ox.BlankNode):
                yield from ahead(store, value, steps, seen, (graph,))
            elif isinstance(value, ox.NamedNode) and steps > 0:
                yield from ahead(store, value, steps - 1, seen, graphs)


def referrers(store: ox.Store, node: Term, graphs: Sequence[ox.NamedNode]) -> set[Term]:
    """The subjects of the statements in ``graphs`` whose object is ``node``."""
    return {q.subject for g in graphs for q in store.quads_for_pattern(None, None, node, g)}  # type: ignore[misc]


def graphs_named(store: ox.Store, prefix: str) -> list[ox.NamedNode]:
    """The named graphs of ``store`` whose names start with ``prefix``."""
    return [
        g
        for g in store.named_graphs()
        if isinstance(g, ox.NamedNode) and g.value.startswith(prefix)
    ]


def _split(lines: set[bytes]) -> tuple[set[bytes], list[bytes]]:
    """The lines without blank nodes (as a set) and those with one (as a list)."""
    plain: set[bytes] = set()
    blank: list[bytes] = []
    for line in lines:
        if b"_:" in line:
            blank.append(line)
        elif line:
            plain.add(line)
    return plain, blank


def _quads(lines: Iterable[bytes]) -> Iterator[ox.Quad]:
    yield from ox.parse(b"\n".join(lines), format=ox.RdfFormat.N_QUADS)


def _owned(lines: list[bytes]) -> dict[str, tuple[str, ...]]:
    """For each named node holding blank nodes, its statements that lead to them, each blank
    node written out as its own statements (a node no named node holds counts as held by "")."""
    quads = list(_quads(lines))
    by_subject: dict[Term, list[ox.Quad]] = {}
    held: set[ox.BlankNode] = set()
    for quad in quads:
        by_subject.setdefault(quad.subject, []).append(quad)  # type: ignore[arg-type]
        if isinstance(quad.object, ox.BlankNode):
            held.add(quad.object)
    owned: dict[str, tuple[str, ...]] = {}
    for subject, statements in by_subject.items():
        if isinstance(subject, ox.NamedNode):
            owned[subject.value] = _described(statements, by_subject, set())
        elif subject not in held:
            owned[""] = tuple(
                sorted((*owned.get("", ()), *_described(statements, by_subject, set())))
            )
    return owned


def _described(
    statements: list[ox.Quad], by_subject: dict[Term, list[ox.Quad]], path: set[ox.BlankNode]
) -> tuple[str, ...]:
    described = []
    for quad in statements:
        value = quad.object
        if isinstance(value, ox.BlankNode):
            inner = (
                ()
                if value in path
                else _described(by_subject.get(value, []), by_subject, path | {value})
            )
            shown = "[" + " ; ".join(inner) + "]"
        else:
            shown = str(value)
        described.append(f"{quad.predicate} {shown} {quad.graph_name}")
    return tuple(sorted(described))
