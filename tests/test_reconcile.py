"""The Reconciliation API at /reconcile: its manifest and candidates, each answer valid against
the vendored 0.2 schemas; the expected entities are those the seed documents name."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from belong_graph.publish.completions import INDEX_FILE
from belong_graph.settings import Settings
from tests.conftest import copied_build, make_app, problem

SCHEMAS = {
    path.stem: json.loads(path.read_text())
    for path in (Path(__file__).parent / "fixtures" / "reconciliation").glob("*.json")
}
REGISTRY: Registry[Any] = Registry().with_resources(
    (schema["$id"], Resource(schema, specification=DRAFT7)) for schema in SCHEMAS.values()
)
FORM = "application/x-www-form-urlencoded; charset=UTF-8"  # as OpenRefine posts
PROPOSAL = "/reconcile/properties"


def valid(name: str, document: Any) -> Any:
    errors = [
        e.message for e in Draft7Validator(SCHEMAS[name], registry=REGISTRY).iter_errors(document)
    ]
    assert errors == []
    return document


def reconciled(client: FlaskClient, queries: dict[str, Any]) -> dict[str, Any]:
    """The answer to ``queries`` posted as OpenRefine posts them."""
    answer = client.post("/reconcile", data={"queries": json.dumps(queries)}, content_type=FORM)
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    return valid("reconciliation-result-batch", answer.json)  # type: ignore[no-any-return]


def test_the_manifest(client: FlaskClient) -> None:
    found = valid("manifest", client.get("/reconcile").json)
    assert found["identifierSpace"] == "https://data.belongnetwork.co.uk/id/"
    assert found["schemaSpace"] == "http://schema.org/"
    assert [t["id"] for t in found["defaultTypes"]] == [
        "organisation",
        "person",
        "resource",
        "initiative",
        "place",
    ]
    assert found["view"]["url"] == "http://localhost/id/{{id}}"
    assert found["preview"]["url"] == "http://localhost/reconcile/preview?id={{id}}"
    assert {kind: service["service_path"] for kind, service in found["suggest"].items()} == {
        "entity": "/reconcile/suggest/entity",
        "type": "/reconcile/suggest/type",
        "property": "/reconcile/suggest/property",
    }
    assert all(s["service_url"] == "http://localhost" for s in found["suggest"].values())


def test_the_manifest_has_validators_from_the_dataset_version(client: FlaskClient) -> None:
    first = client.get("/reconcile")
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    again = client.get("/reconcile", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    jsonp = client.get("/reconcile", query_string={"callback": "cb"})
    assert jsonp.headers["ETag"] != first.headers["ETag"]  # another body, another validator


def test_the_manifest_as_jsonp_as_jquery_asks(client: FlaskClient) -> None:
    answer = client.get("/reconcile", query_string={"callback": "jQuery3_1.x", "_": "1700000000"})
    assert answer.mimetype == "text/javascript"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    body = answer.get_data(as_text=True)
    assert body.startswith("/**/jQuery3_1.x(") and body.endswith(");")
    valid("manifest", json.loads(body[len("/**/jQuery3_1.x(") : -2]))


@pytest.mark.parametrize(
    ("text", "kind", "expected", "match"),
    [
        ("University of Kent", "organisation", "organisation/university-of-kent", True),
        ("Kent University", "organisation", "organisation/university-of-kent", False),
        ("Nuffield", None, "organisation/nuffield-foundation", False),
        ("Jo Broadwood", "person", "person/jo-broadwood", True),
        ("Belong", "organisation", "organisation/belong", True),  # its alternative name
        ("jo broadwod", None, "person/jo-broadwood", False),
    ],
)
def test_the_seeds_names_come_first(
    client: FlaskClient, text: str, kind: str | None, expected: str, match: bool
) -> None:
    query: dict[str, Any] = {"query": text, "limit": 3}
    if kind:
        query["type"] = kind
    result = reconciled(client, {"q0": query})["q0"]["result"]
    assert result[0]["id"] == expected
    assert result[0]["match"] is match
    assert not any(c["match"] for c in result[1:])
    assert [c["score"] for c in result] == sorted((c["score"] for c in result), reverse=True)
    assert all(0 <= c["score"] <= 100 for c in result) and len(result) <= 3
    if kind:
        assert all(c["type"] == [{"id": kind, "name": kind.title()}] for c in result)


def test_a_batch_by_get(client: FlaskClient) -> None:
    queries = {"a": {"query": "Nuffield Foundation"}, "b": {"query": "Jo Broadwood"}}
    answer = client.get("/reconcile", query_string={"queries": json.dumps(queries)})
    found = valid("reconciliation-result-batch", answer.json)
    assert [found[k]["result"][0]["name"] for k in "ab"] == ["Nuffield Foundation", "Jo Broadwood"]


@pytest.mark.parametrize(
    "properties",
    [
        [{"pid": "ror", "v": "https://ror.org/0281jqk77"}],
        [{"pid": "wikidata", "v": ["Q7068708"]}],
        [{"pid": "charity_number", "v": 206601}],
    ],
)
def test_an_identifier_finds_its_entity(client: FlaskClient, properties: list[Any]) -> None:
    found = reconciled(
        client,
        {
            "alone": {"properties": properties},
            "misspelt": {"query": "Nufield", "properties": properties},
        },
    )
    for key in ("alone", "misspelt"):
        first = found[key]["result"][0]
        assert (first["id"], first["name"], first["score"]) == (
            "organisation/nuffield-foundation",
            "Nuffield Foundation",
            100.0,
        )
        assert first["match"] is True
        assert {"id": "identifier_match", "value": True} in first["features"]
    assert len(found["alone"]["result"]) == 1


def test_an_id_as_the_query_finds_its_entity(client: FlaskClient) -> None:
    for text in (
        "organisation/university-of-kent",
        "https://data.belongnetwork.co.uk/id/organisation/university-of-kent",
    ):
        first = reconciled(client, {"q": {"query": text}})["q"]["result"][0]
        assert (first["id"], first["name"], first["match"]) == (
            "organisation/university-of-kent",
            "University of Kent",
            True,
        )


def test_suggest_offers_entities_by_a_words_start_or_an_ids(client: FlaskClient) -> None:
    for prefix in ("nuff", "organisation/nuffield"):
        answer = client.get("/reconcile/suggest/entity", query_string={"prefix": prefix})
        found = valid("suggest-entities-response", answer.json)["result"]
        assert {
            "id": "organisation/nuffield-foundation",
            "name": "Nuffield Foundation",
            "description": "Charity, foundation or funder",
            "notable": [{"id": "organisation", "name": "Organisation"}],
        } in found
    for prefix, expected in (
        ("mhc", "organisation/dluhc"),
        ("ICC", "organisation/intercultural-cities-network"),
    ):
        answer = client.get("/reconcile/suggest/entity", query_string={"prefix": prefix})
        found = valid("suggest-entities-response", answer.json)["result"]
        assert [e["id"] for e in found] == [expected]  # by an alternative name alone
    people = client.get("/reconcile/suggest/entity", query_string={"prefix": "broadw"}).json
    assert [p["id"] for p in valid("suggest-entities-response", people)["result"]] == [
        "person/jo-broadwood"
    ]


def test_data_extension_gives_each_entitys_identifiers(client: FlaskClient) -> None:
    offered = client.get(PROPOSAL, query_string={"type": "organisation"}).json
    valid("data-extension-property-proposal", offered)
    assert [p["id"] for p in offered["properties"]] == [
        "ror",
        "wikidata",
        "charity_number",
        "website",
        "kind",
        "parent",
        "resources",
    ]
    asked = {
        "ids": ["organisation/nuffield-foundation", "person/jo-broadwood"],
        "properties": [{"id": "ror"}, {"id": "wikidata"}, {"id": "charity_number"}],
    }
    answer = client.post("/reconcile", data={"extend": json.dumps(asked)}, content_type=FORM)
    found = valid("data-extension-response", answer.json)
    assert [m["id"] for m in found["meta"]] == ["ror", "wikidata", "charity_number"]
    assert found["rows"] == {
        "organisation/nuffield-foundation": {
            "ror": [{"str": "0281jqk77"}],
            "wikidata": [{"str": "Q7068708"}],
            "charity_number": [{"str": "206601"}],
        },
        "person/jo-broadwood": {"ror": [], "wikidata": [], "charity_number": []},
    }


def test_the_property_proposal_keeps_to_its_limit(client: FlaskClient) -> None:
    asked = {"type": "organisation", "limit": "2"}
    offered = valid(
        "data-extension-property-proposal", client.get(PROPOSAL, query_string=asked).json
    )
    assert offered["limit"] == 2 and [p["id"] for p in offered["properties"]] == ["ror", "wikidata"]
    refused = client.get(PROPOSAL, query_string={"type": "organisation", "limit": "0"})
    assert refused.status_code == 400 and "'limit'" in refused.json["detail"]


def test_more_of_what_the_library_holds_extends_the_data(client: FlaskClient) -> None:
    """Website, kind, parent and number of resources, where the data has them (the seeds name
    the University of Kent's Centre for the Study of Group Processes; Everybody's Business
    credits the Council of Europe's unit and network, counted once for the council)."""
    offered = client.get(PROPOSAL, query_string={"type": "person"}).json
    assert [p["id"] for p in valid("data-extension-property-proposal", offered)["properties"]] == [
        "website",
        "resources",
    ]
    asked = {
        "ids": [
            "organisation/centre-for-the-study-of-group-processes",
            "organisation/council-of-europe",
            "person/dominic-abrams",
            "resource/supporting-migrant-communities",
            "project/beyond-us-and-them",
        ],
        "properties": [{"id": p} for p in ("website", "kind", "parent", "resources")],
    }
    answer = client.get("/reconcile", query_string={"extend": json.dumps(asked)})
    found = valid("data-extension-response", answer.json)
    assert found["meta"][2]["type"] == {"id": "organisation", "name": "Organisation"}
    assert found["rows"] == {
        "organisation/centre-for-the-study-of-group-processes": {
            "website": [],
            "kind": [{"str": "Research centre"}],
            "parent": [{"id": "organisation/university-of-kent", "name": "University of Kent"}],
            "resources": [{"int": 0}],
        },
        "organisation/council-of-europe": {
            "website": [{"str": "https://www.coe.int"}],
            "kind": [{"str": "Intergovernmental organisation"}],
            "parent": [],
            "resources": [{"int": 1}],
        },
        "person/dominic-abrams": {
            "website": [{"str": "https://www.kent.ac.uk/psychology/people/212/abrams-dominic"}],
            "kind": [],
            "parent": [],
            "resources": [{"int": 1}],
        },
        "resource/supporting-migrant-communities": {
            "website": [],
            "kind": [{"str": "Best practice sharing"}, {"str": "Website"}],
            "parent": [],
            "resources": [],
        },
        "project/beyond-us-and-them": {
            "website": [],
            "kind": [{"str": "Research project"}],
            "parent": [],
            "resources": [],
        },
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ICC", "organisation/intercultural-cities-network"),  # the seeds' alternative names
        ("GO-Science", "organisation/go-science"),
        ("DCMS", "organisation/dcms"),
        ("DLUHC", "organisation/dluhc"),  # a former name
        ("0281jqk77", "organisation/nuffield-foundation"),  # an identifier
    ],
)
def test_another_name_alone_finds_its_entity(client: FlaskClient, text: str, expected: str) -> None:
    first = reconciled(client, {"q": {"query": text}})["q"]["result"][0]
    assert (first["id"], first["score"], first["match"]) == (expected, 100.0, True)
    identified = {"id": "identifier_match", "value": text == "0281jqk77"}
    assert identified in first["features"]


