"""The web application: a Flask app factory and the production server."""

from __future__ import annotations

import mimetypes
import signal
import sys
from functools import partial
from pathlib import Path

from flask import Flask, Response, request
from flask_compress import Compress
from flask_cors import CORS

from belong_graph import build as pipeline
from belong_graph.catalogue import CannedQuery, load_catalogue
from belong_graph.formats import FORMATS
from belong_graph.network.stored import NETWORK_FILE, StoredNetwork
from belong_graph.remote import engine
from belong_graph.settings import Settings
from belong_graph.sparql.pool import QueryPool
from belong_graph.store import DatasetVersion, StoreSource
from belong_graph.web import (
    api,
    dataset,
    errors,
    explore,
    linked,
    memory,
    model,
    oai,
    pages,
    reconcile,
    signposting,
    site,
    sparql,
)
from belong_graph.web.budget import Budget
from belong_graph.web.caching import AnswerCache
from belong_graph.web.live import LiveBuild
from belong_graph.web.state import EXTENSION, AppState, release_state, state

# What the web process may come to hold beyond its start and its answer cache: at 30,000
# resources it started at 67 MiB of PSS and held 153 MiB once every route had been used.
WORKING_MIB = 64
EXPOSED_HEADERS = [  # what a page of another site may read: the signposts and paging in Link
    "Belong-Truncated", "Belong-Result-Limit", "ETag", "Last-Modified", "Link", "Content-Location",
]  # fmt: skip
COMPRESSED_TYPES = sorted(  # every format of the table is text
    {f.media_type for f in FORMATS}
    | {"text/css", "text/plain", "text/xml", "application/javascript"}
)


HEALTH = "/health"  # counted under no budget


def create_app(settings: Settings | None = None) -> Flask:
    """Build the app on the current store of ``settings`` (see ``belong-graph build``), which
    follows that store when a new build becomes current (see ``web.live``)."""
    settings = settings or Settings.load()
    store_dir = pipeline.current_store_dir(settings) or (settings.store_dir / pipeline.CURRENT)
    DatasetVersion.read(store_dir)  # no store: say so before anything is made
    mimetypes.add_type("text/javascript", ".mjs")  # Mermaid's modules (not known to 3.11)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_query_bytes
    app.config["COMPRESS_MIMETYPES"] = COMPRESSED_TYPES
    app.config["COMPRESS_MIN_SIZE"] = 1024
    opener = partial(
        _open_build,
        settings,
        load_catalogue(settings.queries_dir),
        Budget(
            seconds=settings.query_budget,
            requests=settings.request_limit,
            window=settings.budget_window,
            storage=settings.budget_storage,
        ),
    )
    app.extensions[EXTENSION] = LiveBuild(settings.store_dir, store_dir, opener)
    app.teardown_appcontext(release_state)
    CORS(app, origins="*", send_wildcard=True, expose_headers=EXPOSED_HEADERS, max_age=86400)
    Compress(app)
    errors.register(app)
    site.register(app)
    memory.register(app)
    app.before_request(_count_the_request)
    app.add_url_rule(HEALTH, "health", _health)
    app.register_blueprint(sparql.blueprint)
    app.register_blueprint(api.blueprint)
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(linked.blueprint)
    app.register_blueprint(oai.blueprint)
    app.register_blueprint(dataset.blueprint)
    app.register_blueprint(explore.blueprint)
    app.register_blueprint(model.blueprint)
    app.register_blueprint(signposting.blueprint)
    app.register_blueprint(reconcile.blueprint)
    return app


def _open_build(
    settings: Settings, catalogue: tuple[CannedQuery, ...], budget: Budget, folder: Path
) -> AppState:
    """What requests read of the build in ``folder``: its own pool, answer cache and network."""
    return AppState(
        settings=settings,
        version=DatasetVersion.read(folder),
        pool=QueryPool(
            StoreSource(folder.resolve(), engine(settings)),
            size=settings.workers,
            queue_limit=settings.queue_limit,
            isolate_network=not (settings.service_allowlist or settings.store_url),
            memory_budget=settings.memory_budget * 2**20,
            reserved=(settings.cache_mib + WORKING_MIB) * 2**20,
        ),
        cache=AnswerCache(settings.cache_mib * 2**20),
        network=StoredNetwork(folder / NETWORK_FILE),
        catalogue=catalogue,
        budget=budget,
    )


def _count_the_request() -> None:
    """Every request counts under its client's request ceiling (see ``web.budget``), but a
    proxy's health checks."""
    if request.path != HEALTH:
        state().budget.admit(request.remote_addr or "")


def _health() -> Response:
    """For the health checks of a proxy in front (``deploy/``): the version served."""
    return Response(
        state().version.digest + "\n", mimetype="text/plain", headers={"Cache-Control": "no-store"}
    )


def serve(settings: Settings) -> None:
    """Serve the app with waitress, a production WSGI server (never Flask's development one)."""
    import waitress

    app = create_app(settings)
    builds: LiveBuild = app.extensions[EXTENSION]
    builds.serving.pool.start()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop the workers on the way out
    print(f"belong-graph serving on http://{settings.host}:{settings.port}/sparql", flush=True)
    if (remote := engine(settings)) is not None:
        print(f"every query goes to the SPARQL engine at {remote.address}", flush=True)
    try:
        waitress.serve(
            app,
            host=settings.host,
            port=settings.port,
            threads=settings.threads,
            # no request is read ahead (see web.disconnect for how a client's leaving is seen)
            ident="belong-graph",
            **_behind(settings.trusted_proxy),
        )
    finally:
        builds.close()


def _behind(proxy: str) -> dict[str, object]:
    """waitress's settings to take the client's address from ``proxy``'s X-Forwarded-For."""
    if not proxy:
        return {}
    return {
        "trusted_proxy": proxy,
        "trusted_proxy_count": 1,
        "trusted_proxy_headers": {"x-forwarded-for"},
    }
