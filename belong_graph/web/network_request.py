"""What the explorer and the network API share: the network file of the build being served
(:mod:`belong_graph.network.stored`), open for the request, and the request's choices, each
value checked."""

from __future__ import annotations

import re
from typing import Any

from flask import g
from werkzeug.datastructures import MultiDict

from belong_graph.errors import NetworkError, UnknownEntity
from belong_graph.network import export
from belong_graph.network import graph as network
from belong_graph.network.graph import Network
from belong_graph.network.selection import MAX_HOPS
from belong_graph.network.stored import NetworkReader
from belong_graph.web.querying import scheme_concepts, view_items, view_named
from belong_graph.web.state import AppState, state
from belong_graph.web.urls import page_of

MAX_LIMIT = 5000
MAX_PATHS = 10  # paths answered when no limit is given
MOST_PATHS = 100

Args = MultiDict[str, str]


def served() -> NetworkReader:
    """The network of the build being served, open for this request (closed after it)."""
    if "network" not in g:
        g.network = state().network.open()
    reader: NetworkReader = g.network
    return reader


def close_served(_: BaseException | None = None) -> None:
    """Close the request's connection to the network file, if it opened one."""
    reader: NetworkReader | None = g.pop("network", None)
    if reader is not None:
        reader.close()


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


def node_types(args: Args) -> list[str]:
    """The types of node ``args`` name (``type``), each checked."""
    types = listed(args, "type")
    for value in types:
        if value not in network.TYPES:
            raise NetworkError(
                f"Parameter 'type': {value!r} is not a type; use {', '.join(network.TYPES)}.",
                parameter="type",
            )
    return types


def chosen_filter(app: AppState, current: NetworkReader, args: Args) -> network.NetworkFilter:
    """The filters ``args`` choose, each value checked."""
    types = node_types(args)
    roles = listed(args, "role")
    known = current.summary.roles
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


def selection(current: NetworkReader, args: Args) -> tuple[Network, dict[str, Any]]:
    """The network ``args`` ask for: filtered, or the neighbourhood of an ``entity`` to a
    ``depth``, cut to the ``limit`` best-connected nodes (at most MAX_LIMIT, asked or not)."""
    chosen = chosen_filter(state(), current, args)
    about: dict[str, Any] = {"filters": filters_json(chosen)}
    entity = args.get("entity", "").strip()
    node, depth = None, 1
    if entity:
        node = entity_node(current, entity, "entity")
        depth = number(args, "depth", 1, 1, network.MAX_DEPTH)
        about.update(entity=node, depth=depth)
    asked = number(args, "limit", 0, 1, MAX_LIMIT) or None
    cut = asked or MAX_LIMIT  # a network of more nodes would not fit the server's memory
    part, count = current.selection(chosen, entity=node, depth=depth, limit=cut)
    about.update(limit=asked if count <= cut else cut, limited=count > cut)
    return part, about


def entity_node(current: NetworkReader, value: str, name: str) -> str:
    """The node ``value`` names: by IRI or name (:meth:`NetworkReader.resolve`), or else by an
    external identifier (a ROR ID, a QID, a charity number...) through the ``lookup`` view."""
    app = state()
    try:
        return current.resolve(value, app.settings.base_iri, name)
    except UnknownEntity:
        found = view_items(app, view_named(app, "lookup"), {"id": value}).items
        nodes = {str(item["entity"]["id"]) for item in found}
        known = {node for node in nodes if current.has(node)}
        if len(known) == 1:
            return known.pop()
        raise


def paths_json(current: NetworkReader, args: Args) -> dict[str, Any]:
    """The shortest paths (of at most MAX_HOPS steps) between ``from`` and ``to`` in the
    filtered network, with the nodes and edges they walk."""
    ends = []
    for name in ("from", "to"):
        value = args.get(name, "").strip()
        if not value:
            raise NetworkError("The paths need the parameters 'from' and 'to'.", parameter=name)
        ends.append(entity_node(current, value, name))
    limit = number(args, "limit", MAX_PATHS, 1, MOST_PATHS)
    chosen = chosen_filter(state(), current, args)
    found, walked = current.paths(chosen, ends[0], ends[1], limit)
    return {
        "from": _entry(current, ends[0]),
        "to": _entry(current, ends[1]),
        "hops": len(found[0].steps) if found else None,
        "max_hops": MAX_HOPS,
        "paths": [export.path_json(path) for path in found],
        **export.network_json(walked, page_of),
    }


def _entry(current: NetworkReader, node: str) -> dict[str, Any]:
    return {"id": node, "label": current.label(node), "page": page_of(node)}
