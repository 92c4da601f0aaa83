"""The query page's autocompletion index, written by the build beside the store
(``completions.sqlite``), and the suggestions the page asks of it.

It holds the classes and properties the library uses (with their counts from the build's
statistics) and those our ontology declares, each with its CURIE and label where it has them,
and the entities of the URI space with their labels and other names (alternative and former
names, identifiers). The editor's autocompleters ask the server (``/sparql/completions``), which
answers from this file: no outside service is ever asked; so does the Reconciliation API's
shortlist (:func:`entities_with_words`), by any of an entity's names.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from belong_graph.errors import StoreMissing
from belong_graph.namespaces import PREFIXES, PROLOGUE, curie
from belong_graph.publish.statistics import Partition, Statistics
from belong_graph.sparql.results import select
from belong_graph.store import GraphStore

INDEX_FILE = "completions.sqlite"
KINDS = ("class", "property", "entity")
LIMIT = 50
SCHEMA = """
CREATE TABLE terms (
  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, iri TEXT NOT NULL, curie TEXT, name TEXT NOT NULL,
  label TEXT, uses INTEGER NOT NULL, UNIQUE (kind, iri)
);
CREATE INDEX by_uses ON terms (kind, uses DESC, name);
CREATE VIRTUAL TABLE words USING fts5 (label, content = 'terms', content_rowid = 'id');
CREATE TABLE names (
  id INTEGER PRIMARY KEY, term INTEGER NOT NULL, name TEXT NOT NULL, identifier INTEGER NOT NULL
);
CREATE INDEX by_term ON names (term);
CREATE VIRTUAL TABLE name_words USING fts5 (name, content = 'names', content_rowid = 'id');
"""
WORDS = (  # the labels' and other names' words, once written
    "INSERT INTO words (words) VALUES ('rebuild')",
    "INSERT INTO name_words (name_words) VALUES ('rebuild')",
)
VOCABULARY = """SELECT iri, curie, label FROM terms WHERE kind = :kind AND (
  iri LIKE :typed ESCAPE '\\' OR curie LIKE :typed ESCAPE '\\' OR name LIKE :typed ESCAPE '\\'
  OR label LIKE :typed ESCAPE '\\' OR label LIKE '% ' || :typed ESCAPE '\\'
) ORDER BY uses DESC, name LIMIT :limit"""  # a few hundred terms: read them all
ENTITIES = {  # thousands: found by the index of their IRIs or of their labels' words
    "all": "SELECT iri, curie, label FROM terms WHERE kind = 'entity' ORDER BY uses DESC, name "
    "LIMIT :limit",
    "iri": "SELECT iri, curie, label FROM terms WHERE kind = 'entity' AND iri >= :typed "
    "AND iri < :typed || char(1114111) ORDER BY iri LIMIT :limit",
    # those whose label starts with what was typed first, then the shortest
    "words": "SELECT iri, curie, terms.label FROM words JOIN terms ON terms.id = words.rowid "
    "WHERE words MATCH :words AND kind = 'entity' "
    "ORDER BY uses DESC, name NOT LIKE :typed ESCAPE '\\', length(name), name LIMIT :limit",
}
ANY_WORD = (  # the Reconciliation API's candidates: a label, or another name, with the words,
    # under one of the IRI prefixes {unders}, best first
    "SELECT terms.id FROM words JOIN terms ON terms.id = words.rowid "
    "WHERE words MATCH :words AND kind = 'entity' AND ({unders}) ORDER BY rank LIMIT :limit",
    "SELECT term FROM name_words JOIN names ON names.id = name_words.rowid "
    "JOIN terms ON terms.id = names.term "
    "WHERE name_words MATCH :words AND ({unders}) ORDER BY rank LIMIT :limit",
)
OTHER_NAMED = (  # entities by words of their other names, the shortest name first
    "SELECT iri, curie, terms.label FROM name_words JOIN names ON names.id = name_words.rowid "
    "JOIN terms ON terms.id = names.term WHERE name_words MATCH :words "
    "GROUP BY terms.id ORDER BY min(length(names.name)), terms.name LIMIT :limit"
)
HAS_NAMES = (
    "SELECT 1 FROM pragma_table_info('names') WHERE name = 'identifier'"  # not in older builds
)
NAMES = (  # the shortlist's labels and other names
    "SELECT iri, label, names.name, identifier FROM terms LEFT JOIN names ON names.term = terms.id "
    "WHERE terms.id IN (SELECT value FROM json_each(:ids))"
)
DECLARED = (
    PROLOGUE
    + """
