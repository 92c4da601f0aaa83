"""The query page's autocompletion index (written by the build) and its route,
``/sparql/completions``: our classes, properties and entities, found by what a reader types."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from belong_graph.publish.completions import INDEX_FILE, complete
from tests.conftest import problem

ID = "https://data.belongnetwork.co.uk/id/"


def suggested(client: FlaskClient, kind: str, typed: str) -> list[dict[str, Any]]:
    answer = client.get("/sparql/completions", query_string={"kind": kind, "q": typed})
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    assert answer.json is not None and (answer.json["kind"], answer.json["q"]) == (kind, typed)
    assert "ETag" in answer.headers
    found: list[dict[str, Any]] = answer.json["completions"]
    return found


@pytest.mark.parametrize(
    "typed", ["fun", "schema:fun", "http://schema.org/fun", "FUND", "http://schema.org/funder"]
)
def test_a_property_by_its_name_curie_or_iri(client: FlaskClient, typed: str) -> None:
    assert suggested(client, "property", typed) == [
        {"iri": "http://schema.org/funder", "curie": "schema:funder", "label": None}
    ]


def test_our_classes_come_with_the_ontology_labels(client: FlaskClient) -> None:
    found = suggested(client, "class", "bel:Ini")
    assert found == [
        {
            "iri": "https://data.belongnetwork.co.uk/ontology#Initiative",
            "curie": "bel:Initiative",
            "label": "Initiative",
        }
    ]
    used = [c["curie"] for c in suggested(client, "class", "")]
    assert "bel:Participation" in used and "schema:Person" in used


def test_an_entity_by_a_word_of_its_label(client: FlaskClient) -> None:
    found = suggested(client, "entity", "kent")
    assert found[0] == {
        "iri": ID + "organisation/university-of-kent",
        "curie": None,
        "label": "University of Kent",
    }
    assert all("kent" in c["label"].lower() for c in found)
    assert suggested(client, "entity", "univ ke")[0]["label"] == "University of Kent"  # words
    by_iri = suggested(client, "entity", ID + "organisation/nuff")
    assert [c["label"] for c in by_iri] == ["Nuffield Foundation"]
    spirit = suggested(client, "entity", "spirit")[0]
    assert (spirit["iri"], spirit["label"]) == (
        ID + "organisation/spirit-of-2012",
        "Spirit of 2012",
    )


def test_only_terms_of_our_vocabularies_and_no_outside_words(
    client: FlaskClient, build_folder: Path
) -> None:
    properties = suggested(client, "property", "")
    assert properties and all(c["curie"] for c in properties)  # every one has our prefix
    assert complete(build_folder / INDEX_FILE, "property", "%") == []  # a literal percent sign
    assert complete(build_folder / INDEX_FILE, "entity", "nothing-is-called-this") == []


def test_an_unknown_kind_is_refused(client: FlaskClient) -> None:
    answer = client.get(
        "/sparql/completions?kind=everything&q=a", headers={"Accept": "application/json"}
    )
    document = problem(answer, 400, "Parameter error")
    assert document["parameter"] == "kind"
