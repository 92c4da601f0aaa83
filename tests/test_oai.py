"""OAI-PMH at /oai, harvested from the real server by a real client (Sickle), with every response
validated against the OAI-PMH and oai_dc XML Schemas (tests/fixtures/oai, see SOURCES.md there).

Expected records come from the seed document 003 (the Belong Network Library listing), which
lists ten resources; the server runs with a page size of 3, so a full list takes four pages.
"""

from __future__ import annotations

import base64
import gzip
import json
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS
from sickle import Sickle, oaiexceptions
from sickle.iterator import OAIResponseIterator

from belong_graph.settings import Settings
from tests.conftest import DISCRIMINATION_AUTHORS, LiveServer

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).parent / "fixtures" / "oai"
OAI = "{http://www.openarchives.org/OAI/2.0/}"
NS = {
    "oai": "http://www.openarchives.org/OAI/2.0/",
    "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
}
PREFIX = "oai:data.belongnetwork.co.uk:resource/"
ID = "https://data.belongnetwork.co.uk/id/resource/"
# The ten entries of the library listing in seed 003, by title.
SEED_TITLES = {
    "Supporting Migrant Communities: A resource for practitioners",
    "Cultivating Contact: A Guide to Building Bridges and Meaningful Connections Between Groups",
    "Independent Evaluations of the Integration Area Programme",
    "The Everyday Integration Toolkit",
    "A Bradford for Everyone: Programme Evaluation Report",
    "Discrimination, Prejudice and Cohesion – Intergroup relations among Black, Muslim and White "
    "People in Britain in the Context of COVID-19 and Beyond",
    "NCVO Guidance on Impact and Evaluation",
    "Everybody’s Business online launch webinar",
    "Everybody’s Business: the role that business can play in supporting cohesive communities",
    "Building the foundations for social connections in Yorkshire and Humber",
}
# The ten entries of the library listing in seed 003, in the list's order (by IRI).
SEED_SLUGS = [
    "a-bradford-for-everyone-programme-evaluation-report",
    "building-the-foundations-for-social-connections-in-yorkshire-and-humber",
    "cultivating-contact",
    "discrimination-prejudice-and-cohesion",
    "everybodys-business",
    "everybodys-business-online-launch-webinar",
    "everyday-integration-toolkit",
    "independent-evaluations-of-the-integration-area-programme",
    "ncvo-guidance-on-impact-and-evaluation",
    "supporting-migrant-communities",
]
PAGE_SIZE = 3


class LocalSchemas(etree.Resolver):
    """Resolve the schemas' imports to the copies in tests/fixtures/oai (there is no network)."""

    def resolve(self, system_url: str, public_id: str, context: Any) -> Any:
        path = FIXTURES / system_url.rsplit("/", 1)[-1]
        return self.resolve_filename(str(path), context) if path.exists() else None


def load_schema(name: str) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(LocalSchemas())
    return etree.XMLSchema(etree.parse(str(FIXTURES / name), parser))


OAI_SCHEMA = load_schema("OAI-PMH.xsd")
DC_SCHEMA = load_schema("oai_dc.xsd")


def assert_valid(body: bytes) -> etree._Element:
    """The response parsed, after checking it against OAI-PMH.xsd and each oai_dc against its
    schema (OAI-PMH.xsd skips the content of metadata and description)."""
    root = etree.fromstring(body)
    OAI_SCHEMA.assertValid(root)
    for dc in root.iterfind(".//oai_dc:dc", NS):
        DC_SCHEMA.assertValid(etree.fromstring(etree.tostring(dc)))
    return root


@pytest.fixture(scope="module")
def server(built_settings: Settings) -> Iterator[LiveServer]:
    server = LiveServer(built_settings.store_dir, oai_page_size=str(PAGE_SIZE))
    yield server
    server.stop()


def fetch(server: LiveServer, method: str = "GET", **arguments: str) -> tuple[int, str, bytes]:
    data = urllib.parse.urlencode(arguments)
    url = server.url + "/oai"
    if method == "GET":
        request = urllib.request.Request(url + "?" + data)
    else:
        request = urllib.request.Request(url, data=data.encode(), method="POST")
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, response.headers["Content-Type"], response.read()


