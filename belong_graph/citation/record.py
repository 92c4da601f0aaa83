"""A resource's CSL-JSON record, made from the graph by one SELECT (:func:`record_query`) and
nothing else: its title, its credits in their printed order, its issue date, its CSL type from
its resource types, its publishers, its themes as keywords, the identifiers the graph holds for it
and its IRI as URL. What the graph does not hold stays out of the record.

People are split into given and family names only where the graph holds them
(``schema:givenName``, ``schema:familyName``); an organisation is always one ``literal`` name,
never split. An organisation is named as the resource printed it: the dated name
(``bel:datedName``) in use when the resource was issued, where the graph gives one, else its
name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import pyoxigraph as ox

from belong_graph.namespaces import PROLOGUE
from belong_graph.sparql.bind import bind

Record = dict[str, Any]  # one CSL-JSON item
Row = Mapping[str, ox.NamedNode | ox.BlankNode | ox.Literal]

# A resource type's notation and the CSL type it makes, the first of a resource's types that is
# here winning; a resource of none of them is a "document" (a guide, a toolkit, a framework...).
CSL_TYPES: tuple[tuple[str, str], ...] = (
    ("webinar", "speech"),  # a talk given online, as CSL says a presentation
    ("website", "webpage"),
    ("research-report", "report"),
    ("evaluation-report", "report"),
    ("research", "report"),
)
DEFAULT_TYPE = "document"
# A contribution role's notation and the CSL name variable of its credits.
CSL_ROLES = {"author": "author"}
OTHER_ROLE = "contributor"  # a contributor, a co-producer
IDENTIFIERS = {"doi": "DOI", "isbn": "ISBN", "issn": "ISSN"}  # identifier scheme notations


def printed_name(resource: str) -> str:
    """SPARQL that binds ``?printed`` to the name ``?agent`` (named ``?name``) is printed by in
    the resource ``?<resource>``: the dated name (``bel:datedName``) it had when the resource was
    issued, where the graph gives one, and for a unit, the organisation it is a unit of after it
    ("Intercultural Cities Unit, Council of Europe", as the listing prints it). Each step is
    named, as in queries/resource.rq, where the path read every dated name."""
    return f"""OPTIONAL {{
      ?agent bel:datedName ?dated .
      ?dated rdf:value ?datedName ; dcterms:temporal ?period .
      ?period time:inside ?instant . ?instant time:inXSDgYearMonth ?issued .
      ?{resource} dcterms:issued ?issued .
    }}
    OPTIONAL {{ ?agent org:unitOf ?whole . ?whole rdfs:label ?wholeName }}
    BIND (COALESCE(?datedName, ?name) AS ?own)
    BIND (IF(BOUND(?wholeName), CONCAT(STR(?own), ", ", STR(?wholeName)), ?own) AS ?printed)"""


RECORD = (
    PROLOGUE
    + """
