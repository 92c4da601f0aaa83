"""How soon a one-resource edit is live at scale, beside a full build as the peer. Run from
the project folder on a synthetic library:

    .venv/bin/python benchmarks/edit.py /tmp/s4/s3000.ttl --whole pyshacl turbo
    .venv/bin/python benchmarks/edit.py /tmp/s4/s30000.ttl --whole turbo

The library is built in full (the peer), then served (``belong-graph serve`` on a free loopback
port). Two edits follow, one at a time: a changed resource title, and an added resource with two
credits. Each is done as ``sheet import --build`` does it once it has the workbook's Turtle: the
edited file is checked in a copy of the data folder by change validation against the current
build, then written into the data folder with the change ledger, and made live by a quick build.
The time to live runs from the end of the check to the first answer of the resource's page that
shows the edit (files, ledger, quick build and the server's switch to it). Reading the workbook
and wording the change come before the check and are not timed. Then the full build that follows
it, the peer, is timed from its start to the first answer of the page from the full build (a new
ETag).
``--whole`` also times the validation of the whole data by each engine. Times are of the clock
and of this process's processor (the helpers' own is in their log lines): on a shared machine
the clock counts the others' work too. Each build phase is logged by its process as
``name: clock s (CPU s)``.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from belong_graph.build import build_store, check, current_store_dir, go_live_quickly
from belong_graph.phases import log_like
from belong_graph.settings import Settings
from belong_graph.sheets.importer import update_ledger

CLI = [sys.executable, "-m", "belong_graph"]
NEW_SLUG = "a-curators-new-guide"

NEW_RESOURCE = """
resource:a-curators-new-guide a dcterms:BibliographicResource, schema:HowTo ;
    dcterms:title "A curator's new guide"@en ;
    dcterms:description "Added by a curator, with two credits."@en ;
    dcterms:issued "2024-03"^^xsd:gYearMonth ;
    dcterms:type rtype:toolkit ;
    dcterms:subject theme:integration ;
    prov:qualifiedAttribution authorship:a-curators-new-guide-1, authorship:a-curators-new-guide-2 ;
    prov:wasDerivedFrom source:synthetic .
authorship:a-curators-new-guide-1 a bel:Authorship ; prov:agent person:julie-walsh ;
    prov:hadRole contribution:author ; schema:position 1 ; prov:wasDerivedFrom source:synthetic .
authorship:a-curators-new-guide-2 a bel:Authorship ; prov:agent person:dominic-abrams ;
    prov:hadRole contribution:author ; schema:position 2 ; prov:wasDerivedFrom source:synthetic .
"""


def retitle(text: str) -> str:
    """``text`` with its first resource's title changed."""
    resource = r'(a dcterms:BibliographicResource\b.*\n    dcterms:title "[^"]*)"@en'
    return re.sub(resource, r'\1 (2nd edition)"@en', text, count=1)


def first_resource(text: str) -> str:
    found = re.search(r"^resource:(\S+) a dcterms:BibliographicResource\b", text, re.MULTILINE)
    assert found is not None, "no resource in the library"
    return found.group(1)


EDITS: dict[str, tuple[Callable[[str], str], Callable[[str], tuple[str, str]]]] = {
    # the edit, and the page and the words on it that show it is live
    "title changed": (retitle, lambda text: (first_resource(text), "(2nd edition)")),
    "resource added with credits": (
        lambda text: text + NEW_RESOURCE,
        lambda text: (NEW_SLUG, "A curator&#39;s new guide"),
    ),
}


def timed(work: Callable[[], object]) -> str:
    """How long ``work`` took, of the clock and of this process's processor."""
    start, cpu = time.perf_counter(), time.process_time()
    work()
    return f"{time.perf_counter() - start:.1f} s (CPU {time.process_time() - cpu:.1f} s)"


