"""Refreshing a copy of a build's indexes (oai.sqlite, catalogue.sqlite) for the entities that
changed, as a quick build does: the refreshed files hold what indexes written afresh from the
changed library hold (their ids aside), having read only those entities.

The library is the real one, built as the build does (parse, rules, change dates), and a
changed copy of its curated data: a title, a theme and a date changed, a resource deleted
(which the change ledger keeps as a deleted OAI-PMH item) and a new one added, whose positions
the rules derive."""

from __future__ import annotations

import shutil
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

from belong_graph.build import parse
from belong_graph.changes import add_change_dates
from belong_graph.derive import apply_rules
from belong_graph.namespaces import DCTERMS, XSD
from belong_graph.publish import catalogue_index, oai_index
from belong_graph.settings import Settings
from belong_graph.store import DatasetVersion, OxigraphStore
from tests.conftest import BASE

RESOURCE = BASE + "id/resource/"
THEME = BASE + "id/theme/"
RETITLED = RESOURCE + "cultivating-contact"
RETHEMED = RESOURCE + "everybodys-business"
REDATED = RESOURCE + "supporting-migrant-communities"
DELETED = RESOURCE + "ncvo-guidance-on-impact-and-evaluation"
ADDED = RESOURCE + "zephyrs-a-new-guide"
OAI_TABLES = {
    "items": "SELECT iri, datestamp, deleted, sets FROM items",
    "memberships": "SELECT spec, iri FROM memberships",
    "sets": "SELECT spec, name FROM sets",
    "summary": "SELECT name, value FROM summary",
}
CATALOGUE_TABLES = {  # by IRI, not by the index's own ids
    "resources": "SELECT iri, newest, oldest, title FROM resources",
    "facts": "SELECT kind, value, iri FROM facts JOIN resources ON id = resource",
    "terms": "SELECT year, value FROM terms",
    "counted": "SELECT iri, year, value FROM counted JOIN resources ON id = resource"
    " JOIN terms ON terms.rowid = term",
}
Contents = dict[str, Counter[tuple[object, ...]]]


@dataclass(frozen=True)
class Library:
    """A built library and its two indexes, written afresh."""

    quads: ox.Store
    store: OxigraphStore
    oai: Path
    catalogue: Path


def built(quads: Iterable[ox.Quad], settings: Settings, folder: Path) -> Library:
    """The store the build makes of curated ``quads`` (rules, then change dates), and its
    indexes written into ``folder``."""
    store = ox.Store()
    store.extend(quads)
    apply_rules(store, settings.rules_dir, into=settings.derived_graph_iri())
    add_change_dates(store, settings)
    library = OxigraphStore(store, DatasetVersion("test", "2026-01-01T00:00:00+00:00", len(store)))
    folder.mkdir()
    oai_index.write_index(library, folder / oai_index.INDEX_FILE, base_iri=BASE)
    catalogue_index.write_index(library, folder / catalogue_index.INDEX_FILE)
    return Library(
        store, library, folder / oai_index.INDEX_FILE, folder / catalogue_index.INDEX_FILE
    )


def changed(quads: list[ox.Quad]) -> list[ox.Quad]:
    """``quads`` with a title, a theme and a date changed, a resource gone and one added."""
    title, subject, issued = (
        ox.NamedNode(str(p)) for p in (DCTERMS.title, DCTERMS.subject, DCTERMS.issued)
    )
    edits = {
        (RETITLED, title): ox.Literal("Zephyrs Galore: A Guide", language="en"),
        (RETHEMED, subject): ox.NamedNode(THEME + "kindness"),
        (REDATED, issued): ox.Literal("2025-11", datatype=ox.NamedNode(str(XSD.gYearMonth))),
    }
    result = []
    for quad in quads:
        if ox.NamedNode(DELETED) in (quad.subject, quad.object):
            continue
        key = (quad.subject.value, quad.predicate)
        if key in edits:
            quad = ox.Quad(quad.subject, quad.predicate, edits.pop(key), quad.graph_name)
        result.append(quad)
        if quad.subject == ox.NamedNode(RETITLED):  # the new resource: a copy, with its title
            obj = (
                ox.Literal("A New Guide", language="en") if quad.predicate == title else quad.object
            )
            result.append(ox.Quad(ox.NamedNode(ADDED), quad.predicate, obj, quad.graph_name))
    assert not edits  # each edit found its statement
    return result


def differing_subjects(before: ox.Store, after: ox.Store) -> set[str]:
    """The IRIs of the subjects of every statement one store holds and the other does not:
    the entities a quick build finds changed (the edited ones, and those the rules and the
    change dates give other statements, such as positions moved by the added resource)."""
    subjects = set()
    for one, other in ((before, after), (after, before)):
        for quad in one:
            if isinstance(quad.subject, ox.NamedNode) and quad not in other:
                subjects.add(quad.subject.value)
    return subjects


def contents(path: Path, tables: dict[str, str]) -> Contents:
    """The rows of each of ``tables`` (a name and its query) at ``path``, in any order."""
    with closing(sqlite3.connect(path)) as connection:
        return {name: Counter(connection.execute(sql)) for name, sql in tables.items()}


def refreshed(path: Path, folder: Path, refresh: Callable[[Path], None]) -> Path:
    """A copy of the index at ``path`` in ``folder``, refreshed by ``refresh``."""
    copy = folder / path.name
    shutil.copyfile(path, copy)
    refresh(copy)
    return copy


@pytest.fixture(scope="module")
def project() -> Settings:
    """The project's own settings: its data, rules and change ledger."""
    return Settings.load()


