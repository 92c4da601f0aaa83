"""How /reconcile finds the entities a query may mean: the entities of the build's completions
index whose label shares a word with the query, scored by rapidfuzz (0-100), and those that
carry an identifier the query gives or whose id the query is."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, utils

from belong_graph.publish import completions
from belong_graph.sparql.answer import Job
from belong_graph.sparql.results import Row, read_json
from belong_graph.web.caching import etag_for
from belong_graph.web.querying import cached_answer
from belong_graph.web.state import AppState, state
from belong_graph.web.urls import addresses

TYPES = {  # the types a query may name: the first part of an id
    "organisation": "Organisation",
    "person": "Person",
    "resource": "Resource",
    "initiative": "Initiative",
    "place": "Place",
}
BATCH_SIZE = 50  # queries, or ids to extend, in one request
SHORTLIST = 200  # entities of the index rescored for one query
PROPERTIES = {  # the identifiers a query may give: their scheme in the data, and prefixes to drop
    "ror": ("ROR ID", "ror", ("https://ror.org/",)),
    "wikidata": ("Wikidata QID", "wikidata", ("http://www.wikidata.org/entity/",)),
    "charity_number": ("Registered charity number", "charity-number", ("GB-CHC-",)),
}
IDENTIFIED = """PREFIX schema: <http://schema.org/>
SELECT DISTINCT ?entity ?name WHERE {
  VALUES (?scheme ?value) { %s }
  ?entity schema:identifier [ schema:propertyID ?scheme ; schema:value ?value ] .
  OPTIONAL { ?entity schema:name ?name }
}"""
ALIASES = """PREFIX schema: <http://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?entity ?alias WHERE {
  VALUES ?entity { %s }
  ?entity skos:altLabel|schema:alternateName ?alias
}"""
STOP_WORDS = frozenset({"a", "an", "and", "at", "for", "in", "of", "on", "the", "to"})


@dataclass(frozen=True)
class Query:
    """One query of a batch: the name sought, the types it may have and how many to answer."""

    text: str
    types: tuple[str, ...]
    limit: int
    identifiers: tuple[tuple[str, str], ...] = ()  # (property, value)


@dataclass(frozen=True)
class Candidate:
    """An entity that may be the one sought, with its score of 0-100."""

    id: str
    name: str
    score: float
    exact: bool
    identified: bool = False


def candidates(query: Query) -> list[Candidate]:
    """The entities of ``query``'s types whose label is nearest the text, best first (ties by
    name)."""
    app = state()
    index = app.pool.source.directory / completions.INDEX_FILE
    ids = app.settings.base_iri + "id/"
    sought = words(query.text)
    found = _identified(app, ids, query) + _named(index, ids, query)
    labels: dict[str, str] = {}
    for kind in query.types if query.text else ():
        labels |= completions.entities_with_words(index, sought, f"{ids}{kind}/", limit=SHORTLIST)
    names = _aliases(app, labels)
    for iri, label in labels.items():
        compared = {words(name) for name in names.get(iri, [])} | {words(label)}
        score = round(max(fuzz.WRatio(sought, name, processor=None) for name in compared), 1)
        if all(iri[len(ids) :] != c.id for c in found):  # an identified one comes once
            found.append(Candidate(iri[len(ids) :], label, score, sought in compared))
    found.sort(key=lambda c: (-c.score, not c.exact, not words(c.name).startswith(sought), c.name))
    return found[: query.limit]


def _identified(app: AppState, ids: str, query: Query) -> list[Candidate]:
    """The entities of the query's types that carry any of its identifiers."""
    if not query.identifiers:
        return []
    schemes = ids + "identifier-scheme/"
    pairs = " ".join(
        f"(<{schemes}{PROPERTIES[pid][1]}> {json.dumps(value)})" for pid, value in query.identifiers
    )
    rows = stored_rows(app, IDENTIFIED % pairs)
    found = {row["entity"].value[len(ids) :]: row.get("name") for row in rows}
    return [
        Candidate(key, name.value if name else key, 100.0, True, identified=True)
        for key, name in sorted(found.items())
        if key.partition("/")[0] in query.types
    ]


def _named(index: Path, ids: str, query: Query) -> list[Candidate]:
    """The entity whose id (or IRI, canonical or as served) is the query's text, if any."""
    text = query.text
    for space in (ids, addresses().url("id/")):
        text = text.removeprefix(space)
    if not text or text.partition("/")[0] not in query.types:
        return []
    known = completions.complete(index, "entity", ids + text, limit=1)
    return [Candidate(text, c.label or text, 100.0, True) for c in known if c.iri == ids + text]


def words(text: str) -> str:
    """``text`` as it is compared: lower case, without punctuation or words such as "of" (which
    would make any two names that share them alike), unless it has no others."""
    kept = utils.default_process(text).split()
    return " ".join([w for w in kept if w not in STOP_WORDS] or kept)


def _aliases(app: AppState, labels: dict[str, str]) -> dict[str, list[str]]:
    """The alternative names of the entities ``labels`` names, by IRI."""
    if not labels:
        return {}
    found: dict[str, list[str]] = {}
    for row in stored_rows(app, ALIASES % " ".join(f"<{iri}>" for iri in labels)):
        found.setdefault(row["entity"].value, []).append(row["alias"].value)
    return found


def stored_rows(app: AppState, query: str) -> tuple[Row, ...]:
    """The rows of the SELECT ``query`` on the build, from the answer cache where it holds them."""
    job = Job(query, "json", None, app.settings.result_limit)
    return read_json(cached_answer(app, job, etag_for(app.version, job)).body).rows
