"""A pool of query worker processes that can be killed.

Neither Oxigraph nor rdflib can cancel a running query, so every query runs in a worker process
of its own: when the query passes its time limit, or its client goes away, the worker is killed
and a fresh one of the same kind takes its place, while the other workers go on answering.
Workers are forked from multiprocessing's fork server, which has the modules they need imported
already. Each worker opens its own copy of the store (Oxigraph's in-memory store writes to its
pages as it reads them, so a copy inherited from a parent would soon be copied anyway): in
memory while another copy fits in the memory budget, else read-only on disk, where the data
sits in the page cache that all workers share. The budget is counted as PSS (each shared page
divided among the processes sharing it) summed over the server and every process under it, with
room kept for what the rest of the server may still come to hold (``reserved``: the answer
cache and the web process's working memory); a copy's size is what the last in-memory worker's
took, or before one has, the store's own estimate. An idle in-memory worker is always chosen before
an on-disk one, and of those the one that ran last, whose caches still hold the store's hot part
(on 2 cores this took a faceted listing from 12.4 ms to 8.8 ms). A job whose answer follows the
store's index order (``Job.ordered``: pages cut without ORDER BY) runs only on workers of the
first worker's kind, as the in-memory and on-disk stores order their indexes differently and
every page must come from the same order. Workers that need no network
(no SERVICE allow-list) are shut in a network namespace of their own, so even a query that
slipped past the guard could not open a connection.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext
from multiprocessing.process import BaseProcess

from belong_graph.errors import (
    BadEngineAnswer,
    BelongError,
    ClientGone,
    EngineUnavailable,
    NotAcceptable,
    QueryError,
    QueryTimeout,
    ServerBusy,
    WorkerCrashed,
)
from belong_graph.sparql.answer import Answer, Job, answer
from belong_graph.store import StoreSource

log = logging.getLogger(__name__)

_ANSWERED = (
    QueryError,
    NotAcceptable,
    EngineUnavailable,
    BadEngineAnswer,
    QueryTimeout,
)  # passed on to the caller
_ERRORS: dict[str, type[BelongError]] = {e.__name__: e for e in _ANSWERED}
_CLONE_NEWNET = 0x40000000
_CLONE_NEWUSER = 0x10000000
_POLL_SECONDS = 0.02
_PR_SET_PDEATHSIG = 1
_READY_SECONDS = 600.0  # the longest a worker may take to open its store
_RETRY_SECONDS = 5.0  # before starting another worker in place of one that failed to start


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    connection: Connection
    in_memory: bool
    copy: int = 0  # bytes of PSS its copy of the store took, once open in memory

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        self.process.join(5)
        self.connection.close()


@dataclass
class QueryPool:
    """Runs jobs in ``size`` worker processes, with at most ``queue_limit`` jobs waiting.

    Workers hold the store in memory while the server's processes, with ``reserved`` bytes
    more, stay within ``memory_budget`` bytes of PSS (0: no budget); past it they read the
    on-disk store.
    """

    source: StoreSource
    size: int
    queue_limit: int
    isolate_network: bool = True
    memory_budget: int = 0
    reserved: int = 0
    _idle: list[tuple[bool, int, _Worker]] = field(default_factory=list, init=False)
    _freed: threading.Condition = field(default_factory=threading.Condition, init=False)
    _order: itertools.count[int] = field(default_factory=itertools.count, init=False)
    _ordered_in_memory: bool | None = field(default=None, init=False)  # the first worker's kind
    _waiting: int = field(default=0, init=False)
    _ordered_waiting: int = field(default=0, init=False)  # of those, ordered jobs
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _workers: set[_Worker] = field(default_factory=set, init=False)
    _started: bool = field(default=False, init=False)
    _closed: bool = field(default=False, init=False)

    def run(
        self,
        job: Job,
        *,
        timeout: float,
        cancelled: Callable[[], bool],
        spent: Callable[[float], None] = lambda seconds: None,
    ) -> Answer:
        """Run ``job``; stop it after ``timeout`` seconds or when ``cancelled()`` turns true.
        ``spent`` is told the seconds a worker gave the job, however it ended (time waiting in
        the queue is not counted)."""
        deadline = time.monotonic() + timeout
        worker = self._acquire(deadline, timeout, ordered=job.ordered)
        started = time.monotonic()
        healthy = False
        try:
            worker.connection.send(job)
            while not worker.connection.poll(_POLL_SECONDS):
                if time.monotonic() >= deadline:
                    raise QueryTimeout(
                        f"The query exceeded the {timeout:g} s limit and was stopped."
                    )
                if cancelled():
                    raise ClientGone("The client went away; its query was stopped.")
            try:
                kind, payload = worker.connection.recv()
            except (EOFError, OSError):
                raise WorkerCrashed("The query worker stopped while running the query.") from None
            healthy = True
        finally:
            spent(time.monotonic() - started)
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

    def _acquire(self, deadline: float, timeout: float, *, ordered: bool = False) -> _Worker:
        self.start()
        with self._lock:
            if self._waiting >= self.queue_limit:
                raise ServerBusy(
                    "Every query worker is busy and the queue is full; try again soon."
                )
            self._waiting += 1
        try:
            with self._freed:
                self._ordered_waiting += ordered
                try:
                    while (chosen := self._choose(ordered)) is None:
                        if not self._freed.wait(max(deadline - time.monotonic(), 0)):
                            self._freed.notify()  # pass on a wake-up that came as time ran out
                            raise QueryTimeout(
                                f"No query worker was free within the {timeout:g} s limit, so "
                                "the query was not run; try again soon.",
                                retry_after=ServerBusy.retry_after,
                            )
                finally:
                    self._ordered_waiting -= ordered
                self._idle.remove(chosen)
                return chosen[2]
        finally:
            with self._lock:
                self._waiting -= 1

    def _choose(self, ordered: bool) -> tuple[bool, int, _Worker] | None:
        """The idle worker to run a job on (with ``_freed`` held): in memory first, then the
        last to finish; for an ordered job, only one of the first worker's kind."""
        idle = [
            entry
            for entry in self._idle
            if not ordered or entry[2].in_memory == self._ordered_in_memory
        ]
        return min(idle, key=lambda entry: entry[:2]) if idle else None

    def _release(self, worker: _Worker, healthy: bool) -> None:
        if healthy and worker.process.is_alive():
            self._make_idle(worker)
            return
        with self._lock:
            self._workers.discard(worker)
        worker.kill()
        replace = threading.Thread(target=self._add_worker, args=(worker.in_memory,), daemon=True)
        replace.start()

    def _make_idle(self, worker: _Worker) -> None:
        """In-memory workers first, then the last one to finish (last in, first out). One
        waiting request is woken, as any can take any worker, unless an ordered job waits (it
        takes only one kind): waking all eight request threads for one worker cost the web
        process the processor time that the workers were short of."""
        with self._freed:
            self._idle.append((not worker.in_memory, -next(self._order), worker))
            if self._ordered_waiting:
                self._freed.notify_all()
            else:
                self._freed.notify()

    def start(self) -> None:
        """Start the workers now rather than on the first query (in the background, one after
        the other, as each one's memory decides where the next one keeps the store)."""
        with self._lock:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._add_workers, daemon=True).start()

    def wait_until_open(self, timeout: float) -> bool:
        """Start the workers and wait until the first has opened the store; whether it did
        within ``timeout`` seconds."""
        self.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self._workers:
                    return True
            time.sleep(_POLL_SECONDS)
        return False

    def memory_workers(self) -> int:
        """How many running workers hold the store in memory."""
        with self._lock:
            return sum(worker.in_memory for worker in self._workers)

    def _add_workers(self) -> None:
        for _ in range(self.size):
            in_memory = self._another_fits_in_memory()
            if self._ordered_in_memory is None:
                self._ordered_in_memory = in_memory
            self._add_worker(in_memory)

    def _another_fits_in_memory(self) -> bool:
        if not self.memory_budget:
            return True
        with self._lock:
            copies = [w.copy for w in self._workers if w.in_memory]
        copy = max(copies) if copies else self.source.memory_estimate()
        return server_bytes() + self.reserved + copy <= self.memory_budget

    def _add_worker(self, in_memory: bool) -> None:
        context = _worker_context()
        parent, child = context.Pipe()
        process = context.Process(
            target=_worker_main,
            args=(child, self.source, self.isolate_network, in_memory),
            daemon=True,
            name="belong-graph-query-worker",
        )
        process.start()
        child.close()
        worker = _Worker(process, parent, in_memory)
        try:
            if not parent.poll(_READY_SECONDS):
                raise TimeoutError(f"it did not open the store in {_READY_SECONDS:g} s")
            _, worker.copy = parent.recv()
        except (EOFError, OSError) as error:  # TimeoutError is an OSError
            log.error("a query worker failed (%s); trying again in %g s", error, _RETRY_SECONDS)
            worker.kill()
            self._retry_later(in_memory)
            return
        with self._lock:
            if self._closed:
                worker.kill()
                return
            self._workers.add(worker)
        self._make_idle(worker)

    def _retry_later(self, in_memory: bool) -> None:
        """Start another worker in a while, unless the pool has been closed."""
        if not self._closed:
            retry = threading.Timer(_RETRY_SECONDS, self._add_worker, args=(in_memory,))
            retry.daemon = True
            retry.start()