def until_shown(
    port: int, slug: str, words: str, *, since: float, unlike: str = ""
) -> tuple[float, str]:
    """Seconds from ``since`` to the first answer of the resource's page that has ``words`` and
    an ETag other than ``unlike`` (a page of another build), and that ETag."""
    url = f"http://127.0.0.1:{port}/id/resource/{slug}"
    request = urllib.request.Request(url, headers={"Accept": "text/html"})
    while True:
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                etag = str(response.headers["ETag"])
                if words in response.read().decode() and etag != unlike:
                    return time.perf_counter() - since, etag
        except urllib.error.HTTPError:
            pass  # not there yet
        if time.perf_counter() - since > 600:
            raise TimeoutError(f"{slug} did not show the edit within 600 s")
        time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(where: dict[str, Path], port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "BELONG_DATA_PATHS": str(where["data_paths"]),
        "BELONG_STORE_DIR": str(where["store_dir"]),
        "BELONG_CHANGES_FILE": str(where["changes_file"]),
        "BELONG_QUERY_BUDGET": "0",
        "BELONG_REQUEST_LIMIT": "0",
    }
    server = subprocess.Popen([*CLI, "serve", "--port", str(port)], env=env)
    until_up(port)
    return server


def until_up(port: int) -> None:
    deadline = time.monotonic() + 300
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("library", type=Path, help="a synthetic library (Turtle)")
    parser.add_argument(
        "--whole",
        nargs="*",
        default=[],
        choices=["pyshacl", "turbo"],
        help="engines to time on the whole data",
    )
    args = parser.parse_args()
    log_like(logging.INFO)
    with tempfile.TemporaryDirectory(prefix="edit-bench-") as folder:
        data = Path(folder) / "data" / "library.ttl"
        staged = Path(folder) / "staging" / "data" / "library.ttl"  # what sheet import checks
        for path in (data, staged):
            path.parent.mkdir(parents=True)
        shutil.copyfile(args.library, data)
        where = {
            "data_paths": data.parent,
            "store_dir": Path(folder) / "store",
            "changes_file": Path(folder) / "record-dates.tsv",
        }
        loaded = {**where, "data_paths": (data.parent,)}
        settings, turbo = Settings.load(loaded), Settings.load({**loaded, "validator": "turbo"})
        staging = replace(settings, data_paths=(staged.parent,))
        print(f"# {args.library.name}")
        print(f"full build (turbo validation): {timed(lambda: build_store(turbo))}")
        for engine in args.whole:
            whole = Settings.load({**loaded, "validator": engine})
            print(f"whole validation, {engine}: {timed(lambda: check(whole))} (parse included)")  # noqa: B023
        port = free_port()
        server = serve(where, port)
        try:
            for name, (edit, shown) in EDITS.items():
                text = edit(data.read_text())
                staged.write_text(text)
                since = current_store_dir(settings)
                assert since is not None
                start, cpu = time.perf_counter(), time.process_time()
                checked = check(staging, since=since)
                print(
                    f"{name}: change validation, pySHACL: {time.perf_counter() - start:.1f} s "
                    f"(CPU {time.process_time() - cpu:.1f} s, parse included)"
                )
                start = time.perf_counter()
                data.write_text(text)  # then what sheet import does after its check
                update_ledger(settings, checked)
                quick = go_live_quickly(settings, checked, since)
                built = time.perf_counter() - start
                assert quick is not None, f"{name}: the change did not fit a quick build"
                live, served = until_shown(port, *shown(text), since=start)
                print(
                    f"{name}: files, ledger and quick build {built:.1f} s; "
                    f"live on its page {live:.1f} s after the check"
                )
                start = time.perf_counter()
                build_store(settings)
                built = time.perf_counter() - start
                live, _ = until_shown(port, *shown(text), since=start, unlike=served)
                print(
                    f"{name}: full build (the peer) {built:.1f} s; "
                    f"its page served from it {live:.1f} s after it began"
                )
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
