"""Every shape refuses what it should, with the message a curator reads, and accepts good data.

Each fixture in shapes/invalid/ adds one mistake to the real data and says in its header which
resource (focus), severity and message the validation must report. Fixtures in shapes/valid/ add
well-formed records that must bring no new finding.
"""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph

from belong_graph.build import check
from belong_graph.settings import PROJECT_ROOT, Settings
from belong_graph.validate import ValidationReport, load_graphs

FIXTURES = Path(__file__).parent / "shapes"
BASE = "https://data.belongnetwork.co.uk/"


def header(path: Path) -> dict[str, str]:
    fields = {}
    for line in path.read_text().splitlines():
        if not line.startswith("# "):
            break
        key, _, value = line[2:].partition(": ")
        fields[key] = value
    return fields


def validate_with(fixture: Path, engine: str = "pyshacl") -> ValidationReport:
    settings = Settings.load({"data_paths": (PROJECT_ROOT / "data", fixture), "validator": engine})
    return check(settings).report


@pytest.fixture(scope="module")
def baseline() -> ValidationReport:
    return check(Settings.load()).report


def test_real_data_conforms(baseline: ValidationReport) -> None:
    assert baseline.violations == []


@pytest.mark.parametrize(
    "fixture", sorted((FIXTURES / "valid").glob("*.ttl")), ids=lambda p: p.stem
)
def test_valid_fixture_adds_no_finding(fixture: Path, baseline: ValidationReport) -> None:
    assert set(validate_with(fixture).findings) == set(baseline.findings)


@pytest.mark.parametrize(
    "fixture", sorted((FIXTURES / "invalid").glob("*.ttl")), ids=lambda p: p.stem
)
def test_invalid_fixture_is_reported_with_its_message(fixture: Path) -> None:
    expected = header(fixture)
    report = validate_with(fixture)
    focus = expected["focus"]
    focus = focus if focus.startswith('"') else "<" + BASE + focus + ">"  # a literal, or an IRI
    reported = {(f.focus, f.severity, f.message) for f in report.findings}
    assert (focus, expected["severity"], expected["message"]) in reported
    assert report.conforms == (expected["severity"] != "Violation")


@pytest.mark.parametrize(
    "fixture", sorted(FIXTURES.glob("*/*.ttl")), ids=lambda p: f"{p.parent.name}-{p.stem}"
)
def test_turbo_reports_what_pyshacl_reports(fixture: Path) -> None:
    assert set(validate_with(fixture, "turbo").findings) == set(validate_with(fixture).findings)


def test_every_constraint_has_a_message() -> None:
    """Helper shapes nested inside a constraint report through that constraint's message."""
    shapes = load_graphs([PROJECT_ROOT / "shapes"], base_iri=BASE)
    missing = shapes.query("""
        PREFIX sh: <http://www.w3.org/ns/shacl#>
        SELECT ?shape WHERE {
            ?node sh:targetClass ?class .
            { ?node sh:property|sh:sparql ?shape }
            UNION { ?node sh:pattern|sh:closed|sh:nodeKind ?constraint . BIND (?node AS ?shape) }
            FILTER NOT EXISTS { ?shape sh:message ?message }
        }""")
    assert list(missing) == []


def test_shapes_conform_to_shacl_shacl() -> None:
    shapes = load_graphs([PROJECT_ROOT / "shapes"], base_iri=BASE)
    conforms, _, text = pyshacl.validate(Graph(), shacl_graph=shapes, meta_shacl=True)
    assert conforms, text
