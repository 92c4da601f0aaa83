"""What the web process keeps: the answer cache within its bytes, the least recently used going
first, and the memory a request freed given back once its response is sent."""

from __future__ import annotations

from flask import Flask

from belong_graph.sparql.answer import Answer
from belong_graph.web import memory
from belong_graph.web.caching import ENTRY_BYTES, AnswerCache

KIB = 1024


def answer(size: int) -> Answer:
    return Answer(b"x" * (size - ENTRY_BYTES), "text/turtle", False, 1)


def test_a_cache_over_its_bytes_drops_the_least_recently_used() -> None:
    cache = AnswerCache(max_bytes=100 * KIB)
    first, second, third = answer(40 * KIB), answer(40 * KIB), answer(40 * KIB)
    cache.put("first", first)
    cache.put("second", second)
    assert cache.get("first") is first  # now the most recently used
    cache.put("third", third)  # 120 KiB: one must go, the least recently used
    assert cache.get("second") is None
    assert cache.get("first") is first and cache.get("third") is third


def test_many_small_answers_count_their_own_objects_too() -> None:
    cache = AnswerCache(max_bytes=100 * ENTRY_BYTES)
    for n in range(150):
        cache.put(str(n), Answer(b"", "text/plain", False, 0))  # empty bodies still cost
    kept = [n for n in range(150) if cache.get(str(n)) is not None]
    assert kept == list(range(50, 150))


def test_an_answer_larger_than_the_cache_is_not_kept_and_evicts_nothing() -> None:
    cache = AnswerCache(max_bytes=100 * KIB)
    small = answer(10 * KIB)
    cache.put("small", small)
    cache.put("huge", answer(200 * KIB))
    assert cache.get("huge") is None
    assert cache.get("small") is small


def test_memory_a_request_freed_is_given_back_once_its_response_is_sent() -> None:
    """A request that leaves 80 MiB freed but scattered (every fiftieth block kept alive):
    glibc keeps the pages, the trim after the response returns them."""
    app = Flask(__name__)
    memory.register(app)
    kept: list[bytes] = []
    grown: list[int] = []

    @app.get("/scatter")
    def scatter() -> str:
        blocks = [bytes(2048) + bytes([n % 256]) for n in range(40_000)]
        kept.extend(blocks[::50])
        del blocks
        grown.append(memory.resident_bytes())
        return "done"

    before = memory.resident_bytes()
    response = app.test_client().get("/scatter")
    assert response.get_data(as_text=True) == "done"
    response.close()
    assert grown[0] - before > 64 * 2**20  # freed, yet still held by the process
    assert memory.resident_bytes() - before < 16 * 2**20
