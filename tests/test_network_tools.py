"""The network as files for network tools on the real library: GEXF 1.3 (read back by networkx)
with the roles the seed document 000 ("Research and Resources") names, VOSviewer's JSON matching
the JSON network, and the explorer's "Open in Gephi Lite" link."""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path
from urllib.parse import quote, unquote

import networkx as nx
import pytest
from flask.testing import FlaskClient
from lxml import etree

from belong_graph.network import graph as network
from belong_graph.network import tools
from tests.test_network import BELONG, BEYOND, KENT, NUFFIELD, SPIRIT, get_json

GEXF = "application/gexf+xml"
SCHEMA = Path(__file__).parent / "fixtures" / "gexf" / "gexf.xsd"  # see SOURCES.md there


def read_gexf(data: bytes) -> nx.MultiDiGraph:
    """The graph networkx reads (a DiGraph when no pair has parallel edges), as a multigraph."""
    graph = nx.read_gexf(io.BytesIO(data), version="1.3")
    assert graph.is_directed()
    return graph if isinstance(graph, nx.MultiDiGraph) else nx.MultiDiGraph(graph)


def roles_between(graph: nx.MultiDiGraph, source: str, target: str) -> set[str]:
    return {data["role"] for data in graph.get_edge_data(source, target, default={}).values()}


def test_gexf_parses_with_networkx_and_carries_the_seed_roles(client: FlaskClient) -> None:
    answer = client.get("/api/network.gexf")
    assert answer.status_code == 200
    assert answer.mimetype == GEXF
    assert b'<gexf xmlns="http://gexf.net/1.3" version="1.3">' in answer.data
    assert b'timeformat="date"' in answer.data
    graph = read_gexf(answer.data)
    # "in partnership with the University of Kent's Centre for the Study of Group Processes on
    # this research project funded by the Nuffield Foundation"
    assert roles_between(graph, KENT, BEYOND) == {"research-partner"}
    assert roles_between(graph, NUFFIELD, BEYOND) == {"funder"}
    # "Spirit of 2012 was delighted to get involved in the Beyond Us and Them research"
    assert roles_between(graph, SPIRIT, BEYOND) == {"partner"}
    funding = next(iter(graph.get_edge_data(NUFFIELD, BEYOND).values()))
    assert funding["label"] == "Funder"
    assert funding["roleName"] == "Funder"
    assert funding["relation"] == "partnership"
    assert "spells" not in funding  # the sources give participations no period
    assert graph.nodes[NUFFIELD]["type"] == "funder"
    assert graph.nodes[KENT]["label"] == "University of Kent"
    assert set(graph.nodes[BELONG]["kinds"].split("|")) == {"Charity", "Network"}
    assert graph.nodes[BEYOND]["page"] == "http://localhost/id/project/beyond-us-and-them"
    whole = get_json(client, "/api/network")
    assert set(graph) == {n["id"] for n in whole["nodes"]}
    assert graph.number_of_edges() == whole["shown"]["edges"]
    assert client.get("/api/network?format=gexf").data == answer.data
    asked = client.get("/api/network", headers={"Accept": GEXF})
    assert (asked.mimetype, asked.data) == (GEXF, answer.data)
    json_network = client.get("/api/network", headers={"Accept": "application/json"})
    assert "nodes" in json_network.get_json()  # the network's own JSON, not VOSviewer's


@pytest.mark.parametrize(
    "url", ["/api/network.gexf", "/api/network/ego.gexf?entity=organisation/belong&depth=3"]
)
def test_gexf_is_valid_against_the_gexf_1_3_schema(client: FlaskClient, url: str) -> None:
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    document = etree.fromstring(client.get(url).data)
    assert schema.validate(document), schema.error_log.filter_from_errors()[:3]
    assert document.find("{http://gexf.net/1.3}graph/{http://gexf.net/1.3}edges") is not None


def test_gexf_gives_periods_as_spells_of_dates(client: FlaskClient) -> None:
    """Every resource of the library is from 2022, so its credits last that year."""
    graph = read_gexf(client.get("/api/network.gexf?start=2022&undated=exclude").data)
    credits = [d for _, _, d in graph.edges(data=True) if d["relation"] == "credit"]
    assert credits
    for data in credits:
        assert data["spells"] == [("2022-01-01", "2022-12-31")]
        assert (data["startYear"], data["endYear"]) == (2022, 2022)


def test_gexf_leaves_an_unknown_bound_open_and_kinds_unique() -> None:
    ends = {"source": {"id": "a", "label": "A"}, "target": {"id": "p", "label": "P"}}
    lead = {**ends, "relation": "partnership", "role": "lead", "roleName": "Lead"}
    graph = network.build(
        [
            {"node": {"id": "a", "label": "A"}, "type": "organisation"},
            {"node": {"id": "p", "label": "P"}, "type": "initiative"},
        ],
        [
            {**lead, "start": 2019, "record": {"id": "r1"}},
            {**lead, "end": 2021, "record": {"id": "r2"}},
            {**ends, "relation": "partnership", "role": "funder", "roleName": "Funder"},
        ],
    )
    data = tools.gexf(graph, lambda node: "https://example.org/" + node)
    assert data.count(b'kind="lead r1"') == data.count(b'kind="lead r2"') == 1
    assert data.count(b'kind="funder"') == 1
    read = read_gexf(data)
    spells = {d["record"]: d["spells"] for _, _, d in read.edges(data=True) if d["role"] == "lead"}
    assert spells == {"r1": [("2019-01-01", "None")], "r2": [("None", "2021-12-31")]}


