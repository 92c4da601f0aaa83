"""The catalogue's word search: words by their stems (belong_graph/stems.py), every word of a
keyword, in the title, description, themes, types, year and credits of a resource; and the
catalogue page's chips, each the URL without its filter, and its message when nothing matched.

Expected resources come from the seed document 003 (the Belong Network Library listing), which
prints each resource's title, date, credits ("Author: ...") and description: "Supporting
Migrant Communities" (credits Julie Walsh) and "Building the foundations for social connections
in Yorkshire and Humber" (by IPPR/Migration Yorkshire) are about migration; "Cultivating Contact"
only names the American Immigration Council. Each answer is checked with the catalogue index and
without it by tests/test_catalogue_index.py (its ``FOUND``)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
from flask.testing import FlaskClient

from belong_graph.stems import query_words, search_text, words
from tests.conftest import BASE
from tests.test_oai import SEED_SLUGS

RESOURCE = BASE + "id/resource/"
MIGRANT_COMMUNITIES = "supporting-migrant-communities"
FOUNDATIONS = "building-the-foundations-for-social-connections-in-yorkshire-and-humber"
INTEGRATION_AREAS = "independent-evaluations-of-the-integration-area-programme"
BRADFORD_FOR_EVERYONE = "a-bradford-for-everyone-programme-evaluation-report"
SEARCHED = {  # keyword -> the seed resources it finds, newest first (the seed's order)
    "migrants": [MIGRANT_COMMUNITIES, FOUNDATIONS],  # a title's "Migrant"; a publisher's name
    "Migration 2022": [MIGRANT_COMMUNITIES, FOUNDATIONS],
    "migration 2021": [],  # 2021 is only in a description about cohesion
    "walsh": [MIGRANT_COMMUNITIES],  # a credited person's surname
    "Tropp": ["cultivating-contact"],
    "migrant communities practitioners": [MIGRANT_COMMUNITIES],
    "IMMIGRATION": [MIGRANT_COMMUNITIES, "cultivating-contact", FOUNDATIONS],
    # What the seed's credit lines print: an affiliation ("The University of Sheffield (Julie
    # Walsh ...)"), a body by its name when the report was issued ("Department for Levelling
    # Up, Housing and Communities", today's Ministry), a unit's parent ("Intercultural Cities
    # Unit, Council of Europe").
    "Sheffield": [MIGRANT_COMMUNITIES],
    "Levelling Up": [INTEGRATION_AREAS, BRADFORD_FOR_EVERYONE],
    "Council of Europe": ["everybodys-business"],
    # and an organisation by the other name it is known by ("Author: IPPR/Migration Yorkshire")
    "IPPR": [FOUNDATIONS],
}


def view(client: FlaskClient, name: str, **values: str) -> list[dict[str, Any]]:
    answer = client.get(f"/api/views/{name}", query_string=values)
    assert answer.status_code == 200, answer.data
    found: list[dict[str, Any]] = json.loads(answer.data)["items"]
    return found


def slugs(client: FlaskClient, keyword: str) -> list[str]:
    found = view(client, "resources", keyword=keyword)
    return [item["resource"]["id"].removeprefix(RESOURCE) for item in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Migrants", ["migr"]),
        ("migration migrant migrated migrating", ["migr"] * 4),
        ("Immigration immigrants", ["immigr", "immigr"]),
        ("Everybody’s Business", ["everybodi", "busi"]),
        ("SOCIÉTÉ société", ["societ", "societ"]),
        ("guidance on the migration of people", ["guidanc", "migr", "peopl"]),
        ("plant grant format 2022", ["plant", "grant", "form", "2022"]),
    ],
)
def test_words_are_folded_and_stemmed(text: str, expected: list[str]) -> None:
    assert words(text) == expected


def test_a_search_text_and_a_query_are_their_stems_sorted() -> None:
    assert search_text(["Migrant communities", "2022", "Julie Walsh"]) == (
        " 2022 communiti juli migr walsh "
    )
    assert query_words("Walsh  migrants MIGRATION") == "migr walsh"
    assert search_text(["The"]) == " " and query_words("of the") == ""


@pytest.mark.parametrize("keyword", sorted(SEARCHED))
def test_a_keyword_finds_the_resources_with_every_word(client: FlaskClient, keyword: str) -> None:
    assert slugs(client, keyword) == SEARCHED[keyword]


def test_migration_does_not_find_what_is_only_about_immigration(client: FlaskClient) -> None:
    assert "cultivating-contact" in slugs(client, "immigration")
    assert "cultivating-contact" not in slugs(client, "migration")


def test_a_year_word_finds_the_resources_of_that_year(client: FlaskClient) -> None:
    assert sorted(slugs(client, "2022")) == sorted(SEED_SLUGS)  # every seed resource is of 2022
    counts = view(client, "facets", keyword="2022")
    assert [row["value"] for row in counts if row["facet"] == "year"] == ["2022"]


def test_a_keyword_of_common_words_only_finds_nothing(client: FlaskClient) -> None:
    assert slugs(client, "the of and") == []
    assert view(client, "facets", keyword="the") == []


def page(client: FlaskClient, **values: str) -> lxml.html.HtmlElement:
    answer = client.get("/resources", query_string=values)
    assert answer.status_code == 200, answer.data
    return lxml.html.fromstring(answer.get_data(as_text=True))


def query_of(link: str) -> dict[str, list[str]]:
    address = urlsplit(link)
    assert address.path == "/resources"
    return parse_qs(address.query)


def test_each_chip_links_to_the_catalogue_without_its_filter(client: FlaskClient) -> None:
    chosen = {"keyword": "migrants", "theme": "theme/migration", "in": "2022", "sort": "title"}
    html = page(client, **chosen)
    chips = {a.get("data-filter"): a for a in html.xpath('//ul[@class="chips"]//a')}
    assert set(chips) == {"keyword", "theme", "in"}
    assert chips["theme"].text_content().startswith("Theme: Migration")
    assert chips["keyword"].text_content().startswith("Words: migrants")
    assert chips["in"].get("aria-label") == "Remove Year: 2022"
    for name, chip in chips.items():
        expected = {k: [v] for k, v in chosen.items() if k != name}
        assert query_of(chip.get("href")) == expected, name
    titles = [a.text_content() for a in html.xpath('//ol[@class="results"]//a')]
    assert titles[0].startswith("Building the foundations")  # sorted by title
    assert len(titles) == 2 and not html.xpath('//*[@class="no-match"]')


def test_nothing_matched_says_what_was_searched_and_offers_each_filter_off(
    client: FlaskClient,
) -> None:
    chosen = {"keyword": "Walsh migrants toolkits", "type": "resource-type/toolkit"}
    html = page(client, **chosen)
    assert html.xpath('//ol[@class="results"]/li') == []
    message = html.xpath('//*[@class="no-match"]')[0]
    said = " ".join(message.text_content().split())
    assert [w.text_content() for w in message.xpath('.//strong[@class="word"]')] == [
        "migr",
        "toolkit",
        "walsh",
    ]
    assert "the stems of “Walsh migrants toolkits”" in said
    assert "of the type Toolkit" in said
    offered = {a.get("data-filter"): a.get("href") for a in message.xpath(".//ul//a")}
    assert query_of(offered["keyword"]) == {"type": ["resource-type/toolkit"]}
    assert query_of(offered["type"]) == {"keyword": ["Walsh migrants toolkits"]}
    without_type = page(client, keyword="Walsh migrants")
    assert [a.text_content() for a in without_type.xpath('//ol[@class="results"]//a')] == [
        "Supporting Migrant Communities: A resource for practitioners"
    ]
