"""Change dates: the committed ledger is current, a change moves only the changed entity's date
(and so its OAI-PMH datestamp), a removed resource stays as a deleted record, and a resumption
token given before a change is refused after it."""

from __future__ import annotations

import re
import tempfile
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from belong_graph import changes
from belong_graph.build import build_in_memory, check
from belong_graph.cli import main
from belong_graph.errors import LedgerError
from belong_graph.publish.oai import Repository, respond
from belong_graph.publish.oai_index import INDEX_FILE, OaiIndex, write_index
from belong_graph.publish.oai_records import Library
from belong_graph.settings import Settings
from belong_graph.sparql.results import select
from belong_graph.store import OxigraphStore
from tests.conftest import copy_project_data

OAI = {"oai": "http://www.openarchives.org/OAI/2.0/"}
PREFIX = "oai:data.belongnetwork.co.uk:resource/"
CONTACT_TITLE = (
    '"Cultivating Contact: A Guide to Building Bridges and Meaningful Connections Between Groups"'
)
LATER = date(2030, 1, 1)


def copied(tmp_path: Path) -> Settings:
    data = copy_project_data(tmp_path / "data")
    return Settings.load(
        {
            "data_paths": (data,),
            "changes_file": data / "changes" / "record-dates.tsv",
            "store_dir": tmp_path / "store",
        }
    )


def edit(settings: Settings, old: str, new: str) -> None:
    path = settings.data_paths[0] / "resources.ttl"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def update_ledger(settings: Settings, today: date) -> changes.Ledger:
    """What `belong-graph changes --update` does on ``today``."""
    digests = changes.current_digests(check(settings, validate_data=False).data.store, settings)
    ledger = changes.updated(changes.read_ledger(settings.changes_file), digests, today)
    changes.write_ledger(ledger, settings.changes_file)
    return ledger


def oai(
    store: OxigraphStore, settings: Settings, page_size: int = 100, **arguments: str
) -> ET.Element:
    """The answer of a provider on ``store``, with the item list a build of it would write."""
    repository = Repository(
        "http://localhost/oai", settings.base_iri, "a@b.org", page_size, "2026-01-01"
    )
    given = {name: [value] for name, value in arguments.items()}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / INDEX_FILE
        write_index(store, path, base_iri=settings.base_iri)
        with OaiIndex(path) as index:
            library = Library(
                index, lambda query: select(store, query), lambda query: graph(store, query)
            )
            return ET.fromstring(respond(given, repository, library, datetime.now(UTC)))


def graph(store: OxigraphStore, query: str) -> ox.QueryTriples:
    triples = store.query(query)
    assert isinstance(triples, ox.QueryTriples)
    return triples


def headers(root: ET.Element) -> dict[str, tuple[str, str | None]]:
    """Identifier -> (datestamp, status) of every header in a response."""
    return {
        h.findtext("oai:identifier", namespaces=OAI) or "": (
            h.findtext("oai:datestamp", namespaces=OAI) or "",
            h.get("status"),
        )
        for h in root.iterfind(".//oai:header", OAI)
    }


def error_code(root: ET.Element) -> str | None:
    error = root.find("oai:error", OAI)
    return None if error is None else error.get("code")


def test_the_committed_ledger_is_current() -> None:
    result = CliRunner().invoke(main, ["changes", "--check"])
    assert result.exit_code == 0, result.output
    assert result.output == ""


def test_every_entity_has_its_ledger_date_in_the_graph(library: OxigraphStore) -> None:
    settings = Settings.load()
    ledger = changes.read_ledger(settings.changes_file)
    rows = library.query(
        "SELECT ?e ?d WHERE { GRAPH ?g { ?e <http://purl.org/dc/terms/modified> ?d } }",
        named_graphs=[settings.changes_graph_iri()],
    )
    found = {row["e"].value.removeprefix(settings.base_iri + "id/"): row["d"].value for row in rows}
    assert found == {entity: entry.modified.isoformat() for entity, entry in ledger.items()}
    assert "resource/cultivating-contact" in found and "person/jo-broadwood" in found


def test_changing_one_title_moves_only_that_records_datestamp(tmp_path: Path) -> None:
    settings = copied(tmp_path)
    before = changes.read_ledger(settings.changes_file)
    edit(settings, CONTACT_TITLE, '"Cultivating Contact: a guide"')
    after = update_ledger(settings, LATER)
    assert changes.differences(before, after) == ["changed\tresource/cultivating-contact"]

    store = build_in_memory(settings)
    everything = headers(oai(store, settings, verb="ListIdentifiers", metadataPrefix="oai_dc"))
    assert everything[PREFIX + "cultivating-contact"] == (LATER.isoformat(), None)
    unchanged = {i: d for i, (d, _) in everything.items() if i != PREFIX + "cultivating-contact"}
    assert unchanged == {
        PREFIX + entity.removeprefix("resource/"): entry.modified.isoformat()
        for entity, entry in before.items()
        if PREFIX + entity.removeprefix("resource/") in unchanged
    }
    assert len(unchanged) == 9
    since = oai(
        store, settings, verb="ListRecords", metadataPrefix="oai_dc", **{"from": "2030-01-01"}
    )
    assert list(headers(since)) == [PREFIX + "cultivating-contact"]
    assert since.findtext(".//{http://purl.org/dc/elements/1.1/}title") == (
        "Cultivating Contact: a guide"
    )


