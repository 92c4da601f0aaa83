"""What the explorer and the network API share: the network served for the dataset's version
(built from the views and measured once), and the request's choices, each value checked."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

from flask import current_app
from werkzeug.datastructures import MultiDict

from belong_graph.errors import NetworkError, NetworkTooLarge, UnknownEntity
from belong_graph.network import export
from belong_graph.network import graph as network
from belong_graph.network.graph import Network
from belong_graph.network.measures import Measures, measure
from belong_graph.web.querying import scheme_concepts, view_items, view_named
from belong_graph.web.state import AppState, state
from belong_graph.web.urls import page_of

EXTENSION = "belong_graph.network"
MAX_LIMIT = 5000
MAX_PATHS = 10  # paths answered when no limit is given
MOST_PATHS = 100

Args = MultiDict[str, str]


@dataclass(frozen=True)
class Served:
    """The network of one dataset version, with its measures."""

    digest: str
    graph: Network
    measures: Measures


class ServedNetwork:
    """The network of the dataset being served, built on first use and kept for its version."""

    def __init__(self) -> None:
        self._served: Served | None = None
        self._lock = threading.Lock()

    def get(self, app: AppState) -> Served:
        with self._lock:
            if self._served is None or self._served.digest != app.version.digest:
                nodes = all_items(app, "network-nodes")
                graph = network.build(nodes, all_items(app, "partnership-network"))
                self._served = Served(app.version.digest, graph, measure(graph))
            return self._served


def served() -> Served:
    cache: ServedNetwork = current_app.extensions[EXTENSION]
    return cache.get(state())


def all_items(app: AppState, name: str) -> list[dict[str, Any]]:
    """Every row of a paged view, page after page."""
    view = view_named(app, name)
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        answer = view_items(app, view, {"page": str(page)})
        if answer.truncated:
            raise NetworkTooLarge(
                f"The view {name!r} was cut at the result limit; raise result_limit above "
                f"{view.pagination} rows to serve the network."
            )
        items.extend(answer.items)
        if not answer.more:
            return items
        page += 1


# --- The request's choices --------------------------------------------------------------------


def listed(args: Args, name: str) -> list[str]:
    """A parameter given as repeated values or comma-separated."""
    return [v.strip() for value in args.getlist(name) for v in value.split(",") if v.strip()]


def year(args: Args, name: str) -> int | None:
    value = args.get(name, "").strip()
    if not value:
        return None
    if not re.fullmatch(r"[0-9]{4}", value):
        raise NetworkError(
            f"Parameter '{name}': {value!r} is not a year (as 2022).", parameter=name
        )
    return int(value)


def number(args: Args, name: str, default: int, low: int, high: int) -> int:
    value = args.get(name, "").strip()
    if not value:
        return default
    if not re.fullmatch(r"[0-9]{1,6}", value) or not low <= int(value) <= high:
        raise NetworkError(
            f"Parameter '{name}': {value!r} is not a number from {low} to {high}.", parameter=name
        )
    return int(value)


def chosen_filter(app: AppState, graph: Network, args: Args) -> network.NetworkFilter:
    """The filters ``args`` choose, each value checked."""
    types = listed(args, "type")
    for value in types:
        if value not in network.TYPES:
            raise NetworkError(
                f"Parameter 'type': {value!r} is not a type; use {', '.join(network.TYPES)}.",
                parameter="type",
            )
    roles = listed(args, "role")
    known = network.roles(graph)
    for value in roles:
        if value not in known:
            raise NetworkError(
                f"Parameter 'role': {value!r} is not a role; use one of: {', '.join(known)}.",
                parameter="role",
            )
    undated = args.get("undated", "include") or "include"
    if undated not in ("include", "exclude"):
        raise NetworkError("Parameter 'undated': use include or exclude.", parameter="undated")
    return network.NetworkFilter(
        types=frozenset(types),
        roles=frozenset(roles),
        start=year(args, "start"),
        end=year(args, "end"),
        undated=undated == "include",
        theme=theme(app, args),
    )


def theme(app: AppState, args: Args) -> str | None:
    """The theme's IRI, given as its IRI, as theme/<slug> or as its slug."""
    value = args.get("theme", "").strip()
    if not value:
        return None
    themes = scheme_concepts(app, "scheme/themes")
    entities = app.settings.base_iri + "id/"
    for candidate in (value, entities + value, entities + "theme/" + value):
        if candidate in themes:
            return candidate
    offered = ", ".join(iri.removeprefix(entities) for iri in themes)
    raise NetworkError(
        f"Parameter 'theme': {value!r} is not a theme; use one of: {offered}.", parameter="theme"
    )


