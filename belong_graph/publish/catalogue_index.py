"""The catalogue's index, written by the build beside the store (``catalogue.sqlite``), and the
answers a request takes from it: the resources that pass the filters of the ``resources`` and
``facets`` views, in order, and their counts per theme, type and year.

A filter the views check in SPARQL costs in proportion to the resources it picks (a keyword, in
every text it reads: 2.4-6 s at 30,000 synthetic resources on the on-disk store for a word in
three quarters of them). The build writes here, per library resource, its three positions
(rules/80-82) and the values each filter matches, found by one query per kind of value
(:data:`KINDS`: each the pattern of the views' filter branch, which a test holds to the views),
and the words of its search text (``bel:searchText``, rules/75: its stems, sorted, between
spaces), each a value of the kind ``word``. A keyword, bound as its stems
(:mod:`belong_graph.stems`), matches the resources that have every one of them, as the views'
regular expression of the stems in order finds them among the text's words. The server binds
the first matches of a page at the ``resources`` view's ``# @matches`` lines and the counts in
place of the ``facets`` view's counting sub-select (``# @counts``), see
:mod:`belong_graph.catalogue`; the view still checks every filter of each match, so its answer
is the one SPARQL alone gives. A filter the index does not know, or a build without the index,
leaves the views to SPARQL. A build of a small change refreshes a copy of the previous build's
index instead (:func:`refresh_index`), reading only the resources that changed, by the same
queries with ``?resource`` bound (at 30,000 synthetic resources, 0.8-1.2 s for one to ten
resources, mostly deriving the facets' tables again; the whole index takes 22 s).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterator, Mapping
from contextlib import closing
from pathlib import Path

import pyoxigraph as ox

from belong_graph.namespaces import PROLOGUE, XSD
from belong_graph.sparql.bind import PLACE, Values, bind
from belong_graph.sparql.results import select
from belong_graph.store import GraphStore

INDEX_FILE = "catalogue.sqlite"
SCHEMA = """
CREATE TABLE resources (
  id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE,
  newest INTEGER NOT NULL, oldest INTEGER, title INTEGER
);
CREATE TABLE facts (kind TEXT NOT NULL, value NOT NULL, resource INTEGER NOT NULL);
"""
WRITING = "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"  # a new file, in a new build
INDEXES = """
CREATE INDEX newest_first ON resources (newest);
CREATE INDEX oldest_first ON resources (oldest);
CREATE INDEX by_title ON resources (title);
CREATE INDEX facts_by_value ON facts (kind, value, resource);
"""
DERIVED = """
CREATE TABLE terms (year INTEGER NOT NULL, value TEXT NOT NULL);  -- what the facets count
INSERT INTO terms SELECT DISTINCT kind = 'year', value FROM facts
  WHERE kind IN ('theme', 'type', 'year');
CREATE TABLE counted (resource INTEGER, term INTEGER, PRIMARY KEY (resource, term)) WITHOUT ROWID;
INSERT OR IGNORE INTO counted SELECT resource, terms.rowid FROM facts
  JOIN terms ON terms.year = (kind = 'year') AND terms.value = facts.value
  WHERE kind IN ('theme', 'type', 'year');