def test_an_index_without_other_names_asks_for_a_build(
    built_settings: Settings, build_folder: Path, tmp_path: Path
) -> None:
    settings = copied_build(built_settings, build_folder, tmp_path)
    with closing(sqlite3.connect(tmp_path / "store" / build_folder.name / INDEX_FILE)) as index:
        index.executescript("DROP TABLE name_words; DROP TABLE names;")
    for app in make_app(settings):
        answer = app.test_client().post("/reconcile", data={"queries": '{"q": {"query": "ICC"}}'})
        assert "run `belong-graph build`" in problem(answer, 503, "Store missing")["detail"]


def test_initiatives_are_found_under_their_type(client: FlaskClient) -> None:
    query = {"query": "Beyond Us and Them", "type": "initiative"}
    first = reconciled(client, {"q": query})["q"]["result"][0]
    assert (first["id"], first["match"]) == ("project/beyond-us-and-them", True)
    assert first["type"] == [{"id": "initiative", "name": "Initiative"}]


@pytest.mark.parametrize(
    ("text", "expected", "description"),
    [
        (
            "Nuffield Foundation",
            "organisation/nuffield-foundation",
            "Charity, foundation or funder",
        ),
        (
            "Centre for the Study of Group Processes",
            "organisation/centre-for-the-study-of-group-processes",
            "Research centre, part of University of Kent",
        ),
        (
            "Supporting Migrant Communities",
            "resource/supporting-migrant-communities",
            "Best practice sharing, website, 2022",
        ),
        ("Catriona Jones", "person/catriona-jones", "Person at The University of Hull"),
        ("Beyond Us and Them", "project/beyond-us-and-them", "Research project"),
        ("United Kingdom", "place/united-kingdom", "Place"),
    ],
)
def test_each_candidate_is_described_in_plain_words(
    client: FlaskClient, text: str, expected: str, description: str
) -> None:
    first = reconciled(client, {"q": {"query": text}})["q"]["result"][0]
    assert (first["id"], first["description"]) == (expected, description)


