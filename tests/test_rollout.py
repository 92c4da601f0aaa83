"""A new build rolled out across replicas as the README's *Replicas* says, while a client loop
runs through HAProxy: the new build made in a store folder of its own from data with one title
changed, loaded into a new Oxigraph directory and served by two new read-only servers; HAProxy
reloaded with them as its engines and the old ones kept for the old version's queries; then the
applications' ``current`` moved with one rename (`belong-graph deploy current`); once both serve
the new version and the old build has no request left, HAProxy reloaded without the old engines,
which are stopped. No request fails, and each answer is wholly the old one (old graph, old
version) or wholly the new one."""

from __future__ import annotations

import dataclasses
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from belong_graph.build import current_store_dir
from belong_graph.cli import main
from belong_graph.deploy import Previous
from belong_graph.settings import Settings
from belong_graph.store import DatasetVersion
from tests.conftest import LiveServer, copied_build, copy_project_data, fetch
from tests.test_remote import OxigraphServer, loaded  # noqa: F401 (a fixture)
from tests.test_replicas import (  # noqa: F401 (balancer, engines and replicas: fixtures)
    Answer,
    Balancer,
    Client,
    balancer,
    engines,
    replicas,
    serving,
    two_engines,
)

pytestmark = pytest.mark.integration

OLD_TITLE = "Supporting Migrant Communities: A resource for practitioners"  # seed 003
NEW_TITLE = "Supporting Migrant Communities: A guide for practitioners"
TITLE = (
    "SELECT ?title WHERE { <https://data.belongnetwork.co.uk/id/resource/"
    "supporting-migrant-communities> <http://purl.org/dc/terms/title> ?title }"
)
ROUTES = [  # (path, Accept, words of the title)
    ("/id/resource/supporting-migrant-communities", "text/html", "Supporting Migrant"),
    ("/api/views/resources?theme=theme/migration", "application/json", "Supporting Migrant"),
    ("/sparql?" + urllib.parse.urlencode({"query": TITLE}), "text/csv", "Supporting Migrant"),
]
REQUESTS = 2000  # the client loop's bound (stopped well before; 30 s at most a request)
STEP = 60  # requests between two steps of the rollout
CLIENTS = 3


