"""The data extension of /reconcile: the identifiers (ROR ID, Wikidata QID, charity number) of
the entities OpenRefine has matched."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from belong_graph.errors import ParameterError
from belong_graph.web.reconcile_match import BATCH_SIZE, PROPERTIES, stored_rows
from belong_graph.web.state import state

EXTENDED = """PREFIX schema: <http://schema.org/>
SELECT ?entity ?scheme ?value WHERE {
  VALUES ?entity { %s }
  VALUES ?scheme { %s }
  ?entity schema:identifier [ schema:propertyID ?scheme ; schema:value ?value ] .
} ORDER BY ?entity ?scheme ?value"""
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
        or not all(isinstance(w, dict) and w.get("id") in PROPERTIES for w in wanted)
    ):
        raise ParameterError(
            '\'extend\' must be {"ids": [entity ids], "properties": [{"id"}]} with '
            f"properties among {', '.join(PROPERTIES)}.",
            parameter="extend",
        )
    if len(ids) > BATCH_SIZE:
        raise ParameterError(f"'extend' takes at most {BATCH_SIZE} ids.", parameter="extend")
    return Extension(tuple(ids), tuple(w["id"] for w in wanted))


def extended(extension: Extension) -> dict[str, Any]:
    """Each entity's values of each property asked (an identifier as a string)."""
    app = state()
    ids = app.settings.base_iri + "id/"
    rows: dict[str, dict[str, list[dict[str, str]]]] = {
        key: {pid: [] for pid in extension.properties} for key in extension.ids
    }
    if extension.ids and extension.properties:
        schemes = {
            ids + "identifier-scheme/" + PROPERTIES[pid][1]: pid for pid in extension.properties
        }
        query = EXTENDED % (
            " ".join(f"<{ids}{key}>" for key in extension.ids),
            " ".join(f"<{scheme}>" for scheme in schemes),
        )
        for row in stored_rows(app, query):
            pid = schemes[row["scheme"].value]
            rows[row["entity"].value[len(ids) :]][pid].append({"str": row["value"].value})
    meta = [{"id": pid, "name": PROPERTIES[pid][0]} for pid in extension.properties]
    return {"meta": meta, "rows": rows}