def test_vosviewer_items_and_links_match_the_json_network(client: FlaskClient) -> None:
    whole = get_json(client, "/api/network", role="funder,research-partner")
    document = get_json(client, "/api/network", role="funder,research-partner", format="vosviewer")
    assert set(document) == {"network", "config", "info"}
    items = {item["id"]: item for item in document["network"]["items"]}
    assert set(items) == {n["id"] for n in whole["nodes"]}
    pairs = Counter(frozenset((e["source"], e["target"])) for e in whole["edges"])
    links = {
        frozenset((link["source_id"], link["target_id"])): link["strength"]
        for link in document["network"]["links"]
    }
    assert links == dict(pairs)
    assert links[frozenset((KENT, BEYOND))] == 1
    assert items[NUFFIELD]["label"] == "Nuffield Foundation"
    assert items[NUFFIELD]["url"] == "http://localhost/id/organisation/nuffield-foundation"
    nodes = {n["id"]: n for n in whole["nodes"]}
    assert all(item["cluster"] == nodes[i]["community"] + 1 for i, item in items.items())
    assert items[BEYOND]["weights"]["Total link strength"] == sum(
        count for pair, count in pairs.items() if BEYOND in pair
    )
    measured = get_json(client, "/api/network/measures")["communities"]
    named = {c["community"] + 1: c["label"] for c in measured}
    clusters = document["network"]["clusters"]
    assert clusters and all(c["label"] == named[c["cluster"]] for c in clusters)
    assert {c["cluster"] for c in clusters} <= {item["cluster"] for item in items.values()}
    same = client.get("/api/network.vosviewer.json?role=funder,research-partner")
    assert json.loads(same.data) == document


def test_a_download_is_named_by_its_filename(client: FlaskClient) -> None:
    answer = client.get("/api/network.gexf?role=funder&filename=partnership.gexf")
    assert answer.headers["Content-Disposition"] == 'attachment; filename="partnership.gexf"'
    assert "Content-Disposition" not in client.get("/api/network.gexf").headers


@pytest.mark.parametrize(
    ("query", "message", "parameter"),
    [
        ("format=gefx", "Unknown format 'gefx'; use one of: csv, gexf, graphml", "format"),
        ("format=vosviewer&filename=x.gexf", "ending in .vosviewer.json", "filename"),
        ("format=gexf&filename=../x.gexf", "'../x.gexf' is not a file name", "filename"),
        ("format=gexf&filename=x", "'x' is not a file name", "filename"),
    ],
)
def test_bad_format_and_filename_get_400_naming_the_parameter(
    client: FlaskClient, query: str, message: str, parameter: str
) -> None:
    answer = client.get("/api/network?" + query)
    assert answer.status_code == 400
    document = answer.get_json()
    assert document["parameter"] == parameter
    assert message in document["detail"]


def test_the_explorer_opens_its_network_in_gephi_lite(client: FlaskClient) -> None:
    html = client.get("/explore?role=funder").get_data(as_text=True)
    gexf = "http://localhost/api/network.gexf?role=funder&filename=partnership.gexf"
    link = "https://lite.gephi.org/?file=" + quote(gexf, safe="")
    assert f'<a href="{link.replace("&", "&amp;")}" id="gephi-lite">Open in Gephi Lite</a>' in html
    assert unquote(link.removeprefix("https://lite.gephi.org/?file=")) == gexf
    opened = client.get(gexf.removeprefix("http://localhost"))
    assert read_gexf(opened.data).number_of_edges() == len(
        get_json(client, "/api/network", role="funder")["edges"]
    )
    ego = client.get(f"/explore?focus={KENT}").get_data(as_text=True)
    assert quote("http://localhost/api/network/ego.gexf?entity=", safe="") in ego


def test_the_network_files_are_in_the_openapi_document(client: FlaskClient) -> None:
    document = client.get("/api/openapi.json").get_json()
    paths = document["paths"]
    content = paths["/api/network"]["get"]["responses"]["200"]["content"]
    assert content[GEXF]["examples"]["gexf"]["externalValue"] == (
        "/api/network?role=funder&format=gexf"
    )
    assert content["application/json"]["examples"]["vosviewer"]["externalValue"] == (
        "/api/network?role=funder&format=vosviewer"
    )
    formats = next(p for p in paths["/api/network"]["get"]["parameters"] if p["name"] == "format")
    assert {"gexf", "vosviewer"} <= set(formats["schema"]["enum"])
    gexf = paths["/api/network.gexf"]["get"]
    assert "format" not in {p["name"] for p in gexf["parameters"]}
    example = gexf["responses"]["200"]["content"][GEXF]["examples"]["gexf"]["externalValue"]
    assert read_gexf(client.get(example).data).number_of_nodes() > 0
