"""The SPARQL 1.1 Protocol at /sparql, request by request, with Flask's test client."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient
from rdflib import Dataset, Graph, URIRef
from werkzeug.test import TestResponse

from belong_graph.errors import ForbiddenOperation
from belong_graph.settings import Settings
from belong_graph.sparql.guard import check_query
from tests.conftest import BASE, make_app

SELECT = """PREFIX schema: <http://schema.org/>
PREFIX bel: <https://data.belongnetwork.co.uk/ontology#>
SELECT ?name WHERE { ?f schema:name ?name ; a bel:FundingBody } ORDER BY ?name"""
CONSTRUCT = """PREFIX schema: <http://schema.org/>
CONSTRUCT { ?p schema:funder ?f } WHERE { ?p schema:funder ?f }"""
ASK = "ASK { ?s ?p ?o }"
FUNDERS = ["Nuffield Foundation", "Spirit of 2012"]


def names(body: bytes) -> list[str]:
    return [row["name"]["value"] for row in json.loads(body)["results"]["bindings"]]


def test_get(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": SELECT})
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"
    assert names(response.data) == FUNDERS


def test_post_form(client: FlaskClient) -> None:
    response = client.post("/sparql", data={"query": SELECT})
    assert names(response.data) == FUNDERS


def test_post_direct(client: FlaskClient) -> None:
    response = client.post("/sparql", data=SELECT, content_type="application/sparql-query")
    assert names(response.data) == FUNDERS


@pytest.mark.parametrize(
    ("accept", "media_type", "expected"),
    [
        (
            "application/sparql-results+xml",
            "application/sparql-results+xml",
            b'<literal xml:lang="en">Spirit of 2012</literal>',
        ),
        ("text/csv", "text/csv", b"name\r\nNuffield Foundation\r\nSpirit of 2012\r\n"),
        (
            "text/tab-separated-values",
            "text/tab-separated-values",
            b'?name\n"Nuffield Foundation"@en\n',
        ),
        (
            "text/csv;q=0.5, application/sparql-results+xml;q=0.9",
            "application/sparql-results+xml",
            b"<sparql",
        ),
        ("application/json", "application/sparql-results+json", b'"Spirit of 2012"'),
    ],
)
def test_select_formats_by_accept(
    client: FlaskClient, accept: str, media_type: str, expected: bytes
) -> None:
    response = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert expected in response.data


@pytest.mark.parametrize(
    ("accept", "media_type", "rdflib_format"),
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/n-quads", "application/n-quads", "nquads"),
        ("application/trig", "application/trig", "trig"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
    ],
)
def test_construct_formats_by_accept(
    client: FlaskClient, accept: str, media_type: str, rdflib_format: str
) -> None:
    response = client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == media_type
    graph = Dataset().parse(data=response.data, format=rdflib_format)
    funder = URIRef("https://data.belongnetwork.co.uk/id/organisation/nuffield-foundation")
    assert funder in set(graph.objects())
    assert len(graph) == 4  # Beyond Us and Them, Radical Kindness and the two DLUHC programmes


@pytest.mark.parametrize(
    ("name", "media_type"),
    [
        ("csv", "text/csv"),
        ("xml", "application/sparql-results+xml"),
        ("json", "application/sparql-results+json"),
        ("tsv", "text/tab-separated-values"),
    ],
)
def test_format_parameter(client: FlaskClient, name: str, media_type: str) -> None:
    response = client.get(
        "/sparql", query_string={"query": SELECT, "format": name}, headers={"Accept": "text/html"}
    )
    assert response.mimetype == media_type
    assert b"Spirit of 2012" in response.data


def test_format_parameter_for_a_graph(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": CONSTRUCT, "format": "json-ld"})
    assert response.mimetype == "application/ld+json"
    assert "nuffield-foundation" in response.get_data(as_text=True)


def test_ask(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": ASK})
    assert json.loads(response.data) == {"head": {}, "boolean": True}


def test_406_when_nothing_acceptable(client: FlaskClient) -> None:
    select = client.get(
        "/sparql", query_string={"query": SELECT}, headers={"Accept": "text/turtle"}
    )
    assert select.status_code == 406
    assert "application/sparql-results+json" in select.get_data(as_text=True)
    graph = client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": "text/csv"})
    assert graph.status_code == 406


def test_unknown_format_parameter_is_400(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": SELECT, "format": "pdf"})
    assert response.status_code == 400
    assert "Unknown format 'pdf'" in response.get_data(as_text=True)


def test_syntax_error_shows_where(client: FlaskClient) -> None:
    query = "PREFIX s: <http://schema.org/>\nSELECT ?x WHERE { ?x s:name }"
    for accept in ("application/sparql-results+json", "application/json, */*;q=0.5"):
        response = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
        assert (response.status_code, response.mimetype) == (400, "text/plain")
        text = response.get_data(as_text=True)
        assert text.startswith("The query does not parse at line 2, column 29: expected a term")
        assert "\n  SELECT ?x WHERE { ?x s:name }\n" in text
        assert text.endswith("\n" + " " * 30 + "^\n")  # under the spot where a term is missing
        assert "Accept" in response.vary


def test_the_query_page_examples_have_their_documented_parameters(
    client: FlaskClient, built_settings: Settings
) -> None:
    html = client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    config = re.search(r'<script id="config" type="application/json">(.*?)</script>', html, re.S)
    assert config is not None
    examples = {example["name"]: example for example in json.loads(config.group(1))["examples"]}
    assert examples["connection"]["filled"] == {
        "organisation": "organisation/university-of-kent",
        "other": "organisation/nuffield-foundation",
    }
    resources = examples["resources"]  # every parameter optional: the first one's example
    assert resources["filled"] == {"theme": "theme/social-cohesion"}
    assert f"VALUES ?theme {{ <{BASE}id/theme/social-cohesion> }}" in resources["sparql"]
    answer = client.get(
        "/sparql",
        query_string={"query": resources["sparql"]},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert len(answer.json["results"]["bindings"]) == 3  # the seeds' three on social cohesion
    plain = (built_settings.queries_dir / "co-authors.rq").read_text(encoding="utf-8")
    assert (examples["co-authors"]["filled"], examples["co-authors"]["sparql"]) == ({}, plain)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (  # the parser lists every Unicode range a name may hold after 's:'
            "SELECT ?x WHERE {\n  ?x s:name ?o\n}",
            "line 2, column 12: the prefix s: is not declared: add PREFIX s: <...> above.",
        ),
        (
            "SELECT ?x WHERE { ?x ?p ?o } LIMT 3",
            "line 1, column 36: expected HAVING, OFFSET, OPTIONAL or VALUES here.",
        ),
        (
            "SELECT ?x WHERE {?x ?p ?o} GROUP BY ?p",
            "The SELECT contains a variable that is unbound",
        ),
        ('ASK { ?x ?p "open }', "line 1, column 20: a string is not closed."),
    ],
)
def test_syntax_errors_are_in_plain_words(client: FlaskClient, query: str, message: str) -> None:
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": "text/csv"})
    assert (response.status_code, response.mimetype) == (400, "text/plain")
    text = response.get_data(as_text=True)
    assert message in text.splitlines()[0]
    assert "expected one of" not in text and "..=" not in text and "u{" not in text
    assert text.splitlines()[-1].strip() == "^"


@pytest.mark.parametrize(
    ("kwargs", "status", "message"),
    [
        ({"query_string": "query=ASK%7B%7D&query=ASK%7B%7D"}, 400, "given 2 times"),
        ({"method": "POST", "data": {"format": "json"}}, 400, "Missing the query"),
        ({"query_string": "query="}, 400, "is empty"),
        ({"query_string": "query=ASK%7B%7D%FF"}, 400, "not valid UTF-8"),
        (
            {"method": "POST", "data": b"ASK {}", "content_type": "text/plain"},
            415,
            "Unsupported Content-Type",
        ),
        (
            {
                "method": "POST",
                "data": b"ASK {}",
                "content_type": "application/sparql-query",
                "query_string": "query=ASK%7B%7D",
            },
            400,
            "both in the URL and in the body",
        ),
        (
            {"method": "POST", "data": b"ASK { \xff }", "content_type": "application/sparql-query"},
            400,
            "not valid UTF-8",
        ),
        ({"query_string": {"query": ASK, "timeout": "soon"}}, 400, "number of seconds"),
        ({"query_string": {"query": ASK, "timeout": "-1"}}, 400, "positive number"),
        (
            {"method": "POST", "data": b"x" * 200_000, "content_type": "application/sparql-query"},
            413,
            "The request body is larger than the 100,000 bytes this server accepts.",
        ),
    ],
)
def test_bad_requests(client: FlaskClient, kwargs: dict, status: int, message: str) -> None:  # type: ignore[type-arg]
    response = client.open("/sparql", **kwargs)
    assert response.status_code == status
    assert response.mimetype == "text/plain"  # a SPARQL protocol client reads the detail alone
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"method": "POST", "data": {"update": "DROP ALL"}},
        {"method": "POST", "data": b"CLEAR DEFAULT", "content_type": "application/sparql-update"},
        {"query_string": {"update": "INSERT DATA { <a:b> <a:c> <a:d> }"}},
        {"method": "POST", "data": {"query": "LOAD <http://127.0.0.1:9/x.ttl>"}},
        {"query_string": {"query": "PREFIX x: <a:> DELETE WHERE { ?s ?p ?o }"}},
    ],
)
def test_updates_are_refused_and_change_nothing(client: FlaskClient, kwargs: dict) -> None:  # type: ignore[type-arg]
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    before = client.get("/sparql", query_string={"query": count}).data
    response = client.open("/sparql", **kwargs)
    assert response.status_code == 403
    assert "read-only" in response.get_data(as_text=True)
    assert client.get("/sparql", query_string={"query": count}).data == before


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "select * where { service silent <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "PREFIX x: <http://127.0.0.1:9/> SELECT * WHERE { SERVICE x:sparql { ?s ?p ?o } }",
    ],
)
def test_service_is_refused(client: FlaskClient, query: str) -> None:
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 403
    assert "SERVICE is not allowed" in response.get_data(as_text=True)


def test_words_like_service_in_strings_and_names_are_fine(client: FlaskClient) -> None:
    query = """PREFIX service: <http://example.org/>
    SELECT ?service WHERE { BIND ("SERVICE <x> DROP" AS ?service) } # INSERT"""
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 200, response.data
    assert b"SERVICE <x> DROP" in response.data


