"""Pages for people: the library as a browsable catalogue, and a page for each organisation,
person, initiative and theme, all built from the views in ``queries/``.

Pages are rendered on the server and work without JavaScript: facets are links that keep every
filter in the URL, and every chart is drawn from the data table printed beside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request, url_for

from belong_graph.linked.describe import Description
from belong_graph.stems import query_words
from belong_graph.web import dataset, leads, linked, profile_leads, resource_lead
from belong_graph.web.bylines import bylines
from belong_graph.web.querying import ViewItems, scheme_concepts, view_items, view_named
from belong_graph.web.state import AppState, state

blueprint = Blueprint("pages", __name__)
blueprint.add_app_template_filter(leads.readable_date, "readable_date")

FILTERS = ("theme", "type", "in", "keyword", "sort")
FACETS = (("theme", "Resource Themes"), ("type", "Resource Type"), ("year", "Resource Years"))
CHIPS = (  # a filter the page shows as a chip: its parameter, its name, how the message says it
    ("keyword", "Words", "with all the words"),
    ("theme", "Theme", "on the theme"),
    ("type", "Type", "of the type"),
    ("in", "Year", "from"),
)
NEWEST = 5  # resources the home page shows, newest first
SORTS = (("newest", "Newest first"), ("oldest", "Oldest first"), ("title", "Title A to Z"))
ENTITY_VIEWS: dict[str, tuple[str, tuple[tuple[str, str], ...], leads.Builder]] = {
    # the kind of an entity IRI: its page's title, its views with their parameter, its lead
    "resource": (
        "Resource",
        (("resource", "resource"), ("related-resources", "resource")),
        resource_lead.build,
    ),
    "organisation": (
        "Organisation",
        (
            ("organisation-profile", "organisation"),
            ("organisation-partners", "organisation"),
            ("external-identifiers", "entity"),
        ),
        profile_leads.organisation,
    ),
    "person": (
        "Person",
        (("person-profile", "person"), ("external-identifiers", "entity")),
        profile_leads.person,
    ),
    "project": ("Initiative", (("initiatives", "initiative"),), profile_leads.initiative),
    "resource-type": ("Resource type", (("resources", "type"),), profile_leads.resource_type),
    "theme": (
        "Theme",
        (("resources", "theme"), ("resources-per-year-and-theme", "theme")),
        profile_leads.theme,
    ),
}


@blueprint.get("/")
def home() -> Response:
    """The front door: what the library is, a search box, the themes, types and years with
    their counts, the newest resources and the ways in; two views, both answered from what the
    build counted and ordered."""
    app = state()
    newest = view_items(app, view_named(app, "resources"), {"sort": "newest"})
    facets = view_items(app, view_named(app, "facets"), {}).items
    page = render_template(
        "home.html",
        facets=_facet_groups(facets, {}),
        newest=newest.items[:NEWEST],
        bylines=bylines(app, _resources(newest.items[:NEWEST])),
    )
    return Response(page, mimetype="text/html")


@blueprint.get("/resources")
def resources() -> Response:
    """The catalogue: combinable facets with counts, word search, the filters chosen as chips
    that remove them, sorting and pages; when nothing matched, what it searched."""
    app = state()
    chosen = {k: request.args[k] for k in (*FILTERS, "page") if request.args.get(k)}
    listing = view_items(app, view_named(app, "resources"), chosen)
    facet_filters = {k: v for k, v in chosen.items() if k in ("theme", "type", "in", "keyword")}
    facets = view_items(app, view_named(app, "facets"), facet_filters).items
    page = render_template(
        "resources.html",
        chosen=chosen,
        listing=listing,
        bylines=bylines(app, _resources(listing.items)),
        facets=_facet_groups(facets, chosen),
        chips=_chips(app, chosen),
        searched=query_words(chosen.get("keyword", "")).split(),
        sorts=SORTS,
        listing_view=view_named(app, "resources"),
        listing_address=_api_url("resources", chosen),
        next_url=_with(chosen, page=str(listing.page + 1)) if listing.more else None,
        previous_url=_with(chosen, page=str(listing.page - 1)) if listing.page > 1 else None,
    )
    return Response(page, mimetype="text/html")


@blueprint.get("/id/<kind>/<slug>")
def entity(kind: str, slug: str) -> Response:
    """An entity of the library: its page, or its RDF by content negotiation (``linked``);
    the dataset and its linksets are described by the dataset description."""
    if (described := dataset.redirect_to_description(kind, slug)) is not None:
        return described
    return linked.dereference(kind, slug, _entity_lead)


def _entity_lead(
    kind: str, slug: str, page: int, description: Description
) -> tuple[str | None, leads.Lead]:
    """The kind's name and what its page leads with, from its views (if the kind has views);
    the further pages of links into an entity run none (each view pages its own answer)."""
    if kind not in ENTITY_VIEWS:
        return None, leads.lead(description, [], None)
    title, views, build = ENTITY_VIEWS[kind]
    if page > 1:
        return title, leads.lead(description, [], None)
    app = state()
    sections = []
    for name, parameter in views:
        view = view_named(app, name)
        values = {parameter: f"{kind}/{slug}"}
        answer = view_items(app, view, values)
        rest = _api_url(name, {**values, "page": "2"}) if answer.more else None
        chart = _chart_rows(answer) if view.visualisation != "table" else []
        sections.append(leads.Section(view, answer, chart, rest, _api_url(name, values)))
    return title, leads.lead(description, sections, build)


def _resources(items: list[dict[str, Any]]) -> list[str]:
    """The IRIs of the resources a list of the ``resources`` view shows."""
    return [item["resource"]["id"] for item in items]


def _api_url(name: str, values: Mapping[str, str]) -> str:
    """The address of a view's answer with ``values``."""
    return url_for("api.answer_view", name=name) + ("?" + urlencode(values) if values else "")


