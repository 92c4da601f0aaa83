"""The per-client budget shared by replicas through Redis (``budget_storage``,
``web.shared_accounts``): Debian's redis-server on a free loopback port, stopped by its process
id, and two budgets on it as two replicas would hold them. What one replica counts the other
refuses, with today's Retry-After; time is regained on Redis' clock; a Redis that is not there at
start is a clear error, and one that goes away leaves each replica counting on its own."""

from __future__ import annotations

import logging
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from belong_graph.errors import BudgetSpent, SettingError
from belong_graph.settings import Settings
from belong_graph.web import create_app, shared_accounts
from belong_graph.web.budget import Budget
from tests.conftest import free_port


class Redis:
    """A redis-server of its own on ``port``, keeping nothing on disk."""

    def __init__(self, port: int, folder: Path) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(folder),
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while (
            subprocess.run(
                ["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True
            ).stdout.strip()
            != "PONG"
        ):
            assert self.process.poll() is None, "redis-server did not start"
            assert time.monotonic() < deadline, "redis-server did not answer"
            time.sleep(0.05)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[Redis]:
    server = Redis(free_port(), tmp_path)
    yield server
    server.stop()


def refusal(budget: Budget, client: str, *, request: bool = False) -> BudgetSpent:
    with pytest.raises(BudgetSpent) as refused:
        budget.admit(client) if request else budget.check(client)
    return refused.value


def test_requests_counted_by_one_replica_are_refused_by_the_other(redis: Redis) -> None:
    one, other = (Budget(seconds=0, requests=4, window=4, storage=redis.url) for _ in range(2))
    for budget in (one, other, one, other):
        budget.admit("10.0.0.1")
    spent = refusal(one, "10.0.0.1", request=True)
    assert spent.retry_after == 1  # one request comes back every second
    assert spent.message == refusal(other, "10.0.0.1", request=True).message
    assert spent.message == (
        "This address has made 4 requests in 4 s, the most this server takes; try again in 1 s."
    )
    other.admit("10.0.0.2")  # another address has its own account
    time.sleep(1.1)
    one.admit("10.0.0.1")  # the request regained is taken once, by either replica
    refusal(other, "10.0.0.1", request=True)
    assert len(one) == len(other) == 1  # 10.0.0.2 has regained its request: forgotten


def test_query_time_spent_on_one_replica_is_regained_evenly_on_both(redis: Redis) -> None:
    one, other = (Budget(seconds=2, requests=0, window=2, storage=redis.url) for _ in range(2))
    alone = Budget(seconds=2, requests=0, window=2)  # today's budget, in memory
    for budget in (one, alone):
        budget.check("10.0.0.1")
        budget.charge("10.0.0.1", 4)  # 2 s owed: 2 s to wait
    spent = refusal(other, "10.0.0.1")
    assert spent.retry_after == refusal(alone, "10.0.0.1").retry_after == 2
    assert spent.message.startswith("This address has used its 2 s of query time per 2 s;")
    other.check("10.0.0.2")
    time.sleep(1.1)
    assert refusal(one, "10.0.0.1").retry_after == 1
    time.sleep(1)
    other.check("10.0.0.1")
    one.charge("10.0.0.1", 0.5)  # owed again, for well under a second
    assert refusal(other, "10.0.0.1").retry_after == 1


def test_an_account_that_has_regained_everything_is_forgotten(redis: Redis) -> None:
    budget = Budget(seconds=1, requests=10, window=0.5, storage=redis.url)
    budget.admit("10.0.0.1")
    budget.charge("10.0.0.1", 0.1)
    assert len(budget) == 1
    time.sleep(0.2)
    assert len(budget) == 0


def test_an_unknown_storage_or_a_redis_not_there_is_an_error_at_start() -> None:
    with pytest.raises(SettingError, match="budget_storage must be memory:// or a Redis address"):
        Budget(seconds=1, requests=1, window=1, storage="memcached://127.0.0.1:11211")
    port = free_port()
    with pytest.raises(SettingError) as missing:
        Budget(seconds=1, requests=1, window=1, storage=f"redis://:s3cret@127.0.0.1:{port}/0")
    assert missing.value.message.startswith(
        f"budget_storage: the Redis at 127.0.0.1:{port} does not answer"
    )
    assert "s3cret" not in missing.value.message


def test_a_redis_that_goes_away_leaves_each_replica_counting_alone(
    redis: Redis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(shared_accounts, "RETRY", 0.2)
    budget = Budget(seconds=0, requests=2, window=60, storage=redis.url)
    budget.admit("10.0.0.1")
    budget.admit("10.0.0.1")
    refusal(budget, "10.0.0.1", request=True)
    redis.stop()
    with caplog.at_level(logging.WARNING, logger=shared_accounts.__name__):
        budget.admit("10.0.0.1")  # nothing refused for Redis' absence: counted in memory
        budget.admit("10.0.0.1")
        assert refusal(budget, "10.0.0.1", request=True).retry_after == 30
        (warning,) = [record.getMessage() for record in caplog.records]
        assert warning.startswith(f"The budget's Redis at 127.0.0.1:{redis.port} went away (")
        assert warning.endswith("): each replica counts on its own until it is back.")
        back = Redis(redis.port, tmp_path)
        try:
            time.sleep(0.3)
            budget.admit("10.0.0.1")  # the new Redis holds no account yet
            assert len(budget) == 1
        finally:
            back.stop()
    assert (
        caplog.records[-1].getMessage() == f"The budget's Redis at 127.0.0.1:{redis.port} is back."
    )


@pytest.mark.integration
def test_two_apps_on_one_redis_refuse_a_client_the_other_served(
    redis: Redis, built_settings: Settings
) -> None:
    settings = Settings.load(
        {
            "store_dir": built_settings.store_dir,
            "budget_storage": redis.url,
            "query_budget": 0.001,
            "request_limit": 3,
        }
    )
    apps = [create_app(settings) for _ in range(2)]
    try:
        one, other = (app.test_client() for app in apps)
        first = {"REMOTE_ADDR": "10.0.0.1"}
        count = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}  # a few milliseconds
        asked = one.post("/sparql", data=count, environ_base=first)
        assert asked.status_code == 200
        assert int(asked.json["results"]["bindings"][0]["n"]["value"]) > 1_000  # type: ignore[index]
        refused = other.post("/sparql", data=count, environ_base=first)
        wait = refused.headers["Retry-After"]  # the milliseconds over 0.001 s, spread on 60 s
        assert (refused.status_code, int(wait) >= 1) == (429, True)
        assert refused.text == (
            "This address has used its 0.001 s of query time per 60 s; cached answers are still "
            f"served, and queries again in {wait} s.\n"
        )
        assert other.get("/robots.txt", environ_base=first).status_code == 200  # its third
        refused = one.get("/robots.txt", environ_base=first)
        assert (refused.status_code, refused.headers["Retry-After"]) == (429, "20")
        assert "made 3 requests in 60 s" in refused.text
        assert other.get("/robots.txt", environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code == 200
    finally:
        for app in apps:
            app.extensions["belong_graph"].close()
