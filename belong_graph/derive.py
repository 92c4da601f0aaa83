"""Shortcut triples derived from the curated data by the SPARQL rules in ``rules/``.

Rules run in file-name order over the union of all graphs, so a later rule sees what an earlier
one derived. Their results go into one named graph of their own, never into the curated data.

A rule is a CONSTRUCT, whose triples are added, or a SELECT of ``?subject`` and ``?predicate``
in an order, whose rows are numbered: each row adds ``?subject ?predicate n``, n counting that
predicate's rows from 1. The numbers are positions in a list the views page through (the
library newest first, say), so that a page is looked up by its positions instead of sorting the
whole library at every request. They are written as ``xsd:decimal``, a type no curated statement
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

NUMBERED = ("subject", "predicate")  # the columns of a numbering rule
POSITION_TYPE = ox.NamedNode(str(XSD.decimal))


def rule_files(rules_dir: Path) -> list[Path]:
    return sorted(rules_dir.glob("*.rq"))


def apply_rules(store: ox.Store, rules_dir: Path, *, into: str) -> int:
    """Run every rule and add its triples to the graph ``into``; return how many were new."""
    graph = ox.NamedNode(into)
    before = len(store)
    for path in rule_files(rules_dir):
        with phase(f"rule {path.stem}", level=logging.DEBUG):
            _apply(store, path, graph)
    return len(store) - before


def _apply(store: ox.Store, rule: Path, graph: ox.NamedNode) -> None:
    """Add what ``rule`` derives to ``graph``."""
    try:
        answer = store.query(rule.read_text(), use_default_graph_as_union=True)
    except SyntaxError as error:
        raise QueryError(f"{rule}: the rule does not parse: {error}") from None
    if isinstance(answer, ox.QueryTriples):
        derived = answer.serialize(format=ox.RdfFormat.N_TRIPLES)
        assert derived is not None  # bytes when given no output file
        _add(store, derived, graph)
    elif isinstance(answer, ox.QuerySolutions) and tuple(answer.variables) == tuple(
        ox.Variable(name) for name in NUMBERED
    ):
        store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in _numbered(answer))
    else:
        raise QueryError(
            f"{rule}: a rule must be a CONSTRUCT, or a SELECT ?subject ?predicate in order"
        )


def _add(store: ox.Store, ntriples: bytes, graph: ox.NamedNode) -> None:
    """Add N-Triples to ``graph``: loaded as text, which makes no Python object of each triple
    (a fifth of the rules' time), except the triples that name a blank node, as loading renames
    blank nodes and these must stay the nodes they are."""
    lines = ntriples.splitlines(keepends=True)
    blank = b"".join(line for line in lines if b"_:" in line)
    store.load(
        b"".join(line for line in lines if b"_:" not in line),
        format=ox.RdfFormat.N_TRIPLES,
        to_graph=graph,
        lenient=True,  # written by Oxigraph: nothing to check
    )
    triples = ox.parse(blank, format=ox.RdfFormat.N_TRIPLES, rename_blank_nodes=False)
    store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)


def position(number: int) -> ox.Literal:
    """The term of a position in a numbered list, as the rules write it."""
    return ox.Literal(str(number), datatype=POSITION_TYPE)


def _numbered(rows: ox.QuerySolutions) -> list[ox.Triple]:
    """``?subject ?predicate n`` for each row, n counting each predicate's rows from 1."""
    counts: Counter[ox.NamedNode] = Counter()
    triples = []
    for row in rows:
        subject, predicate = row["subject"], row["predicate"]
        if not isinstance(predicate, ox.NamedNode) or isinstance(subject, ox.Literal | None):
            raise QueryError("a numbering rule's ?predicate must be an IRI and ?subject a node")
        counts[predicate] += 1
        triples.append(ox.Triple(subject, predicate, position(counts[predicate])))
    return triples
