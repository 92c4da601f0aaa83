"""The store that query workers share, loaded once and inherited copy-on-write.

Query workers are forked from multiprocessing's fork server. When ``BELONG_SHARED_STORE`` names
a built store as the fork server starts, the fork server imports this module, which loads that
store into memory once; every worker forked afterwards reads the same memory pages instead of
holding a copy of its own, and a worker that replaces a killed one is ready at once.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from belong_graph.errors import BelongError
from belong_graph.sparql.pool import SHARED_STORE_ENV
from belong_graph.store import GraphStore, OxigraphStore

log = logging.getLogger(__name__)


def _open_shared() -> tuple[Path, GraphStore] | None:
    directory = os.environ.get(SHARED_STORE_ENV)
    if not directory:
        return None
    try:
        return Path(directory), OxigraphStore.open(Path(directory))
    except (BelongError, OSError) as error:  # workers then open the store themselves
        log.warning("could not share the store at %s: %s", directory, error)
        return None


_SHARED = _open_shared()


def shared_store(directory: Path) -> GraphStore | None:
    """The store at ``directory`` if this process inherited it in memory."""
    if _SHARED is not None and _SHARED[0] == directory:
        return _SHARED[1]
    return None
