"""Entity pages lead with what a reader came for: a resource's title, credits as printed (people
with their printed affiliations, organisations by the name printed), date, types, themes,
description, partners and funders, where it is listed, its citation and related resources; an
organisation's, person's, initiative's or theme's summary in plain words and its lists. The
graph's facts stay on the page, folded below. Expected answers come from the seed documents
(/work/shared/seeds/: the library's listing and the research page) and data/."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Page, expect

from belong_graph.settings import Settings
from tests.conftest import LiveServer, make_app, violations
from tests.test_seed_facts import seed_says

BROWSER = {"Accept": "text/html"}
REPORT = "/id/resource/discrimination-prejudice-and-cohesion"
MIGRANTS = "/id/resource/supporting-migrant-communities"
EVALUATIONS = "/id/resource/independent-evaluations-of-the-integration-area-programme"
BRADFORD = "/id/resource/a-bradford-for-everyone-programme-evaluation-report"
ENTITY_PAGES = (
    REPORT,
    MIGRANTS,
    "/id/organisation/university-of-kent",
    "/id/person/dominic-abrams",
    "/id/project/beyond-us-and-them",
    "/id/theme/social-cohesion",
)


def text(html: str) -> str:
    """The words of an HTML fragment, tags removed and spaces collapsed."""
    words = re.sub(r"<[^>]+>", " ", html).replace("&amp;", "&").replace("&#39;", "'")
    return re.sub(r"\s+([,;.)])", r"\1", re.sub(r"\s+", " ", words)).replace("( ", "(").strip()


def part(html: str, start: str, end: str) -> str:
    """The text of ``html`` from the first ``start`` to the next ``end``."""
    begin = html.index(start) + len(start)
    return text(html[begin : html.index(end, begin)])


def page_of(client: FlaskClient, path: str) -> str:
    response = client.get(path, headers=BROWSER)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_resource_leads_with_its_credits_date_themes_and_description(
    client: FlaskClient,
) -> None:
    """The listing: 'Discrimination, Prejudice and Cohesion – … July 2022 / Author: Dominic
    Abrams, Jo Broadwood, Fanny Lalot, Kaya Davies Hayon, Hilal Ozkeçeci, Andrew Dixon'."""
    html = page_of(client, REPORT)
    start = html.index('<header class="lead">')
    lead = html[start : html.index("</header>", start)]
    assert "<h1>Discrimination, Prejudice and Cohesion – Intergroup relations" in lead
    assert part(lead, '<p class="credits">', "</p>") == (
        "By Dominic Abrams, Jo Broadwood, Fanny Lalot, Kaya Davies Hayon, Hilal Ozkeçeci, "
        "Andrew Dixon"
    )
    details = part(lead, '<dl class="summary-list">', "</dl>")
    assert "Date July 2022" in details
    assert "Type Research report" in details
    for theme in ("Social cohesion", "Discrimination and prejudice", "COVID-19"):
        assert theme in details
    assert part(lead, '<p class="description">', "</p>").startswith(
        "This report analyses social cohesion in Britain from May 2020 to July 2021"
    )
    assert 'href="http://localhost/id/person/dominic-abrams">Dominic Abrams</a>' in lead
    # the graph's facts come after, folded
    assert html.index("</header>") < html.index('<details class="graph-facts">')
    assert '<details class="graph-facts">' in html  # closed: no ``open``
    assert 'data-facts="properties"' in html[html.index('<details class="graph-facts">') :]


def test_credits_keep_the_printed_affiliations_and_roles(client: FlaskClient) -> None:
    """'Author: The University of Sheffield (Julie Walsh & Maria Teresa Ferazzoli), …, with
    contributions from Elizabeth Veeren, Gary Blake, Shupi Chiwanza, and Nchimunya Ng’andu'."""
    credits = part(page_of(client, MIGRANTS), '<p class="credits">', "</p>")
    assert credits == (
        "By Julie Walsh and Maria Teresa Ferazzoli (The University of Sheffield), "
        "Lloyd Dobbs (Goodwin Development Trust Ltd.), "
        "Gail Teasdale (Humber Coast and Vale Health and Care Partnership), "
        "Catriona Jones (The University of Hull), "
        "Laura Abott and Aidan Mascarenhas-Keyes (Chilypep); "
        "with contributions from Elizabeth Veeren, Gary Blake, Shupi Chiwanza, Nchimunya Ng’andu"
    )


