"""HTTP caching keyed by the dataset version: validators for every GET answer, 304 on
conditional requests, and an in-memory cache of recent answers."""

from __future__ import annotations

import hashlib
import threading
from datetime import datetime

from cachetools import LRUCache
from flask import Response, request

from belong_graph.sparql.answer import Answer
from belong_graph.store import DatasetVersion

# What an entry holds besides its body: the answer object, its key and the cache's own links
# (300 bytes by tracemalloc, over 10,000 entries).
ENTRY_BYTES = 300


class AnswerCache:
    """The most recently used answers, by their ETag (which includes the dataset version),
    within ``max_bytes``: the least recently used go first, and an answer larger than the
    whole budget is not kept."""

    def __init__(self, max_bytes: int) -> None:
        self._answers: LRUCache[str, Answer] = LRUCache(
            maxsize=max(max_bytes, 1), getsizeof=answer_bytes
        )
        self._lock = threading.Lock()

    def get(self, etag: str) -> Answer | None:
        with self._lock:
            return self._answers.get(etag)

    def put(self, etag: str, answer: Answer) -> None:
        if answer_bytes(answer) > self._answers.maxsize:
            return
        with self._lock:
            self._answers[etag] = answer


def answer_bytes(answer: Answer) -> int:
    """What keeping ``answer`` costs, in bytes."""
    return len(answer.body) + ENTRY_BYTES


def etag_for(version: DatasetVersion, *parts: object) -> str:
    """A strong validator: the dataset version and everything else the answer depends on."""
    digest = hashlib.sha256(version.digest.encode())
    for part in parts:
        digest.update(b"\0" + repr(part).encode())
    return digest.hexdigest()[:32]


def add_validators(
    response: Response, version: DatasetVersion, etag: str, max_age: int
) -> Response:
    """ETag, Last-Modified, Cache-Control and Vary; turns the answer into a 304 when it can."""
    response.set_etag(etag)
    response.last_modified = datetime.fromisoformat(version.built)
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    response.vary.add("Accept")
    response.make_conditional(request)
    return response


def unchanged(version: DatasetVersion, etag: str, max_age: int) -> Response | None:
    """A 304 with its validators when the client already holds this answer, else None (checked
    before any work is done for the answer)."""
    if not not_modified(version, etag):
        return None
    return add_validators(Response(status=304), version, etag, max_age)


def not_modified(version: DatasetVersion, etag: str) -> bool:
    """Whether the client already holds this answer (checked before running the query)."""
    if request.if_none_match:
        return request.if_none_match.contains(etag)
    since = request.if_modified_since
    return since is not None and since >= datetime.fromisoformat(version.built).replace(
        microsecond=0
    )
