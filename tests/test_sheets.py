"""The curators' spreadsheet round trip: `belong-graph sheet export` and `sheet import`, on a copy
of the real data/ (expected values from the seed listing, /work/shared/seeds/)."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic

from belong_graph.build import build_in_memory
from belong_graph.cli import main
from belong_graph.namespaces import DCTERMS, PROV, SCHEMA
from belong_graph.settings import Settings
from belong_graph.sheets.columns import FILES, SHEETS
from belong_graph.sheets.datafiles import export_tables, read_data
from belong_graph.sheets.problems import UnrepresentableFacts
from belong_graph.sheets.tables import graph_from_tables
from tests.conftest import copy_project_data

BASE = "https://data.belongnetwork.co.uk/"
RESOURCE = BASE + "id/resource/"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return copy_project_data(tmp_path / "data")


def sheet(data: Path, *args: str) -> Result:
    env = {
        "BELONG_DATA_PATHS": str(data),
        "BELONG_CHANGES_FILE": str(data / "changes" / "record-dates.tsv"),
        "BELONG_STORE_DIR": str(data.parent / "store"),
    }
    return CliRunner().invoke(main, ["sheet", *args], env=env)


def snapshot(data: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(data)): p.read_bytes() for p in sorted(data.rglob("*")) if p.is_file()
    }


def exported_csv(data: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "csv"
    result = sheet(data, "export", "--format", "csv", str(folder))
    assert result.exit_code == 0, result.output
    return folder


def read_rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def write_rows(folder: Path, name: str, rows: list[dict[str, str]]) -> None:
    with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def new_resource(template: dict[str, str], **cells: str) -> dict[str, str]:
    row = dict.fromkeys(template, "")
    row.update(
        {
            "Slug": "a-new-guide",
            "Title": "A new guide",
            "Issued": "2023-05",
            "Themes": "migration",
            "Types": "guide",
            "DCMI type": "dcmitype:Text",
            "In collection": "belong-network-library",
            "Source": "belong-network-library",
        }
    )
    row.update(cells)
    return row


def test_every_fact_of_data_survives_the_rows(data: Path) -> None:
    graph, _ = read_data(data, base_iri=BASE)
    tables = export_tables(data, base_iri=BASE)
    rebuilt = graph_from_tables(tables, base_iri=BASE)
    assert rebuilt.problems == []
    assert len(graph) == len(rebuilt.graph) > 1000
    assert isomorphic(graph, rebuilt.graph)
    assert len(tables["Resources"]) == 11  # the ten listed resources and the DCMS toolkit
    assert len(tables["Credits"]) == 30


@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_export_then_import_changes_no_byte_of_data(data: Path, tmp_path: Path, form: str) -> None:
    before = snapshot(data)
    target = tmp_path / ("library.xlsx" if form == "xlsx" else "csv")
    assert sheet(data, "export", "--format", form, str(target)).exit_code == 0
    result = sheet(data, "import", str(target))
    assert result.exit_code == 0, result.output
    assert "No change." in result.output
    assert snapshot(data) == before


def test_the_workbook_has_notes_lists_frozen_headers_and_dates_as_text(
    data: Path, tmp_path: Path
) -> None:
    path = tmp_path / "library.xlsx"
    assert sheet(data, "export", str(path)).exit_code == 0
    book = load_workbook(path)
    assert book.sheetnames[:6] == [
        "Resources",
        "Credits",
        "People",
        "Organisations",
        "Initiatives",
        "Participations",
    ]
    assert {"Sources", "Themes", "Resource types", "Partnership roles"} <= set(book.sheetnames)
    ws = book["Resources"]
    headers = [c.value for c in ws[1]]
    issued = ws.cell(row=1, column=headers.index("Issued") + 1)
    assert issued.comment is not None and "2022-07" in issued.comment.text
    assert "Optional" in issued.comment.text
    title = ws.cell(row=1, column=headers.index("Title") + 1)
    assert title.comment is not None and "Required" in title.comment.text
    assert ws.freeze_panes == "B2"
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "supporting-migrant-communities")
    date_cell = row[headers.index("Issued")]
    assert (date_cell.value, date_cell.number_format) == ("2022-11", "@")  # November 2022
    assert ws.column_dimensions[chr(ord("A") + headers.index("Issued"))].number_format == "@"
    lists = {str(v.sqref): v.formula1 for v in ws.data_validations.dataValidation}
    themes = f"{chr(ord('A') + headers.index('Themes'))}2:"
    assert any(k.startswith(themes) and f == "'Themes'!$A$2:$A$2000" for k, f in lists.items())
    roles = book["Credits"]
    role_lists = [v.formula1 for v in roles.data_validations.dataValidation]
    assert "'Contribution roles'!$A$2:$A$2000" in role_lists
    assert "'People'!$A$2:$A$2000" in role_lists


def test_curators_comments_come_out_as_notes_and_go_back_as_comments(
    data: Path, tmp_path: Path
) -> None:
    folder = exported_csv(data, tmp_path)
    rows = read_rows(folder, "Resources")
    webinar = next(r for r in rows if r["Slug"] == "everybodys-business-online-launch-webinar")
    assert webinar["Curator's note"].startswith('The listing dates the webinar "March 2022"')
    webinar["Curator's note"] = "Checked again on the listing."
    write_rows(folder, "Resources", rows)
    assert sheet(data, "import", str(folder)).exit_code == 0
    text = (data / "resources.ttl").read_text()
    assert "# Checked again on the listing.\nresource:everybodys-business-online-launch" in text
    assert "The listing dates the webinar" not in text


def test_a_fact_no_sheet_holds_stops_the_export(data: Path, tmp_path: Path) -> None:
    places = data / "places.ttl"
    places.write_text(places.read_text() + '\n<id/widget/w> <http://schema.org/name> "W" .\n')
    with pytest.raises(UnrepresentableFacts, match="id/widget/w"):
        export_tables(data, base_iri=BASE)
    result = sheet(data, "export", str(tmp_path / "x.xlsx"))
    assert result.exit_code == 1
    assert "fit no sheet" in result.output and "id/widget/w" in result.output


def test_an_added_row_is_a_new_resource_dated_in_the_ledger(data: Path, tmp_path: Path) -> None:
    folder = exported_csv(data, tmp_path)
    rows = read_rows(folder, "Resources")
    rows.append(new_resource(rows[0], **{"Where to read it": "https://example.org/guide"}))
    write_rows(folder, "Resources", rows)

    dry = sheet(data, "import", "--dry-run", str(folder))
    assert dry.exit_code == 0, dry.output
    assert "Resource 'a-new-guide' added: Slug: a-new-guide; Title: A new guide;" in dry.output
    assert "a-new-guide" not in (data / "resources.ttl").read_text()

    result = sheet(data, "import", str(folder))
    assert result.exit_code == 0, result.output
    graph, _ = read_data(data, base_iri=BASE)
    guide = URIRef(RESOURCE + "a-new-guide")
    assert graph.value(guide, DCTERMS.title) == Literal("A new guide", lang="en")
    assert graph.value(guide, SCHEMA.url) == URIRef("https://example.org/guide")
    ledger = (data / "changes" / "record-dates.tsv").read_text()
    assert "\nresource/a-new-guide\t" in ledger
    assert sheet(data, "import", str(folder)).output.startswith("No change.")


def test_an_imported_row_is_in_the_build_with_its_change_date(data: Path, tmp_path: Path) -> None:
    folder = exported_csv(data, tmp_path)
    rows = read_rows(folder, "Resources")
    rows.append(new_resource(rows[0]))
    write_rows(folder, "Resources", rows)
    assert sheet(data, "import", str(folder)).exit_code == 0
    settings = Settings.load(
        {"data_paths": (data,), "changes_file": data / "changes" / "record-dates.tsv"}
    )
    store = build_in_memory(settings)
    answer = store.query(
        f"SELECT ?title ?modified WHERE {{ <{RESOURCE}a-new-guide> "
        "<http://purl.org/dc/terms/title> ?title ; <http://purl.org/dc/terms/modified> ?modified }"
    )
    found = [(row["title"].value, row["modified"].value) for row in answer]
    assert found == [("A new guide", datetime.now(UTC).date().isoformat())]  # dated by the import


def test_a_removed_row_is_kept_as_deleted_and_a_changed_cell_changes_one_fact(
    data: Path, tmp_path: Path
) -> None:
    folder = exported_csv(data, tmp_path)
    rows = read_rows(folder, "Resources")
    rows = [r for r in rows if r["Slug"] != "everybodys-business-online-launch-webinar"]
    contact = next(r for r in rows if r["Slug"] == "cultivating-contact")
    contact["Issued"] = "2022-10"
    write_rows(folder, "Resources", rows)
    before = (data / "resources.ttl").read_text().splitlines()

    dry = sheet(data, "import", "--dry-run", str(folder))
    assert "Resource 'cultivating-contact': Issued changed from '2022-09' to '2022-10'." in (
        dry.output
    )
    assert "Resource 'everybodys-business-online-launch-webinar' removed." in dry.output
    assert sheet(data, "import", str(folder)).exit_code == 0

    after = (data / "resources.ttl").read_text().splitlines()
    assert [line for line in after if line not in before] == [
        '    dcterms:issued "2022-10"^^xsd:gYearMonth ;'
    ]
    ledger = (data / "changes" / "record-dates.tsv").read_text().splitlines()
    webinar = next(line for line in ledger if "everybodys-business-online-launch-webinar" in line)
    assert webinar.endswith("\tdeleted")


def test_a_new_source_is_cited_by_its_row(data: Path, tmp_path: Path) -> None:
    folder = exported_csv(data, tmp_path)
    sources = read_rows(folder, "Sources")
    sources.append(
        dict.fromkeys(sources[0], "")
        | {
            "Slug": "example-report-page",
            "Kinds": "schema:WebPage",
            "Title": "An example page (placeholder)",
            "Web address": "https://example.org/report",
        }
    )
    write_rows(folder, "Sources", sources)
    rows = read_rows(folder, "Resources")
    rows.append(new_resource(rows[0], Source="example-report-page"))
    write_rows(folder, "Resources", rows)
    result = sheet(data, "import", str(folder))
    assert result.exit_code == 0, result.output
    graph, _ = read_data(data, base_iri=BASE)
    source = URIRef(BASE + "id/source/example-report-page")
    assert graph.value(URIRef(RESOURCE + "a-new-guide"), PROV.wasDerivedFrom) == source
    assert graph.value(source, SCHEMA.url) == URIRef("https://example.org/report")


def refused(data: Path, target: Path) -> str:
    before = snapshot(data)
    result = sheet(data, "import", str(target))
    assert result.exit_code == 1, result.output
    assert snapshot(data) == before
    return result.output


def test_a_bad_date_is_refused_naming_sheet_row_and_column(data: Path, tmp_path: Path) -> None:
    path = tmp_path / "library.xlsx"
    assert sheet(data, "export", str(path)).exit_code == 0
    book = load_workbook(path)
    ws = book["Resources"]
    headers = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "cultivating-contact")
    row[headers.index("Issued")].value = "September 2022"
    book.save(path)
    output = refused(data, path)
    number = row[0].row
    assert f"Resources, row {number}, column 'Issued': 'September 2022' is not a date" in output


PROBLEMS = {
    "unknown theme": (
        ("Resources", "cultivating-contact", "Themes", "no-such-theme"),
        "column 'Themes': No row 'no-such-theme' on the Themes sheet.",
    ),
    "duplicate slug": (
        ("Resources", "cultivating-contact", "Slug", "everyday-integration-toolkit"),
        "column 'Slug': 'everyday-integration-toolkit' is used by more than one row",
    ),
    "person missing from People": (
        ("Credits", "cultivating-contact", "Person", "nobody-at-all"),
        "column 'Person': No row 'nobody-at-all' on the People sheet.",
    ),
    "formula": (
        ("Resources", "cultivating-contact", "Title", "=A1"),
        "column 'Title': The cell holds a formula (=A1)",
    ),
    "SHACL: no resource type": (
        ("Resources", "cultivating-contact", "Types", ""),
        "column 'Types': A resource needs at least one Resource Type",
    ),
}


@pytest.mark.parametrize(("edit", "expected"), PROBLEMS.values(), ids=PROBLEMS.keys())
def test_problems_name_sheet_row_and_column(
    data: Path, tmp_path: Path, edit: tuple[str, str, str, str], expected: str
) -> None:
    folder = exported_csv(data, tmp_path)
    name, key, header, value = edit
    rows = read_rows(folder, name)
    index = next(i for i, r in enumerate(rows) if key in (r.get("Slug"), r.get("Resource")))
    rows[index][header] = value
    write_rows(folder, name, rows)
    assert f"{name}, row {index + 2}, {expected}" in refused(data, folder)


def test_merged_cells_are_refused(data: Path, tmp_path: Path) -> None:
    path = tmp_path / "library.xlsx"
    assert sheet(data, "export", str(path)).exit_code == 0
    book = load_workbook(path)
    book["People"].merge_cells("B3:C3")
    book.save(path)
    assert "People, row 3, column 'Name': Cells B3:C3 are merged" in refused(data, path)


def test_a_file_that_is_not_a_workbook_is_refused(data: Path, tmp_path: Path) -> None:
    path = tmp_path / "library.xlsx"
    path.write_text("Slug,Title\n")
    assert "library.xlsx is not an Excel workbook (.xlsx)" in refused(data, path)


def test_a_csv_in_another_encoding_is_refused(data: Path, tmp_path: Path) -> None:
    folder = exported_csv(data, tmp_path)
    people = folder / "People.csv"
    people.write_bytes(people.read_text(encoding="utf-8").encode("cp1252", errors="replace"))
    assert "People: People.csv is not UTF-8" in refused(data, folder)


def test_every_sheet_and_file_is_declared_once() -> None:
    assert len({s.name for s in SHEETS}) == len(SHEETS)
    assert set(FILES) == {
        "resources.ttl",
        "people.ttl",
        "organisations.ttl",
        "initiatives.ttl",
        "places.ttl",
        "sources.ttl",
        "schemes.ttl",
    }
