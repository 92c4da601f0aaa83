"""The clients' accounts of ``web.budget`` kept in Redis, so that every replica of the server
counts against the same ones (``budget_storage`` set to ``redis://host:port/db``, the storage
address flask-limiter and ``limits`` take).

Not through ``limits``' strategies: they count whole hits in fixed, moving or sliding windows,
while a budget regains fractional seconds evenly and lets a query's cost, charged once it ran,
take the account below zero. Each call is one Lua script run by redis-py, so that it is atomic
across replicas, on the Redis server's clock (one clock for every replica). An account that has
regained everything expires. If Redis goes away while serving, each replica counts in its own
memory meanwhile (so no request is refused for Redis' absence, and a client gets at most its
budget once per replica), says so in the log, and tries Redis again every ``RETRY`` seconds.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import redis

from belong_graph.errors import SettingError
from belong_graph.web.accounts import CLIENTS, Allowance, MemoryAccounts

REDIS_SCHEMES = ("redis", "rediss")
PREFIX = "belong-graph:budget:"
TIMEOUT = 1.0  # seconds to wait for Redis on a request before counting in memory
RETRY = 5.0  # seconds between tries of a Redis that went away

log = logging.getLogger(__name__)

# KEYS[1]: the account; ARGV: operation (request, seconds or charge), the allowance's seconds,
# requests and window, and the seconds to charge. Answers what the account had left.
_SCRIPT = """
local full_s, full_r, window = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local kept = redis.call('HMGET', KEYS[1], 's', 'r', 'at')
local s, r = full_s, full_r
if kept[3] then
  local share = math.max(now - tonumber(kept[3]), 0) / window
  s = math.min(full_s, tonumber(kept[1]) + share * full_s)
  r = math.min(full_r, tonumber(kept[2]) + share * full_r)
end
local left = s
if ARGV[1] == 'request' then
  left = r
  if r >= 1 then r = r - 1 end
elseif ARGV[1] == 'charge' then
  s = s - tonumber(ARGV[5])
end
local function owed(value, full)
  if full <= 0 then return 0 end
  return math.max(full - value, 0) / full
end
local until_regained = math.max(owed(s, full_s), owed(r, full_r)) * window
if until_regained <= 0 then
  redis.call('DEL', KEYS[1])
else
  redis.call('HSET', KEYS[1], 's', string.format('%.17g', s), 'r', string.format('%.17g', r),
    'at', string.format('%.17g', now))
  redis.call('PEXPIRE', KEYS[1], math.ceil(until_regained * 1000))
end
return string.format('%.17g', left)
"""


class RedisAccounts:
    """The accounts in the Redis that ``client`` reaches (at ``where``, host and port)."""

    def __init__(self, client: redis.Redis, allowance: Allowance, *, where: str) -> None:
        self._redis = client
        self._script = client.register_script(_SCRIPT)
        self._allowance = allowance
        self._where = where
        self._local = MemoryAccounts(allowance, clients=CLIENTS, clock=time.monotonic)
        self._away_until = 0.0  # while Redis is away: when to try it again (monotonic)

    @classmethod
    def connect(cls, address: str, allowance: Allowance) -> RedisAccounts:
        """The accounts in the Redis at ``address``; one that does not answer is an error."""
        parts = urlsplit(address)
        where = f"{parts.hostname}:{parts.port or 6379}"  # never the password
        client = redis.Redis.from_url(
            address, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT
        )
        try:
            client.ping()
        except redis.RedisError as error:
            raise SettingError(
                f"budget_storage: the Redis at {where} does not answer ({error})."
            ) from error
        return cls(client, allowance, where=where)

    def take_request(self, client: str) -> float:
        return self._run("request", client, 0.0, lambda: self._local.take_request(client))

    def seconds_left(self, client: str) -> float:
        return self._run("seconds", client, 0.0, lambda: self._local.seconds_left(client))

    def charge(self, client: str, seconds: float) -> None:
        self._run("charge", client, seconds, lambda: self._charge_locally(client, seconds))

    def __len__(self) -> int:
        return sum(1 for _ in self._redis.scan_iter(match=PREFIX + "*"))

    def _charge_locally(self, client: str, seconds: float) -> float:
        self._local.charge(client, seconds)
        return 0.0

    def _run(self, operation: str, client: str, amount: float, local: Callable[[], float]) -> float:
        """Run the script on ``client``'s account, or ``local`` while Redis is away."""
        if time.monotonic() < self._away_until:
            return local()
        full = self._allowance
        try:
            left = self._script(
                keys=[PREFIX + client],
                args=[operation, full.seconds, full.requests, full.window, amount],
            )
        except redis.RedisError as error:
            if not self._away_until:
                log.warning(
                    "The budget's Redis at %s went away (%s): each replica counts on its own "
                    "until it is back.",
                    self._where,
                    error,
                )
            self._away_until = time.monotonic() + RETRY
            return local()
        if self._away_until:
            log.warning("The budget's Redis at %s is back.", self._where)
            self._away_until = 0.0
        return float(left)
