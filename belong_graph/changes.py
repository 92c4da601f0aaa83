"""Change dates: when each entity's description last changed, kept in a committed ledger.

An entity is every IRI under ``<base>id/`` that the curated data describes. Its description is
what a record of it shows: its own triples (with the blank nodes under it), the triples of the
part nodes that link it (credits and participations, typed :data:`PART_CLASSES`: those it names,
as a resource its credits, and those that name it by :data:`LINKING`, as a credit its agent and
printed affiliation, a participation its member and initiative; not the role or source document
a part names, whose records a new credit leaves as they were), and the labels of everything
those triples name. The description is hashed with the base IRI left out, so the
hash is the same whatever ``base_iri`` is.

The ledger (setting ``changes_file``, ``data/changes/record-dates.tsv``) holds, per entity, the
date its hash last changed, the hash, and whether the entity still exists. ``belong-graph changes
--update`` rewrites it: a new or changed entity gets today's date, an unchanged one keeps its
date, and one that is gone is kept as deleted, for good (OAI-PMH's ``persistent`` deletions).
The build applies the same rule to the ledger as committed, so a build from data whose ledger was
not updated still dates the changes (by the day of the build), and writes the dates into the
graph ``<base>graph/changes`` as ``dcterms:modified`` (``prov:invalidatedAtTime`` for deletions).
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

import pyoxigraph as ox

from belong_graph.delta import ahead, graphs_named, referrers
from belong_graph.errors import LedgerError
from belong_graph.namespaces import BEL, DCTERMS, ORG, PROV, RDF, RDFS, SCHEMA, SKOS, XSD
from belong_graph.settings import Settings

RDF_TYPE = f"<{RDF.type}>"  # terms as N-Triples writes them
PART_CLASSES = frozenset({f"<{BEL.Authorship}>", f"<{BEL.Participation}>"})
LINKING = frozenset(
    f"<{iri}>" for iri in (PROV.agent, SCHEMA.affiliation, ORG.member, ORG.organization)
)
LABELS = frozenset(f"<{iri}>" for iri in (DCTERMS.title, SCHEMA.name, SKOS.prefLabel, RDFS.label))
HEADER = (
    "# When each entity's description last changed. Written by `belong-graph changes --update`;"
    " never edited by hand.\n"
    "entity\tmodified\tdigest\tstate\n"
)
LIVE, DELETED = "live", "deleted"


@dataclass(frozen=True)
class Entry:
    """One entity's line in the ledger."""

    modified: date
    digest: str
    deleted: bool = False


Ledger = dict[str, Entry]  # by the entity's IRI relative to ``<base>id/``


def entity_digests(ntriples: str, *, base_iri: str) -> dict[str, str]:
    """The hash of every entity's description, by its IRI relative to ``<base>id/``, from the
    N-Triples of the curated data (read as text: far faster than term objects)."""
    index = _Index(ntriples, base_iri)
    return {
        subject[len(ENTITY) : -1]: hashlib.sha256(
            "\n".join(index.describe(subject)).encode()
        ).hexdigest()[:16]
        for subject in index.triples
        if subject.startswith(ENTITY)
    }


ENTITY = "<id/"  # how an entity's IRI starts once the base IRI is left out


