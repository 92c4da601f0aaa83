"""External identifiers on the real data: the graph holds every filled cell of the verified
identifiers table (data/identifiers.csv, a verbatim copy of the shared organisations.csv), each
with the evidence the table gives, and nothing beyond it; the lookup view and the entity pages
use them."""

from __future__ import annotations

import csv
import json
import re

import pytest
from flask.testing import FlaskClient

from belong_graph.settings import PROJECT_ROOT
from belong_graph.store import OxigraphStore

TABLE = PROJECT_ROOT / "data" / "identifiers.csv"
SHARED = PROJECT_ROOT.parent / "shared" / "identifiers" / "organisations.csv"
BASE = "https://data.belongnetwork.co.uk/id/"

# The curated match of each row of the table (by the start of its name) to our entity.
ENTITIES = {
    "Belong - The Cohesion and Integration Network": "organisation/belong",
    "Department for Levelling Up, Housing and Communities": "organisation/dluhc",
    "Department for Culture, Media and Sport": "organisation/dcms",
    "University of Kent": "organisation/university-of-kent",
    "Centre for the Study of Group Processes": (
        "organisation/centre-for-the-study-of-group-processes"
    ),
    "Nuffield Foundation": "organisation/nuffield-foundation",
    "Spirit of 2012": "organisation/spirit-of-2012",
    "Government Office for Science": "organisation/go-science",
    "Scientific Advisory Group for Emergencies": "organisation/sage",
    "Intercultural Cities programme": "organisation/intercultural-cities-network",
    "Council of Europe": "organisation/council-of-europe",
    "The University of Sheffield": "organisation/university-of-sheffield",
    "Goodwin Development Trust": "organisation/goodwin-development-trust",
    "Humber Coast and Vale": "organisation/humber-coast-and-vale-health-and-care-partnership",
    "University of Hull": "organisation/university-of-hull",
    "Chilypep": "organisation/chilypep",
    "American Immigration Council": "organisation/american-immigration-council",
    "Center for Inclusion and Belonging": "organisation/center-for-inclusion-and-belonging",
    "University of Massachusetts Amherst": "organisation/university-of-massachusetts-amherst",
    "IFF Research": "organisation/iff-research",
    "University of Bristol": "organisation/university-of-bristol",
    "City of Bradford Metropolitan District Council": "organisation/bradford-council",
    "NCVO": "organisation/ncvo",
    "IPPR": "organisation/ippr",
    "Migration Yorkshire": "organisation/migration-yorkshire",
    "Blackburn with Darwen": "place/blackburn-with-darwen",
    "Bradford": "place/bradford",
    "Peterborough": "place/peterborough",
    "Walsall": "place/walsall",
    "Waltham Forest": "place/waltham-forest",
    "Dame Sara Khan": "person/sara-khan",
    "Dominic Abrams": "person/dominic-abrams",
    "Linda R. Tropp": "person/linda-r-tropp",
    "Jo Broadwood": "person/jo-broadwood",
}
COLUMNS = {  # column of the table: our scheme's notation
    "wikidata": "wikidata",
    "ror": "ror",
    "crossref_funder": "crossref-funder",
    "charity_number": "charity-number",
    "companies_house": "company-number",
    "govuk_slug": "govuk-organisation",
    "website": "website",
    "orcid": "orcid",
}
SAME_AS = {
    "wikidata": "http://www.wikidata.org/entity/",
    "ror": "https://ror.org/",
    "govuk_slug": "https://www.gov.uk/government/organisations/",
}
PREFIXES = """PREFIX schema: <http://schema.org/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#> PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX dcterms: <http://purl.org/dc/terms/>
"""


def entity_of(name: str) -> str:
    """The longest curated name that the row's name starts with (so that 'University of Kent'
    does not catch the row of its centre)."""
    matches = [key for key in ENTITIES if name == key or re.match(re.escape(key) + r"\b", name)]
    assert matches, f"the table has a row we have not matched: {name}"
    return BASE + ENTITIES[max(matches, key=len)]


