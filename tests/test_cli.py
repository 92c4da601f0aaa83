"""The curator's commands: validate, build, export; run as a user runs them."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from belong_graph.build import current_store_dir, open_current
from belong_graph.cli import main
from belong_graph.formats import RDF_FORMATS, Format
from belong_graph.settings import Settings
from tests.conftest import LiveServer, copy_project_data

FUNDERS = (
    "PREFIX schema: <http://schema.org/> SELECT ?name WHERE { ?p schema:funder/schema:name ?name }"
)


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real console script, in a fresh process."""
    return subprocess.run(
        [sys.executable, "-m", "belong_graph", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def test_validate_passes_on_the_real_data() -> None:
    result = run("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 violation(s)" in result.stdout
    assert "Everybody’s Business online launch webinar" in result.stdout  # its warning is shown


def test_validate_reports_a_syntax_error_with_file_and_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text('@prefix schema: <http://schema.org/> .\n\n<id/x> schema:name "unclosed .\n')
    result = run("validate", str(broken))
    assert result.returncode == 1
    assert f"{broken}, line 3" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_validate_reports_violations_grouped_by_resource(tmp_path: Path) -> None:
    data = copy_project_data(tmp_path / "data")
    resources = data / "resources.ttl"
    text = resources.read_text()
    resources.write_text(text.replace('dcterms:title "The Everyday Integration Toolkit"@en ;', ""))
    result = run("validate", str(data))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    heading = next(
        i for i, line in enumerate(lines) if "/id/resource/everyday-integration-toolkit>" in line
    )
    assert f"in {resources}" in lines[heading]
    assert "Violation: A resource needs exactly one title (dcterms:title)," in lines[heading + 1]
    assert "1 violation(s)" in result.stdout


def test_a_failed_build_leaves_the_previous_store_serving(tmp_path: Path) -> None:
    data = copy_project_data(tmp_path / "data")
    settings = Settings.load({"store_dir": tmp_path / "store", "data_paths": (data,)})
    runner = CliRunner()
    env = {"BELONG_STORE_DIR": str(settings.store_dir), "BELONG_DATA_PATHS": str(data)}
    first = runner.invoke(main, ["build"], env=env)
    assert first.exit_code == 0, first.output
    before = current_store_dir(settings)
    version = open_current(settings).version

    people = data / "people.ttl"
    people.write_text(people.read_text() + "\n<id/person/x> <http://schema.org/name> .\n")
    failed = runner.invoke(main, ["build"], env=env)
    assert failed.exit_code == 1
    assert "people.ttl, line" in failed.output

    people.write_text(people.read_text().replace('schema:name "Ruth Hollis" ;', ""))
    refused = runner.invoke(main, ["build"], env=env)
    assert refused.exit_code == 1

    assert current_store_dir(settings) == before
    assert sorted(before.parent.glob("build-*")) == [before]  # nothing half-built is left
    store = open_current(settings)
    assert store.version == version
    assert {row["name"].value for row in store.query(FUNDERS)} >= {"Nuffield Foundation"}


def test_a_verbose_build_logs_the_time_of_each_phase(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="belong_graph")  # and put back after the test
    env = {"BELONG_STORE_DIR": str(tmp_path / "store")}
    result = CliRunner().invoke(main, ["build", "-v"], env=env)
    assert result.exit_code == 0, result.output
    logged = [r.getMessage() for r in caplog.records if r.name == "belong_graph.build"]
    phases = [message.split(":")[0] for message in logged]
    for name in ("parse", "rules", "change dates", "snapshot", "network views", "publish"):
        assert name in phases
    assert phases[-1] == "build"
    assert all(re.fullmatch(r"[^:]+(: [^:]+)?: \d+\.\d\d s \(CPU \d+\.\d\d s\)", m) for m in logged)
    assert not any(p.startswith("rule ") for p in phases)  # each rule's time is for -vv


def test_build_with_another_base_iri_mints_iris_under_it(tmp_path: Path) -> None:
    env = {
        "BELONG_STORE_DIR": str(tmp_path / "store"),
        "BELONG_BASE_IRI": "http://localhost:9/lib/",
    }
    result = CliRunner().invoke(main, ["build"], env=env)
    assert result.exit_code == 0, result.output
    store = open_current(Settings.load({"store_dir": tmp_path / "store"}))
    rows = store.query("SELECT ?o WHERE { ?o <http://schema.org/name> 'Nuffield Foundation'@en }")
    assert [row["o"].value for row in rows] == [
        "http://localhost:9/lib/id/organisation/nuffield-foundation"
    ]


@pytest.fixture(scope="module")
def reference_triples() -> Graph:
    result = CliRunner().invoke(main, ["export", "--format", "ntriples"])
    assert result.exit_code == 0
    return Graph().parse(data=result.stdout_bytes, format="nt")


@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.name)
def test_export_round_trips(fmt: Format, reference_triples: Graph, tmp_path: Path) -> None:
    output = tmp_path / f"graph.{fmt.extension}"
    result = CliRunner().invoke(main, ["export", "--format", fmt.name, "--output", str(output)])
    assert result.exit_code == 0, result.output
    if fmt.datasets:
        dataset = Dataset()
        dataset.parse(data=output.read_bytes(), format=fmt.rdflib_name)
        graph_names = {str(g.identifier) for g in dataset.graphs() if len(g)}
        assert "https://data.belongnetwork.co.uk/graph/derived" in graph_names
        assert "https://data.belongnetwork.co.uk/graph/data/resources" in graph_names
        parsed = Graph()
        for graph in dataset.graphs():
            parsed += graph
    else:
        parsed = Graph().parse(data=output.read_bytes(), format=fmt.rdflib_name)
    assert len(parsed) > 2000
    assert isomorphic(parsed, reference_triples)


def test_serve_warns_at_start_while_the_contact_is_the_placeholder(
    built_settings: Settings,
) -> None:
    warned = LiveServer(built_settings.store_dir).stop()
    assert "Warning: the contact address is the placeholder data@example.org" in warned
    assert "BELONG_CONTACT_EMAIL" in warned
    unset = LiveServer(built_settings.store_dir, contact_email="").stop()
    assert "Warning: the contact address is the placeholder" in unset
    quiet = LiveServer(
        built_settings.store_dir, contact_email="harvesting@library.example.net"
    ).stop()
    assert "belong-graph serving on" in quiet and "Warning" not in quiet
