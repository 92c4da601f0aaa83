"""The partnership network as the build writes it beside the store (``network.sqlite``) and as
the server reads it back: SQLite from the standard library, opened read-only, so that no graph
of the whole library lives in the web process.

The file holds the nodes with their measures in the whole network (degree, betweenness,
community), the edges (indexed by source and by target, and by their rank: the place, by
degree, of the less connected of their ends, so that the whole network cut to its N
best-connected nodes is the edges of rank N or less), each node's themes, and a summary: the
totals, the roles and the measures document (:func:`export.measures_json`). A request reads the
part it asks for (:mod:`belong_graph.network.selection` says which, in SQL) into a small
:data:`Network`, which :mod:`export` and :mod:`words` turn into answers.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from belong_graph.errors import NotPublished, UnknownEntity
from belong_graph.network import export
from belong_graph.network import graph as network
from belong_graph.network.graph import Network, NetworkFilter
from belong_graph.network.graph import Path as NetworkPath
from belong_graph.network.measures import Measures
from belong_graph.network.selection import Scope, kept_edges, shortest_paths

NETWORK_FILE = "network.sqlite"
SCHEMA = """
CREATE TABLE nodes (
    id TEXT PRIMARY KEY, ordinal INTEGER NOT NULL, label TEXT NOT NULL, short TEXT NOT NULL,
    type TEXT NOT NULL, kinds TEXT NOT NULL, themes TEXT NOT NULL, year INTEGER,
    degree INTEGER NOT NULL, betweenness REAL NOT NULL, community INTEGER,
    label_key TEXT NOT NULL, short_key TEXT NOT NULL
);
CREATE TABLE themes (theme TEXT NOT NULL, node TEXT NOT NULL, PRIMARY KEY (theme, node))
    WITHOUT ROWID;
CREATE TABLE edges (
    source TEXT NOT NULL, target TEXT NOT NULL, key TEXT NOT NULL, relation TEXT NOT NULL,
    role TEXT NOT NULL, roleName TEXT NOT NULL, start INTEGER, "end" INTEGER, record TEXT,
    note TEXT, document TEXT, documentLabel TEXT, rank INTEGER NOT NULL
);
CREATE TABLE summary (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
INDEXES = """
CREATE INDEX nodes_by_degree ON nodes (degree DESC, label, id);
CREATE INDEX nodes_by_label ON nodes (label_key);
CREATE INDEX nodes_by_short ON nodes (short_key);
CREATE INDEX nodes_types ON nodes (id, type);
CREATE INDEX edges_by_source ON edges (source, target);
CREATE INDEX edges_by_target ON edges (target, source);
CREATE INDEX edges_by_rank ON edges (rank);
"""  # made once the rows are in: faster than keeping them up to date row by row. nodes_types
# covers a filter's look-up of each edge's ends (the explorer's overview at 30,000 synthetic
# resources: 375 to 250 ms)
NODE_COLUMNS = "id, label, short, type, kinds, themes, year, degree, betweenness, community"
EDGE_COLUMNS = (
    'e.source, e.target, e.key, e.relation, e.role, e.roleName, e.start, e."end", e.record, '
    "e.note, e.document, e.documentLabel"
)
MATCHED = (
    "SELECT id, label, type, degree FROM nodes "
    "WHERE type IN (SELECT value FROM json_each(:types)) AND"
)
BEST_FIRST = "ORDER BY degree DESC, label, id LIMIT :limit"
STARTING = (  # a key that begins with the text is at least it and less than it followed by U+10FFFF
    f"{MATCHED} label_key >= :low AND label_key < :high UNION "
    f"{MATCHED} short_key >= :low AND short_key < :high {BEST_FIRST}"
)
CONTAINING = (  # reads the names' index through: about 10 ms at 50,000 nodes
    f"{MATCHED} rowid IN (SELECT rowid FROM nodes INDEXED BY nodes_by_label "
    f"WHERE instr(label_key, :low) > 1) AND NOT (short_key >= :low AND short_key < :high) "
    f"{BEST_FIRST}"
)
EDGE_FIELDS = (
    "relation", "role", "roleName", "start", "end", "record", "note", "document", "documentLabel",
)  # fmt: skip


def write(path: Path, graph: Network, measures: Measures) -> None:
    """Write ``graph`` with its ``measures`` to a new file at ``path``."""
    export.with_measures(graph, measures)
    ranks = _ranks(graph)
    with closing(sqlite3.connect(path)) as connection:
        connection.executescript(SCHEMA)
        connection.executemany(
            "INSERT INTO nodes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                _node_row(ordinal, node, data)
                for ordinal, (node, data) in enumerate(graph.nodes.items())
            ),
        )
        connection.executemany(
            "INSERT OR IGNORE INTO themes VALUES (?, ?)",
            ((theme, node) for node, data in graph.nodes(data=True) for theme in data["themes"]),
        )
        connection.executemany(
            "INSERT INTO edges VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (u, v, k, *(data[name] for name in EDGE_FIELDS), max(ranks[u], ranks[v]))
                for u, v, k, data in sorted(graph.edges(keys=True, data=True), key=_edge_key)
            ),
        )
        connection.executescript(INDEXES)
        summary = {
            "nodes": graph.number_of_nodes(),
            "edges": graph.number_of_edges(),
            "roles": network.roles(graph),
            "measures": export.measures_json(graph, measures),
        }
        connection.executemany(
            "INSERT INTO summary VALUES (?, ?)",
            ((name, json.dumps(value)) for name, value in summary.items()),
        )
        connection.commit()
        connection.execute("ANALYZE")


