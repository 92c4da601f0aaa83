"""The web application: a Flask app factory and the production server."""

from __future__ import annotations

from typing import Any

from flask import Flask

from belong_graph import build as pipeline
from belong_graph.settings import Settings
from belong_graph.store import GraphStore
from belong_graph.web import errors, sparql


def create_app(settings: Settings | None = None, *, store: GraphStore | None = None) -> Flask:
    """Build the app; it serves ``store``, or the current on-disk store of ``settings``."""
    settings = settings or Settings.load()
    app = Flask(__name__)
    app.extensions["belong_graph"] = {
        "settings": settings,
        "store": store or pipeline.open_current(settings),
    }
    errors.register(app)
    app.register_blueprint(sparql.blueprint)
    return app


def serve(settings: Settings, **options: Any) -> None:
    """Serve the app with waitress, a production WSGI server (never Flask's development one)."""
    import waitress

    app = create_app(settings)
    print(f"belong-graph serving on http://{settings.host}:{settings.port}/sparql", flush=True)
    waitress.serve(app, host=settings.host, port=settings.port, threads=settings.threads, **options)
