"""The catalogue index, which the build writes beside the store (catalogue.sqlite): that its
values are the views' filter branches, that the ``resources`` and ``facets`` views answer with it
exactly what they answer without it (a copy of the build without the index: SPARQL alone) for
each filter alone and combined, each order, a first and a later page, on the real library and on
a synthetic one; that the server does ask it but keeps its own checks (a copy whose index was
changed by hand); that a user's query is run as written; that each build writes its own.

Expected resources come from the seed document 003 (the Belong Network Library listing): the
titles, credits and descriptions of its ten resources, whose words the catalogue's keyword
finds by their stems (tests/test_search.py holds more)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from belong_graph import leases
from belong_graph.build import build_store, current_store_dir
from belong_graph.catalogue import read_query, with_counts, with_matches
from belong_graph.namespaces import XSD
from belong_graph.publish.catalogue_index import (
    INDEX_FILE,
    KINDS,
    CatalogueIndex,
    kind_query,
    write_index,
)
from belong_graph.settings import PROJECT_ROOT, Settings
from belong_graph.stems import query_words, search_text
from belong_graph.store import DatasetVersion, OxigraphStore
from belong_graph.synthetic import generate
from tests.conftest import BASE, copied_build, copy_project_data, make_app
from tests.test_oai import SEED_SLUGS
from tests.test_search import SEARCHED

RESOURCE = BASE + "id/resource/"
BEL = "https://data.belongnetwork.co.uk/ontology#"
COHESION = [  # newest first: a credit line's "from Belong - the Cohesion and Integration
    "a-bradford-for-everyone-programme-evaluation-report",  # Network" (an affiliation)
    # a title; "supporting cohesive communities" (the stem "cohes");
    "discrimination-prejudice-and-cohesion",  # "Belong – The Cohesion and Integration Network"
    "everybodys-business-online-launch-webinar",
    "everybodys-business",
]
FOUND = {  # keyword -> the seed resources whose title, description or credit holds it, newest first
    "cohesion": COHESION,
    "BRADFORD": [  # in a title, and in a description's list of the five pilot areas
        "independent-evaluations-of-the-integration-area-programme",
        "a-bradford-for-everyone-programme-evaluation-report",
    ],
    "Everybody’s": ["everybodys-business-online-launch-webinar", "everybodys-business"],
    "uk": ["supporting-migrant-communities"],  # two letters: "the work ... in the uk"
    "ncvo": ["ncvo-guidance-on-impact-and-evaluation"],
    "quantum": [],
    "the": [],  # no word to search for
    **SEARCHED,
}
BRANCH_VARIABLES = {  # kind -> the variable of its value in the views' filter branch
    "theme": "?onTheme",
    "type": "?ofType",
    "year": "?inYear",
    "author": "?by",
    "organisation": "?with",
}
ORDERS = ("newest", "oldest", "title")


def view(client: FlaskClient, name: str, **values: str) -> list[dict[str, Any]]:
    answer = client.get(f"/api/views/{name}", query_string=values)
    assert answer.status_code == 200, answer.data
    found: list[dict[str, Any]] = json.loads(answer.data)["items"]
    return found


def slugs(found: list[dict[str, Any]]) -> list[str]:
    return [item["resource"]["id"].removeprefix(RESOURCE) for item in found]


def unordered(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``found`` with each list of types and themes as a set: the order of a GROUP_CONCAT is
    the store's, which may differ between two copies of it."""
    return [
        {k: set(v.split("; ")) if k in ("types", "themes") else v for k, v in item.items()}
        for item in found
    ]


def assert_same_answers(indexed: FlaskClient, alone: FlaskClient, values: dict[str, str]) -> None:
    """Both views answer ``values`` alike with the index and without it (SPARQL alone)."""
    filters = {k: v for k, v in values.items() if k not in ("sort", "page")}
    listed = view(indexed, "resources", **values)
    assert unordered(listed) == unordered(view(alone, "resources", **values)), values
    assert view(indexed, "facets", **filters) == view(alone, "facets", **filters), filters


