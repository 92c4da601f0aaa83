"""The synthetic library of the benchmarks and scale tests: deterministic, valid, and holding
something for every view to find, above all for the entities its documented examples name."""

from __future__ import annotations

import io
from pathlib import Path

import pyoxigraph as ox
import pytest

from belong_graph.build import build_in_memory
from belong_graph.catalogue import CannedQuery, load_catalogue
from belong_graph.namespaces import PREFIXES
from belong_graph.settings import Settings
from belong_graph.store import OxigraphStore
from belong_graph.synthetic import generate
from tests.conftest import BASE

VIEWS = load_catalogue(Settings().queries_dir)
# 100 resources: every example's entity is there at any size, and the connection view, which
# grows steeply with the library today (39 s in-process at 300 resources), stays quick.
RESOURCES = 100


def synthetic(resources: int, seed: int = 42) -> str:
    out = io.StringIO()
    generate(out, resources=resources, seed=seed, base_iri=BASE)
    return out.getvalue()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> OxigraphStore:
    """The synthetic library, validated by the shapes (the build refuses a violation) and
    derived, in memory."""
    data = tmp_path_factory.mktemp("synthetic") / "library.ttl"
    data.write_text(synthetic(RESOURCES), encoding="utf-8")
    return build_in_memory(Settings.load({"data_paths": (Path(data),)}))


def rows(store: OxigraphStore, view: CannedQuery, values: dict[str, str]) -> list[dict[str, str]]:
    solutions = store.query(view.query_for(view.bind(values, BASE)))
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    return [{name: row[name].value for name in names if row[name] is not None} for row in solutions]


def test_the_same_size_and_seed_give_the_same_bytes() -> None:
    assert synthetic(60) == synthetic(60)
    assert synthetic(60) != synthetic(60, seed=7)


@pytest.mark.parametrize("view", VIEWS, ids=lambda view: view.name)
def test_every_view_finds_something_for_its_documented_examples(
    store: OxigraphStore, view: CannedQuery
) -> None:
    examples = {p.name: p.example for p in view.parameters if p.example}
    assert rows(store, view, examples), f"{view.name} finds nothing for {examples}"


def test_the_examples_find_the_real_data_s_entities_linked_as_there(store: OxigraphStore) -> None:
    by_name = {view.name: view for view in VIEWS}
    kent, nuffield = "organisation/university-of-kent", "organisation/nuffield-foundation"
    found = rows(store, by_name["lookup"], {"id": "00xkeyj56"})
    assert {row["entity"] for row in found} == {BASE + "id/" + kent}
    connection = rows(store, by_name["connection"], {"organisation": kent, "other": nuffield})
    assert BASE + "id/project/beyond-us-and-them" in {row["via"] for row in connection}
    initiative = rows(store, by_name["initiatives"], {"initiative": "project/beyond-us-and-them"})
    roles = {(row["itemLabel"], row.get("role")) for row in initiative}
    assert ("Nuffield Foundation", "Funder") in roles
    assert ("Centre for the Study of Group Processes", "Research partner") in roles
    assert "output" in {row["relation"] for row in initiative}
    profile = rows(store, by_name["organisation-profile"], {"organisation": kent})
    assert {"unit", "initiative", "author"} <= {row["relation"] for row in profile}
    person = rows(store, by_name["person-profile"], {"person": "person/dominic-abrams"})
    assert {"work", "affiliation", "co-author"} <= {row["relation"] for row in person}


ROLES = ("lead", "research-partner", "partner", "funder", "commissioner", "evaluator",
         "dissemination-partner", "contributor", "pilot-area", "findings-recipient",
         "government-liaison")  # fmt: skip
LINKS = {  # what the views and the explorer read, each as a pattern the library must hold
    **{f"{role} participation": f"?p org:role <{{base}}id/role/{role}>" for role in ROLES},
    "funder": "?initiative schema:funder ?funder",
    "government body": "?participation org:member ?body . ?body a bel:GovernmentBody",
    "pilot area": "?initiative bel:pilotArea ?place . ?place a dcterms:Location",
    "unit": "?unit org:unitOf ?whole",
    "part of a network": "?part org:subOrganizationOf ?whole",
    "participation period": "?p org:memberDuring/time:hasBeginning/time:inXSDgYear ?year",
    "contributor": "?resource dcterms:contributor ?person . ?person a schema:Person",
    "co-producer": "?credit prov:hadRole <{base}id/contribution-role/co-producer>",
    "printed affiliation": "?person schema:affiliation ?organisation",
    "partner in publishing": "?resource bel:publishedInPartnershipWith ?organisation",
    "place covered": "?resource dcterms:spatial ?place",
    "evaluation of an initiative": "?resource bel:evaluationOf ?initiative",
    "resource part of an initiative": "?resource dcterms:isPartOf ?i . ?i a bel:Initiative",
    "initiative building on another": "?initiative bel:buildsOn ?earlier",
    "launch of a resource": "?event bel:launches ?resource",
    "quotation": "?quotation a schema:Quotation ; schema:about ?initiative",
    "identifier node": "?entity schema:identifier/schema:propertyID ?scheme",
    "sameAs link": "?entity owl:sameAs ?iri",
    "credits as printed": "?resource schema:creditText ?text",
    "blank-node period": "?resource dcterms:temporal ?period . FILTER (isBlank(?period))",
}


@pytest.mark.parametrize("pattern", LINKS.values(), ids=list(LINKS))
def test_the_library_holds_every_kind_of_link(store: OxigraphStore, pattern: str) -> None:
    prefixes = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())
    assert store.query(prefixes + "ASK { " + pattern.format(base=BASE) + " }"), pattern
