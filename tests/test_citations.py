"""Citations of the library's resources: CSL-JSON, BibTeX, RIS and formatted citations, by
download and by content negotiation on a real server, each parsed by its own library; the
citation box, the meta tags and the dataset's citation on the pages. Expected names, titles and
years come from the seed documents (the library's listing prints each resource's credits)."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts
from flask.testing import FlaskClient
from rdflib import Graph, Namespace
from rdflib.namespace import RDF

from belong_graph.settings import PROJECT_ROOT
from tests.conftest import DISCRIMINATION_AUTHORS, LiveServer, fetch
from tests.test_seed_facts import seed_says

SCHEMA = Namespace("http://schema.org/")
DISCRIMINATION = "resource/discrimination-prejudice-and-cohesion"
DISCRIMINATION_TITLE = (
    "Discrimination, Prejudice and Cohesion – Intergroup relations among Black, Muslim and White "
    "People in Britain in the Context of COVID-19 and Beyond"
)
TOOLKIT = "resource/everyday-integration-toolkit"  # "Author: University of Bristol"
EVALUATIONS = "resource/independent-evaluations-of-the-integration-area-programme"
DLUHC = "Department for Levelling Up, Housing and Communities"  # as printed in August 2022
CSL_JSON = "application/vnd.citationstyles.csl+json"
BIBTEX = "application/x-bibtex"
RIS = "application/x-research-info-systems"


def both_ways(server: LiveServer, entity: str, media_type: str, suffix: str) -> str:
    """The citation by download (the suffix) and by content negotiation, which must agree."""
    url = f"{server.url}/id/{entity}"
    status, headers, body = fetch(url + suffix)
    assert (status, headers.get_content_type()) == (200, media_type)
    negotiated = fetch(url, {"Accept": media_type})
    assert (negotiated[0], negotiated[1].get_content_type()) == (200, media_type)
    assert negotiated[1]["Content-Location"].endswith(f"/id/{entity}{suffix}")
    assert "Accept" in negotiated[1]["Vary"]
    assert negotiated[2] == body
    return body.decode("utf-8")


@pytest.mark.integration
def test_csl_json_of_a_report_holds_its_printed_credits(live_server: LiveServer) -> None:
    seed_says("Author: " + ", ".join(DISCRIMINATION_AUTHORS))
    seed_says(DISCRIMINATION_TITLE + " July 2022")
    record = json.loads(both_ways(live_server, DISCRIMINATION, CSL_JSON, ".csl.json"))
    assert record["type"] == "report"
    assert record["title"] == DISCRIMINATION_TITLE
    assert [f"{n['given']} {n['family']}" for n in record["author"]] == DISCRIMINATION_AUTHORS
    assert record["author"][3] == {"family": "Davies Hayon", "given": "Kaya"}
    assert record["issued"] == {"date-parts": [[2022, 7]]}
    assert record["URL"] == f"{live_server.url}/id/{DISCRIMINATION}"
    assert "publisher" not in record and "DOI" not in record  # the graph gives none


@pytest.mark.integration
def test_bibtex_parses_with_bibtexparser(live_server: LiveServer) -> None:
    body = both_ways(live_server, DISCRIMINATION, BIBTEX, ".bib")
    library = bibtexparser.parse_string(
        body, append_middleware=[SeparateCoAuthors(), SplitNameParts()]
    )
    assert library.failed_blocks == []
    (entry,) = library.entries
    assert (entry.entry_type, entry.key) == ("techreport", "discrimination-prejudice-and-cohesion")
    names = [(" ".join(n.first), " ".join(n.last)) for n in entry["author"]]
    assert names == [tuple(name.rsplit(" ", 1)) for name in DISCRIMINATION_AUTHORS[:3]] + [
        ("Kaya", "Davies Hayon"),
        ("Hilal", "Ozkeçeci"),
        ("Andrew", "Dixon"),
    ]
    assert entry["title"] == DISCRIMINATION_TITLE
    assert (entry["year"], entry["month"]) == ("2022", "7")
    assert entry["url"] == f"{live_server.url}/id/{DISCRIMINATION}"


@pytest.mark.integration
def test_ris_parses_with_rispy(live_server: LiveServer) -> None:
    (entry,) = rispy.loads(both_ways(live_server, DISCRIMINATION, RIS, ".ris"))
    assert entry["type_of_reference"] == "RPRT"
    assert entry["authors"][:2] == ["Abrams, Dominic", "Broadwood, Jo"]
    assert entry["authors"][3] == "Davies Hayon, Kaya"
    assert entry["title"] == DISCRIMINATION_TITLE
    assert (entry["year"], entry["date"]) == ("2022", "2022/07")
    assert entry["urls"] == [f"{live_server.url}/id/{DISCRIMINATION}"]


@pytest.mark.integration
@pytest.mark.parametrize(
    ("entity", "printed"), [(TOOLKIT, "University of Bristol"), (EVALUATIONS, DLUHC)]
)
def test_an_organisation_stays_one_name(live_server: LiveServer, entity: str, printed: str) -> None:
    seed_says("Author: " + printed)
    record = json.loads(both_ways(live_server, entity, CSL_JSON, ".csl.json"))
    assert record["author"] == [{"literal": printed}]
    bib = bibtexparser.parse_string(
        both_ways(live_server, entity, BIBTEX, ".bib"),
        append_middleware=[SeparateCoAuthors(), SplitNameParts()],
    )
    (author,) = bib.entries[0]["author"]
    assert (author.first, author.von, author.last) == ([], [], ["{" + printed + "}"])
    (ris,) = rispy.loads(both_ways(live_server, entity, RIS, ".ris"))
    assert ris["authors"] == [printed]


# Each expected text is the seeds' credits, date and title in APA's order (APA 7, CSL style apa),
# with the seed lines it rests on.
APA = {
    DISCRIMINATION: (
        "Abrams, D., Broadwood, J., Lalot, F., Davies Hayon, K., Ozkeçeci, H., & Dixon, A. "
        f"(2022). {DISCRIMINATION_TITLE}.",
        ["Author: " + ", ".join(DISCRIMINATION_AUTHORS), DISCRIMINATION_TITLE + " July 2022"],
    ),
    TOOLKIT: (  # a toolkit is a CSL document, which APA dates by month
        "University of Bristol. (2022, July). The Everyday Integration Toolkit.",
        ["Author: University of Bristol", "The Everyday Integration Toolkit July 2022"],
    ),
    EVALUATIONS: (
        f"{DLUHC}. (2022). Independent Evaluations of the Integration Area Programme.",
        ["Author: " + DLUHC, "Independent Evaluations of the Integration Area Programme August"],
    ),
    "resource/ncvo-guidance-on-impact-and-evaluation": (  # its author published it: APA 7, 9.29
        # leaves the publisher out (it printed "... Evaluation. National Council for ...")
        "National Council for Voluntary Organisations. (2022, June). NCVO Guidance on Impact and "
        "Evaluation.",
        ["Author: NCVO, Publisher: NCVO", "NCVO Guidance on Impact and Evaluation June 2022"],
    ),
}


@pytest.mark.integration
@pytest.mark.parametrize("entity", list(APA))
def test_apa_citations_read_as_the_seeds_print_them(live_server: LiveServer, entity: str) -> None:
    expected, seed_lines = APA[entity]
    for line in seed_lines:
        seed_says(line)
    url = f"{live_server.url}/id/{entity}"
    status, headers, body = fetch(url, {"Accept": "text/x-bibliography; style=apa"})
    assert (status, headers.get_content_type()) == (200, "text/x-bibliography")
    assert body.decode() == f"{expected} {url}\n"
    assert fetch(url + ".txt?style=apa")[2] == body


@pytest.mark.integration
def test_harvard_and_chicago_and_a_locale(live_server: LiveServer) -> None:
    url = f"{live_server.url}/id/{TOOLKIT}"
    harvard = fetch(url, {"Accept": "text/x-bibliography; style=harvard-cite-them-right"})[2]
    assert harvard.decode().startswith("University of Bristol (2022) ‘The Everyday Integration")
    chicago = fetch(url + "?format=bibliography&style=chicago-author-date")[2].decode()
    assert chicago.startswith("University of Bristol. 2022. ‘The Everyday Integration Toolkit’.")
    german = fetch(url, {"Accept": "text/x-bibliography; style=apa; locale=de-DE"})[2].decode()
    assert german.startswith("University of Bristol. (2022, Juli).")  # July, in German


@pytest.mark.parametrize("style", ["apa", "harvard-cite-them-right", "chicago-author-date"])
def test_a_resource_with_no_author_gives_its_title_once(client: FlaskClient, style: str) -> None:
    """The seed lists the webinar with no author line: each style puts its title in the
    author's place, and there only (citeproc-py printed it twice: "Title. (2022). Title.")."""
    seed_says("Everybody’s Business online launch webinar March 2022")
    url = "/id/resource/everybodys-business-online-launch-webinar"
    cited = client.get(url, query_string={"format": "bibliography", "style": style})
    assert cited.status_code == 200
    text = cited.get_data(as_text=True)
    assert text.lower().count("everybody’s business online launch webinar") == 1, text
    assert "2022" in text and url in text