@pytest.fixture(scope="module")
def curated(project: Settings) -> list[ox.Quad]:
    return list(parse(project).store)


@pytest.fixture(scope="module")
def before(
    project: Settings, curated: list[ox.Quad], tmp_path_factory: pytest.TempPathFactory
) -> Library:
    return built(curated, project, tmp_path_factory.mktemp("before") / "build")


@pytest.fixture(scope="module")
def after(
    project: Settings, curated: list[ox.Quad], tmp_path_factory: pytest.TempPathFactory
) -> Library:
    return built(changed(curated), project, tmp_path_factory.mktemp("after") / "build")


@pytest.fixture(scope="module")
def changes(before: Library, after: Library) -> set[str]:
    found = differing_subjects(before.quads, after.quads)
    assert {RETITLED, RETHEMED, REDATED, DELETED, ADDED} <= found
    return found


def refreshed_as_fresh(
    old: Path, fresh: Path, tables: dict[str, str], refresh: Callable[[Path], None], folder: Path
) -> Path:
    """A copy of the index ``old``, refreshed: it holds what ``fresh`` holds, and did not."""
    assert contents(old, tables) != contents(fresh, tables)
    copy = refreshed(old, folder, refresh)
    assert contents(copy, tables) == contents(fresh, tables)
    return copy


def test_a_refreshed_oai_index_holds_what_one_written_afresh_holds(
    before: Library, after: Library, changes: set[str], tmp_path: Path
) -> None:
    def refresh(path: Path) -> None:
        oai_index.refresh_index(after.store, path, changes, base_iri=BASE)

    copy = refreshed_as_fresh(before.oai, after.oai, OAI_TABLES, refresh, tmp_path)
    with oai_index.OaiIndex(copy) as index, oai_index.OaiIndex(before.oai) as earlier:
        assert index.summary("fingerprint") != earlier.summary("fingerprint")
        gone, new, rethemed = (index.item(iri) for iri in (DELETED, ADDED, RETHEMED))
        assert gone is not None and gone.deleted and not gone.sets
        assert new is not None and not new.deleted and new.sets
        assert rethemed is not None and "theme:kindness" in rethemed.sets
    with oai_index.OaiIndex(after.oai) as index, oai_index.OaiIndex(copy) as refreshed_index:
        assert refreshed_index.summary("fingerprint") == index.summary("fingerprint")


def test_a_refreshed_catalogue_index_holds_what_one_written_afresh_holds(
    before: Library, after: Library, changes: set[str], tmp_path: Path
) -> None:
    def refresh(path: Path) -> None:
        catalogue_index.refresh_index(after.store, path, changes)

    copy = refreshed_as_fresh(
        before.catalogue, after.catalogue, CATALOGUE_TABLES, refresh, tmp_path
    )
    iris = [iri for iri, *_ in contents(copy, CATALOGUE_TABLES)["resources"]]
    assert ADDED in iris and DELETED not in iris
    with catalogue_index.CatalogueIndex(copy) as index:
        kindness = {"theme": ox.NamedNode(THEME + "kindness")}
        assert RETHEMED in (index.matches(kindness, first=20) or [])


def test_a_resource_whose_values_alone_changed_is_all_a_refresh_reads(
    project: Settings, curated: list[ox.Quad], before: Library, tmp_path: Path
) -> None:
    """A theme changed moves no position: refreshed for that resource alone, both indexes
    hold what they would written afresh, and the catalogue keeps every resource's id."""
    subject = ox.NamedNode(str(DCTERMS.subject))
    old_theme = next(q for q in curated if q.subject.value == RETHEMED and q.predicate == subject)
    new_theme = ox.Quad(
        old_theme.subject, subject, ox.NamedNode(THEME + "kindness"), old_theme.graph_name
    )
    quads = [new_theme if q == old_theme else q for q in curated]
    after = built(quads, project, tmp_path / "after")
    differing = differing_subjects(before.quads, after.quads)
    assert {iri for iri in differing if iri.startswith(RESOURCE)} == {RETHEMED}

    def refresh_oai(path: Path) -> None:
        oai_index.refresh_index(after.store, path, {RETHEMED}, base_iri=BASE)

    def refresh_catalogue(path: Path) -> None:
        catalogue_index.refresh_index(after.store, path, [RETHEMED])

    refreshed_as_fresh(before.oai, after.oai, OAI_TABLES, refresh_oai, tmp_path)
    catalogue = refreshed_as_fresh(
        before.catalogue, after.catalogue, CATALOGUE_TABLES, refresh_catalogue, tmp_path
    )
    ids = "SELECT id, iri FROM resources"
    assert contents(catalogue, {"ids": ids}) == contents(before.catalogue, {"ids": ids})


def test_a_refresh_of_nothing_leaves_the_indexes_as_they_were(
    before: Library, tmp_path: Path
) -> None:
    def refresh_oai(path: Path) -> None:
        oai_index.refresh_index(before.store, path, set(), base_iri=BASE)

    def refresh_catalogue(path: Path) -> None:
        catalogue_index.refresh_index(before.store, path, set())

    oai = refreshed(before.oai, tmp_path, refresh_oai)
    assert contents(oai, OAI_TABLES) == contents(before.oai, OAI_TABLES)
    catalogue = refreshed(before.catalogue, tmp_path, refresh_catalogue)
    tables = CATALOGUE_TABLES | {"ids": "SELECT id, iri FROM resources"}
    assert contents(catalogue, tables) == contents(before.catalogue, tables)
