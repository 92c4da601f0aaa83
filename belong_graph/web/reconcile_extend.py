"""The data extension of /reconcile: what the library holds of the entities OpenRefine has matched
(identifiers, website, kind, parent organisation, number of resources), and the facts that
describe a candidate in a few words. One query a request, the entities bound in every branch."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from belong_graph.errors import ParameterError
from belong_graph.namespaces import PROLOGUE
from belong_graph.web.reconcile_match import (
    BATCH_SIZE,
    PROPERTIES,
    TYPES,
    literal,
    stored_rows,
    type_of,
)
from belong_graph.web.state import AppState, state

KIND = """{values} ?entity a ?class . ?class rdfs:label ?value
    FILTER (STRSTARTS(STR(?class), STR(bel:)))
    FILTER NOT EXISTS {
      ?entity a ?narrower . ?narrower rdfs:subClassOf ?class FILTER (?narrower != ?class)
    }"""
FACTS = {  # what a fact is in the graph: UNION branches binding ?value (and ?name) of ?entity
    "website": ("{values} ?entity schema:url ?value .",),
    "kind": (
        KIND,
        "{values} ?entity dcterms:type ?concept . ?concept skos:prefLabel ?value "
        "FILTER STRSTARTS(STR(?concept), '{ids}resource-type/')",
    ),
    "parent": ("{values} ?entity schema:parentOrganization ?value . ?value rdfs:label ?name .",),
    "resources": (
        "{values} ?entity bel:resourceCount ?value .",
        "{ SELECT ?entity (COUNT(DISTINCT ?resource) AS ?value) WHERE { {values} "
        "?entity a schema:Person "
        "OPTIONAL { ?resource dcterms:creator|dcterms:contributor ?entity } } GROUP BY ?entity }",
    ),
    "year": (
        "{values} ?entity dcterms:issued ?issued BIND (SUBSTR(STR(?issued), 1, 4) AS ?value)",
    ),
    "affiliation": ("{values} ?entity schema:affiliation/rdfs:label ?value .",),
}
EXTENSIONS = {  # what a data extension may ask: its name and the types it applies to
    **{pid: (name, ("organisation",)) for pid, (name, _, _) in PROPERTIES.items()},
    "website": ("Website", ("organisation", "person")),
    "kind": ("Kind", ("organisation", "resource", "initiative")),
    "parent": ("Part of (parent organisation)", ("organisation",)),
    "resources": ("Number of resources", ("organisation", "person")),
}
DESCRIBING = ("kind", "parent", "year", "affiliation")  # the facts of a candidate's description
ID = re.compile(r"[a-z]+/[A-Za-z0-9._~-]+")  # an entity's path below id/


@dataclass(frozen=True)
class Extension:
    """A data extension request: the entities and the properties asked of each."""

    ids: tuple[str, ...]
    properties: tuple[str, ...]


def parse_extension(text: str) -> Extension:
    """The ids and properties of ``{"ids": [...], "properties": [{"id"}]}``, or a 400."""
    try:
        asked = json.loads(text)
    except ValueError as error:
        raise ParameterError(f"'extend' is not JSON: {error}.", parameter="extend") from error
    ids = asked.get("ids") if isinstance(asked, dict) else None
    wanted = asked.get("properties") if isinstance(asked, dict) else None
    if (
        not isinstance(ids, list)
        or not all(isinstance(i, str) and ID.fullmatch(i) for i in ids)
        or not isinstance(wanted, list)
        or not all(isinstance(w, dict) and w.get("id") in EXTENSIONS for w in wanted)
    ):
        raise ParameterError(
            '\'extend\' must be {"ids": [entity ids], "properties": [{"id"}]} with '
            f"properties among {', '.join(EXTENSIONS)}.",
            parameter="extend",
        )
    if len(ids) > BATCH_SIZE:
        raise ParameterError(f"'extend' takes at most {BATCH_SIZE} ids.", parameter="extend")
    return Extension(tuple(ids), tuple(w["id"] for w in wanted))


def proposed(kind: str) -> list[dict[str, str]]:
    """The properties a data extension of entities of ``kind`` may ask."""
    return [{"id": pid, "name": name} for pid, (name, kinds) in EXTENSIONS.items() if kind in kinds]


def extended(extension: Extension) -> dict[str, Any]:
    """Each entity's values of each property asked: an identifier, website or kind as a string,
    the parent as an entity, the number of resources as a whole number."""
    app = state()
    found = facts(app, extension.ids, extension.properties)
    rows = {
        key: {pid: found.get(key, {}).get(pid, []) for pid in extension.properties}
        for key in extension.ids
    }
    meta: list[dict[str, Any]] = [
        {"id": pid, "name": EXTENSIONS[pid][0]} for pid in extension.properties
    ]
    for column in meta:
        if column["id"] == "parent":
            column["type"] = {"id": "organisation", "name": TYPES["organisation"]}
    return {"meta": meta, "rows": rows}


def descriptions(app: AppState, keys: set[str]) -> dict[str, str]:
    """A few plain words on each entity: its kind (its type where the library gives none) and a
    fact that tells it from namesakes: the organisation it is part of, a resource's year, a
    person's affiliation (``Charity, foundation or funder``; ``Toolkit, 2021``)."""
    found = facts(app, tuple(sorted(keys)), DESCRIBING)
    described = {}
    for key in keys:
        known = found.get(key, {})
        kinds = [value["str"] for value in known.get("kind", [])]
        words = ", ".join([kinds[0], *(k[:1].lower() + k[1:] for k in kinds[1:])]) if kinds else ""
        words = words or TYPES.get(type_of(key) or "", "Entity")
        if parent := known.get("parent"):
            words += f", part of {parent[0]['name']}"
        if year := known.get("year"):
            words += f", {year[0]['str']}"
        if affiliation := known.get("affiliation"):
            words += f" at {affiliation[0]['str']}"
        described[key] = words
    return described


