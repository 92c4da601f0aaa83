"""Bylines for lists of resources: under each title, its authors in the printed order, as the
library's own listing prints them ("Author: ..."), found for the whole list by one query (run by
the query workers and cached like any). An organisation is named as the resource printed it
(:func:`belong_graph.citation.record.printed_name`); contributors and co-producers are left to
the resource's page, and a list of many authors is cut: "A, B, C and 6 more"."""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from belong_graph.citation.record import printed_name
from belong_graph.namespaces import PROLOGUE
from belong_graph.sparql.answer import Job
from belong_graph.sparql.bind import bind
from belong_graph.sparql.results import read_json
from belong_graph.web.caching import etag_for
from belong_graph.web.querying import cached_answer
from belong_graph.web.state import AppState

SHOWN = 3  # names a byline of more authors than SHOWN + 1 shows before "and N more"

AUTHORS = (
    PROLOGUE
    + """
SELECT ?resource ?position ?name ?printed WHERE {
  # @values
  ?resource prov:qualifiedAttribution ?credit .
  ?credit prov:hadRole/skos:notation "author" ; schema:position ?position ; prov:agent ?agent .
  ?agent schema:name ?name .
  """
    + printed_name("resource")
    + """
}
"""
)


def bylines(app: AppState, resources: Sequence[str]) -> dict[str, str]:
    """Each of the ``resources`` (IRIs) that has authors, and its byline."""
    if not resources:
        return {}
    query = bind(AUTHORS, {"resource": [ox.NamedNode(iri) for iri in resources]})
    job = Job(query, "json", None, app.settings.result_limit)
    rows = read_json(cached_answer(app, job, etag_for(app.version, job)).body).rows
    credits: dict[str, dict[int, str]] = {}
    for row in rows:
        name = row.get("printed") or row["name"]
        credits.setdefault(row["resource"].value, {})[int(row["position"].value)] = name.value
    return {iri: byline([n for _, n in sorted(names.items())]) for iri, names in credits.items()}


def byline(names: Sequence[str]) -> str:
    """``names`` joined as a sentence prints them: "A", "A and B", "A, B and C"; past
    ``SHOWN + 1`` names, the first ``SHOWN`` and how many more."""
    if len(names) > SHOWN + 1:
        names = [*names[:SHOWN], f"{len(names) - SHOWN} more"]
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} and {names[-1]}"