PEOPLE_GRAPH = "https://data.belongnetwork.co.uk/graph/data/people"
PEOPLE = "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a <http://schema.org/Person> }"


def count(response: TestResponse) -> int:
    assert response.status_code == 200, response.data
    return int(json.loads(response.data)["results"]["bindings"][0]["n"]["value"])


def test_named_graphs_alone_leave_the_default_graph_empty(client: FlaskClient) -> None:
    """SPARQL 1.1 Protocol §2.1.4 and Query §13.2: a dataset of named graphs only has an empty
    default graph, by the protocol's parameters (GET and POST) as by FROM NAMED."""
    assert count(client.get("/sparql", query_string={"query": PEOPLE})) == 22  # the union
    by_get = {"query": PEOPLE, "named-graph-uri": PEOPLE_GRAPH}
    assert count(client.get("/sparql", query_string=by_get)) == 0
    assert count(client.post("/sparql", data=by_get)) == 0
    direct = client.post(
        "/sparql",
        query_string={"named-graph-uri": PEOPLE_GRAPH},
        data=PEOPLE,
        content_type="application/sparql-query",
    )
    assert count(direct) == 0
    in_the_graph = PEOPLE.replace("?p a", "GRAPH ?g { ?p a").replace("> }", "> } }")
    by_post = client.post("/sparql", data={"query": in_the_graph, "named-graph-uri": PEOPLE_GRAPH})
    assert count(by_post) == 22  # the named graph is there, by name
    from_named = PEOPLE.replace(" WHERE", f" FROM NAMED <{PEOPLE_GRAPH}> WHERE")
    assert count(client.get("/sparql", query_string={"query": from_named})) == 0


