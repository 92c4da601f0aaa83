"""The curated Turtle of data/, written one way: the importer's canonical output.

A file is its header comment, its prefixes (those it uses, sorted) and its entities in the order
given, each under its curator's note, with ``a`` first, then the predicates in the order of the
workbook's columns, then the rest by name, and each predicate's objects in natural order (so
``...-2`` before ``...-10``). A blank node used once is written in place (``[ ... ]``); one used
more than once gets a label made from its entity's slug and is written after the entity. The
same graph always gives the same bytes, so ``git diff`` shows exactly an edit.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from belong_graph.namespaces import RDF, XSD
from belong_graph.sheets.columns import ID_PREFIXES, PREFIXES, SHEETS

_SUBJECT_LINE = re.compile(r"^(?P<subject>[A-Za-z][\w-]*:[^\s;,]*|_:[\w-]+|<[^>]*>)\s")
_PREFIX_LINE = re.compile(r"^@prefix\s+(?P<prefix>[\w-]*):\s*<(?P<namespace>[^>]*)>")
_LOCAL_NAME = re.compile(r"^[A-Za-z0-9_][\w.-]*[\w-]$|^[A-Za-z0-9_]$")
_BARE = {XSD.integer: re.compile(r"^[+-]?\d+$"), XSD.boolean: re.compile(r"^(true|false)$")}


def predicate_order(subject: Node, *, base_iri: str) -> dict[URIRef, int]:
    """rdf:type first, then the properties in the order of the columns of the subject's sheet."""
    order: dict[URIRef, int] = {URIRef(RDF.type): 0}
    for sheet in SHEETS:
        if isinstance(subject, URIRef) and subject.startswith(base_iri + sheet.namespace):
            for column in sheet.columns:
                order.setdefault(column.predicate, len(order))
    return order


@dataclass
class CommentedFile:
    """What a Turtle file says besides its triples: its header and its notes on entities."""

    header: tuple[str, ...] = ()
    notes: dict[URIRef, tuple[str, ...]] = field(default_factory=dict)
    order: list[URIRef] = field(default_factory=list)


def read_comments(text: str, *, base_iri: str) -> CommentedFile:
    """The header (comments before the prefixes) and, per entity, the comments written before
    or inside its statement (a comment on a labelled blank node goes to the entity before it)."""
    found = CommentedFile()
    namespaces: dict[str, str] = {}
    pending: list[str] = []
    current: URIRef | None = None
    in_header = True
    for line in text.splitlines():
        stripped = line.strip()
        if prefix := _PREFIX_LINE.match(stripped):
            namespaces[prefix["prefix"]] = prefix["namespace"]
            if in_header:
                found.header, pending, in_header = tuple(pending), [], False
        elif stripped.startswith("#"):
            pending.append(stripped[1:].removeprefix(" "))
        elif subject := _SUBJECT_LINE.match(line):
            named = _resolve(subject["subject"], namespaces, base_iri)
            if named is not None:
                current = named
                found.order.append(named)
            if pending and current is not None:
                found.notes[current] = (*found.notes.get(current, ()), *pending)
            pending = []
        elif pending and current is not None and stripped:
            found.notes[current] = (*found.notes.get(current, ()), *pending)
            pending = []
    return found


def _resolve(written: str, namespaces: Mapping[str, str], base_iri: str) -> URIRef | None:
    if written.startswith("_:"):
        return None
    if written.startswith("<"):
        return URIRef(base_iri + written[1:-1]) if "://" not in written else URIRef(written[1:-1])
    prefix, local = written.split(":", 1)
    namespace = namespaces.get(prefix, "")
    return URIRef(namespace + local if "://" in namespace else base_iri + namespace + local)


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key that puts ``a-2`` before ``a-10``."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"(\d+)", text) if p)