def test_a_removed_resource_stays_as_a_deleted_record(tmp_path: Path) -> None:
    settings = copied(tmp_path)
    path = settings.data_paths[0] / "resources.ttl"
    text = path.read_text(encoding="utf-8")
    webinar = re.search(
        r"resource:everybodys-business-online-launch-webinar a .*?\n\n", text, re.DOTALL
    )
    assert webinar
    path.write_text(text.replace(webinar.group(0), ""), encoding="utf-8")
    ledger = update_ledger(settings, LATER)
    gone = ledger["resource/everybodys-business-online-launch-webinar"]
    assert gone.deleted and gone.modified == LATER
    assert update_ledger(settings, date(2031, 1, 1)) == ledger  # deletions are kept as they were

    store = build_in_memory(settings)
    identifier = PREFIX + "everybodys-business-online-launch-webinar"
    listed = headers(oai(store, settings, verb="ListIdentifiers", metadataPrefix="oai_dc"))
    assert listed[identifier] == (LATER.isoformat(), "deleted")
    assert len(listed) == 10
    record = oai(store, settings, verb="GetRecord", identifier=identifier, metadataPrefix="rdf")
    assert headers(record) == {identifier: (LATER.isoformat(), "deleted")}
    assert record.find(".//oai:metadata", OAI) is None
    formats = oai(store, settings, verb="ListMetadataFormats", identifier=identifier)
    assert error_code(formats) == "noMetadataFormats"


def test_a_token_given_before_a_change_is_refused_after_it(tmp_path: Path) -> None:
    settings = copied(tmp_path)
    first = oai(
        build_in_memory(settings), settings, 3, verb="ListIdentifiers", metadataPrefix="rdf"
    )
    token = first.findtext(".//oai:resumptionToken", namespaces=OAI)
    assert token
    same = oai(
        build_in_memory(settings), settings, 3, verb="ListIdentifiers", resumptionToken=token
    )
    assert error_code(same) is None and len(headers(same)) == 3

    edit(settings, CONTACT_TITLE, '"Cultivating Contact: a guide"')
    update_ledger(settings, LATER)
    changed = oai(
        build_in_memory(settings), settings, verb="ListIdentifiers", resumptionToken=token
    )
    assert error_code(changed) == "badResumptionToken"


def test_the_command_reports_updates_and_checks(tmp_path: Path) -> None:
    settings = copied(tmp_path)
    env = {
        "BELONG_DATA_PATHS": str(settings.data_paths[0]),
        "BELONG_CHANGES_FILE": str(settings.changes_file),
    }
    runner = CliRunner()
    edit(settings, CONTACT_TITLE, '"Cultivating Contact"')
    stale = runner.invoke(main, ["changes", "--check"], env=env)
    assert stale.exit_code == 1
    assert "changed\tresource/cultivating-contact" in stale.output
    assert "belong-graph changes --update" in stale.output
    assert runner.invoke(main, ["changes", "--update"], env=env).exit_code == 0
    assert runner.invoke(main, ["changes", "--check"], env=env).exit_code == 0
    today = datetime.now(UTC).date()
    assert (
        changes.read_ledger(settings.changes_file)["resource/cultivating-contact"].modified == today
    )


def test_the_ledger_rules() -> None:
    old, new = date(2026, 1, 1), date(2026, 2, 1)
    ledger = {
        "a": changes.Entry(old, "1"),
        "b": changes.Entry(old, "2"),
        "c": changes.Entry(old, "3"),
        "d": changes.Entry(old, "4", deleted=True),
    }
    after = changes.updated(ledger, {"a": "1", "b": "changed", "d": "4", "e": "5"}, new)
    assert after == {
        "a": changes.Entry(old, "1"),  # unchanged: keeps its date
        "b": changes.Entry(new, "changed"),
        "c": changes.Entry(new, "3", deleted=True),
        "d": changes.Entry(new, "4"),  # back again
        "e": changes.Entry(new, "5"),
    }


def test_digests_do_not_depend_on_the_base_iri() -> None:
    ours = Settings.load()
    theirs = Settings.load({"base_iri": "http://example.org/library/"})
    assert changes.current_digests(
        check(ours, validate_data=False).data.store, ours
    ) == changes.current_digests(check(theirs, validate_data=False).data.store, theirs)


def test_a_malformed_ledger_says_where(tmp_path: Path) -> None:
    path = tmp_path / "record-dates.tsv"
    path.write_text("entity\tmodified\tdigest\tstate\nresource/x\tyesterday\tab\tlive\n")
    with pytest.raises(LedgerError, match="line 2"):
        changes.read_ledger(path)
