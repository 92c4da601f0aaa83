"""The partnership network API on the real library: who is linked to whom in which role as the
seed document 000 ("Research and Resources") says, ego networks, paths explained in words,
filters, GraphML and CSV exports, measures, and the explorer page without JavaScript."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from itertools import pairwise
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient

from belong_graph.build import build_store, current_store_dir
from belong_graph.catalogue import read_query
from belong_graph.errors import NotPublished
from belong_graph.network import compute, measures, stored, words
from belong_graph.network import graph as network
from belong_graph.network.measures import measure
from belong_graph.network.selection import shortest_paths
from belong_graph.network.stored import NetworkReader
from belong_graph.settings import Settings
from belong_graph.sparql.results import items, select
from belong_graph.store import OxigraphStore
from belong_graph.synthetic import generate
from belong_graph.web import network_request
from tests.conftest import make_app, problem

ID = "https://data.belongnetwork.co.uk/id/"
BELONG = ID + "organisation/belong"
KENT = ID + "organisation/university-of-kent"
CENTRE = ID + "organisation/centre-for-the-study-of-group-processes"
NUFFIELD = ID + "organisation/nuffield-foundation"
SPIRIT = ID + "organisation/spirit-of-2012"
DLUHC = ID + "organisation/dluhc"
BEYOND = ID + "project/beyond-us-and-them"
KINDNESS = ID + "project/radical-kindness"
MEASUREMENT = ID + "project/social-cohesion-measurement-frameworks-research"
GOVERNMENT = ID + "project/communication-with-government-on-social-cohesion"
INTEGRATION = ID + "project/integration-area-programme"


def get_json(client: FlaskClient, url: str, **params: str) -> dict:
    answer = client.get(url, query_string=params or None)
    assert answer.status_code == 200, answer.data
    assert answer.mimetype == "application/json"
    return json.loads(answer.data)


def links(document: dict) -> set[tuple[str, str, str]]:
    return {(e["source"], e["role"], e["target"]) for e in document["edges"]}


def node_ids(document: dict) -> set[str]:
    return {n["id"] for n in document["nodes"]}


def test_the_seed_partners_are_linked_to_belong_with_their_roles(client: FlaskClient) -> None:
    document = get_json(client, "/api/network")
    found = links(document)
    # "Belong's Beyond Us and Them research findings, developed in partnership with the
    # University of Kent, which were regularly shared with ... (DLUHC)"
    assert (BELONG, "lead", BEYOND) in found
    assert (KENT, "research-partner", BEYOND) in found
    assert (DLUHC, "findings-recipient", BEYOND) in found
    # "this research project funded by the Nuffield Foundation"
    assert (NUFFIELD, "funder", BEYOND) in found
    # "Spirit of 2012 was delighted to get involved in the Beyond Us and Them research and fund
    # the Radical Kindness research that built on its findings"
    assert (SPIRIT, "partner", BEYOND) in found
    assert (SPIRIT, "funder", KINDNESS) in found
    assert (KINDNESS, "builds-on", BEYOND) in found
    # "research on social cohesion measurement frameworks (in partnership with University of Kent)"
    assert (KENT, "research-partner", MEASUREMENT) in found
    # "Maintaining regular communication with DLUHC and ... (DCMS)"
    assert (BELONG, "lead", GOVERNMENT) in found
    assert (DLUHC, "government-liaison", GOVERNMENT) in found
    # "the University of Kent's Centre for the Study of Group Processes"
    assert (CENTRE, "unit-of", KENT) in found
    types = {n["id"]: n["type"] for n in document["nodes"]}
    assert types[NUFFIELD] == types[SPIRIT] == "funder"
    assert types[KENT] == "organisation"
    assert types[CENTRE] == "unit"
    assert types[BEYOND] == "initiative"
    assert document["total"] == document["shown"]


def test_edges_and_nodes_carry_labels_roles_and_pages(client: FlaskClient) -> None:
    document = get_json(client, "/api/network")
    funding = next(e for e in document["edges"] if (e["source"], e["target"]) == (NUFFIELD, BEYOND))
    assert funding["roleName"] == "Funder"
    assert funding["relation"] == "partnership"
    assert funding["sentence"] == "Nuffield Foundation funded Beyond Us and Them."
    assert funding["note"] == "Research project funded by the Nuffield Foundation."
    belong = next(n for n in document["nodes"] if n["id"] == BELONG)
    assert belong["short"] == "Belong"
    assert belong["page"] == "http://localhost/id/organisation/belong"  # as linked data gives it
    assert set(belong["kinds"]) == {"Charity", "Network"}


def test_the_ego_network_grows_with_its_depth(client: FlaskClient) -> None:
    one = get_json(client, "/api/network/ego", entity="organisation/nuffield-foundation")
    assert one["entity"] == NUFFIELD and one["depth"] == 1
    assert node_ids(one) == {NUFFIELD, BEYOND}
    two = get_json(client, "/api/network/ego", entity=NUFFIELD, depth="2")
    assert {BELONG, KENT, SPIRIT, DLUHC, KINDNESS} <= node_ids(two)
    assert INTEGRATION not in node_ids(two)
    three = get_json(client, "/api/network/ego", entity="Nuffield Foundation", depth="3")
    assert INTEGRATION in node_ids(three)  # DLUHC funded it
    assert node_ids(two) < node_ids(three)


def test_paths_from_kent_to_dluhc_are_explained_in_words(client: FlaskClient) -> None:
    document = get_json(
        client, "/api/network/paths", **{"from": "organisation/university-of-kent", "to": DLUHC}
    )
    assert document["hops"] == 2
    [path] = document["paths"]
    assert path["nodes"] == [KENT, BEYOND, DLUHC]
    assert path["sentence"] == (
        "University of Kent was a research partner in Beyond Us and Them, whose findings were "
        "shared with Ministry of Housing, Communities and Local Government."
    )
    assert [step["sentence"] for step in path["steps"]] == [
        "University of Kent was a research partner in Beyond Us and Them.",
        "Ministry of Housing, Communities and Local Government received the findings of "
        "Beyond Us and Them.",
    ]
    assert node_ids(document) == {KENT, BEYOND, DLUHC}
    assert links(document) == {
        (KENT, "research-partner", BEYOND),
        (DLUHC, "findings-recipient", BEYOND),
    }


def test_paths_from_belong_to_its_funders(client: FlaskClient) -> None:
    nuffield = get_json(client, "/api/network/paths", **{"from": BELONG, "to": NUFFIELD})
    assert nuffield["paths"][0]["sentence"] == (
        "Belong - The Cohesion and Integration Network led Beyond Us and Them, "
        "funded by Nuffield Foundation."
    )
    spirit = get_json(client, "/api/network/paths", **{"from": "Belong", "to": "Spirit of 2012"})
    sentences = {path["sentence"] for path in spirit["paths"]}
    assert spirit["hops"] == 2
    assert (
        "Belong - The Cohesion and Integration Network led Radical Kindness, "
        "funded by Spirit of 2012." in sentences
    )
    assert (
        "Belong - The Cohesion and Integration Network led Beyond Us and Them, "
        "with partner Spirit of 2012." in sentences
    )


def test_filters_by_role_type_period_and_theme(client: FlaskClient) -> None:
    funders = get_json(client, "/api/network", role="funder")
    assert {e["role"] for e in funders["edges"]} == {"funder"}
    assert (NUFFIELD, "funder", BEYOND) in links(funders)
    assert BELONG not in node_ids(funders)
    organisations = get_json(client, "/api/network", type="organisation,funder,initiative")
    assert {n["type"] for n in organisations["nodes"]} == {"organisation", "funder", "initiative"}
    assert (KENT, "research-partner", BEYOND) in links(organisations)
    # Every resource of the library is from 2022; participations have no period in the sources.
    later = get_json(client, "/api/network", start="2023")
    assert "credit" not in {e["relation"] for e in later["edges"]}
    assert (NUFFIELD, "funder", BEYOND) in links(later)
    dated = get_json(client, "/api/network", start="2022", end="2022", undated="exclude")
    assert {e["relation"] for e in dated["edges"]} == {"credit", "affiliation"}
    kindness = get_json(client, "/api/network", theme="theme/kindness")
    assert node_ids(kindness) == {KINDNESS, BELONG, SPIRIT, ID + "person/ruth-hollis"} | {BEYOND}


@pytest.mark.parametrize(
    ("query", "message", "parameter"),
    [
        ("type=planet", "'planet' is not a type", "type"),
        ("role=boss", "'boss' is not a role", "role"),
        ("start=20x", "is not a year", "start"),
        ("theme=theme/nothing", "is not a theme", "theme"),
        ("limit=0", "is not a number from 1", "limit"),
        ("limit=²", "is not a number from 1", "limit"),  # a digit to str.isdigit, not to int()
        ("start=²⁰²²", "is not a year", "start"),
        ("undated=maybe", "use include or exclude", "undated"),
        ("entity=organisation/belong", "no parameter 'entity' here", "entity"),
    ],
)
def test_bad_filters_get_400_saying_why(
    client: FlaskClient, query: str, message: str, parameter: str
) -> None:
    document = problem(client.get("/api/network?" + query), 400, "Network error")
    assert message in document["detail"]
    assert document["parameter"] == parameter


def test_bad_entities_and_depths(client: FlaskClient) -> None:
    unknown = problem(
        client.get("/api/network/ego?entity=organisation/nobody"), 404, "Unknown entity"
    )
    assert "nothing in the partnership network is called" in unknown["detail"]
    assert unknown["parameter"] == "entity"
    deep = client.get(f"/api/network/ego?entity={BELONG}&depth=4")
    assert problem(deep, 400, "Network error")["parameter"] == "depth"
    assert problem(client.get("/api/network/ego"), 400, "Network error")["parameter"] == "entity"
    one_end = client.get(f"/api/network/paths?from={BELONG}")
    assert problem(one_end, 400, "Network error")["parameter"] == "to"


def test_graphml_parses_with_networkx(client: FlaskClient) -> None:
    answer = client.get("/api/network.graphml")
    assert answer.status_code == 200
    assert answer.mimetype == "application/graphml+xml"
    graph = nx.read_graphml(io.BytesIO(answer.data), force_multigraph=True)
    assert graph.is_directed()
    assert graph.nodes[BELONG]["label"] == "Belong - The Cohesion and Integration Network"
    assert graph.nodes[NUFFIELD]["type"] == "funder"
    roles = {data["role"] for data in graph.get_edge_data(NUFFIELD, BEYOND).values()}
    assert roles == {"funder"}
    whole = get_json(client, "/api/network")
    assert graph.number_of_nodes() == whole["shown"]["nodes"]
    assert graph.number_of_edges() == whole["shown"]["edges"]


def test_csv_edge_list_has_gephi_columns(client: FlaskClient) -> None:
    answer = client.get("/api/network/ego.csv?entity=project/beyond-us-and-them")
    assert answer.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    assert {"Source", "Target", "Type", "Label"} <= set(rows[0])
    funding = [r for r in rows if r["Source"] == NUFFIELD]
    assert [(r["Target"], r["Role"], r["Label"]) for r in funding] == [(BEYOND, "funder", "Funder")]
    assert all(r["Type"] == "Directed" for r in rows)
    assert by_accept(client, "text/csv").startswith(b"Source,Target")
    assert b"<graphml" in by_accept(client, "application/graphml+xml")
    refused = client.get("/api/network", headers={"Accept": "image/png"})
    assert "application/graphml+xml" in problem(refused, 406, "Not acceptable")["detail"]
    unknown = problem(client.get("/api/network?format=xls"), 400, "Parameter error")
    assert unknown["parameter"] == "format"


def by_accept(client: FlaskClient, media_type: str) -> bytes:
    answer = client.get("/api/network?role=funder", headers={"Accept": media_type})
    assert answer.mimetype == media_type
    return answer.data


def test_answers_are_cached_by_dataset_version(client: FlaskClient) -> None:
    first = client.get("/api/network?role=lead")
    again = client.get("/api/network?role=lead", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    other = client.get("/api/network?role=funder")
    assert other.headers["ETag"] != first.headers["ETag"]


def test_measures_put_belong_at_the_centre(client: FlaskClient) -> None:
    measures = get_json(client, "/api/network/measures")
    assert measures["organisations_by_degree"][0]["id"] == BELONG
    assert measures["most_connected_partners"][0]["id"] == BELONG
    assert measures["betweenness_method"] == "exact"
    organisations = {"organisation", "unit", "funder"}
    brokering = [e for e in measures["betweenness"] if e["type"] in organisations]
    assert brokering[0]["id"] == BELONG
    degrees = [e["degree"] for e in measures["degree"]]
    assert degrees == sorted(degrees, reverse=True)
    assert all(len(b["communities"]) > 1 for b in measures["brokers"])
    assert measures["community_count"] >= 2
    sizes = [c["size"] for c in measures["communities"]]
    assert sizes == sorted(sizes, reverse=True)
    nodes = get_json(client, "/api/network")["nodes"]
    assert all(n["community"] is not None for n in nodes)
    belong = next(n for n in nodes if n["id"] == BELONG)
    assert belong["degree"] == measures["organisations_by_degree"][0]["degree"]


def test_the_explorer_works_without_javascript(client: FlaskClient) -> None:
    html = client.get("/explore").get_data(as_text=True)
    row = (
        '<td><a href="http://localhost/id/organisation/nuffield-foundation">Nuffield Foundation</a>'
        '</td><td>Funder</td><td><a href="http://localhost/id/project/beyond-us-and-them">'
        "Beyond Us and Them</a></td>"
    )
    assert row in html
    assert '<label for="from">From</label>' in html
    assert 'id="measure-organisations"' in html
    assert '<input id="focus" name="focus" value="" autocomplete="off">' in html
    assert "<datalist" not in html  # names are looked up as one types (/api/network/names)
    assert 'data-names="/api/network/names"' in html
    assert '<select id="from"' not in html  # the ends are typed (or looked up): no list
    paths = client.get(f"/explore?from={KENT}&to={DLUHC}").get_data(as_text=True)
    assert (
        "University of Kent was a research partner in Beyond Us and Them, whose findings" in paths
    )
    assert '<input id="from" name="from" value="University of Kent" autocomplete="off">' in paths
    named = client.get("/explore?from=university+of+kent&to=Spirit+of+2012").get_data(as_text=True)
    assert "University of Kent was a research partner in Beyond Us and Them" in named
    unknown_end = client.get("/explore?from=Nobody+at+all&to=belong").get_data(as_text=True)
    assert "nothing in the partnership network is called &#39;Nobody at all&#39;" in unknown_end
    focused = client.get("/explore?focus=Nuffield+Foundation").get_data(as_text=True)
    assert "Nuffield Foundation and everything within 1 step" in focused
    assert (
        '<a href="http://localhost/id/organisation/dluhc">'
        not in focused.split('id="relationships"')[1].split("</table>")[0]
    )
    evidence = (  # each link's evidence: its source document, its words, the participation
        '<a href="http://localhost/id/source/research-and-resources">Research and Resources</a> '
        "says: <q>Research project funded by the Nuffield Foundation.</q> ("
        '<a href="http://localhost/id/participation/beyond-us-and-them--nuffield-foundation--funder">'
        "the participation</a>)"
    )
    assert evidence in focused
    funders = client.get("/explore?preset=funders").get_data(as_text=True)
    assert "<strong>Funders and what they funded.</strong>" in funders
    assert 'data-filters="role=funder"' in funders  # the preset's parameters, drawn
    unknown = client.get("/explore?focus=Nobody+at+all")
    assert unknown.status_code == 200
    assert "nothing in the partnership network is called" in unknown.get_data(as_text=True)


def test_names_are_looked_up_as_one_types(client: FlaskClient) -> None:
    """The explorer's lookup: names that begin with the text (name or shorter name, any case),
    best connected first, then names that hold it further on."""
    nuffield = get_json(client, "/api/network/names", text="NUFF")["names"]
    assert nuffield[0] == {
        "id": NUFFIELD,
        "label": "Nuffield Foundation",
        "type": "funder",
        "page": "http://localhost/id/organisation/nuffield-foundation",
    }
    held = [n["label"] for n in get_json(client, "/api/network/names", text="kent")["names"]]
    assert "University of Kent" in held
    be = [
        n["label"] for n in get_json(client, "/api/network/names", text="be", limit="50")["names"]
    ]
    assert {"Beyond Us and Them", "Belong - The Cohesion and Integration Network"} <= set(be)
    beginning = [label.casefold().startswith("be") for label in be]
    assert beginning == sorted(beginning, reverse=True)  # those that begin with it come first
    assert not all(beginning)  # and then those that hold it, such as "Beyond ... Them"
    assert len(get_json(client, "/api/network/names", text="be", limit="1")["names"]) == 1
    short = problem(client.get("/api/network/names?text=b"), 400, "Network error")
    assert short["parameter"] == "text"
    assert get_json(client, "/api/network/names", text="zqxj")["names"] == []


def test_entity_pages_link_into_the_explorer(client: FlaskClient) -> None:
    html = client.get("/id/organisation/university-of-kent").get_data(as_text=True)
    assert 'href="/explore?focus=/id/organisation/university-of-kent"' in html


def test_words_for_several_roles_and_periods() -> None:
    funds = {"role": "funder", "roleName": "Funder", "start": None, "end": None}
    commissions = {"role": "commissioner", "roleName": "Commissioner", "start": None, "end": None}
    sentence = words.step_sentence(
        "Integration Area Programme", "DLUHC", [funds, commissions], False
    )
    assert sentence == "DLUHC funded and commissioned Integration Area Programme."
    wrote = {"role": "author", "roleName": "Author", "start": 2020, "end": 2022}
    assert words.edge_sentence("Jo", "A report", wrote) == "Jo wrote A report (2020–2022)."
    unknown = {"role": "mentor", "roleName": "Mentor", "start": None, "end": None}
    assert words.phrase(unknown, forward=True) == "was mentor of"


def small_network(folder: Path) -> NetworkReader:
    """A network of three nodes (and one without a link), written and opened as a build does."""
    graph = network.build(
        [
            {"node": {"id": "a", "label": "A"}, "type": "organisation"},
            {"node": {"id": "p", "label": "P"}, "type": "initiative", "themes": "t"},
            {"node": {"id": "q", "label": "Q"}, "type": "initiative"},
            {"node": {"id": "alone", "label": "Alone"}, "type": "person"},
        ],
        [
            {"source": {"id": "a", "label": "A"}, "target": {"id": "p", "label": "P"},
             "relation": "partnership", "role": "lead", "roleName": "Lead", "start": 2019},
            {"source": {"id": "a", "label": "A"}, "target": {"id": "q", "label": "Q"},
             "relation": "partnership", "role": "funder", "roleName": "Funder"},
        ],
    )  # fmt: skip
    assert "alone" not in graph
    stored.write(folder / stored.NETWORK_FILE, graph, measure(graph))
    return stored.StoredNetwork(folder / stored.NETWORK_FILE).open()


def test_a_filter_keeps_only_linked_nodes(tmp_path: Path) -> None:
    reader = small_network(tmp_path)

    def kept(**chosen: Any) -> set[str]:
        part, _ = reader.selection(
            network.NetworkFilter(**chosen), entity=None, depth=1, limit=None
        )
        return set(part)

    assert kept(theme="t") == {"a", "p"}
    assert kept(start=2020, undated=False) == set()
    assert kept(end=2019) == {"a", "p", "q"}
    assert kept(end=2019, undated=False) == {"a", "p"}
    assert kept(roles=frozenset({"funder"})) == {"a", "q"}
    assert kept(types=frozenset({"organisation"})) == set()
    assert reader.summary.roles == {"funder": "Funder", "lead": "Lead"}
    assert reader.resolve("q", "http://x/", "entity") == "q"
    cut, before = reader.selection(network.NetworkFilter(), entity=None, depth=1, limit=2)
    assert before == 3
    assert set(cut) == {"a", "p"}  # A has the most links, then P by name; Q is cut


def test_a_build_without_its_network_file_says_to_build(tmp_path: Path) -> None:
    with pytest.raises(NotPublished, match="run `belong-graph build`"):
        stored.StoredNetwork(tmp_path / stored.NETWORK_FILE).open()


def test_shortest_paths_are_searched_from_both_ends_within_six_steps() -> None:
    chain = [f"n{i}" for i in range(9)]
    links = {*pairwise(chain), ("n0", "x"), ("x", "n2")}  # two ways from n0 to n2

    def neighbours(frontier: set[str]) -> list[tuple[str, str]]:
        return [(u, v) for a, b in links for u, v in ((a, b), (b, a)) if u in frontier]

    assert shortest_paths(neighbours, "n0", "n2", 10) == [("n0", "n1", "n2"), ("n0", "x", "n2")]
    assert shortest_paths(neighbours, "n0", "n2", 1) == [("n0", "n1", "n2")]
    assert shortest_paths(neighbours, "n2", "n8", 10) == [tuple(chain[2:])]  # six steps
    assert shortest_paths(neighbours, "n1", "n8", 10) == []  # seven steps: too far
    assert shortest_paths(neighbours, "n0", "elsewhere", 10) == []


def test_betweenness_is_exact_and_equal_to_networkx_on_the_real_library(
    built_settings: Settings,
) -> None:
    folder = current_store_dir(built_settings)
    assert folder is not None
    with closing(sqlite3.connect(folder / stored.NETWORK_FILE)) as connection:
        edges = connection.execute("SELECT source, target FROM edges").fetchall()
        nodes = dict(connection.execute("SELECT id, betweenness FROM nodes").fetchall())
        summary = dict(connection.execute("SELECT name, value FROM summary").fetchall())
        communities = connection.execute("SELECT community, id FROM nodes").fetchall()
    simple = nx.Graph(edges)
    expected = nx.betweenness_centrality(simple)
    assert set(expected) == set(nodes)
    assert all(abs(nodes[n] - expected[n]) < 1e-12 for n in nodes)
    assert json.loads(summary["measures"])["betweenness_method"] == "exact"
    groups: dict[int, set[str]] = {}
    for number, node in communities:
        groups.setdefault(number, set()).add(node)
    louvain = nx.community.louvain_communities(simple, seed=42)
    ours = nx.community.modularity(simple, groups.values())
    assert ours >= nx.community.modularity(simple, louvain) - 0.01  # as good a split


def test_large_networks_sample_betweenness_and_say_so(monkeypatch: pytest.MonkeyPatch) -> None:
    graph = nx.MultiDiGraph(nx.relabel_nodes(nx.path_graph(40), lambda n: f"n{n:02}"))
    nx.set_node_attributes(graph, "organisation", "type")
    exact = measure(graph)
    monkeypatch.setattr(measures, "EXACT_WORK", 39 * 20)  # room for 20 of the 40 sources
    estimated = measure(graph)
    assert estimated.betweenness_method == (
        "estimated from 20 of 40 source nodes sampled at random (seed 42)"
    )
    assert estimated == measure(graph)  # the same sample every time
    middle = max(exact.betweenness, key=lambda n: exact.betweenness[n])
    assert abs(estimated.betweenness[middle] - exact.betweenness[middle]) < 0.2
    assert estimated.community == exact.community  # communities do not depend on the sample


@pytest.fixture(scope="module")
def large_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """A synthetic library larger than the explorer shows at once."""
    folder = tmp_path_factory.mktemp("synthetic")
    data = folder / "library.ttl"
    with data.open("w", encoding="utf-8") as out:
        generate(out, resources=200, seed=42, base_iri=Settings().base_iri)
    settings = Settings.load(
        {"data_paths": (Path(data),), "store_dir": folder / "store", "validator": "turbo"}
    )
    build_store(settings)
    yield from make_app(settings)


@pytest.mark.integration
def test_a_large_library_starts_from_an_overview(large_app: Flask) -> None:
    client = large_app.test_client()
    html = client.get("/explore").get_data(as_text=True)
    assert "this first view shows the" in html
    api = html.split('data-api="')[1].split('"')[0].replace("&amp;", "&")
    overview = get_json(client, api)
    assert 0 < overview["shown"]["nodes"] <= 40 < overview["total"]["nodes"]
    assert {n["type"] for n in overview["nodes"]} <= {
        "organisation",
        "unit",
        "funder",
        "initiative",
    }
    assert "initiative" in {n["type"] for n in overview["nodes"]}
    person = get_json(client, "/api/network/ego", entity="person/p00001")
    assert "resource" in {n["type"] for n in person["nodes"]}  # resources come on expand
    hub = get_json(client, "/api/network/ego", entity="organisation/o00001", limit="5")
    assert hub["limited"] is True
    assert ID + "organisation/o00001" in node_ids(hub)
    assert len(hub["nodes"]) <= 5
    chosen = client.get("/explore?undated=include").get_data(as_text=True)  # all 342 nodes
    assert "Cut to the 150 best-connected names." in chosen


def test_a_participation_period_comes_from_its_interval(built_settings: Settings) -> None:
    """The sources give no periods yet; a participation with an OWL-Time interval gets one."""
    store = ox.Store()
    current = current_store_dir(built_settings)
    assert current is not None
    store.bulk_load(path=str(current / "dataset.nq"), format=ox.RdfFormat.N_QUADS)
    extra = """
    @prefix org: <http://www.w3.org/ns/org#> . @prefix time: <http://www.w3.org/2006/time#> .
    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    <https://data.belongnetwork.co.uk/id/participation/beyond-us-and-them--nuffield-foundation--funder>
        org:memberDuring [ a time:Interval ;
            time:hasBeginning [ time:inXSDDate "2020-05-01"^^xsd:date ] ;
            time:hasEnd [ time:inXSDgYear "2022"^^xsd:gYear ] ] .
    """
    store.load(extra.encode(), format=ox.RdfFormat.TURTLE)
    view = read_query(built_settings.queries_dir / "partnership-network.rq")
    rows = store.query(view.query_for({}), use_default_graph_as_union=True)
    assert isinstance(rows, ox.QuerySolutions)
    periods = {
        (row["source"].value, row["role"].value): (row["start"], row["end"])
        for row in rows
        if row["target"] == ox.NamedNode(BEYOND)
    }
    start, end = periods[(NUFFIELD, "funder")]
    assert (int(start.value), int(end.value)) == (2020, 2022)
    assert periods[(KENT, "research-partner")] == (None, None)


def test_the_network_api_is_in_the_openapi_document(client: FlaskClient) -> None:
    from openapi_spec_validator import validate

    document = client.get("/api/openapi.json").get_json()
    validate(document)
    ego = document["paths"]["/api/network/ego"]["get"]
    assert {p["name"] for p in ego["parameters"]} >= {"entity", "depth", "role", "theme"}
    assert "application/graphml+xml" in ego["responses"]["200"]["content"]
    assert {
        "/api/network",
        "/api/network/paths",
        "/api/network/measures",
        "/api/network/names",
    } <= set(document["paths"])


def test_an_external_identifier_finds_its_entity_in_the_network(client: FlaskClient) -> None:
    """Kent by its ROR ID and its Wikidata QID (the identifiers table)."""
    ego = client.get("/api/network/ego?entity=00xkeyj56").get_json()
    assert ego["entity"] == KENT
    paths = client.get("/api/network/paths?from=https://ror.org/00xkeyj56&to=belong").get_json()
    assert paths["paths"], paths
    page = client.get("/explore?focus=Q1516684").get_data(as_text=True)
    assert "University of Kent" in page


@pytest.mark.integration
def test_a_network_answer_is_cut_to_the_most_nodes_asked_or_not(
    large_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cut keeps the links between the 100 nodes of highest degree (then by name), as the
    build ranked them, and the nodes those links join."""
    client = large_app.test_client()
    uncut = get_json(client, "/api/network")
    assert uncut["limited"] is False
    monkeypatch.setattr(network_request, "MAX_LIMIT", 100)
    whole = get_json(client, "/api/network")
    assert whole["limit"] == 100 and whole["limited"] is True
    assert 0 < whole["shown"]["nodes"] <= 100 < whole["total"]["nodes"]
    ranked = sorted(uncut["nodes"], key=lambda node: (-node["degree"], node["label"], node["id"]))
    best = {node["id"] for node in ranked[:100]}
    kept = [e for e in uncut["edges"] if e["source"] in best and e["target"] in best]
    assert [e["id"] for e in whole["edges"]] == [e["id"] for e in kept]
    assert {n["id"] for n in whole["nodes"]} == {
        e[end] for e in kept for end in ("source", "target")
    }


def test_the_build_reads_each_network_view_whole_and_in_its_order(build_folder: Path) -> None:
    """The build runs the views unordered and sorts their rows in Python: what it reads is each
    view's whole answer, item for item, in the view's own ORDER BY."""
    store = OxigraphStore.open(build_folder)
    queries = Settings.load().queries_dir
    expected = tuple(
        items(select(store, read_query(queries / f"{name}.rq").sparql)) for name in compute.VIEWS
    )
    nodes, edges = compute.view_items(compute.view_answers(store, queries))
    assert (nodes, edges) == expected
    assert len(nodes) > 50 and len(edges) > 50
    assert [item["node"]["id"] for item in nodes] == sorted(item["node"]["id"] for item in nodes)
