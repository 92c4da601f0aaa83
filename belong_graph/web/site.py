"""The frame that every page of the site shares: the navigation, with the current page marked,
and the footer, whose facts (licence, publisher, contact, the dataset's version and build date)
come from the settings and the build being served, never from the template."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, request

from belong_graph.publish.dataset import Metadata
from belong_graph.web.state import state

NAVIGATION = (  # endpoint, and the words of its link
    ("pages.home", "Belong Network Library"),
    ("pages.resources", "Resources"),
    ("explore.explore", "Partnerships"),
    ("sparql.endpoint", "SPARQL"),
    ("api.reference", "API"),
    ("linked.ontology", "Ontology"),
    ("dataset.page", "Dataset"),
)


@dataclass(frozen=True)
class Footer:
    """What the footer of every page says about the dataset."""

    metadata: Metadata  # licence, publisher and contact, as the operator set them
    version: str  # the build's digest
    built: str  # ISO 8601 time of the build, UTC


def register(app: Flask) -> None:
    app.context_processor(_frame)


def _frame() -> dict[str, Any]:
    app = state()
    footer = Footer(Metadata.from_settings(app.settings), app.version.digest, app.version.built)
    return {"navigation": NAVIGATION, "current_endpoint": request.endpoint, "footer": footer}