def oai_error(server: LiveServer, **arguments: str) -> tuple[str, etree._Element]:
    """The one error code of a request, with its request element; checks status and schema."""
    status, content_type, body = fetch(server, **arguments)
    assert (status, content_type) == (200, "text/xml; charset=utf-8")
    root = assert_valid(body)
    errors = root.findall("oai:error", NS)
    assert len(errors) == 1 and errors[0].text
    return errors[0].get("code"), root.find("oai:request", NS)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_full_harvest_in_oai_dc_returns_every_resource_once(
    server: LiveServer, method: str
) -> None:
    records = list(
        Sickle(server.url + "/oai", http_method=method).ListRecords(metadataPrefix="oai_dc")
    )
    identifiers = [r.header.identifier for r in records]
    assert len(identifiers) == len(set(identifiers)) == len(SEED_TITLES)
    assert {r.metadata["title"][0] for r in records} == SEED_TITLES
    assert all(i.startswith(PREFIX) for i in identifiers)
    assert all(not r.deleted and len(r.header.datestamp) == 10 for r in records)


def test_pages_carry_resumption_tokens_with_list_size_and_cursor(server: LiveServer) -> None:
    client = Sickle(server.url + "/oai", iterator=OAIResponseIterator)
    pages = list(client.ListIdentifiers(metadataPrefix="oai_dc"))
    assert len(pages) == 4  # 10 items, 3 a page
    seen = []
    for number, page in enumerate(pages):
        root = assert_valid(page.raw.encode())
        seen += [e.text for e in root.iterfind(".//oai:header/oai:identifier", NS)]
        token = root.find(".//oai:resumptionToken", NS)
        assert token.get("completeListSize") == "10"
        assert token.get("cursor") == str(number * PAGE_SIZE)
        assert bool(token.text) == (number < 3)  # the last page has an empty token
    assert len(seen) == len(set(seen)) == 10


def identifiers_of(root: etree._Element) -> list[str]:
    return [e.text for e in root.iterfind(".//oai:header/oai:identifier", NS)]


def test_each_token_gives_the_next_items_in_the_lists_order(server: LiveServer) -> None:
    first = assert_valid(fetch(server, verb="ListIdentifiers", metadataPrefix="oai_dc")[2])
    pages, root = [identifiers_of(first)], first
    while token := root.findtext(".//oai:resumptionToken", namespaces=NS):
        root = assert_valid(fetch(server, verb="ListIdentifiers", resumptionToken=token)[2])
        pages.append(identifiers_of(root))
        again = assert_valid(fetch(server, verb="ListIdentifiers", resumptionToken=token)[2])
        assert identifiers_of(again) == pages[-1]  # a token gives the same page each time
    every = [PREFIX + slug for slug in SEED_SLUGS]
    assert pages == [every[0:3], every[3:6], every[6:9], every[9:]]
    evaluations = assert_valid(
        fetch(server, verb="ListRecords", metadataPrefix="oai_dc", set="type:evaluation-report")[2]
    )
    assert identifiers_of(evaluations) == [
        PREFIX + "a-bradford-for-everyone-programme-evaluation-report",
        PREFIX + "independent-evaluations-of-the-integration-area-programme",
    ]
    assert evaluations.find(".//oai:resumptionToken", NS) is None  # one page holds them


def test_a_token_past_the_end_of_its_list_is_refused(server: LiveServer) -> None:
    first = assert_valid(fetch(server, verb="ListIdentifiers", metadataPrefix="oai_dc")[2])
    given = first.findtext(".//oai:resumptionToken", namespaces=NS)
    fields = json.loads(base64.urlsafe_b64decode(given + "=" * (-len(given) % 4)))
    assert fields[4] == PAGE_SIZE  # the cursor of the next page
    for cursor, code in ((9, None), (10, "badResumptionToken")):
        past = token(*fields[:4], cursor, fields[5]).rstrip("=")
        root = assert_valid(fetch(server, verb="ListIdentifiers", resumptionToken=past)[2])
        error = root.find("oai:error", NS)
        assert (None if error is None else error.get("code")) == code


def test_a_record_in_a_page_is_described_as_on_its_own(server: LiveServer) -> None:
    """A page's RDF descriptions are read together and split by record: each is the record's
    description as GetRecord gives it, with no triple of its neighbours in the page."""
    pages = Sickle(server.url + "/oai", iterator=OAIResponseIterator).ListRecords(
        metadataPrefix="rdf"
    )
    for page in pages:
        for record in assert_valid(page.raw.encode()).iterfind(".//oai:record", NS):
            identifier = record.findtext("oai:header/oai:identifier", namespaces=NS)
            alone = assert_valid(
                fetch(server, verb="GetRecord", identifier=identifier, metadataPrefix="rdf")[2]
            )
            in_page, on_its_own = (
                Graph().parse(data=etree.tostring(r.find(".//rdf:RDF", NS)), format="xml")
                for r in (record, alone)
            )
            assert len(in_page) > 10
            assert isomorphic(in_page, on_its_own), identifier