def filters_json(chosen: network.NetworkFilter) -> dict[str, Any]:
    return {
        "types": sorted(chosen.types),
        "roles": sorted(chosen.roles),
        "start": chosen.start,
        "end": chosen.end,
        "undated": "include" if chosen.undated else "exclude",
        "theme": chosen.theme,
    }


def selection(current: Served, args: Args) -> tuple[Network, dict[str, Any]]:
    """The network ``args`` ask for: filtered, cut to the ``limit`` best-connected nodes, or the
    neighbourhood of an ``entity`` to a ``depth``."""
    app = state()
    chosen = chosen_filter(app, current.graph, args)
    part = network.filtered(current.graph, chosen)
    about: dict[str, Any] = {"filters": filters_json(chosen)}
    entity = args.get("entity", "").strip()
    if entity:
        node = entity_node(current, entity, "entity")
        depth = number(args, "depth", 1, 1, network.MAX_DEPTH)
        part = network.ego(part, node, depth)
        about.update(entity=node, depth=depth)
    limit = number(args, "limit", 0, 1, MAX_LIMIT) or None
    about.update(limit=limit, limited=limit is not None and part.number_of_nodes() > limit)
    if limit is not None:
        part = network.top(part, limit, current.measures.degree, about.get("entity"))
    return part, about


def entity_node(current: Served, value: str, name: str) -> str:
    """The node ``value`` names: by IRI or name (:func:`network.resolve`), or else by an
    external identifier (a ROR ID, a QID, a charity number...) through the ``lookup`` view."""
    app = state()
    try:
        return network.resolve(current.graph, value, app.settings.base_iri, name)
    except UnknownEntity:
        found = view_items(app, view_named(app, "lookup"), {"id": value}).items
        nodes = {str(item["entity"]["id"]) for item in found} & set(current.graph)
        if len(nodes) == 1:
            return nodes.pop()
        raise


def paths_json(current: Served, args: Args) -> dict[str, Any]:
    """The shortest paths between ``from`` and ``to`` in the filtered network, with the nodes
    and edges they walk."""
    app = state()
    ends = []
    for name in ("from", "to"):
        value = args.get(name, "").strip()
        if not value:
            raise NetworkError("The paths need the parameters 'from' and 'to'.", parameter=name)
        ends.append(entity_node(current, value, name))
    limit = number(args, "limit", MAX_PATHS, 1, MOST_PATHS)
    part = network.filtered(current.graph, chosen_filter(app, current.graph, args))
    found = network.paths(part, ends[0], ends[1], limit)
    steps = {(s.here, s.there) for path in found for s in path.steps}
    walked = network.with_edges(
        part,
        [(u, v, k) for u, v, k in part.edges(keys=True) if (u, v) in steps or (v, u) in steps],
    )
    return {
        "from": _entry(current, ends[0]),
        "to": _entry(current, ends[1]),
        "hops": len(found[0].steps) if found else None,
        "paths": [export.path_json(path) for path in found],
        **export.network_json(walked, current.measures, page_of),
    }


def _entry(current: Served, node: str) -> dict[str, Any]:
    return {"id": node, "label": current.graph.nodes[node]["label"], "page": page_of(node)}
