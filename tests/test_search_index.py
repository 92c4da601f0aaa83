"""The keyword search's index, which the build writes beside the store (search.sqlite): what it
finds, that the views answer with it exactly what reading every text answers, that the server
does use it (a copy of a build whose index was changed by hand) but keeps its own check, and
that each build writes its own.

Expected resources come from the seed document 003 (the Belong Network Library listing): the
titles and descriptions of its ten resources, as the catalogue's keyword reads them."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from belong_graph.build import build_store, current_store_dir
from belong_graph.catalogue import read_query, with_candidates
from belong_graph.publish import search_index
from belong_graph.publish.search_index import INDEX_FILE, SearchIndex, write_index
from belong_graph.settings import PROJECT_ROOT, Settings
from belong_graph.sparql.results import items, select
from belong_graph.store import DatasetVersion, OxigraphStore
from tests.conftest import BASE, copied_build, copy_project_data, make_app
from tests.test_oai import SEED_SLUGS

RESOURCE = BASE + "id/resource/"
BEL = "https://data.belongnetwork.co.uk/ontology#"
COHESION = [  # newest first: the title of one, "belong – the cohesion and integration network"
    "discrimination-prejudice-and-cohesion",
    "everybodys-business",
]
FOUND = {  # keyword -> the seed resources whose title or description holds it, newest first
    "cohesion": COHESION,
    "BRADFORD": [  # in a title, and in a description's list of the five pilot areas
        "independent-evaluations-of-the-integration-area-programme",
        "a-bradford-for-everyone-programme-evaluation-report",
    ],
    "Everybody’s": ["everybodys-business-online-launch-webinar", "everybodys-business"],
    "uk": ["supporting-migrant-communities"],  # two letters: "the work ... in the uk"
    "ncvo": ["ncvo-guidance-on-impact-and-evaluation"],
    "quantum": [],
}


def view(client: FlaskClient, name: str, **values: str) -> list[dict[str, Any]]:
    answer = client.get(f"/api/views/{name}", query_string=values)
    assert answer.status_code == 200, answer.data
    found: list[dict[str, Any]] = json.loads(answer.data)["items"]
    return found


def slugs(found: list[dict[str, Any]]) -> list[str]:
    return [item["resource"]["id"].removeprefix(RESOURCE) for item in found]


def scanned(library: OxigraphStore, name: str, keyword: str) -> list[dict[str, Any]]:
    """The view's answer where every resource's text is read (no candidates bound)."""
    canned = read_query(PROJECT_ROOT / "queries" / f"{name}.rq")
    query = canned.query_for(canned.bind({"keyword": keyword}, BASE))
    return items(select(library, query))


def unordered(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``found`` with each list of types and themes as a set: the order of a GROUP_CONCAT is
    the store's, which differs between this process's copy and the server's."""
    return [
        {k: set(v.split("; ")) if k in ("types", "themes") else v for k, v in item.items()}
        for item in found
    ]


def test_the_build_indexes_every_library_resources_text(build_folder: Path) -> None:
    with closing(sqlite3.connect(build_folder / INDEX_FILE)) as connection:
        rows = dict(connection.execute("SELECT iri, text FROM texts").fetchall())
    assert sorted(iri.removeprefix(RESOURCE) for iri in rows) == sorted(SEED_SLUGS)
    assert rows[RESOURCE + "cultivating-contact"].startswith(
        "cultivating contact: a guide to building bridges and meaningful connections"
    )


def test_candidates_are_the_texts_that_hold_the_keyword_in_any_case(build_folder: Path) -> None:
    with SearchIndex(build_folder / INDEX_FILE) as index:
        for keyword, expected in FOUND.items():
            found = index.candidates(keyword)
            if len(keyword) < search_index.SHORTEST:
                assert found is None  # no trigram to look up: the view reads every text
            else:
                assert found is not None
                assert sorted(iri.removeprefix(RESOURCE) for iri in found) == sorted(expected)
        assert index.candidates('" OR "') == []  # a quote is a character of the phrase


@pytest.mark.parametrize("keyword", list(FOUND))
def test_the_views_answer_what_reading_every_text_answers(
    client: FlaskClient, library: OxigraphStore, keyword: str
) -> None:
    listed = view(client, "resources", keyword=keyword)
    assert slugs(listed) == FOUND[keyword]
    assert unordered(listed) == unordered(scanned(library, "resources", keyword))
    assert view(client, "facets", keyword=keyword) == scanned(library, "facets", keyword)


def test_the_catalogue_page_searches_with_the_index(client: FlaskClient) -> None:
    page = client.get("/resources", query_string={"keyword": "Cohesion"}).get_data(as_text=True)
    assert "Discrimination, Prejudice and Cohesion" in page
    assert "Everybody’s Business: the role that business can play" in page
    assert "Cultivating Contact" not in page