def _worker_context() -> ForkServerContext:
    """The fork server's context, with the workers' modules imported once, there."""
    context = multiprocessing.get_context("forkserver")
    assert isinstance(context, ForkServerContext)
    context.set_forkserver_preload([__name__])
    return context


def server_bytes() -> int:
    """The PSS of this process and every process under it, in bytes."""
    return sum(_pss_bytes(pid) for pid in _descendants(os.getpid()))


def _descendants(root: int) -> list[int]:
    """``root`` and every process under it, from Linux's /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            with contextlib.suppress(OSError):  # a process that ended meanwhile
                with open(f"/proc/{entry.name}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry.name))
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending.extend(children.get(pid, []))
    return found


def _pss_bytes(pid: int) -> int:
    """A process's proportional set size (0 once it has ended), from Linux's /proc."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _worker_main(
    connection: Connection, source: StoreSource, isolate_network: bool, in_memory: bool
) -> None:
    ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)  # die with the fork server
    if isolate_network:
        _leave_the_network()
    before = _pss_bytes(os.getpid())
    store = source.open(in_memory=in_memory)
    connection.send(("ready", _pss_bytes(os.getpid()) - before if in_memory else 0))
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        try:
            connection.send(("answer", answer(store, job)))
        except _ANSWERED as error:
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
