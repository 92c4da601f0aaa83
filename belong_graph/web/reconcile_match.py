"""How /reconcile finds the entities a query may mean: the entities of the build's completions
index whose label or other name (alternative or former name, identifier) shares a word with the
query, scored by rapidfuzz (0-100), and those that carry an identifier the query gives or whose id
the query is."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox
from rapidfuzz import fuzz, utils

from belong_graph.publish import completions
from belong_graph.sparql.answer import Job
from belong_graph.sparql.results import Row, read_json
from belong_graph.web.caching import etag_for
from belong_graph.web.querying import cached_answer
from belong_graph.web.state import AppState, state
from belong_graph.web.urls import addresses

TYPES = {  # the types a query may name
    "organisation": "Organisation",
    "person": "Person",
    "resource": "Resource",
    "initiative": "Initiative",
    "place": "Place",
}
PATHS = {"initiative": "project"}  # the first part of an id, where it is not the type's own
STRICTNESS = ("any", "should", "all")  # how a query's types bind its candidates (type_strict)
OTHER_TYPE = 10.0  # points a candidate outside the query's types loses ("should")
BATCH_SIZE = 50  # queries, or ids to extend, in one request
SHORTLIST = 200  # entities of the index rescored for one query
PROPERTIES = {  # the identifiers a query may give: their scheme in the data, and prefixes to drop
    "ror": ("ROR ID", "ror", ("https://ror.org/",)),
    "wikidata": ("Wikidata QID", "wikidata", ("http://www.wikidata.org/entity/",)),
    "charity_number": ("Registered charity number", "charity-number", ("GB-CHC-",)),
}
IDENTIFIED = """PREFIX schema: <http://schema.org/>
SELECT DISTINCT ?entity ?name WHERE {
  %s
  OPTIONAL { ?entity schema:name ?name }
}"""  # a branch per identifier: Virtuoso 7.2 fails on a VALUES of pairs here (SP031)
IDENTIFIER = "{ ?entity schema:identifier [ schema:propertyID %s ; schema:value %s ] }"
STOP_WORDS = frozenset({"a", "an", "and", "at", "for", "in", "of", "on", "the", "to"})


@dataclass(frozen=True)
class Query:
    """One query of a batch: the name sought, the types it may have and how many to answer."""

    text: str
    types: tuple[str, ...]
    limit: int
    identifiers: tuple[tuple[str, str], ...] = ()  # (property, value)
    strictness: str = "any"  # of STRICTNESS


@dataclass(frozen=True)
class Candidate:
    """An entity that may be the one sought, with its score of 0-100."""

    id: str
    name: str
    score: float
    exact: bool
    identified: bool = False
    description: str | None = None


def candidates(query: Query) -> list[Candidate]:
    """The entities nearest the query, best first (ties by name): of the query's types, or all
    of them (``all``: there are none when it names two types, as each entity has one); where
    types only ``should`` bind and none of theirs is found, those of the other types, lower."""
    if query.strictness == "all" and len(set(query.types)) > 1:
        return []
    found = _scored(query)
    if not found and query.strictness == "should":
        others = replace(query, types=tuple(t for t in TYPES if t not in query.types))
        found = [
            replace(c, score=max(c.score - OTHER_TYPE, 0.0), exact=False) for c in _scored(others)
        ]
    return found


def _scored(query: Query) -> list[Candidate]:
    """The entities of the query's types nearest its text or carrying its identifiers."""
    app = state()
    index = app.pool.source.directory / completions.INDEX_FILE
    ids = app.settings.base_iri + "id/"
    sought = words(query.text)
    found = _identified(app, ids, query) + _named(index, ids, query)
    unders = [f"{ids}{PATHS.get(kind, kind)}/" for kind in query.types] if query.text else []
    named = completions.entities_with_words(
        index, sought, unders, limit=SHORTLIST, enough=query.limit
    )
    seen = {c.id for c in found}  # an identified one comes once
    for iri, entity in named.items():
        if (key := iri[len(ids) :]) in seen:
            continue
        identifiers = {words(name) for name in entity.identifiers}
        compared = {words(name) for name in entity.others} | {words(entity.label)} | identifiers
        score = round(max(fuzz.WRatio(sought, name, processor=None) for name in compared), 1)
        found.append(Candidate(key, entity.label, score, sought in compared, sought in identifiers))
    found.sort(key=lambda c: (-c.score, not c.exact, not words(c.name).startswith(sought), c.name))
    return found[: query.limit]


def type_of(key: str) -> str | None:
    """The type of the entity whose id is ``key`` (``project/x`` is an initiative), if one of
    :data:`TYPES`."""
    first = key.partition("/")[0]
    return next((t for t in TYPES if PATHS.get(t, t) == first), None)


def literal(text: str) -> str:
    """``text`` as a SPARQL string literal, escaped as N-Triples escapes it (any character of
    Unicode, an emoji as itself)."""
    return str(ox.Literal(text))


def _identified(app: AppState, ids: str, query: Query) -> list[Candidate]:
    """The entities of the query's types that carry any of its identifiers."""
    if not query.identifiers:
        return []
    schemes = ids + "identifier-scheme/"
    branches = " UNION ".join(
        IDENTIFIER % (f"<{schemes}{PROPERTIES[pid][1]}>", literal(value))
        for pid, value in query.identifiers
    )
    rows = stored_rows(app, IDENTIFIED % branches)
    found = {row["entity"].value[len(ids) :]: row.get("name") for row in rows}
    return [
        Candidate(key, name.value if name else key, 100.0, True, identified=True)
        for key, name in sorted(found.items())
        if type_of(key) in query.types
    ]


def _named(index: Path, ids: str, query: Query) -> list[Candidate]:
    """The entity whose id (or IRI, canonical or as served) is the query's text, if any."""
    text = query.text
    for space in (ids, addresses().url("id/")):
        text = text.removeprefix(space)
    if not text or type_of(text) not in query.types:
        return []
    known = completions.complete(index, "entity", ids + text, limit=1)
    return [Candidate(text, c.label or text, 100.0, True) for c in known if c.iri == ids + text]


def words(text: str) -> str:
    """``text`` as it is compared: lower case, without punctuation or words such as "of" (which
    would make any two names that share them alike), unless it has no others."""
    kept = utils.default_process(text).split()
    return " ".join([w for w in kept if w not in STOP_WORDS] or kept)


def stored_rows(app: AppState, query: str) -> tuple[Row, ...]:
    """The rows of the SELECT ``query`` on the build, from the answer cache where it holds them."""
    job = Job(query, "json", None, app.settings.result_limit)
    return read_json(cached_answer(app, job, etag_for(app.version, job)).body).rows