class TurtleWriter:
    """Writes the entities of one graph as canonical Turtle."""

    def __init__(self, graph: Graph, *, base_iri: str) -> None:
        self.graph = graph
        self.base_iri = base_iri
        self.used: set[str] = set()
        uses = Counter(o for o in graph.objects() if isinstance(o, BNode))
        self.shared = {node for node, count in uses.items() if count > 1}
        self.labels: dict[BNode, str] = {}

    def file(
        self, header: Iterable[str], entities: Iterable[tuple[URIRef, tuple[str, ...]]]
    ) -> str:
        """A whole file: header, prefixes and each entity under its notes."""
        blocks = [self.entity(entity, notes) for entity, notes in entities]
        prefixes = sorted(self.used)
        width = max((len(p) for p in prefixes), default=0) + 2
        lines = [_comment(line) for line in header]
        lines += [f"@prefix {p + ':':<{width}}<{self._namespace(p)}> ." for p in prefixes]
        return "\n".join(lines) + "\n\n" + "\n\n".join(blocks) + "\n"

    def entity(self, subject: URIRef, notes: tuple[str, ...] = ()) -> str:
        """One entity's statement, its labelled blank nodes' after it, under its notes."""
        slug = str(subject).rstrip("/").rsplit("/", 1)[-1]
        pending: list[BNode] = []
        text = self.statement(subject, slug, pending)
        done: set[BNode] = set()
        while pending:
            node = pending.pop(0)
            if node not in done:
                done.add(node)
                text += "\n" + self.statement(node, slug, pending)
        return "".join(_comment(line) + "\n" for line in notes) + text

    def statement(self, subject: URIRef | BNode, slug: str, pending: list[BNode]) -> str:
        parts = self.predicate_objects(subject, slug, pending, exclude=set())
        return self.term(subject, slug, pending) + " " + " ;\n    ".join(parts) + " ."

    def predicate_objects(
        self, subject: Node, slug: str, pending: list[BNode], exclude: set[BNode]
    ) -> list[str]:
        """``p o1, o2`` for each predicate of ``subject``, in canonical order."""
        by_predicate: dict[URIRef, list[str]] = {}
        inside = exclude | {subject} if isinstance(subject, BNode) else exclude
        for predicate, obj in sorted(self.graph.predicate_objects(subject), key=self._shape):
            assert isinstance(predicate, URIRef)
            written = self.object(obj, slug, pending, inside)
            by_predicate.setdefault(predicate, []).append(written)
        order = predicate_order(subject, base_iri=self.base_iri)
        ordered = sorted(by_predicate, key=lambda p: (order.get(p, len(order)), str(p)))
        return [
            f"{self.predicate(p)} {', '.join(sorted(by_predicate[p], key=natural_key))}"
            for p in ordered
        ]

    def _shape(self, pair: tuple[Node, Node], seen: frozenset[Node] = frozenset()) -> str:
        """A sort key for (predicate, object) that does not depend on blank node ids, so that
        shared blank nodes are met, and labelled, in the same order every time."""
        predicate, obj = pair
        if not isinstance(obj, BNode):
            return f"{predicate} {obj.n3()}"
        if obj in seen:
            return f"{predicate} _"
        inner = sorted(self._shape(po, seen | {obj}) for po in self.graph.predicate_objects(obj))
        return f"{predicate} [{' ; '.join(inner)}]"

    def predicate(self, predicate: URIRef) -> str:
        return "a" if predicate == RDF.type else self.term(predicate, "")

    def object(self, obj: Node, slug: str, pending: list[BNode], exclude: set[BNode]) -> str:
        if isinstance(obj, BNode) and obj not in self.shared and obj not in exclude:
            inner = self.predicate_objects(obj, slug, pending, exclude)
            return "[ " + " ; ".join(inner) + " ]" if inner else "[]"
        if isinstance(obj, BNode):
            pending.append(obj)
        return self.term(obj, slug)

    def term(self, node: Node, slug: str, pending: list[BNode] | None = None) -> str:
        """A node as Turtle: a prefixed name where one fits, else an IRI; a literal."""
        if isinstance(node, BNode):
            if node not in self.labels:
                self.labels[node] = f"{slug}-{len(self.labels) + 1}"
            return "_:" + self.labels[node]
        if isinstance(node, Literal):
            return self.literal(node)
        return self.iri(str(node))

    def iri(self, iri: str) -> str:
        candidates = [
            (prefix, iri[len(self._absolute(prefix)) :])
            for prefix in PREFIXES
            if iri.startswith(self._absolute(prefix))
        ]
        candidates = [(p, local) for p, local in candidates if _LOCAL_NAME.match(local)]
        if not candidates:
            relative = iri.removeprefix(self.base_iri)
            return f"<{relative}>"
        prefix, local = max(candidates, key=lambda c: len(self._absolute(c[0])))
        self.used.add(prefix)
        return f"{prefix}:{local}"

    def literal(self, literal: Literal) -> str:
        lexical = str(literal)
        pattern = _BARE.get(literal.datatype) if literal.datatype else None
        if pattern is not None and pattern.match(lexical):
            return lexical
        quoted = '"' + _escape(lexical) + '"'
        if literal.language:
            return f"{quoted}@{literal.language}"
        if literal.datatype is None or literal.datatype == XSD.string:
            return quoted
        return f"{quoted}^^{self.iri(str(literal.datatype))}"

    def _absolute(self, prefix: str) -> str:
        namespace = PREFIXES[prefix]
        return self.base_iri + namespace if prefix in ID_PREFIXES else namespace

    def _namespace(self, prefix: str) -> str:
        return PREFIXES[prefix]


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )


def _comment(line: str) -> str:
    return f"# {line}" if line else "#"