class _Index:
    """The curated triples by subject, with the part nodes that point at each entity. Terms and
    statements are N-Triples text with ``<base>id/`` written as ``<id/``."""

    def __init__(self, ntriples: str, base_iri: str) -> None:
        triples: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        self.parts: set[str] = set()
        for statement in ntriples.replace("<" + base_iri + "id/", ENTITY).splitlines():
            line = statement[:-2]  # without its " ."
            subject, predicate, value = line.split(" ", 2)
            triples[subject].append((predicate, value, line))
            if predicate == RDF_TYPE and value in PART_CLASSES:
                self.parts.add(subject)
        self.triples = dict(triples)
        self.parts_naming: dict[str, set[str]] = defaultdict(set)
        for part in self.parts:
            for predicate, value, _ in self.triples[part]:
                if predicate in LINKING:
                    self.parts_naming[value].add(part)
        self._labels: dict[str, list[str]] = {}
        self._statements: dict[str, tuple[list[str], dict[str, int]]] = {}

    def describe(self, entity: str) -> list[str]:
        """The canonical lines of ``entity``'s description, sorted."""
        own = self.triples.get(entity, [])
        parts = {o for _, o, _ in own if o in self.parts} | self.parts_naming.get(entity, set())
        parts.discard(entity)
        cached = self._statements
        lines, named = cached.get(entity) or self.statements(entity)
        naming_itself = named.get(entity, 0)  # its labels are not repeated where it is named
        if parts or naming_itself:
            lines = lines.copy()
            for part in parts:
                statements, named = cached.get(part) or self.statements(part)
                lines.extend(statements)
                naming_itself += named.get(entity, 0)
            lines.sort()  # fast: sorted runs
        if naming_itself:
            for label in self.labels(entity):
                first = bisect_left(lines, label)
                del lines[first : first + naming_itself]
        return lines

    def statements(self, subject: str) -> tuple[list[str], dict[str, int]]:
        """The canonical lines of ``subject``'s own triples with the labels of every IRI they
        name, sorted, and how often they name each (kept, as a part node is in the description
        of every entity it names)."""
        if subject not in self._statements:
            lines: list[str] = []
            named: dict[str, int] = {}
            labels = self._labels
            for predicate, value, line in self.triples.get(subject, ()):
                lines.append(f"{subject} {predicate} {self._term(value)}" if "_:" in line else line)
                if value[0] == "<":
                    lines.extend(labels.get(value) or self.labels(value))
                    named[value] = named.get(value, 0) + 1
            lines.sort()
            self._statements[subject] = (lines, named)
        return self._statements[subject]

    def labels(self, node: str) -> list[str]:
        """The label statements of ``node`` (kept, as many entities name the same nodes)."""
        if node not in self._labels:
            self._labels[node] = [
                f"{node} {p} {self._term(v)}"
                for p, v, _ in self.triples.get(node, ())
                if p in LABELS
            ]
        return self._labels[node]

    def _term(self, term: str, seen: frozenset[str] = frozenset()) -> str:
        """A term; a blank node as its own sorted description."""
        if not term.startswith("_:"):
            return term
        if term in seen:
            return "[]"
        inner = sorted(
            f"{p} {self._term(o, seen | {term})}" for p, o, _ in self.triples.get(term, ())
        )
        return "[" + " ; ".join(inner) + "]"


def written_and_today(store: ox.Store, settings: Settings) -> tuple[Ledger, Ledger]:
    """The ledger as written, and as it is with the curated entities of ``store`` dated today
    (what ``changes --update`` and ``sheet import`` write)."""
    ledger = read_ledger(settings.changes_file)
    today = datetime.now(UTC).date()
    return ledger, updated(ledger, current_digests(store, settings), today)


def updated(ledger: Mapping[str, Entry], digests: Mapping[str, str], today: date) -> Ledger:
    """The ledger after today's data: new and changed entities dated today, gone ones deleted."""
    result: Ledger = {}
    for entity, digest in digests.items():
        entry = ledger.get(entity)
        unchanged = entry is not None and not entry.deleted and entry.digest == digest
        result[entity] = entry if unchanged and entry else Entry(today, digest)
    for entity, entry in ledger.items():
        if entity not in digests:
            result[entity] = (
                entry if entry.deleted else replace(entry, modified=today, deleted=True)
            )
    return dict(sorted(result.items()))


def differences(before: Mapping[str, Entry], after: Mapping[str, Entry]) -> list[str]:
    """What an update changes, one line per entity (new, changed, deleted)."""
    lines = []
    for entity, entry in after.items():
        old = before.get(entity)
        if old == entry:
            continue
        what = "deleted" if entry.deleted else "new" if old is None or old.deleted else "changed"
        lines.append(f"{what}\t{entity}")
    return lines


