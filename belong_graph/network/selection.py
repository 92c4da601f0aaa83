"""Which part of the stored network a request asks for, in SQL on the network file: the edges a
filter keeps, an entity's neighbourhood in them, the best-connected nodes, and the shortest
paths between two nodes (searched from both ends, at most ``MAX_HOPS`` steps), so that a filter
on the whole network never brings every edge into Python.

A filter keeps an edge when its role is chosen, its period overlaps the years chosen (an edge
without a period is kept unless ``undated`` is False) and both its ends are of a chosen type.
A theme keeps the edges that touch an initiative or resource on it, and the edges between the
nodes those reach that touch no initiative or resource (affiliations, units).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from belong_graph.network.graph import WORK, NetworkFilter

MAX_HOPS = 6  # the longest path searched for
ENDS = "JOIN nodes s ON s.id = e.source JOIN nodes t ON t.id = e.target"
NOT_WORK = "n.type NOT IN ({})".format(", ".join(f"'{w}'" for w in WORK))

Neighbours = Callable[[set[str]], Iterable[tuple[str, str]]]


@dataclass(frozen=True)
class Kept:
    """SQL common table expressions ending in ``kept(id, source, target)``: the edges (by
    rowid) a filter keeps; and the values they bind, in order."""

    tables: str
    parameters: tuple[Any, ...]


def kept_edges(chosen: NetworkFilter) -> Kept:
    """The edges ``chosen`` keeps."""
    condition, values = _condition(chosen)
    ends = ENDS if chosen.types else ""
    edges = f"SELECT e.rowid AS id, e.source, e.target FROM edges e {ends}"
    if not chosen.theme:
        return Kept(f"kept AS NOT MATERIALIZED ({edges} WHERE {condition})", values)
    tables = (
        "on_theme AS (SELECT node FROM themes WHERE theme = ?), "
        f"themed AS MATERIALIZED ({edges} WHERE e.source IN on_theme AND {condition} "
        f"UNION {edges} WHERE e.target IN on_theme AND {condition}), "
        "reached AS MATERIALIZED (SELECT n.id AS node FROM (SELECT source AS node FROM themed "
        f"UNION SELECT target FROM themed) JOIN nodes n ON n.id = node WHERE {NOT_WORK}), "
        "kept AS (SELECT id, source, target FROM themed UNION "
        "SELECT e.rowid, e.source, e.target FROM reached r "
        f"CROSS JOIN edges e ON e.source = r.node {ends} "
        f"WHERE +e.target IN reached AND {condition})"
    )
    return Kept(tables, (chosen.theme, *values, *values, *values))


def _condition(chosen: NetworkFilter) -> tuple[str, tuple[Any, ...]]:
    """The SQL condition on an edge ``e`` (with its ends ``s`` and ``t`` when types are
    chosen) for the roles, types and period ``chosen``, and the values it binds."""
    parts: list[str] = []
    values: list[Any] = []
    if chosen.roles:
        parts.append(f"e.role IN ({_marks(chosen.roles)})")
        values.extend(sorted(chosen.roles))
    if chosen.types:
        marks = _marks(chosen.types)
        parts.append(f"s.type IN ({marks}) AND t.type IN ({marks})")
        values.extend([*sorted(chosen.types), *sorted(chosen.types)])
    if chosen.start or chosen.end or not chosen.undated:
        first, last = 'COALESCE(e.start, e."end")', 'COALESCE(e."end", e.start)'
        dated = []
        if chosen.start:
            dated.append(f"{last} >= ?")
            values.append(chosen.start)
        if chosen.end:
            dated.append(f"{first} <= ?")
            values.append(chosen.end)
        inside = " AND ".join(dated) or "1"
        parts.append(f"CASE WHEN {first} IS NULL THEN {int(chosen.undated)} ELSE {inside} END")
    return " AND ".join(parts) or "1", tuple(values)


def _marks(values: Iterable[Any]) -> str:
    return ", ".join("?" for _ in values)


class Scope:
    """The kept edges, narrowed to the edges between some nodes (held in a temporary table of
    the request's connection). ``materialize``: the kept edges are worked out once into a
    temporary table (with indexes by source and by target if ``indexed``), for a filter that
    several statements would otherwise work out again."""

    def __init__(
        self, connection: sqlite3.Connection, kept: Kept, *, materialize: bool, indexed: bool
    ) -> None:
        self._connection = connection
        self._kept = kept
        self._narrowed = False
        connection.execute("DROP TABLE IF EXISTS temp.within")
        connection.execute("CREATE TEMP TABLE within (node TEXT PRIMARY KEY, depth INTEGER)")
        if materialize:
            connection.execute("DROP TABLE IF EXISTS temp.kept_rows")
            connection.execute(
                f"CREATE TEMP TABLE kept_rows AS WITH {kept.tables} SELECT * FROM kept",
                kept.parameters,
            )
            if indexed:
                connection.execute("CREATE INDEX temp.kept_by_source ON kept_rows (source)")
                connection.execute("CREATE INDEX temp.kept_by_target ON kept_rows (target)")
            self._kept = Kept("kept AS NOT MATERIALIZED (SELECT * FROM kept_rows)", ())

    def keep_nodes(self, nodes: Iterable[str]) -> None:
        """From now on, only the edges between ``nodes``."""
        self._connection.execute("DELETE FROM within")
        self._connection.executemany("INSERT INTO within VALUES (?, 0)", ((n,) for n in nodes))
        self._narrowed = True

    def near(self, node: str, depth: int) -> int:
        """From now on, only the edges between ``node`` and the nodes within ``depth`` steps of
        it, whichever way the edges run (searched in SQL, one step at a time); how many nodes
        they have."""
        self.keep_nodes([node])
        for step in range(depth):
            self._connection.execute(
                f"WITH {self._kept.tables} INSERT OR IGNORE INTO within "
                "SELECT node, ? FROM (SELECT k.target AS node FROM within w CROSS JOIN kept k "
                "ON k.source = w.node WHERE w.depth = ? UNION SELECT k.source FROM within w "
                "CROSS JOIN kept k ON k.target = w.node WHERE w.depth = ?)",
                (*self._kept.parameters, step + 1, step, step),
            )
        (count,) = self._connection.execute("SELECT COUNT(*) FROM within").fetchone()
        return int(count) if count > 1 else 0  # each node reached has an edge, unless alone

    def neighbours(self, frontier: set[str]) -> list[tuple[str, str]]:
        """Each node of ``frontier`` with each of its neighbours over the kept edges."""
        rows = self._connection.execute(
            f"WITH {self._kept.tables}, frontier AS (SELECT value AS node FROM json_each(?)) "
            "SELECT source, target FROM kept WHERE source IN frontier "
            "UNION SELECT target, source FROM kept WHERE target IN frontier",
            (*self._kept.parameters, json.dumps(sorted(frontier))),
        )
        return [(here, there) for here, there in rows]

    def node_count(self) -> int:
        """How many nodes the edges in scope have."""
        (count,) = self._query(
            "SELECT COUNT(*) FROM (SELECT source FROM chosen UNION SELECT target FROM chosen)"
        ).fetchone()
        return int(count)

    def best_connected(self, limit: int, keep: str | None) -> list[str]:
        """The ``limit`` nodes with the most neighbours over the edges in scope (then with the
        highest degree in the whole network, then by name; ``keep`` first)."""
        rows = self._query(
            "SELECT n.id FROM (SELECT node, COUNT(DISTINCT other) AS links FROM (SELECT "
            "source AS node, target AS other FROM chosen UNION ALL SELECT target, source "
            "FROM chosen) GROUP BY node) JOIN nodes n ON n.id = node "
            "ORDER BY n.id != ?, links DESC, n.degree DESC, n.label, n.id LIMIT ?",
            keep or "",
            limit,
        )
        return [node for (node,) in rows]

    def edge_rows(self, columns: str) -> list[tuple[Any, ...]]:
        """The edges in scope, as ``columns`` of ``edges e``, in the stored order."""
        return self._query(
            f"SELECT {columns} FROM chosen JOIN edges e ON e.rowid = chosen.id ORDER BY e.rowid"
        ).fetchall()

    def _query(self, select: str, *values: Any) -> sqlite3.Cursor:
        chosen = "SELECT id, source, target FROM kept"
        if self._narrowed:
            chosen += (
                " WHERE source IN (SELECT node FROM within) AND target IN (SELECT node FROM within)"
            )
        return self._connection.execute(
            f"WITH {self._kept.tables}, chosen AS ({chosen}) {select}",
            (*self._kept.parameters, *values),
        )


@dataclass
class _Search:
    """One end of a shortest-path search: every node reached, with the nodes it was reached
    from one step nearer the end, and the nodes reached last."""

    reached: dict[str, list[str]]
    frontier: set[str]
    depth: int = 0
    origin: str = field(default="")

    @classmethod
    def start(cls, node: str) -> _Search:
        return cls({node: []}, {node}, 0, node)

    def grow(self, pairs: Iterable[tuple[str, str]]) -> None:
        found: dict[str, list[str]] = {}
        for here, there in pairs:
            if here in self.frontier and there not in self.reached:
                found.setdefault(there, []).append(here)
        self.reached.update({node: sorted(before) for node, before in found.items()})
        self.frontier = set(found)
        self.depth += 1

    def walks(self, node: str) -> Iterator[tuple[str, ...]]:
        """Every shortest walk from the origin to ``node``."""
        if node == self.origin:
            yield (node,)
            return
        for before in self.reached[node]:
            for walk in self.walks(before):
                yield (*walk, node)


def shortest_paths(
    neighbours: Neighbours, start: str, goal: str, limit: int, most: int = MAX_HOPS
) -> list[tuple[str, ...]]:
    """Up to ``limit`` shortest paths (as nodes) from ``start`` to ``goal`` of at most ``most``
    steps, searched from both ends at once, the smaller side first; none if they are farther
    apart or not connected."""
    if start == goal:
        return []
    ahead, behind = _Search.start(start), _Search.start(goal)
    while ahead.frontier and behind.frontier and ahead.depth + behind.depth < most:
        side, other = (
            (ahead, behind) if len(ahead.frontier) <= len(behind.frontier) else (behind, ahead)
        )
        side.grow(neighbours(side.frontier))
        met = sorted(side.frontier & other.reached.keys())
        if met:
            found = (
                (*there, *reversed(back[:-1]))
                for node in met
                for there in ahead.walks(node)
                for back in behind.walks(node)
            )
            return list(islice(found, limit))
    return []
