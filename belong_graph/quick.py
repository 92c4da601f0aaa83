"""A quick build: the current build with a small change applied, to go live in seconds; the
full build follows it.

A full build reads the whole library (a minute and a half at 30,000 synthetic resources). A
change of a few entities, already validated against the current build (:func:`belong_graph.
validate.validate_change` gives the :class:`~belong_graph.delta.Delta`), needs much less: the
quick build copies the current on-disk store (a RocksDB checkpoint: hard links, instant),
replaces the changed nodes' curated statements, derives again what the rules derive for the
nodes the change reaches (by running the rules over the part of the library those nodes read),
dates again the entities whose description changed, and refreshes their rows in the OAI-PMH and
catalogue indexes.

What it leaves as the previous build had it, until the full build that follows replaces it:
what ranks or counts the whole library (list positions, counts of the library's hubs: its
themes, types, years and busiest organisations), the dumps, statistics, sitemaps, linksets,
the explorer's network and the query page's completions. A quick build has no N-Quads snapshot:
servers read its on-disk store.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

import pyoxigraph as ox

from belong_graph import changes
from belong_graph.delta import Delta, Term, ahead, graphs_named, referrers
from belong_graph.derive import POSITION_TYPE, apply_rules
from belong_graph.load import ParsedData
from belong_graph.namespaces import ORG
from belong_graph.phases import phase
from belong_graph.publish import catalogue_index, oai_index
from belong_graph.settings import Settings
from belong_graph.store import DISK_FOLDER, DatasetVersion, OxigraphStore

log = logging.getLogger("belong_graph.build")

QUICK_LIMIT = 200  # changed nodes beyond which only a full build runs
REACH_LIMIT = 2000  # entities whose description changed, likewise (a source all entities cite)
HUB = 200  # statements naming a node beyond which its derived statements wait for the full build
AHEAD = 3  # steps ahead of a node that the rules read
CARRIED = (  # what a quick build takes over from the previous one, unchanged (hard links)
    "dumps",
    "statistics.json",
    "sitemap.xml",
    "sitemaps",
    "linksets.json",
    "network.sqlite",
    "completions.sqlite",
)
REFRESHED = (oai_index.INDEX_FILE, catalogue_index.INDEX_FILE)  # copied, then brought up to date
HIERARCHY = tuple(ox.NamedNode(str(iri)) for iri in (ORG.unitOf, ORG.subOrganizationOf))


@dataclass(frozen=True)
class Reach:
    """What a change reaches: the nodes whose derived statements are derived again, and the
    entities (IRIs relative to ``<base>id/``) whose change dates and records are refreshed."""

    nodes: set[Term]
    entities: set[str]


def fits(delta: Delta) -> bool:
    """Whether a quick build can apply ``delta``: a change of the data, not the ontology, of at
    most :data:`QUICK_LIMIT` named nodes."""
    return (
        not delta.empty
        and not delta.ontology_changed
        and len(delta.changed) <= QUICK_LIMIT
        and all(isinstance(n, ox.NamedNode) and n.value for n in delta.changed)
    )


def quick_build(
    settings: Settings, data: ParsedData, delta: Delta, previous: Path, folder: Path, *, digest: str
) -> DatasetVersion | None:
    """Write into ``folder`` the build in ``previous`` with ``data``'s change ``delta`` applied
    (:func:`fits` must hold), and return its version (``digest``); None, having written
    nothing of use, if the change reaches more than :data:`REACH_LIMIT` entities."""
    before = DatasetVersion.read(previous)
    ox.Store.read_only(str(previous / DISK_FOLDER)).backup(str(folder / DISK_FOLDER))
    store = ox.Store(str(folder / DISK_FOLDER))
    with phase("quick: curated statements"):
        curated = settings.graph_iri("data/")
        removed, added = _replace(store, data.store, delta.changed, curated)
    with phase("quick: reach"):
        reach = _reach(store, delta, settings)
    if len(reach.entities) > REACH_LIMIT:
        log.info("no quick build: the change reaches %d entities", len(reach.entities))
        return None
    with phase("quick: rules"):
        derived = _derive_again(store, reach.nodes, settings)
    with phase("quick: change dates"):
        dated = _date_again(store, reach.entities, settings)
    graphs = tuple(sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)))
    store.flush()
    del store  # closed, so that it can be opened read-only
    _carry_over(previous, folder)
    version = DatasetVersion(
        digest=digest,
        built=datetime.now(UTC).isoformat(timespec="seconds"),
        quads=before.quads - removed + added + derived + dated,
        graphs=graphs,
    )
    with phase("quick: indexes"):
        opened = OxigraphStore(ox.Store.read_only(str(folder / DISK_FOLDER)), version)
        iris = {f"{settings.base_iri}id/{entity}" for entity in reach.entities}
        oai_index.refresh_index(
            opened, folder / oai_index.INDEX_FILE, iris, base_iri=settings.base_iri
        )
        catalogue_index.refresh_index(opened, folder / catalogue_index.INDEX_FILE, iris)
    version.save(folder)
    log.info(
        "quick build: %d nodes changed, %d derived again, %d entities dated again",
        len(delta.changed),
        len(reach.nodes),
        len(reach.entities),
    )
    return version


def _replace(store: ox.Store, new: ox.Store, nodes: Iterable[Term], prefix: str) -> tuple[int, int]:
    """Replace the statements of ``nodes`` (and of the blank nodes under them) in the graphs
    named with ``prefix`` of ``store`` by those of ``new``; return how many went and came."""
    going = {q for node in nodes for q in ahead(store, node, 0, {}, graphs_named(store, prefix))}
    coming = {q for node in nodes for q in ahead(new, node, 0, {}, graphs_named(new, prefix))}
    for quad in going:
        store.remove(quad)
    fresh = [q for q in coming if q not in store]
    store.extend(fresh)
    return len(going), len(fresh)


def _reach(store: ox.Store, delta: Delta, settings: Settings) -> Reach:
    """The nodes whose derived statements ``delta`` may change, and the entities whose
    description it may change (:func:`belong_graph.changes.affected_entities`): the changed
    and touched nodes, those entities, what the changed nodes name, and the organisations above
    any of them; less the hubs (named by more than :data:`HUB` statements), whose derived
    statements wait for the full build."""
    entities = changes.affected_entities(store, delta.changed, delta.touched, settings)
    prefix = f"{settings.base_iri}id/"
    nodes: set[Term] = {
        *delta.changed,
        *delta.touched,
        *(ox.NamedNode(prefix + e) for e in entities),
    }
    nodes |= {
        q.object
        for node in delta.changed
        for q in store.quads_for_pattern(node, None, None)
        if isinstance(q.object, ox.NamedNode)
    }
    nodes |= _along(store, nodes, up=True)
    return Reach({n for n in nodes if not _is_hub(store, n)}, entities)


def _along(store: ox.Store, nodes: Iterable[Term], *, up: bool) -> set[Term]:
    """The organisations above ``nodes`` (``up``: those they are units or sub-organisations
    of) or below them (their units and sub-organisations), at any height or depth."""
    found: set[Term] = set()
    frontier = set(nodes)
    while frontier:
        step: set[Term] = set()
        for node in frontier:
            for predicate in HIERARCHY:
                if up:
                    step |= {
                        q.object
                        for q in store.quads_for_pattern(node, predicate, None)
                        if isinstance(q.object, ox.NamedNode)
                    }
                else:
                    step |= {q.subject for q in store.quads_for_pattern(None, predicate, node)}  # type: ignore[misc]
        frontier = step - found
        found |= frontier
    return found


def _is_hub(store: ox.Store, node: Term) -> bool:
    return len(list(islice(store.quads_for_pattern(None, None, node), HUB + 1))) > HUB


def _derive_again(store: ox.Store, nodes: set[Term], settings: Settings) -> int:
    """Replace the derived statements about ``nodes`` in ``store`` by what the rules derive
    from the part of the library they read (:func:`_read_by_rules`), but the list positions
    of nodes still described, which the full build numbers; return the change in statements."""
    graph = ox.NamedNode(settings.derived_graph_iri())
    part = ox.Store()
    part.extend(_read_by_rules(store, nodes, settings))
    apply_rules(part, settings.rules_dir, into=graph.value)
    curated = graphs_named(store, settings.graph_iri("data/"))
    going = [
        q
        for q in _derived_about(store, nodes, graph)
        if not (_is_position(q) and _described(store, q.subject, curated))
    ]
    coming = [q for q in _derived_about(part, nodes, graph) if not _is_position(q)]
    coming += _positions_kept(going, coming)
    for quad in going:
        store.remove(quad)
    fresh = [q for q in coming if q not in store]
    store.extend(fresh)
    return len(fresh) - len(going)


def _read_by_rules(store: ox.Store, nodes: set[Term], settings: Settings) -> Iterator[ox.Quad]:
    """The curated statements and the ontology that the rules read when they derive the
    statements about ``nodes``: the nodes' own, :data:`AHEAD` steps ahead, and those of whoever
    names the nodes (or their units), in one or two steps, two steps ahead of them."""
    ontology = graphs_named(store, settings.graph_iri("ontology/"))
    for graph in ontology:
        yield from store.quads_for_pattern(None, None, None, graph)
    curated = graphs_named(store, settings.graph_iri("data/"))
    seen: dict[Term, int] = {}
    for node in nodes:
        yield from ahead(store, node, AHEAD, seen, curated)
    for node in _along(store, nodes, up=False) | nodes:
        for first in referrers(store, node, curated):
            yield from ahead(store, first, 2, seen, curated)
            if not _is_hub(store, first):
                for second in referrers(store, first, curated):
                    yield from ahead(store, second, 2, seen, curated)


def _derived_about(store: ox.Store, nodes: set[Term], graph: ox.NamedNode) -> set[ox.Quad]:
    """The statements of ``graph`` about ``nodes``: theirs, with the blank nodes under them,
    and those of the blank nodes of their own (nothing names them) that name one of them (a
    pair of co-authors)."""
    found: set[ox.Quad] = set()
    for node in nodes:
        found.update(ahead(store, node, 0, {}, [graph]))
        for quad in store.quads_for_pattern(None, None, node, graph):
            pair = quad.subject
            if isinstance(pair, ox.BlankNode) and not any(
                True for _ in store.quads_for_pattern(None, None, pair, graph)
            ):
                found.update(ahead(store, pair, 0, {}, [graph]))
    return found


def _positions_kept(going: Iterable[ox.Quad], coming: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The list positions of the blank nodes of their own in ``going`` (pairs of co-authors or
    partners), given to the same pairs in ``coming``: a pair is known by the nodes it names."""
    positions = {
        _pair(statements): [
            (q.predicate, q.object, q.graph_name) for q in statements if _is_position(q)
        ]
        for statements in _by_blank_subject(going).values()
    }
    return [
        ox.Quad(pair, predicate, value, graph)
        for pair, statements in _by_blank_subject(coming).items()
        for predicate, value, graph in positions.get(_pair(statements), ())
    ]


