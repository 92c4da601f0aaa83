"""Where a build spends its time: each phase logs its duration at INFO level, each rule at
DEBUG, through :mod:`logging` (``belong-graph build --verbose`` shows them). The build's helper
processes log the same way, with the level of the process that started them."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger("belong_graph.build")


@contextmanager
def phase(name: str, *, level: int = logging.INFO) -> Iterator[None]:
    """Log how long the ``with`` block took, as ``name: 1.23 s``."""
    start = time.perf_counter()
    try:
        yield
    finally:
        log.log(level, "%s: %.2f s", name, time.perf_counter() - start)


def log_like(level: int) -> None:
    """Log belong-graph's messages from ``level`` up to stderr (also a helper process's
    initialiser, given the level of the process that starts it)."""
    logging.basicConfig(format=LOG_FORMAT)
    logging.getLogger("belong_graph").setLevel(level)


LOG_FORMAT = "%(asctime)s %(processName)s %(message)s"