SELECT DISTINCT ?term ?kind WHERE {
  VALUES (?type ?kind) {
    (owl:Class "class") (rdfs:Class "class") (rdf:Property "property")
    (owl:ObjectProperty "property") (owl:DatatypeProperty "property")
  }
  ?term a ?type FILTER isIRI(?term)
}"""
)
OTHER_NAMES = (  # an entity's alternative and former names and identifiers: a query may give them
    PROLOGUE
    + """
SELECT DISTINCT ?s ?name ?identifier WHERE {
  { ?s skos:altLabel|schema:alternateName|bel:formerName ?name BIND (false AS ?identifier) }
  UNION { ?s dcterms:identifier ?name BIND (true AS ?identifier) }
  FILTER isIRI(?s)
}"""
)
LABELLING = ("rdfs:label", "skos:prefLabel", "schema:name", "foaf:name", "dcterms:title")
LABELS = (  # a subject's labels by each of LABELLING, in English or without a language
    PROLOGUE
    + f"""
SELECT ?s ?p ?label WHERE {{
  VALUES ?p {{ {" ".join(LABELLING)} }}
  ?s ?p ?label FILTER (isIRI(?s) && LANG(?label) IN ("", "en", "en-gb"))
}}"""
)


@dataclass(frozen=True)
class Completion:
    """One suggestion: a term's IRI, its CURIE where our prefixes give one, and its label."""

    iri: str
    curie: str | None
    label: str | None


def write_index(store: GraphStore, path: Path, *, statistics: Statistics, uri_space: str) -> None:
    """Write the terms of ``store`` that the editor may suggest into a new file at ``path``."""
    labels = _labels(store)
    declared = [(row["kind"].value, row["term"].value) for row in select(store, DECLARED)]
    used = {
        **_counts("class", statistics.classes),
        **_counts("property", statistics.properties),
    }
    vocabulary = {(kind, iri): used.get((kind, iri), 0) for kind, iri in declared}
    vocabulary.update({key: uses for key, uses in used.items() if curie(key[1])})
    terms = {iri for _, iri in vocabulary}
    entities = {
        ("entity", iri): 0 for iri in labels if iri.startswith(uri_space) and iri not in terms
    }
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.executescript(SCHEMA)
        connection.executemany(
            "INSERT INTO terms (kind, iri, curie, name, label, uses) VALUES (?, ?, ?, ?, ?, ?)",
            _rows({**vocabulary, **entities}, labels),
        )
        connection.executemany(
            "INSERT INTO names (term, name, identifier) SELECT id, ?, ? FROM terms "
            "WHERE kind = 'entity' AND iri = ?",
            (
                (row["name"].value, row["identifier"].value == "true", row["s"].value)
                for row in select(store, OTHER_NAMES)
            ),
        )
        for rebuild in WORDS:
            connection.execute(rebuild)


def _labels(store: GraphStore) -> dict[str, str]:
    """Each subject's label by the first property of :data:`LABELLING` that gives it one."""
    rank = {_expand(name): place for place, name in enumerate(LABELLING)}
    best: dict[str, tuple[int, str]] = {}
    for row in select(store, LABELS):
        subject, found = row["s"].value, (rank[row["p"].value], row["label"].value)
        best[subject] = min(best.get(subject, found), found)
    return {subject: label for subject, (_, label) in best.items()}


def _counts(kind: str, partitions: Iterable[Partition]) -> dict[tuple[str, str], int]:
    return {(kind, p.iri): p.count for p in partitions}


def _rows(
    terms: dict[tuple[str, str], int], labels: dict[str, str]
) -> Iterator[tuple[str, str, str | None, str, str | None, int]]:
    """Each term as a row; its ``name`` is what a reader types: a vocabulary term's local name,
    an entity's label."""
    for (kind, iri), uses in terms.items():
        short = curie(iri)
        label = labels.get(iri)
        name = label if kind == "entity" else (short or iri).rpartition(":")[2]
        yield kind, iri, short, name or iri, label, uses


