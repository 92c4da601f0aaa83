"""Change validation (only what changed since the last build, and what the shapes reach from it)
reports what validating the whole data reports: on every shape fixture added to the real data,
and on edits made in the data files (a changed title, a removed person, a removed resource, a new
resource with credits); a build keeps what the next one compares with, and refuses a bad edit."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from belong_graph.build import build_store, check, current_store_dir
from belong_graph.delta import WHOLE_GRAPH_SHAPES
from belong_graph.errors import ValidationFailed
from belong_graph.namespaces import SH
from belong_graph.settings import PROJECT_ROOT, Settings
from belong_graph.validate import (
    CURATED_FILE,
    REPORT_FILE,
    ValidationReport,
    keep_for_next,
    load_graphs,
)

FIXTURES = Path(__file__).parent / "shapes"
NEW_RESOURCE = """
resource:a-new-guide a dcterms:BibliographicResource, schema:HowTo ;
    dcterms:title "A new guide to belonging"@en ;
    dcterms:issued "2024-03"^^xsd:gYearMonth ;
    dcterms:description "A guide added by a curator."@en ;
    prov:qualifiedAttribution authorship:a-new-guide-1, authorship:a-new-guide-2 ;
    dcterms:subject theme:migration ;
    dcterms:type rtype:best-practice ;
    prov:wasDerivedFrom source:belong-network-library .

authorship:a-new-guide-1 a bel:Authorship ;
    prov:agent person:julie-walsh ; prov:hadRole contribution:author ; schema:position 1 ;
    schema:affiliation organisation:university-of-sheffield ;
    prov:wasDerivedFrom source:belong-network-library .

authorship:a-new-guide-2 a bel:Authorship ;
    prov:agent person:lloyd-dobbs ; prov:hadRole contribution:author ; schema:position {position} ;
    prov:wasDerivedFrom source:belong-network-library .
"""


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build folder holding what a build of the real data keeps for the next."""
    folder = tmp_path_factory.mktemp("previous-build")
    settings = Settings.load()
    checked = check(settings)
    shapes = load_graphs([settings.shapes_dir], base_iri=settings.base_iri)
    keep_for_next(checked.data, checked.report, shapes, folder)
    return folder


@pytest.fixture(scope="module")
def baseline() -> ValidationReport:
    return check(Settings.load()).report


def both(settings: Settings, previous: Path) -> tuple[ValidationReport, ValidationReport]:
    """The report of change validation since ``previous``, and that of the whole data."""
    return check(settings, since=previous).report, check(settings).report


@pytest.mark.parametrize(
    "fixture", sorted(FIXTURES.glob("*/*.ttl")), ids=lambda p: f"{p.parent.name}-{p.stem}"
)
def test_a_fixture_added_is_reported_as_by_whole_validation(
    fixture: Path, previous: Path, baseline: ValidationReport
) -> None:
    settings = Settings.load({"data_paths": (PROJECT_ROOT / "data", fixture)})
    changed, whole = both(settings, previous)
    assert changed.findings == whole.findings
    assert changed.conforms == whole.conforms
    assert (fixture.parent.name == "invalid") == (changed.findings != baseline.findings)


def edit_title(text: str) -> str:
    return text.replace(
        '"Supporting Migrant Communities: A resource for practitioners"@en',
        '"Supporting Migrant Communities: a resource for practitioners (2nd edition)"@en',
    )


def remove_block(text: str, subject: str) -> str:
    """``text`` without the block of statements about ``subject``."""
    return re.sub(rf"(?ms)^{re.escape(subject)} .*?\.\n\n", "", text, count=1)


EDITS: dict[str, tuple[str, Callable[[str], str]]] = {
    "title-changed": ("resources.ttl", edit_title),
    "person-removed": ("people.ttl", lambda t: remove_block(t, "person:lloyd-dobbs")),
    "resource-removed": (
        "resources.ttl",
        lambda t: remove_block(t, "resource:supporting-migrant-communities"),
    ),
    "resource-added": ("resources.ttl", lambda t: t + NEW_RESOURCE.format(position=2)),
    "resource-added-with-shared-position": (
        "resources.ttl",
        lambda t: t + NEW_RESOURCE.format(position=1),
    ),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_an_edit_is_reported_as_by_whole_validation(
    edit: str, previous: Path, tmp_path: Path
) -> None:
    data = shutil.copytree(PROJECT_ROOT / "data", tmp_path / "data")
    name, change = EDITS[edit]
    (data / name).write_text(change((data / name).read_text()))
    changed, whole = both(Settings.load({"data_paths": (data,)}), previous)
    assert changed.findings == whole.findings
    assert changed.conforms == (edit in {"title-changed", "resource-added"})


def test_a_bad_edit_is_refused_with_the_finding_a_whole_validation_gives(
    previous: Path, tmp_path: Path
) -> None:
    data = shutil.copytree(PROJECT_ROOT / "data", tmp_path / "data")
    resources = data / "resources.ttl"
    resources.write_text(resources.read_text() + NEW_RESOURCE.format(position=1))
    report = check(Settings.load({"data_paths": (data,)}), since=previous).report
    assert not report.conforms
    [finding] = report.violations
    assert finding.focus == "<https://data.belongnetwork.co.uk/id/resource/a-new-guide>"
    assert finding.label == "A new guide to belonging"
    assert finding.message.startswith("Two credits of this resource share position 1")


def test_every_rule_across_nodes_is_placed() -> None:
    """A shape with a SPARQL target or constraint either checks what lies a few steps from its
    focus node, or compares nodes anywhere (then change validation must read the whole of the
    predicates it reads): a new rule fails here until it is placed."""
    shapes = load_graphs([PROJECT_ROOT / "shapes"], base_iri="https://data.belongnetwork.co.uk/")
    rules = {str(s) for s in shapes.subjects(SH.target, None)}
    local = {
        "SharedCreditPosition",
        "ImplausibleIssueDate",
        "StrayAuthorship",
        "IdentifierFormat",
        "RepeatedIdentifierScheme",
        "LinkWithoutEvidence",
        "MappingWithoutEvidence",
    }
    placed = {"https://data.belongnetwork.co.uk/shapes#" + n for n in local} | set(
        WHOLE_GRAPH_SHAPES
    )
    assert rules == placed


def test_a_build_keeps_what_the_next_compares_with_and_refuses_a_bad_edit(tmp_path: Path) -> None:
    data = shutil.copytree(PROJECT_ROOT / "data", tmp_path / "data")
    settings = Settings.load({"data_paths": (data,), "store_dir": tmp_path / "store"})
    build_store(settings)
    folder = current_store_dir(settings)
    assert folder is not None
    kept = json.loads((folder / REPORT_FILE).read_text())
    assert [f["message"] for f in kept["findings"]] == [
        f.message for f in check(settings).report.findings
    ]
    assert (
        b"<https://data.belongnetwork.co.uk/id/person/lloyd-dobbs>"
        in (folder / CURATED_FILE).read_bytes()
    )
    resources = data / "resources.ttl"
    resources.write_text(resources.read_text() + NEW_RESOURCE.format(position=1))
    with pytest.raises(ValidationFailed) as failed:
        build_store(settings)
    [finding] = failed.value.report.violations
    assert finding.message.startswith("Two credits of this resource share position 1")
    assert current_store_dir(settings) == folder
