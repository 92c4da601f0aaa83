"""The home page: what the library is, a search box that leads to results, the themes, types and
years with the same counts as the catalogue's facets, the newest resources and the ways in for
reading, querying and exploring; and the API reference, the one page that lists the views.

Expected counts come from the seed document 003 (the library's listing), which prints each
resource with its month and year, and from the catalogue's own facets."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import lxml.html
from flask.testing import FlaskClient

from belong_graph.catalogue import load_catalogue
from belong_graph.settings import Settings
from belong_graph.web.bylines import byline
from tests.test_seed_facts import seed_lines, seed_says

HTML = {"Accept": "text/html"}
HOME_FACETS = '//section[contains(@class, "home-facets")]'
RESULTS = '//ol[@class="results"]/li'
MONTH_YEAR = re.compile(
    r" (January|February|March|April|May|June|July|August|September|October|November|December)"
    r" (\d{4})$"
)


def html(client: FlaskClient, url: str) -> lxml.html.HtmlElement:
    answer = client.get(url, headers=HTML)
    assert answer.status_code == 200, url
    return lxml.html.fromstring(answer.get_data(as_text=True))


def facet_links(page: lxml.html.HtmlElement, within: str) -> dict[str, dict[str, tuple[str, int]]]:
    """Each facet's values under the element ``within`` (XPath): label -> (link, count)."""
    facets: dict[str, dict[str, tuple[str, int]]] = {}
    for section in page.xpath(f'{within}//section[@class="facet"]'):
        values = facets.setdefault(section.get("data-facet"), {})
        for item in section.xpath(".//li"):
            link = item.xpath("a")[0]
            count = int(item.xpath('span[@class="count"]')[0].text_content().strip("()"))
            values[link.text_content().strip()] = (link.get("href"), count)
    return facets


def test_the_home_page_counts_are_the_catalogues(client: FlaskClient) -> None:
    home = facet_links(html(client, "/"), HOME_FACETS)
    catalogue = facet_links(html(client, "/resources"), "//aside")
    assert set(home) == {"theme", "type", "year"}
    assert home == catalogue  # the same values, counts and links
    for values in home.values():
        for label, (link, count) in values.items():
            results = html(client, link).xpath(RESULTS)
            assert len(results) == min(count, 20), (label, link)  # each link finds its count


def test_the_home_page_counts_agree_with_the_seeds(client: FlaskClient) -> None:
    listed = [m[2] for line in seed_lines() if (m := MONTH_YEAR.search(line))]  # title lines
    home = facet_links(html(client, "/"), HOME_FACETS)
    assert {year: count for year, (_, count) in home["year"].items()} == {"2022": len(listed)}
    assert len(listed) == 10  # the listing's ten resources, all of 2022
    seed_says("The Everyday Integration Toolkit July 2022")
    seed_says("A toolkit to support councils, service providers")  # Building the foundations
    seed_says("Everybody’s Business online launch webinar March 2022")  # the only webinar
    assert home["type"]["Toolkit"][1] == 2
    assert home["type"]["Webinar"][1] == 1


def test_the_newest_resources_come_first(client: FlaskClient) -> None:
    first, second = (  # the listing's two newest, as it prints them
        "Supporting Migrant Communities: A resource for practitioners",
        "Cultivating Contact: A Guide to Building Bridges and Meaningful Connections Between "
        "Groups",
    )
    seed_says(first + " November 2022")
    seed_says(second + " September 2022")
    newest = html(client, "/").xpath('//section[@aria-labelledby="newest-heading"]//ol/li/a')
    assert [a.text_content() for a in newest[:2]] == [first, second]
    assert newest[0].get("href").endswith("/id/resource/supporting-migrant-communities")
    for url in ("/", "/resources"):  # each date as the listing prints it, not "2022-11"
        meta = html(client, url).xpath(RESULTS + '/span[@class="meta"]')[0].text_content()
        assert meta.startswith("November 2022 · "), url


def test_the_search_box_leads_to_results(client: FlaskClient) -> None:
    home = html(client, "/")
    (form,) = home.xpath('//main//form[@role="search"]')
    (box,) = form.xpath('.//input[@type="search"]')
    (label,) = form.xpath(f'.//label[@for="{box.get("id")}"]')
    assert label.text_content() == "Search the library"
    assert (form.get("method"), form.get("action"), box.get("name")) == (
        "get",
        "/resources",
        "keyword",
    )
    results = html(client, f"{form.get('action')}?{box.get('name')}=migrants")
    titles = [a.text_content() for a in results.xpath(RESULTS + "/a")]
    assert titles == [  # the seed's two resources on migration, newest first
        "Supporting Migrant Communities: A resource for practitioners",
        "Building the foundations for social connections in Yorkshire and Humber",
    ]