def test_a_full_harvest_in_rdf_gives_each_resource_its_description(server: LiveServer) -> None:
    client = Sickle(server.url + "/oai", iterator=OAIResponseIterator)
    titles = set()
    for page in client.ListRecords(metadataPrefix="rdf"):
        root = assert_valid(page.raw.encode())
        for record in root.iterfind(".//oai:record", NS):
            identifier = record.findtext("oai:header/oai:identifier", namespaces=NS)
            subject = URIRef(ID + identifier.removeprefix(PREFIX))
            rdf = record.find("oai:metadata/rdf:RDF", NS)
            graph = Graph().parse(data=etree.tostring(rdf), format="xml")
            titles |= {str(t) for t in graph.objects(subject, DCTERMS.title)}
            datestamp = record.findtext("oai:header/oai:datestamp", namespaces=NS)
            assert (subject, DCTERMS.modified, Literal(datestamp, datatype=XSD_DATE)) in graph
    assert titles == SEED_TITLES


XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")


def test_get_record_gives_the_seed_credits_in_order(server: LiveServer) -> None:
    client = Sickle(server.url + "/oai")
    record = client.GetRecord(
        identifier=PREFIX + "discrimination-prejudice-and-cohesion", metadataPrefix="oai_dc"
    )
    assert_valid(
        fetch(
            server,
            verb="GetRecord",
            identifier=PREFIX + "discrimination-prejudice-and-cohesion",
            metadataPrefix="oai_dc",
        )[2]
    )
    dc = record.metadata
    assert dc["title"] == [
        "Discrimination, Prejudice and Cohesion – Intergroup relations among Black, Muslim and "
        "White People in Britain in the Context of COVID-19 and Beyond"
    ]
    assert dc["creator"] == DISCRIMINATION_AUTHORS
    assert dc["date"] == ["2022-07"]
    assert ID + "discrimination-prejudice-and-cohesion" in dc["identifier"]
    assert set(dc["subject"]) >= {"Social cohesion", "COVID-19"}
    assert "Text" in dc["type"] and "Research report" in dc["type"]


def test_people_and_organisations_are_creators_in_credit_order(server: LiveServer) -> None:
    record = Sickle(server.url + "/oai").GetRecord(
        identifier=PREFIX + "supporting-migrant-communities", metadataPrefix="oai_dc"
    )
    assert record.metadata["creator"] == [
        "Julie Walsh",
        "Maria Teresa Ferazzoli",
        "Lloyd Dobbs",
        "Gail Teasdale",
        "Catriona Jones",
        "Laura Abott",
        "Aidan Mascarenhas-Keyes",
    ]
    assert record.metadata["contributor"] == [
        "Elizabeth Veeren",
        "Gary Blake",
        "Shupi Chiwanza",
        "Nchimunya Ng’andu",
    ]
    toolkit = Sickle(server.url + "/oai").GetRecord(
        identifier=PREFIX + "everyday-integration-toolkit", metadataPrefix="oai_dc"
    )
    assert toolkit.metadata["creator"] == ["University of Bristol"]
    assert toolkit.metadata["date"] == ["2022-07"]


def test_an_organisation_is_the_creator_by_the_name_the_resource_printed(
    server: LiveServer,
) -> None:
    """Seed 003 lists the August 2022 evaluations by the "Department for Levelling Up, Housing
    and Communities", the name of that day, as their citation does; not by today's name."""
    record = Sickle(server.url + "/oai").GetRecord(
        identifier=PREFIX + "independent-evaluations-of-the-integration-area-programme",
        metadataPrefix="oai_dc",
    )
    assert record.metadata["creator"] == ["Department for Levelling Up, Housing and Communities"]


def test_identify_describes_the_repository_and_its_identifiers(server: LiveServer) -> None:
    _, _, body = fetch(server, verb="Identify")
    root = assert_valid(body)
    identify = root.find("oai:Identify", NS)
    assert identify.findtext("oai:baseURL", namespaces=NS) == server.url + "/oai"
    assert identify.findtext("oai:repositoryName", namespaces=NS) == "The Belong Network Library"
    assert identify.findtext("oai:granularity", namespaces=NS) == "YYYY-MM-DD"
    assert identify.findtext("oai:deletedRecord", namespaces=NS) == "persistent"
    # no source gives a mailbox: the default is a placeholder at a reserved domain (RFC 2606)
    assert identify.findtext("oai:adminEmail", namespaces=NS) == "data@example.org"
    scheme = identify.find("oai:description/*", NS)
    assert scheme.tag == "{http://www.openarchives.org/OAI/2.0/oai-identifier}oai-identifier"
    texts = [e.text for e in scheme]
    assert texts[:3] == ["oai", "data.belongnetwork.co.uk", ":"]
    assert texts[3].startswith(PREFIX)
    assert Sickle(server.url + "/oai").Identify().granularity == "YYYY-MM-DD"


