"""Shortcut triples derived from the curated data by the SPARQL rules in ``rules/``.

Rules run in file-name order over the union of all graphs, so a later rule sees what an earlier
one derived. Their results go into one named graph of their own, never into the curated data.

A rule is a CONSTRUCT, whose triples are added, or a SELECT of ``?subject`` and ``?predicate``
in an order, whose rows are numbered: each row adds ``?subject ?predicate n``, n counting that
predicate's rows from 1. The numbers are positions in a list the views page through (the
library newest first, say), so that a page is looked up by its positions instead of sorting the
whole library at every request. A SELECT that also gives ``?rows`` and ``?capacity`` packs its
rows into pages instead: n is the page of the row, each predicate's rows filling pages in order
while their ``?rows`` add up to at most ``?capacity`` (a row of more has a page of its own), so
that a view whose rows come in groups of any size (a node's links) looks a page up by its one
number. A SELECT of ``?subject ?predicate ?text`` writes one statement per subject and predicate:
the search text of all its rows' texts (their words' stems, :func:`belong_graph.stems.search_text`),
which SPARQL cannot make. Numbers are written as ``xsd:decimal``, a type no curated statement
uses: Oxigraph finds a triple by its object first, and a small ``xsd:integer`` is the object of
a great many statements (credit positions, counts), so a page of integer positions took 90 ms
to find at 30,000 synthetic resources and a page of decimal ones 1 ms.
"""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

from belong_graph.errors import QueryError
from belong_graph.namespaces import XSD
from belong_graph.phases import phase
from belong_graph.stems import search_text
from belong_graph.store import QueryResult

NUMBERED = ("subject", "predicate")  # the columns of a numbering rule
PACKED = (*NUMBERED, "rows", "capacity")  # the columns of a packing rule
WORDED = (*NUMBERED, "text")  # the columns of a search text rule
POSITION_TYPE = ox.NamedNode(str(XSD.decimal))


def rule_files(rules_dir: Path) -> list[Path]:
    return sorted(rules_dir.glob("*.rq"))


def apply_rules(store: ox.Store, rules_dir: Path, *, into: str) -> int:
    """Run every rule and add its triples to the graph ``into``; return how many were new."""
    graph = ox.NamedNode(into)
    before = len(store)
    for path in rule_files(rules_dir):
        with phase(f"rule {path.stem}", level=logging.DEBUG):
            try:
                answer = store.query(path.read_text(), use_default_graph_as_union=True)
            except SyntaxError as error:
                raise QueryError(f"{path}: the rule does not parse: {error}") from None
            if isinstance(answer, ox.QueryTriples):
                ntriples = answer.serialize(format=ox.RdfFormat.N_TRIPLES)
                assert ntriples is not None  # bytes when given no output file
            else:
                ntriples = "".join(_derived(path, answer)).encode()
            _add(store, ntriples.splitlines(keepends=True), graph)
    return len(store) - before


def _add(store: ox.Store, lines: list[bytes], graph: ox.NamedNode) -> None:
    """Add N-Triples ``lines`` to ``graph``, loaded as text, which makes no Python object of
    each triple (a fifth of the rules' time), except the lines that name a blank node: loading
    renames blank nodes, and these must stay the nodes they are, so they are parsed as N-Quads
    of ``graph`` with their labels kept."""
    store.load(
        b"".join(line for line in lines if b"_:" not in line),
        format=ox.RdfFormat.N_TRIPLES,
        to_graph=graph,
        lenient=True,  # written by Oxigraph or by this module: nothing to check
    )
    end = f" {graph} .\n".encode()
    blank = b"".join(line.removesuffix(b" .\n") + end for line in lines if b"_:" in line)
    store.extend(ox.parse(blank, format=ox.RdfFormat.N_QUADS, rename_blank_nodes=False))


def position(number: int) -> ox.Literal:
    """The term of a position in a numbered list, as the rules write it."""
    return ox.Literal(str(number), datatype=POSITION_TYPE)


def _statement(subject: ox.NamedNode | ox.BlankNode, predicate: ox.NamedNode, number: int) -> str:
    """``subject predicate position(number)`` as an N-Triples line."""
    return f'{subject} {predicate} "{number}"^^{POSITION_TYPE} .\n'


def _derived(path: Path, answer: QueryResult) -> list[str]:
    """The N-Triples lines a numbering, packing or search text rule's answer adds."""
    if isinstance(answer, ox.QuerySolutions):
        columns = tuple(variable.value for variable in answer.variables)
        if columns == NUMBERED:
            return _numbered(answer)
        if columns == PACKED:
            return _packed(answer)
        if columns == WORDED:
            return _worded(answer)
    raise QueryError(
        f"{path}: a rule must be a CONSTRUCT, or a SELECT ?subject ?predicate (?rows ?capacity) "
        "in order, or a SELECT ?subject ?predicate ?text"
    )


def _numbered(rows: ox.QuerySolutions) -> list[str]:
    """``?subject ?predicate n`` for each row, n counting each predicate's rows from 1."""
    counts: Counter[ox.NamedNode] = Counter()
    lines = []
    for row in rows:
        subject, predicate = _ends(row)
        counts[predicate] += 1
        lines.append(_statement(subject, predicate, counts[predicate]))
    return lines


def _packed(rows: ox.QuerySolutions) -> list[str]:
    """``?subject ?predicate n`` for each row, n the page it is packed into: each predicate's
    rows fill pages in order while their ``?rows`` add up to at most ``?capacity``."""
    pages: dict[ox.NamedNode, tuple[int, int]] = {}  # predicate: its last page, rows in it
    lines = []
    for row in rows:
        subject, predicate = _ends(row)
        size, capacity = (_number(row, name) for name in ("rows", "capacity"))
        page, filled = pages.get(predicate, (1, 0))
        if filled and filled + size > capacity:
            page, filled = page + 1, 0
        pages[predicate] = (page, filled + size)
        lines.append(_statement(subject, predicate, page))
    return lines


def _worded(rows: ox.QuerySolutions) -> list[str]:
    """One ``?subject ?predicate text`` per subject and predicate: the search text of the
    ``?text`` of all their rows."""
    texts: dict[tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode], list[str]] = {}
    for row in rows:
        text = row["text"]
        texts.setdefault(_ends(row), []).append(text.value if text is not None else "")
    return [f"{s} {p} {ox.Literal(search_text(t))} .\n" for (s, p), t in texts.items()]


def _ends(row: ox.QuerySolution) -> tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode]:
    subject, predicate = row["subject"], row["predicate"]
    if not isinstance(predicate, ox.NamedNode) or not isinstance(
        subject, ox.NamedNode | ox.BlankNode
    ):
        raise QueryError("a numbering rule's ?predicate must be an IRI and ?subject a node")
    return subject, predicate


def _number(row: ox.QuerySolution, name: str) -> int:
    value = row[name]
    if not isinstance(value, ox.Literal) or not value.value.isdigit():
        raise QueryError(f"a packing rule's ?{name} must be a whole number")
    return int(value.value)