def test_a_default_graph_alone_has_no_named_graphs(client: FlaskClient) -> None:
    graphs = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert count(client.get("/sparql", query_string={"query": graphs})) > 5
    only_default = {"query": graphs, "default-graph-uri": PEOPLE_GRAPH}
    assert count(client.post("/sparql", data=only_default)) == 0
    from_only = graphs.replace(" WHERE", f" FROM <{PEOPLE_GRAPH}> WHERE")
    assert count(client.get("/sparql", query_string={"query": from_only})) == 0
    people_from = PEOPLE.replace(" WHERE", f" FROM <{PEOPLE_GRAPH}> WHERE")
    assert count(client.get("/sparql", query_string={"query": people_from})) == 22
    organisations = PEOPLE_GRAPH.replace("people", "organisations")
    other_from = PEOPLE.replace(" WHERE", f" FROM <{organisations}> WHERE")
    assert count(client.get("/sparql", query_string={"query": other_from})) == 0
    overridden = {"query": other_from, "default-graph-uri": PEOPLE_GRAPH}
    assert count(client.get("/sparql", query_string=overridden)) == 22  # the protocol wins


def test_dataset_parameters(client: FlaskClient) -> None:
    graph = "https://data.belongnetwork.co.uk/graph/data/people"
    count = "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a <http://schema.org/Person> }"
    only_people = client.get("/sparql", query_string={"query": count, "default-graph-uri": graph})
    assert json.loads(only_people.data)["results"]["bindings"][0]["n"]["value"] == "22"
    other = "https://data.belongnetwork.co.uk/graph/data/organisations"
    none = client.get("/sparql", query_string={"query": count, "default-graph-uri": other})
    assert json.loads(none.data)["results"]["bindings"][0]["n"]["value"] == "0"
    named = client.get(
        "/sparql",
        query_string={
            "query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
            "named-graph-uri": graph,
        },
    )
    assert [b["g"]["value"] for b in json.loads(named.data)["results"]["bindings"]] == [graph]


