"""The web application: a Flask app factory and the production server."""

from __future__ import annotations

import signal
import sys

from flask import Flask, Response
from flask_compress import Compress
from flask_cors import CORS
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from belong_graph import build as pipeline
from belong_graph.catalogue import load_catalogue
from belong_graph.formats import FORMATS
from belong_graph.settings import Settings
from belong_graph.sparql.pool import QueryPool
from belong_graph.store import DatasetVersion, StoreSource
from belong_graph.web import api, dataset, errors, explore, linked, oai, pages, sparql
from belong_graph.web.caching import AnswerCache
from belong_graph.web.state import AppState

EXPOSED_HEADERS = ["Belong-Truncated", "Belong-Result-Limit", "ETag", "Last-Modified"]
COMPRESSED_TYPES = sorted(  # every format of the table is text
    {f.media_type for f in FORMATS}
    | {"text/css", "text/plain", "text/xml", "application/javascript"}
)


def create_app(settings: Settings | None = None) -> Flask:
    """Build the app on the current store of ``settings`` (see ``belong-graph build``)."""
    settings = settings or Settings.load()
    store_dir = pipeline.current_store_dir(settings) or (settings.store_dir / pipeline.CURRENT)
    version = DatasetVersion.read(store_dir)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_query_bytes
    app.config["COMPRESS_MIMETYPES"] = COMPRESSED_TYPES
    app.config["COMPRESS_MIN_SIZE"] = 1024
    app.extensions["belong_graph"] = AppState(
        settings=settings,
        version=version,
        pool=QueryPool(
            StoreSource(store_dir.resolve()),
            size=settings.workers,
            queue_limit=settings.queue_limit,
            isolate_network=not settings.service_allowlist,
            memory_budget=settings.memory_budget * 2**20,
        ),
        cache=AnswerCache(settings.cache_entries),
        catalogue=load_catalogue(settings.queries_dir),
    )
    CORS(app, origins="*", send_wildcard=True, expose_headers=EXPOSED_HEADERS, max_age=86400)
    Compress(app)
    if settings.rate_limit:
        Limiter(
            get_remote_address,
            app=app,
            default_limits=[settings.rate_limit],
            headers_enabled=True,
            storage_uri="memory://",
        )
    errors.register(app)
    app.after_request(_retry_after_only_when_refused)
    app.register_blueprint(sparql.blueprint)
    app.register_blueprint(api.blueprint)
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(linked.blueprint)
    app.register_blueprint(oai.blueprint)
    app.register_blueprint(dataset.blueprint)
    app.register_blueprint(explore.blueprint)
    return app


def _retry_after_only_when_refused(response: Response) -> Response:
    """flask-limiter sends Retry-After on every answer; it belongs only on 429 and 503."""
    if response.status_code not in (429, 503):
        response.headers.pop("Retry-After", None)
    return response


def serve(settings: Settings) -> None:
    """Serve the app with waitress, a production WSGI server (never Flask's development one)."""
    import waitress

    app = create_app(settings)
    state: AppState = app.extensions["belong_graph"]
    state.pool.start()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop the workers on the way out
    print(f"belong-graph serving on http://{settings.host}:{settings.port}/sparql", flush=True)
    try:
        waitress.serve(
            app,
            host=settings.host,
            port=settings.port,
            threads=settings.threads,
            channel_request_lookahead=1,  # lets a request see that its client went away
            ident="belong-graph",
        )
    finally:
        state.pool.close()