@pytest.fixture(scope="module")
def store(
    built_settings: Settings, build_folder: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The applications' store folder: a copy of the build of the real library, `current`."""
    copied = copied_build(built_settings, build_folder, tmp_path_factory.mktemp("apps"))
    return copied.store_dir


@pytest.fixture(scope="module")
def apps(store: Path, balancer: Balancer) -> Iterator[list[LiveServer]]:  # noqa: F811
    with serving(store, balancer, query_budget="0", request_limit="0") as servers:
        yield servers


@pytest.fixture(scope="module")
def new_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Step 1: the real library with one title changed, built by `belong-graph build` in a store
    folder of its own; the new build's folder."""
    root = tmp_path_factory.mktemp("new")
    data = copy_project_data(root / "data")
    resources = data / "resources.ttl"
    text = resources.read_text(encoding="utf-8")
    assert text.count(f'"{OLD_TITLE}"@en') == 1
    resources.write_text(text.replace(OLD_TITLE, NEW_TITLE), encoding="utf-8")
    env = {
        "BELONG_STORE_DIR": str(root / "store"),
        "BELONG_DATA_PATHS": str(data),
        "BELONG_CHANGES_FILE": str(data / "changes" / "record-dates.tsv"),
    }
    done = CliRunner().invoke(main, ["build", "--full-only"], env=env)
    assert done.exit_code == 0, done.output
    folder = current_store_dir(Settings.load({"store_dir": root / "store"}))
    assert folder is not None
    return folder


@pytest.fixture(scope="module")
def new_engines(
    new_build: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[OxigraphServer]]:
    """Steps 1 and 2: the new build loaded into a new directory, and two read-only servers on
    it."""
    target = tmp_path_factory.mktemp("engine") / "green"
    command = ["engine", "load", "oxigraph", str(new_build.parent / "current"), str(target)]
    done = CliRunner().invoke(main, command)
    assert done.exit_code == 0, done.output
    with two_engines(target) as servers:
        yield servers


def test_a_new_build_rolls_out_across_the_replicas_while_clients_read(
    balancer: Balancer,  # noqa: F811
    apps: list[LiveServer],
    engines: list[OxigraphServer],  # noqa: F811
    new_engines: list[OxigraphServer],
    new_build: Path,
    store: Path,
    build_folder: Path,
) -> None:
    site = f"http://127.0.0.1:{balancer.replicas.port}"
    host = site.removeprefix("http://")
    old, new = DatasetVersion.read(build_folder).digest, DatasetVersion.read(new_build).digest
    kept = f"engines-{old}"  # the old engines' backend during the rollout
    before = answers(site, host)
    assert all(OLD_TITLE in body.decode() for body, _ in before.values())
    for app in apps:
        assert answers(app.url, host) == before
    assert balancer.addresses("engines") == named(engines)
    rollout = dataclasses.replace(
        balancer.replicas,
        engines=addresses(new_engines),
        previous=(Previous(old, addresses(engines)),),
    )

    client = Client(site, ROUTES)
    threads = client.run(REQUESTS, CLIENTS)
    try:
        client.wait_for(STEP)
        # Step 3: HAProxy reloaded with the new engines as its own and the old ones kept for the
        # queries of the old version, which the applications still serve.
        reloaded_at = time.monotonic()
        balancer.reload(rollout)
        new_worker_at = wait_until(
            lambda: balancer.addresses(kept) == named(engines), "HAProxy's reload"
        )
        assert balancer.addresses("engines") == named(new_engines)
        between = answers(site, host)
        client.wait_for(client.done() + STEP)
        asked_before_the_switch = balancer.answered("engines"), balancer.answered(kept)
        # Step 4: the new build copied beside the applications' and `current` moved to it.
        deploy_current(store, new_build.parent / "current")
        renamed_at = time.monotonic()
        switched_at = max(
            wait_until(lambda app=app: health(app) == new, f"{app.url}'s switch") for app in apps
        )
        # Step 5: once no request reads the old build (each application removes its folder when
        # its last one has ended), HAProxy reloaded without the old engines, which are stopped.
        old_build_gone_at = wait_until(
            lambda: not (store / build_folder.name).exists(), "the old build's last request"
        )
        forgotten_at = time.monotonic()
        balancer.reload(dataclasses.replace(rollout, previous=()))
        wait_until(lambda: kept not in balancer.backends(), "HAProxy's second reload")
        served = client.done()
        for engine in engines:  # the old engines stopped, by their pid
            engine.stop()
        client.wait_for(served + STEP)
    finally:
        client.stopped.set()
        for thread in threads:
            thread.join(60)
    after = answers(site, host)

    # Every replica, and each application asked directly, gives the new title and a new ETag;
    # only the new engines are asked, each of them.
    assert all(NEW_TITLE in body.decode() for body, _ in after.values())
    assert all(after[path][1] != before[path][1] for path in after)
    for app in apps:
        assert answers(app.url, host) == after
    assert balancer.addresses("engines") == named(new_engines)
    assert all(n > 0 for n in balancer.answered("engines").values())
    assert old in before[ROUTES[0][0]][0].decode() and new in after[ROUTES[0][0]][0].decode()
    # After the first reload, and until the switch, the old version's queries went to the old
    # engines alone: the answers are the old ones, and the new engines were asked nothing.
    assert between == before
    assert asked_before_the_switch[0] == {"engine1": 0, "engine2": 0}
    assert all(n > 0 for n in asked_before_the_switch[1].values())

    assert len(client.answers) >= 4 * STEP
    times = {"reloaded": reloaded_at, "renamed": renamed_at, "forgotten": forgotten_at}
    assert [a for a in client.answers if a.status != 200] == [], times
    kinds = {a: kind(a, before, after) for a in client.answers}
    assert [a for a in client.answers if kinds[a] is None] == []  # no gap, no mixed page
    olds, news = ([a for a in client.answers if kinds[a] == k] for k in ("old", "new"))
    # Old answers until the applications' switch (a request begun before it may end after),
    # new ones only from the rename, and only new ones once both applications have switched.
    assert olds and news
    assert max(a.started for a in olds) < switched_at
    assert min(a.ended for a in news) > renamed_at
    assert all(kinds[a] == "new" for a in client.answers if a.started > switched_at)
    print(  # for the README (pytest -s)
        f"HAProxy's new worker serving {new_worker_at - reloaded_at:.2f} s after the reload; "
        f"rename to the last switch {switched_at - renamed_at:.2f} s; the old build's last "
        f"request {old_build_gone_at - switched_at:.2f} s after it; {len(olds)} old answers, "
        f"{len(news)} new, {sum(1 for a in olds if a.ended > renamed_at)} old ones ended after "
        "the rename"
    )


Answers = dict[str, tuple[bytes, str]]  # each route's body and ETag


def deploy_current(store: Path, build: Path) -> str:
    """`belong-graph deploy current BUILD` for the store folder ``store``; what it said."""
    done = CliRunner().invoke(
        main, ["deploy", "current", str(build)], env={"BELONG_STORE_DIR": str(store)}
    )
    assert done.exit_code == 0, done.output
    return done.output


def answers(url: str, host: str) -> Answers:
    """Each route's body and ETag from ``url`` (HAProxy, or an application asked directly)."""
    found = {}
    for path, accept, words in ROUTES:
        status, headers, body = fetch(url + path, {"Accept": accept, "Host": host})
        assert (status, words in body.decode()) == (200, True), (url, path)
        found[path] = (body, headers["ETag"])
    return found


def addresses(servers: list[OxigraphServer]) -> tuple[str, ...]:
    return tuple(s.url.removeprefix("http://").removesuffix("/query") for s in servers)


def named(servers: list[OxigraphServer]) -> dict[str, str]:
    """The engines' addresses by their names in HAProxy's configuration."""
    return {f"engine{i}": address for i, address in enumerate(addresses(servers), 1)}


def wait_until(ready: Callable[[], bool], what: str, timeout: float = 30) -> float:
    """Poll ``ready`` until it is true; the time it became so."""
    deadline = time.monotonic() + timeout
    while not ready():
        assert time.monotonic() < deadline, f"{what} did not happen in time"
        time.sleep(0.02)
    return time.monotonic()


def kind(answer: Answer, before: Answers, after: Answers) -> str | None:
    """Which answer of its route an answer is: the old one, the new one, or neither."""
    for name, answered in (("old", before), ("new", after)):
        if (answer.body, answer.etag) == answered[answer.path]:
            return name
    return None


def health(app: LiveServer) -> str:
    """The dataset version ``app`` serves (its /health)."""
    status, _, body = fetch(app.url + "/health")
    assert status == 200
    return body.decode().strip()


def test_deploy_current_copies_a_build_beside_the_served_one_then_moves_current(
    built_settings: Settings, build_folder: Path, tmp_path: Path
) -> None:
    served = copied_build(built_settings, build_folder, tmp_path / "served").store_dir
    other = copied_build(built_settings, build_folder, tmp_path / "next").store_dir
    new = other / "build-next"
    (other / build_folder.name).rename(new)
    (other / "current").unlink()
    (other / "current").symlink_to(new.name)
    digest = DatasetVersion.read(build_folder).digest

    said = deploy_current(served, other / "current")
    assert said == f"{served / 'current'} -> build-next, version {digest}\n"
    assert (served / "current").resolve() == served / "build-next"
    assert sorted(p.name for p in served.iterdir()) == sorted(
        [".leases", "current", "build-next", build_folder.name]
    )
    assert list((served / ".leases").iterdir()) == []  # the copy's lease let go once current
    assert (new / "version.json").read_bytes() == (
        served / "build-next" / "version.json"
    ).read_bytes()

    deploy_current(served, served / build_folder.name)  # one already there: the pointer alone
    assert (served / "current").resolve() == served / build_folder.name


def test_deploy_current_refuses_what_is_no_build_and_changes_nothing(
    built_settings: Settings, build_folder: Path, tmp_path: Path
) -> None:
    served = copied_build(built_settings, build_folder, tmp_path / "served").store_dir
    half = tmp_path / "build-half"
    half.mkdir()
    (half / "dataset.nq").write_text("")
    done = CliRunner().invoke(
        main, ["deploy", "current", str(half)], env={"BELONG_STORE_DIR": str(served)}
    )
    assert done.exit_code == 1
    assert f"No built store at {half}" in done.output
    assert (served / "current").resolve() == served / build_folder.name
    assert not (served / "build-half").exists()