def test_an_organisation_is_credited_by_the_name_printed_and_partners_are_listed(
    client: FlaskClient,
) -> None:
    """'Author: Department for Levelling Up, Housing and Communities' (August 2022; its name
    today is MHCLG); 'DLUHC (then MHCLG) commissioned IFF Research to carry out an independent
    evaluation' of the programme DLUHC funded. One body, one name on the page: its partners
    list names it as the credits do (it gave today's name beside the credit's)."""
    html = page_of(client, EVALUATIONS)
    assert part(html, '<p class="credits">', "</p>") == (
        "By Department for Levelling Up, Housing and Communities"
    )
    assert "From the initiative Integration Area Programme" in part(html, "<dl", "</dl>")
    partners = part(html, ">Partners and funders</h2>", "</ul>")
    assert (
        "Department for Levelling Up, Housing and Communities commissioned it, "
        "Integration Area Programme (commissioner), Integration Area Programme (funder)"
    ) in partners
    shown = html.split("<main", 1)[1].split('<details class="graph-facts">')[0]
    assert "Ministry of Housing" not in shown
    assert "IFF Research Integration Area Programme (evaluator)" in partners


def test_an_organisation_page_gives_the_names_a_reader_may_know_it_by(
    client: FlaskClient,
) -> None:
    """The seeds name the Ministry as it was in 2022: "Department for Levelling Up, Housing and
    Communities (DLUHC)"; its page, under today's name, says so."""
    seed_says("Department for Levelling Up, Housing and Communities (DLUHC)")
    html = page_of(client, "/id/organisation/dluhc")
    assert "<h1>Ministry of Housing, Communities and Local Government</h1>" in html
    details = part(html, '<dl class="summary-list">', "</dl>")
    assert "Also called MHCLG" in details
    assert "Formerly DLUHC, Department for Levelling Up, Housing and Communities" in details


def test_a_resource_says_where_it_is_listed_and_invents_no_link(client: FlaskClient) -> None:
    html = page_of(client, REPORT)
    start = html.index('<section class="listed"')
    listed = html[start : html.index("</section>", start)]
    assert "no address to read it at" in text(listed)
    assert "Listed in The Belong Network Library, which credits it: “Author: Dominic Abrams" in (
        text(listed)
    )
    links = re.findall(r'href="([^"]+)"', listed)
    assert links == ["http://localhost/id/source/belong-network-library"]  # nothing outside
    assert html.index('id="listed-heading"') < html.index('id="cite-heading"')


def test_related_resources_share_an_author_first(client: FlaskClient) -> None:
    """Kaya Davies Hayon wrote both the Bradford evaluation and the discrimination report."""
    related = part(page_of(client, BRADFORD), ">Related resources</h2>", "</ul>")
    first = related.split(" shares ")[0]
    assert "Discrimination, Prejudice and Cohesion" in first
    assert related.startswith("Discrimination")
    assert "shares one of its authors" in related
    assert (
        "Independent Evaluations of the Integration Area Programme August 2022; shares 3 of "
        in (related)
    )