def test_a_bad_style_or_locale_is_a_clear_client_error(client: FlaskClient) -> None:
    url = f"/id/{TOOLKIT}"
    by_url = client.get(url + "?format=bibliography&style=nonesuch")
    assert by_url.status_code == 400
    said = by_url.get_data(as_text=True)
    assert "'nonesuch'" in said and "apa, harvard-cite-them-right, chicago-author-date" in said
    asked = client.get(
        url,
        headers={"Accept": "application/json"},
        query_string={"format": "bibliography", "locale": "xx-XX"},
    )
    assert asked.status_code == 400
    assert json.loads(asked.data)["parameter"] == "locale"
    by_accept = client.get(url, headers={"Accept": "text/x-bibliography; style=nonesuch"})
    assert by_accept.status_code == 406
    assert "'nonesuch'" in by_accept.get_data(as_text=True)


def test_an_entity_that_is_no_resource_has_no_citation(client: FlaskClient) -> None:
    for answer in (
        client.get("/id/person/jo-broadwood", headers={"Accept": BIBTEX}),
        client.get("/id/person/jo-broadwood.ris"),
    ):
        assert answer.status_code == 406
        said = answer.get_data(as_text=True)
        assert "/id/person/jo-broadwood> is not one of the library's resources" in said
        assert "text/turtle" in said


class MetaReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "meta" and "name" in values:
            self.meta.setdefault(values["name"], []).append(values["content"])


def meta_tags(client: FlaskClient, entity: str) -> dict[str, list[str]]:
    reader = MetaReader()
    reader.feed(client.get(f"/id/{entity}", headers={"Accept": "text/html"}).get_data(True))
    return reader.meta


def test_highwire_tags_give_names_as_reference_managers_read_them(client: FlaskClient) -> None:
    tags = meta_tags(client, DISCRIMINATION)
    expected = [f"{n.rsplit(' ', 1)[1]}, {n.rsplit(' ', 1)[0]}" for n in DISCRIMINATION_AUTHORS]
    expected[3] = "Davies Hayon, Kaya"
    assert tags["citation_author"] == expected == tags["DC.creator"]
    assert tags["citation_publication_date"] == ["2022/07"]
    assert "citation_technical_report_institution" not in tags  # the graph names none
    toolkit = meta_tags(client, TOOLKIT)
    assert toolkit["citation_author"] == ["University of Bristol,"]  # a family name alone
    assert "citation_technical_report_institution" not in toolkit  # a toolkit: no report
    evaluations = meta_tags(client, EVALUATIONS)
    assert evaluations["citation_technical_report_institution"] == [DLUHC]  # a report
    assert "citation_author" not in evaluations  # its comma would split it


def test_a_resource_page_has_a_citation_box(client: FlaskClient) -> None:
    html = client.get(f"/id/{TOOLKIT}", headers={"Accept": "text/html"}).get_data(True)
    box = html[html.index('aria-labelledby="cite-heading"') :]
    box = box[: box.index("</section>")]
    for style in ("APA Style 7th edition", "Cite Them Right", "Chicago Manual of Style"):
        assert style in box
    assert "University of Bristol. (2022, July). <i>The Everyday Integration Toolkit</i>." in box
    for suffix in (".bib", ".ris", ".csl.json", ".txt"):
        assert f'href="http://localhost/id/{TOOLKIT}{suffix}"' in box
    person = client.get("/id/person/jo-broadwood", headers={"Accept": "text/html"})
    assert "cite-heading" not in person.get_data(as_text=True)


def test_the_dataset_page_says_how_to_cite_this_version(client: FlaskClient) -> None:
    html = client.get("/dataset", headers={"Accept": "text/html"}).get_data(as_text=True)
    box = html[html.index('aria-labelledby="cite-dataset-heading"') :]
    box = box[: box.index("</section>")]
    version = html.split('<th scope="row">Version</th><td><code>', 1)[1].split("<", 1)[0]
    assert f"(Version {version})" in box
    assert "[Data set]" in box
    assert "belong-graph" in box  # the publisher setting's default: the project itself


def test_every_person_is_given_and_family_name_as_printed() -> None:
    graph = Graph().parse(PROJECT_ROOT / "data" / "people.ttl", publicID="https://x.example/")
    people = list(graph.subjects(RDF.type, SCHEMA.Person))
    assert len(people) > 20
    for person in people:
        given, family = (
            graph.value(person, SCHEMA.givenName),
            graph.value(person, SCHEMA.familyName),
        )
        assert f"{given} {family}" == str(graph.value(person, SCHEMA.name))


def test_chicago_gives_given_names_whole_as_the_style_asks(client: FlaskClient) -> None:
    """Chicago's bibliography keeps given names whole (its cs:name says initialize="false"), and
    a given name's initials keep their full stop: the seed prints "Linda R. Tropp, PhD and
    Trisha A. Dehrone, MS" and "Julie Walsh & Maria Teresa Ferazzoli" (citeproc-py gave "Tropp,
    L. R." and "Walsh, J., M. T. Ferazzoli"); APA still gives initials, as it asks."""
    seed_says("Author: Linda R. Tropp, PhD and Trisha A. Dehrone, MS")
    seed_says("The University of Sheffield (Julie Walsh & Maria Teresa Ferazzoli)")

    def cited(slug: str, style: str) -> str:
        answer = client.get(
            f"/id/resource/{slug}", query_string={"format": "bibliography", "style": style}
        )
        assert answer.status_code == 200
        return answer.get_data(as_text=True)

    chicago = cited("cultivating-contact", "chicago-author-date")
    assert chicago.startswith("Tropp, Linda R., and Trisha A. Dehrone. 2022."), chicago
    migrants = cited("supporting-migrant-communities", "chicago-author-date")
    assert migrants.startswith("Walsh, Julie, Maria Teresa Ferazzoli, Lloyd Dobbs,"), migrants
    assert cited("cultivating-contact", "apa").startswith("Tropp, L. R., & Dehrone, T. A.")