def facts(app: AppState, keys: tuple[str, ...], wanted: tuple[str, ...]) -> dict[str, Any]:
    """The values of the facts ``wanted`` (of :data:`FACTS` or an identifier of
    :data:`PROPERTIES`) of the entities ``keys``, by entity and fact, as the API writes them."""
    ids = app.settings.base_iri + "id/"
    known = [key for key in keys if type_of(key) is not None]
    if not known or not wanted:
        return {}
    values = "VALUES ?entity { " + " ".join(f"<{ids}{key}>" for key in known) + " }"
    branches = [
        f"{{ {branch.replace('{values}', values)} BIND ({literal(fact)} AS ?fact) }}"
        for fact in wanted
        for branch in _branches(fact, ids)
    ]
    query = (
        PROLOGUE
        + "\nSELECT ?entity ?fact ?value ?name WHERE {\n"
        + "\n  UNION ".join(branches)
        + "\n} ORDER BY ?entity ?fact ?value"
    )
    found: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for row in stored_rows(app, query):
        fact, value = row["fact"].value, row["value"].value
        entry = found.setdefault(row["entity"].value[len(ids) :], {}).setdefault(fact, [])
        if fact == "parent":
            entry.append({"id": value[len(ids) :], "name": row["name"].value})
        elif fact == "resources":
            entry.append({"int": int(value)})
        else:
            entry.append({"str": value})
    return found


def _branches(fact: str, ids: str) -> tuple[str, ...]:
    if fact in PROPERTIES:
        scheme = f"<{ids}identifier-scheme/{PROPERTIES[fact][1]}>"
        return (
            "{values} ?entity schema:identifier "
            f"[ schema:propertyID {scheme} ; schema:value ?value ] .",
        )
    return tuple(branch.replace("{ids}", ids) for branch in FACTS[fact])
