"""The clients' accounts that ``web.budget`` keeps, in this process: query-worker seconds and
requests left, each regained evenly over the window. Accounts are kept only while they differ
from a fresh one: an account that has regained all it spent is forgotten, and past ``clients``
accounts the longest unused is dropped. ``web.shared_accounts`` keeps the same accounts in Redis.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

CLIENTS = 100_000  # accounts kept at most (about 100 bytes each)


@dataclass(frozen=True)
class Allowance:
    """What every client may spend per ``window`` seconds (0: that kind is not counted)."""

    seconds: float
    requests: float
    window: float


class Accounts(Protocol):
    """Where the accounts are kept; each call brings the client's account up to now first."""

    def take_request(self, client: str) -> float:
        """The requests ``client`` had left; one is taken when at least one was."""
        ...

    def seconds_left(self, client: str) -> float:
        """The query seconds ``client`` has left (below zero while a cost is still owed)."""
        ...

    def charge(self, client: str, seconds: float) -> None:
        """Take ``seconds`` from what ``client`` has left."""
        ...

    def __len__(self) -> int:
        """How many accounts are kept."""
        ...


@dataclass
class _Account:
    seconds: float  # worker seconds left; below zero while a query's cost is still owed
    requests: float  # requests left
    at: float  # the clock time both were brought up to


class MemoryAccounts:
    """The accounts in a dictionary of this process, on ``clock``, at most ``clients`` of them."""

    def __init__(self, allowance: Allowance, *, clients: int, clock: Callable[[], float]) -> None:
        self._allowance = allowance
        self._clients = clients
        self._clock = clock
        self._accounts: OrderedDict[str, _Account] = OrderedDict()
        self._lock = threading.Lock()

    def take_request(self, client: str) -> float:
        with self._lock:
            account = self._account(client)
            left = account.requests
            if left >= 1:
                account.requests -= 1
            return left

    def seconds_left(self, client: str) -> float:
        with self._lock:
            return self._account(client).seconds

    def charge(self, client: str, seconds: float) -> None:
        with self._lock:
            self._account(client).seconds -= seconds

    def __len__(self) -> int:
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
            account = _Account(self._allowance.seconds, self._allowance.requests, now)
        else:
            self._regain(account, now)
        self._accounts[client] = account
        return account

    def _regain(self, account: _Account, now: float) -> None:
        """Bring ``account`` up to ``now``: what was spent comes back evenly over the window."""
        full = self._allowance
        share = max(now - account.at, 0) / full.window
        account.seconds = min(full.seconds, account.seconds + share * full.seconds)
        account.requests = min(full.requests, account.requests + share * full.requests)
        account.at = now

    def _regained(self, account: _Account, now: float) -> bool:
        """Whether ``account`` is by ``now`` as good as a fresh one."""
        self._regain(account, now)
        full = self._allowance
        return account.seconds >= full.seconds and account.requests >= full.requests