def read_ledger(path: Path) -> Ledger:
    """The ledger in ``path``; an empty one if there is no file yet."""
    if not path.exists():
        return {}
    ledger: Ledger = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line or line.startswith("#") or line.startswith("entity\t"):
            continue
        try:
            entity, modified, digest, state = line.split("\t")
            ledger[entity] = Entry(date.fromisoformat(modified), digest, state == DELETED)
        except ValueError:
            raise LedgerError(
                f"{path}, line {number}: expected entity, date, digest, state"
            ) from None
    return ledger


def write_ledger(ledger: Mapping[str, Entry], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        f"{entity}\t{e.modified.isoformat()}\t{e.digest}\t{DELETED if e.deleted else LIVE}\n"
        for entity, e in sorted(ledger.items())
    ]
    path.write_text(HEADER + "".join(lines), encoding="utf-8")


def date_statements(ledger: Mapping[str, Entry], *, base_iri: str) -> str:
    """``dcterms:modified`` for every entity, and ``prov:invalidatedAtTime`` for deleted ones,
    as N-Triples (loaded as text: far faster than term objects)."""
    lines = []
    for entity, entry in ledger.items():
        node = f"<{base_iri}id/{entity}>"
        day = entry.modified.isoformat()
        lines.append(f'{node} <{DCTERMS.modified}> "{day}"^^<{XSD.date}> .\n')
        if entry.deleted:
            lines.append(
                f'{node} <{PROV.invalidatedAtTime}> "{day}T00:00:00Z"^^<{XSD.dateTime}> .\n'
            )
    return "".join(lines)


def current_digests(store: ox.Store, settings: Settings) -> dict[str, str]:
    """The digests of the entities in the curated data files of ``store``."""
    data = settings.graph_iri("data/")
    ntriples = "".join(
        _ntriples(store, graph)
        for graph in store.named_graphs()
        if isinstance(graph, ox.NamedNode) and graph.value.startswith(data)
    )
    return entity_digests(ntriples, base_iri=settings.base_iri)


def _ntriples(store: ox.Store, graph: ox.NamedNode) -> str:
    dumped = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
    assert dumped is not None  # bytes when given no output file
    return dumped.decode()


def add_change_dates(store: ox.Store, settings: Settings, *, today: date | None = None) -> Ledger:
    """Date every entity of ``store`` from the committed ledger (today where it is out of date),
    add the dates to the changes graph, and return the ledger they come from."""
    today = today or datetime.now(UTC).date()
    ledger = updated(read_ledger(settings.changes_file), current_digests(store, settings), today)
    store.load(
        date_statements(ledger, base_iri=settings.base_iri),
        format=ox.RdfFormat.N_TRIPLES,
        to_graph=ox.NamedNode(settings.changes_graph_iri()),
    )
    return ledger


def affected_entities(
    store: ox.Store,
    changed: Iterable[ox.NamedNode | ox.BlankNode],
    touched: Iterable[ox.NamedNode | ox.BlankNode],
    settings: Settings,
) -> set[str]:
    """The entities (by IRI relative to ``<base>id/``) whose description may differ when the
    statements of ``changed`` nodes did and ``touched`` nodes gained or lost a referrer, in the
    curated data of ``store``: the nodes themselves, the entities and parts naming a changed
    node (a name is a label in the description of whoever names it), and the entities whose
    description holds such a part or a changed one."""
    graphs = graphs_named(store, settings.graph_iri("data/"))
    found: set[ox.NamedNode | ox.BlankNode] = {*changed, *touched}
    parts = {n for n in changed if _is_part(store, n, graphs)}
    for node in changed:
        for referrer in referrers(store, node, graphs):
            found.add(referrer)
            if _is_part(store, referrer, graphs):
                parts.add(referrer)
    for part in parts:
        found |= referrers(store, part, graphs) | _linked_by(store, part, graphs)
    prefix = f"{settings.base_iri}id/"
    return {
        n.value[len(prefix) :]
        for n in found
        if isinstance(n, ox.NamedNode) and n.value.startswith(prefix)
    }