def test_the_ways_in_for_readers_queriers_and_explorers(client: FlaskClient) -> None:
    home = html(client, "/")
    ways = {
        h3.text_content(): {a.get("href") for a in h3.getparent().xpath(".//a")}
        for h3 in home.xpath('//section[@class="ways-in"]//h3')
    }
    assert ways == {
        "Read": {"/resources"},
        "Query": {"/sparql", "/api/", "/dataset"},
        "Explore partnerships": {"/explore"},
    }
    assert not home.xpath('//main//a[contains(@href, "/api/views")]')  # the views are on /api/


def test_the_api_reference_lists_every_view(client: FlaskClient) -> None:
    reference = html(client, "/api/")
    views = load_catalogue(Settings.load().queries_dir)
    assert len(views) == len(list(Settings.load().queries_dir.glob("*.rq")))
    for view in views:
        (section,) = reference.xpath(f'//section[@id="{view.name}"]')
        assert section.xpath("h2")[0].text_content() == view.title
        assert view.description in section.text_content()
        names = [code.text_content() for code in section.xpath(".//tbody/tr/td[1]/code")]
        assert names == [p.name for p in view.parameters]
        tried = section.xpath('.//a[text()="try it"]')[0].get("href")
        assert urlsplit(tried).path == f"/api/views/{view.name}"
        assert set(parse_qs(urlsplit(tried).query)) == set(view.example_values())


def bylines(page: lxml.html.HtmlElement) -> dict[str, str]:
    """Each listed resource's title and the byline under it ("" where it has none)."""
    return {
        item.xpath("./a")[0].text_content(): "".join(item.xpath('./span[@class="byline"]/text()'))
        for item in page.xpath(RESULTS)
    }


def test_the_lists_name_each_resources_authors_as_the_listing_does(client: FlaskClient) -> None:
    """Under each title, its authors in the order the library's listing prints them (seed 003),
    many of them cut after three; a resource the listing credits to nobody has no byline."""
    contact = "Cultivating Contact: A Guide to Building Bridges and Meaningful Connections Between "
    contact += "Groups"
    seed_says("Author: Linda R. Tropp, PhD and Trisha A. Dehrone, MS")
    seed_says("Author: Dominic Abrams, Jo Broadwood, Fanny Lalot, Kaya Davies Hayon, Hilal Ozk")
    discrimination = next(t for t in bylines(html(client, "/resources")) if "Prejudice" in t)
    lines = seed_lines()
    webinar = "Everybody’s Business online launch webinar"
    after_webinar = lines[lines.index(webinar + " March 2022") + 1]
    assert not after_webinar.startswith("Author:")
    for url in ("/resources", "/"):
        shown = bylines(html(client, url))
        assert shown[contact] == "by Linda R. Tropp and Trisha A. Dehrone", url
        assert shown[discrimination] == "by Dominic Abrams, Jo Broadwood, Fanny Lalot and 3 more"
    # a unit with the organisation it is a unit of, as the listing prints it
    seed_says(
        "Author: Belong - The Cohesion and Integration Network, Intercultural Cities Unit, "
        "Council of Europe"
    )
    business = next(t for t in bylines(html(client, "/resources")) if t.endswith("communities"))
    assert bylines(html(client, "/resources"))[business] == (
        "by Belong - The Cohesion and Integration Network and Intercultural Cities Unit, Council "
        "of Europe"
    )
    assert bylines(html(client, "/resources?type=resource-type/webinar")) == {webinar: ""}


def test_a_byline_joins_names_as_a_sentence() -> None:
    assert byline(["A"]) == "A"
    assert byline(["A", "B"]) == "A and B"
    assert byline(["A", "B", "C", "D"]) == "A, B, C and D"
    assert byline(["A", "B", "C", "D", "E"]) == "A, B, C and 2 more"


def test_the_themes_say_they_are_the_catalogues_own(client: FlaskClient) -> None:
    """Seed 003 prints the headings "Resource Themes", "Resource Type" and "Resource Years" with
    no values: the themes are this catalogue's, read from the resources, and say so (the types
    are those the listing shows: reports, toolkits, a webinar...)."""
    lines = seed_lines()
    heading = lines.index("Resource Themes")
    assert lines[heading + 1 : heading + 3] == ["Resource Type", "Resource Years"]
    for url in ("/", "/resources"):
        page = html(client, url)
        for facet in ("theme", "type", "year"):
            notes = page.xpath(f'//section[@data-facet="{facet}"]/p[@class="note"]')
            said = " ".join(note.text_content() for note in notes)
            assert ("This catalogue's themes" in said) == (facet == "theme"), (url, facet)