@pytest.mark.parametrize(
    ("path", "summary", "lists"),
    [
        (  # 'in partnership with the University of Kent' on two research projects, one of
            # them 'funded by the Nuffield Foundation'
            "/id/organisation/university-of-kent",
            "University of Kent took part in 2 initiatives and works with 7 partners.",
            {
                "Initiatives": ["Beyond Us and Them", "Research on social cohesion measurement"],
                "Works with": ["Nuffield Foundation Beyond Us and Them (funder)"],
            },
        ),
        (  # 'Author: The University of Sheffield (Julie Walsh & Maria Teresa Ferazzoli), ...'
            "/id/organisation/university-of-sheffield",
            "The University of Sheffield is credited on one resource, works with 4 partners and "
            "has 2 people affiliated with it.",
            {
                "Resources": [
                    "Supporting Migrant Communities: A resource for practitioners its people as "
                    "authors"
                ],
                "People": ["Julie Walsh", "Maria Teresa Ferazzoli"],
            },
        ),
        (  # 'Dr Kaya Davies Hayon and Dr Jeni Vine from Belong - the Cohesion and Integration
            # Network', and Belong an author of 'Everybody’s Business'
            "/id/organisation/belong",
            "Belong - The Cohesion and Integration Network is credited on 2 resources, took part "
            "in 9 initiatives, works with 11 partners and has 2 people affiliated with it.",
            {"Resources": ["A Bradford for Everyone", "Everybody’s Business: the role"]},
        ),
        (  # the report's six authors
            "/id/person/dominic-abrams",
            "Dominic Abrams is credited on one resource and has 5 co-authors.",
            {"Co-authors": ["Andrew Dixon", "Jo Broadwood", "Kaya Davies Hayon"]},
        ),
        (  # 'this research project funded by the Nuffield Foundation'; its findings 'were
            # regularly shared with ... GO-Science and SAGE', who are no partners of it
            "/id/project/beyond-us-and-them",
            "Beyond Us and Them is a research project with 8 partners, funders and others.",
            {
                "Partners and funders": [
                    "Nuffield Foundation Funder",
                    "University of Kent",
                    "Scientific Advisory Group for Emergencies Findings shared with",
                ]
            },
        ),
        (
            "/id/theme/social-cohesion",
            "3 resources in the library are on social cohesion, all from 2022.",
            {"Resources": ["Everybody’s Business online launch webinar March 2022; Webinar"]},
        ),
        (  # 'The Everyday Integration Toolkit', and 'A toolkit to support councils'
            "/id/resource-type/toolkit",
            "2 resources in the library are of the type Toolkit.",
            {
                "Resources": [
                    "The Everyday Integration Toolkit July 2022",
                    "Building the foundations for social connections in Yorkshire and Humber",
                ]
            },
        ),
        (  # the discrimination report, 'in the Context of COVID-19'
            "/id/theme/covid-19",
            "One resource in the library is on COVID-19, from 2022.",
            {"Resources": ["Discrimination, Prejudice and Cohesion"]},
        ),
    ],
)
def test_other_pages_open_with_a_summary_and_their_lists(
    client: FlaskClient, path: str, summary: str, lists: dict[str, list[str]]
) -> None:
    if path.endswith("/toolkit"):
        seed_says("The Everyday Integration Toolkit July 2022")
        seed_says("A toolkit to support councils")
    html = page_of(client, path)
    assert part(html, '<p class="summary">', "</p>") == summary
    for title, entries in lists.items():
        found = part(html, f">{title}</h2>", "</ul>")
        for entry in entries:
            assert entry in found, (title, entry)
    assert html.index('<p class="summary">') < html.index('<details class="graph-facts">')


@pytest.mark.parametrize("path", ENTITY_PAGES)
def test_each_list_as_json_answers_its_view_for_this_entity(client: FlaskClient, path: str) -> None:
    """A list's "as JSON" link is its view's answer with the page's entity bound, as its "the
    next ones" link is: the bare view needs the parameter, and answered a reader 400."""
    links = re.findall(r'<a href="([^"]+)">as JSON</a>', page_of(client, path))
    assert links
    for link in links:
        response = client.get(link.replace("&amp;", "&"), headers={"Accept": "application/json"})
        assert response.status_code == 200, link
        assert list(response.get_json()["parameters"].values()) == [path.removeprefix("/id/")]
    if path == REPORT:  # it shares an author, Kaya Davies Hayon, with the Bradford report
        answer = client.get(links[0].replace("&amp;", "&")).get_json()
        related = [item["related"]["label"] for item in answer["items"]]
        assert "A Bradford for Everyone: Programme Evaluation Report" in related


@pytest.fixture
def counted_app(built_settings: Settings) -> Iterator[tuple[Flask, list[Any]]]:
    """An app of its own (an empty answer cache) that records each query job it runs."""
    jobs: list[Any] = []
    for app in make_app(built_settings):
        pool = app.extensions["belong_graph"].serving.pool
        pool.run = partial(counting, pool.run, jobs)
        yield app, jobs


def counting(run: Callable[..., Any], jobs: list[Any], job: Any, **options: Any) -> Any:
    """``run(job)``, noted in ``jobs``."""
    jobs.append(job)
    return run(job, **options)


def test_a_resource_page_runs_five_queries(counted_app: tuple[Flask, list[Any]]) -> None:
    """Its description, its credits and partners (`resource`), `related-resources`, its
    citation record and its credited agents' ORCID and ROR IRIs (for FAIR Signposting)."""
    app, jobs = counted_app
    assert app.test_client().get(REPORT, headers=BROWSER).status_code == 200
    assert len(jobs) == 5
    app.test_client().get(REPORT, headers=BROWSER)
    assert len(jobs) == 5  # answered from the cache the second time


