"""Shortcut triples derived from the curated data by the SPARQL CONSTRUCT rules in ``rules/``.

Rules run in file-name order over the union of all graphs, so a later rule sees what an earlier
one derived. Their results go into one named graph of their own, never into the curated data.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from belong_graph.errors import QueryError


def rule_files(rules_dir: Path) -> list[Path]:
    return sorted(rules_dir.glob("*.rq"))


def apply_rules(store: ox.Store, rules_dir: Path, *, into: str) -> int:
    """Run every rule and add its triples to the graph ``into``; return how many were new."""
    graph = ox.NamedNode(into)
    before = len(store)
    for path in rule_files(rules_dir):
        try:
            triples = store.query(path.read_text(), use_default_graph_as_union=True)
        except SyntaxError as error:
            raise QueryError(f"{path}: the rule does not parse: {error}") from None
        if not isinstance(triples, ox.QueryTriples):
            raise QueryError(f"{path}: a rule must be a CONSTRUCT query")
        store.extend([ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples])
    return len(store) - before
