"""The quick build (:mod:`belong_graph.quick`): a small change applied to the current build gives
the statements, change dates and OAI-PMH records that a full build of the same data gives, but
for what ranks the whole library (list positions), which the full build that follows numbers."""

from __future__ import annotations

import dataclasses
import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pyoxigraph as ox
import pytest
from openpyxl import load_workbook
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDFS

from belong_graph.build import build_quickly, build_store
from belong_graph.derive import POSITION_TYPE
from belong_graph.quick import QUICK_LIMIT
from belong_graph.settings import Settings
from belong_graph.store import DISK_FOLDER, DatasetVersion
from tests.conftest import copy_project_data
from tests.test_sheets import sheet

NEW_RESOURCE = """
resource:a-new-report a dcterms:BibliographicResource ;
    dcterms:title "A new report on belonging"@en ;
    dcterms:issued "2024-05"^^xsd:gYearMonth ;
    dcterms:subject theme:migration ;
    dcterms:type rtype:research-report ;
    dcterms:isPartOf collection:belong-network-library ;
    prov:wasDerivedFrom source:belong-network-library ;
    prov:qualifiedAttribution authorship:a-new-report-1 .

authorship:a-new-report-1 a bel:Authorship ;
    schema:position 1 ;
    prov:agent person:julie-walsh ;
    prov:hadRole contribution:author ;
    schema:affiliation organisation:university-of-sheffield ;
    prov:wasDerivedFrom source:belong-network-library .
"""
GONE = "resource:everybodys-business-online-launch-webinar"
TEAM = """    skos:altLabel "Stronger Communities Team at Bradford Council"@en ;
    org:unitOf organisation:bradford-council ;"""
OLD_TITLE = '"Supporting Migrant Communities: A resource for practitioners"@en'
NEW_TITLE = '"Supporting Migrant Communities: A guide for practitioners"@en'
DCTERMS_TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
NEW = "https://data.belongnetwork.co.uk/id/resource/a-new-report"
JULIE_WALSH = "https://data.belongnetwork.co.uk/id/person/julie-walsh"


def settings_on(data: Path, store: Path) -> Settings:
    return dataclasses.replace(
        Settings.load({"store_dir": store}),
        data_paths=(data,),
        changes_file=data / "changes" / "record-dates.tsv",
    )


def edit(data: Path) -> None:
    """A title changed, a resource added with a credit, a resource removed, a person renamed
    (whose name the credits and co-authorships of others carry), a team moved to another
    organisation (whose counts roll up its units')."""
    resources = data / "resources.ttl"
    text = resources.read_text(encoding="utf-8")
    assert OLD_TITLE in text
    text = re.sub(rf"\n{GONE} a .*?\n\n", "\n", text, count=1, flags=re.DOTALL)
    assert GONE not in text
    resources.write_text(text.replace(OLD_TITLE, NEW_TITLE) + NEW_RESOURCE, encoding="utf-8")
    organisations = data / "organisations.ttl"
    text = organisations.read_text(encoding="utf-8")
    moved = TEAM.replace("bradford-council ;", "university-of-kent ;")
    assert TEAM in text
    organisations.write_text(text.replace(TEAM, moved), encoding="utf-8")
    people = data / "people.ttl"
    text = people.read_text(encoding="utf-8")
    assert 'schema:name "Lloyd Dobbs"' in text
    people.write_text(text.replace('schema:name "Lloyd Dobbs"', 'schema:name "Lloyd A. Dobbs"'))


@pytest.fixture(scope="module")
def quick_and_full(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, DatasetVersion]:
    """The folders of a quick build and of a full build of the same edited data."""
    root = tmp_path_factory.mktemp("quick")
    data = copy_project_data(root / "data")
    quick = settings_on(data, root / "quick")
    build_store(quick)
    edit(data)
    version = build_quickly(quick)
    assert version is not None
    build_store(settings_on(data, root / "full"))
    return (root / "quick" / "current").resolve(), (root / "full" / "current").resolve(), version


def graphs(folder: Path) -> dict[str, Graph]:
    """Each graph of the build in ``folder``, but the list positions of named nodes."""
    store = ox.Store.read_only(str(folder / DISK_FOLDER))
    found = {}
    for name in store.named_graphs():
        kept = [
            q.triple
            for q in store.quads_for_pattern(None, None, None, name)
            if not (isinstance(q.subject, ox.NamedNode) and _position(q.object))
        ]
        text = ox.serialize(kept, format=ox.RdfFormat.N_TRIPLES)
        found[str(name)] = Graph().parse(data=text, format="nt")
    return found