def _edge_key(edge: tuple[str, str, str, dict[str, Any]]) -> tuple[str, str, str]:
    return edge[:3]


def _ranks(graph: Network) -> dict[str, int]:
    """Each node's place from 1 by degree (most first), then name and IRI: the order in which the
    whole network is cut to its best-connected nodes."""
    data = graph.nodes
    ranked = sorted(graph, key=lambda node: (-data[node]["degree"], data[node]["label"], node))
    return {node: place for place, node in enumerate(ranked, 1)}


def _node_row(ordinal: int, node: str, data: dict[str, Any]) -> tuple[Any, ...]:
    return (
        node, ordinal, data["label"], data["short"], data["type"], json.dumps(data["kinds"]),
        json.dumps(data["themes"]), data["year"], data["degree"], data["betweenness"],
        data["community"], data["label"].casefold(), data["short"].casefold(),
    )  # fmt: skip


@dataclass(frozen=True)
class Summary:
    """What the whole network comes to: totals, roles and measures."""

    nodes: int
    edges: int
    roles: dict[str, str]  # role: its name, in name order
    measures: dict[str, Any]  # the document of :func:`export.measures_json`


class StoredNetwork:
    """The network file of one build; each use opens a read-only connection of its own."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._summary: Summary | None = None
        self._lock = threading.Lock()

    def open(self) -> NetworkReader:
        if not self.path.exists():
            raise NotPublished(
                f"This build has no partnership network ({self.path.name}); run "
                "`belong-graph build` to write it."
            )
        uri = self.path.resolve().as_uri() + "?mode=ro&immutable=1"  # a build never changes
        connection = sqlite3.connect(uri, uri=True)
        with self._lock:
            if self._summary is None:
                rows = dict(connection.execute("SELECT name, value FROM summary"))
                self._summary = Summary(**{name: json.loads(rows[name]) for name in rows})
        return NetworkReader(connection, self._summary)


class NetworkReader:
    """Lookups on the network file, for one request."""

    def __init__(self, connection: sqlite3.Connection, summary: Summary) -> None:
        self._connection = connection
        self.summary = summary

    def close(self) -> None:
        self._connection.close()

    def has(self, node: str) -> bool:
        return self._one("SELECT 1 FROM nodes WHERE id = ?", node) is not None

    def label(self, node: str) -> str:
        return str(self._one("SELECT label FROM nodes WHERE id = ?", node))

    def resolve(self, value: str, base_iri: str, name: str) -> str:
        """The node that ``value`` names: its IRI, the rest of it after ``id/``, or its label or
        a shorter name (ignoring case)."""
        value = value.strip()
        for candidate in (value, base_iri + "id/" + value.removeprefix("/").removeprefix("id/")):
            if self.has(candidate):
                return candidate
        wanted = value.casefold()
        found = self._one(
            "SELECT id FROM nodes WHERE label_key = ? OR short_key = ? ORDER BY ordinal LIMIT 1",
            wanted,
            wanted,
        )
        if found is None:
            raise UnknownEntity(
                f"Parameter '{name}': nothing in the partnership network is called {value!r}; "
                "give an IRI, the rest of it after id/ (such as organisation/belong) or a name.",
                parameter=name,
            )
        return str(found)

    def matching(
        self, text: str, limit: int, types: Sequence[str] = ()
    ) -> list[tuple[str, str, str]]:
        """Up to ``limit`` nodes (IRI, name, type) of ``types`` (or any) whose name or shorter
        name begins with ``text``, ignoring case, best connected first; then, if there are
        fewer, those whose name holds it further on."""
        wanted = text.strip().casefold()
        kinds = json.dumps(list(types or network.TYPES))
        bounds = {"low": wanted, "high": wanted + "\U0010ffff", "types": kinds}
        found = self._connection.execute(STARTING, {**bounds, "limit": limit}).fetchall()
        if len(found) < limit:
            more = {**bounds, "limit": limit - len(found)}
            found += self._connection.execute(CONTAINING, more).fetchall()
        return [(node, label, kind) for node, label, kind, _ in found]

    def selection(
        self, chosen: NetworkFilter, *, entity: str | None, depth: int, limit: int | None
    ) -> tuple[Network, int]:
        """The network ``chosen`` keeps, or ``entity``'s neighbourhood in it to ``depth``, cut to
        the ``limit`` best-connected nodes; and how many nodes it had before the cut."""
        if entity is None and not chosen.active:  # the whole network, by the edges' ranks
            count = self.summary.nodes
            cut = count if limit is None else min(limit, count)
            edges = self._connection.execute(
                f"SELECT {EDGE_COLUMNS} FROM edges e WHERE e.rank <= ? ORDER BY e.rowid", (cut,)
            )
            return self._graph(edges.fetchall()), count
        ego = entity is not None
        scope = Scope(
            self._connection,
            kept_edges(chosen),
            materialize=bool(chosen.theme) or not ego,
            indexed=ego,
        )
        count = scope.near(entity, depth) if entity is not None else scope.node_count()
        if limit is not None and count > limit:
            scope.keep_nodes(scope.best_connected(limit, entity))
        return self._graph(scope.edge_rows(EDGE_COLUMNS)), count

    def paths(
        self, chosen: NetworkFilter, start: str, goal: str, limit: int
    ) -> tuple[list[NetworkPath], Network]:
        """Up to ``limit`` shortest paths from ``start`` to ``goal`` in the network ``chosen``
        keeps, each step explained, and the network of the edges they walk."""
        themed = bool(chosen.theme)
        scope = Scope(self._connection, kept_edges(chosen), materialize=themed, indexed=themed)
        found = shortest_paths(scope.neighbours, start, goal, limit)
        scope.keep_nodes({node for nodes in found for node in nodes})
        part = self._graph(scope.edge_rows(EDGE_COLUMNS))
        explained = [network.explained(part, nodes) for nodes in found]
        steps = {(s.here, s.there) for path in explained for s in path.steps}
        walked = [(u, v, k) for u, v, k in part.edges(keys=True) if {(u, v), (v, u)} & steps]
        return explained, network.with_edges(part, walked)

    def _graph(self, edges: Sequence[Sequence[Any]]) -> Network:
        """The small network of ``edges`` (rows of EDGE_COLUMNS) and their ends (added all at
        once: a node or an edge at a time took twice as long)."""
        graph: Network = nx.MultiDiGraph()
        ends = json.dumps(sorted({row[0] for row in edges} | {row[1] for row in edges}))
        rows = self._connection.execute(
            f"SELECT {NODE_COLUMNS} FROM nodes WHERE id IN (SELECT value FROM json_each(?)) "
            "ORDER BY ordinal",
            (ends,),
        )
        graph.add_nodes_from(
            (node, {"label": label, "short": short, "type": kind, "kinds": json.loads(kinds),
                    "themes": json.loads(themes), "year": year, "degree": degree,
                    "betweenness": betweenness, "community": community})
            for node, label, short, kind, kinds, themes, year, degree, betweenness, community
            in rows
        )  # fmt: skip
        graph.add_edges_from(
            (source, target, key, dict(zip(EDGE_FIELDS, values, strict=True)))  # type: ignore[misc]  # keyed: not in the stubs
            for source, target, key, *values in edges
        )
        return graph

    def _one(self, sql: str, *parameters: Any) -> Any:
        row = self._connection.execute(sql, parameters).fetchone()
        return None if row is None else row[0]