def test_responses_are_gzipped_when_asked(server: LiveServer) -> None:
    request = urllib.request.Request(
        server.url + "/oai?verb=ListRecords&metadataPrefix=rdf", headers={"Accept-Encoding": "gzip"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        root = assert_valid(gzip.decompress(response.read()))
    assert len(root.findall(".//oai:record", NS)) == PAGE_SIZE
    _, _, body = fetch(server, verb="Identify")
    assert etree.fromstring(body).findtext(".//oai:compression", namespaces=NS) == "gzip"


def test_list_sets_and_metadata_formats(server: LiveServer) -> None:
    client = Sickle(server.url + "/oai")
    sets = {s.setSpec: s.setName for s in client.ListSets()}
    assert sets["theme:social-cohesion"] == "Social cohesion"
    assert sets["type:research-report"] == "Research report"
    assert sets["type"] == "Resource Type" and sets["theme"] == "Resource Themes"
    formats = {f.metadataPrefix for f in client.ListMetadataFormats()}
    assert formats == {"oai_dc", "rdf"}
    for_item = client.ListMetadataFormats(identifier=PREFIX + "cultivating-contact")
    assert {f.metadataPrefix for f in for_item} == {"oai_dc", "rdf"}
    for arguments in ({"verb": "ListSets"}, {"verb": "ListMetadataFormats"}):
        assert_valid(fetch(server, **arguments)[2])


def titles_of(server: LiveServer, **selection: str) -> set[str]:
    records = Sickle(server.url + "/oai").ListRecords(metadataPrefix="oai_dc", **selection)
    return {r.metadata["title"][0] for r in records}


def test_selective_harvesting_by_set(server: LiveServer) -> None:
    # seed 003: the two reports on social cohesion themes, and the webinar that launched one
    assert titles_of(server, set="type:webinar") == {"Everybody’s Business online launch webinar"}
    evaluations = titles_of(server, set="type:evaluation-report")
    assert evaluations == {
        "Independent Evaluations of the Integration Area Programme",
        "A Bradford for Everyone: Programme Evaluation Report",
    }
    research = titles_of(server, set="type:research")  # a broader type holds its narrower ones
    assert evaluations < research
    assert titles_of(server, set="type") == SEED_TITLES
    assert "The Everyday Integration Toolkit" in titles_of(server, set="theme:place-based-working")
    headers = list(
        Sickle(server.url + "/oai").ListIdentifiers(metadataPrefix="oai_dc", set="theme:covid-19")
    )
    assert [h.identifier for h in headers] == [PREFIX + "discrimination-prejudice-and-cohesion"]
    assert "theme:covid-19" in headers[0].setSpecs


def test_selective_harvesting_by_date(server: LiveServer) -> None:
    headers = list(Sickle(server.url + "/oai").ListIdentifiers(metadataPrefix="oai_dc"))
    first, last = min(h.datestamp for h in headers), max(h.datestamp for h in headers)
    assert titles_of(server, **{"from": first, "until": last}) == SEED_TITLES
    before = (date.fromisoformat(first) - timedelta(days=1)).isoformat()
    after = (date.fromisoformat(last) + timedelta(days=1)).isoformat()
    for selection in ({"until": before}, {"from": after}):
        code, _ = oai_error(server, verb="ListIdentifiers", metadataPrefix="oai_dc", **selection)
        assert code == "noRecordsMatch"


def token(*fields: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(fields).encode()).decode()


TOKEN = token("oai_dc", None, None, None, 3, "0000000000000000")  # a list that is not ours


@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        ({}, "badVerb"),
        ({"verb": "Harvest"}, "badVerb"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "Identify", "set": "theme"}, "badArgument"),
        ({"verb": "GetRecord", "identifier": PREFIX + "cultivating-contact"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2022-13-01"}, "badArgument"),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2022-01-01T00:00:00Z"},
            "badArgument",
        ),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2023-01-01",
                "until": "2022-01-01",
            },
            "badArgument",
        ),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "not a set"}, "badArgument"),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "resumptionToken": TOKEN},
            "badArgument",
        ),
        ({"verb": "ListRecords", "resumptionToken": "not-a-token"}, "badResumptionToken"),
        (  # long enough to hide JSON nested past Python's recursion limit
            {"verb": "ListRecords", "resumptionToken": base64.b64encode(b"[" * 1500).decode()},
            "badResumptionToken",
        ),
        ({"verb": "ListRecords", "resumptionToken": TOKEN}, "badResumptionToken"),
        ({"verb": "ListSets", "resumptionToken": TOKEN}, "badResumptionToken"),
        (
            {"verb": "ListRecords", "resumptionToken": token("marc", None, None, None, 3, "ab")},
            "badResumptionToken",
        ),
        (
            {"verb": "ListRecords", "resumptionToken": token("rdf", "20", None, None, 3, "ab")},
            "badResumptionToken",
        ),
        (
            {"verb": "ListRecords", "resumptionToken": token("rdf", None, None, None, -3, "ab")},
            "badResumptionToken",
        ),
        ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
        (
            {
                "verb": "GetRecord",
                "identifier": PREFIX + "cultivating-contact",
                "metadataPrefix": "mods",
            },
            "cannotDisseminateFormat",
        ),
        (
            {"verb": "GetRecord", "identifier": PREFIX + "nothing", "metadataPrefix": "oai_dc"},
            "idDoesNotExist",
        ),
        (
            {"verb": "GetRecord", "identifier": "cultivating-contact", "metadataPrefix": "oai_dc"},
            "idDoesNotExist",
        ),
        ({"verb": "ListMetadataFormats", "identifier": "oai:elsewhere:x"}, "idDoesNotExist"),
        (
            {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "theme:no-such-theme"},
            "noRecordsMatch",
        ),
        ({"verb": "ListRecords", "metadataPrefix": "rdf", "from": "2999-01-01"}, "noRecordsMatch"),
    ],
)
def test_every_error_condition_has_its_code(
    server: LiveServer, arguments: dict[str, str], code: str
) -> None:
    found, request = oai_error(server, **arguments)
    assert found == code
    if code in ("badVerb", "badArgument"):
        assert request.attrib == {}  # the protocol wants only the base URL then
    else:
        assert request.get("verb") == arguments["verb"]


