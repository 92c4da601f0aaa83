"""The canned query views as a JSON API, on the real library: answers from the seed documents,
every format, pagination, parameter checks and injection attempts."""

from __future__ import annotations

import csv
import dataclasses
import html
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from belong_graph.catalogue import read_query
from belong_graph.errors import CatalogueError
from belong_graph.settings import PROJECT_ROOT, Settings
from tests.conftest import DISCRIMINATION_AUTHORS, filed, make_app, problem

BASE = "https://data.belongnetwork.co.uk/id/"


def view(client: FlaskClient, name: str, **params: str) -> dict:
    answer = client.get(f"/api/views/{name}", query_string=params)
    assert answer.status_code == 200, answer.data
    return json.loads(answer.data)


def titles(document: dict) -> list[str]:
    return [item["resource"]["label"] for item in document["items"]]


def test_views_are_listed_with_their_parameters_and_links(client: FlaskClient) -> None:
    views = {v["name"]: v for v in json.loads(client.get("/api/views").data)["views"]}
    assert {"resources", "organisation-partners", "funders"} <= set(views)
    resources = views["resources"]
    assert resources["pagination"] == 20
    assert {p["name"]: p["type"] for p in resources["parameters"]}["theme"] == "iri"
    assert resources["links"]["sparql"].endswith("/api/views/resources.rq")
    sparql = client.get("/api/views/resources.rq")
    assert sparql.mimetype == "application/sparql-query"
    assert b"dcterms:subject ?onTheme" in sparql.data


def test_no_two_views_are_named_with_the_same_words(client: FlaskClient) -> None:
    """The API reference and the query page's examples name views by title: "The library's
    resources" and "Resources of the library" read as one view, and are two."""
    views = json.loads(client.get("/api/views").data)["views"]
    small = {"the", "of", "a", "an", "and", "s"}
    words = [frozenset(re.findall(r"[a-z]+", v["title"].lower())) - small for v in views]
    assert len(set(words)) == len(words)


def test_partners_of_kent_include_belong_and_nuffield_through_beyond_us_and_them(
    client: FlaskClient,
) -> None:
    items = view(client, "organisation-partners", organisation="organisation/university-of-kent")[
        "items"
    ]
    through = {(i["partner"]["id"], i["through"]["label"], i["theirRole"]) for i in items}
    assert (BASE + "organisation/belong", "Beyond Us and Them", "Lead") in through
    assert (BASE + "organisation/nuffield-foundation", "Beyond Us and Them", "Funder") in through
    assert all(i["partner"]["id"] != BASE + "organisation/university-of-kent" for i in items)


def test_resources_filter_by_theme_year_and_keyword(client: FlaskClient) -> None:
    everything = view(client, "resources")  # the ten of the library page, not the research page's
    assert len(everything["items"]) == 10 and everything["next"] is None
    assert "Power of Connection toolkit" not in titles(everything)
    on_cohesion = titles(view(client, "resources", theme="theme/social-cohesion"))
    assert "Everybody’s Business online launch webinar" in on_cohesion
    assert "The Everyday Integration Toolkit" not in on_cohesion
    assert all(
        str(i["year"]) == "2022" for i in view(client, "resources", **{"in": "2022"})["items"]
    )
    found = titles(view(client, "resources", keyword="BRADFORD"))  # in a title or a description
    assert found == [  # newest first: August, then July 2022
        "Independent Evaluations of the Integration Area Programme",
        "A Bradford for Everyone: Programme Evaluation Report",
    ]
    assert view(client, "resources", **{"from": "2023"})["items"] == []


def test_a_full_iri_and_its_short_form_give_the_same_answer(client: FlaskClient) -> None:
    short = view(client, "resources", theme="theme/social-cohesion")
    full = view(client, "resources", theme=BASE + "theme/social-cohesion")
    assert short["items"] == full["items"] != []


