"""The OAI-PMH item list the build writes beside the store (oai.sqlite), and a server that
answers from it: what the list holds, the pages and selections read from it, and a copy of a
build whose list was changed by hand, which the server follows where the store says otherwise.

Expected items come from the seed document 003 (the Belong Network Library listing): its ten
resources, their types and themes as the existing harvest tests state them."""

from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET
from contextlib import closing
from pathlib import Path

from belong_graph.publish.oai_index import INDEX_FILE, OaiIndex, Selection
from belong_graph.settings import Settings
from tests.conftest import BASE, copied_build, make_app
from tests.test_oai import SEED_SLUGS

RESOURCE = BASE + "id/resource/"
OAI = {"oai": "http://www.openarchives.org/OAI/2.0/"}
EVALUATIONS = [  # seed 003: the two evaluation reports
    "a-bradford-for-everyone-programme-evaluation-report",
    "independent-evaluations-of-the-integration-area-programme",
]


def slugs(items: list[str]) -> list[str]:
    return [iri.removeprefix(RESOURCE) for iri in items]


def test_the_build_writes_every_item_with_its_sets(build_folder: Path) -> None:
    with OaiIndex(build_folder / INDEX_FILE) as index:
        everything = index.page(Selection(), 0, 100)
        assert slugs([i.iri for i in everything]) == SEED_SLUGS
        assert index.count(Selection()) == 10
        assert all(len(i.datestamp) == 10 and not i.deleted for i in everything)
        covid = index.item(RESOURCE + "discrimination-prejudice-and-cohesion")
        assert covid is not None and "theme:covid-19" in covid.sets
        assert index.item(RESOURCE + "power-of-connection-toolkit") is None  # not in the library
        assert index.summary("name") == "The Belong Network Library"
        assert index.earliest() == min(i.datestamp for i in everything)
        assert index.first_live() == RESOURCE + SEED_SLUGS[0]
        names = {s.spec: s.name for s in index.sets()}
        assert names["type:evaluation-report"] == "Evaluation report"
        assert names["theme"] == "Resource Themes"


def test_pages_and_selections_come_in_the_lists_order(build_folder: Path) -> None:
    with OaiIndex(build_folder / INDEX_FILE) as index:
        pages = [slugs([i.iri for i in index.page(Selection(), start, 3)]) for start in (0, 3, 9)]
        assert pages == [SEED_SLUGS[0:3], SEED_SLUGS[3:6], SEED_SLUGS[9:]]
        evaluations = Selection(set_spec="type:evaluation-report")
        assert slugs([i.iri for i in index.page(evaluations, 0, 100)]) == EVALUATIONS
        research = slugs([i.iri for i in index.page(Selection(set_spec="type:research"), 0, 100)])
        assert set(EVALUATIONS) < set(research)  # a broader type holds its narrower ones
        assert index.count(Selection(set_spec="type")) == 10
        assert index.count(Selection(set_spec="type:evaluation")) == 0  # not a prefix match
        datestamps = sorted(i.datestamp for i in index.page(Selection(), 0, 100))
        latest = Selection(start=datestamps[-1])
        assert index.count(latest) == datestamps.count(datestamps[-1])
        assert index.count(Selection(until=datestamps[0])) == datestamps.count(datestamps[0])
        assert index.count(Selection(start="2999-01-01")) == 0


def test_the_server_answers_from_the_list_the_build_wrote(
    built_settings: Settings, build_folder: Path, tmp_path: Path
) -> None:
    """A copy of the build whose item list leaves one resource out and redates another: the
    server lists, counts and finds items as the list says, though the store still holds them."""
    settings = copied_build(built_settings, build_folder, tmp_path)
    copy = tmp_path / "store" / build_folder.name / INDEX_FILE
    with closing(sqlite3.connect(copy)) as connection:
        gone = RESOURCE + "cultivating-contact"
        connection.execute("DELETE FROM items WHERE iri = ?", (gone,))
        connection.execute("DELETE FROM memberships WHERE iri = ?", (gone,))
        connection.execute(
            "UPDATE items SET datestamp = '2001-02-03' WHERE iri = ?",
            (RESOURCE + "everybodys-business",),
        )
        connection.commit()
    prefix = "oai:data.belongnetwork.co.uk:resource/"
    for app in make_app(settings):
        client = app.test_client()
        listed = ET.fromstring(client.get("/oai?verb=ListIdentifiers&metadataPrefix=oai_dc").data)
        headers = {
            h.findtext("oai:identifier", namespaces=OAI): h.findtext(
                "oai:datestamp", namespaces=OAI
            )
            for h in listed.iterfind(".//oai:header", OAI)
        }
        assert list(headers) == [prefix + s for s in SEED_SLUGS if s != "cultivating-contact"]
        assert headers[prefix + "everybodys-business"] == "2001-02-03"
        since = ET.fromstring(
            client.get("/oai?verb=ListIdentifiers&metadataPrefix=oai_dc&until=2001-12-31").data
        )
        assert [h.text for h in since.iterfind(".//oai:header/oai:identifier", OAI)] == [
            prefix + "everybodys-business"
        ]
        missing = ET.fromstring(
            client.get(
                f"/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier={prefix}cultivating-contact"
            ).data
        )
        assert missing.find("oai:error", OAI).get("code") == "idDoesNotExist"