SELECT ?part ?value ?position ?name ?printed ?given ?family ?role ?person WHERE {
  # The resource bound in each branch: bound once above them, Oxigraph read the names of every
  # agent in the graph for the second (1 s at 30,000).
  {
    # @values
    { ?resource dcterms:title ?value BIND ("title" AS ?part) }
    UNION { ?resource dcterms:issued ?value BIND ("issued" AS ?part) }
    UNION { ?resource dcterms:description ?value BIND ("abstract" AS ?part) }
    UNION { ?resource dcterms:type/skos:notation ?value BIND ("type" AS ?part) }
    UNION { ?resource dcterms:subject/skos:prefLabel ?value BIND ("keyword" AS ?part) }
    UNION { ?resource schema:isbn ?value BIND ("isbn" AS ?part) }
    UNION {
      ?resource schema:identifier ?identifier .
      ?identifier schema:propertyID/skos:notation ?part ; schema:value ?value .
    }
  } UNION {
    # @values
    {
      ?resource dcterms:publisher ?agent BIND ("publisher" AS ?part)
    } UNION {
      ?resource prov:qualifiedAttribution ?credit BIND ("credit" AS ?part)
      ?credit prov:agent ?agent ; schema:position ?position .
      OPTIONAL { ?credit prov:hadRole/skos:notation ?role }
    }
    ?agent schema:name ?name .
    OPTIONAL { ?agent schema:givenName ?given }
    OPTIONAL { ?agent schema:familyName ?family }
    BIND (EXISTS { ?agent a schema:Person } AS ?person)
    """
    + printed_name("resource")
    + """
  }
}
"""
)


def record_query(iri: str) -> str:
    """The SELECT of the facts the record of resource ``iri`` is made from."""
    return bind(RECORD, {"resource": ox.NamedNode(iri)})


def csl_record(key: str, url: str, rows: Iterable[Row]) -> Record | None:
    """The CSL-JSON record of a resource (``key`` its id, ``url`` its public IRI) from the rows
    of :func:`record_query`; None when the graph gives it no title."""
    facts: dict[str, list[Row]] = {}
    for row in rows:
        facts.setdefault(str(_text(row, "part")), []).append(row)
    titles = facts.get("title", [])
    if not titles:
        return None
    record: Record = {"id": key, "type": _csl_type(_values(facts, "type"))}
    record["title"] = _text(titles[0], "value")
    for variable, names in _credits(facts.get("credit", [])).items():
        record[variable] = names
    issued = _values(facts, "issued")
    if issued and (parts := date_parts(issued[0])):
        record["issued"] = {"date-parts": [parts]}
    publishers = sorted({_agent_name(row) for row in facts.get("publisher", [])})
    if publishers:
        record["publisher"] = "; ".join(publishers)
    if abstract := _values(facts, "abstract"):
        record["abstract"] = abstract[0]
    if keywords := sorted(set(_values(facts, "keyword"))):
        record["keyword"] = ", ".join(keywords)
    language = titles[0]["value"]
    if isinstance(language, ox.Literal) and language.language:
        record["language"] = language.language
    record["URL"] = url
    for scheme, variable in IDENTIFIERS.items():
        if values := sorted(set(_values(facts, scheme))):
            record[variable] = values[0]
    return record


def dataset_record(
    *, key: str, title: str, publisher: str, version: str, built: str, url: str
) -> Record:
    """The CSL-JSON record of the dataset itself: its publisher as its author, the build's
    version and date, and its IRI."""
    record: Record = {
        "id": key,
        "type": "dataset",
        "title": title,
        "author": [{"literal": publisher}],
        "publisher": publisher,
        "version": version,
        "URL": url,
    }
    if parts := date_parts(built):
        record["issued"] = {"date-parts": [parts]}
    return record


def date_parts(value: str) -> list[int]:
    """The year, month and day that an ISO 8601 date (or year, or year and month) gives."""
    found = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value)
    return [int(part) for part in found.groups() if part] if found else []


def _credits(rows: list[Row]) -> dict[str, list[dict[str, str]]]:
    by_position = {int(_text(row, "position")): row for row in rows}  # one row a credit
    names: dict[str, list[dict[str, str]]] = {}
    for _, row in sorted(by_position.items()):
        variable = CSL_ROLES.get(_text(row, "role"), OTHER_ROLE)
        names.setdefault(variable, []).append(_name(row))
    return names


def _name(row: Row) -> dict[str, str]:
    """A person by the parts of the name the graph holds; an organisation as one literal."""
    family, given = _text(row, "family"), _text(row, "given")
    if _text(row, "person") == "true" and family:
        return {"family": family, "given": given} if given else {"family": family}
    return {"literal": _agent_name(row)}


def _agent_name(row: Row) -> str:
    return _text(row, "printed") or _text(row, "name")


def _csl_type(notations: list[str]) -> str:
    for notation, csl_type in CSL_TYPES:
        if notation in notations:
            return csl_type
    return DEFAULT_TYPE


def _values(facts: dict[str, list[Row]], part: str) -> list[str]:
    return [_text(row, "value") for row in facts.get(part, [])]


def _text(row: Row, name: str) -> str:
    term = row.get(name)
    return term.value if term is not None else ""
