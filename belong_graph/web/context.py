"""Access to the app's settings and store from a request."""

from __future__ import annotations

from flask import current_app

from belong_graph.settings import Settings
from belong_graph.store import GraphStore


def store() -> GraphStore:
    store: GraphStore = current_app.extensions["belong_graph"]["store"]
    return store


def settings() -> Settings:
    settings: Settings = current_app.extensions["belong_graph"]["settings"]
    return settings