def test_repeated_arguments_are_bad(server: LiveServer) -> None:
    url = server.url + "/oai?verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=rdf"
    with urllib.request.urlopen(url, timeout=60) as response:
        root = assert_valid(response.read())
    assert root.find("oai:error", NS).get("code") == "badArgument"
    with urllib.request.urlopen(server.url + "/oai?verb=Identify&verb=Identify", timeout=60) as r:
        assert assert_valid(r.read()).find("oai:error", NS).get("code") == "badVerb"


def test_the_harvester_sees_error_codes_as_exceptions(server: LiveServer) -> None:
    client = Sickle(server.url + "/oai")
    with pytest.raises(oaiexceptions.CannotDisseminateFormat):
        list(client.ListRecords(metadataPrefix="marc21"))
    with pytest.raises(oaiexceptions.IdDoesNotExist):
        client.GetRecord(identifier=PREFIX + "nothing", metadataPrefix="oai_dc")
    with pytest.raises(oaiexceptions.BadResumptionToken):
        list(client.ListRecords(resumptionToken=TOKEN))
    with pytest.raises(oaiexceptions.NoRecordsMatch):
        list(client.ListIdentifiers(metadataPrefix="oai_dc", set="type:no-such-type"))


def test_other_served_data_is_harvested_whole_with_no_deletions(tmp_path: Path) -> None:
    """`serve --data` dates other files by their build, not by our data's ledger."""
    library = tmp_path / "library.ttl"
    subprocess.run(
        [sys.executable, "-m", "belong_graph", "generate", "--resources", "25", "-o", str(library)],
        check=True,
    )
    server = LiveServer(tmp_path / "store", "--data", str(library), oai_page_size="10")
    try:
        client = Sickle(server.url + "/oai", iterator=OAIResponseIterator)
        pages = list(client.ListIdentifiers(metadataPrefix="oai_dc"))
        roots = [assert_valid(page.raw.encode()) for page in pages]
    finally:
        server.stop()
    headers = [h for root in roots for h in root.iterfind(".//oai:header", NS)]
    assert len(pages) == 3
    assert len({h.findtext("oai:identifier", namespaces=NS) for h in headers}) == 25
    assert not [h for h in headers if h.get("status") == "deleted"]