@pytest.mark.parametrize(
    ("params", "message", "parameter"),
    [
        ({"in": "20x0"}, "Parameter 'in': '20x0' is not a year", "in"),
        (
            {"theme": "http://example.org/x"},
            "Parameter 'theme' must name an entity of this library",
            "theme",
        ),
        ({"theme": "theme/x> } ; DROP ALL ; <x"}, "Parameter 'theme' must name an entity", "theme"),
        ({"theme": "theme/a b"}, "Parameter 'theme' must name an entity", "theme"),
        ({"colour": "red"}, "The view 'resources' has no parameter 'colour'", "colour"),
        ({"page": "0"}, "Parameter 'page': '0' is not a page number", "page"),
        ({"format": "pdf"}, "Unknown format 'pdf'", "format"),
    ],
)
def test_bad_values_get_400_naming_the_parameter(
    client: FlaskClient, params: dict[str, str], message: str, parameter: str
) -> None:
    document = problem(
        client.get("/api/views/resources", query_string=params), 400, "Parameter error"
    )
    assert message in document["detail"]
    assert document["parameter"] == parameter


def test_api_errors_are_problem_documents_even_for_a_browser(client: FlaskClient) -> None:
    """RFC 9457 under /api/, whatever Accept says; the type's anchor is on the API page."""
    for accept in ("text/html", "application/json", "*/*"):
        answer = client.get("/api/views/nothing-here", headers={"Accept": accept})
        document = problem(answer, 404, "Unknown view")
        assert document == {
            "type": "http://localhost/api/#error-unknown-view",
            "title": "Unknown view",
            "status": 404,
            "detail": "There is no view called 'nothing-here'; /api/views lists them.",
        }
    reference = client.get("/api/").get_data(as_text=True)
    assert '<tr id="error-unknown-view"><td>404</td><td>Unknown view</td>' in reference
    assert '<tr id="error-parameter-error"><td>400</td>' in reference
    refused = client.get("/api/views/resources", headers={"Accept": "image/png"})
    assert "text/csv" in problem(refused, 406, "Not acceptable")["detail"]
    unknown = client.get("/api/no-such-thing", headers={"Accept": "text/html"})
    assert (unknown.status_code, json.loads(unknown.data)) == (
        404,
        {
            "type": "about:blank",
            "title": "Not Found",
            "status": 404,
            "detail": "There is nothing at /api/no-such-thing on this server.",
        },
    )


def test_a_keyword_with_quotes_and_braces_is_only_a_string(client: FlaskClient) -> None:
    for payload in ['" } } ; SELECT * { ?s ?p ?o } #', "') || true || ('", "}"]:
        assert view(client, "resources", keyword=payload)["items"] == []


def test_a_required_parameter_and_an_unknown_view(client: FlaskClient) -> None:
    missing = problem(client.get("/api/views/organisation-partners"), 400, "Parameter error")
    assert (
        missing["detail"] == "The view 'organisation-partners' needs the parameter 'organisation'."
    )
    assert missing["parameter"] == "organisation"
    problem(client.get("/api/views/nothing-here"), 404, "Unknown view")


def test_pagination_links_the_next_page(client: FlaskClient) -> None:
    first = client.get("/api/views/resources", query_string={"page": "1"})
    assert "Link" not in first.headers  # 10 resources fit on one page of 20
    assert json.loads(client.get("/api/views/resources?page=2").data)["items"] == []


def test_every_format(client: FlaskClient) -> None:
    params = {"organisation": "organisation/university-of-kent"}
    as_csv = client.get(
        "/api/views/organisation-partners", query_string={**params, "format": "csv"}
    )
    rows = list(csv.DictReader(io.StringIO(as_csv.get_data(as_text=True))))
    assert as_csv.mimetype == "text/csv"
    assert BASE + "organisation/belong" in {row["partner"] for row in rows}
    raw = client.get(
        "/api/views/organisation-partners",
        query_string=params,
        headers={"Accept": "application/sparql-results+json"},
    )
    assert raw.mimetype == "application/sparql-results+json"
    assert "partner" in json.loads(raw.data)["head"]["vars"]
    xml = client.get("/api/views/organisation-partners", query_string={**params, "format": "xml"})
    assert xml.mimetype == "application/sparql-results+xml"
    assert b"organisation/belong" in xml.data
    tsv = client.get(
        "/api/views/organisation-partners",
        query_string=params,
        headers={"Accept": "text/tab-separated-values"},
    )
    assert tsv.get_data(as_text=True).startswith("?partner\t")
    refused = client.get("/api/views/resources", headers={"Accept": "image/png"})
    assert refused.status_code == 406


