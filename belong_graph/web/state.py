"""What a request reads: one build (its dataset version, query pool, answer cache and network)
with the settings, the query catalogue and the clients' budgets. Each request holds the build it
began on until it ends (see :mod:`belong_graph.web.live`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import current_app, g

from belong_graph.catalogue import CannedQuery
from belong_graph.network.stored import StoredNetwork
from belong_graph.settings import Settings
from belong_graph.sparql.pool import QueryPool
from belong_graph.store import DatasetVersion
from belong_graph.web.budget import Budget
from belong_graph.web.caching import AnswerCache

if TYPE_CHECKING:
    from belong_graph.web.live import LiveBuild, Serving

EXTENSION = "belong_graph"


@dataclass(frozen=True)
class AppState:
    settings: Settings
    version: DatasetVersion  # the store itself lives in the query workers
    pool: QueryPool  # its source is the build's folder
    cache: AnswerCache  # this build's answers only
    network: StoredNetwork
    catalogue: tuple[CannedQuery, ...]
    budget: Budget  # what each client may spend, whichever build it asks


def state() -> AppState:
    """The build this request began on (taken at its first use, held until its end)."""
    if "serving" not in g:
        g.serving = live().acquire()
    serving: Serving = g.serving
    return serving.state


def release_state(_: BaseException | None = None) -> None:
    """Let the request's build go, once the request is over."""
    serving: Serving | None = g.pop("serving", None)
    if serving is not None:
        live().release(serving)


def live() -> LiveBuild:
    builds: LiveBuild = current_app.extensions[EXTENSION]
    return builds
