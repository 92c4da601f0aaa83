"""The keyword search's index, written by the build beside the store (``search.sqlite``), and
the lookup a request makes in it.

The catalogue's keyword matches a resource whose text (``bel:searchText``, its title and
description in lower case, ``rules/75-search-text.rq``) contains the keyword in lower case.
Without an index, the query reads every resource's text (3.3 s at 30,000 synthetic resources on
the on-disk store). The build writes each text into an SQLite FTS5 table with the trigram
tokenizer, which finds the texts holding a string of 3 or more characters in any case; the
server binds what it finds into the view as candidates (``# @search``, see
:mod:`belong_graph.catalogue`), and the view keeps its own check, so its answer is exactly what
the scan gives. A shorter keyword has no trigram to look up, and for a keyword found in many
texts the query costs less reading every text than looking up each candidate (measured: the
resources view at 30,000 on disk with 1,000, 6,000 and 29,744 candidates took 0.2, 0.7 and
4.1 s against 3.4 s for the scan; at 3,000 in memory 32, 61 ms with 1,000, 2,977 against 55):
past a fifth of the library, or 100 candidates in a smaller one, or for a keyword under 3
characters, :meth:`SearchIndex.candidates` answers None, and the view reads every text as before.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from belong_graph.namespaces import PROLOGUE
from belong_graph.sparql.results import select
from belong_graph.store import GraphStore

INDEX_FILE = "search.sqlite"
SHORTEST = 3  # characters: a trigram
SHARE = 5  # at most one candidate in SHARE texts...
FEWEST = 100  # ...or this many, in a library of under SHARE * FEWEST resources
SCHEMA = """
CREATE VIRTUAL TABLE texts USING fts5(iri UNINDEXED, text, tokenize = 'trigram');
CREATE TABLE summary (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
"""
TEXTS = "SELECT ?resource ?text WHERE { ?resource bel:searchText ?text }"


def write_index(store: GraphStore, path: Path) -> None:
    """Read every resource's search text from ``store`` and index it in a new file at ``path``."""
    rows = [(row["resource"].value, row["text"].value) for row in select(store, PROLOGUE + TEXTS)]
    with closing(sqlite3.connect(path)) as connection:
        connection.executescript(SCHEMA)
        connection.executemany("INSERT INTO texts VALUES (?, ?)", rows)
        connection.execute("INSERT INTO summary VALUES ('texts', ?)", (len(rows),))
        connection.commit()
        connection.execute("INSERT INTO texts (texts) VALUES ('optimize')")
        connection.commit()


class SearchIndex:
    """The search index of one build; each request opens a read-only connection of its own.
    A build without one (made before the index existed) finds no candidates."""

    def __init__(self, path: Path) -> None:
        self._connection: sqlite3.Connection | None = None
        self._most = 0
        if path.exists():
            uri = path.resolve().as_uri() + "?mode=ro&immutable=1"  # a build never changes
            self._connection = sqlite3.connect(uri, uri=True)
            (texts,) = self._connection.execute(
                "SELECT value FROM summary WHERE name = 'texts'"
            ).fetchone()
            self._most = max(texts // SHARE, FEWEST)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exception: object) -> None:
        self.close()

    def candidates(self, keyword: str) -> list[str] | None:
        """The IRIs of the resources whose text may contain ``keyword`` (in lower case, as the
        query's ``LCASE`` writes it), in IRI order: every one that does, and perhaps a few
        that differ only in case. None where the index cannot tell, or would name too many: then
        the query reads every text itself."""
        if self._connection is None or len(keyword) < SHORTEST:
            return None
        phrase = '"' + keyword.lower().replace('"', '""') + '"'
        rows = self._connection.execute(
            "SELECT iri FROM texts WHERE text MATCH ? LIMIT ?", (phrase, self._most + 1)
        ).fetchall()
        if len(rows) > self._most:
            return None
        return sorted(iri for (iri,) in rows)