def complete(path: Path, kind: str, text: str, *, limit: int = LIMIT) -> list[Completion]:
    """The terms of ``kind`` that ``text`` begins: a class's or property's IRI
    (``http://schema.org/fun``), CURIE (``schema:fun``), name (``fun``) or a word of its label,
    the most used first; an entity's IRI, or words of its label (``univ kent``), by name."""
    typed = text.strip()
    words = " ".join(f'"{word}"*' for word in re.findall(r"\w+", typed))
    if kind != "entity":
        sql = VOCABULARY
    elif not typed:
        sql = ENTITIES["all"]
    elif "://" in typed:
        sql = ENTITIES["iri"]
    elif words:
        sql = ENTITIES["words"]
    else:
        return []
    values = {"kind": kind, "typed": typed, "words": words, "limit": limit}
    if sql is not ENTITIES["iri"]:
        values["typed"] = _like(typed) + "%"
    with _reading(path) as connection:
        rows = connection.execute(sql, values).fetchall()
    return [Completion(iri, short, label) for iri, short, label in rows]


@contextmanager
def _reading(path: Path, *, names: bool = False) -> Iterator[sqlite3.Connection]:
    """The index at ``path``, read-only; with ``names``, one that holds the other names."""
    if not path.exists():
        raise StoreMissing(f"The store was built without {INDEX_FILE}: run `belong-graph build`.")
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as connection:
        if names and not connection.execute(HAS_NAMES).fetchone():
            raise StoreMissing(
                f"The store's {INDEX_FILE} predates its table of other names: "
                "run `belong-graph build`."
            )
        yield connection


def _expand(short: str) -> str:
    """The IRI of a CURIE of our prefixes."""
    prefix, _, name = short.partition(":")
    return PREFIXES[prefix] + name


def _like(text: str) -> str:
    """``text`` as the start of a LIKE pattern, its own ``%`` and ``_`` taken literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class Named:
    """An entity of the shortlist: its label, its alternative and former names, and its
    identifiers."""

    label: str
    others: tuple[str, ...]
    identifiers: tuple[str, ...]


def entities_with_words(
    path: Path, text: str, unders: Sequence[str], *, limit: int, enough: int
) -> dict[str, Named]:
    """Up to ``limit`` entities whose IRI starts with one of ``unders`` and whose label, or
    another name, has words that begin with every word of ``text``, best first, by IRI (the
    Reconciliation API's shortlist); if that finds fewer than ``enough``, those with any of the
    words too (a misspelt word). Ranking the matches of any word is the costly search: a common
    word matches thousands of names."""
    found = re.findall(r"\w+", text)
    if not found or not unders:
        return {}
    clause = " OR ".join(f"iri LIKE :under{n} ESCAPE '\\'" for n in range(len(unders)))
    values: dict[str, object] = {f"under{n}": _like(u) + "%" for n, u in enumerate(unders)}
    values["limit"] = limit
    ids: dict[int, None] = {}
    with _reading(path, names=True) as connection:
        for joined in (" AND ", " OR ") if len(found) > 1 else (" ",):
            values["words"] = joined.join(f'"{word}"*' for word in found)
            for sql in ANY_WORD:
                terms = connection.execute(sql.format(unders=clause), values)
                ids |= dict.fromkeys(term for (term,) in terms)
            if len(ids) >= enough:
                break
        rows = connection.execute(NAMES, {"ids": json.dumps(sorted(ids))}).fetchall()
    labels: dict[str, str] = {}
    names: dict[tuple[str, bool], list[str]] = {}
    for iri, label, name, identifier in rows:
        labels[iri] = label or iri
        if name is not None:
            names.setdefault((iri, bool(identifier)), []).append(name)
    return {
        iri: Named(label, tuple(names.get((iri, False), ())), tuple(names.get((iri, True), ())))
        for iri, label in labels.items()
    }


def entities_named(path: Path, text: str, *, limit: int = LIMIT) -> list[Completion]:
    """The entities with another name (alternative or former name, identifier) whose words
    ``text`` begins (``mhc`` finds MHCLG), the shortest such name first."""
    words = " ".join(f'"{word}"*' for word in re.findall(r"\w+", text))
    if not words:
        return []
    with _reading(path, names=True) as connection:
        rows = connection.execute(OTHER_NAMED, {"words": words, "limit": limit}).fetchall()
    return [Completion(iri, short, label) for iri, short, label in rows]