"""
RESOURCES = """SELECT ?resource ?newest ?oldest ?byTitle ?text WHERE {
  # @values
  ?resource bel:positionNewestFirst ?newest .
  OPTIONAL { ?resource bel:positionOldestFirst ?oldest }
  OPTIONAL { ?resource bel:positionByTitle ?byTitle }
  OPTIONAL { ?resource bel:searchText ?text }
}"""  # a resource twice (two numbers, two texts) breaks the build: the views expect one of each
KINDS = {  # kind -> the pattern of the views' filter branch that matches a resource to ?value
    "theme": "?resource dcterms:subject ?value .",
    "type": "?resource dcterms:type ?value .",
    "year": "?resource bel:year ?value .",
    "range": (  # the library's years (rules/73-facet-counts.rq) as numbers, for from and to
        "?library a dcmitype:Collection ; bel:resourcesPerYear/bel:year ?rangeYear .\n"
        "?resource bel:year ?rangeYear .\n"
        "BIND (xsd:integer(STR(?rangeYear)) AS ?value)"
    ),
    "author": "?resource dcterms:creator|dcterms:contributor ?value .",
    "organisation": (
        "?resource dcterms:creator|dcterms:contributor|dcterms:publisher"
        "|bel:publishedInPartnershipWith ?value ."
    ),
}
FILTERS = {  # parameter of the views -> the kind whose value it must equal
    "theme": "theme",
    "type": "type",
    "in": "year",
    "author": "author",
    "organisation": "organisation",
}
RANGE = ("from", "to")  # the parameters bounding the kind "range"
BOUNDS = {"from": ">=", "to": "<="}
KEYWORD = "keyword"
WORD = "word"  # the kind of a search text's words
SORT = "sort"
ORDERS = ("newest", "oldest", "title")  # the values of sort, each its column's name
GYEAR = ox.NamedNode(str(XSD.gYear))
INTEGER = ox.NamedNode(str(XSD.integer))
Terms = Mapping[str, ox.NamedNode | ox.Literal]


def kind_query(kind: str) -> str:
    """The query of the library resources' values of ``kind``, its resources bound last
    (bound first, Oxigraph read the library's years for each resource of ``range``: 24 ms a
    resource at 30,000 synthetic resources, 0.2 ms so)."""
    return (
        f"{PROLOGUE}\nSELECT DISTINCT ?resource ?value WHERE {{\n"
        f"?resource bel:positionNewestFirst ?inTheLibrary .\n{KINDS[kind]}\n{PLACE}\n}}"
    )


def write_index(store: GraphStore, path: Path) -> None:
    """Read the library's positions, search words and filter values from ``store`` into a new
    index at ``path``."""
    with closing(sqlite3.connect(path)) as connection:
        connection.executescript(WRITING + SCHEMA)
        _insert(connection, store, {}, known={}, next_id=1)
        connection.executescript(INDEXES + DERIVED)
        connection.commit()


def refresh_index(store: GraphStore, path: Path, resources: Collection[str]) -> None:
    """Bring the index at ``path`` (a copy of an earlier build's, in a build not yet served)
    up to ``store`` for the IRIs ``resources``: each is read again, keeping its id (one new to
    the index gets a new id, one no longer in the library is left out), and the facets' tables
    are derived again. The index then holds what :func:`write_index` would write (but for the
    ids) when ``resources`` holds every resource whose row or values differ."""
    with closing(sqlite3.connect(path)) as connection:
        connection.executescript(WRITING)
        connection.execute("CREATE TEMPORARY TABLE changed (iri TEXT PRIMARY KEY) WITHOUT ROWID")
        connection.executemany(
            "INSERT OR IGNORE INTO changed VALUES (?)", ((r,) for r in resources)
        )
        (last,) = connection.execute("SELECT MAX(id) FROM resources").fetchone()
        known = dict(connection.execute("SELECT iri, id FROM resources WHERE iri IN changed"))
        connection.execute(
            "DELETE FROM facts WHERE resource IN (SELECT id FROM resources WHERE iri IN changed)"
        )
        connection.execute("DELETE FROM resources WHERE iri IN changed")
        among = {"resource": [ox.NamedNode(iri) for iri in sorted(set(resources))]}
        _insert(connection, store, among, known=known, next_id=(last or 0) + 1)
        connection.executescript("DROP TABLE terms; DROP TABLE counted;" + DERIVED)
        connection.commit()


def _insert(
    connection: sqlite3.Connection,
    store: GraphStore,
    values: Values,
    *,
    known: Mapping[str, int],
    next_id: int,
) -> None:
    """Insert the library resources that ``values`` select (all, without values), each with
    its id in ``known`` or the next new one from ``next_id``, with their words and values."""
    ids: dict[str, int] = {}
    resources = []
    words: list[tuple[str, str, int]] = []
    for row in select(store, PROLOGUE + bind(RESOURCES, values)):
        iri = row["resource"].value
        if iri in known:
            number = known[iri]
        else:
            number, next_id = next_id, next_id + 1
        ids[iri] = number
        positions = (_number(row.get(name)) for name in ("newest", "oldest", "byTitle"))
        resources.append((number, iri, *positions))
        text = row.get("text")
        words.extend((WORD, word, number) for word in (text.value.split() if text else ()))
    connection.executemany("INSERT INTO resources VALUES (?, ?, ?, ?, ?)", resources)
    connection.executemany("INSERT INTO facts VALUES (?, ?, ?)", words)
    connection.executemany("INSERT INTO facts VALUES (?, ?, ?)", _facts(store, ids, values))


def _facts(
    store: GraphStore, ids: Mapping[str, int], values: Values
) -> Iterator[tuple[str, object, int]]:
    """Each (kind, value, resource) of the library resources ``values`` select: an IRI for a
    concept, person or organisation, a year's text (of an ``xsd:gYear``, as the views compare
    years), a number for a year in a range. A value no filter can equal (a literal theme, say)
    is left out."""
    for kind in KINDS:
        for row in select(store, bind(kind_query(kind), values)):
            value, resource = row.get("value"), ids[row["resource"].value]
            if kind == "range":
                if isinstance(value, ox.Literal):
                    yield kind, int(value.value), resource
            elif kind == "year":
                if isinstance(value, ox.Literal) and value.datatype == GYEAR:
                    yield kind, value.value, resource
            elif isinstance(value, ox.NamedNode):
                yield kind, value.value, resource


def _number(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> int | None:
    return None if term is None else int(term.value)


class CatalogueIndex:
    """The catalogue index of one build; each request opens a read-only connection of its own.
    A build without one (made before it existed) answers None: the views are left to SPARQL."""

    def __init__(self, path: Path) -> None:
        self._connection: sqlite3.Connection | None = None
        if path.exists():
            uri = path.resolve().as_uri() + "?mode=ro&immutable=1"  # a build never changes
            self._connection = sqlite3.connect(uri, uri=True)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()

    def __enter__(self) -> CatalogueIndex:
        return self

    def __exit__(self, *exception: object) -> None:
        self.close()

    def matches(self, terms: Terms, *, first: int) -> list[str] | None:
        """The first ``first`` resources that pass every filter of ``terms``, in the order its
        ``sort`` names (as the ``resources`` view lists them). None without a filter, with one
        the index does not know, or without the index."""
        found = self._matching(terms)
        if found is None or self._connection is None:
            return None
        where, parameters = found
        sort = terms.get(SORT)
        column = sort.value if sort is not None and sort.value in ORDERS else "newest"
        rows = self._connection.execute(  # as the view, only resources with the order's position
            f"SELECT iri FROM resources WHERE {where} AND {column} IS NOT NULL"
            f" ORDER BY {column} LIMIT ?",
            (*parameters, first),
        )
        return [iri for (iri,) in rows]

    def counts(self, terms: Terms) -> list[tuple[ox.NamedNode | ox.Literal, int]] | None:
        """How many resources that pass every filter of ``terms`` have each theme, type and
        year (as the ``facets`` view counts them: a concept that is one resource's theme and
        another's type counts both). None as for :meth:`matches`."""
        found = self._matching(terms)
        if found is None or self._connection is None:
            return None
        where, parameters = found
        rows = self._connection.execute(
            "SELECT year, value, number FROM terms JOIN (SELECT term, COUNT(*) AS number"
            f" FROM counted WHERE resource IN (SELECT id FROM resources WHERE {where})"
            " GROUP BY term) ON terms.rowid = term",
            parameters,
        )
        return [
            (ox.Literal(value, datatype=GYEAR) if year else ox.NamedNode(value), count)
            for year, value, count in rows
        ]

    def _matching(self, terms: Terms) -> tuple[str, list[object]] | None:
        """The SQL condition on ``resources`` of every filter of ``terms``, with its
        parameters; None without a filter or with one the index does not know."""
        conditions: list[tuple[str, list[object]]] = []
        facts = "id IN (SELECT resource FROM facts WHERE kind = ? AND value = ?)"
        for name, term in terms.items():
            if name in FILTERS:
                conditions.append((facts, [FILTERS[name], term.value]))
            elif name == KEYWORD:  # its stems, each a word of the resource's search text
                for word in term.value.split() or [""]:  # no word: nothing matches, as in SPARQL
                    conditions.append((facts, [WORD, word]))
            elif name not in (SORT, *RANGE):
                return None
        bounds = [(BOUNDS[name], int(terms[name].value)) for name in RANGE if name in terms]
        if bounds:
            tests = " AND ".join(f"value {test} ?" for test, _ in bounds)
            facts = f"id IN (SELECT resource FROM facts WHERE kind = 'range' AND {tests})"
            conditions.append((facts, [bound for _, bound in bounds]))
        if not conditions:
            return None
        return " AND ".join(c for c, _ in conditions), [p for _, ps in conditions for p in ps]