def test_type_strict_binds_the_types(client: FlaskClient) -> None:
    kent = "University of Kent"
    found = reconciled(
        client,
        {
            "any": {"query": kent, "type": ["organisation", "person"], "type_strict": "any"},
            "all": {"query": kent, "type": ["organisation", "person"], "type_strict": "all"},
            "one": {"query": kent, "type": "organisation", "type_strict": "all"},
            "should": {"query": kent, "type": "person", "type_strict": "should"},
            "strict": {"query": kent, "type": "person"},
        },
    )
    assert found["any"]["result"][0]["id"] == "organisation/university-of-kent"
    assert found["all"]["result"] == [] and found["strict"]["result"] == []
    assert found["one"]["result"][0]["match"] is True
    first = found["should"]["result"][0]  # no person: the other types', 10 points lower
    assert (first["id"], first["score"], first["match"]) == (
        "organisation/university-of-kent",
        90.0,
        False,
    )


def test_a_value_beyond_the_basic_plane_gets_a_clean_answer(client: FlaskClient) -> None:
    found = reconciled(
        client,
        {
            "v": {"properties": [{"pid": "ror", "v": "0281jqk77\U0001f642"}]},
            "q": {"query": "\U0001f642 Nuffield Foundation", "limit": 1},
        },
    )
    assert found["v"]["result"] == []
    assert found["q"]["result"][0]["id"] == "organisation/nuffield-foundation"


