"""A curator's edit from the workbook to the running site: one row added to the Resources sheet
is, after `sheet import` and a quick build, a resource on its own page and in OAI-PMH, served by
the server that was already running (no restart); and still after the full build that follows."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from belong_graph.build import build_quickly, build_store
from belong_graph.settings import Settings
from tests.conftest import LiveServer, fetch
from tests.test_sheets import new_resource, sheet

pytestmark = pytest.mark.integration

TITLE = "Welcoming new arrivals: a guide for councils"
PAGE = "/id/resource/a-new-guide"
OAI = "/oai?verb=ListIdentifiers&metadataPrefix=oai_dc"


def test_a_row_added_in_the_workbook_is_live_once_built(
    live_settings: Settings, own_server: LiveServer, tmp_path: Path
) -> None:
    assert fetch(own_server.url + PAGE)[0] == 404
    data = live_settings.data_paths[0]
    workbook = tmp_path / "library.xlsx"
    assert sheet(data, "export", str(workbook)).exit_code == 0
    book = load_workbook(workbook)
    resources = book["Resources"]
    headers = [str(cell.value) for cell in resources[1]]
    row = new_resource(dict.fromkeys(headers, ""), Title=TITLE)
    resources.append([row[header] for header in headers])
    book.save(workbook)

    imported = sheet(data, "import", str(workbook))
    assert imported.exit_code == 0, imported.output
    quick = build_quickly(live_settings)
    assert quick is not None, "the one-row change did not go live by a quick build"
    served = assert_served(own_server)  # by the quick build: no full build has run
    full = build_store(live_settings)
    assert full.digest != quick.digest
    assert_served(own_server, unlike=served)  # by the full build, its page's ETag another


def assert_served(server: LiveServer, unlike: str = "") -> str:
    """The new resource's page and OAI-PMH record, once the server serves the page with an ETag
    other than ``unlike``; that ETag."""
    deadline = time.monotonic() + 60
    while True:
        answer = fetch(server.url + PAGE, {"Accept": "text/html"})
        if answer[0] == 200 and answer[1]["ETag"] != unlike:
            break
        assert time.monotonic() < deadline, f"the new resource was not served anew: {answer[0]}"
        time.sleep(0.1)
    assert f"<h1>{TITLE}</h1>".encode() in answer[2].replace(b"\n", b"")
    status, _, listing = fetch(server.url + OAI)
    assert status == 200 and b"resource/a-new-guide</oai:identifier>" in listing
    return str(answer[1]["ETag"])