def _position(term: object) -> bool:
    return isinstance(term, ox.Literal) and term.datatype == POSITION_TYPE


def test_the_quick_build_has_the_statements_of_the_full_build(
    quick_and_full: tuple[Path, Path, DatasetVersion],
) -> None:
    quick, full, _ = quick_and_full
    quick_graphs, full_graphs = graphs(quick), graphs(full)
    assert quick_graphs.keys() == full_graphs.keys()
    for name, graph in full_graphs.items():
        assert isomorphic(quick_graphs[name], graph), name
    derived = quick_graphs["<https://data.belongnetwork.co.uk/graph/derived>"]
    labels = {str(o) for o in derived.objects(None, RDFS.label)}
    assert any(label.startswith("Lloyd A. Dobbs: ") for label in labels)  # the renamed's credits
    assert (URIRef(NEW), DCTERMS.creator, URIRef(JULIE_WALSH)) in derived


def test_the_quick_build_counts_its_statements(
    quick_and_full: tuple[Path, Path, DatasetVersion],
) -> None:
    quick, _, version = quick_and_full
    assert DatasetVersion.read(quick) == version
    assert len(ox.Store.read_only(str(quick / DISK_FOLDER))) == version.quads


def test_the_quick_build_leaves_list_positions_to_the_full_build(
    quick_and_full: tuple[Path, Path, DatasetVersion],
) -> None:
    quick, full, _ = quick_and_full
    newest = ox.NamedNode("https://data.belongnetwork.co.uk/ontology#positionNewestFirst")
    positions = [
        list(
            ox.Store.read_only(str(f / DISK_FOLDER)).quads_for_pattern(
                ox.NamedNode(NEW), newest, None
            )
        )
        for f in (quick, full)
    ]
    assert positions[0] == [] and len(positions[1]) == 1
    assert not (quick / "dataset.nq").exists()  # servers read its on-disk store


def rows(folder: Path, query: str) -> set[tuple[object, ...]]:
    with closing(sqlite3.connect(folder / "oai.sqlite")) as connection:
        return set(connection.execute(query))


def test_the_quick_build_refreshes_the_oai_records(
    quick_and_full: tuple[Path, Path, DatasetVersion],
) -> None:
    quick, full, _ = quick_and_full
    for query in ("SELECT * FROM items", "SELECT * FROM memberships", "SELECT * FROM summary"):
        assert rows(quick, query) == rows(full, query)
    assert (NEW,) in rows(quick, "SELECT iri FROM items")


def test_no_quick_build_without_a_change(tmp_path: Path) -> None:
    settings = settings_on(copy_project_data(tmp_path / "data"), tmp_path / "store")
    build_store(settings)
    assert build_quickly(settings) is None
    assert len(list((tmp_path / "store").glob("build-*"))) == 1


def test_no_quick_build_for_a_large_change(tmp_path: Path) -> None:
    data = copy_project_data(tmp_path / "data")
    settings = settings_on(data, tmp_path / "store")
    build_store(settings)
    places = data / "places.ttl"
    extra = "".join(
        f'\n<id/place/p{n}> a <http://schema.org/Place> ; <http://schema.org/name> "P{n}"@en .'
        for n in range(QUICK_LIMIT + 1)
    )
    places.write_text(places.read_text(encoding="utf-8") + extra, encoding="utf-8")
    assert build_quickly(settings) is None


def test_sheet_import_with_build_says_the_change_is_live(tmp_path: Path) -> None:
    data = copy_project_data(tmp_path / "data")
    build_store(settings_on(data, tmp_path / "store"))
    workbook = tmp_path / "library.xlsx"
    assert sheet(data, "export", str(workbook)).exit_code == 0
    book = load_workbook(workbook)
    resources = book["Resources"]
    headers = [str(cell.value) for cell in resources[1]]
    title_column = headers.index("Title") + 1
    resources.cell(row=2, column=title_column).value = "A retitled resource"
    book.save(workbook)
    result = sheet(data, "import", "--build", str(workbook))
    assert result.exit_code == 0, result.output
    assert "is live with the change" in result.output
    assert "Built dataset version" in result.output
    store = ox.Store.read_only(str(tmp_path / "store" / "current" / DISK_FOLDER))
    titles = {q.object.value for q in store.quads_for_pattern(None, DCTERMS_TITLE, None)}
    assert "A retitled resource" in titles