def test_suggest_offers_types_and_properties(client: FlaskClient) -> None:
    types = client.get("/reconcile/suggest/type", query_string={"prefix": "ini"}).json
    assert [t["id"] for t in valid("suggest-types-response", types)["result"]] == ["initiative"]
    every = client.get("/reconcile/suggest/type").json["result"]
    assert [t["name"] for t in every] == [
        "Organisation",
        "Person",
        "Resource",
        "Initiative",
        "Place",
    ]
    asked = {"prefix": "num", "type": "person"}
    found = client.get("/reconcile/suggest/property", query_string=asked).json
    assert valid("suggest-properties-response", found)["result"] == [
        {"id": "resources", "name": "Number of resources", "description": "Extends data"}
    ]
    ror = client.get("/reconcile/suggest/property", query_string={"prefix": "ROR"}).json
    assert [p["id"] for p in ror["result"]] == ["ror"]
    person = client.get("/reconcile/suggest/property", query_string={"type": "person"}).json
    assert [p["id"] for p in person["result"]] == ["website", "resources"]


def test_the_preview_names_the_entity_and_links_its_page(client: FlaskClient) -> None:
    answer = client.get("/reconcile/preview", query_string={"id": "person/jo-broadwood"})
    assert answer.mimetype == "text/html"
    page = answer.get_data(as_text=True)
    assert '<a href="http://localhost/id/person/jo-broadwood"' in page
    assert "<strong>Jo Broadwood</strong>" in page and "<p>Person</p>" in page
    missing = client.get("/reconcile/preview", query_string={"id": "person/nobody"})
    assert "person/nobody" in problem(missing, 404, "Unknown entity")["detail"]


@pytest.mark.parametrize(
    ("values", "parameter", "says"),
    [
        ({"queries": "{not json"}, "queries", "not JSON"),
        ({"queries": '["x"]'}, "queries", "JSON object of queries"),
        ({"queries": '{"q0": {"query": "Kent", "type": "planet"}}'}, "queries", "'type'"),
        ({"queries": '{"q0": {"query": "Kent", "limit": 0}}'}, "queries", "'limit'"),
        ({"queries": '{"q0": {"type": "person"}}'}, "queries", "neither 'query'"),
        ({"queries": '{"q0": {"properties": [{"pid": "isni", "v": 1}]}}'}, "queries", "pid among"),
        ({"queries": '{"q0": {"properties": [{"pid": "ror", "v": true}]}}'}, "queries", "'ror'"),
        (
            {"queries": '{"q0": {"query": "Kent", "type_strict": "maybe"}}'},
            "queries",
            "'type_strict' must be any, should, all, not 'maybe'",
        ),
        ({"callback": "alert(1)//"}, "callback", "JavaScript name"),
        ({"extend": '{"ids": ["x y"], "properties": []}'}, "extend", "'extend' must be"),
        ({"extend": '{"ids": [], "properties": [{"id": "isni"}]}'}, "extend", "ror, wikidata"),
    ],
)
def test_bad_input_is_refused(
    client: FlaskClient, values: dict[str, str], parameter: str, says: str
) -> None:
    found = problem(client.post("/reconcile", data=values), 400, "Parameter error")
    assert says in found["detail"] and found["parameter"] == parameter