def test_answers_carry_an_etag_and_revalidate(client: FlaskClient) -> None:
    first = client.get("/api/views/funders")
    again = client.get("/api/views/funders", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    raw = {"If-None-Match": first.headers["ETag"], "Accept": "application/sparql-results+json"}
    other = client.get("/api/views/funders", headers=raw)  # another representation, another tag
    assert other.status_code == 200 and "results" in other.get_json()


def test_a_malformed_view_file_fails_with_its_name(tmp_path: Path) -> None:
    broken = tmp_path / "broken.rq"
    broken.write_text(
        "#+ title: Broken\n#+ description: x\n#+ parameters:\n#+   x: {type: colour}\n"
        "SELECT * WHERE { ?s ?p ?x }\n"
    )
    with pytest.raises(CatalogueError, match=r"broken\.rq: parameter 'x' has type 'colour'"):
        read_query(broken)
    broken.write_text("#+ title: Broken\n#+ description: x\nSELECT * WHERE { ?s ?p }\n")
    with pytest.raises(CatalogueError, match=r"broken\.rq: the query does not parse"):
        read_query(broken)
    broken.write_text(
        "#+ title: Broken\n#+ description: x\n#+ parameters:\n#+   x: {type: string}\n"
        "SELECT * WHERE { ?s ?p ?x }\n"
    )
    with pytest.raises(CatalogueError, match=r"broken\.rq: .* needs a '# @values' line"):
        read_query(broken)
    paged = "#+ title: Paged\n#+ description: x\n#+ pagination: 10\n"
    broken.write_text(paged + "SELECT * WHERE { ?s ?p ?o } LIMIT 10\n")
    with pytest.raises(CatalogueError, match=r"broken\.rq: a paged view sets its own LIMIT"):
        read_query(broken)
    subquery = "SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 200 } } ORDER BY ?s\n"
    broken.write_text(paged + subquery)
    assert read_query(broken).pagination == 10  # a subquery may bound itself


def test_the_openapi_document_is_valid_and_describes_every_view(client: FlaskClient) -> None:
    from openapi_spec_validator import validate

    document = json.loads(client.get("/api/openapi.json").data)
    validate(document)
    assert document["openapi"] == "3.1.0"
    resources = document["paths"]["/api/views/resources"]["get"]
    assert {p["name"] for p in resources["parameters"]} >= {"theme", "keyword", "page", "format"}


def labels(document: dict, column: str, **where: str) -> list[str]:
    """The labels in ``column`` of the rows whose other columns equal ``where``."""
    return [
        item[column]["label"]
        for item in document["items"]
        if all(item.get(key) == value for key, value in where.items())
    ]


def test_facet_counts_follow_the_filters(client: FlaskClient) -> None:
    counts = {
        (i["facet"], i["value"]["label"] if isinstance(i["value"], dict) else i["value"]): i[
            "resources"
        ]
        for i in view(client, "facets")["items"]
    }
    assert counts[("theme", "Place-based working")] == 4
    assert counts[("year", "2022")] == 10
    narrowed = view(client, "facets", theme="theme/social-cohesion")["items"]
    years = [(i["value"], i["resources"]) for i in narrowed if i["facet"] == "year"]
    assert years == [("2022", 3)]  # Discrimination report, Everybody's Business and its webinar


def test_one_resource_lists_its_credits_in_the_printed_order(client: FlaskClient) -> None:
    document = view(client, "resource", resource="resource/discrimination-prejudice-and-cohesion")
    assert labels(document, "agent", relation="credit") == DISCRIMINATION_AUTHORS
    assert "Social cohesion" in labels(document, "agent", relation="theme")


def test_kent_is_credited_with_its_centre(client: FlaskClient) -> None:
    document = view(client, "organisation-profile", organisation="organisation/university-of-kent")
    assert labels(document, "item", relation="unit") == ["Centre for the Study of Group Processes"]
    through_centre = [
        i["item"]["label"]
        for i in document["items"]
        if i["relation"] == "initiative"
        and i["via"]["label"] == "Centre for the Study of Group Processes"
    ]
    assert through_centre == ["Beyond Us and Them"]
    assert "Research on social cohesion measurement frameworks" in labels(
        document, "item", relation="initiative"
    )


def test_a_person_profile_has_works_and_co_authors(client: FlaskClient) -> None:
    document = view(client, "person-profile", person="person/dominic-abrams")
    assert "Jo Broadwood" in labels(document, "item", relation="co-author")
    assert labels(document, "item", relation="work", role="Author") == [
        "Discrimination, Prejudice and Cohesion – Intergroup relations among Black, Muslim and "
        "White People in Britain in the Context of COVID-19 and Beyond"
    ]


def test_beyond_us_and_them_partners_and_roles(client: FlaskClient) -> None:
    document = view(client, "initiatives", initiative="project/beyond-us-and-them")
    assert labels(document, "item", relation="partner", role="Funder") == ["Nuffield Foundation"]
    assert labels(document, "item", relation="partner", role="Lead") == [
        "Belong - The Cohesion and Integration Network"
    ]
    assert {i["kind"] for i in document["items"]} == {"Research project"}


def test_kent_and_nuffield_are_one_step_apart(client: FlaskClient) -> None:
    document = view(
        client,
        "connection",
        organisation="organisation/university-of-kent",
        other="organisation/nuffield-foundation",
    )
    assert [(i["hops"], i["via"]["label"]) for i in document["items"]] == [
        (1, "Beyond Us and Them")
    ]


def test_belong_and_iff_research_meet_at_dluhc_in_two_steps(client: FlaskClient) -> None:
    """They share no initiative (seed 000: Beyond Us and Them's findings were shared with DLUHC;
    seed 003: DLUHC commissioned IFF Research's evaluation of the Integration Area Programme),
    so the chain goes through DLUHC, once, with one piece of work on each side."""
    document = view(
        client, "connection", organisation="organisation/belong", other="organisation/iff-research"
    )
    assert [
        (i["hops"], i["via"]["label"], i["middle"]["id"], i["then"]["label"])
        for i in document["items"]
    ] == [(2, "Beyond Us and Them", BASE + "organisation/dluhc", "Integration Area Programme")]


def test_organisations_roll_up_their_units(client: FlaskClient) -> None:
    rows = {i["organisation"]["label"]: i for i in view(client, "organisations")["items"]}
    belong = rows["Belong - The Cohesion and Integration Network"]
    assert "Charity" in belong["kind"] and belong["initiatives"] >= 9
    assert rows["Stronger Communities Team"]["parent"]["label"] == (
        "City of Bradford Metropolitan District Council"
    )


def test_resources_sort_by_title_or_oldest_first(client: FlaskClient) -> None:
    by_title = titles(view(client, "resources", sort="title"))
    assert by_title == sorted(by_title, key=filed)
    oldest = view(client, "resources", sort="oldest")["items"]
    assert [i["issued"] for i in oldest] == sorted(i["issued"] for i in oldest)
    assert client.get("/api/views/resources?sort=random").status_code == 400


def test_a_paged_view_links_its_next_page(built_settings: Settings, tmp_path: Path) -> None:
    queries = tmp_path / "queries"
    shutil.copytree(PROJECT_ROOT / "queries", queries)
    view_file = queries / "resources.rq"
    view_file.write_text(view_file.read_text().replace("#+ pagination: 20", "#+ pagination: 4"))
    settings = dataclasses.replace(built_settings, queries_dir=queries)
    for app in make_app(settings):
        client = app.test_client()
        first = client.get("/api/views/resources", query_string={"sort": "title"})
        document = json.loads(first.data)
        assert len(document["items"]) == 4 and document["page"] == 1
        assert first.headers["Link"] == f'<{document["next"]}>; rel="next"'
        pages = [titles(document)]
        while document["next"]:
            document = json.loads(client.get(document["next"]).data)
            pages.append(titles(document))
        assert [len(p) for p in pages] == [4, 4, 2]
        everything = [title for page in pages for title in page]
        assert everything == sorted(everything, key=filed) and len(set(everything)) == 10


def test_a_theme_outside_its_scheme_is_refused_with_the_choices(client: FlaskClient) -> None:
    answer = client.get("/api/views/resources", query_string={"theme": "resource-type/toolkit"})
    document = problem(answer, 400, "Parameter error")
    detail = document["detail"]
    assert "Parameter 'theme': 'resource-type/toolkit' is not a concept of scheme/themes" in detail
    assert "theme/social-cohesion" in detail
    assert document["parameter"] == "theme"


def test_the_openapi_enumerates_the_concepts_of_a_scheme(client: FlaskClient) -> None:
    document = json.loads(client.get("/api/openapi.json").data)
    parameters = document["paths"]["/api/views/resources"]["get"]["parameters"]
    theme = next(p for p in parameters if p["name"] == "theme")
    assert "theme/social-cohesion" in theme["schema"]["enum"]
    assert "resource-type/toolkit" not in theme["schema"]["enum"]


def test_the_reference_page_documents_every_view(client: FlaskClient) -> None:
    page = html.unescape(client.get("/api/").get_data(as_text=True))
    for view in json.loads(client.get("/api/views").data)["views"]:
        assert f'id="{view["name"]}"' in page
        assert view["title"] in page


def openapi_operations(document: dict) -> list[tuple[str, str, dict]]:
    """Every operation of an OpenAPI ``document``: its method, its path and itself."""
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


def openapi(client: FlaskClient) -> dict:
    return json.loads(client.get("/api/openapi.json").data)


def required_examples(operation: dict) -> dict[str, str]:
    """The documented example of each required query parameter of ``operation``."""
    return {
        p["name"]: str(p["example"])
        for p in operation.get("parameters", [])
        if p.get("required") and p["in"] == "query"
    }


def example_path(path: str, operation: dict) -> str:
    """``path`` with each of its parameters (``{slug}``) filled in with its documented example."""
    values = {p["name"]: p["example"] for p in operation.get("parameters", []) if p["in"] == "path"}
    return path.format(**values)


def documented_calls(operation: dict) -> list[tuple[dict[str, str], bool]]:
    """The query strings that try ``operation``, each with whether it must find something: its
    required examples, then each optional example added; each value of an enumerated parameter
    without an example (a format, a choice) need only be accepted."""
    required = required_examples(operation)
    calls: list[tuple[dict[str, str], bool]] = [(required, True)]
    for parameter in operation.get("parameters", []):
        name = parameter["name"]
        if name in required or parameter["in"] == "path":
            continue
        if "example" in parameter:
            calls.append(({**required, name: str(parameter["example"])}, True))
        else:
            values = parameter["schema"].get("enum", [])
            calls += [({**required, name: str(value)}, False) for value in values[:5]]
    return calls


def documented_types(operation: dict) -> set[str]:
    """The media types ``operation`` documents for its answer."""
    return set(operation["responses"]["200"].get("content", {"application/json": {}}))


def has_content(mimetype: str, body: bytes) -> bool:
    """A JSON answer whose lists (items, nodes, paths...) all have entries (those of its objects
    where it has none of its own, as a reconciliation batch), or a text answer with rows below
    its header."""
    if mimetype == "application/json" or mimetype.endswith("+json"):
        document = json.loads(body)
        lists = [value for value in document.values() if isinstance(value, list)]
        if not lists:
            inner = [value for value in document.values() if isinstance(value, dict)]
            lists = [value for part in inner for value in part.values() if isinstance(value, list)]
        return bool(lists) and all(lists)
    return len(body.decode().strip().splitlines()) > 1


def test_every_required_parameter_has_an_example(client: FlaskClient) -> None:
    for _, path, operation in openapi_operations(openapi(client)):
        for parameter in operation.get("parameters", []):
            assert not parameter.get("required") or "example" in parameter, (path, parameter)


def test_every_operation_answers_its_documented_examples(client: FlaskClient) -> None:
    """Each operation of the OpenAPI document, called with its required examples and then with
    each optional example added, answers 200 with content in a documented type; each value of
    an enumerated parameter without an example (a format, a choice) is accepted."""
    calls = 0
    for method, path, operation in openapi_operations(openapi(client)):
        for query, expects_content in documented_calls(operation):
            url = example_path(path, operation)
            answer = client.open(url, method=method.upper(), query_string=query)
            calls += 1
            assert answer.status_code == 200, (path, query, answer.data[:300])
            assert answer.mimetype in documented_types(operation), (path, query, answer.mimetype)
            assert not expects_content or has_content(answer.mimetype, answer.data), (path, query)
    assert calls > 50


@pytest.mark.parametrize("fmt", ["json", "csv", "tsv", "srj", "xml"])
def test_every_view_answers_in_every_format(client: FlaskClient, fmt: str) -> None:
    """Each view's answer has rows, and the same number of them, in every format."""
    for _, path, operation in openapi_operations(openapi(client)):
        if not path.startswith("/api/views/"):
            continue
        name, examples = path.removeprefix("/api/views/"), required_examples(operation)
        answer = client.get(path, query_string={**examples, "format": fmt})
        assert answer.status_code == 200, (name, answer.data)
        text = answer.get_data(as_text=True)
        expected = len(view(client, name, **examples)["items"])
        assert expected > 0, name
        if fmt == "json":
            count = len(json.loads(text)["items"])
        elif fmt == "srj":
            count = len(json.loads(text)["results"]["bindings"])
        elif fmt == "xml":
            count = text.count("<result>")
        else:
            count = (
                len(list(csv.reader(io.StringIO(text), delimiter="," if fmt == "csv" else "\t")))
                - 1
            )
        assert count == expected, (name, fmt)


def test_funders_and_government_bodies_from_the_seed(client: FlaskClient) -> None:
    items = view(client, "funders")["items"]
    funded = {(i["funderName"], i["initiativeName"]) for i in items}
    assert ("Nuffield Foundation", "Beyond Us and Them") in funded
    # an IRI's label comes from its ?xName column where the view has no ?xLabel
    labelled = {(i["funder"]["label"], i["initiative"]["label"]) for i in items}
    assert labelled == funded
    bodies = {i["bodyName"] for i in view(client, "government-bodies")["items"]}
    assert "Ministry of Housing, Communities and Local Government" in bodies


def test_co_authors_and_the_timeline(client: FlaskClient) -> None:
    pairs = {frozenset((i["nameA"], i["nameB"])) for i in view(client, "co-authors")["items"]}
    assert frozenset(("Dominic Abrams", "Jo Broadwood")) in pairs
    timeline = view(client, "resources-per-year-and-theme", theme="theme/place-based-working")
    assert [(i["year"], i["resources"]) for i in timeline["items"]] == [("2022", 4)]


def test_partners_through_a_shared_resource(client: FlaskClient) -> None:
    items = view(client, "organisation-partners", organisation="organisation/belong")["items"]
    through_resources = {
        (i["partner"]["label"], i["theirRole"])
        for i in items
        if i["ourRole"] in ("Author", "Contributor", "Publisher", "Publishing partner")
    }
    assert through_resources, "Belong shares resources with other organisations in the seed"


def test_partners_through_a_resource_say_when(client: FlaskClient) -> None:
    """Seed 003: Sheffield and Goodwin wrote 'Supporting Migrant Communities', November 2022."""
    items = view(
        client, "organisation-partners", organisation="organisation/university-of-sheffield"
    )
    goodwin = [
        i for i in items["items"] if i["partner"]["label"] == "Goodwin Development Trust Ltd."
    ]
    assert [(i["through"]["label"], i["theirRole"], i["when"]) for i in goodwin] == [
        ("Supporting Migrant Communities: A resource for practitioners", "Author", "2022-11")
    ]
