"""FAIR Signposting level 2: each entity's RFC 9264 linkset, at ``/linkset/<kind>/<slug>``
(``application/linkset``) and ``/linkset/<kind>/<slug>.json`` (``application/linkset+json``).
The entity's pages and documents link to both (:mod:`belong_graph.web.linked`)."""

from __future__ import annotations

import json

from flask import Blueprint, Response

from belong_graph import __version__
from belong_graph.errors import UnknownEntity
from belong_graph.linked.describe import is_iri
from belong_graph.linked.signposts import (
    JSON_LINKSET,
    TEXT_LINKSET,
    linkset_json,
    linkset_text,
)
from belong_graph.web.caching import add_validators, etag_for, not_modified
from belong_graph.web.linked import describe, landing_for
from belong_graph.web.state import state
from belong_graph.web.urls import addresses

blueprint = Blueprint("signposting", __name__)

JSON_SUFFIX = ".json"


@blueprint.get("/linkset/<kind>/<name>")
def linkset(kind: str, name: str) -> Response:
    """The linkset of the entity ``id/<kind>/<slug>``: text, or JSON when ``name`` is
    ``<slug>.json``."""
    app = state()
    slug = name.removesuffix(JSON_SUFFIX)
    media_type = JSON_LINKSET if name.endswith(JSON_SUFFIX) else TEXT_LINKSET
    where = addresses()
    path = f"id/{kind}/{slug}"
    iri = where.to_canonical(path)
    etag = etag_for(app.version, "linkset", iri, media_type, where.public, __version__)
    if not_modified(app.version, etag):
        return add_validators(Response(status=304), app.version, etag, app.settings.cache_max_age)
    description = describe(app, iri)[0] if is_iri(iri) else None
    if description is None or not description.exists:
        raise UnknownEntity(f"Nothing in the library is called <{where.to_public(iri)}>.")
    landing = landing_for(app, description, where, kind, slug)
    body = (
        json.dumps(linkset_json(landing), indent=1)
        if media_type == JSON_LINKSET
        else linkset_text(landing)
    )
    response = Response(body, content_type=media_type)
    return add_validators(response, app.version, etag, app.settings.cache_max_age)