def digests_of(store: ox.Store, entities: Iterable[str], settings: Settings) -> dict[str, str]:
    """The digests :func:`current_digests` gives ``entities`` (relative IRIs), found from the
    statements their descriptions hold (their own, their parts', the labels of what these
    name) instead of the whole data; an entity the data no longer describes has none."""
    graphs = graphs_named(store, settings.graph_iri("data/"))
    wanted = set(entities)
    prefix = f"{settings.base_iri}id/"
    part = ox.Store()
    for entity in wanted:
        node = ox.NamedNode(prefix + entity)
        linked = {node} | {
            n
            for n in (*_linking(store, node, graphs), *_objects(store, node, graphs))
            if _is_part(store, n, graphs)
        }
        for described in linked:
            for quad in ahead(store, described, 0, {}, graphs):
                part.add(quad)
                if isinstance(quad.object, ox.NamedNode):
                    for label in LABEL_NODES:
                        for g in graphs:
                            part.extend(store.quads_for_pattern(quad.object, label, None, g))
    ntriples = "".join(_ntriples(part, graph) for graph in graphs)
    digests = entity_digests(ntriples, base_iri=settings.base_iri)
    return {entity: digest for entity, digest in digests.items() if entity in wanted}


def updated_entities(
    ledger: Mapping[str, Entry], digests: Mapping[str, str], entities: Iterable[str], today: date
) -> Ledger:
    """:func:`updated` for ``entities`` alone, ``digests`` being theirs (:func:`digests_of`)."""
    return updated({e: ledger[e] for e in entities if e in ledger}, digests, today)


LABEL_NODES = tuple(
    ox.NamedNode(iri) for iri in (DCTERMS.title, SCHEMA.name, SKOS.prefLabel, RDFS.label)
)
LINKING_NODES = tuple(ox.NamedNode(iri[1:-1]) for iri in sorted(LINKING))
PART_NODES = frozenset(ox.NamedNode(iri) for iri in (BEL.Authorship, BEL.Participation))


def _objects(
    store: ox.Store, node: ox.NamedNode | ox.BlankNode, graphs: list[ox.NamedNode]
) -> set[ox.NamedNode | ox.BlankNode]:
    return {
        q.object
        for g in graphs
        for q in store.quads_for_pattern(node, None, None, g)
        if isinstance(q.object, ox.NamedNode | ox.BlankNode)
    }


def _linked_by(
    store: ox.Store, part: ox.NamedNode | ox.BlankNode, graphs: list[ox.NamedNode]
) -> set[ox.NamedNode | ox.BlankNode]:
    """What ``part`` links (:data:`LINKING`)."""
    return {
        q.object
        for g in graphs
        for p in LINKING_NODES
        for q in store.quads_for_pattern(part, p, None, g)
        if isinstance(q.object, ox.NamedNode | ox.BlankNode)
    }


def _linking(
    store: ox.Store, node: ox.NamedNode | ox.BlankNode, graphs: list[ox.NamedNode]
) -> set[ox.NamedNode | ox.BlankNode]:
    """What links ``node`` (:data:`LINKING`): the parts that may hold it in their record."""
    return {
        q.subject  # type: ignore[misc]
        for g in graphs
        for p in LINKING_NODES
        for q in store.quads_for_pattern(None, p, node, g)
    }


def _is_part(
    store: ox.Store, node: ox.NamedNode | ox.BlankNode, graphs: list[ox.NamedNode]
) -> bool:
    rdf_type = ox.NamedNode(str(RDF.type))
    return any(
        q.object in PART_NODES
        for g in graphs
        for q in store.quads_for_pattern(node, rdf_type, None, g)
    )
