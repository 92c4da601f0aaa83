"""The OAI-PMH item list, read once by the build and written beside the store (``oai.sqlite``),
and the lookups a request makes in it.

Listing the items means reading the whole library (every resource with its datestamp and sets,
and the deleted ones the change ledger remembers); the build does that once, by SPARQL, and
writes each item as a row keyed by its IRI, with its set memberships and the set hierarchy. A
request then reads one page of the list, or one item, by an indexed SQL query (SQLite from the
standard library, opened read-only), never the library: only the page's records are read from
the store, for their metadata (:mod:`belong_graph.publish.oai_records`). A build of a small
change refreshes a copy of the previous build's file instead (:func:`refresh_index`): it reads
only the items that changed, by the same queries with ``?item`` bound (at 30,000 synthetic
resources, 0.1-0.2 s for one to ten items; the whole list takes 3 s).

The file also holds what Identify states (the repository's name) and a fingerprint of the whole
list (every item with its datestamp), which resumption tokens carry: a list that changed since a
token was given refuses it.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from belong_graph.errors import StoreMissing
from belong_graph.namespaces import PROLOGUE
from belong_graph.sparql.bind import Values, bind, bind_rows
from belong_graph.sparql.results import Results, select
from belong_graph.store import GraphStore

INDEX_FILE = "oai.sqlite"
SET_ROOTS = {"type": "resource-types", "theme": "themes"}  # setSpec root -> concept scheme
LIBRARY = "collection/belong-network-library"
SCHEMA = """
CREATE TABLE items (
    iri TEXT PRIMARY KEY, datestamp TEXT NOT NULL, deleted INTEGER NOT NULL, sets TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX items_by_datestamp ON items (datestamp, iri);
CREATE TABLE memberships (spec TEXT NOT NULL, iri TEXT NOT NULL, PRIMARY KEY (spec, iri))
    WITHOUT ROWID;
CREATE TABLE sets (spec TEXT PRIMARY KEY, name TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE summary (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
"""

ITEMS = """
SELECT ?item ?modified ?deleted WHERE {
  {
    # @values
    ?item dcterms:isPartOf ?library .
    OPTIONAL { ?item dcterms:modified ?modified }
  } UNION {
    # @values
    ?item prov:invalidatedAtTime ?gone ; dcterms:modified ?modified .
    FILTER (STRSTARTS(STR(?item), ?resources))
    BIND (true AS ?deleted)
  }
}"""

MEMBERSHIPS = """
SELECT ?item ?set WHERE {
  {
    # @values
    ?concept skos:inScheme ?types ; skos:notation ?notation . ?type skos:broader* ?concept .
    ?item dcterms:type ?type .
    BIND ("type:" AS ?root)
  } UNION {
    # @values
    ?concept skos:inScheme ?themes ; skos:notation ?notation . ?item dcterms:subject ?concept .
    BIND ("theme:" AS ?root)
  }
  # @values
  ?item dcterms:isPartOf ?library .
  BIND (CONCAT(?root, STR(?notation)) AS ?set)
}"""

SETS = """
SELECT ?root ?scheme ?schemeLabel ?notation ?label WHERE {
  # @values
  ?scheme skos:prefLabel ?schemeLabel .
  OPTIONAL { ?concept skos:inScheme ?scheme ; skos:notation ?notation ; skos:prefLabel ?label }
}"""

COLLECTION = """
SELECT ?title WHERE {
  # @values
  ?library dcterms:title ?title
}"""


@dataclass(frozen=True)
class Item:
    """One item of the repository: a library resource, or a deleted one."""

    iri: str
    datestamp: str  # YYYY-MM-DD, or "" where the graph gives none
    sets: tuple[str, ...]
    deleted: bool = False


@dataclass(frozen=True)
class OaiSet:
    spec: str
    name: str


@dataclass(frozen=True)
class Selection:
    """What a list request selects: items by datestamp (from, until) and by set."""

    start: str | None = None
    until: str | None = None
    set_spec: str | None = None


def write_index(store: GraphStore, path: Path, *, base_iri: str) -> None:
    """Read the item list, the sets and the repository's name from ``store`` and write them to
    a new file at ``path``."""
    with closing(sqlite3.connect(path)) as connection:
        connection.executescript(SCHEMA)
        _write(connection, store, read_items(store, base_iri), base_iri=base_iri)


def refresh_index(store: GraphStore, path: Path, items: Collection[str], *, base_iri: str) -> None:
    """Bring the index at ``path`` (a copy of an earlier build's) up to ``store`` for the IRIs
    ``items``: each is read again (an IRI that is no item of ``store`` is left out), and so are
    the sets, the name and the fingerprint. The index then holds what :func:`write_index` would
    write, when ``items`` holds every item whose row differs; only those are read from the
    store, not the whole library."""
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("CREATE TEMPORARY TABLE changed (iri TEXT PRIMARY KEY) WITHOUT ROWID")
        connection.executemany("INSERT OR IGNORE INTO changed VALUES (?)", ((i,) for i in items))
        connection.execute("DELETE FROM items WHERE iri IN changed")
        connection.execute("DELETE FROM memberships WHERE iri IN changed")
        connection.execute("DELETE FROM sets")
        connection.execute("DELETE FROM summary")
        _write(connection, store, read_items(store, base_iri, among=items), base_iri=base_iri)


def _write(
    connection: sqlite3.Connection, store: GraphStore, items: list[Item], *, base_iri: str
) -> None:
    """Insert ``items`` with their memberships, then the sets, the name and the fingerprint of
    every item the index holds, and commit."""
    connection.executemany(
        "INSERT INTO items VALUES (?, ?, ?, ?)",
        ((i.iri, i.datestamp, int(i.deleted), " ".join(i.sets)) for i in items),
    )
    connection.executemany(
        "INSERT INTO memberships VALUES (?, ?)",
        ((spec, i.iri) for i in items for spec in i.sets),
    )
    connection.executemany(
        "INSERT INTO sets VALUES (?, ?)",
        ((s.spec, s.name) for s in read_sets(store, base_iri)),
    )
    listed = connection.execute("SELECT iri, datestamp, deleted FROM items ORDER BY iri")
    every = (Item(iri, datestamp, (), bool(deleted)) for iri, datestamp, deleted in listed)
    summary = {"name": read_name(store, base_iri), "fingerprint": fingerprint(every)}
    connection.executemany("INSERT INTO summary VALUES (?, ?)", summary.items())
    connection.commit()
    connection.execute("ANALYZE")


def _rows(store: GraphStore, query: str, values: Values) -> Results:
    return select(store, PROLOGUE + bind(query, values))


def _item_rows(
    store: GraphStore,
    query: str,
    constants: Mapping[str, ox.NamedNode | ox.Literal],
    among: Collection[str] | None,
) -> Results:
    """The rows of ``query`` given ``constants`` and, if any, ``?item`` bound to each IRI
    ``among`` these, as rows with the constants (:func:`bind_rows`, far faster here)."""
    if among is None:
        return _rows(store, query, constants)
    rows = [[ox.NamedNode(iri), *constants.values()] for iri in among]
    return select(store, PROLOGUE + bind_rows(query, ["item", *constants], rows))


def _id(base_iri: str, path: str) -> ox.NamedNode:
    return ox.NamedNode(base_iri + "id/" + path)


def read_items(
    store: GraphStore, base_iri: str, *, among: Collection[str] | None = None
) -> list[Item]:
    """Every item (or those whose IRI is ``among`` the given), sorted by IRI, each with its
    datestamp and the sets it belongs to (a resource is in the sets of its types and their
    broader types, and of its themes)."""
    constants: dict[str, ox.NamedNode | ox.Literal] = {
        "library": _id(base_iri, LIBRARY),
        "types": _id(base_iri, "scheme/resource-types"),
        "themes": _id(base_iri, "scheme/themes"),
        "resources": ox.Literal(base_iri + "id/resource/"),
    }
    dates: dict[str, str] = {}
    deleted: set[str] = set()
    for row in _item_rows(store, ITEMS, constants, among):
        iri = row["item"].value
        modified = row.get("modified")
        dates[iri] = modified.value if modified is not None else dates.get(iri, "")
        if "deleted" in row:
            deleted.add(iri)
    sets: dict[str, set[str]] = defaultdict(set)
    for row in _item_rows(store, MEMBERSHIPS, constants, among):
        sets[row["item"].value].add(row["set"].value)
    return [
        Item(iri, dates[iri], tuple(sorted(sets[iri])), iri in deleted) for iri in sorted(dates)
    ]


def read_sets(store: GraphStore, base_iri: str) -> list[OaiSet]:
    """The set hierarchy: a root per concept scheme, a set per concept under it."""
    found: dict[str, str] = {}
    for root, scheme in SET_ROOTS.items():
        for row in _rows(store, SETS, {"scheme": _id(base_iri, "scheme/" + scheme)}):
            found[root] = row["schemeLabel"].value
            if "notation" in row:
                found[f"{root}:{row['notation'].value}"] = row["label"].value
    return [OaiSet(spec, name) for spec, name in sorted(found.items())]


def read_name(store: GraphStore, base_iri: str) -> str:
    titles = _rows(store, COLLECTION, {"library": _id(base_iri, LIBRARY)})
    return titles.rows[0]["title"].value if titles else "Belong Network Library"


def fingerprint(items: Iterable[Item]) -> str:
    """A short hash of ``items`` (identifiers, datestamps, deletions), in their order."""
    digest = hashlib.sha256()
    for item in items:
        digest.update(f"{item.iri}\t{item.datestamp}\t{item.deleted}\n".encode())
    return digest.hexdigest()[:16]


class OaiIndex:
    """The item list of one build; each request opens a read-only connection of its own."""

    def __init__(self, path: Path) -> None:
        if not path.exists():
            raise StoreMissing(
                f"This build has no OAI-PMH item list ({path.name}): run `belong-graph build`."
            )
        uri = path.resolve().as_uri() + "?mode=ro&immutable=1"  # a build never changes
        self._connection = sqlite3.connect(uri, uri=True)

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> OaiIndex:
        return self

    def __exit__(self, *exception: object) -> None:
        self.close()

    def summary(self, name: str) -> str:
        return str(self._one("SELECT value FROM summary WHERE name = ?", name))

    def earliest(self) -> str | None:
        """The earliest datestamp of any item, if any has one."""
        found = self._one("SELECT MIN(datestamp) FROM items WHERE datestamp > ''")
        return None if found is None else str(found)

    def first_live(self) -> str | None:
        """The IRI of the first item (by IRI) that is not deleted."""
        found = self._one("SELECT iri FROM items WHERE NOT deleted ORDER BY iri LIMIT 1")
        return None if found is None else str(found)

    def item(self, iri: str) -> Item | None:
        rows = self._items("WHERE iri = ?", [iri])
        return rows[0] if rows else None

    def count(self, selection: Selection) -> int:
        where, parameters = _where(selection)
        return int(self._one(f"SELECT COUNT(*) FROM items {where}", *parameters))

    def page(self, selection: Selection, start: int, size: int) -> list[Item]:
        """The ``size`` selected items from position ``start``, in the list's order (by IRI)."""
        where, parameters = _where(selection)
        return self._items(f"{where} ORDER BY iri LIMIT ? OFFSET ?", [*parameters, size, start])

    def sets(self) -> list[OaiSet]:
        rows = self._connection.execute("SELECT spec, name FROM sets ORDER BY spec")
        return [OaiSet(spec, name) for spec, name in rows]

    def _items(self, rest: str, parameters: Sequence[Any]) -> list[Item]:
        rows = self._connection.execute(
            f"SELECT iri, datestamp, deleted, sets FROM items {rest}", parameters
        )
        return [
            Item(iri, datestamp, tuple(sets.split()), bool(deleted))
            for iri, datestamp, deleted, sets in rows
        ]

    def _one(self, sql: str, *parameters: Any) -> Any:
        row = self._connection.execute(sql, parameters).fetchone()
        return None if row is None else row[0]


def _where(selection: Selection) -> tuple[str, list[str]]:
    """The SQL condition for ``selection`` and its parameters. A set selects its own items and
    those of the sets under it (``type:research`` holds ``type:research:...``)."""
    clauses: list[str] = []
    parameters: list[str] = []
    if selection.start:
        clauses.append("datestamp >= ?")
        parameters.append(selection.start)
    if selection.until:
        clauses.append("datestamp <= ?")
        parameters.append(selection.until)
    if selection.set_spec:
        spec = selection.set_spec
        clauses.append(
            "iri IN (SELECT iri FROM memberships WHERE spec = ? OR (spec >= ? AND spec < ?))"
        )
        parameters += [spec, spec + ":", spec + ";"]  # ";" is the character after ":"
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), parameters
