"""Live reload: a running server serves a new build without a restart, no request failing on
the way, and removes the old build once no request uses it."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.client import HTTPException
from pathlib import Path
from urllib.parse import urlencode

from belong_graph import leases
from belong_graph.build import CURRENT, build_store, current_store_dir
from belong_graph.settings import Settings
from tests.conftest import LiveServer, fetch

NEW_TITLE = "Live Reload Example"
NEW_RESOURCE = f"""
resource:live-reload-example a dcterms:BibliographicResource, schema:LearningResource ;
    dcterms:title "{NEW_TITLE}"@en ;
    dcterms:issued "2024-05"^^xsd:gYearMonth ;
    dcterms:description "A resource added while the server runs."@en ;
    prov:qualifiedAttribution authorship:live-reload-example-1 ;
    dcterms:subject theme:migration ;
    dcterms:type rtype:website ;
    dcterms:isPartOf collection:belong-network-library ;
    prov:wasDerivedFrom source:belong-network-library .

authorship:live-reload-example-1 a bel:Authorship ;
    prov:agent person:julie-walsh ;
    prov:hadRole contribution:author ;
    schema:position 1 ;
    prov:wasDerivedFrom source:belong-network-library .
"""
COUNT = (
    "PREFIX dcterms: <http://purl.org/dc/terms/> "
    "SELECT (COUNT(DISTINCT ?r) AS ?n) { ?r a dcterms:BibliographicResource }"
)
MAX_REQUESTS = 3000
SWITCH_SECONDS = 60  # the longest the test waits for every answer to change


def _count(body: bytes) -> object:
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def _listed(body: bytes) -> object:
    return int(re.search(rb"(\d+) resources", body)[1])  # type: ignore[index]


def _titles(body: bytes) -> object:
    return frozenset(item["resource"]["label"] for item in json.loads(body)["items"])


def _identifiers(body: bytes) -> object:
    return frozenset(re.findall(rb"<oai:identifier>([^<]+)</oai:identifier>", body))


# What each kind of request asks, and what of its answer the new resource changes.
PROBES: dict[str, tuple[str, dict[str, str], Callable[[bytes], object]]] = {
    "sparql": (
        "/sparql?" + urlencode({"query": COUNT}),
        {"Accept": "application/sparql-results+json"},
        _count,
    ),
    "page": ("/resources", {"Accept": "text/html"}, _listed),
    "view": ("/api/views/resources", {"Accept": "application/json"}, _titles),
    "oai": ("/oai?verb=ListIdentifiers&metadataPrefix=oai_dc", {}, _identifiers),
}


@dataclass(frozen=True)
class Seen:
    at: float  # time.time() when the answer had arrived
    probe: str
    status: int
    answer: object


@dataclass
class ClientLoop:
    """Requests, one after another, each kind in turn, until stopped."""

    url: str
    seen: list[Seen] = dataclasses.field(default_factory=list)
    failures: list[str] = dataclasses.field(default_factory=list)
    stop: threading.Event = dataclasses.field(default_factory=threading.Event)

    def run(self) -> None:
        for number in range(MAX_REQUESTS):
            if self.stop.is_set():
                return
            probe = list(PROBES)[number % len(PROBES)]
            path, headers, read = PROBES[probe]
            try:
                status, _, body = fetch(self.url + path, headers, timeout=30)
                self.seen.append(Seen(time.time(), probe, status, read(body)))
            except (OSError, HTTPException, ValueError, TypeError) as error:  # unreadable too
                self.failures.append(f"{probe}: {error!r}")

    def answers(self, probe: str) -> list[object]:
        return [seen.answer for seen in self.seen if seen.probe == probe]


def test_a_new_build_is_served_without_a_restart(
    live_settings: Settings, own_server: LiveServer
) -> None:
    old_folder = current_store_dir(live_settings)
    assert old_folder is not None
    view = own_server.url + PROBES["view"][0]
    _, headers, _ = fetch(view)
    old_etag = headers["ETag"]
    assert fetch(view, {"If-None-Match": old_etag})[0] == 304

    loop = ClientLoop(own_server.url)
    client = threading.Thread(target=loop.run, daemon=True)
    client.start()
    _wait_for(lambda: all(loop.answers(probe) for probe in PROBES), 30)

    with (live_settings.data_paths[0] / "resources.ttl").open("a", encoding="utf-8") as data:
        data.write(NEW_RESOURCE)
    build_store(live_settings)
    moved = os.lstat(live_settings.store_dir / CURRENT).st_mtime
    new_folder = current_store_dir(live_settings)
    assert new_folder != old_folder

    def all_changed() -> bool:
        return all(len(set(loop.answers(probe))) > 1 for probe in PROBES)

    _wait_for(all_changed, SWITCH_SECONDS, lambda: {p: loop.answers(p)[-1] for p in PROBES})
    settled = len(loop.seen) + 2 * len(PROBES)  # a round or two more, to see none go back
    _wait_for(lambda: len(loop.seen) >= settled, 30)
    loop.stop.set()
    client.join(60)

    assert loop.failures == []
    assert {seen.status for seen in loop.seen} == {200}
    for probe in PROBES:
        answers = loop.answers(probe)
        changes = [i for i in range(1, len(answers)) if answers[i] != answers[i - 1]]
        assert len(changes) == 1, (probe, answers)
        _assert_the_change(probe, answers[0], answers[-1])
    first_new = min(seen.at for seen in loop.seen if seen.answer == loop.answers(seen.probe)[-1])
    print(f"\nfirst new answer {first_new - moved:.2f} s after the pointer moved")
    assert first_new - moved < SWITCH_SECONDS

    _wait_for(lambda: not old_folder.exists(), 15)  # closed once its last request ended
    assert sorted(live_settings.store_dir.glob("build-*")) == [new_folder]
    held = {lease.name.split(".")[0] for lease in (new_folder.parent / leases.LEASES).iterdir()}
    assert held == {new_folder.name}  # the server's, on the build it serves
    status, headers, _ = fetch(view, {"If-None-Match": old_etag})
    assert status == 200
    assert headers["ETag"] != old_etag


def _assert_the_change(probe: str, old: object, new: object) -> None:
    """The answer changed by the one new resource."""
    if probe in ("sparql", "page"):
        assert new == old + 1  # type: ignore[operator]
    elif probe == "view":
        assert new - old == {NEW_TITLE}  # type: ignore[operator]
    else:
        assert {i.rsplit(b"/", 1)[-1] for i in new - old} == {b"live-reload-example"}  # type: ignore[operator]


def _wait_for(
    condition: Callable[[], bool], seconds: float, state: Callable[[], object] = lambda: None
) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting; last seen: {state()}"
        time.sleep(0.05)


def test_a_build_is_removed_only_when_no_running_process_holds_it(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    held, crashed, unused, current = (store_dir / f"build-{name}" for name in "abcd")
    for folder in (held, crashed, unused, current):
        folder.mkdir(parents=True)
    lease = leases.hold(held)
    subprocess.run(  # a process that takes a lease and dies without letting it go
        [
            sys.executable,
            "-c",
            f"import pathlib, belong_graph.leases as l; l.hold(pathlib.Path({str(crashed)!r}))",
        ],
        check=True,
    )
    assert leases.held(held) and not leases.held(crashed)

    removed = leases.remove_unused(store_dir, keep={current.resolve()})

    assert sorted(removed) == [crashed, unused]
    assert sorted(store_dir.glob("build-*")) == [held, current]
    assert [p.name.split(".")[0] for p in (store_dir / leases.LEASES).iterdir()] == [held.name]
    leases.release(lease)
    assert leases.remove_unused(store_dir, keep={current.resolve()}) == [held]