def table() -> list[dict[str, str]]:
    with TABLE.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def rows(store: OxigraphStore, query: str) -> set[tuple[str, ...]]:
    return {tuple(term.value for term in row) for row in store.query(PREFIXES + query)}


def evidence(row: dict[str, str]) -> dict[str, str]:
    """Each column's evidence document (a URL or repository:path), without its note."""
    parts = dict(p.split("=", 1) for p in row["evidence"].split(" | ")) if row["evidence"] else {}
    return {column: text.split(" (", 1)[0] for column, text in parts.items()}


def test_every_row_of_the_table_is_matched_to_one_entity(library: OxigraphStore) -> None:
    matched = [entity_of(row["name"]) for row in table()]
    assert len(set(matched)) == len(matched) == 34
    described = rows(library, "SELECT ?e WHERE { ?e schema:name ?name }")
    assert {(iri,) for iri in matched} <= described


def test_every_filled_cell_is_an_identifier_and_nothing_else_is(library: OxigraphStore) -> None:
    expected = {
        (entity_of(row["name"]), notation, row[column])
        for row in table()
        for column, notation in COLUMNS.items()
        if row[column]
    }
    found = rows(
        library,
        """SELECT ?entity ?notation ?value WHERE {
            ?entity schema:identifier ?id .
            ?id schema:propertyID/skos:notation ?notation ; schema:value ?value }""",
    )
    assert found == expected
    nodes = rows(library, "SELECT ?id WHERE { ?id a schema:PropertyValue }")
    assert len(nodes) == len(expected) == 54


def test_each_identifier_names_the_evidence_the_table_gives(library: OxigraphStore) -> None:
    expected = {
        (entity_of(row["name"]), notation, document)
        for row in table()
        for column, notation in COLUMNS.items()
        if row[column]
        for document in [evidence(row)[column]]
    }
    found = rows(
        library,
        """SELECT ?entity ?notation ?document WHERE {
            ?entity schema:identifier ?id .
            ?id schema:propertyID/skos:notation ?notation ;
                prov:wasDerivedFrom <https://data.belongnetwork.co.uk/id/source/identifiers> ;
                prov:hadPrimarySource/dcterms:identifier ?document }""",
    )
    assert found == expected


@pytest.mark.parametrize("predicate", ["owl:sameAs", "schema:sameAs"])
def test_same_as_links_are_exactly_those_of_the_table(
    library: OxigraphStore, predicate: str
) -> None:
    expected = {
        (entity_of(row["name"]), space + row[column])
        for row in table()
        for column, space in SAME_AS.items()
        if row[column]
    }
    assert rows(library, f"SELECT ?s ?o WHERE {{ ?s {predicate} ?o }}") == expected
    assert len(expected) == 20  # 7 Wikidata items, 9 ROR records, 4 GOV.UK organisations


def test_homepages_are_the_websites_of_the_table(library: OxigraphStore) -> None:
    expected = {(entity_of(row["name"]), row["website"]) for row in table() if row["website"]}
    assert rows(library, "SELECT ?s ?o WHERE { ?s foaf:homepage ?o }") == expected
    assert rows(library, "SELECT ?s ?o WHERE { ?s foaf:homepage ?o ; schema:url ?o }") == expected


def test_charity_and_company_numbers_have_their_org_id_forms(library: OxigraphStore) -> None:
    found = rows(
        library,
        """SELECT ?entity ?id WHERE {
            ?entity dcterms:identifier ?id FILTER STRSTARTS(?id, "GB-") }""",
    )
    assert found == {
        (BASE + "organisation/belong", "GB-CHC-1180761"),
        (BASE + "organisation/nuffield-foundation", "GB-CHC-206601"),
        (BASE + "organisation/ncvo", "GB-CHC-225922"),
        (BASE + "organisation/ncvo", "GB-COH-00198344"),
    }


def lookup(client: FlaskClient, value: str) -> list[dict]:
    answer = client.get("/api/views/lookup", query_string={"id": value})
    assert answer.status_code == 200, answer.data
    return json.loads(answer.data)["items"]


