"""The data model page at ``/model``: a diagram of our classes and the properties between
them (:mod:`belong_graph.datamodel`, drawn in the browser by Mermaid), and the same as a table."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, render_template

from belong_graph.datamodel import DataModel, data_model, mermaid
from belong_graph.store import DatasetVersion
from belong_graph.validate import load_graphs
from belong_graph.web.caching import add_validators, etag_for, unchanged
from belong_graph.web.state import state

blueprint = Blueprint("model", __name__)

TITLE = "The library's data model"
DESCRIPTION = (
    "Each box is a kind of thing the library describes; each arrow, labelled with its property, "
    "goes from a thing to what that property points to. The table below lists every arrow."
)


@blueprint.get("/model")
def page() -> Response:
    app = state()
    etag = etag_for(app.version, "model")
    if (held := unchanged(app.version, etag, app.settings.cache_max_age)) is not None:
        return held
    model = _model(
        app.settings.shapes_dir, app.settings.ontology_dir, app.settings.base_iri, app.version
    )
    html = render_template(
        "model.html",
        title=TITLE,
        description=DESCRIPTION,
        model=model,
        diagram=mermaid(model, title=TITLE, description=DESCRIPTION),
    )
    return add_validators(
        Response(html, mimetype="text/html"), app.version, etag, app.settings.cache_max_age
    )


@lru_cache(maxsize=2)
def _model(
    shapes_dir: Path, ontology_dir: Path, base_iri: str, version: DatasetVersion
) -> DataModel:
    """The model of the shapes and ontology, read once per dataset version (a build of an
    edited ontology is a new version)."""
    return data_model(
        load_graphs([shapes_dir], base_iri=base_iri), load_graphs([ontology_dir], base_iri=base_iri)
    )
