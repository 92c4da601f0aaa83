"""The partnership explorer: ``/explore`` for people, and the network as an API —
``/api/network`` (the whole network, filtered, or an entity's neighbourhood), ``/api/network/paths``
(how two entities are connected, in words) and ``/api/network/measures``; a network comes as JSON,
GraphML, a CSV edge list, GEXF or VOSviewer's JSON, and the explorer opens it in Gephi Lite.

The network and its measures are computed by ``belong-graph build`` and written beside the store
(:mod:`belong_graph.network.stored`); every request reads the part it answers from that file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from werkzeug.datastructures import MultiDict

from belong_graph.errors import NetworkError, NotAcceptable, UnknownEntity
from belong_graph.formats import (
    GEXF,
    JSON,
    NETWORK_FORMATS,
    Format,
    format_named,
    parameter_names,
)
from belong_graph.network import export, tools
from belong_graph.network import graph as network
from belong_graph.network.graph import Network
from belong_graph.network.measures import TOP
from belong_graph.network.stored import NetworkReader
from belong_graph.web.api import OPENAPI_PATHS, SCHEMAS
from belong_graph.web.caching import add_validators, etag_for, unchanged
from belong_graph.web.explore_view import (
    COMMUNITY_COLOURS,
    EDGE_STYLES,
    NODE_STYLES,
    PATH_COLOUR,
    PRESETS,
    TABLE_ROWS,
    link_rows,
    node_rows,
    path_links,
    preset_args,
    styles,
)
from belong_graph.web.negotiation import check_format_name, negotiate
from belong_graph.web.network_request import (
    MAX_LIMIT,
    MAX_PATHS,
    MOST_PATHS,
    Args,
    close_served,
    entity_node,
    node_types,
    number,
    paths_json,
    selection,
    served,
)
from belong_graph.web.querying import scheme_concepts
from belong_graph.web.state import state
from belong_graph.web.urls import addresses, page_of
from belong_graph.web.urls import served as served_at

blueprint = Blueprint("explore", __name__)
OVERVIEW = MultiDict([("type", t) for t in ("organisation", "unit", "funder", "initiative")])
FIRST_VIEW = 40  # nodes: the explorer opens on the best connected, whose names can be read
OVERVIEW_LIMIT = 150
DRAWN = 300  # nodes: a larger choice is cut to its OVERVIEW_LIMIT best connected
FILTERS = ("type", "role", "start", "end", "undated", "theme")
PAGE_PARAMETERS = ("focus", "depth", "limit", "preset", *FILTERS)
NETWORK_PARAMETERS = (*FILTERS, "limit", "format", "filename")
EXTENSIONS = ", ".join(f.extension for f in NETWORK_FORMATS)  # as in /api/network.graphml
GEPHI_LITE = "https://lite.gephi.org/?file="  # + the GEXF file's absolute URL, encoded
FILE_NAME = r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}"  # a download's name: no path, no quotes
TOOL_FILE = "partnership.gexf"  # last in a GEXF URL with a query: Gephi Lite reads its ending
SHORTEST_TEXT = 2  # characters: a lookup by name needs at least these
NAMES = 10  # names a lookup answers when no limit is given
MOST_NAMES = 50


@blueprint.record_once
def _install(setup: BlueprintSetupState) -> None:
    setup.app.teardown_appcontext(close_served)
    setup.app.extensions.setdefault(OPENAPI_PATHS, {}).update(network_paths())


def _format(extension: str | None) -> Format:
    named = extension or request.args.get("format")
    check_format_name(named, NETWORK_FORMATS)
    fmt = format_named(named, NETWORK_FORMATS) if named else negotiate(NETWORK_FORMATS)
    if fmt is None:
        offered = ", ".join(dict.fromkeys(f.media_type for f in NETWORK_FORMATS))
        raise NotAcceptable(f"The network answers as one of: {offered}.")
    return fmt


def _conditional(
    fmt: Format, make: Callable[[NetworkReader, Args], Response], known: tuple[str, ...]
) -> Response:
    """``make``'s answer for this request, or 304 when the client holds it already; a parameter
    not ``known`` is refused."""
    unknown = sorted(set(request.args) - set(known))
    if unknown:
        offered = ", ".join(known) or "none"
        raise NetworkError(
            f"There is no parameter '{unknown[0]}' here; use: {offered}.", parameter=unknown[0]
        )
    app = state()
    asked = sorted(request.args.items(multi=True))
    etag = etag_for(app.version, request.path, asked, fmt.name, addresses().public)
    if (held := unchanged(app.version, etag, app.settings.cache_max_age)) is not None:
        return held
    args = MultiDict(request.args)
    args.pop("format", None)
    response = make(served(), args)
    return add_validators(response, app.version, etag, app.settings.cache_max_age)


def _download_name(args: Args, fmt: Format) -> str | None:
    """The ``filename`` asked for, checked before any work is done, or None."""
    name = args.get("filename")
    if name is not None and (
        not re.fullmatch(FILE_NAME, name) or not name.endswith("." + fmt.extension)
    ):
        raise NetworkError(
            f"Parameter 'filename': {name!r} is not a file name (letters, digits, '.', '_' "
            f"and '-') ending in .{fmt.extension}.",
            parameter="filename",
        )
    return name


def _network(
    current: NetworkReader, part: Network, fmt: Format, about: dict[str, Any], name: str | None
) -> Response:
    response = _document(current, part, fmt, about)
    if name is not None:
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _document(
    current: NetworkReader, part: Network, fmt: Format, about: dict[str, Any]
) -> Response:
    if fmt.name == "graphml":
        return Response(export.graphml(part), mimetype=fmt.media_type)
    if fmt.name == "gexf":
        return Response(tools.gexf(part, page_of), mimetype=fmt.media_type)
    if fmt.name == "csv":
        return Response(export.edge_list_csv(part), mimetype=fmt.media_type)
    if fmt.name == "vosviewer":
        named = {c["community"]: c["label"] for c in current.summary.measures["communities"]}
        body = tools.vosviewer(part, page_of, named)
        return Response(json.dumps(body), mimetype=fmt.media_type)
    body = {
        **about,
        "total": {"nodes": current.summary.nodes, "edges": current.summary.edges},
        "shown": {"nodes": part.number_of_nodes(), "edges": part.number_of_edges()},
        **export.network_json(part, page_of),
    }  # compact: indented, the JSON encoder is Python's own, 7 times slower (0.7 s at 30,000)
    return Response(json.dumps(body, separators=(",", ":")), mimetype=fmt.media_type)


@blueprint.get("/api/network", defaults={"extension": None})
@blueprint.get(f"/api/network.<any({EXTENSIONS}):extension>")
def whole(extension: str | None) -> Response:
    """The partnership network, filtered by type, role, period and theme, or cut to a limit."""
    fmt = _format(extension)

    def make(current: NetworkReader, args: Args) -> Response:
        name = _download_name(args, fmt)
        part, about = selection(current, args)
        return _network(current, part, fmt, {"network": "partnership", **about}, name)

    return _conditional(fmt, make, NETWORK_PARAMETERS)


@blueprint.get("/api/network/ego", defaults={"extension": None})
@blueprint.get(f"/api/network/ego.<any({EXTENSIONS}):extension>")
def ego(extension: str | None) -> Response:
    """An entity and everything within 1 to 3 steps of it, under the same filters."""
    fmt = _format(extension)

    def make(current: NetworkReader, args: Args) -> Response:
        if not args.get("entity", "").strip():
            raise NetworkError("The ego network needs the parameter 'entity'.", parameter="entity")
        name = _download_name(args, fmt)
        part, about = selection(current, args)
        return _network(current, part, fmt, {"network": "ego", **about}, name)

    return _conditional(fmt, make, ("entity", "depth", *NETWORK_PARAMETERS))


@blueprint.get("/api/network/paths")
def paths() -> Response:
    """The shortest paths between two entities, each step explained in words."""

    def make(current: NetworkReader, args: Args) -> Response:
        return Response(json.dumps(paths_json(current, args), indent=1), mimetype=JSON.media_type)

    return _conditional(JSON, make, ("from", "to", *FILTERS, "limit"))


@blueprint.get("/api/network/measures")
def measures() -> Response:
    """Degree, betweenness, most-connected partners, brokers and communities."""

    def make(current: NetworkReader, args: Args) -> Response:
        body = export.with_pages(current.summary.measures, page_of)
        return Response(json.dumps(body, indent=1), mimetype=JSON.media_type)

    return _conditional(JSON, make, ())


@blueprint.get("/api/network/names")
def names() -> Response:
    """The nodes whose names begin with a text (or hold it), for a lookup as one types."""

    def make(current: NetworkReader, args: Args) -> Response:
        text = args.get("text", "").strip()
        if len(text) < SHORTEST_TEXT:
            raise NetworkError(
                f"Parameter 'text': give at least {SHORTEST_TEXT} characters of a name.",
                parameter="text",
            )
        limit = number(args, "limit", NAMES, 1, MOST_NAMES)
        found = [
            {"id": node, "label": label, "type": kind, "page": page_of(node)}
            for node, label, kind in current.matching(text, limit, node_types(args))
        ]
        return Response(json.dumps({"text": text, "names": found}), mimetype=JSON.media_type)

    return _conditional(JSON, make, ("text", "type", "limit"))


def _parameter(
    name: str,
    description: str,
    schema: dict[str, Any],
    example: str | int | None = None,
    *,
    required: bool = False,
) -> dict[str, Any]:
    """A query parameter of the network API; its example names what the seed documents give."""
    parameter: dict[str, Any] = {"name": name, "in": "query", "description": description}
    parameter["schema"] = schema
    if required:
        parameter["required"] = True
    if example is not None:
        parameter["example"] = example
    return parameter


def _limit(things: str, most: int, default: int, example: int) -> dict[str, Any]:
    """The ``limit`` of an answer of at most ``most`` ``things``, ``default`` when not given."""
    schema = {"type": "integer", "minimum": 1, "maximum": most, "default": default}
    return _parameter("limit", f"At most this many {things}.", schema, example)


def _file_name(example: str | None = None) -> dict[str, Any]:
    """The ``filename`` parameter, with an ``example`` for a format whose extension it has."""
    return _parameter(
        "filename",
        "Download under this name (Content-Disposition), which ends in the format's extension; "
        "last in a GEXF URL, it lets Gephi Lite see the file's format.",
        {"type": "string", "pattern": f"^{FILE_NAME}$"},
        example,
    )


TYPE_PARAMETER = _parameter(
    "type",
    "Only nodes of these types (repeat or comma-separate).",
    {"type": "string"},
    "organisation,funder,initiative",
)
SELECTION_PARAMETERS = [
    TYPE_PARAMETER,
    _parameter(
        "role",
        "Only links in these roles (repeat or comma-separate).",
        {"type": "string"},
        "lead,funder",
    ),
    _parameter("start", "Only links that last into this year or later.", SCHEMAS["year"], "2020"),
    _parameter("end", "Only links that begin in this year or earlier.", SCHEMAS["year"], "2022"),
    _parameter("undated", "Keep links without a period.", {"enum": ["include", "exclude"]}),
    _parameter("theme", "Only what touches this theme.", SCHEMAS["iri"], "theme/social-cohesion"),
]
FILTER_PARAMETERS = [
    *SELECTION_PARAMETERS,
    _parameter(
        "limit",
        "At most this many nodes, the best connected.",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
        20,
    ),
    _parameter(
        "format",
        "json, graphml, gexf (GEXF 1.3, for Gephi), csv (an edge list) or vosviewer (VOSviewer's "
        "JSON map and network); or send Accept (application/json gives json).",
        {"enum": parameter_names(NETWORK_FORMATS)},
    ),
    _file_name(),
]


def network_paths() -> dict[str, Any]:
    """The network API, for the OpenAPI document of ``/api/openapi.json``. The examples are
    Belong and the funder of its research project Beyond Us and Them, as the research page
    names them."""
    entity = _parameter(
        "entity",
        "An entity of this library (IRI or the rest after id/).",
        SCHEMAS["iri"],
        "organisation/belong",
        required=True,
    )
    depth = _parameter(
        "depth",
        "Steps from the entity.",
        {"type": "integer", "minimum": 1, "maximum": network.MAX_DEPTH},
        2,
    )
    ends = [
        _parameter(
            "from", "The first entity.", SCHEMAS["iri"], "organisation/belong", required=True
        ),
        _parameter(
            "to",
            "The other entity.",
            SCHEMAS["iri"],
            "organisation/nuffield-foundation",
            required=True,
        ),
    ]
    most = _limit("paths", MOST_PATHS, MAX_PATHS, 3)
    text = _parameter(
        "text",
        f"At least {SHORTEST_TEXT} characters of a name, ignoring case.",
        {"type": "string", "minLength": SHORTEST_TEXT},
        "nuff",
        required=True,
    )
    most_names = _limit("names", MOST_NAMES, NAMES, 5)
    network_answer = "Nodes and typed, labelled edges"
    json_only = (JSON,)
    return {
        "/api/network": _get(
            "network",
            "The partnership network",
            FILTER_PARAMETERS,
            network_answer,
            example="/api/network?role=funder",
        ),
        "/api/network.gexf": _get(
            "networkGexf",
            "The partnership network as a GEXF file, for Gephi and Gephi Lite",
            [
                *(p for p in FILTER_PARAMETERS if p["name"] not in ("format", "filename")),
                _file_name(TOOL_FILE),
            ],
            "GEXF 1.3: node types and edge roles as attributes (and an edge's role as its kind), "
            "periods as spells of dates",
            (GEXF,),
            example=f"/api/network.gexf?role=funder&filename={TOOL_FILE}",
        ),
        "/api/network/ego": _get(
            "egoNetwork",
            "An entity's network to a depth",
            [entity, depth, *FILTER_PARAMETERS],
            network_answer,
            example="/api/network/ego?entity=organisation/belong",
        ),
        "/api/network/paths": _get(
            "networkPaths",
            "The shortest chains between two entities, in words",
            [*ends, *SELECTION_PARAMETERS, most],
            "The paths, each step in words, with the nodes and edges they walk",
            json_only,
        ),
        "/api/network/names": _get(
            "networkNames",
            "Nodes by name, as one types",
            [text, TYPE_PARAMETER, most_names],
            "The nodes whose names or shorter names begin with the text, best connected first, "
            "then those whose names hold it further on",
            json_only,
        ),
        "/api/network/measures": _get(
            "networkMeasures",
            "Degree, betweenness, brokers, communities",
            [],
            "The nodes ranked by each measure, the brokers and the communities",
            json_only,
        ),
    }


def _get(
    operation: str,
    summary: str,
    parameters: list[dict[str, Any]],
    answer: str,
    formats: tuple[Format, ...] = NETWORK_FORMATS,
    *,
    example: str | None = None,
) -> dict[str, Any]:
    """An operation of the network API that gives ``answer`` in ``formats``; an ``example``
    request (a path and query) is given in each of them."""
    content: dict[str, dict[str, Any]] = {f.media_type: {} for f in formats}
    if example is not None:
        for f in formats:
            url = example if len(formats) == 1 else f"{example}&format={f.name}"
            examples = content[f.media_type].setdefault("examples", {})
            examples[f.name] = {"summary": f.title, "externalValue": url}
    answers = {
        "200": {"description": answer, "content": content},
        "400": {"description": "A parameter that is not valid, and why"},
    }
    return {
        "get": {
            "operationId": operation,
            "summary": summary,
            "tags": ["network"],
            "parameters": parameters,
            "responses": answers,
        }
    }


@blueprint.get("/explore")
def explore() -> Response:
    """The explorer: the network drawn by Cytoscape.js, the same relationships as a table, the
    paths between two organisations in words, and the network's measures."""
    current = served()
    preset, chosen = preset_args(_page_args())
    filters = MultiDict([(k, v) for k, v in chosen.items(multi=True) if k in FILTERS])
    args, problem = MultiDict(chosen), None
    if args.get("focus"):
        args["entity"] = args.pop("focus")
        try:
            args["entity"] = entity_node(current, args["entity"], "focus")
        except UnknownEntity as error:
            problem, args = error.message, MultiDict(filters)
    overview = not args
    if overview:
        args = MultiDict([*OVERVIEW.items(multi=True), ("limit", str(FIRST_VIEW))])
    asked = args.get("limit")  # if not, no more than DRAWN are read from the file
    drawn = MultiDict([*args.items(multi=True), ("limit", str(DRAWN))])
    part, about = selection(current, args if asked else drawn)
    if about["limited"] and not asked:
        args["limit"] = str(OVERVIEW_LIMIT)
        part, about = selection(current, args)
    found, path_problem = None, None
    ends = {end: request.args.get(end, "").strip() for end in ("from", "to")}
    if all(ends.values()):
        try:
            found = paths_json(current, MultiDict([*filters.items(multi=True), *ends.items()]))
            ends = {end: found[end]["label"] for end in ends}
            found["links"] = path_links(found)
        except UnknownEntity as error:
            path_problem = error.message
    endpoint = "explore.ego" if about.get("entity") else "explore.whole"
    query = list(args.items(multi=True))
    page = render_template(
        "explore.html",
        about=about,
        focus_label=current.label(about["entity"]) if about.get("entity") else "",
        problem=problem,
        filtered=bool(filters),
        overview=overview,
        api=url_for(endpoint) + "?" + urlencode(query),
        downloads={
            f.extension: url_for(endpoint, extension=f.extension) + "?" + urlencode(query)
            for f in NETWORK_FORMATS
        },
        gephi_lite=gephi_lite(endpoint, query),
        filter_query=urlencode(list(filters.items(multi=True))),
        filter_args=list(filters.items(multi=True)),
        page_args=list(_page_args().items(multi=True)),
        rows=link_rows(part),
        nodes=node_rows(part),
        table_rows=TABLE_ROWS,
        preset=preset,
        presets=PRESETS.values(),
        node_styles=NODE_STYLES,
        edge_styles=EDGE_STYLES,
        path_colour=PATH_COLOUR,
        community_colours=COMMUNITY_COLOURS,
        styles=json.dumps(styles()),
        ends=ends,
        end_names=url_for("explore.names"),
        found=found,
        path_problem=path_problem,
        roles=current.summary.roles,
        types=network.TYPES,
        themes=_themes(),
        measures=export.with_pages(current.summary.measures, page_of),
        total=current.summary.nodes,
        shown=part.number_of_nodes(),
        top=TOP,
    )
    return Response(page, mimetype="text/html")


def gephi_lite(endpoint: str, query: list[tuple[str, str]]) -> str:
    """Gephi Lite opening this network's GEXF file: its absolute URL, whose last part must end in
    .gexf, so a query ends with a ``filename``."""
    path = url_for(endpoint, extension="gexf")
    if query:
        path += "?" + urlencode([*query, ("filename", TOOL_FILE)])
    return GEPHI_LITE + quote(served_at(path), safe="")


def _page_args() -> Args:
    """The page's own parameters (the paths' ends are read apart), empty values left out."""
    return MultiDict(
        [(k, v) for k, v in request.args.items(multi=True) if k in PAGE_PARAMETERS and v.strip()]
    )


def _themes() -> list[tuple[str, str]]:
    concepts = scheme_concepts(state(), "scheme/themes")
    return sorted(concepts.items(), key=lambda item: item[1].lower())