def test_conditional_get(client: FlaskClient) -> None:
    first = client.get("/sparql", query_string={"query": SELECT})
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert first.headers["Cache-Control"] == "public, max-age=300"
    assert "Accept" in first.headers["Vary"]
    again = client.get("/sparql", query_string={"query": SELECT}, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    since = client.get(
        "/sparql", query_string={"query": SELECT}, headers={"If-Modified-Since": modified}
    )
    assert since.status_code == 304
    other = client.get(
        "/sparql",
        query_string={"query": SELECT},
        headers={"If-None-Match": etag, "Accept": "text/csv"},
    )
    assert other.status_code == 200  # another format is another answer


def test_gzip_when_asked(client: FlaskClient) -> None:
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 200"
    plain = client.get("/sparql", query_string={"query": query})
    zipped = client.get(
        "/sparql", query_string={"query": query}, headers={"Accept-Encoding": "gzip"}
    )
    assert zipped.headers["Content-Encoding"] == "gzip"
    import gzip

    assert gzip.decompress(zipped.data) == plain.data


def test_cors(client: FlaskClient) -> None:
    response = client.get(
        "/sparql", query_string={"query": ASK}, headers={"Origin": "https://yasgui.example"}
    )
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "https://yasgui.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]


def test_service_description(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.mimetype == "text/turtle"
    graph = Graph().parse(data=response.data, format="turtle")
    result = graph.query("""
        PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
        PREFIX bel: <https://data.belongnetwork.co.uk/ontology#>
        SELECT ?timeout ?limit (COUNT(DISTINCT ?format) AS ?formats) (COUNT(DISTINCT ?g) AS ?graphs)
        WHERE {
            ?service a sd:Service ; sd:endpoint ?service ; sd:supportedLanguage sd:SPARQL11Query ;
                sd:resultFormat ?format ; bel:queryTimeLimit ?timeout ; bel:resultLimit ?limit ;
                sd:defaultDataset/sd:namedGraph/sd:name ?g .
        } GROUP BY ?timeout ?limit""")
    (row,) = list(result)
    assert (float(row[0]), int(row[1]), int(row[2])) == (30.0, 10000, 11)  # type: ignore[index]
    assert int(row[3]) >= 9  # type: ignore[index]
    for accept, media_type in [
        ("application/ld+json", "application/ld+json"),
        ("application/rdf+xml", "application/rdf+xml"),
    ]:
        assert client.get("/sparql", headers={"Accept": accept}).mimetype == media_type
    assert client.get("/sparql", headers={"Accept": "text/csv"}).status_code == 406
    etag = response.headers["ETag"]
    again = client.get("/sparql", headers={"Accept": "text/turtle", "If-None-Match": etag})
    assert (again.status_code, again.data) == (304, b"")


def test_browsers_get_the_query_page(client: FlaskClient) -> None:
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = client.get("/sparql", headers={"Accept": accept})
    assert page.mimetype == "text/html"
    assert b'id="yasgui"' in page.data
    shared = client.get("/sparql?query=" + quote(ASK), headers={"Accept": accept})
    assert shared.mimetype == "text/html"


@pytest.fixture(scope="module")
def capped_client(built_settings: Settings) -> Iterator[FlaskClient]:
    for app in make_app(dataclasses.replace(built_settings, result_limit=3)):
        yield app.test_client()


def test_row_cap_is_always_signalled(capped_client: FlaskClient) -> None:
    many = capped_client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert many.headers["Belong-Truncated"] == "true"
    assert many.headers["Belong-Result-Limit"] == "3"
    document = json.loads(many.data)
    assert document["truncated"] is True
    assert len(document["results"]["bindings"]) == 3
    as_csv = capped_client.get(
        "/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }", "format": "csv"}
    )
    assert as_csv.headers["Belong-Truncated"] == "true"
    rows = list(csv.reader(io.StringIO(as_csv.get_data(as_text=True))))
    assert len(rows) == 4  # header and three rows
    few = capped_client.get("/sparql", query_string={"query": SELECT})
    assert few.headers["Belong-Truncated"] == "false"
    assert "truncated" not in json.loads(few.data)


def test_triple_cap_is_signalled(capped_client: FlaskClient) -> None:
    response = capped_client.get("/sparql", query_string={"query": CONSTRUCT, "format": "nt"})
    assert response.headers["Belong-Truncated"] == "true"
    assert len(response.get_data(as_text=True).strip().splitlines()) == 3


def test_service_allowlist_opens_only_listed_prefixes() -> None:
    allowed = ("https://query.wikidata.org/",)
    check_query(
        "SELECT * WHERE { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }",
        service_allowlist=allowed,
    )
    for query in (
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE ?where { ?s ?p ?o } }",
    ):
        with pytest.raises(ForbiddenOperation):
            check_query(query, service_allowlist=allowed)
