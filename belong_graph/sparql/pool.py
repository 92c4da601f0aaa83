"""A pool of query worker processes that can be killed.

Neither Oxigraph nor rdflib can cancel a running query, so every query runs in a worker process
of its own: when the query passes its time limit, or its client goes away, the worker is killed
and a fresh one takes its place, while the other workers go on answering. Workers are forked
from multiprocessing's fork server, which has the modules they need imported already; each
worker loads its own copy of the store (Oxigraph's in-memory store writes to its pages as it
reads them, so a copy inherited from the fork server would soon be copied anyway). Workers
that need no network (no SERVICE allow-list) are shut in a network namespace of their own, so
even a query that slipped past the guard could not open a connection.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import os
import queue
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext
from multiprocessing.process import BaseProcess

from belong_graph.errors import (
    BelongError,
    ClientGone,
    NotAcceptable,
    QueryError,
    QueryTimeout,
    ServerBusy,
    WorkerCrashed,
)
from belong_graph.sparql.answer import Answer, Job, answer
from belong_graph.store import StoreSource

log = logging.getLogger(__name__)

_ERRORS: dict[str, type[BelongError]] = {e.__name__: e for e in (QueryError, NotAcceptable)}
_CLONE_NEWNET = 0x40000000
_CLONE_NEWUSER = 0x10000000
_POLL_SECONDS = 0.02
_PR_SET_PDEATHSIG = 1


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    connection: Connection

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        self.process.join(5)
        self.connection.close()


@dataclass
class QueryPool:
    """Runs jobs in ``size`` worker processes, with at most ``queue_limit`` jobs waiting."""

    source: StoreSource
    size: int
    queue_limit: int
    isolate_network: bool = True
    _idle: queue.Queue[_Worker] = field(default_factory=queue.Queue, init=False)
    _waiting: int = field(default=0, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _workers: set[_Worker] = field(default_factory=set, init=False)
    _started: bool = field(default=False, init=False)
    _closed: bool = field(default=False, init=False)

    def run(self, job: Job, *, timeout: float, cancelled: Callable[[], bool]) -> Answer:
        """Run ``job``; stop it after ``timeout`` seconds or when ``cancelled()`` turns true."""
        deadline = time.monotonic() + timeout
        worker = self._acquire(deadline, timeout)
        healthy = False
        try:
            worker.connection.send(job)
            while not worker.connection.poll(_POLL_SECONDS):
                if time.monotonic() >= deadline:
                    raise QueryTimeout(_timeout_message(timeout))
                if cancelled():
                    raise ClientGone("The client went away; its query was stopped.")
            try:
                kind, payload = worker.connection.recv()
            except (EOFError, OSError):
                raise WorkerCrashed("The query worker stopped while running the query.") from None
            healthy = True
        finally:
            self._release(worker, healthy)
        if kind == "error":
            name, message = payload
            raise _ERRORS[name](message)
        assert isinstance(payload, Answer)
        return payload

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            self._closed = True
            workers, self._workers = self._workers, set()
        for worker in workers:
            worker.kill()

    def _acquire(self, deadline: float, timeout: float) -> _Worker:
        self.start()
        with self._lock:
            if self._waiting >= self.queue_limit:
                raise ServerBusy(
                    "Every query worker is busy and the queue is full; try again soon."
                )
            self._waiting += 1
        try:
            return self._idle.get(timeout=max(deadline - time.monotonic(), 0))
        except queue.Empty:
            raise QueryTimeout(_timeout_message(timeout)) from None
        finally:
            with self._lock:
                self._waiting -= 1

    def _release(self, worker: _Worker, healthy: bool) -> None:
        if healthy and worker.process.is_alive():
            self._idle.put(worker)
            return
        with self._lock:
            self._workers.discard(worker)
        worker.kill()
        threading.Thread(target=self._add_worker, daemon=True).start()

    def start(self) -> None:
        """Start the workers now rather than on the first query."""
        with self._lock:
            if self._started:
                return
            self._started = True
        for _ in range(self.size):
            self._add_worker()

    def _add_worker(self) -> None:
        context = _worker_context()
        parent, child = context.Pipe()
        process = context.Process(
            target=_worker_main,
            args=(child, self.source, self.isolate_network),
            daemon=True,
            name="belong-graph-query-worker",
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        with self._lock:
            if self._closed:
                worker.kill()
                return
            self._workers.add(worker)
        self._idle.put(worker)


def _timeout_message(timeout: float) -> str:
    return f"The query exceeded the {timeout:g} s limit and was stopped."


def _worker_context() -> ForkServerContext:
    """The fork server's context, with the workers' modules imported once, there."""
    context = multiprocessing.get_context("forkserver")
    assert isinstance(context, ForkServerContext)
    context.set_forkserver_preload([__name__])
    return context


def _worker_main(connection: Connection, source: StoreSource, isolate_network: bool) -> None:
    ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)  # die with the fork server
    if isolate_network:
        _leave_the_network()
    store = source.open()
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        try:
            connection.send(("answer", answer(store, job)))
        except (QueryError, NotAcceptable) as error:
            connection.send(("error", (type(error).__name__, error.message)))


def _leave_the_network() -> None:
    """Move this process into a network namespace with no interfaces, where it can be done."""
    libc = ctypes.CDLL(None, use_errno=True)
    for flags in (_CLONE_NEWNET, _CLONE_NEWUSER | _CLONE_NEWNET):
        if libc.unshare(flags) == 0:
            return
    log.warning(
        "query worker %s could not leave the network: %s",
        os.getpid(),
        os.strerror(ctypes.get_errno()),
    )
