"""What each client may spend, by its address: query-worker seconds and requests, each regained
evenly over a window (as the Wikidata Query Service gives every client 60 s of processing each
60 s). A query is charged the seconds a worker spent on it, however it ended; an answer from the
cache, a 304, a static file or a dump runs no query and counts only under the request ceiling. A
client whose time is spent is refused before its next query runs, and told when to come back.

The accounts are kept where ``budget_storage`` says: ``memory://`` in this process
(``web.accounts``), or ``redis://host:port/db`` in a Redis that every replica shares
(``web.shared_accounts``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from belong_graph.errors import BudgetSpent, SettingError
from belong_graph.web.accounts import CLIENTS, Accounts, Allowance, MemoryAccounts
from belong_graph.web.shared_accounts import REDIS_SCHEMES, RedisAccounts

MEMORY = "memory://"


class Budget:
    """Per-client allowances of ``seconds`` of query-worker time and ``requests`` requests per
    ``window`` seconds; an allowance of 0 is no limit. ``clients`` and ``clock`` are those of
    accounts kept in memory; accounts in Redis are on the Redis server's clock and forgotten by
    expiry."""

    def __init__(
        self,
        *,
        seconds: float,
        requests: int,
        window: float,
        storage: str = MEMORY,
        clients: int = CLIENTS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._allowance = Allowance(seconds, float(requests), window)
        self._accounts = _open_accounts(storage, self._allowance, clients=clients, clock=clock)

    def admit(self, client: str) -> None:
        """Count a request of ``client``; refuse it past the request ceiling."""
        full = self._allowance
        if not full.requests:
            return
        left = self._accounts.take_request(client)
        if left < 1:
            wait = (1 - left) * full.window / full.requests
            raise BudgetSpent(
                f"This address has made {full.requests:,.0f} requests in "
                f"{full.window:g} s, the most this server takes; try again in "
                f"{_seconds(wait)} s.",
                retry_after=_seconds(wait),
            )

    def check(self, client: str) -> None:
        """Refuse a query of ``client`` while its query time is spent."""
        full = self._allowance
        if not full.seconds:
            return
        left = self._accounts.seconds_left(client)
        if left <= 0:
            wait = -left * full.window / full.seconds
            raise BudgetSpent(
                f"This address has used its {full.seconds:g} s of query time per "
                f"{full.window:g} s; cached answers are still served, and queries again in "
                f"{_seconds(wait)} s.",
                retry_after=_seconds(wait),
            )

    def charge(self, client: str, seconds: float) -> None:
        """Charge ``client`` the ``seconds`` a query worker spent on its query."""
        if self._allowance.seconds:
            self._accounts.charge(client, seconds)

    def __len__(self) -> int:
        """How many accounts are kept."""
        return len(self._accounts)


def _open_accounts(
    storage: str, allowance: Allowance, *, clients: int, clock: Callable[[], float]
) -> Accounts:
    """The accounts that ``storage`` names (``budget_storage``)."""
    scheme = urlsplit(storage).scheme
    if storage == MEMORY:
        return MemoryAccounts(allowance, clients=clients, clock=clock)
    if scheme in REDIS_SCHEMES:
        return RedisAccounts.connect(storage, allowance)
    raise SettingError(
        f"budget_storage must be {MEMORY} or a Redis address (redis://host:port/db), "
        f"not one of scheme {scheme or '(none)'!r}."
    )


def _seconds(wait: float) -> int:
    """A wait as whole seconds for Retry-After: at least one, rounded up."""
    return max(1, math.ceil(wait))
