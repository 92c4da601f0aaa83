"""The server on Virtuoso (loaded by `belong-graph engine load virtuoso`, as in test_virtuoso),
read as its read-only account through ``/sparql-auth`` with HTTP digest (``store_auth``): the
same answers as on the embedded store, but for where Virtuoso is wrong or SPARQL leaves the
answer open (``WRONG``, strict xfails listed in the README); a wrong password gives 503 and is
never written out. The existing tests run on Virtuoso with ``pytest --engine virtuoso``."""

from __future__ import annotations

import dataclasses
import json
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest

from belong_graph.errors import SettingError
from belong_graph.settings import Settings
from tests import test_oai
from tests.conftest import CITATION, LiveServer, fetch, make_app
from tests.engines import ACCOUNT, reading_virtuoso
from tests.test_remote import ANSWERS, FUNDERS, assert_the_same_answers, on_disk_server
from tests.test_virtuoso import ORDER, TAG, virtuoso

pytestmark = pytest.mark.integration

__all__ = ["on_disk_server", "virtuoso"]  # fixtures shared with test_remote and test_virtuoso

# What Virtuoso 7.2 answers otherwise than the embedded store, by test id, and why.
WRONG = {
    "/api/views/funders application/json": (
        f"{TAG}; ?ledBy is '' where no one led (unbound on Oxigraph)"
    ),
    "/api/views/resources?theme=theme/migrati application/json": f"{ORDER}; {TAG}",
    "/id/resource/discrimination-prejudice-an text/html": CITATION,
    "/id/organisation/university-of-kent text/html": (
        "the sources it is named in come in another order (no ORDER BY) and its identifiers are "
        "listed again among its properties (not analysed)"
    ),
    "/resources?theme=theme/migration text/html": ORDER,
}


def params(cases: list[Any], ids: list[str]) -> list[Any]:
    """``cases`` with their ``ids``, those in ``WRONG`` as strict xfails with its reason."""
    return [
        pytest.param(
            case,
            id=name,
            marks=[pytest.mark.xfail(reason=WRONG[name], strict=True)] if name in WRONG else [],
        )
        for case, name in zip(cases, ids, strict=True)
    ]


@pytest.fixture(scope="module")
def remote_server(built_settings: Settings, virtuoso: str) -> Iterator[LiveServer]:
    server = LiveServer(
        built_settings.store_dir,
        oai_page_size=str(test_oai.PAGE_SIZE),
        **reading_virtuoso(virtuoso),
    )
    yield server
    server.stop()


@pytest.mark.parametrize(("answer"), params(ANSWERS, [f"{a[0][:40]} {a[1]}" for a in ANSWERS]))
def test_the_same_answers_as_the_embedded_store(
    on_disk_server: LiveServer, remote_server: LiveServer, answer: tuple[str, str, str]
) -> None:
    assert_the_same_answers(on_disk_server, remote_server, *answer)


def test_a_wrong_password_gives_503_and_is_never_written(
    built_settings: Settings, virtuoso: str
) -> None:
    wrong = "not-" + ACCOUNT.password
    server = LiveServer(built_settings.store_dir, ready=503, **reading_virtuoso(virtuoso, wrong))
    try:
        query = "/sparql?" + urllib.parse.urlencode({"query": FUNDERS})
        for path in (query, "/api/views/funders", "/id/person/jo-broadwood"):
            status, _, body = fetch(server.url + path)
            assert status == 503, path
            assert b"refused its account (401 Unauthorized): check store_user" in body, path
            assert wrong.encode() not in body
    finally:
        output = server.stop()
    assert f"every query goes to the SPARQL engine at {virtuoso}" in output
    assert wrong not in output and ACCOUNT.password not in output


def test_store_auth_is_basic_or_digest(built_settings: Settings) -> None:
    settings = dataclasses.replace(built_settings, store_url="http://127.0.0.1:1/q")
    with pytest.raises(SettingError, match=r"store_auth must be basic or digest .*not 'ntlm'"):
        next(make_app(dataclasses.replace(settings, store_auth="ntlm")))


def test_a_query_virtuoso_cannot_run_is_refused_in_its_words(remote_server: LiveServer) -> None:
    """The catalogue with every filter at once makes Virtuoso 7.2 write more SQL than it allows
    (SP031): 400, saying the engine refused it, not that the query does not parse (it does)."""
    filters = {
        "theme": "theme/social-cohesion",
        "type": "resource-type/toolkit",
        "from": "2019",
        "to": "2022",
        "author": "person/jo-broadwood",
        "organisation": "organisation/belong",
        "keyword": "cohesion",
    }
    status, _, body = fetch(
        remote_server.url + "/api/views/resources?" + urllib.parse.urlencode(filters),
        {"Accept": "application/json"},
    )
    assert status == 400
    detail = json.loads(body)["detail"]
    assert detail.startswith("The SPARQL engine this server reads refused the query: ")
    assert "SP031" in detail and "10000 lines" in detail
    assert "does not parse" not in detail
