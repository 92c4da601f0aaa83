"""Live reload: the server follows the store's ``current`` pointer without a restart.

A request looks at the pointer at most once a second (one ``resolve`` of a symbolic link).
When it has moved, a thread opens the new build beside the one being served: a lease on its
folder (:mod:`belong_graph.leases`), its version, a query pool whose workers open its store,
an empty answer cache and its network file. Once the first new worker is ready, new requests
take the new build (the other workers open meanwhile, one after the other, as at start-up),
while requests already under way finish on the old one, which is closed (its workers
stopped, its lease released, its folder removed if no other process holds it) when the last
of them ends. ETags and cached answers carry the dataset version, so they move with it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from belong_graph import leases
from belong_graph.build import CURRENT
from belong_graph.errors import StoreMissing
from belong_graph.web.state import AppState

log = logging.getLogger(__name__)

CHECK_SECONDS = 1.0  # the longest a moved pointer goes unseen while requests come
OPEN_SECONDS = 600.0  # the longest a new build's workers may take to open its store


@dataclass(eq=False)
class Serving:
    """A build in use: what requests read, the server's lease on its folder, and how many
    requests hold it."""

    state: AppState
    folder: Path
    lease: Path
    users: int = 0


class LiveBuild:
    """The build that new requests take, switched when ``store_dir/current`` moves."""

    def __init__(
        self, store_dir: Path, folder: Path, open_build: Callable[[Path], AppState]
    ) -> None:
        self._store_dir = store_dir
        self._open_build = open_build
        self._lock = threading.Lock()
        self._current = self._open(folder)
        self._next_check = time.monotonic() + CHECK_SECONDS
        self._opening: Path | None = None
        self._refused: set[Path] = set()  # builds whose workers could not open them

    @property
    def serving(self) -> AppState:
        """The build that new requests take."""
        return self._current.state

    def acquire(self) -> Serving:
        """The build for a new request, held until :meth:`release`."""
        with self._lock:
            self._look_at_the_pointer()
            self._current.users += 1
            return self._current

    def release(self, serving: Serving) -> None:
        with self._lock:
            serving.users -= 1
            retired = serving.users == 0 and serving is not self._current
        if retired:
            self._close_later(serving)

    def close(self) -> None:
        """Stop the workers of the build being served and let its folder go."""
        self._current.state.pool.close()
        leases.release(self._current.lease)

    def _look_at_the_pointer(self) -> None:
        """Start opening the build ``current`` points to, if it moved (with the lock held)."""
        now = time.monotonic()
        if now < self._next_check or self._opening is not None:  # one build opens at a time
            return
        self._next_check = now + CHECK_SECONDS
        target = (self._store_dir / CURRENT).resolve()
        if target == self._current.folder or target in self._refused:
            return
        self._opening = target
        threading.Thread(target=self._switch_to, args=(target,), daemon=True).start()

    def _switch_to(self, folder: Path) -> None:
        """Open ``folder``'s build and, once a worker of it is ready, serve it."""
        try:
            serving = self._open(folder)
        except (StoreMissing, OSError) as error:
            log.error("could not open the new build %s: %s", folder.name, error)
            self._refuse(folder)
            return
        if not serving.state.pool.wait_until_open(OPEN_SECONDS):
            log.error("the query workers did not open the new build %s", folder.name)
            self._close(serving)
            self._refuse(folder)
            return
        with self._lock:
            previous, self._current, self._opening = self._current, serving, None
            retired = previous.users == 0
        log.info("serving build %s, version %s", folder.name, serving.state.version.digest)
        if retired:
            self._close_later(previous)

    def _open(self, folder: Path) -> Serving:
        lease = leases.hold(folder)  # first, so that no build removes it while it opens
        try:
            return Serving(self._open_build(folder), folder, lease)
        except BaseException:
            leases.release(lease)
            raise

    def _refuse(self, folder: Path) -> None:
        with self._lock:
            self._refused.add(folder)
            self._opening = None

    def _close_later(self, serving: Serving) -> None:
        """Close a build no request uses any more, out of the request that let it go."""
        threading.Thread(target=self._close, args=(serving,), daemon=True).start()

    def _close(self, serving: Serving) -> None:
        serving.state.pool.close()
        leases.release(serving.lease)
        pointed = (self._store_dir / CURRENT).resolve()
        removed = leases.remove_unused(self._store_dir, keep={self._current.folder, pointed})
        log.info("closed build %s; removed %s", serving.folder.name, [f.name for f in removed])