def test_the_server_takes_the_candidates_of_its_builds_index_and_checks_them(
    built_settings: Settings, build_folder: Path, tmp_path: Path
) -> None:
    """A copy of the build whose index leaves out one resource that holds "cohesion" and names
    one that does not: the first is no longer found (the index was asked), the second is not
    listed (each candidate's text is still checked)."""
    settings = copied_build(built_settings, build_folder, tmp_path)
    copy = tmp_path / "store" / build_folder.name / INDEX_FILE
    with closing(sqlite3.connect(copy)) as connection:
        connection.execute("DELETE FROM texts WHERE iri = ?", (RESOURCE + COHESION[0],))
        connection.execute(
            "UPDATE texts SET text = 'cohesion' WHERE iri = ?", (RESOURCE + "cultivating-contact",)
        )
        connection.commit()
    for app in make_app(settings):
        client = app.test_client()
        assert slugs(view(client, "resources", keyword="cohesion")) == COHESION[1:]
        counts = view(client, "facets", keyword="cohesion")
        assert {"facet": "year", "value": "2022", "resources": 1} in counts
        assert slugs(view(client, "resources", keyword="uk")) == FOUND["uk"]  # read, not looked up


def test_a_build_without_an_index_reads_every_text(
    built_settings: Settings, build_folder: Path, tmp_path: Path
) -> None:
    settings = copied_build(built_settings, build_folder, tmp_path, INDEX_FILE)
    for app in make_app(settings):
        assert slugs(view(app.test_client(), "resources", keyword="cohesion")) == COHESION


def test_the_endpoint_runs_a_users_query_as_written(client: FlaskClient) -> None:
    """A ``# @search`` line in a query sent to /sparql is a comment: nothing is bound there."""
    query = (
        f"SELECT ?resource WHERE {{\n  # @search\n  ?resource <{BEL}searchText> ?text\n"
        '  FILTER (CONTAINS(?text, "cohesion"))\n}'
    )
    answer = client.get("/sparql", query_string={"query": query}, headers={"Accept": "text/csv"})
    assert answer.status_code == 200, answer.data
    found = answer.get_data(as_text=True).split()[1:]
    assert sorted(iri.removeprefix(RESOURCE) for iri in found) == COHESION


def test_candidates_are_bound_to_the_resource_at_the_search_line() -> None:
    canned = read_query(PROJECT_ROOT / "queries" / "resources.rq")
    query = canned.query_for(canned.bind({"keyword": "cohesion"}, BASE))
    bound = with_candidates(query, [ox.NamedNode(RESOURCE + slug) for slug in COHESION])
    values = f"VALUES ?resource {{ <{RESOURCE}{COHESION[0]}> <{RESOURCE}{COHESION[1]}> }}"
    assert "# @search" not in bound
    assert f"{values}\n          FILTER (BOUND(?keyword))" in bound


def test_a_keyword_in_too_many_texts_is_left_to_the_scan(tmp_path: Path) -> None:
    """Past a fifth of the texts (or 100), the index names no candidates; non-ASCII letters
    are found in any case."""
    store = ox.Store()
    text = ox.NamedNode(BEL + "searchText")
    for number in range(150):
        words = f"common words, number {number}" + (" — la société" if number < 3 else "")
        store.add(ox.Quad(ox.NamedNode(f"{RESOURCE}r{number}"), text, ox.Literal(words)))
    path = tmp_path / INDEX_FILE
    write_index(OxigraphStore(store, DatasetVersion("x", "2026-01-01", 150, ())), path)
    with SearchIndex(path) as index:
        assert index.candidates("common") is None
        fourteens = [f"{RESOURCE}r14", *(f"{RESOURCE}r14{n}" for n in range(10))]
        assert index.candidates("number 14") == fourteens
        assert index.candidates("SOCIÉTÉ") == [f"{RESOURCE}r{n}" for n in range(3)]


def test_each_build_indexes_its_own_texts(tmp_path: Path) -> None:
    """A title changed between two builds: the second build's index finds the new words, the
    first build's (kept beside it) still finds the old."""
    data = copy_project_data(tmp_path / "data")
    settings = Settings.load(
        {
            "data_paths": (data,),
            "changes_file": data / "changes" / "record-dates.tsv",
            "store_dir": tmp_path / "store",
        }
    )
    build_store(settings, validate_data=False)
    first = current_store_dir(settings)
    resources = data / "resources.ttl"
    old = "Cultivating Contact: A Guide"
    text = resources.read_text(encoding="utf-8")
    assert old in text
    resources.write_text(text.replace(old, "Cultivating Zephyrs: A Guide"), encoding="utf-8")
    build_store(settings, validate_data=False)
    second = current_store_dir(settings)
    assert first is not None and second is not None and first != second
    contact = [RESOURCE + "cultivating-contact"]
    with SearchIndex(first / INDEX_FILE) as before, SearchIndex(second / INDEX_FILE) as after:
        assert (before.candidates("zephyrs"), after.candidates("zephyrs")) == ([], contact)
        assert before.candidates("cultivating contact") == contact
        assert after.candidates("cultivating contact") == []