@pytest.mark.browser
@pytest.mark.integration
@pytest.mark.parametrize("path", [REPORT, MIGRANTS])
def test_title_credits_and_description_are_in_the_first_screen(
    page: Page, live_server: LiveServer, path: str
) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + path)
    for selector in ("h1", "p.credits", "p.description"):
        box = page.locator(f"main {selector}").bounding_box()
        assert box is not None and box["y"] + box["height"] <= 900, (selector, box)


@pytest.mark.browser
@pytest.mark.integration
@pytest.mark.parametrize("path", ENTITY_PAGES)
def test_nothing_scrolls_sideways_on_a_phone_with_the_facts_open(
    page: Page, live_server: LiveServer, path: str
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + path)
    page.get_by_text("The graph's facts").click()
    expect(page.locator('dl[data-facts="properties"]')).to_be_visible()
    wide = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert wide[0] <= wide[1], wide
    assert violations(page) == []  # axe-core, with the facts open too


CHART = """(name) => {
  const chart = Chart.getChart(document.querySelector(`figure.chart[data-name="${name}"] canvas`));
  const axis = chart.options.indexAxis === "y" ? chart.scales.y : chart.scales.x;
  return {type: chart.config.type, ticks: axis.ticks.length, labels: chart.data.labels.length,
          rows: document.querySelectorAll(`figure.chart[data-name="${name}"] tbody tr`).length};
}"""


@pytest.mark.browser
@pytest.mark.integration
def test_a_timeline_of_one_year_is_a_bar_with_its_table(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server.url + "/id/theme/social-cohesion")
    figure = page.locator('figure.chart[data-name="resources-per-year-and-theme"]')
    expect(figure.locator("canvas")).to_be_visible()
    expect(figure.locator("table")).to_be_visible()  # the chart's data, beside it
    expect(figure.locator("tbody th")).to_have_text(["2022"])
    drawn = page.evaluate(CHART, "resources-per-year-and-theme")
    assert drawn == {"type": "bar", "ticks": 1, "labels": 1, "rows": 1}


@pytest.mark.browser
@pytest.mark.integration
def test_every_bar_is_labelled_and_long_labels_wrap(page: Page, live_server: LiveServer) -> None:
    """The catalogue's themes: every theme a bar, each with its label, on a phone too."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/resources")
    drawn = page.evaluate(CHART, "theme")
    assert drawn["type"] == "bar" and drawn["rows"] >= 10
    assert drawn["ticks"] == drawn["labels"] == drawn["rows"]
    wrapped = page.evaluate(
        """() => Chart.getChart(document.querySelector('figure.chart[data-name="theme"] canvas'))
                 .data.labels.filter((label) => Array.isArray(label)).length"""
    )
    assert wrapped > 0  # "Belonging and social connection" is on two lines, not cut off
    box = page.locator('figure.chart[data-name="theme"] canvas').bounding_box()
    assert box is not None and box["width"] <= 390


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/id/organisation/university-of-kent", "Its website and sources"),
        ("/id/person/kaya-davies-hayon", "Their sources"),  # no source gives her a website
        ("/id/person/dominic-abrams", "Their website and sources"),  # his page at Kent
    ],
)
def test_the_sources_heading_promises_a_website_only_where_there_is_one(
    client: FlaskClient, path: str, heading: str
) -> None:
    assert f'<h2 id="listed-heading">{heading}</h2>' in page_of(client, path)


def test_a_page_offers_the_explorer_only_for_what_the_network_holds(client: FlaskClient) -> None:
    """ "See its partnerships in the explorer" leads to the explorer focused on the entity from
    every page in the sitemap that offers it; the pages of a resource type or of the listing,
    which are no node of the network, do not offer it (it led to an error)."""
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    paths = [
        re.sub(r"^https?://[^/]+", "", url) for url in re.findall(r"<loc>([^<]+)</loc>", sitemap)
    ]
    offered = {}
    for path in (p for p in paths if p.startswith("/id/")):
        html = client.get(path, headers=BROWSER).get_data(as_text=True)
        link = re.search(
            r'<a href="([^"]+)">See (?:its|their) partnerships in the explorer</a>', html
        )
        if link:
            offered[path] = link.group(1).replace("&amp;", "&")
    assert "/id/organisation/belong" in offered and "/id/project/beyond-us-and-them" in offered
    assert "/id/resource-type/toolkit" not in offered
    assert "/id/source/belong-network-library" not in offered
    for path, explorer in offered.items():
        assert client.get(explorer, headers=BROWSER).status_code == 200, path