@pytest.mark.parametrize(
    "value",
    [
        "00xkeyj56",
        "https://ror.org/00xkeyj56",
        "https://ror.org/00XKEYJ56/",
        "Q1516684",
        "http://www.wikidata.org/entity/Q1516684",
        "https://www.wikidata.org/wiki/Q1516684",
        "501100001316",
        "https://www.kent.ac.uk/",
    ],
)
def test_lookup_finds_kent_by_any_of_its_identifiers(client: FlaskClient, value: str) -> None:
    items = lookup(client, value)
    assert [item["entity"] for item in items] == [
        {"id": BASE + "organisation/university-of-kent", "label": "University of Kent"}
    ]


def test_lookup_by_charity_company_and_govuk_forms(client: FlaskClient) -> None:
    def found(value: str) -> set[str]:
        return {item["entity"]["id"].removeprefix(BASE) for item in lookup(client, value)}

    assert found("GB-CHC-1180761") == found("1180761") == {"organisation/belong"}
    assert found("GB-COH-00198344") == found("225922") == {"organisation/ncvo"}
    assert found("government-office-for-science") == {"organisation/go-science"}
    assert found("https://lindatropp.com/") == {"person/linda-r-tropp"}
    assert found("Q8908") == {"organisation/council-of-europe"}
    assert found("0000000000") == set()
    assert found('"} } SELECT * WHERE { ?s ?p ?o } #') == set()  # only ever a string


def test_lookup_needs_an_identifier(client: FlaskClient) -> None:
    answer = client.get("/api/views/lookup")
    assert answer.status_code == 400
    assert b"'id'" in answer.data


def test_external_identifiers_view_has_links_and_evidence(client: FlaskClient) -> None:
    answer = client.get(
        "/api/views/external-identifiers",
        query_string={"entity": "organisation/nuffield-foundation"},
    )
    items = {item["scheme"]: item for item in json.loads(answer.data)["items"]}
    assert set(items) == {
        "Wikidata QID",
        "ROR ID",
        "Crossref Funder ID",
        "Registered charity number (England and Wales)",
        "Official website",
    }
    assert items["ROR ID"]["link"] == {"id": "https://ror.org/0281jqk77", "label": "0281jqk77"}
    assert items["ROR ID"]["evidence"] == "ROR record 0281jqk77, release v2.0"
    charity = items["Registered charity number (England and Wales)"]
    assert (charity["value"], charity["link"]) == ("206601", None)
    assert (
        charity["evidenceLink"]["id"] == "https://www.nuffieldfoundation.org/finance-and-investment"
    )


def test_entity_pages_show_external_identifiers_as_links(client: FlaskClient) -> None:
    kent = client.get("/id/organisation/university-of-kent").get_data(as_text=True)
    assert re.search(r'<h2 id="list-\d+-heading">External identifiers</h2>', kent)
    assert '<a href="https://ror.org/00xkeyj56">00xkeyj56</a>' in kent
    assert '<a href="http://www.wikidata.org/entity/Q1516684">Q1516684</a>' in kent
    abrams = client.get("/id/person/dominic-abrams").get_data(as_text=True)
    assert 'href="https://www.kent.ac.uk/psychology/people/212/abrams-dominic"' in abrams
    assert "Beyond Us and Them" not in kent.split("External identifiers")[1]


def test_the_copy_of_the_table_is_the_shared_one() -> None:
    if not SHARED.exists():
        pytest.skip("no shared identifiers table beside this checkout")
    assert TABLE.read_bytes() == SHARED.read_bytes()


def test_identifier_nodes_are_labelled_by_scheme_and_value(library: OxigraphStore) -> None:
    labels = rows(
        library,
        f"SELECT ?label WHERE {{ <{BASE}organisation/university-of-kent> schema:identifier ?id . "
        "?id <http://www.w3.org/2000/01/rdf-schema#label> ?label }",
    )
    assert {("ROR ID 00xkeyj56",), ("Wikidata QID Q1516684",)} <= labels