def combinations(index: Path, keywords: dict[str, str]) -> list[dict[str, str]]:
    """Filter values for a library: its most and least used theme, type, year, author and
    organisation (from the index), each alone, then combined with each other and ``keywords``
    (broad, narrow, missing, short), in each order, on a first and a later page."""
    with closing(sqlite3.connect(index)) as connection:
        ranked = {
            kind: [
                value
                for (value,) in connection.execute(
                    "SELECT value FROM facts WHERE kind = ? AND (kind = 'year' OR value LIKE ?)"
                    " GROUP BY value ORDER BY COUNT(*) DESC, value",
                    (kind, BASE + "id/%"),
                )
            ]
            for kind in ("theme", "type", "year", "author", "organisation")
        }
    entities = BASE + "id/"
    most = {kind: values[0].removeprefix(entities) for kind, values in ranked.items()}
    least = {kind: values[-1].removeprefix(entities) for kind, values in ranked.items()}
    years = sorted(ranked["year"])
    middle = years[len(years) // 2]
    alone: list[dict[str, str]] = [
        *({"theme": chosen["theme"]} for chosen in (most, least)),
        *({"type": chosen["type"]} for chosen in (most, least)),
        *({"in": chosen["year"]} for chosen in (most, least)),
        {"from": middle},
        {"to": middle},
        {"from": years[0], "to": middle},
        *({"author": chosen["author"]} for chosen in (most, least)),
        *({"organisation": chosen["organisation"]} for chosen in (most, least)),
        *({"keyword": keyword} for keyword in keywords.values()),
    ]
    combined: list[dict[str, str]] = [
        {"keyword": keywords["broad"], "theme": most["theme"]},
        {"keyword": keywords["broad"], "type": most["type"], "from": middle},
        {"theme": most["theme"], "type": most["type"], "in": most["year"]},
        {"author": most["author"], "keyword": keywords["narrow"]},
        {"organisation": most["organisation"], "from": years[0], "to": middle},
        {"organisation": most["organisation"], "keyword": keywords["broad"], "to": middle},
        {"keyword": keywords["missing"], "theme": most["theme"]},
        {"keyword": keywords["short"], "type": least["type"]},
        {**{kind: most[kind] for kind in ("theme", "type", "author")}, "in": most["year"]},
    ]
    ordered = [
        {**values, "sort": order, "page": page}
        for values in (alone[0], combined[0], combined[1], {"keyword": keywords["broad"]})
        for order in ORDERS
        for page in ("1", "3")
    ]
    return alone + combined + ordered


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings whose store folder holds a build of a 300-resource synthetic library."""
    folder = tmp_path_factory.mktemp("synthetic")
    data = folder / "library.ttl"
    with data.open("w", encoding="utf-8") as out:
        generate(out, resources=300, seed=42, base_iri=BASE)
    settings = Settings.load(
        {
            "data_paths": (data,),
            "store_dir": folder / "store",
            "changes_file": folder / "record-dates.tsv",  # a ledger of its own (none yet)
        }
    )
    build_store(settings, validate_data=False)
    return settings


def clients(settings: Settings, tmp_path: Path) -> Iterator[tuple[FlaskClient, FlaskClient]]:
    """A client of the build of ``settings``, and one of a copy of it without the index."""
    folder = current_store_dir(settings)
    assert folder is not None
    for indexed in make_app(settings):
        for alone in make_app(copied_build(settings, folder, tmp_path, INDEX_FILE)):
            yield indexed.test_client(), alone.test_client()


def test_the_build_indexes_every_library_resource(build_folder: Path) -> None:
    with closing(sqlite3.connect(build_folder / INDEX_FILE)) as connection:
        resources = connection.execute("SELECT iri, newest FROM resources ORDER BY id").fetchall()
        found = connection.execute(
            "SELECT value FROM facts JOIN resources ON id = resource"
            " WHERE kind = 'word' AND iri = ?",
            (RESOURCE + "cultivating-contact",),
        ).fetchall()
    assert sorted(iri.removeprefix(RESOURCE) for iri, _ in resources) == sorted(SEED_SLUGS)
    assert sorted(newest for _, newest in resources) == list(range(1, len(SEED_SLUGS) + 1))
    seed = "Cultivating Contact: A Guide to Building Bridges; Linda Tropp, Trisha Dehrone; 2022"
    assert set(query_words(seed).split()) <= {word for (word,) in found}


def test_each_kind_is_the_pattern_of_the_views_filter_branch() -> None:
    """Each kind's pattern, with the branch's variable for ``?value``, is in both views."""
    for name in ("resources", "facets"):
        text = (PROJECT_ROOT / "queries" / f"{name}.rq").read_text(encoding="utf-8")
        for kind, variable in BRANCH_VARIABLES.items():
            assert KINDS[kind].replace("?value", variable) in text, (name, kind)
        for line in KINDS["range"].splitlines()[:2]:
            assert line in text, (name, line)


def test_each_kind_finds_what_the_views_filter_finds(synthetic: Settings, tmp_path: Path) -> None:
    """The 25 most used values of every kind in the synthetic library: the index's count of
    their resources is the facets view's, run by SPARQL alone."""
    folder = current_store_dir(synthetic)
    assert folder is not None
    parameters = {"theme": "theme", "type": "type", "year": "in", "author": "author"}
    parameters["organisation"] = "organisation"
    with closing(sqlite3.connect(folder / INDEX_FILE)) as connection:
        found = connection.execute(
            "SELECT kind, value, COUNT(*) FROM facts WHERE kind != 'range'"
            " AND (kind = 'year' OR value LIKE ?) GROUP BY kind, value"
            " ORDER BY kind, COUNT(*) DESC, value",
            (BASE + "id/%",),  # what a parameter can name: the library's own entities
        ).fetchall()
    found = [row for n, row in enumerate(found) if [r[0] for r in found].index(row[0]) + 25 > n]
    for _, alone in clients(synthetic, tmp_path):
        for kind, value, count in found:
            counts = view(alone, "facets", **{parameters[kind]: str(value)})
            years = sum(row["resources"] for row in counts if row["facet"] == "year")
            assert years == count, (kind, value)  # each resource has one year


def test_the_views_answer_alike_with_and_without_the_index_on_a_synthetic_library(
    synthetic: Settings, tmp_path: Path
) -> None:
    folder = current_store_dir(synthetic)
    assert folder is not None
    keywords = {
        "broad": "community",
        "narrow": "bridges schools integration",
        "missing": "quantum",
        "short": "migration 2020",  # a word of the texts ("migrants") by its stem, and a year
    }
    for indexed, alone in clients(synthetic, tmp_path):
        assert view(indexed, "resources", keyword="community", page="2")  # 20 of 200 or so
        for values in combinations(folder / INDEX_FILE, keywords):
            assert_same_answers(indexed, alone, values)


def test_the_views_answer_alike_with_and_without_the_index_on_the_real_library(
    built_settings: Settings, build_folder: Path, tmp_path: Path
) -> None:
    keywords = {"broad": "evaluation", "narrow": "ncvo", "missing": "quantum", "short": "uk 2022"}
    for indexed, alone in clients(built_settings, tmp_path):
        for keyword, expected in FOUND.items():
            assert slugs(view(indexed, "resources", keyword=keyword)) == expected
            assert_same_answers(indexed, alone, {"keyword": keyword})
        for values in combinations(build_folder / INDEX_FILE, keywords):
            assert_same_answers(indexed, alone, values)


def test_the_catalogue_page_filters_with_the_index(client: FlaskClient) -> None:
    page = client.get("/resources", query_string={"keyword": "Cohesion"}).get_data(as_text=True)
    assert "Discrimination, Prejudice and Cohesion" in page
    assert "Everybody’s Business: the role that business can play" in page
    assert "Cultivating Contact" not in page


def test_the_server_takes_its_builds_index_and_checks_each_match(
    built_settings: Settings, build_folder: Path, tmp_path: Path
) -> None:
    """A copy of the build whose index takes the word "cohes" (of "cohesion") from one
    resource that has it and gives it to one that has not: the first is neither listed nor
    counted (the index was asked), the second is counted (the counts are the index's) but not
    listed (each match is still checked)."""
    settings = copied_build(built_settings, build_folder, tmp_path)
    copy = tmp_path / "store" / build_folder.name / INDEX_FILE
    with closing(sqlite3.connect(copy)) as connection:
        ids = dict(connection.execute("SELECT iri, id FROM resources").fetchall())
        left_out, given = ids[RESOURCE + COHESION[0]], ids[RESOURCE + "cultivating-contact"]
        word = "kind = 'word' AND value = 'cohes'"
        connection.execute(f"DELETE FROM facts WHERE {word} AND resource = ?", (left_out,))
        connection.execute("INSERT INTO facts VALUES ('word', 'cohes', ?)", (given,))
        connection.commit()
    for app in make_app(settings):
        client = app.test_client()
        assert slugs(view(client, "resources", keyword="cohesion")) == COHESION[1:]
        counts = view(client, "facets", keyword="cohesion")
        assert sum(row["resources"] for row in counts if row["facet"] == "year") == len(COHESION)
        assert slugs(view(client, "resources", keyword="uk")) == FOUND["uk"]


def test_a_build_without_an_index_is_answered_by_sparql(
    built_settings: Settings, build_folder: Path, tmp_path: Path
) -> None:
    settings = copied_build(built_settings, build_folder, tmp_path, INDEX_FILE)
    for app in make_app(settings):
        assert slugs(view(app.test_client(), "resources", keyword="cohesion")) == COHESION


def test_the_endpoint_runs_a_users_query_as_written(client: FlaskClient) -> None:
    """A ``# @matches`` line in a query sent to /sparql is a comment: nothing is bound there."""
    query = (
        f"SELECT ?resource WHERE {{\n  # @matches\n  ?resource <{BEL}searchText> ?text\n"
        '  FILTER (CONTAINS(?text, " cohes "))\n}'
    )
    answer = client.get("/sparql", query_string={"query": query}, headers={"Accept": "text/csv"})
    assert answer.status_code == 200, answer.data
    found = answer.get_data(as_text=True).split()[1:]
    assert sorted(iri.removeprefix(RESOURCE) for iri in found) == sorted(COHESION)


def test_matches_and_counts_are_written_at_their_markers() -> None:
    resources = read_query(PROJECT_ROOT / "queries" / "resources.rq")
    query = resources.query_for(resources.bind({"keyword": "cohesion"}, BASE))
    bound = with_matches(query, [ox.NamedNode(RESOURCE + slug) for slug in COHESION])
    values = f"VALUES ?resource {{ {' '.join(f'<{RESOURCE}{slug}>' for slug in COHESION)} }}"
    assert "# @matches" not in bound
    assert bound.count(values) == query.count("# @matches") == 18
    facets = read_query(PROJECT_ROOT / "queries" / "facets.rq")
    query = facets.query_for(facets.bind({"keyword": "cohesion"}, BASE))
    year = ox.Literal("2022", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear"))
    counted = with_counts(query, [(ox.NamedNode(BASE + "id/theme/belonging"), 2), (year, 1)])
    assert "SELECT ?counted" not in counted and "# @counts" not in counted
    integer = "^^<http://www.w3.org/2001/XMLSchema#integer>"
    assert (
        f'    VALUES (?counted ?resources) {{ (<{BASE}id/theme/belonging> "2"{integer}) '
        f'("2022"^^<http://www.w3.org/2001/XMLSchema#gYear> "1"{integer}) }}\n'
        "    OPTIONAL { ?counted bel:subjectCount ?asTheme }"
    ) in counted


def test_the_index_finds_every_word_of_a_keyword_by_its_stem(tmp_path: Path) -> None:
    """A keyword, bound as its stems, finds the texts that have every one of them as a word
    (not inside another); the order is the sort's, and only a resource with the sort's
    position is listed in it (as the view reads only that position)."""
    store = ox.Store()
    library = OxigraphStore(store, DatasetVersion("x", "2026-01-01", 150, ()))
    for number in range(150):
        resource = ox.NamedNode(f"{RESOURCE}r{number:03}")
        text = f"common words, number {number}" + (" — la société" if number < 3 else "")
        words = search_text([text, "immigration" if number % 2 else "migrants"])
        store.add(ox.Quad(resource, ox.NamedNode(BEL + "searchText"), ox.Literal(words)))
        for name, position in (("NewestFirst", number), ("OldestFirst", 150 - number)):
            term = ox.Literal(str(position + 1), datatype=ox.NamedNode(f"{XSD}decimal"))
            store.add(ox.Quad(resource, ox.NamedNode(f"{BEL}position{name}"), term))
        if number:  # r000 has no position by title
            store.add(ox.Quad(resource, ox.NamedNode(f"{BEL}positionByTitle"), term))
    path = tmp_path / INDEX_FILE
    write_index(library, path)

    def keyword(words: str, **more: str) -> dict[str, ox.Literal]:
        return {"keyword": ox.Literal(query_words(words))} | {
            name: ox.Literal(value) for name, value in more.items()
        }

    with CatalogueIndex(path) as index:
        assert index.matches(keyword("SOCIÉTÉ"), first=10) == [
            f"{RESOURCE}r{n:03}" for n in range(3)
        ]
        by_title = keyword("sociétés", sort="title")
        assert index.matches(by_title, first=10) == [f"{RESOURCE}r{n:03}" for n in (2, 1)]
        oldest = keyword("numbers 14", sort="oldest")
        assert index.matches(oldest, first=3) == [f"{RESOURCE}r014"]
        migration = index.matches(keyword("migration"), first=200) or []
        assert migration == [f"{RESOURCE}r{n:03}" for n in range(0, 150, 2)]
        assert len(index.matches(keyword("common"), first=200) or []) == 150
        assert index.matches(keyword('" OR "'), first=10) == []
        assert index.matches(keyword("the"), first=10) == []  # no word: nothing
        assert index.matches({"sort": ox.Literal("title")}, first=10) is None  # no filter
        assert index.counts({"place": ox.Literal("x")}) is None  # a filter it does not know


def test_each_build_indexes_its_own_texts(tmp_path: Path) -> None:
    """A title changed between two builds: the second build's index finds the new words, the
    first build's (kept beside it while a server holds it) still finds the old."""
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
    assert first is not None
    lease = leases.hold(first)  # as a server serving it does
    resources = data / "resources.ttl"
    old = "Cultivating Contact: A Guide"
    text = resources.read_text(encoding="utf-8")
    assert old in text
    resources.write_text(text.replace(old, "Zephyrs Galore: A Guide"), encoding="utf-8")
    build_store(settings, validate_data=False)
    second = current_store_dir(settings)
    assert second is not None and first != second
    contact = [RESOURCE + "cultivating-contact"]

    def found(index: CatalogueIndex, keyword: str) -> list[str] | None:
        return index.matches({"keyword": ox.Literal(query_words(keyword))}, first=10)

    with CatalogueIndex(first / INDEX_FILE) as before, CatalogueIndex(second / INDEX_FILE) as after:
        assert (found(before, "zephyrs"), found(after, "zephyrs")) == ([], contact)
        assert found(before, "cultivating") == contact
        assert found(after, "cultivating") == []
    leases.release(lease)


def test_each_kind_query_parses() -> None:
    for kind in KINDS:
        ox.Store().query(kind_query(kind))
