"""What each client may spend, by its address: query-worker seconds and requests, each regained
evenly over a window (as the Wikidata Query Service gives every client 60 s of processing each
60 s). A query is charged the seconds a worker spent on it, however it ended; an answer from the
cache, a 304, a static file or a dump runs no query and counts only under the request ceiling. A
client whose time is spent is refused before its next query runs, and told when to come back.

Accounts are kept only while they differ from a fresh one: an account that has regained all it
spent is forgotten, and past ``clients`` accounts the longest unused is dropped.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from belong_graph.errors import BudgetSpent

CLIENTS = 100_000  # accounts kept at most (about 100 bytes each)


@dataclass
class _Account:
    seconds: float  # worker seconds left; below zero while a query's cost is still owed
    requests: float  # requests left
    at: float  # the clock time both were brought up to


class Budget:
    """Per-client allowances of ``seconds`` of query-worker time and ``requests`` requests per
    ``window`` seconds; an allowance of 0 is no limit."""

    def __init__(
        self,
        *,
        seconds: float,
        requests: int,
        window: float,
        clients: int = CLIENTS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._seconds = seconds
        self._requests = float(requests)
        self._window = window
        self._clients = clients
        self._clock = clock
        self._accounts: OrderedDict[str, _Account] = OrderedDict()
        self._lock = threading.Lock()

    def admit(self, client: str) -> None:
        """Count a request of ``client``; refuse it past the request ceiling."""
        if not self._requests:
            return
        with self._lock:
            account = self._account(client)
            if account.requests < 1:
                wait = (1 - account.requests) * self._window / self._requests
                raise BudgetSpent(
                    f"This address has made {self._requests:,.0f} requests in "
                    f"{self._window:g} s, the most this server takes; try again in "
                    f"{_seconds(wait)} s.",
                    retry_after=_seconds(wait),
                )
            account.requests -= 1

    def check(self, client: str) -> None:
        """Refuse a query of ``client`` while its query time is spent."""
        if not self._seconds:
            return
        with self._lock:
            account = self._account(client)
            if account.seconds <= 0:
                wait = -account.seconds * self._window / self._seconds
                raise BudgetSpent(
                    f"This address has used its {self._seconds:g} s of query time per "
                    f"{self._window:g} s; cached answers are still served, and queries again in "
                    f"{_seconds(wait)} s.",
                    retry_after=_seconds(wait),
                )

    def charge(self, client: str, seconds: float) -> None:
        """Charge ``client`` the ``seconds`` a query worker spent on its query."""
        if not self._seconds:
            return
        with self._lock:
            self._account(client).seconds -= seconds

    def __len__(self) -> int:
        """How many accounts are kept."""
        with self._lock:
            return len(self._accounts)

    def _account(self, client: str) -> _Account:
        """The client's account, brought up to now (with the lock held); forgets the accounts
        that have regained everything, oldest first, and the oldest past ``clients``."""
        now = self._clock()
        account = self._accounts.pop(client, None)
        while self._accounts:
            oldest = next(iter(self._accounts.values()))
            if len(self._accounts) < self._clients and not self._regained(oldest, now):
                break
            self._accounts.popitem(last=False)
        if account is None:
            account = _Account(self._seconds, self._requests, now)
        else:
            self._regain(account, now)
        self._accounts[client] = account
        return account

    def _regain(self, account: _Account, now: float) -> None:
        """Bring ``account`` up to ``now``: what was spent comes back evenly over the window."""
        share = max(now - account.at, 0) / self._window
        account.seconds = min(self._seconds, account.seconds + share * self._seconds)
        account.requests = min(self._requests, account.requests + share * self._requests)
        account.at = now

    def _regained(self, account: _Account, now: float) -> bool:
        """Whether ``account`` is by ``now`` as good as a fresh one."""
        self._regain(account, now)
        return account.seconds >= self._seconds and account.requests >= self._requests


def _seconds(wait: float) -> int:
    """A wait as whole seconds for Retry-After: at least one, rounded up."""
    return max(1, math.ceil(wait))
