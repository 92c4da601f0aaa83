"""What the app holds for its requests: settings, the dataset's version, query pool, cache and
the clients' budgets."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from belong_graph.catalogue import CannedQuery
from belong_graph.settings import Settings
from belong_graph.sparql.pool import QueryPool
from belong_graph.store import DatasetVersion
from belong_graph.web.budget import Budget
from belong_graph.web.caching import AnswerCache


@dataclass(frozen=True)
class AppState:
    settings: Settings
    version: DatasetVersion  # the store itself lives in the query workers
    pool: QueryPool
    cache: AnswerCache
    catalogue: tuple[CannedQuery, ...]
    budget: Budget  # what each client may spend


def state() -> AppState:
    app_state: AppState = current_app.extensions["belong_graph"]
    return app_state