def _chart_rows(answer: ViewItems) -> list[tuple[str, Any]]:
    """A chart's data: each item's first column as the label, its last as the number."""
    rows = []
    for item in answer.items:
        values = list(item.values())
        first = values[0]
        rows.append((first["label"] if isinstance(first, dict) else str(first), values[-1]))
    return rows


def _facet_groups(rows: list[dict[str, Any]], chosen: Mapping[str, str]) -> list[dict[str, Any]]:
    """Each facet with its values, counts and the link that adds (or removes) the value."""
    groups: list[dict[str, Any]] = []
    for facet, title in FACETS:
        parameter = "in" if facet == "year" else facet
        values: list[dict[str, Any]] = []
        for row in rows:
            if row["facet"] != facet:
                continue
            value = row["value"]
            key = value["id"] if isinstance(value, dict) else str(value)
            label = value["label"] if isinstance(value, dict) else str(value)
            short = key.split("/id/", 1)[-1]
            selected = chosen.get(parameter) in (short, key)
            link = _with(chosen, page=None, **{parameter: None if selected else short})
            values.append(
                {"label": label, "count": row["resources"], "link": link, "selected": selected}
            )
        if facet == "year":
            values.sort(key=lambda v: v["label"])
        chart = [(v["label"], v["count"]) for v in values]
        groups.append({"name": facet, "title": title, "values": values, "rows": chart})
    return groups


def _chips(app: AppState, chosen: Mapping[str, str]) -> list[dict[str, str]]:
    """Each filter chosen: its name, its value's label, how the message says it and the link
    to the catalogue without it."""
    schemes = {p.name: p.scheme for p in view_named(app, "resources").parameters if p.scheme}
    entities = app.settings.base_iri + "id/"
    chips = []
    for name, title, phrase in CHIPS:
        value = chosen.get(name)
        if not value:
            continue
        label = value
        if name in schemes:
            concepts = scheme_concepts(app, schemes[name])
            label = concepts.get(entities + value.removeprefix(entities), value)
        link = _with(chosen, page=None, **{name: None})
        chips.append({"name": name, "title": title, "label": label, "phrase": phrase, "link": link})
    return chips


def _with(chosen: Mapping[str, str], **changes: str | None) -> str:
    """The catalogue's URL with ``changes`` made to the chosen filters (None removes one)."""
    values = {k: v for k, v in {**chosen, **changes}.items() if v}
    return url_for("pages.resources") + ("?" + urlencode(values) if values else "")