def _by_blank_subject(quads: Iterable[ox.Quad]) -> dict[ox.BlankNode, list[ox.Quad]]:
    found: dict[ox.BlankNode, list[ox.Quad]] = defaultdict(list)
    for quad in quads:
        if isinstance(quad.subject, ox.BlankNode):
            found[quad.subject].append(quad)
    return found


def _pair(statements: Iterable[ox.Quad]) -> frozenset[tuple[ox.NamedNode, ox.NamedNode]]:
    return frozenset(
        (q.predicate, q.object) for q in statements if isinstance(q.object, ox.NamedNode)
    )


def _date_again(store: ox.Store, entities: set[str], settings: Settings) -> int:
    """Date ``entities`` again from the ledger and their descriptions in ``store``, as the
    full build does (:func:`belong_graph.changes.add_change_dates`); return the change in
    statements."""
    ledger = changes.read_ledger(settings.changes_file)
    today = datetime.now(UTC).date()
    digests = changes.digests_of(store, entities, settings)
    fresh = changes.updated_entities(ledger, digests, entities, today)
    graph = ox.NamedNode(settings.changes_graph_iri())
    prefix = f"{settings.base_iri}id/"
    going = [
        q
        for entity in entities
        for q in store.quads_for_pattern(ox.NamedNode(prefix + entity), None, None, graph)
    ]
    for quad in going:
        store.remove(quad)
    statements = changes.date_statements(fresh, base_iri=settings.base_iri).encode()
    coming = [
        ox.Quad(t.subject, t.predicate, t.object, graph)
        for t in ox.parse(statements, format=ox.RdfFormat.N_TRIPLES)
    ]
    store.extend(coming)
    return len(coming) - len(going)


def _carry_over(previous: Path, folder: Path) -> None:
    """Take over from ``previous`` what a quick build leaves as it was (hard links), and
    copies of the indexes it refreshes."""
    for name in CARRIED:
        source = previous / name
        if source.is_dir():
            shutil.copytree(source, folder / name, copy_function=os.link)
        elif source.exists():
            os.link(source, folder / name)
    for name in REFRESHED:
        if (previous / name).exists():
            shutil.copyfile(previous / name, folder / name)


def _described(
    store: ox.Store, node: ox.NamedNode | ox.BlankNode | ox.Triple, graphs: list[ox.NamedNode]
) -> bool:
    return any(
        True for g in graphs for _ in islice(store.quads_for_pattern(node, None, None, g), 1)
    )


def _is_position(quad: ox.Quad) -> bool:
    return isinstance(quad.object, ox.Literal) and quad.object.datatype == POSITION_TYPE
