"""Running queries for the web: through the answer cache to a query worker, and the canned views
with their parameters bound, read back as items. The blueprints (the API, pages, linked data,
OAI-PMH, the explorer) all ask here."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import pyoxigraph as ox
from flask import request

from belong_graph.catalogue import CannedQuery, with_counts, with_matches
from belong_graph.errors import ParameterError, UnknownView
from belong_graph.namespaces import PROLOGUE
from belong_graph.publish.catalogue_index import INDEX_FILE, CatalogueIndex
from belong_graph.sparql.answer import Answer, Job
from belong_graph.sparql.bind import bind
from belong_graph.sparql.results import Results, read_json, row_item
from belong_graph.web.caching import etag_for
from belong_graph.web.disconnect import client_gone
from belong_graph.web.state import AppState

CONCEPTS = (
    PROLOGUE
    + """
SELECT ?concept ?label WHERE {
  # @values
  ?concept skos:inScheme ?scheme ; skos:prefLabel ?label
}
ORDER BY ?label"""
)


@dataclass(frozen=True)
class ViewItems:
    """One page of a view's answer, as items."""

    items: list[dict[str, Any]]
    page: int
    more: bool  # whether a next page exists
    truncated: bool


def view_items(app: AppState, view: CannedQuery, values: Mapping[str, str]) -> ViewItems:
    """Run ``view`` with ``values`` (through the cache) and read its answer as items."""
    job = view_job(app, view, values, "json")
    answer = view_answer(app, view, values, job, etag_for(app.version, job, "json"))
    results = read_json(answer.body)
    more = view.has_next(len(results))
    return ViewItems(page_items(view, results), view_page(view, values), more, answer.truncated)


def page_items(view: CannedQuery, results: Results) -> list[dict[str, Any]]:
    """The items of a page of ``view``'s results, without the look-ahead row."""
    return [row_item(row, results.variables) for row in results.rows[: view.page_rows]]


def view_job(app: AppState, view: CannedQuery, values: Mapping[str, str], fmt: str) -> Job:
    """The query job for ``view`` with ``values`` bound, its page cut, in result format ``fmt``."""
    terms = view.bind(values, app.settings.base_iri)
    for parameter in view.parameters:
        term = terms.get(parameter.name)
        if parameter.scheme and term is not None:
            concepts = scheme_concepts(app, parameter.scheme)
            if term.value not in concepts:
                entities = app.settings.base_iri + "id/"
                offered = ", ".join(iri.removeprefix(entities) for iri in concepts)
                raise ParameterError(
                    f"Parameter '{parameter.name}': {values[parameter.name]!r} is not a concept "
                    f"of {parameter.scheme}; use one of: {offered}.",
                    parameter=parameter.name,
                )
    query = view.query_for(terms, view_page(view, values))
    return Job(query, fmt, None, app.settings.result_limit)


def scheme_concepts(app: AppState, scheme: str) -> dict[str, str]:
    """The concepts of a concept scheme (named below id/), by IRI, with their labels."""
    query = bind(CONCEPTS, {"scheme": ox.NamedNode(app.settings.base_iri + "id/" + scheme)})
    job = Job(query, "json", None, app.settings.result_limit)
    results = read_json(cached_answer(app, job, etag_for(app.version, job)).body)
    return {row["concept"].value: row["label"].value for row in results}


def view_named(app: AppState, name: str) -> CannedQuery:
    for view in app.catalogue:
        if view.name == name:
            return view
    raise UnknownView(f"There is no view called {name!r}; /api/views lists them.")


def view_page(view: CannedQuery, values: Mapping[str, str]) -> int:
    return view.page_number(values) if view.pagination else 1


def view_answer(
    app: AppState, view: CannedQuery, values: Mapping[str, str], job: Job, etag: str
) -> Answer:
    """The answer to ``view``'s ``job`` from the cache, or from a query worker given what the
    catalogue index answers for its filters. The ETag is the job's without it: that follows
    from the filters and the build, which the dataset version in the ETag names."""
    return cached_answer(app, job, etag, partial(indexed, app, view, values))


def indexed(app: AppState, view: CannedQuery, values: Mapping[str, str], job: Job) -> Job:
    """``job`` with the build's catalogue index's first matches of the view's filters bound at
    its ``# @matches`` lines and their counts at its ``# @counts`` line, where the index can
    tell them; else ``job`` itself."""
    if not (view.matches or view.counts):
        return job
    terms = view.bind(values, app.settings.base_iri)
    query = job.query
    with CatalogueIndex(app.pool.source.directory / INDEX_FILE) as index:
        if view.matches and view.pagination:
            first = view_page(view, values) * view.pagination + 1  # the page and the look-ahead
            found = index.matches(terms, first=first)
            if found is not None:
                query = with_matches(query, [ox.NamedNode(iri) for iri in found])
        if view.counts and (counts := index.counts(terms)) is not None:
            query = with_counts(query, counts)
    return replace(job, query=query)


def cached_answer(
    app: AppState, job: Job, etag: str, prepare: Callable[[Job], Job] = lambda job: job
) -> Answer:
    """The answer from the cache, or from a query worker, which runs ``prepare(job)``: the work
    only a query that runs needs is left out of a cached answer."""
    answer = app.cache.get(etag)
    if answer is None:
        answer = run_query(app, prepare(job), app.settings.query_timeout)
        app.cache.put(etag, answer)
    return answer


def run_query(app: AppState, job: Job, timeout: float) -> Answer:
    """Run ``job`` in a query worker for this request's client: refused while the client's
    query time is spent, charged the worker's time, stopped if the client goes away."""
    client = request.remote_addr or ""
    app.budget.check(client)
    return app.pool.run(
        job,
        timeout=timeout,
        cancelled=client_gone(request.environ),
        spent=lambda seconds: app.budget.charge(client, seconds),
    )
